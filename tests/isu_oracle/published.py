"""Check a tidy export against the report's figures (`spec/isu/published_isu.csv`, a copy of
../shared/spec/isu's), reading that file as its README says: `kategori` "A+B" sums those
categories' counts over their common base; `niva` `kommun` with `kod` `max` means the highest
value over kommuner; `min`–`max` inclusive. The one reading of the published figures, for the
oracle's tidy text and for production's rows alike (`TidyIndex`)."""
from __future__ import annotations

import csv
import io
from fractions import Fraction
from pathlib import Path

from .oracle import REPO, andel

PUBLISHED = REPO / "tests" / "shared" / "spec" / "isu" / "published_isu.csv"
FIELDS = ("antal", "bas", "andel", "medel")


def read_published(path: Path = PUBLISHED) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def row_id(p: dict[str, str]) -> str:
    parts = [p["figur"], p["niva"], p["kod"], p["tabell"], p["delgrupp"], p["kategori"], p["matt"]]
    return "/".join(x for x in parts if x)


class TidyIndex:
    """Tidy rows by table: (niva, kod, tabell, delgrupp) → {kategori: {field: text}}."""

    def __init__(self, rows):
        self.tables: dict[tuple[str, str, str, str], dict[str, dict[str, str]]] = {}
        for r in rows:
            self.tables.setdefault((r["niva"], r["kod"], r["tabell"], r["delgrupp"]), {})[r["kategori"]] = r
        self.kommuner = sorted({k[1] for k in self.tables if k[0] == "kommun"})

    @classmethod
    def from_text(cls, tidy: str) -> "TidyIndex":
        return cls(csv.DictReader(io.StringIO(tidy)))

    @classmethod
    def from_results(cls, rows) -> "TidyIndex":
        """From `Row` objects (production's results)."""
        return cls({"niva": r.niva, "kod": r.kod, "tabell": r.tabell, "delgrupp": r.delgrupp, "kategori": r.kategori,
                    **{f: "" if getattr(r, f) is None else str(getattr(r, f)) for f in FIELDS}} for r in rows)


def _split(kategori: str, known: set[str]) -> list[str] | None:
    """"A+B" into known categories (labels may end in '+': `65-74+75+`)."""
    if kategori in known:
        return [kategori]
    for k in sorted(known, key=len, reverse=True):
        if kategori.startswith(k + "+"):
            rest = _split(kategori[len(k) + 1:], known)
            if rest is not None:
                return [k] + rest
    return None


def published_value(index: TidyIndex, p: dict[str, str]):
    """The export's value for one published figure (the highest over kommuner for `max`), or None."""
    codes = index.kommuner if (p["niva"] == "kommun" and p["kod"] == "max") else [p["kod"]]
    values = []
    for kod in codes:
        t = index.tables.get((p["niva"], kod, p["tabell"], p["delgrupp"]))
        if not t:
            continue
        parts = _split(p["kategori"], set(t))
        if parts is None:
            continue
        cells = [t[k] for k in parts]
        if any(c[p["matt"]] == "" for c in cells) and p["matt"] != "andel":
            continue
        if p["matt"] == "medel":
            values.append(Fraction(cells[0]["medel"]))
        elif p["matt"] == "bas":
            values.append(int(cells[0]["bas"]))
        elif p["matt"] == "antal":
            values.append(sum(int(c["antal"]) for c in cells))
        else:  # andel: over the common base, half up
            if any(c["antal"] == "" or c["bas"] == "" for c in cells) or cells[0]["bas"] == "0":
                continue
            values.append(int(andel(sum(int(c["antal"]) for c in cells), int(cells[0]["bas"]))))
    return max(values) if values else None


def in_range(value, p: dict[str, str]) -> bool:
    return value is not None and Fraction(p["min"]) <= value <= Fraction(p["max"])


def check_published(tidy: str, published: Path = PUBLISHED) -> list[str]:
    """The published rows the tidy export does not reproduce (empty: all of them)."""
    index = TidyIndex.from_text(tidy)
    failures = []
    for p in read_published(published):
        v = published_value(index, p)
        if not in_range(v, p):
            failures.append(f"{row_id(p)}: {v} not in {p['min']}–{p['max']} ({p['kalla']})")
    return failures
