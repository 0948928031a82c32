"""Render a unit's ISU report (`enhetsrapport.Enhetsrapport`) as one self-contained HTML page.

The page (`templates/isu_enhet.html.j2`): inline CSS, inline SVG bar charts, no scripts, no
external assets; `lang="sv"`, table headers with scopes, every chart an `img` with a title and a
description, and its table right above it. Lays out; computes nothing but the charts' geometry.
Identical input gives identical bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..styles import EJ_REDOVISAD, FINNS_INTE, MASKERAD, OSAKER
from .kommun_report import UPPGIFT_SAKNAS, KommunReport, Table, shown_value_of
from .kommun_report_text import HTML_PAGE, category_text, cell, field_header, hidden_row, level_fields, texts

# One hue and its shades (survives greyscale printing and colour-blindness); every bar has a
# dark outline, so the lightest shade is visible on white too.
SHADES = {1: ("#08306b",), 2: ("#08306b", "#6baed6"), 3: ("#08306b", "#4292c6", "#c6dbef"),
          4: ("#08306b", "#2171b5", "#6baed6", "#c6dbef")}
OUTLINE = "#08306b"
WIDTH = 720
LABEL_RIGHT = 330  # category labels end here
BAR_LEFT = 340
BAR_MAX = 320  # 100 %
BAR_H = 12
BAR_GAP = 2
GROUP_GAP = 10
LEGEND_H = 26
MAX_LABEL = 52  # characters of a category label inside the chart (the table has it whole)


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    w: int
    fill: str
    text: str  # the value shown at the bar's end ("12 %", "x", "–")
    text_x: int


@dataclass(frozen=True)
class Group:
    label: str
    label_y: int
    staplar: tuple[Bar, ...]


@dataclass(frozen=True)
class Diagram:
    id: str
    height: int
    legend: tuple[tuple[int, str, str], ...]  # (x, fill, name)
    grupper: tuple[Group, ...]


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def diagram(rapport: KommunReport, tabell: Table, nummer: int) -> Diagram | None:
    """The bar chart of a table's shares; None for a table of means."""
    if tabell.medel:
        return None
    shades = SHADES[min(len(rapport.nivaer), 4)]
    legend = []
    x = 8
    for i, n in enumerate(rapport.nivaer):
        legend.append((x, shades[i % len(shades)], n.namn))
        x += 20 + 7 * len(n.namn) + 16
    grupper = []
    y = LEGEND_H + 8
    per_grupp = len(rapport.nivaer) * (BAR_H + BAR_GAP) - BAR_GAP
    for rad in tabell.rader:
        if rad.kategori == UPPGIFT_SAKNAS:
            continue
        staplar = []
        for i, c in enumerate(rad.celler):
            by = y + i * (BAR_H + BAR_GAP)
            if shown_value_of(c, "andel"):
                w = round(BAR_MAX * min(c.andel, 100) / 100)  # type: ignore[union-attr]
                text = f"{c.andel} %"  # type: ignore[union-attr]
            else:
                w = 0
                text = cell(c, "andel")
            staplar.append(Bar(BAR_LEFT, by, w, shades[i % len(shades)], text, BAR_LEFT + w + 4))
        grupper.append(Group(_short(category_text(rad.kategori)), y + per_grupp // 2 + 4, tuple(staplar)))
        y += per_grupp + GROUP_GAP
    return Diagram(f"d{nummer}", y + 4, tuple(legend), tuple(grupper))


def render_kommun_report_html(rapport: KommunReport) -> str:
    from ..io.templating import environment

    t = texts(rapport)
    diagrammen = {}
    for i, tab in enumerate(rapport.tabeller, start=1):
        diagrammen[tab.nyckel] = (i, diagram(rapport, tab, i))
    return environment(True).get_template(HTML_PAGE).render(
        r=rapport, t=t, cell=cell, category_text=category_text, level_fields=level_fields,
        field_header=field_header, hidden_row=hidden_row,
        diagrammen=diagrammen, WIDTH=WIDTH, LABEL_RIGHT=LABEL_RIGHT, BAR_H=BAR_H, OUTLINE=OUTLINE,
        MASKERAD=MASKERAD, OSAKER=OSAKER, FINNS_INTE=FINNS_INTE, EJ_REDOVISAD=EJ_REDOVISAD,
        MASKERAD_TEXT=f"visas inte: färre än {rapport.minsta_antal} ärenden",
        OSAKER_TEXT="visas inte: basen under 20 ärenden",
    )


def write_kommun_report_html(rapport: KommunReport, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(render_kommun_report_html(rapport))
