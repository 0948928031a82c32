"""The ISU workbook: `write_isu_workbook(resultat, path)` (CONTRACT isu §2–§6, issue 10 and 11).

Renders, never computes: every number is a value of `resultat.tabell(...)`. Sheets:
- Information: source file name, period, counts per phase, the masking rule and the symbols, the
  definitions and decisions in plain Swedish (from `templates/isu_arbetsbok.txt.j2`, laid out by
  the cover-sheet writer both workbooks share, `cover_sheet.py`);
- one sheet per chapter of SKR's report (the catalogue `diagram.toml`), holding the report's
  diagrams as tables numbered and titled as in the report, each an Excel table with a native
  chart beside it (`workbook_charts.py`);
- Per kommun: one row per län, kommun and stadsdel with its key figures, from its own tables.

House style as the survey workbook's: text carries the value (numbers are numbers; a withheld
value shows its symbol — `styles.MASKERAD` (`x`) for a hidden row, `styles.OSAKER` (`..`) for a
share or mean on a base under 20 — never a zero; a value that does not exist is a blank cell, so
the chart reading the table leaves a gap, and `styles.FINNS_INTE` (`–`) in a text), the XlsxWriter
set-up of `xlsx_writer.new_workbook` (text never becomes a formula, a fixed creation date: identical
results give identical bytes), every data table an Excel table with a header row, frozen panes,
column widths and wrapped row heights (a header never breaks inside a word), A4 print set-up with each
diagram whole on its page (D181), the sheet name and page numbers in the footer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..io.cover_sheet import (
    CoverStyles,
    package_version,
    template_sections,
    write_information,
)
from ..io.resources import MUNICIPALITY_GROUPS, read_csv_rows
from ..io.templating import render
from ..io.xlsx_writer import (
    LINE_HEIGHT,
    MIN_FIT_SCALE,
    PIXEL_PT,
    column_pixels,
    longest_word,
    new_workbook,
    page_scale,
    print_a4_at,
    word_wrapped_lines,
    wrapped_lines,
)
from ..styles import BORDER, EJ_REDOVISAD, FINNS_INTE, HEADER_FILL, MASKERAD, OSAKER
from . import workbook_charts as ritning
from .chart_catalogue import UPPGIFT_SAKNAS, ChartCatalogue, load_chart_catalogue, scope
from .chart_tables import ANDEL, ANTAL, ChartTable, build, thousands
from .codebook import Codebook, load_codebook
from .cellkey import DELGRUPP_MIN, NOISE, SHARE_MIN_BAS
from .model import KOMMUN, LAN, NIVAER, SAMTLIGA, STADSDEL, IsuResults, Row, withheld_symbol
from .workbook_layout import INFORMATION, NIVA_NAMN, PER_KOMMUN, PER_KOMMUN_KEYS, PER_KOMMUN_TABLE

TEMPLATE = "isu_arbetsbok.txt.j2"
TITEL = "Socialtjänstens stöd till våldsutsatta vuxna"
FOOTER = "&L&A&RSida &P av &N"

LABEL_WIDTH = 46  # the category column of the diagram tables
NUMBER_WIDTH = 12
MAX_NUMBER_WIDTH = 24  # a longer header word wraps inside the word rather than widen every column
DEFAULT_COLUMN_WIDTH = 8.43  # Excel's default column, set explicitly beyond the tables (64 pixels)
DEFAULT_COLUMN_PX = 64
CHART_OFFSET_PX = 4  # the chart's x offset in its cell (workbook_charts.add)
TITLE_PT = 19  # the sheet title's row (14 pt bold)
CAPTION_PT = 16  # a diagram caption's row (12 pt bold)
CHART_GAP_COLUMNS = 1  # empty columns between a table and its chart
BLOCK_GAP_ROWS = 3  # empty rows between two diagram blocks
TABLE_STYLE = "Table Style Light 1"


# -- texts -----------------------------------------------------------------------------------------

def _period_text(period) -> str:
    fran, till = period
    if fran is None and till is None:
        return "Alla ärenden i indatafilen (ingen period angiven)."
    if fran is None:
        return f"Ärenden aktualiserade till och med {till.isoformat()}."
    if till is None:
        return f"Ärenden aktualiserade från och med {fran.isoformat()}."
    return f"Ärenden aktualiserade {fran.isoformat()} – {till.isoformat()}."


def _value_text(rad: Row | None, matt: str) -> str:
    if rad is None:
        return EJ_REDOVISAD
    value = getattr(rad, matt)
    if value is None:
        return withheld_symbol(rad, matt) or FINNS_INTE
    return thousands(value) if isinstance(value, int) else str(value).replace(".", ",")


def _count_text(n: int, minsta_antal: int) -> str:
    """A count on the cover: its published value (the set's v, D159), hidden from 1 to N−1 as a
    row on such a base is (§2 item 4)."""
    return MASKERAD if 1 <= n < minsta_antal else thousands(n)


def _numbers(diagram) -> str:
    """'diagram 1, 2 och 3; tabell 1'."""
    parts = []
    for word, nrs in (("diagram", [d.nr for d in diagram if d.nr is not None]),
                      ("tabell", [d.tabellnr for d in diagram if d.nr is None])):
        if nrs:
            listed = ", ".join(map(str, nrs[:-1])) + (" och " if len(nrs) > 1 else "") + str(nrs[-1])
            parts.append(f"{word} {listed}")
    return "; ".join(parts)


def sheet_texts(resultat: IsuResults, katalog: ChartCatalogue) -> dict[str, list[str]]:
    faser = []
    for rad in resultat.tabell(SAMTLIGA, "", "faser"):
        antal = _value_text(rad, ANTAL)
        andel = _value_text(rad, ANDEL)
        share = f" ({andel} procent)" if rad.kategori != "aktualiserade" and andel[:1].isdigit() else ""
        faser.append((katalog.category_name(rad.kategori), f"{antal} ärenden{share}"))
    innehall = [(b.namn, f"{b.rubrik} ({_numbers(katalog.on_sheet(b.namn))})") for b in katalog.blad]
    text = render(
        TEMPLATE,
        titel=TITEL,
        indatafil=Path(resultat.kalla).name,
        period=_period_text(resultat.period),
        arenden=_count_text(resultat.n, resultat.minsta_antal),
        utanfor=_count_text(resultat.utanfor_period, resultat.minsta_antal) if resultat.utanfor_period else "",
        kommuner=len(resultat.enheter(KOMMUN)),
        stadsdelar=len(resultat.enheter(STADSDEL)),
        lan=len(resultat.enheter(LAN)),
        minsta_antal=resultat.minsta_antal,
        version=package_version(),
        faser=faser,
        innehall=innehall,
        per_kommun=PER_KOMMUN,
        maskerad=MASKERAD,
        osaker=OSAKER,
        finns_inte=FINNS_INTE,
        utan_brus=resultat.utan_brus,
        demo_key=resultat.demo_key,
        syntetisk=resultat.syntetisk,
        brus=NOISE,
        andel_min=SHARE_MIN_BAS,
        delgrupp_min=DELGRUPP_MIN,
    )
    sections = template_sections(text)
    missing = [s for s in (INFORMATION, "kapitel", "noter", PER_KOMMUN) if s not in sections]
    if missing:
        raise ValueError(f"{TEMPLATE}: no section for {', '.join(missing)}")
    return sections


def _notes(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        key, sep, text = line.partition(" | ")
        if sep:
            out[key.strip()] = text.strip()
    return out


@cache
def unit_names() -> dict[str, tuple[str, str]]:
    """Code -> (name, län name) for län, kommuner and stadsdelar of the reference files."""
    out: dict[str, tuple[str, str]] = {}
    lan: dict[str, str] = {}
    for row in read_csv_rows(MUNICIPALITY_GROUPS, "kommuner.csv"):
        out[row["kommunkod"]] = (row["kommun"], row["lan"])
        lan[row["kommunkod"]] = row["lan"]
        out.setdefault(row["lanskod"], (row["lan"], row["lan"]))
    for row in read_csv_rows(MUNICIPALITY_GROUPS, "stadsdelar_2017.csv"):
        out[row["stadsdelskod"]] = (f"{row['kommun']}: {row['stadsdel']}", lan.get(row["kommunkod"], ""))
    return out


# -- formats ---------------------------------------------------------------------------------------

class IsuStyles:
    def __init__(self, wb) -> None:
        cell = {"border": 1, "border_color": BORDER, "valign": "top"}
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.note = wb.add_format({"font_color": "#404040"})
        self.caption = wb.add_format({"bold": True, "font_size": 12})
        self.table_note = wb.add_format({"italic": True, "font_color": "#404040"})
        self.header = wb.add_format(cell | {"bold": True, "bg_color": HEADER_FILL, "text_wrap": True})
        self.label = wb.add_format(cell | {"text_wrap": True})
        self.text = wb.add_format(cell)
        self.integer = wb.add_format(cell | {"num_format": "#,##0"})
        self.decimal = wb.add_format(cell | {"num_format": "0.0"})
        self.masked = wb.add_format(cell | {"align": "right"})
        self.blank = wb.add_format(cell)


def _write_value(ws, r: int, c: int, value, symbol: str | None, decimal: bool, st: IsuStyles) -> None:
    """A number, a withheld value's symbol (`x`, `..`), or a blank (the value does not exist)."""
    if value is None:
        if symbol:
            ws.write_string(r, c, symbol, st.masked)
        else:
            ws.write_blank(r, c, None, st.blank)
    else:
        ws.write_number(r, c, value, st.decimal if decimal else st.integer)


def _print_setup(ws, landscape: bool = True) -> None:
    if landscape:
        ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_footer(FOOTER)


# -- chapter sheets --------------------------------------------------------------------------------

def number_width(tables: list[ChartTable]) -> int:
    """The number columns' width on a chapter sheet: wide enough that no column header breaks
    inside a word ("Hedersrelaterat"), within MAX_NUMBER_WIDTH (D181)."""
    words = longest_word(k.rubrik for t in tables for k in t.kolumner)
    return max(NUMBER_WIDTH, min(MAX_NUMBER_WIDTH, words + 2))


@dataclass(frozen=True)
class ChapterColumns:
    """A chapter sheet's columns: the label column, `numbers` number columns `width` wide, then
    untouched ones. Places the charts and measures the printed width in pixels."""

    width: int
    numbers: int

    def x(self, col: int) -> int:
        """The left edge of column `col`, in pixels."""
        n = min(col - 1, self.numbers) if col > 0 else 0
        rest = max(0, col - 1 - self.numbers)
        return (column_pixels(LABEL_WIDTH) if col > 0 else 0) + n * column_pixels(self.width) + rest * DEFAULT_COLUMN_PX

    def column_at(self, px: float) -> int:
        """The column holding pixel `px`."""
        col = 0
        while self.x(col + 1) <= px:
            col += 1
        return col


def _write_chapter(wb, ws, blad, resultat: IsuResults, katalog: ChartCatalogue, kodbok: Codebook,
                   kapitel: list[str], noter: dict[str, str], st: IsuStyles) -> None:
    ws.write_string(0, 0, f"{blad.namn}: {blad.rubrik}", st.title)
    intro = [line for line in kapitel if line.strip()]
    for i, line in enumerate(intro, start=1):
        ws.write_string(i, 0, line, st.note)
    r = len(intro) + 2
    tables = [build(resultat, d, katalog, kodbok, MASKERAD) for d in katalog.on_sheet(blad.namn)]
    cols = ChapterColumns(number_width(tables), max((len(t.kolumner) for t in tables), default=0))
    last_col, breaks, pages, width_px = 0, [], [], 0
    for i, t in enumerate(tables):
        if i:  # printed, every diagram after the first starts a new page
            breaks.append(r)
        block = _write_diagram(wb, ws, blad.namn, t, r, kodbok, noter, st, cols)
        r = block.next_row
        last_col, width_px = max(last_col, block.last_col), max(width_px, block.width_px)
        pages.append(block.height_pt + (TITLE_PT + LINE_HEIGHT * (len(intro) + 1) if i == 0 else 0))
    ws.set_h_pagebreaks(breaks)
    ws.print_area(0, 0, r, last_col)
    ws.set_column(0, 0, LABEL_WIDTH)
    if cols.numbers:
        ws.set_column(1, cols.numbers, cols.width)
    if last_col > cols.numbers:  # explicit, so LibreOffice does not take its own default width
        ws.set_column(cols.numbers + 1, last_col, DEFAULT_COLUMN_WIDTH)
    ws.freeze_panes(len(intro) + 1, 0)
    ws.hide_gridlines(2)
    _print_chapter(ws, width_px * PIXEL_PT, max(pages, default=LINE_HEIGHT))


def _print_chapter(ws, width_pt: float, page_height_pt: float) -> None:
    """A4, each diagram whole on its page: the scale at which the widest block fits the page's width
    and the tallest its height, in the orientation that allows the larger scale (D181). A fixed
    scale, not "fit to", so the manual page breaks hold in Excel as in LibreOffice."""
    print_a4_at(ws, *max((page_scale(width_pt, page_height_pt, land), land) for land in (True, False)))
    ws.set_footer(FOOTER)


def _table_notes(t: ChartTable, kodbok: Codebook, noter: dict[str, str]) -> list[str]:
    """The lines under a diagram's caption: the catalogue's note, how the shares are based, and
    which ärenden the table counts — one sentence a line, so no line runs under the chart."""
    d = t.diagram
    parts = [d.not_] if d.not_ else []
    if d.is_mean:
        parts.append(noter["medel"])
    elif d.tabell in kodbok and kodbok[d.tabell].typ == "flerval":
        parts.append(noter["flerval"])
    elif any(r.nyckel == UPPGIFT_SAKNAS for r in t.rader):
        parts.append(noter["enval"])
    parts.append(noter[scope(d.tabell, kodbok)])
    return [s if s.endswith(".") else s + "." for p in parts for s in _sentences(p)]


@dataclass(frozen=True)
class Block:
    """Where a written diagram block ends and how much paper it needs."""

    next_row: int
    last_col: int  # the last column the block uses (its chart's included)
    width_px: int
    height_pt: float


def _write_diagram(wb, ws, blad: str, t: ChartTable, r: int, kodbok: Codebook, noter: dict[str, str],
                   st: IsuStyles, cols: ChapterColumns) -> Block:
    """Write one diagram block from row r: caption, note, the table, the chart beside it — or below
    it where beside it the page would have to shrink under MIN_FIT_SCALE % (D181)."""
    caption_row = r
    ws.write_string(r, 0, t.rubrik, st.caption)
    # The caption and the notes run across the page above the table and its chart.
    notes = _table_notes(t, kodbok, noter)
    for i, line in enumerate(notes, start=1):
        ws.write_string(r + i, 0, line, st.table_note)
    header = r + 1 + len(notes)
    first = header + 1
    ncols = 1 + len(t.kolumner)
    last = first + max(1, len(t.rader)) - 1
    columns = [{"header": t.radrubrik, "header_format": st.header}] + [
        {"header": k.rubrik, "header_format": st.header} for k in t.kolumner]
    ws.add_table(header, 0, last, ncols - 1, {
        "name": t.diagram.excel_name,
        "columns": columns,
        "style": TABLE_STYLE,
        "autofilter": True,
    })
    # the header's words are never broken (number_width), the autofilter button takes ~2 characters
    header_lines = max(word_wrapped_lines(k.rubrik, cols.width - 2) for k in t.kolumner) if t.kolumner else 1
    header_pt = LINE_HEIGHT * max(2, header_lines)
    ws.set_row(header, header_pt)
    table_pt = header_pt
    if not t.rader:  # no category at all (no ärenden in any group): one empty row
        ws.write_string(first, 0, "Inga ärenden", st.label)
        for c in range(1, ncols):
            ws.write_blank(first, c, None, st.blank)
        table_pt += LINE_HEIGHT
    for i, rad in enumerate(t.rader):
        rr = first + i
        ws.write_string(rr, 0, rad.etikett, st.label)
        lines = wrapped_lines(rad.etikett, LABEL_WIDTH)
        if lines > 1:
            ws.set_row(rr, LINE_HEIGHT * lines)
        table_pt += LINE_HEIGHT * lines
        for c, (kol, cell) in enumerate(zip(t.kolumner, rad.celler), start=1):
            _write_value(ws, rr, c, cell.varde, cell.tecken, kol.matt == "medel", st)
    table_rows = last - header + 1
    table_px = cols.x(ncols)
    top_pt = CAPTION_PT + LINE_HEIGHT * len(notes)
    gap_pt = LINE_HEIGHT * BLOCK_GAP_ROWS
    if t.diagram.diagram == "ingen" or not t.rader or not t.serier:
        return Block(header + table_rows + BLOCK_GAP_ROWS, ncols - 1, table_px, top_pt + table_pt + gap_pt)
    chart_px = CHART_OFFSET_PX + ritning.BREDD
    chart_pt = ritning.height(t) * PIXEL_PT + LINE_HEIGHT
    beside_px = cols.x(ncols + CHART_GAP_COLUMNS) + chart_px
    if page_scale(beside_px * PIXEL_PT, 1.0, True) >= MIN_FIT_SCALE:
        chart_rows = ritning.add(wb, ws, blad, t, caption_row, header, first, 0, ncols + CHART_GAP_COLUMNS)
        return Block(header + max(table_rows, chart_rows) + BLOCK_GAP_ROWS, cols.column_at(beside_px), beside_px,
                     top_pt + max(table_pt, chart_pt) + gap_pt)
    below = last + 2
    chart_rows = ritning.add(wb, ws, blad, t, caption_row, below, first, 0, 0)
    return Block(below + chart_rows + BLOCK_GAP_ROWS, max(ncols - 1, cols.column_at(chart_px)),
                 max(table_px, chart_px), top_pt + table_pt + LINE_HEIGHT + chart_pt + gap_pt)


# -- Per kommun ------------------------------------------------------------------------------------

def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=\.) (?=[A-ZÅÄÖ.])", text)


def _write_per_kommun(ws, resultat: IsuResults, katalog: ChartCatalogue, lines: list[str], st: IsuStyles) -> None:
    lines = [part for line in lines if line.strip() for part in _sentences(line)]
    ws.write_string(0, 0, lines[0], st.title)
    for i, line in enumerate(lines[1:], start=1):
        ws.write_string(i, 0, line, st.note)
    header = len(lines) + 1
    keys = list(PER_KOMMUN_KEYS)
    columns = keys + [k.rubrik for k in katalog.nyckeltal]
    units = [(niva, kod) for niva in NIVAER for kod in resultat.enheter(niva)]
    last = header + max(1, len(units))
    ws.add_table(header, 0, last, len(columns) - 1, {
        "name": PER_KOMMUN_TABLE,
        "columns": [{"header": c, "header_format": st.header} for c in columns],
        "style": TABLE_STYLE,
    })
    names = unit_names()
    for i, (niva, kod) in enumerate(units, start=header + 1):
        namn, lan = ("Samtliga", "") if niva == SAMTLIGA else names.get(kod, ("", ""))
        if niva == LAN:
            lan = namn
        for c, text in enumerate((NIVA_NAMN[niva], kod, namn, lan)):
            ws.write_string(i, c, text, st.text)
        tables: dict[str, dict[str, Row]] = {}
        for c, k in enumerate(katalog.nyckeltal, start=len(keys)):
            if k.tabell not in tables:
                tables[k.tabell] = {r.kategori: r for r in resultat.tabell(niva, kod, k.tabell)}
            rad = tables[k.tabell].get(k.kategori)
            value = getattr(rad, k.matt) if rad is not None else None
            symbol = withheld_symbol(rad, k.matt) if rad is not None and value is None else None
            if value is not None and k.matt == "medel":
                value = float(value)
            _write_value(ws, i, c, value, symbol, k.matt == "medel", st)
    figure = max(14, min(MAX_NUMBER_WIDTH, longest_word(k.rubrik for k in katalog.nyckeltal) + 2))
    widths = [10, 9, 34, 24] + [figure] * len(katalog.nyckeltal)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_row(header, LINE_HEIGHT * max(word_wrapped_lines(c, w - 2) for c, w in zip(columns, widths)))
    ws.freeze_panes(header + 1, 3)
    ws.repeat_rows(header)
    ws.print_area(0, 0, last, len(columns) - 1)
    _print_setup(ws)


# -- the workbook ----------------------------------------------------------------------------------

def write_isu_workbook(resultat: IsuResults, path) -> None:
    katalog = load_chart_catalogue()
    kodbok = load_codebook()
    texts = sheet_texts(resultat, katalog)
    wb = new_workbook(path, {
        "title": f"{TITEL}: individbaserad systematisk uppföljning",
        "subject": "Tabeller och diagram som i SKR:s sammanställning SU-Kvinnofrid, samtliga och per kommun",
        "author": "ojexcel",
        "keywords": "ISU, våld i nära relationer, socialtjänst, SU-Kvinnofrid",
    })
    cover = CoverStyles(wb)
    for symbol in (MASKERAD, OSAKER):
        cover.sample[symbol] = wb.add_format({"border": 1, "border_color": BORDER, "valign": "top", "align": "center"})
    st = IsuStyles(wb)
    info = wb.add_worksheet(INFORMATION)
    write_information(info, cover, texts[INFORMATION])
    info.set_footer(FOOTER)
    noter = _notes(texts["noter"])
    for blad in katalog.blad:
        _write_chapter(wb, wb.add_worksheet(blad.namn), blad, resultat, katalog, kodbok, texts["kapitel"], noter, st)
    _write_per_kommun(wb.add_worksheet(PER_KOMMUN), resultat, katalog, texts[PER_KOMMUN], st)
    wb.close()

