"""The geometry of the site's bar charts: a share becomes a bar's length. Nothing else.

A chart is an inline SVG (`role="img"`, a `<title>` and a `<desc>`) whose every value is also in
the table beside it. The coordinate system is as wide as a phone's screen (`WIDTH`), so the
text is legible at 390 px without scaling down; wider screens cap its width in the CSS.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..styles import share_text

WIDTH = 360
LABEL_END = 146  # group names end here (text-anchor end)
BAR_START = 152
BAR_MAX = 168  # 100 %
ROW = 20
BAR = 13
TOP = 26  # room for the reference line's label


@dataclass(frozen=True)
class Bar:
    label: str
    key: str  # the tidy row's key (niva/kod/indikator), for tests that read the chart back
    y: int
    length: int  # 0 when the share is not shown
    text: str  # "83 %" or the symbol of a share not shown
    text_x: int


@dataclass(frozen=True)
class Chart:
    id: str
    height: int
    bars: tuple[Bar, ...]
    reference_x: int | None  # riket's share as a dashed line
    reference: int | None  # riket's share
    reference_label: str


def bar_length(share: int) -> int:
    return round(BAR_MAX * min(max(share, 0), 100) / 100)


def bar_chart(chart_id: str, rows: list[tuple[str, int | None, str]], reference: int | None,
              reference_label: str) -> Chart:
    """Bars for (label, share or None, key) rows; `reference`: riket's share, drawn as a line."""
    bars = []
    for n, (label, share, key) in enumerate(rows):
        y = TOP + n * ROW
        length = 0 if share is None else bar_length(share)
        text = share_text(share) + ("" if share is None else " %")
        bars.append(Bar(label, key, y, length, text, BAR_START + length + 4))
    ref_x = None if reference is None else BAR_START + bar_length(reference)
    return Chart(chart_id, TOP + len(rows) * ROW + 4, tuple(bars), ref_x, reference, reference_label)
