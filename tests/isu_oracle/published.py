"""Check a tidy export against `spec/isu/published_isu.csv` (the report's figures), reading that
file as its README says: `kategori` "A+B" sums those categories' counts over their common base;
`niva` `kommun` with `kod` `max` means the highest value over kommuner; `min`–`max` inclusive."""
from __future__ import annotations

import csv
import io
from fractions import Fraction
from pathlib import Path

from .oracle import REPO, andel

PUBLISHED = REPO / "tests" / "shared" / "spec" / "isu" / "published_isu.csv"  # a checked copy of ../shared


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


def check_published(tidy: str, published: Path = PUBLISHED) -> list[str]:
    """The published rows the tidy export does not reproduce (empty: all of them)."""
    rows = list(csv.DictReader(io.StringIO(tidy)))
    by_table: dict[tuple[str, str, str, str], dict[str, dict[str, str]]] = {}
    for r in rows:
        by_table.setdefault((r["niva"], r["kod"], r["tabell"], r["delgrupp"]), {})[r["kategori"]] = r
    kommuner = sorted({r["kod"] for r in rows if r["niva"] == "kommun"})
    failures = []
    with published.open(encoding="utf-8", newline="") as f:
        for p in csv.DictReader(f):
            codes = kommuner if (p["niva"] == "kommun" and p["kod"] == "max") else [p["kod"]]
            values = []
            for kod in codes:
                t = by_table.get((p["niva"], kod, p["tabell"], p["delgrupp"]))
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
            if not values:
                failures.append(f"{p['figur']} {p['niva']} {p['kod']} {p['tabell']} {p['delgrupp']} {p['kategori']} {p['matt']}: no value")
                continue
            v = max(values)
            lo, hi = Fraction(p["min"]), Fraction(p["max"])
            if not lo <= v <= hi:
                failures.append(f"{p['figur']} {p['niva']} {p['kod']} {p['tabell']} {p['delgrupp']} {p['kategori']} "
                                f"{p['matt']}: {v} not in {p['min']}–{p['max']}")
    return failures
