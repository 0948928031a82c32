"""Where the packaged data lives: reference data, catalogues, templates, the embedded sample."""
from __future__ import annotations

import csv
import io
from importlib import resources
from importlib.resources.abc import Traversable

MUNICIPALITY_GROUPS = "ojexcel.municipality_groups"
KATALOG = "ojexcel.survey.katalog"
TEMPLATES = "ojexcel.templates"
SAMPLES = "ojexcel.samples"


def resource(package: str, name: str) -> Traversable:
    node = resources.files(package)
    for part in name.split("/"):
        node = node.joinpath(part)
    return node


def read_csv_rows(package: str, name: str) -> list[dict[str, str]]:
    """A packaged UTF-8 CSV as a list of dicts (header row = keys)."""
    text = resource(package, name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
