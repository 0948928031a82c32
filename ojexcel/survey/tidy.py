"""The tidy export (CONTRACT §5): a UTF-8 CSV, one row per (niva, kod, indikator).

    ar,niva,kod,indikator,varde,ja,delvis,nej,ej_aktuellt,bortfall,enheter

`ar` (the survey year) was added after the first release so that the exports of several years
concatenate into one table; files without it are still read. Written from `Results`; read back (with checks) by the diff, the trend and the Kolada export.
"""
from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, NamedTuple, TextIO

from ..io.limits import TIDY_LIMITS
from ..io.tables import open_table
from ..population import ALL_LEVELS, NIVA_ENHET
from ..problems import Report

if TYPE_CHECKING:
    from .results import Results

COUNT_COLUMNS = ("ja", "delvis", "nej", "ej_aktuellt", "bortfall", "enheter")
UNIT_VALUES = ("Ja", "Delvis", "Nej", "Ej aktuellt", "")


TIDY_HEADER = ("ar", "niva", "kod", "indikator", "varde", "ja", "delvis", "nej", "ej_aktuellt", "bortfall", "enheter")


def tidy_rows(results: Results) -> Iterator[tuple[str, ...]]:
    """The tidy export's rows (CONTRACT §5, `ar` first): unit rows, then every group, in catalogue order."""
    ids = results.catalogue.ids
    ar = str(results.year)
    for unit in results.population.units:
        for ind_id, value in zip(ids, results.unit_values[unit.kod]):
            yield (ar, NIVA_ENHET, unit.kod, ind_id, value or "", "", "", "", "", "", "")
    for gr in results.groups:
        g = gr.group
        for ind_id, agg in zip(ids, gr.aggregates):
            andel = agg.andel
            yield (
                ar,
                g.niva,
                g.kod,
                ind_id,
                "" if andel is None else str(andel),
                str(agg.ja),
                str(agg.delvis),
                str(agg.nej),
                str(agg.ej_aktuellt),
                str(agg.bortfall),
                str(agg.enheter),
            )



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
    ar: int | None = None  # the survey year; None in a file written before `ar` was added

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.niva, self.kod, self.indikator)


_NO_COUNTS = [""] * len(COUNT_COLUMNS)
OLD_HEADER = TIDY_HEADER[1:]  # written by versions before `ar` (still read)


def read_tidy(path: str | Path, year: int | None = None, *, several_years: bool = False) -> list[TidyRow]:
    """Read a tidy export, checking its header and every row. Raises InputError.

    The header is CONTRACT §5's (`ar` first) or the earlier one without `ar` (rows get `ar=None`).
    `year`: the year the caller was told the file holds; a row of another year is an error.
    A file holding several years (exports concatenated) is an error unless `several_years`;
    (niva, kod, indikator) must be unique within a year.
    """
    return list(iter_tidy(path, year, several_years=several_years))


def iter_tidy(path: str | Path, year: int | None = None, *, several_years: bool = False,
              max_rows: int | None = None) -> Iterator[TidyRow]:
    """`read_tidy`'s rows streamed, for a reader that keeps only some (`trend`): the valid rows in
    file order; at the end (or at a damaged part) InputError with every problem. Memory is the
    keys seen (for duplicates), never the rows. `max_rows`: fewer data rows than TIDY_LIMITS
    allows (what one year's export can hold)."""
    path = Path(path)
    report = Report(file=str(path))
    limits = TIDY_LIMITS if max_rows is None else replace(TIDY_LIMITS, max_rows=min(max_rows, TIDY_LIMITS.max_rows))
    # the shared reader tells a workbook by its bytes (read once: a pipe works too)
    with open_table(path, report, limits) as table:
        if table.xlsx:
            report.error("is an XLSX workbook, not a tidy export: give the CSV written by `ojexcel build --tidy`")
            report.raise_if_errors()
        header = [str(h) for h in table.header]
        found = tuple(h.strip() for h in header)
        if found not in (TIDY_HEADER, OLD_HEADER):
            report.error(f"not a tidy export: the header must be {','.join(TIDY_HEADER)}", row=1, value=",".join(header))
            report.raise_if_errors()
        yield from _read_rows(table.rows(), report, found == TIDY_HEADER, year, several_years)


_COUNTS = re.compile(",".join([r"[0-9]{1,12}"] * len(COUNT_COLUMNS))).fullmatch  # the common row, at once


def _count(text: str) -> int | None:
    """A count as the tidy export writes it: ASCII digits only (no sign, no `1_000`, no other
    script's digits, which `int` would take), at most 12 of them; else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _read_rows(reader, report: Report, with_ar: bool, year: int | None, several_years: bool) -> Iterator[TidyRow]:
    seen: dict[tuple, int] = {}
    strings: dict[str, str] = {}  # one object per distinct text: keys repeat on every row
    intern = strings.setdefault
    width = len(TIDY_HEADER) if with_ar else len(OLD_HEADER)
    levels = frozenset(ALL_LEVELS)
    years: dict[int, int] = {}  # year -> first row
    ar_cache: dict[str, int] = {}
    ar = None
    for n, cells in reader:
        if len(cells) != width:
            if any(c.strip() for c in cells):
                report.error(f"{len(cells)} fields, expected {width}", row=n)
            continue
        if with_ar:
            text_ar, niva, kod, ind, varde, *counts = cells
            ar = ar_cache.get(text_ar)
            if ar is None:
                if not (len(text_ar) == 4 and text_ar.isascii() and text_ar.isdigit()):
                    report.error("the year must be four digits", row=n, column="ar", value=text_ar)
                    continue
                ar = ar_cache[text_ar] = int(text_ar)
                if year is not None and ar != year:
                    report.error(f"the file was given as year {year} but holds year {ar}", row=n, column="ar",
                                 value=text_ar)
                years.setdefault(ar, n)
            if year is not None and ar != year:
                continue
        else:
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
            parsed = tuple(map(int, counts)) if _COUNTS(",".join(counts)) else tuple(map(_count, counts))
            if None in parsed:
                bad = parsed.index(None)
                report.error("a count must be a whole number written in the digits 0–9 (no sign, no separator)",
                             row=n, column=COUNT_COLUMNS[bad], value=counts[bad])
                parsed = None
        key = (ar, intern(niva, niva), intern(kod, kod), intern(ind, ind))
        if key in seen:
            report.error(f"duplicate row: (niva, kod, indikator) already in row {seen[key]}", row=n, value=",".join(key[1:]))
            continue
        seen[key] = n
        yield TidyRow(key[1], key[2], key[3], intern(varde, varde), parsed, ar)
    if len(years) > 1 and not several_years and year is None:
        first = sorted(years.items(), key=lambda kv: kv[1])
        report.error(
            f"holds several years ({', '.join(str(y) for y, _ in sorted(years.items()))}; year {first[1][0]} "
            f"from row {first[1][1]}): give one year's export",
            row=first[1][1], column="ar", value=str(first[1][0]),
        )
    report.raise_if_errors()
