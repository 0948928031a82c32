"""Render Results as an Excel workbook. The renderer lays out computed results; it computes nothing.

This first version writes plain sheets: one row per unit with its value per indicator, and one
row per group with its share per indicator. The published layout (cover sheet, colour fills,
header bands) is built on top of it.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from .results import Results

# A fixed creation date makes identical input give a byte-identical file. XlsxWriter honours
# `created` only when it is a datetime.datetime.
FIXED_CREATED = _dt.datetime(2000, 1, 1, 0, 0, 0)


def write_workbook(results: Results, path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": results.catalogue.title, "created": FIXED_CREATED})
    bold = wb.add_format({"bold": True})
    ids = list(results.catalogue.ids)

    ws = wb.add_worksheet("Kommuner och stadsdelar")
    ws.write_row(0, 0, ["kod", "namn", "lanskod", "kommungrupp", "skl_kod"] + ids, bold)
    for r, unit in enumerate(results.population.units, start=1):
        ws.write_row(r, 0, [unit.kod, unit.fullnamn, unit.lanskod, unit.kommungrupp, unit.skl_kod])
        for c, value in enumerate(results.unit_values[unit.kod], start=5):
            ws.write_string(r, c, value or "")
    ws.freeze_panes(1, 2)

    ws = wb.add_worksheet("Grupper")
    ws.write_row(0, 0, ["niva", "kod", "namn"] + ids, bold)
    for r, gr in enumerate(results.groups, start=1):
        g = gr.group
        ws.write_row(r, 0, [g.niva, g.kod, g.namn])
        for c, agg in enumerate(gr.aggregates, start=3):
            if agg.andel is not None:
                ws.write_number(r, c, agg.andel)
    ws.freeze_panes(1, 3)
    wb.close()
