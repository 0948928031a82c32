"""The workbook's "Granskning" sheet: every review override, so every deviation from the raw
response file is visible (old value, new value, reason). It renders `Results.granskning`; it
computes nothing. Texts: templates/granskning_sheet.txt.j2.

`write_granskning_sheet(workbook, results)` adds the sheet to an open XlsxWriter workbook; with no
overrides it adds nothing (the workbook then has no Granskning sheet: nothing was changed).
"""
from __future__ import annotations

from dataclasses import dataclass

from .results import Results


@dataclass(frozen=True)
class SheetTexts:
    sheet: str
    headings: tuple[str, ...]
    blank: str


def sheet_texts() -> SheetTexts:
    from ..io.templating import render

    lines = [line.strip() for line in render("granskning_sheet.txt.j2").splitlines() if line.strip()]
    if len(lines) != 8:
        raise ValueError("templates/granskning_sheet.txt.j2: expected 8 lines (sheet name, 6 headings, blank text)")
    return SheetTexts(lines[0], tuple(lines[1:7]), lines[7])


def granskning_rows(results: Results, blank: str) -> list[tuple[str, ...]]:
    """One row per override in file order: enhetskod, enhet, kolumn, old value, new value, reason."""
    units = results.population.by_kod
    return [
        (
            g.enhetskod,
            units[g.enhetskod].full_name if g.enhetskod in units else "",
            g.kolumn,
            blank if g.gammalt is None else g.gammalt,
            blank if g.nytt is None else g.nytt,
            g.motivering,
        )
        for g in results.granskning
    ]


def write_granskning_sheet(workbook, results: Results, formats: dict | None = None):
    """Add the "Granskning" sheet to an XlsxWriter workbook; returns it, or None without overrides.

    `formats` may hold XlsxWriter formats "header" and "text" of the calling workbook."""
    if not results.granskning:
        return None
    texts = sheet_texts()
    formats = formats or {}
    header = formats.get("header") or workbook.add_format({"bold": True})
    text = formats.get("text")
    ws = workbook.add_worksheet(texts.sheet)
    for c, heading in enumerate(texts.headings):
        ws.write_string(0, c, heading, header)
    rows = granskning_rows(results, texts.blank)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            ws.write_string(r, c, value, text)  # as text: "=…" never becomes a formula
    widths = [max(len(str(row[c])) for row in [texts.headings, *rows]) for c in range(len(texts.headings))]
    for c, width in enumerate(widths):
        ws.set_column(c, c, min(max(width + 2, 10), 80))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(texts.headings) - 1)
    return ws
