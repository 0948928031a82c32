"""The tidy export (CONTRACT §5): a UTF-8 CSV, one row per (niva, kod, indikator).

    niva,kod,indikator,varde,ja,delvis,nej,ej_aktuellt,bortfall,enheter

Written from `Results`; read back (with checks) by the diff, the trend and the Kolada export.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple, TextIO

from .population import ALL_LEVELS, NIVA_ENHET
from .limits import TIDY_LIMITS
from .problems import Report
from .tables import open_table
from .results import TIDY_HEADER, Results, tidy_rows

COUNT_COLUMNS = ("ja", "delvis", "nej", "ej_aktuellt", "bortfall", "enheter")
UNIT_VALUES = ("Ja", "Delvis", "Nej", "Ej aktuellt", "")


def write_tidy(results: Results, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TIDY_HEADER)
    writer.writerows(tidy_rows(results))


def write_tidy_file(results: Results, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        write_tidy(results, fh)


class TidyRow(NamedTuple):
    """One row. A NamedTuple (immutable, compared by value) rather than a frozen dataclass: it is
    built ~20,000 times per file, and a frozen dataclass's __init__ made up two thirds of reading."""

    niva: str
    kod: str
    indikator: str
    varde: str  # unit value, or the share as an integer; '' = blank / suppressed
    counts: tuple[int, int, int, int, int, int] | None  # ja, delvis, nej, ej_aktuellt, bortfall, enheter

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.niva, self.kod, self.indikator)


_NO_COUNTS = [""] * len(COUNT_COLUMNS)


def read_tidy(path: str | Path) -> list[TidyRow]:
    """Read a tidy export, checking its header and every row. Raises InputError."""
    path = Path(path)
    report = Report(file=str(path))
    with open_table(path, report, TIDY_LIMITS) as table:
        if table.xlsx:
            report.error("an XLSX workbook, not a tidy export: give the CSV written by ojexcel build --tidy")
            report.raise_if_errors()
        header = [str(h) for h in table.header]
        if tuple(h.strip() for h in header) != TIDY_HEADER:
            report.error(f"not a tidy export: the header must be {','.join(TIDY_HEADER)}", row=1, value=",".join(header))
            report.raise_if_errors()
        return _read_rows(table.rows(), report)


def _read_rows(reader, report: Report) -> list[TidyRow]:
    rows: list[TidyRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    width = len(TIDY_HEADER)
    levels = frozenset(ALL_LEVELS)
    for n, cells in reader:
        if len(cells) != width:
            if any(c.strip() for c in cells):
                report.error(f"{len(cells)} fields, expected {width}", row=n)
            continue
        niva, kod, ind, varde, *counts = cells
        if niva not in levels:
            report.error(f"unknown niva; expected one of {', '.join(ALL_LEVELS)}", row=n, column="niva", value=niva)
            continue
        parsed = None
        if niva == NIVA_ENHET:
            if varde not in UNIT_VALUES:
                report.error("unknown unit value", row=n, enhetskod=kod, column="varde", value=varde)
            if counts != _NO_COUNTS:
                report.error("a unit row has no counts", row=n, enhetskod=kod, column="ja")
        else:
            if varde and not (varde.isascii() and varde.isdigit()):
                report.error("the share must be a whole number", row=n, column="varde", value=varde)
            try:
                parsed = tuple(map(int, counts))
            except ValueError:
                report.error("counts must be whole numbers", row=n, column="ja", value=",".join(counts))
        key = (niva, kod, ind)
        if key in seen:
            report.error(f"duplicate row: (niva, kod, indikator) already in row {seen[key]}", row=n, value=",".join(key))
            continue
        seen[key] = n
        rows.append(TidyRow(niva, kod, ind, varde, parsed))
    report.raise_if_errors()
    return rows
