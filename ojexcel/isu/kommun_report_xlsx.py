"""Render a unit's ISU report (`enhetsrapport.Enhetsrapport`) as an XLSX workbook.

Sheets: "Om rapporten" (title, introduction, how small numbers are protected, key figures, the
largest differences from samtliga, symbols, source), then one sheet per chapter. Each table: its
title in a row of its own, then an Excel table (marked up as a table, one header row) with a
column per category and, per level, antal, bas and andel (or for a mean its ärenden and medel).
Counts and shares are numbers; a withheld value is its symbol (`x` a hidden row, `..` a base under
20), a value that does not exist `–`, a level whose table is not written "redovisas inte" in its
first cell (all explained on the first sheet); text is never a formula
(`xlsx_writer.new_workbook`). Identical input gives identical bytes. Printed, a chapter sheet is one
page wide and no table runs across a page break (D187).
"""
from __future__ import annotations

from pathlib import Path

from ..io.xlsx_writer import (
    LINE_HEIGHT,
    PIXEL_PT,
    column_pixels,
    new_workbook,
    page_height_at,
    page_scale,
    print_a4_at,
    word_wrapped_lines,
    wrapped_lines,
)
from .kommun_report import KommunReport
from .kommun_report_text import category_text, field_header, level_fields, symbol, texts
from .model import Row

KATEGORI_BREDD = 52
VARDE_BREDD = 13
TEXT_BREDD = 110
TITLE_PT = 19  # a sheet title's row (14 pt bold)
H2_PT = 16  # a table title's row (12 pt bold)


def _value(rad: Row | None, field: str):
    """A number to write, or the symbol text."""
    tecken = symbol(rad, field)
    if tecken is not None:
        return tecken
    v = getattr(rad, field)
    return float(v) if field == "medel" else v


def write_kommun_report_xlsx(rapport: KommunReport, path: Path) -> None:
    t = texts(rapport)
    wb = new_workbook(path, {"title": str(t.titel), "author": "ojexcel", "comments": "ojexcel isu kommun"},
                      in_memory=True)  # no temporary file per part: ~70 files less per report (--all)
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 14})
    h2 = wb.add_format({"bold": True, "font_size": 12})
    h2wrap = wb.add_format({"bold": True, "font_size": 12, "text_wrap": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    num = wb.add_format({"num_format": "0", "align": "right"})
    dec = wb.add_format({"num_format": "0.0", "align": "right"})
    sym = wb.add_format({"align": "right"})
    rubrikrad = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})

    def print_layout(ws) -> None:  # printed: landscape, one page wide
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)

    om = wb.add_worksheet("Om rapporten")
    print_layout(om)
    om.set_column(0, 0, TEXT_BREDD // 2)
    om.set_column(1, len(rapport.nivaer), 18)
    row = 0
    om.write_string(row, 0, str(t.titel), title)
    row += 2
    for text in (str(t.ej_for_publicering), str(t.syntetisk)):
        if text:
            om.merge_range(row, 0, row, len(rapport.nivaer), text, h2wrap)
            om.set_row(row, LINE_HEIGHT * wrapped_lines(text, TEXT_BREDD))
            row += 2
    om.merge_range(row, 0, row, len(rapport.nivaer), str(t.inledning), wrap)
    om.set_row(row, LINE_HEIGHT * wrapped_lines(str(t.inledning), TEXT_BREDD))
    row += 2
    om.write_string(row, 0, str(t.maskning_rubrik), h2)
    row += 1
    om.merge_range(row, 0, row, len(rapport.nivaer), str(t.maskning), wrap)
    om.set_row(row, LINE_HEIGHT * wrapped_lines(str(t.maskning), TEXT_BREDD))
    row += 2
    om.write_string(row, 0, str(t.nyckeltal_rubrik), h2)
    row += 1
    om.write_string(row, 0, "Mått", bold)
    for i, n in enumerate(rapport.nivaer, start=1):
        om.write_string(row, i, n.namn, bold)
    row += 1
    for text, rad, field in t.nyckeltal:
        om.write_string(row, 0, text)
        for i in range(len(rapport.nivaer)):
            v = _value(rad.celler[i] if rad is not None else None, field)
            (om.write_string(row, i + 1, v, sym) if isinstance(v, str) else om.write_number(row, i + 1, v, num))
        row += 1
    row += 1
    om.write_string(row, 0, str(t.sammanfattning_rubrik), h2)
    row += 1
    for text in [str(t.sammanfattning_inledning)] + [str(t.avvikelse(a)) for a in rapport.deviations]:
        om.merge_range(row, 0, row, len(rapport.nivaer), text, wrap)
        om.set_row(row, LINE_HEIGHT * wrapped_lines(text, TEXT_BREDD))
        row += 1
    row += 1
    om.write_string(row, 0, str(t.legend_rubrik), h2)
    row += 1
    for mark, text in t.legend:
        om.write_string(row, 0, f"{mark}  {text}")
        row += 1
    row += 1
    kalla = str(t.kalla)
    om.merge_range(row, 0, row, len(rapport.nivaer), kalla, wrap)
    om.set_row(row, LINE_HEIGHT * wrapped_lines(kalla, TEXT_BREDD))

    n_tabell = 0
    for kap in rapport.kapitel:
        ws = wb.add_worksheet(kap.namn[:31])
        ncols = 1 + 3 * len(rapport.nivaer)
        # printed one page wide, at the scale that takes (D187); a table is never cut across pages
        scale = page_scale((column_pixels(KATEGORI_BREDD) + (ncols - 1) * column_pixels(VARDE_BREDD)) * PIXEL_PT,
                           1.0, True)
        print_a4_at(ws, scale, True)
        page_pt = page_height_at(scale, True)
        ws.set_column(0, 0, KATEGORI_BREDD)
        ws.set_column(1, ncols - 1, VARDE_BREDD)
        row = 0
        ws.write_string(row, 0, kap.namn, title)
        row += 2
        used, breaks = TITLE_PT + LINE_HEIGHT, []
        for tab in kap.tabeller:
            n_tabell += 1
            fields = level_fields(rapport, tab)
            header = [{"header": str(t.kategori_rubrik), "header_format": rubrikrad}]
            for n in rapport.nivaer:
                header += [{"header": f"{n.namn}: {field_header(tab, f).lower()}", "header_format": rubrikrad}
                           for f in fields]
            header_pt = LINE_HEIGHT * max(word_wrapped_lines(h["header"], VARDE_BREDD) for h in header)
            height = H2_PT + header_pt + LINE_HEIGHT * (len(tab.rader) + 2)
            if used + height > page_pt and used > 0:  # the table starts the next page
                breaks.append(row)
                used = 0
            used += height
            rubrik = str(t.diagramrubrik(tab)) + (f" ({t.delgrupp(tab)})" if tab.val.delgrupp else "")
            ws.write_string(row, 0, rubrik, h2)
            row += 1
            ws.set_row(row, header_pt)
            first = row
            last = row + len(tab.rader)
            ws.add_table(first, 0, last, len(header) - 1, {
                "name": f"Tabell{n_tabell}", "columns": header, "style": "Table Style Light 1",
                "autofilter": False,
            })
            for rad in tab.rader:
                row += 1
                ws.write_string(row, 0, category_text(rad.kategori))
                col = 1
                for c in rad.celler:
                    for k, field in enumerate(fields):
                        v = _value(c, field)
                        if c is None and k:  # a table not written: said once, in the level's first cell
                            ws.write_blank(row, col, None)
                        elif isinstance(v, str):
                            ws.write_string(row, col, v, sym)
                        else:
                            ws.write_number(row, col, v, dec if field == "medel" else num)
                        col += 1
            row += 2
        ws.set_h_pagebreaks(breaks)
    wb.close()
