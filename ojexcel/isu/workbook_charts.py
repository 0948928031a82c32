"""Native Excel charts for the ISU workbook's diagram tables (issue 11, part 1).

Each chart reads its table's own cells: the categories are the table's label column, each series
the values column of one delgrupp (or one category), and the title the caption cell above the
table — so a filter or an edit in Excel moves the bars. A masked cell
(the masking symbol, text) or a value that does not exist (blank) is a gap, never a zero: blanks are
shown as gaps, the cached values leave those points out, and a masked point's data label shows
the cell's own text (the symbol) in Excel. Colours are one hue and its shades, with a dark outline,
so the bars survive greyscale printing and colour-blindness; every number is in the table beside.
"""
from __future__ import annotations

from .chart_catalogue import MEDEL
from .chart_tables import ANDEL, ANTAL, ChartTable

# One hue (blue) from dark to light; a chart with k series takes k evenly spaced shades.
NYANSER = ("#1F3864", "#2E75B6", "#5B9BD5", "#9DC3E6", "#C9DDF2")
KONTUR = "#1F3864"
RUTNAT = "#D9D9D9"
AXELTITEL = {ANDEL: "Andel av ärendena (%)", ANTAL: "Antal ärenden", MEDEL: "Medelvärde"}
# Data labels as the report writes them: "63 %", "3 070", "2,4" (Excel shows the locale's separators).
ETIKETTFORMAT = {ANDEL: '0" %"', ANTAL: "#,##0", MEDEL: "0.0"}
BREDD = 620  # pixels
RADHOJD = 20  # pixels of a default row


def shades(k: int) -> list[str]:
    if k <= 1:
        return [NYANSER[0]]
    if k == 2:
        return [NYANSER[0], NYANSER[3]]
    step = (len(NYANSER) - 1) / (k - 1)
    return [NYANSER[round(i * step)] for i in range(k)] if k <= len(NYANSER) else [NYANSER[i % len(NYANSER)] for i in range(k)]


def height(t: ChartTable) -> int:
    """The chart's height in pixels: room for every category's bars."""
    k = max(1, len(t.serier))
    n = max(1, t.diagramrader)
    if t.diagram.diagram == "staende":
        return 320
    per = max(26, 16 * k + 12)
    return min(1400, 110 + n * per + (24 if k > 1 else 0))


def add(wb, ws, blad: str, t: ChartTable, rubrikrad: int, rad: int, forsta: int, forsta_kol: int,
              kol: int) -> int:
    """Insert `t`'s chart at (rad, kol), beside the table. `rubrikrad` holds the caption (the
    chart's title), `forsta` is the table's first data row and `forsta_kol` its first column (the
    labels). Returns the chart's height in rows."""
    d = t.diagram
    kind = "column" if d.diagram == "staende" else "bar"
    chart = wb.add_chart({"type": kind})
    sista = forsta + t.diagramrader - 1
    farger = shades(len(t.serier))
    for s, farg in zip(t.serier, farger):
        c = forsta_kol + 1 + s.kolumn
        celler = [r.celler[s.kolumn] for r in t.rader[: t.diagramrader]]
        custom = [
            {"value": f"='{blad}'!${_col(c)}${forsta + i + 1}"} if cell.maskerad else None
            for i, cell in enumerate(celler)
        ]
        options = {
            "name": s.namn,
            "categories": [blad, forsta, forsta_kol, sista, forsta_kol],
            "values": [blad, forsta, c, sista, c],
            # The cache Excel shows before it recalculates: masked and missing points are left out.
            "values_data": [cell.varde for cell in celler],
            "fill": {"color": farg},
            "border": {"color": KONTUR, "width": 0.75},
            "gap": 40 if d.diagram == "tratt" else 60,
            "data_labels": {
                "value": True,
                "num_format": ETIKETTFORMAT[d.matt],
                "font": {"size": 8},
                **({"custom": custom} if any(custom) else {}),
            },
        }
        if len(t.serier) > 1:
            options["overlap"] = -5
        chart.add_series(options)
    chart.set_title({"name": [blad, rubrikrad, forsta_kol], "name_font": {"size": 11, "bold": True}, "overlay": False})
    value_axis = {
        "name": d.axeltitel or AXELTITEL[d.matt],
        "name_font": {"size": 9, "bold": False},
        "num_font": {"size": 8},
        "min": 0,
        "num_format": "0.0" if d.matt == MEDEL else "#,##0",
        "major_gridlines": {"visible": True, "line": {"color": RUTNAT}},
        "line": {"none": True},
    }
    category_axis = {"num_font": {"size": 8}, "line": {"color": "#808080"}}
    if kind == "bar":
        # First category at the top, as in the table; the value axis stays at the bottom.
        # (In XlsxWriter's bar chart the x axis is the horizontal one: the values.)
        category_axis |= {"reverse": True, "crossing": "max"}
        chart.set_x_axis(value_axis)
        chart.set_y_axis(category_axis)
    else:
        if d.rader == "kategorier":
            category_axis |= {"name": d.kategorirubrik, "name_font": {"size": 9, "bold": False}}
        chart.set_x_axis(category_axis)
        chart.set_y_axis(value_axis)
    chart.set_legend({"position": "bottom", "font": {"size": 9}} if len(t.serier) > 1 else {"none": True})
    chart.show_blanks_as("gap")
    chart.set_chartarea({"border": {"color": "#BFBFBF"}})
    h = height(t)
    chart.set_size({"width": BREDD, "height": h})
    ws.insert_chart(rad, kol, chart, {"x_offset": 4, "y_offset": 2, "object_position": 1,
                                      "description": alt_text(t)})
    return -(-h // RADHOJD)


SLAG = {"liggande": "Liggande stapeldiagram", "staende": "Stående stapeldiagram",
        "tratt": "Liggande staplar i fasernas ordning"}


def alt_text(t: ChartTable) -> str:
    """The chart's text alternative: what it shows and where its numbers are."""
    d = t.diagram
    vad = {ANDEL: "andel ärenden i procent", ANTAL: "antal ärenden", MEDEL: "medelvärde"}[d.matt]
    serier = ", ".join(s.namn for s in t.serier)
    grupper = f" för {serier}" if len(t.serier) > 1 else ""
    return (f"{t.rubrik}. {SLAG[d.diagram]}: {vad}{grupper}. "
            f"Varje tal finns i tabellen {d.excel_name} till vänster om diagrammet.")


def _col(c: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(c)
