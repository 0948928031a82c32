"""Comparability of a year's indicators with the previous year: the årgång's `jamforbarhet.csv`.

    indikator,jamforbarhet,not,foregaende_indikator

One row per indicator of the year that has a previous year to compare with:

- `jamforbarhet`: `jämförbar`, `delvis jämförbar` or `ej jämförbar` (blank = jämförbar);
- `not`: why, in words (shown beside the values on every sheet that marks a break);
- `foregaende_indikator`: the previous year's indicator it continues, when its id changed
  (blank = the same id). It must exist in the previous årgång's catalogue.

An indicator without a row is compared with the previous year's indicator of the same id, as
jämförbar, when that exists; otherwise it is new that year (nothing to compare). The first year of
a series has no file. `trend` and `kommun --history` take their markers and notes from here (D146).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..problems import Report

COLUMNS = ("indikator", "jamforbarhet")
OPTIONAL = ("not", "foregaende_indikator")

JAMFORBAR = "jämförbar"
DELVIS_JAMFORBAR = "delvis jämförbar"
EJ_JAMFORBAR = "ej jämförbar"
RANK = {JAMFORBAR: 0, DELVIS_JAMFORBAR: 1, EJ_JAMFORBAR: 2}
# How a statistician may write it; empty = comparable.
SPELLINGS = {
    "": JAMFORBAR,
    "jämförbar": JAMFORBAR,
    "jamforbar": JAMFORBAR,
    "delvis": DELVIS_JAMFORBAR,
    "delvis jämförbar": DELVIS_JAMFORBAR,
    "delvis jamforbar": DELVIS_JAMFORBAR,
    "ej jämförbar": EJ_JAMFORBAR,
    "ej jamforbar": EJ_JAMFORBAR,
    "ej": EJ_JAMFORBAR,
    "inte jämförbar": EJ_JAMFORBAR,
}


@dataclass(frozen=True)
class Comparability:
    """How an indicator of a year compares with the previous year."""

    indikator: str
    jamforbarhet: str  # JAMFORBAR, DELVIS_JAMFORBAR or EJ_JAMFORBAR
    not_: str
    foregaende: str  # the previous year's id it continues (its own id unless renamed)
    text: str = ""  # as written in the file (shown on the Indikatorer sheet)
    row: int = 0


def comparability_from_rows(rows, report: Report) -> dict[str, Comparability]:
    """The rows of `jamforbarhet.csv` by indicator id; every problem reported."""
    out: dict[str, Comparability] = {}
    for r in rows:
        ind, raw = r["indikator"], r["jamforbarhet"]
        where = dict(row=r.row)
        if not ind:
            report.error("indikator is blank", column="indikator", **where)
            continue
        if ind in out:
            report.error(f"the indicator appears twice (first in row {out[ind].row})", column="indikator", value=ind, **where)
            continue
        value = SPELLINGS.get(" ".join(raw.lower().split()))
        if value is None:
            report.error(f"jamforbarhet is {JAMFORBAR}, {DELVIS_JAMFORBAR} or {EJ_JAMFORBAR}",
                         column="jamforbarhet", value=raw, **where)
            continue
        out[ind] = Comparability(ind, value, r["not"], r["foregaende_indikator"] or ind, raw, r.row)
    return out


def worst(values) -> str:
    """The worst of several comparabilities (a step over several years)."""
    return max(values, key=RANK.__getitem__, default=JAMFORBAR)
