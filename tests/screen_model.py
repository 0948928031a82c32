"""How much of a sheet a screen shows at 100 % zoom: a small geometric model, used by the tests
and the README's measured figures.

A spreadsheet program shows the frozen header rows and key columns, then as many data rows and
columns as fit in the grid area: the window less the program's own bars. The constants are
calibrated on LibreOffice Calc (Debian 7.4, default toolbars, sidebar open) as measured in issue
13 on the old layout — 5 rows × 2 indicator columns at 1366×768 with a 351 pt header block and
128.7-unit key columns (~790 px) — and they reproduce that measurement (tests/test_screen.py).
Only whole rows and columns count as visible.
"""
from __future__ import annotations

from dataclasses import dataclass

PX_PER_UNIT = 790 / 128.68  # a column width unit in screen pixels (LibreOffice, measured: ~6.14)
PX_PER_PT = 96 / 72  # row heights: points at 96 dpi
CHROME_HEIGHT = 192  # px: title, menu, two toolbars, formula bar, column headings, tabs, status bar
CHROME_WIDTH = 370  # px: row headings, scrollbar and the sidebar (calibrated: old layout -> 2 columns)


@dataclass(frozen=True)
class Visible:
    rows: int
    columns: int


def visible(screen: tuple[int, int], header_pt: float, key_units: float, row_heights_pt: list[float],
            column_units: list[float]) -> Visible:
    """Whole data rows and columns visible below/right of the frozen block on a `screen` (w, h)."""
    width, height = screen
    room_h = height - CHROME_HEIGHT - header_pt * PX_PER_PT
    rows = 0
    for h in row_heights_pt:
        room_h -= h * PX_PER_PT
        if room_h < 0:
            break
        rows += 1
    room_w = width - CHROME_WIDTH - key_units * PX_PER_UNIT
    columns = 0
    for w in column_units:
        room_w -= w * PX_PER_UNIT
        if room_w < 0:
            break
        columns += 1
    return Visible(rows, columns)
