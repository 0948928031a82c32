"""Render a `Trend` as a workbook. Lays out the model's values and markers; computes nothing.

Sheets: "Om tabellerna" (text from templates/trend_om.txt.j2: sources, markers, every break),
"Riket", "Län" and "Enheter per år" (one row per unit and indicator, a column per year).

A value whose step from the previous year is not comparable keeps its type (a number stays a
number, "Ja" stays "Ja") and shows its marker through the cell's number format (`0" †"`,
`@" *"`); the column "Jämförbarhet" says why, and on "Riket" each marked cell has a comment too.
"""
from __future__ import annotations

from pathlib import Path

from .. import styles
from ..io.templating import render
from ..io.xlsx_writer import LINE_HEIGHT, new_workbook, print_setup, wrapped_lines
from ..population import NIVA_ENHET
from .rules import EJ_AKTUELLT, VALUE_COLOURS
from .trend import EJ_JAMFORBAR, Trend, TrendRow

COVER_WIDTH = 120

MARKS = styles.COMPARABILITY_MARKS
TEMPLATE = "trend_om.txt.j2"


def cover_lines(trend: Trend) -> list[str]:
    text = render(
        TEMPLATE,
        years=trend.years,
        sources=trend.sources,
        breaks=trend.breaks,
        ej=EJ_JAMFORBAR,
        ej_mark=styles.EJ_JAMFORBAR_MARK,
        ej_meaning=styles.EJ_JAMFORBAR_MEANING,
        delvis_mark=styles.DELVIS_JAMFORBAR_MARK,
        delvis_meaning=styles.DELVIS_JAMFORBAR_MEANING,
        bortfall=styles.BORTFALL,
        bortfall_meaning=styles.BORTFALL_MEANING,
        suppressed=styles.SUPPRESSED,
        suppressed_meaning=styles.SUPPRESSED_MEANING,
        saknas=styles.SAKNAS,
        saknas_meaning=styles.SAKNAS_MEANING,
        embedded_only=trend.embedded_only,
        some_years=trend.some_years,
        group_sizes=trend.group_sizes,
    )
    return text.rstrip("\n").split("\n")


class _Formats:
    """Cell formats by (kind, marker, colour), made once each."""

    def __init__(self, wb):
        self.wb = wb
        self.cache: dict = {}

    def get(self, text: bool, mark: str, colour: styles.Colour | None = None):
        key = (text, mark, colour.name if colour else None)
        if key not in self.cache:
            props: dict = {}
            if mark:
                props["num_format"] = f'@" {mark}"' if text else f'0" {mark}"'
            if colour:
                props.update({"bg_color": "#" + colour.fill, "font_color": "#" + colour.font})
            self.cache[key] = self.wb.add_format(props) if props else None
        return self.cache[key]


def _cell_text(row: TrendRow, varde: str | None) -> str | None:
    """The symbol shown instead of a value, or None when the value itself is shown."""
    if varde is None:
        return styles.SAKNAS
    if varde == "":
        return styles.BORTFALL if row.niva == NIVA_ENHET else styles.SUPPRESSED
    return None


def _write_row(ws, r: int, c0: int, row: TrendRow, fmt: _Formats, comments: bool) -> int:
    """Write the year cells (and change) of one row from column c0; returns the next column."""
    c = c0
    for cell in row.cells:
        mark = MARKS[cell.steg.jamforbarhet] if cell.steg else ""
        symbol = _cell_text(row, cell.varde)
        if symbol is not None:
            ws.write_string(r, c, symbol, fmt.get(True, mark))
        elif row.niva == NIVA_ENHET:
            ws.write_string(r, c, cell.varde, fmt.get(True, mark, VALUE_COLOURS.get(cell.varde)))
        else:
            ws.write_number(r, c, int(cell.varde), fmt.get(False, mark))
        if comments and mark and cell.varde is not None:
            ws.write_comment(r, c, f"{mark} {cell.steg.not_}", {"x_scale": 3, "y_scale": 1.5})
        c += 1
    if row.forandring is not None:
        f = row.forandring
        if f.procentenheter is not None:
            ws.write_number(r, c, f.procentenheter, fmt.get(False, MARKS[f.jamforbarhet]))
        elif f.orsak == EJ_JAMFORBAR:
            ws.write_string(r, c, f"ej beräknad {styles.EJ_JAMFORBAR_MARK}")
        else:  # a value is missing in the first or last year
            ws.write_string(r, c, styles.SAKNAS)
        c += 1
    notes = [cell.steg.not_ for cell in row.cells if cell.steg and cell.steg.brott]
    if notes:
        ws.write_string(r, c, "; ".join(notes))
    return c + 1


def _year_headers(trend: Trend, with_change: bool) -> list[str]:
    heads = [str(y) for y in trend.years]
    if with_change:
        heads.append(f"Förändring {trend.years[0]}–{trend.years[-1]}, procentenheter")
    return heads + ["Jämförbarhet"]


def _table(ws, name: str, heads: list[str], rows: int, header_format, description: str) -> None:
    """The sheet's data (header in row 1) as a named Excel table with its own autofilter; no style,
    so the cells keep their colours and markers."""
    ws.add_table(0, 0, max(rows, 1), len(heads) - 1, {
        "name": name, "style": None, "banded_rows": False, "description": description,
        "columns": [{"header": h, "header_format": header_format} for h in heads],
    })


def write_trend_workbook(trend: Trend, path: Path) -> None:
    title = f"Öppna jämförelser – Våld i nära relationer {trend.years[0]}–{trend.years[-1]}"
    wb = new_workbook(path, {"title": title})
    bold = wb.add_format({"bold": True})
    wrap_bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    heading = wb.add_format({"bold": True, "font_size": 13})
    fmt = _Formats(wb)

    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws = wb.add_worksheet("Om tabellerna")
    ws.set_column(0, 0, COVER_WIDTH)
    r = 0
    for line in cover_lines(trend):
        if line.startswith("# "):
            r += 1 if r else 0  # a blank row before every heading but the first
            ws.write_string(r, 0, line[2:], heading)
        elif line:
            ws.write_string(r, 0, line, wrap)
            lines = wrapped_lines(line, COVER_WIDTH)
            if lines > 1:  # a wrapped row gets its height (no row grows by itself)
                ws.set_row(r, LINE_HEIGHT * lines)
        else:
            continue
        r += 1
    print_setup(ws, title=title, width=COVER_WIDTH)

    n_years = len(trend.years)
    ws = wb.add_worksheet("Riket")
    heads = ["Ordning", "Indikator", "Id"] + _year_headers(trend, len(trend.years) > 1)
    _table(ws, "Riket", heads, len(trend.riket), wrap_bold, "Riket: en rad per indikator, en kolumn per år")
    ws.set_row(0, 45)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 2, 30)
    ws.set_column(3 + n_years, 3 + n_years, 14)
    ws.set_column(4 + n_years, 4 + n_years, 80)
    for r, row in enumerate(trend.riket, start=1):
        ws.write_number(r, 0, row.indikator.ordning)
        ws.write_string(r, 1, row.indikator.kortnamn)
        ws.write_string(r, 2, row.indikator.id)
        _write_row(ws, r, 3, row, fmt, comments=True)
    ws.freeze_panes(1, 2)
    print_setup(ws, title=title, header_rows=(0, 0), key_columns=(0, 2),
                width=7 + 60 + 30 + 9 * n_years + 14 + 80)

    ws = wb.add_worksheet("Län")
    heads = ["Länskod", "Län", "Ordning", "Indikator", "Id"] + _year_headers(trend, len(trend.years) > 1)
    _table(ws, "Lan", heads, len(trend.lan), wrap_bold, "Län: en rad per län och indikator, en kolumn per år")
    ws.set_row(0, 45)
    ws.set_column(1, 1, 22)
    ws.set_column(3, 3, 60)
    ws.set_column(4, 4, 30)
    for r, row in enumerate(trend.lan, start=1):
        ws.write_string(r, 0, row.kod)
        ws.write_string(r, 1, row.namn)
        ws.write_number(r, 2, row.indikator.ordning)
        ws.write_string(r, 3, row.indikator.kortnamn)
        ws.write_string(r, 4, row.indikator.id)
        _write_row(ws, r, 5, row, fmt, comments=False)
    ws.freeze_panes(1, 2)
    print_setup(ws, title=title, header_rows=(0, 0), key_columns=(0, 1),
                width=9 + 22 + 9 + 60 + 30 + 9 * n_years + 14 + 9)

    _write_units(wb, trend, fmt, wrap_bold, bold)
    print_setup(wb.get_worksheet_by_name("Enheter per år"), title=title, header_rows=(0, 2), key_columns=(0, 1),
                width=9 + 32 + 9 * n_years * len(trend.indicators))
    wb.close()


def _write_units(wb, trend: Trend, fmt: _Formats, wrap_bold, bold) -> None:
    """One row per unit; per indicator one column per year, the years side by side.

    Comparability belongs to an (indicator, year) column: its header carries the marker and a
    comment with the reason, and every value in it carries the marker too.
    """
    ws = wb.add_worksheet("Enheter per år")
    n_years = len(trend.years)
    ws.write_string(0, 0, "Indikator", bold)
    ws.write_string(1, 0, "Id", bold)
    ws.write_string(2, 0, "Kod", bold)
    ws.write_string(2, 1, "Kommun/stadsdel", bold)
    ws.set_column(1, 1, 32)
    ws.set_column(2, 1 + n_years * len(trend.indicators), 9)
    ws.set_row(0, 60)
    marks = []
    for i, ind in enumerate(trend.indicators):
        c0 = 2 + i * n_years
        if n_years > 1:  # header cells above the data; XlsxWriter will not merge a single cell
            ws.merge_range(0, c0, 0, c0 + n_years - 1, ind.kortnamn, wrap_bold)
            ws.merge_range(1, c0, 1, c0 + n_years - 1, ind.id, bold)
        else:
            ws.write_string(0, c0, ind.kortnamn, wrap_bold)
            ws.write_string(1, c0, ind.id, bold)
        for j, year in enumerate(trend.years):
            steg = ind.step_to(year)
            mark = MARKS[steg.jamforbarhet] if steg else ""
            marks.append(mark)
            ws.write_string(2, c0 + j, f"{year} {mark}".rstrip(), bold)
            if mark:
                ws.write_comment(2, c0 + j, f"{mark} {steg.not_}", {"x_scale": 3, "y_scale": 1.5})
    # Per column: what a value shows (a symbol for no value / bortfall) and its format.
    shown = {None: styles.SAKNAS, "": styles.BORTFALL}
    column_formats = {
        mark: {v: fmt.get(True, mark, VALUE_COLOURS.get(v)) for v in VALUE_COLOURS}
        | {v: fmt.get(True, mark) for v in (None, "", EJ_AKTUELLT)}
        for mark in set(marks)
    }
    write = ws.write_string
    for r, unit in enumerate(trend.enheter, start=3):
        write(r, 0, unit.kod)
        write(r, 1, unit.namn)
        c = 2
        for values in unit.varden:
            for varde in values:
                formats = column_formats[marks[c - 2]]
                write(r, c, shown.get(varde, varde), formats.get(varde) or fmt.get(True, marks[c - 2]))
                c += 1
    last = 1 + n_years * len(trend.indicators)
    if trend.some_years:  # units differ between the years: say per unit which years it exists (D145)
        last += 1
        ws.write_string(2, last, "Finns år", bold)
        ws.set_column(last, last, 16)
        all_years = len(trend.years)
        for r, unit in enumerate(trend.enheter, start=3):
            write(r, last, "alla" if len(unit.ar) == all_years else ", ".join(map(str, unit.ar)))
    ws.autofilter(2, 0, 2 + len(trend.enheter), last)
    ws.freeze_panes(3, 2)
