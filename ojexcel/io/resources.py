"""Where the packaged data lives: reference data, the embedded årgångar, templates, the embedded samples."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from importlib import resources
from importlib.resources.abc import Traversable

MUNICIPALITY_GROUPS = "ojexcel.municipality_groups"
ARSGANGAR = "ojexcel.survey.arsgangar"  # the embedded survey years, one folder each (survey/arsgang.py)
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


ISU_SAMPLE = "isu_arenden.csv"


def sample_file(name: str, missing: str | None = None) -> Path:
    """An embedded synthetic sample (`samples/`) as a file path; FileNotFoundError when absent."""
    node = resource(SAMPLES, name)
    if not node.is_file():
        raise FileNotFoundError(missing or f"the embedded sample {name} is missing from the installation")
    return Path(str(node))


def survey_sample(year: int) -> Path:
    """The embedded synthetic response file of a survey year."""
    return sample_file(f"svar_{year}.csv", f"no embedded sample for {year}")


def is_sample(path: str | Path, name: str) -> bool:
    """Whether `path` is the embedded sample `name` (its outputs then say the data are synthetic)."""
    try:
        return Path(path).resolve() == sample_file(name).resolve()
    except (FileNotFoundError, OSError, ValueError):
        return False


def isu_sample() -> Path:
    """The embedded synthetic ISU sample (3 070 ärenden, `samples/isu_arenden.csv`)."""
    return sample_file(ISU_SAMPLE, "the embedded ISU sample is missing from the installation")


ISU_DEMO_KEY = "isu_demo.key"


def isu_demo_key() -> Path:
    """The key file (CONTRACT isu §2 item 1) of the embedded ISU sample: public, for the demo only —
    a publication keeps its own key secret."""
    return sample_file(ISU_DEMO_KEY, "the ISU sample's demo key is missing from the installation")
