"""The map of Sweden's 290 kommuner: the committed outlines (`data/kommun_map.json`, built by
`dev/make_kommun_map.py` from SCB's borders, CC0; see `dev/README_kommun_map.md`) as SVG pieces.

The JSON is read with the standard library, once per process, and checked against the
population: the same 290 codes. The indicator pages draw one `<path>` per kommun on the whole
map, and the metro insets (Stockholm, inner Stockholm, Göteborg, Malmö) with `<use>` of those
paths, so the outlines are in the page once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..population import Population
from ..problems import ReferenceDataError

MAP_FILE = "kommun_map.json"
# The insets drawn beside the map, in this order (keys of the JSON's `insets`).
INSETS = ("stockholm", "stockholm_inner", "goteborg", "malmo")


@dataclass(frozen=True)
class Inset:
    key: str
    label: str
    view_box: str
    codes: tuple[str, ...]  # every kommun whose outline reaches into the inset


@dataclass(frozen=True)
class KommunMap:
    view_box: str
    paths: tuple[tuple[str, str], ...]  # (kommunkod, SVG path data), code order
    insets: tuple[Inset, ...]
    attribution: str
    licence_url: str
    source_url: str

    @property
    def inset_codes(self) -> frozenset[str]:
        return frozenset(c for i in self.insets for c in i.codes)


@cache
def _load() -> dict:
    text = resources.files("ojexcel.site").joinpath("data", MAP_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def load_map(population: Population) -> KommunMap:
    """The map, checked against `population` (raises ReferenceDataError)."""
    try:
        doc = _load()
        kommuner = doc["kommuner"]
        codes = set(kommuner)
        if codes != set(population.municipalities):
            diff = sorted(codes ^ set(population.municipalities))
            raise ReferenceDataError(f"{MAP_FILE}: the kommun codes differ from kommuner.csv: {', '.join(diff[:10])}")
        insets = tuple(
            Inset(key, doc["insets"][key]["label"], doc["insets"][key]["viewBox"], tuple(doc["insets"][key]["codes"]))
            for key in INSETS
        )
        return KommunMap(
            view_box=doc["viewBox"],
            paths=tuple((kod, kommuner[kod]["d"]) for kod in sorted(kommuner)),
            insets=insets,
            attribution=doc["source"]["attribution"],
            licence_url=doc["source"]["licence_url"],
            source_url=doc["source"]["url"],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ReferenceDataError(f"{MAP_FILE}: not the map data dev/make_kommun_map.py writes ({exc})") from None
