"""The one reader of tabular input (CSV or XLSX): survey responses, review overrides, ISU ärenden.

API (stable; used by `responses`, `granskning` and `isu.arenden`):

    with open_table(path, report, limits) as table:
        table.header          # list of the header row's cells (row 1)
        table.xlsx            # True for XLSX, False for CSV
        table.delimiter       # ',' or ';' for CSV, None for XLSX
        for n, cells in table.rows():   # data rows (n = spreadsheet row number, header = 1),
            ...                         # blank rows skipped, streamed, each within `limits`

Cells: CSV cells are `str`; XLSX cells are what openpyxl gives with `data_only=False`: `str`
(a formula as its text, starting with '='), `int`, `float`, `bool`, `datetime.datetime` (a
date-formatted number) or `None`.

An unreadable file (missing, not CSV/XLSX, damaged, over a limit) is reported on `report` and
raised as `InputError`, from `open_table` or, for a problem found later in a streamed file, from
the iteration.

NOTE: this first version wraps `responses.read_table_checked` (whole file in memory); the
hardening work replaces it with a streaming, bounded reader behind the same API.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .problems import Report


@dataclass(frozen=True)
class Limits:
    """Bounds on one input file, sized to the largest legitimate input of its reader."""

    max_file_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_xlsx_part_bytes: int  # uncompressed size of one zip member
    max_xlsx_total_bytes: int  # uncompressed size of all members read


# A survey response or override file: a few hundred rows.
SURVEY_LIMITS = Limits(
    max_file_bytes=100 * 2**20, max_rows=100_000, max_columns=2_000, max_cell_chars=32_767,
    max_xlsx_part_bytes=256 * 2**20, max_xlsx_total_bytes=512 * 2**20,
)
# An ISU record file: up to a few million ärenden (hundreds of MB).
ISU_LIMITS = Limits(
    max_file_bytes=4 * 2**30, max_rows=5_000_000, max_columns=500, max_cell_chars=32_767,
    max_xlsx_part_bytes=4 * 2**30, max_xlsx_total_bytes=6 * 2**30,
)


class Table:
    def __init__(self, path: Path, header: list[object], rows, xlsx: bool, delimiter: str | None):
        self.path = path
        self.header = header
        self._rows = rows
        self.xlsx = xlsx
        self.delimiter = delimiter

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        yield from self._rows


@contextmanager
def open_table(path: Path, report: Report, limits: Limits = SURVEY_LIMITS) -> Iterator[Table]:
    from .responses import read_table_checked

    path = Path(path)
    kept = read_table_checked(path, report)
    if not kept or kept[0][0] != 1:
        report.error("no header in row 1", row=1)
        report.raise_if_errors()
    yield Table(path, list(kept[0][1]), kept[1:], kept.xlsx, kept.delimiter)
