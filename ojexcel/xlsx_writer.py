"""One way to open an XlsxWriter workbook: safe and byte-reproducible.

Every workbook ojexcel writes (the main workbook, a municipality's sheet, the trend) starts here:
- text is always text: `strings_to_formulas`, `strings_to_urls` and `strings_to_numbers` are off,
  so a name or answer starting with = + - @ never becomes a formula;
- a fixed creation date, so identical input gives identical bytes. XlsxWriter honours `created`
  only when it is a `datetime.datetime`.
"""
from __future__ import annotations

import datetime as _dt

FIXED_CREATED = _dt.datetime(2000, 1, 1, 0, 0, 0)

SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def new_workbook(target, properties: dict, **options):
    """An XlsxWriter Workbook on `target` (a path or a file object) with `properties` set."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(target if not hasattr(target, "__fspath__") else str(target), SAFE_OPTIONS | options)
    wb.set_properties(properties | {"created": FIXED_CREATED})
    return wb


LINE_HEIGHT = 15  # points: one line of the default 11 pt font


def wrapped_lines(text: str, width: int) -> int:
    """How many lines a wrapped cell `width` characters wide needs. Excel and LibreOffice do not
    grow a row for wrapped text written by XlsxWriter, so writers set the height themselves. An
    estimate: average text is a little narrower than the "0" that defines the column width."""
    per_line = width + 4
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
