"""The user's population file for Kolada's rates (CONTRACT isu §7): inhabitants 18+ per unit and year.

    enhetskod,ar,vuxna
    0114,2022,36350
    0180-01,2022,41203

CSV (UTF-8 ± BOM, `,` or `;`) or XLSX (first sheet), read through the shared reader
(`ojexcel.io.tables.open_table`). The header is exactly these three names, in any order (trimmed,
case-insensitive); a missing, repeated or other column is an error. Each row, every problem
reported in one run with file, row, column and value:

- `enhetskod`: a kommunkod of the reference (the cities 0180, 1480, 1280 included) or a district
  code (`0180-01`), matched trimmed and exactly (`180` is unknown); text, also in XLSX.
- `ar`: a year, four ASCII digits (an XLSX numeric cell with a whole value will do).
- `adults`: a whole number of inhabitants, ASCII digits only, at least 1 and at most
  `MAX_VUXNA` (an XLSX numeric cell with a whole value will do). Zero, negative, decimal or
  non-numeric is an error.
- a blank cell is an error; a repeated (enhetskod, ar) is an error at every later occurrence.
- A wholly blank row is skipped, as in every input of the project.

Rows for units without ärenden or for other years are read, checked and not used.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Mapping

from ..io.cells import cell_text
from ..io.tables import SURVEY_LIMITS, open_table
from ..population import Population
from ..problems import Report

ENHETSKOD, AR, VUXNA = "enhetskod", "ar", "vuxna"
VUXNA_HEADER = (ENHETSKOD, AR, VUXNA)
MAX_VUXNA = 10_000_000  # more adults than Sweden has: a typing error
MIN_AR, MAX_AR = 1900, 2999


class AdultPopulation(Mapping[tuple[str, int], int]):
    """(enhetskod, år) → inhabitants 18+."""

    def __init__(self, kalla: str, rader: dict[tuple[str, int], int]):
        self.kalla = kalla
        self._rows = rader

    def __getitem__(self, key: tuple[str, int]) -> int:
        return self._rows[key]

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def known_codes(population: Population) -> frozenset[str]:
    """Every code a population row may name: the 290 kommuner (cities included) and the districts."""
    return frozenset(population.municipalities) | frozenset(u.kod for u in population.units if u.is_district)


def _whole(value: object, report: Report, *, xlsx: bool, row: int, column: str, what: str) -> int | None:
    """A whole number from ASCII digits (or, in XLSX, a numeric cell with a whole value)."""
    if isinstance(value, bool):
        report.error(f"{what}: a TRUE/FALSE value, not a number", row=row, column=column, value=value)
        return None
    if xlsx and isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            report.error(f"{what}: not a whole number", row=row, column=column, value=value)
            return None
        return int(value)
    text = cell_text(value, report, xlsx=xlsx, row=row, column=column)
    if text is None:
        if value is None or (isinstance(value, str) and not value.strip()):
            report.error(f"{what}: blank", row=row, column=column)
        return None
    t = text.strip()
    if t.startswith("-") and t[1:].isascii() and t[1:].isdigit():
        report.error(f"{what}: negative", row=row, column=column, value=text)
        return None
    if not (t.isascii() and t.isdigit()) or len(t) > 12:
        report.error(f"{what}: not a whole number (ASCII digits only, no spaces or separators)",
                     row=row, column=column, value=text)
        return None
    return int(t)


def read_adult_population(path: Path, population: Population) -> AdultPopulation:
    """Read and check a population file. Raises InputError listing every problem."""
    path = Path(path)
    report = Report(file=str(path))
    known = known_codes(population)
    rader: dict[tuple[str, int], int] = {}
    first_seen: dict[tuple[str, int], int] = {}
    with open_table(path, report, SURVEY_LIMITS) as table:
        index: dict[str, int] = {}
        for i, cell in enumerate(table.header):
            name = cell.strip().casefold() if isinstance(cell, str) else cell
            if name in VUXNA_HEADER:
                if name in index:
                    report.error("repeated column", row=1, column=name, value=cell)
                index.setdefault(name, i)
            elif name is None or name == "":
                report.error("a column without a name; the header must be enhetskod,ar,vuxna", row=1,
                             column=f"column {i + 1}")
            else:
                report.error("unknown column; the header must be enhetskod,ar,vuxna", row=1,
                             column=str(cell), value=cell)
        for name in VUXNA_HEADER:
            if name not in index:
                report.error("required column missing; the header must be enhetskod,ar,vuxna", row=1, column=name)
        report.raise_if_errors()
        width = len(table.header)
        n_rows = 0
        for n, cells in table.rows():
            n_rows += 1
            if len(cells) > width and any(c is not None and str(c).strip() for c in cells[width:]):
                report.error(f"{len(cells)} fields, the header has {width}", row=n)
                continue
            cells = list(cells) + [None] * (width - len(cells))
            kod = cell_text(cells[index[ENHETSKOD]], report, xlsx=table.xlsx, row=n, column=ENHETSKOD)
            if kod is None:
                if cells[index[ENHETSKOD]] is None or not str(cells[index[ENHETSKOD]]).strip():
                    report.error("enhetskod: blank", row=n, column=ENHETSKOD)
            else:
                kod = kod.strip()
                if kod not in known:
                    report.error("unknown unit: not a kommunkod of the reference or a district code (0180-01)",
                                 row=n, column=ENHETSKOD, value=kod)
                    kod = None
            ar = _whole(cells[index[AR]], report, xlsx=table.xlsx, row=n, column=AR, what="ar")
            if ar is not None and not MIN_AR <= ar <= MAX_AR:
                report.error(f"ar: not a year ({MIN_AR}–{MAX_AR})", row=n, column=AR, value=cells[index[AR]])
                ar = None
            vuxna = _whole(cells[index[VUXNA]], report, xlsx=table.xlsx, row=n, column=VUXNA, what="vuxna")
            if vuxna is not None and vuxna <= 0:
                report.error("vuxna: must be at least 1 (a rate per inhabitant needs inhabitants)",
                             row=n, column=VUXNA, value=cells[index[VUXNA]])
                vuxna = None
            elif vuxna is not None and vuxna > MAX_VUXNA:
                report.error(f"vuxna: more than {MAX_VUXNA:,} adults in one unit".replace(",", " "),
                             row=n, column=VUXNA, value=cells[index[VUXNA]])
                vuxna = None
            if kod is None or ar is None:
                continue
            key = (kod, ar)
            if key in first_seen:
                report.error(f"a second row for {kod} and {ar} (first in row {first_seen[key]})",
                             row=n, enhetskod=kod, column=ENHETSKOD, value=kod)
                continue
            first_seen[key] = n
            if vuxna is not None:
                rader[key] = vuxna
        if n_rows == 0:
            report.error("no rows: the file has a header only")
    report.raise_if_errors()
    return AdultPopulation(str(path), rader)
