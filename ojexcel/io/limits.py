"""Bounds on what a reader takes from one input file (issue 12: every file may be hostile).

Each limit is sized to the largest legitimate input of its reader, so memory and time follow the
legitimate content of a file, never a number the file declares or a size it inflates to.
`tables.Limits` is this class; `tables.SURVEY_LIMITS` / `ISU_LIMITS` and `WORKBOOK_LIMITS` (the
workbooks `diff` and `dump` read) are its instances.
"""
from __future__ import annotations

from dataclasses import dataclass

# Excel's own maximum sheet size: a row or column number beyond it is not a spreadsheet's.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
# Excel's cell limit: a text over it cannot be shown in a cell.
EXCEL_MAX_CELL_CHARS = 32_767


@dataclass(frozen=True)
class Limits:
    """Bounds on one input file, sized to the largest legitimate input of its reader."""

    max_file_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_xlsx_part_bytes: int  # uncompressed size of one zip member
    max_xlsx_total_bytes: int  # uncompressed size of all members read
    # characters of one physical CSV line, or of one XLSX row's XML (a row of a million empty
    # fields would otherwise be a list of a million strings)
    max_row_chars: int = 16 * 2**20
    # a file only ojexcel writes (a tidy export) is UTF-8: no Windows-1252 fallback
    utf8_only: bool = False
    # an XLSX's shared strings (xl/sharedStrings.xml): strings and characters kept in memory
    max_shared_strings: int = 1_000_000
    max_shared_chars: int = 32 * 2**20

    @property
    def max_records(self) -> int:
        """CSV records, blank ones included (a sheet's empty formatted rows exported): twice the
        data rows, or Excel's rows when that is more; each record's lines are bounded too (D171)."""
        return max(2 * self.max_rows, EXCEL_MAX_ROWS)


MiB = 2**20

# A survey response or override file: a few hundred rows.
SURVEY_LIMITS = Limits(
    max_file_bytes=100 * MiB, max_rows=100_000, max_columns=2_000, max_cell_chars=EXCEL_MAX_CELL_CHARS,
    max_xlsx_part_bytes=256 * MiB, max_xlsx_total_bytes=512 * MiB,
)
# An ISU record file. SU-Kvinnofrid's national compilation held 3 070 ärenden of 34 kommuner over
# two years; all 290 kommuner would make ~26 000. The bounds take 40 times that (a million ärenden,
# ~650 MB as CSV, read in about 30 s), and refuse the rest early: a bigger file, more rows, an XLSX
# sheet of over 512 MB of XML (~350 000 ärenden; give more as CSV), 4 million shared strings (D177).
ISU_LIMITS = Limits(
    max_file_bytes=2**30, max_rows=1_000_000, max_columns=500, max_cell_chars=EXCEL_MAX_CELL_CHARS,
    max_xlsx_part_bytes=512 * MiB, max_xlsx_total_bytes=768 * MiB,
    max_shared_strings=4_000_000, max_shared_chars=128 * MiB,
)
# A workbook ojexcel wrote, read back by `diff` and `dump` (its biggest sheet is ~2 MB of XML),
# and a tidy export (~20 000 rows).
WORKBOOK_LIMITS = Limits(
    max_file_bytes=100 * MiB, max_rows=20_000, max_columns=2_000, max_cell_chars=EXCEL_MAX_CELL_CHARS,
    max_xlsx_part_bytes=64 * MiB, max_xlsx_total_bytes=256 * MiB, max_row_chars=4 * MiB,
)
TIDY_LIMITS = Limits(
    max_file_bytes=100 * MiB, max_rows=250_000, max_columns=64, max_cell_chars=EXCEL_MAX_CELL_CHARS,
    max_xlsx_part_bytes=16 * MiB, max_xlsx_total_bytes=32 * MiB, max_row_chars=1 * MiB, utf8_only=True,
)
# What `diff` and `dump` take as one side before a product's reader applies its own bounds: up to
# an ISU tidy export of national breadth (isu/tidy.py, D103). A pipe is copied within this size.
DIFF_INPUT_LIMITS = Limits(
    max_file_bytes=2 * 2**30, max_rows=WORKBOOK_LIMITS.max_rows, max_columns=WORKBOOK_LIMITS.max_columns,
    max_cell_chars=EXCEL_MAX_CELL_CHARS, max_xlsx_part_bytes=WORKBOOK_LIMITS.max_xlsx_part_bytes,
    max_xlsx_total_bytes=WORKBOOK_LIMITS.max_xlsx_total_bytes, max_row_chars=WORKBOOK_LIMITS.max_row_chars,
)
