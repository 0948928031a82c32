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
date-formatted number) or `None`. A CSV row has as many cells as its record has fields; an XLSX
row is as long as its last cell's column (the consumer pads).

An unreadable file (missing, not CSV/XLSX, damaged, over a limit) is reported on `report` and
raised as `InputError`, from `open_table` or, for a problem found later in a streamed file, from
the iteration. Problems that do not stop the reading (an XLSX text over Excel's cell limit, a
merged range) are only reported; the consumer raises them with its own at the end.

Bounded (issue 12), streamed: a CSV is read twice from disk — one pass over its bytes for the
encoding (tables_csv.detect_encoding), one pass parsing records — so memory is one record at a
time; an XLSX sheet is tokenized row by row from its decompressed stream (tables_xlsx, over
`xlsx_cells`). Limits: the file's size on disk, uncompressed size per XLSX part and in total,
rows, columns, characters per cell (Excel's 32 767) and per line/row XML. A pipe or process
substitution (`<(…)`) is read once, into a spool within the size limit that cannot outlive the
process (`Spool`: no name on Linux, else swept by the next run; D169).
"""
from __future__ import annotations

import errno
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..problems import Report
from .limits import ISU_LIMITS, SURVEY_LIMITS, Limits
from .spool import Spool
from .tables_csv import CsvTable, Unreadable, detect_encoding

__all__ = ["Limits", "SURVEY_LIMITS", "ISU_LIMITS", "Table", "open_table", "regular_file"]

_MAGIC_ZIP = b"PK\x03\x04"
_MAGIC_OLE = b"\xd0\xcf\x11\xe0"


class Table:
    """An opened table: `header`, `xlsx`, `delimiter`, and its data rows streamed by `rows()`."""

    def __init__(self, path: Path, source, report: Report, limits: Limits, xlsx: bool) -> None:
        self.path = path
        self._source = source
        self._report = report
        self._limits = limits
        self.xlsx = xlsx
        self.delimiter: str | None = None if xlsx else source.delimiter
        self.header: list[object] = list(source.header or [])

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        """(row number, cells) of every non-blank data row, in file order."""
        report, limit, count = self._report, self._limits.max_rows, 0
        try:
            for n, cells in self._source.records():
                first = cells[0] if cells else None
                if not (first.__class__ is str and first.strip()) and _blank(cells):
                    continue
                count += 1
                if count > limit:
                    raise Unreadable(f"over {limit:,} data rows, the limit for this input", row=n)
                yield n, cells
        except Unreadable as exc:
            report.error(f"unreadable: {exc}", row=exc.row, column=exc.column, value=exc.value, fatal=True)
            report.raise_if_errors()
        except OSError as exc:
            report.error(f"unreadable: {os_reason(exc)}", fatal=True)
            report.raise_if_errors()


def _blank(cells: list[object]) -> bool:
    return not any(c is not None and (c.__class__ is not str or c.strip()) for c in cells)


@contextmanager
def open_table(path: Path, report: Report, limits: Limits = SURVEY_LIMITS) -> Iterator[Table]:
    path = Path(path)
    spool = source = None
    try:
        try:
            real, spool = _regular_file(path, limits)
            kind = _kind(real, path)
            if kind == "xlsx":
                from .tables_xlsx import XlsxTable

                source = XlsxTable(real, report, limits)
            else:
                source = CsvTable(real, detect_encoding(real, report, limits), limits)
            if source.header is None:
                raise Unreadable("the file is empty: no header row" if kind == "xlsx" else "the file is empty")
        except Unreadable as exc:
            report.error(f"unreadable: {exc}", row=exc.row, column=exc.column, value=exc.value)
        except OSError as exc:
            report.error(os_reason(exc))
        report.raise_if_errors()
        header = source.header
        if not header or not any(c is not None and str(c).strip() for c in header):
            report.error("the header must be in row 1 (row 1 is blank)", row=1)
            report.raise_if_errors()
        yield Table(path, source, report, limits, kind == "xlsx")
    finally:
        if source is not None:
            source.close()
        if spool is not None:
            spool.close()


@contextmanager
def regular_file(path: Path, limits: Limits) -> Iterator[Path]:
    """`path` itself when it is a regular file within the size limit; a pipe or process
    substitution copied once into a spool that cannot outlive the process (`spool.Spool`). Raises
    `Unreadable` (over the limit, binary data from a device) or OSError."""
    real, spool = _regular_file(Path(path), limits)
    try:
        yield real
    finally:
        if spool is not None:
            spool.close()


def os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a CSV or XLSX file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name or path is too long for the system"
    return f"cannot be read ({exc.strerror or exc})"


def _regular_file(path: Path, limits: Limits) -> tuple[Path, Spool | None]:
    """(a regular file to read, the spool to close or None). A pipe, a process substitution or a
    device is copied once into a spool, within the size limit; binary data at its start
    (/dev/zero) stops the copy at once."""
    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    if stat.S_ISREG(st.st_mode):
        if st.st_size > limits.max_file_bytes:
            raise Unreadable(f"the file is {st.st_size:,} bytes, over the limit of {limits.max_file_bytes:,} for this input")
        return path, None
    spool = Spool()
    try:
        size = 0
        with open(path, "rb") as src:
            first = True
            while True:
                piece = src.read(1 << 20)
                if not piece:
                    break
                if first:
                    first = False
                    head = piece[:4096]
                    if b"\x00" in head and not head.startswith((_MAGIC_ZIP, b"\xff\xfe", b"\xfe\xff", _MAGIC_OLE)):
                        raise Unreadable("binary data, not a CSV or XLSX file")
                size += len(piece)
                if size > limits.max_file_bytes:
                    raise Unreadable(f"the input is over the limit of {limits.max_file_bytes:,} bytes")
                spool.write(piece)
        spool.flush()
        return spool.path, spool
    except BaseException:
        spool.close()
        raise


def _kind(real: Path, named: Path) -> str:
    with open(real, "rb") as fh:
        magic = fh.read(4)
    suffix = named.suffix.lower()
    if magic.startswith(_MAGIC_ZIP) or suffix in (".xlsx", ".xlsm"):
        if not magic.startswith(b"PK"):
            raise Unreadable("has an .xlsx name but is not an XLSX (zip) file")
        return "xlsx"
    if suffix == ".xls" or magic.startswith(_MAGIC_OLE):
        raise Unreadable("old binary Excel (.xls) is not supported; save as .xlsx or UTF-8 CSV")
    return "csv"
