"""The texts of a municipality's own sheet, from the jinja2 templates in `templates/`.

`kommun_texter.j2` holds the sheet's title, headings and legend; `analysguide.md.j2` the guide's
"Analysguide i fyra steg" filled with the unit's results, in a tiny line format that both
renderers read as blocks (`Stycke`). The templates are compiled once per process.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import styles
from ..io.templating import environment
from ..population import NIVA_STORSTAD
from . import kommun_report as kommun
from .kommun_report import ANDEL, HISTORIK, VARDE, KommunSheet
from .rules import VALUE_COLOURS

TEXTER = "kommun_texter.j2"
ANALYSGUIDE = "analysguide.md.j2"
HTML_PAGE = "kommun.html.j2"

# Block kinds of the analysis guide.
RUBRIK1, RUBRIK2, RUBRIK3, PUNKT, STYCKE = "h1", "h2", "h3", "li", "p"


@dataclass(frozen=True)
class Paragraph:
    typ: str  # RUBRIK1, RUBRIK2, RUBRIK3, PUNKT or STYCKE
    text: str
    niva: int = 0  # bullet depth: 1 or 2


def template(name: str):
    """A compiled template from the project's shared environment (`templating`); HTML is autoescaped."""
    return environment(name.endswith(".html.j2")).get_template(name)


def context(blad: KommunSheet) -> dict:
    return {
        "blad": blad,
        "s": styles,
        "k": kommun,
        "value_colours": VALUE_COLOURS,
        "kommungrupp_namn": blad.kommungrupp_namn,
        "texter": blad.texter,
    }


def texts(blad: KommunSheet):
    """The sheet's texts as a template module: `t.titel`, `t.rubrik(kolumn)`, `t.legend`, …"""
    return template(TEXTER).make_module(context(blad))


# "12 av 39" by (ja, enheter): the same few hundred texts recur in every sheet of a run.
_JA_TEXT: dict[tuple[int, int], str] = {}


def ja_text(t, aggregate) -> str:
    """The text of a group's Ja count, from the template's `ja_antal` (memoised per process)."""
    key = (aggregate.ja, aggregate.enheter)
    text = _JA_TEXT.get(key)
    if text is None:
        text = _JA_TEXT[key] = str(t.ja_antal(aggregate))
    return text


# The text of a break in a series: the same on every sheet of a run (memoised per process).
_BROTT_TEXT: dict[tuple, str] = {}


def break_text(t, brott) -> str:
    key = (brott.indikator.id, brott.steg)
    text = _BROTT_TEXT.get(key)
    if text is None:
        text = _BROTT_TEXT[key] = str(t.break_text(brott))
    return text


# Marker of a history value by the comparability of its step from the year before.
MARKS = styles.COMPARABILITY_MARKS


def history_cell(kolumn, cell) -> tuple[str | int, str | None, str]:
    """(value shown: text or a share, colour key of a unit value or None, comparability marker) of
    a HISTORIK cell (`kommun_historik.Historikcell`)."""
    if cell.saknas:
        return styles.SAKNAS, None, ""
    mark = MARKS[cell.jamforbarhet]
    if kolumn.niva == NIVA_STORSTAD:
        return (styles.SUPPRESSED if cell.varde is None else cell.varde), None, mark
    colour = cell.varde if cell.varde in VALUE_COLOURS else None
    return styles.unit_text(cell.varde), colour, mark


def cell_texts(blad: KommunSheet, t) -> list[tuple[tuple[str, str | None], ...]]:
    """Each row's cells as (text shown, colour key of a coloured unit value or None): value (".." =
    bortfall), share ("x" = suppressed), "12 av 39", a history value with its marker ("Ja †")."""
    kolumner = blad.kolumner
    colours = VALUE_COLOURS
    out = []
    for rad in blad.rader:
        cells = []
        for kol, value in zip(kolumner, rad.celler):
            typ = kol.typ
            if typ == VARDE:
                cells.append((styles.unit_text(value), value if value in colours else None))
            elif typ == ANDEL:
                cells.append((styles.share_text(value), None))
            elif typ == HISTORIK:
                shown, colour, mark = history_cell(kol, value)
                cells.append((f"{shown} {mark}" if mark else str(shown), colour))
            else:
                cells.append((ja_text(t, value), None))
        out.append(tuple(cells))
    return out


def analysis_guide(blad: KommunSheet, t=None) -> list[Paragraph]:
    """The analysis guide for the sheet's unit, as blocks."""
    ctx = context(blad)
    ctx["t"] = texts(blad) if t is None else t
    return parse_blocks(template(ANALYSGUIDE).render(ctx))


@dataclass(frozen=True)
class ListBlock:
    """Consecutive bullets: (text, sub-bullets) — the guide's blocks nested for HTML."""

    punkter: tuple[tuple[str, tuple[str, ...]], ...]
    typ: str = "ul"


def nest(blocks: list[Paragraph]) -> list[Paragraph | ListBlock]:
    """Group consecutive bullets into lists, sub-bullets under the bullet before them."""
    out: list[Paragraph | ListBlock] = []
    items: list[tuple[str, list[str]]] = []

    def flush() -> None:
        if items:
            out.append(ListBlock(tuple((text, tuple(sub)) for text, sub in items)))
            items.clear()

    for b in blocks:
        if b.typ != PUNKT:
            flush()
            out.append(b)
        elif b.niva == 1 or not items:
            items.append((b.text, []))
        else:
            items[-1][1].append(b.text)
    flush()
    return out


def parse_blocks(text: str) -> list[Paragraph]:
    out: list[Paragraph] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("### "):
            out.append(Paragraph(RUBRIK3, stripped[4:]))
        elif stripped.startswith("## "):
            out.append(Paragraph(RUBRIK2, stripped[3:]))
        elif stripped.startswith("# "):
            out.append(Paragraph(RUBRIK1, stripped[2:]))
        elif stripped.startswith("- "):
            depth = 1 + (len(line) - len(line.lstrip(" "))) // 2
            out.append(Paragraph(PUNKT, stripped[2:], min(depth, 2)))
        else:
            out.append(Paragraph(STYCKE, stripped))
    return out
