"""Render a municipality's own sheet (`kommun.Blad`) as an XLSX workbook. Lays out; computes nothing.

Sheet 1 ("Jämförelse"): one row per indicator under its quality area and indicator area, the
unit's value coloured as in the main workbook, the groups' shares (numbers) and Ja counts side by
side, and a legend. Sheet 2 ("Analysguide"): the guide's four steps filled with the unit's results.
Texts come from the templates (`kommun_report_text`); colours and symbols from `styles`.

The layout (`layout`) is a plain list of cells per sheet. Two writers serialise it:

- `write_layout_xlsxwriter` — XlsxWriter, cell by cell. The reference.
- `write_kommun_xlsx` — what the command uses. `ojexcel kommun --all` writes 319 workbooks, and
  XlsxWriter's cell-by-cell path (~15 ms a workbook) alone would take longer than the 3 s budget.
  So XlsxWriter writes, once per column layout, a *frame*: the whole workbook with the same
  formats, column widths, panes and page setup. Each unit's file is that frame with three parts
  replaced: the cells (`<dimension>` + `<sheetData>` of each sheet, serialised here), the shared
  strings and the title in docProps/core.xml. Styles, theme, workbook, relationships and page
  setup are XlsxWriter's own bytes. The tests check that both writers give the same workbook cell
  for cell (value, type, fill, font, row heights, column widths, panes).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from ..io.xlsx_cells import column_letters
from ..io.xlsx_writer import A4, LINE_HEIGHT, new_workbook, wrapped_lines
from ..styles import SUPPRESSED, unit_text
from .kommun_report import ANDEL, HISTORIK, JA_ANTAL, VARDE, KommunSheet
from .kommun_report_text import (
    MARKS,
    PUNKT,
    RUBRIK1,
    RUBRIK2,
    RUBRIK3,
    analysis_guide,
    break_text,
    history_cell,
    ja_text,
    texts,
)
from .rules import VALUE_COLOURS

NAME_WIDTH = 70
GUIDE_WIDTH = 110
COLUMN_WIDTH = {VARDE: 13, ANDEL: 12, JA_ANTAL: 12, HISTORIK: 10}
HEAD_ROWS = 5  # title, indelning, svarsstatus, description, blank
HEADING_HEIGHT = 48


def _formats() -> dict[str, dict]:
    """Every cell format, by name, in a fixed order (the frame's style indices follow it)."""
    f = {
        "titel": {"bold": True, "font_size": 14},
        "text": {"text_wrap": True, "valign": "top"},
        "band": {"bold": True, "bottom": 1},
        "rubrik": {"bold": True, "text_wrap": True, "valign": "bottom", "align": "center", "bottom": 1},
        "rubrik_namn": {"bold": True, "valign": "bottom", "bottom": 1},
        "kvalitetsomrade": {"bold": True, "font_size": 12, "top": 1},
        "indikatoromrade": {"bold": True, "italic": True},
        "namn": {"text_wrap": True, "valign": "top", "indent": 1},
        "cell": {"align": "center", "valign": "top"},
        "andel": {"align": "center", "valign": "top", "num_format": "0"},
        RUBRIK1: {"bold": True, "font_size": 14},
        RUBRIK2: {"bold": True, "font_size": 12},
        RUBRIK3: {"bold": True},
        "li1": {"text_wrap": True, "valign": "top", "indent": 1},
        "li2": {"text_wrap": True, "valign": "top", "indent": 3},
    }
    for value, colour in VALUE_COLOURS.items():
        style = {"bg_color": "#" + colour.fill, "font_color": "#" + colour.font}
        f[value] = {**style, "align": "center", "valign": "top"}  # a unit value
        f[colour.name] = {**style, "text_wrap": True, "valign": "top"}  # its legend line
    # History values not comparable with the year before: the value keeps its type (text or
    # number); the marker is shown by the number format. Added last: earlier indices stay.
    for mark in (m for m in MARKS.values() if m):
        for value in VALUE_COLOURS:
            f[value + mark] = {**f[value], "num_format": f'@" {mark}"'}
        f["cell" + mark] = {**f["cell"], "num_format": f'@" {mark}"'}
        f["andel" + mark] = {**f["andel"], "num_format": f'0" {mark}"'}
    return f


FORMATS = _formats()


# --------------------------------------------------------------------------------------------
# Layout


@dataclass(frozen=True)
class Frame:
    """Everything of a sheet but its cells: the part the fast writer takes from XlsxWriter."""

    name: str
    widths: tuple[float, ...]  # per column from A
    freeze: tuple[int, int] | None = None
    repeat_rows: tuple[int, int] | None = None
    landscape: bool = False


@dataclass
class Sheet:
    frame: Frame
    cells: list[tuple[int, int, str | int, str | None]] = field(default_factory=list)  # row, col, value, format
    heights: dict[int, float] = field(default_factory=dict)  # row -> height in points

    def text(self, row: int, col: int, value: str, fmt: str | None = None) -> None:
        self.cells.append((row, col, value, fmt))


def layout(blad: KommunSheet) -> tuple[str, list[Sheet]]:
    """The workbook's title and its two sheets' cells."""
    t = texts(blad)
    sheets = [_comparison(blad, t), _guide(blad, t)]
    for sheet in sheets:
        _fit_heights(sheet)
    return t.titel, sheets


def _fit_heights(sheet: Sheet) -> None:
    """Give every row with wrapped text the height of its text (Excel and LibreOffice do not grow a
    row for wrapped text written by XlsxWriter: the Analysguide's paragraphs overlapped)."""
    widths = sheet.frame.widths
    for row, col, value, fmt in sheet.cells:
        props = FORMATS.get(fmt) if fmt else None
        if not (props and props.get("text_wrap") and isinstance(value, str) and col < len(widths)):
            continue
        lines = wrapped_lines(value, int(widths[col]) - 2 * props.get("indent", 0))
        if lines > 1:
            sheet.heights[row] = max(sheet.heights.get(row, 0), LINE_HEIGHT * lines)


def _comparison(blad: KommunSheet, t) -> Sheet:
    kolumner = blad.kolumner
    band_row, head_row = HEAD_ROWS, HEAD_ROWS + 1
    ws = Sheet(
        Frame(
            name=t.bladnamn,
            widths=(NAME_WIDTH,) + tuple(COLUMN_WIDTH[k.typ] for k in kolumner),
            freeze=(head_row + 1, 1),
            repeat_rows=(band_row, head_row),
            landscape=True,
        )
    )
    ws.text(0, 0, t.titel, "titel")
    ws.text(1, 0, t.indelning)
    ws.text(2, 0, t.svarsstatus)
    ws.text(3, 0, t.tabell_beskrivning)

    previous = None
    for c, kol in enumerate(kolumner, start=1):
        band = str(t.band(kol))
        if band != previous:
            ws.text(band_row, c, band, "band")
            previous = band
    ws.text(head_row, 0, t.indikator_rubrik, "rubrik_namn")
    for c, kol in enumerate(kolumner, start=1):
        ws.text(head_row, c, str(t.rubrik(kol)), "rubrik")
    ws.heights[head_row] = HEADING_HEIGHT

    typer = [k.typ for k in kolumner]
    cells = ws.cells
    row = head_row + 1
    for kval in blad.kvalitetsomraden:
        cells.append((row, 0, kval.namn, "kvalitetsomrade"))
        row += 1
        for omrade in kval.omraden:
            cells.append((row, 0, omrade.namn, "indikatoromrade"))
            row += 1
            for rad in omrade.rader:
                cells.append((row, 0, rad.indikator.kortnamn, "namn"))
                lines = wrapped_lines(rad.indikator.kortnamn, NAME_WIDTH + 4)
                if lines > 1:
                    ws.heights[row] = LINE_HEIGHT * lines
                for c, (typ, value) in enumerate(zip(typer, rad.celler), start=1):
                    if typ == VARDE:
                        cells.append((row, c, unit_text(value), value if value in VALUE_COLOURS else "cell"))
                    elif typ == ANDEL:
                        cells.append((row, c, SUPPRESSED if value is None else value, "andel"))
                    elif typ == HISTORIK:
                        shown, colour, mark = history_cell(kolumner[c - 1], value)
                        base = colour or ("cell" if shown.__class__ is str and shown != SUPPRESSED else "andel")
                        cells.append((row, c, shown, base + mark))
                    else:
                        cells.append((row, c, ja_text(t, value), "cell"))
                row += 1

    row += 1
    ws.text(row, 0, t.legend_rubrik, RUBRIK3)
    for sample, colour, text in t.legend:
        row += 1
        ws.text(row, 0, f"{sample}: {text}", colour.name if colour else "text")
    if t.historik_ar:
        row += 2
        ws.text(row, 0, t.brott_rubrik, RUBRIK3)
        for b in blad.brott:
            row += 1
            ws.text(row, 0, break_text(t, b), "text")
        if not blad.brott:
            row += 1
            ws.text(row, 0, t.inga_brott, "text")
    ws.text(row + 2, 0, t.kalla)
    return ws


def _guide(blad: KommunSheet, t) -> Sheet:
    ws = Sheet(Frame(name=t.guidenamn, widths=(GUIDE_WIDTH,), landscape=True))  # 110 units fit A4 landscape at 100 %
    for row, stycke in enumerate(analysis_guide(blad, t)):
        if stycke.typ == PUNKT:
            bullet = "•" if stycke.niva == 1 else "–"
            ws.text(row, 0, f"{bullet} {stycke.text}", "li1" if stycke.niva == 1 else "li2")
        elif stycke.typ in (RUBRIK1, RUBRIK2, RUBRIK3):
            ws.text(row, 0, stycke.text, stycke.typ)
        else:
            ws.text(row, 0, stycke.text, "text")
    return ws


# --------------------------------------------------------------------------------------------
# Writer 1: XlsxWriter, cell by cell (the reference; also writes the frames)


def _workbook(target, title: str, frames: tuple[Frame, ...]):
    """An XlsxWriter workbook with the sheets' frames set up; returns (workbook, sheets, formats)."""
    wb = new_workbook(target, {"title": title}, in_memory=True)
    formats = {name: wb.add_format(props) for name, props in FORMATS.items()}
    sheets = []
    for frame in frames:
        ws = wb.add_worksheet(frame.name)
        for c, width in enumerate(frame.widths):
            ws.set_column(c, c, width)
        if frame.freeze:
            ws.freeze_panes(*frame.freeze)
        if frame.repeat_rows:
            ws.repeat_rows(*frame.repeat_rows)
        # Printing: A4, one page wide, the headers (and names) repeated, page numbers and the
        # sheet's name in the footer (the frame is shared by every unit: no unit name here).
        if frame.landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)
        if frame.freeze and frame.freeze[1]:
            ws.repeat_columns(0, frame.freeze[1] - 1)
        ws.set_footer("&L&8&A&R&8Sida &P av &N")
        sheets.append(ws)
    return wb, sheets, formats


def write_layout_xlsxwriter(title: str, sheets: list[Sheet], target) -> None:
    wb, worksheets, formats = _workbook(target, title, tuple(s.frame for s in sheets))
    for sheet, ws in zip(sheets, worksheets):
        for row, height in sheet.heights.items():
            ws.set_row(row, height)
        for row, col, value, fmt in sheet.cells:
            f = formats[fmt] if fmt else None
            if isinstance(value, str):
                ws.write_string(row, col, value, f)
            else:
                ws.write_number(row, col, value, f)
    wb.close()


def write_kommun_xlsx_reference(blad: KommunSheet, path: Path) -> None:
    title, sheets = layout(blad)
    write_layout_xlsxwriter(title, sheets, str(path))


# --------------------------------------------------------------------------------------------
# Writer 2: XlsxWriter's frame, our cells


ZIP_LEVEL = 1  # fastest deflate: the files are small, the run writes 319 of them
TITLE_MARK = "\ue000TITEL\ue000"  # private-use characters: cannot occur in a real title
_SHEET_DATA = re.compile(r"<dimension ref=\"[^\"]*\"/>(.*?)<sheetData>.*?</sheetData>", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
SST_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{unique}">'
)


@dataclass(frozen=True)
class _FrameBook:
    entries: tuple[tuple[str, bytes], ...]  # zip entries in XlsxWriter's order
    sheet_xml: tuple[tuple[str, str, str], ...]  # per sheet: entry name, XML before / after the cells
    style: dict[str | None, str]  # format name -> the cell's style attribute


@cache
def frame_book(frames: tuple[Frame, ...]) -> _FrameBook:
    buffer = io.BytesIO()
    wb, worksheets, formats = _workbook(buffer, TITLE_MARK, frames)
    # Use every format once, in a fixed order, so each gets its style index in every file.
    for n, name in enumerate(FORMATS):
        worksheets[0].write_string(n, 0, name, formats[name])
    for ws in worksheets[1:]:
        ws.write_string(0, 0, "")
    wb.close()
    # Formats with equal properties share one index; only the first one has `xf_index` set.
    xf = {name: f._get_xf_index() for name, f in formats.items()}
    with zipfile.ZipFile(buffer) as z:
        entries = tuple((info.filename, z.read(info)) for info in z.infolist())
    sheet_xml = []
    for n in range(1, len(frames) + 1):
        name = f"xl/worksheets/sheet{n}.xml"
        text = dict(entries)[name].decode("utf-8")
        m = _SHEET_DATA.search(text)
        if m is None:
            raise RuntimeError(f"unexpected XlsxWriter output: no sheetData in {name}")
        sheet_xml.append((name, text[: m.start()] + "<dimension ref=\"{dim}\"/>" + m.group(1), text[m.end() :]))
    style: dict[str | None, str] = {name: f' s="{index}"' for name, index in xf.items()}
    style[None] = ""
    return _FrameBook(entries, tuple(sheet_xml), style)



_COLS = [column_letters(c + 1) for c in range(702)]


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in text:
        text = _ESCAPED.sub(r"_x005F\1", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    return text


def _sheet_data(sheet: Sheet, style: dict[str | None, str], strings: dict[str, int]) -> tuple[str, str, int]:
    """(dimension, <sheetData> XML, string cells) of a sheet; `strings` collects the shared strings.

    `style` maps a format name to its cell attribute (' s="3"'; None -> '')."""
    cols = _COLS
    rows: dict[int, str] = {}
    n_strings = 0
    used_cols: set[int] = set()
    for row, group in groupby(sorted(sheet.cells, key=itemgetter(0, 1)), key=itemgetter(0)):
        r = str(row + 1)
        out = []
        for _, col, value, fmt in group:
            used_cols.add(col)
            if value.__class__ is str:
                index = strings.get(value)
                if index is None:
                    index = strings[value] = len(strings)
                n_strings += 1
                out.append(f'<c r="{cols[col]}{r}"{style[fmt]} t="s"><v>{index}</v></c>')
            else:
                out.append(f'<c r="{cols[col]}{r}"{style[fmt]}><v>{value}</v></c>')
        rows[row] = "".join(out)
    parts = ["<sheetData>"]
    for row in sorted(rows.keys() | sheet.heights.keys()):
        height = sheet.heights.get(row)
        attrs = f' ht="{height:g}" customHeight="1"' if height is not None else ""
        data = rows.get(row)
        parts.append(f'<row r="{row + 1}"{attrs}>{data}</row>' if data else f'<row r="{row + 1}"{attrs}/>')
    parts.append("</sheetData>")
    if not rows:
        return "A1", "".join(parts), 0
    dim = f"{cols[min(used_cols)]}{min(rows) + 1}:{cols[max(used_cols)]}{max(rows) + 1}"
    return dim, "".join(parts), n_strings


def write_layout_fast(title: str, sheets: list[Sheet], target) -> None:
    book = frame_book(tuple(s.frame for s in sheets))
    strings: dict[str, int] = {}
    replaced: dict[str, bytes] = {}
    count = 0
    for sheet, (name, before, after) in zip(sheets, book.sheet_xml):
        dim, data, n = _sheet_data(sheet, book.style, strings)
        count += n
        replaced[name] = (before.replace("{dim}", dim, 1) + data + after).encode("utf-8")
    sst = [SST_HEAD.format(count=count, unique=len(strings))]
    for text in strings:
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        sst.append(f"<si><t{space}>{_escape(text)}</t></si>")
    sst.append("</sst>")
    replaced["xl/sharedStrings.xml"] = "".join(sst).encode("utf-8")

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as z:
        for name, data in book.entries:
            if name == "docProps/core.xml":
                data = data.replace(TITLE_MARK.encode("utf-8"), _escape(title).encode("utf-8"))
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # the same bytes on every platform
            info.external_attr = 0o600 << 16
            z.writestr(info, replaced.get(name, data), compresslevel=ZIP_LEVEL)


def write_kommun_xlsx(blad: KommunSheet, path: Path) -> None:
    title, sheets = layout(blad)
    write_layout_fast(title, sheets, str(path))
