"""XLSX input for `tables.open_table`: the first sheet's rows streamed by `xlsx_cells` (no
openpyxl objects, nothing allocated by a declared row or column number), with openpyxl's cell
semantics for `data_only=False`: a formula as '=' + its text, a date-formatted number as a
`datetime.datetime`, an error as its text ('#N/A'). Merged ranges are reported as errors once the
rows are read (they come after the cells in the sheet's XML)."""
from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Iterator

from ..problems import Report
from .limits import Limits
from .tables_csv import Unreadable
from .xlsx_cells import column_letters


class XlsxTable:
    def __init__(self, path: Path, report: Report, limits: Limits) -> None:
        from .xlsx_cells import XlsxError, read_cells

        self.report, self.limits = report, limits
        try:
            self._book = read_cells(path, limits)
        except XlsxError as exc:
            raise _unreadable(exc) from None
        try:
            sheets = self._book.sheetnames
            if not sheets:
                raise Unreadable("the workbook has no sheets")
            if len(sheets) > 1:
                report.warn(f"only the first sheet {sheets[0]!r} is read; ignored: {', '.join(map(repr, sheets[1:]))}")
            self._dates = self._book.date_styles()
            self._epoch = datetime.datetime(1904, 1, 1) if self._book.date1904() else None
            self._sheet = self._book.rows(sheets[0], formulas=True)
            self._rows = iter(self._sheet)
            first = next(self._rows, None)
            self.header: list[object] | None = None
            self._pending = None
            if first is not None:
                number, cells = first
                if number == 1:
                    self.header = self._cells(number, cells, 0)
                else:  # row 1 is blank
                    self.header, self._pending = [], first
        except XlsxError as exc:
            self._book.close()
            raise _unreadable(exc) from None
        except BaseException:
            self._book.close()
            raise

    def close(self) -> None:
        self._book.close()

    def _cells(self, number: int, cells: list[tuple], header_width: int) -> list[object]:
        width = cells[-1][0]  # cells come in column order (else the row grows below)
        if width > self.limits.max_columns or width - len(cells) > 2 * max(header_width, 64):
            self._too_wide(number, max(c for c, _, _ in cells), len(cells), header_width)
        out: list[object] = [None] * width
        dates, limit = self._dates, self.limits.max_cell_chars
        for c, v, s in cells:
            if v.__class__ is str:
                if len(v) > limit:
                    self.report.error(
                        f"a text of {len(v):,} characters, over Excel's cell limit of {limit:,}", row=number,
                        column=column_letters(c), value=v,
                    )
                    v = None
            elif s in dates and (v.__class__ is int or v.__class__ is float):
                v = self._date(v)
            if c > width:
                self._too_wide(number, c, len(cells), header_width)
                out.extend([None] * (c - width))
                width = c
            out[c - 1] = v
        return out

    def _too_wide(self, number: int, width: int, cells: int, header_width: int) -> None:
        if width > self.limits.max_columns:
            raise Unreadable(
                f"a cell in column {column_letters(width)} (#{width:,}), beyond the {self.limits.max_columns:,} columns "
                "this input may have", row=number,
            )
        if width - cells > 2 * max(header_width, 64):
            raise Unreadable(
                f"a cell in column {column_letters(width)} (#{width:,}) lies far beyond the row's other cells and the "
                f"header's {header_width} columns", row=number,
            )

    def _date(self, value: int | float) -> object:
        """openpyxl's `from_excel`, with a fast path for whole days after 1900-03-01."""
        if self._epoch is None and value >= 61 and (value.__class__ is int or value.is_integer()):
            try:
                return _EPOCH_1900 + datetime.timedelta(days=int(value))
            except OverflowError:
                return value
        return _date(value, self._epoch)

    def records(self) -> Iterator[tuple[int, list[object]]]:
        from .xlsx_cells import XlsxError

        header_width = len(self.header or ())
        previous = 1
        try:
            if self._pending is not None:
                number, cells = self._pending
                self._pending = None
                previous = number
                yield number, self._cells(number, cells, header_width)
            for number, cells in self._rows:
                if number <= previous:
                    raise Unreadable(f"row {number} comes after row {previous} in the sheet's XML (rows out of order)",
                                     row=number)
                previous = number
                yield number, self._cells(number, cells, header_width)
        except XlsxError as exc:
            raise _unreadable(exc) from None
        for ref in self._sheet.merged:
            first = re.match(r"[A-Z]+([0-9]+)", ref)
            self.report.error(
                "merged cells: only the first cell of a merged range holds a value, the others read as "
                "blank; unmerge them and give every cell its own value",
                row=int(first.group(1)) if first else None, column=ref,
            )
        more = self._sheet.merged_count - len(self._sheet.merged)
        if more > 0:  # the sheet's merged ranges beyond the first ones are counted, not kept
            self.report.error(f"merged cells: {more:,} more merged ranges; unmerge them all", count=more)


def _unreadable(exc) -> Unreadable:
    """An XlsxError as the table reader reports it (with its cell, when one is named)."""
    return Unreadable(_reason(exc.reason), row=exc.row, column=exc.column, value=exc.value)


def _reason(reason: str) -> str:
    if reason.startswith("not an XLSX workbook (BadZipFile") or reason.startswith("the file is damaged or cut short"):
        return f"the XLSX file is damaged or cut short (truncated): not a complete zip archive ({reason})"
    if reason.startswith("not an XLSX workbook (malformed XML in "):
        return "the XLSX file is damaged: " + reason[len("not an XLSX workbook ("):-1]
    if reason.startswith("not an XLSX workbook"):
        return "not a readable XLSX workbook" + reason[len("not an XLSX workbook"):]
    return reason


_EPOCH_1900 = datetime.datetime(1899, 12, 30)


def _date(value: int | float, epoch: datetime.datetime | None) -> object:
    from openpyxl.utils.datetime import MAC_EPOCH, from_excel

    try:
        return from_excel(value, MAC_EPOCH) if epoch is not None else from_excel(value)
    except (ValueError, OverflowError, TypeError):
        return value

