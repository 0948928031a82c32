"""Render a municipality's own sheet (`kommun.Blad`) as one self-contained HTML page.

The page (`templates/kommun.html.j2`) has the same content as the XLSX: the comparison table with
its legend, and the analysis guide. Inline CSS, no scripts, no external assets; each cell's text
carries its value, colour only repeats it. Lays out; computes nothing.
"""
from __future__ import annotations

from itertools import groupby
from pathlib import Path

from .kommun_report import KommunSheet
from .kommun_report_text import (
    HTML_PAGE,
    analysis_guide,
    cell_texts,
    context,
    nest,
    template,
    texts,
)
from .rules import VALUE_COLOURS

# CSS class of a coloured unit value.
VALUE_CLASS = {value: colour.name.lower() for value, colour in VALUE_COLOURS.items()}


def render_kommun_html(blad: KommunSheet) -> str:
    t = texts(blad)
    band = [(text, len(list(cols))) for text, cols in groupby(str(t.band(k)) for k in blad.kolumner)]
    ctx = context(blad)
    ctx.update(t=t, guide=nest(analysis_guide(blad, t)), band=band, celler=cell_texts(blad, t), klass=VALUE_CLASS)
    return template(HTML_PAGE).render(ctx)


def write_kommun_html(blad: KommunSheet, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(render_kommun_html(blad))
