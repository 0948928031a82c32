"""Render Results as the published workbook. The renderer lays out computed results; it computes nothing.

The sheets, their headers and what each cell holds are described in `workbook_layout.py` (the
contract `workbook_read.py` reads back); the texts come from `templates/arbetsbok.txt.j2`; colours
and symbols from `styles.py`.

Design choices:

* No merged cells anywhere. The header bands above the indicator columns (kvalitetsdimension –
  kvalitetsområde, indikatorområde) are written once per band in its first column with Excel's
  "centre across selection" alignment over the band's other (blank) columns: they look like the
  published merged bands, but sorting, filtering, copying a column and screen readers are never
  tripped up by a merge, and pandas' multi-row headers forward-fill them.
* Every data row carries all its keys (län, länskod, kommungrupp, SKL-grupp, nivå, kod, namn), so
  any sort or filter keeps rows whole. The big cities' share rows are marked Nivå = Storstad.
* Aggregates are in long format (one row per group × indicator) with the share and every count
  behind it, so a statistician can filter on an indicator to compare groups, or on a group to see
  all its indicators, and pivot freely.
* Colours are static cell fills in Excel's Good/Neutral/Bad palette; the text always says the
  value. Every text is written with `write_string`, so nothing ever becomes a formula.
* Byte-reproducible: a fixed creation date, deterministic order; one Format per distinct style.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .aggregate import SUPPRESSION_PERCENT
from .population import KOMMUNGRUPP_NAMN, NIVA_RIKET, NIVA_STORSTAD
from .results import GroupResult, Results
from .rules import EJ_AKTUELLT
from .styles import (
    BORTFALL,
    BORTFALL_MEANING,
    SUPPRESSED,
    SUPPRESSED_MEANING,
    VALUE_COLOURS,
    unit_text,
)
from .svarsfrekvens import response_counts
from .templating import render
from .xlsx_writer import LINE_HEIGHT, new_workbook, wrapped_lines
from . import workbook_layout as L


TEMPLATE = "arbetsbok.txt.j2"
SECTION = re.compile(r"=== (.+) ===")
SAMPLE_CELL = re.compile(r"\[(.+?)\] (.*)")

BORDER = "#BFBFBF"
HEADER_FILL = "#DDEBF7"


# -- texts -----------------------------------------------------------------------------------------

def _is_embedded_sample(results: Results) -> bool:
    from .pipeline import sample_path

    try:
        return Path(results.source).resolve() == sample_path(results.year).resolve()
    except (FileNotFoundError, OSError):
        return False


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ojexcel")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "okänd version"


def sheet_texts(results: Results) -> dict[str, list[str]]:
    """The template's text, rendered, as lines per sheet name."""
    from .granskning_sheet import sheet_texts as granskning_texts
    riket = response_counts(results, (NIVA_RIKET,))[0]
    text = render(
        TEMPLATE,
        titel=results.catalogue.title or f"Öppna jämförelser {results.year} – Våld i nära relationer",
        ar=results.year,
        indatafil=Path(results.source).name,
        syntetisk=_is_embedded_sample(results),
        enheter=riket.enheter,
        besvarat=riket.besvarat,
        besvarat_andel=riket.andel,
        besvarat_vinr=riket.besvarat_vinr,
        besvarat_vinr_andel=riket.andel_vinr,
        antal_indikatorer=len(results.catalogue),
        granskning=len(results.granskning),
        granskning_blad=granskning_texts().sheet,
        version=_version(),
        farger=[(value, colour.meaning) for value, colour in VALUE_COLOURS.items()],
        bortfall=BORTFALL,
        bortfall_betydelse=BORTFALL_MEANING,
        undertryckt=SUPPRESSED,
        undertryckt_betydelse=SUPPRESSED_MEANING,
        undertryckning=SUPPRESSION_PERCENT,
        kommungrupper=list(KOMMUNGRUPP_NAMN.items()),
        skl_grupper=list(results.population.skl_groups.items()),
        blad={
            "information": L.SHEET_INFORMATION,
            "enheter": L.SHEET_ENHETER,
            "lan": L.SHEET_LAN,
            "grupper": L.SHEET_GRUPPER,
            "svarsfrekvens": L.SHEET_SVARSFREKVENS,
            "indikatorer": L.SHEET_INDIKATORER,
        },
    )
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        m = SECTION.fullmatch(line.strip())
        if m:
            current = sections.setdefault(m.group(1), [])
        elif current is not None:
            current.append(line.rstrip())
    missing = [s for s in L.SHEETS if s not in sections]
    if missing:
        raise ValueError(f"{TEMPLATE}: no section for sheet(s) {', '.join(missing)}")
    return sections


# -- formats ---------------------------------------------------------------------------------------

class Styles:
    """Every Format the workbook uses, created once (XlsxWriter formats are workbook-level)."""

    def __init__(self, wb) -> None:
        cell = {"border": 1, "border_color": BORDER, "valign": "top"}
        centre = cell | {"align": "center"}
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.subtitle = wb.add_format({"font_size": 12})
        self.heading = wb.add_format({"bold": True, "font_size": 12})
        self.note = wb.add_format({})
        self.label = wb.add_format({"bold": True, "valign": "top", "text_wrap": True})
        self.paragraph = wb.add_format({"text_wrap": True, "valign": "top"})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1, "valign": "top"})
        head = cell | {"bold": True, "bg_color": HEADER_FILL, "text_wrap": True}
        self.header = wb.add_format(head)
        self.header_right = wb.add_format(head | {"align": "right"})
        band = head | {"align": "center_across", "valign": "vcenter"}
        self.band = wb.add_format(band)
        self.band_start = wb.add_format(band | {"left": 2, "left_color": "#000000"})
        self.ids = wb.add_format(cell | {"font_size": 8, "font_color": "#595959", "bg_color": HEADER_FILL, "text_wrap": True})
        self.ids_label = wb.add_format(cell | {"font_size": 8, "bold": True, "bg_color": HEADER_FILL, "align": "right"})
        # Data cells; the `_bold` twins mark the big cities' share rows.
        self.text = wb.add_format(cell)
        self.text_bold = wb.add_format(cell | {"bold": True})
        self.text_wrap = wb.add_format(cell | {"text_wrap": True})
        self.integer = wb.add_format(cell | {"num_format": "0"})
        self.integer_bold = wb.add_format(cell | {"num_format": "0", "bold": True})
        self.share = wb.add_format(centre | {"num_format": "0"})
        self.share_bold = wb.add_format(centre | {"num_format": "0", "bold": True})
        self.suppressed = wb.add_format(centre)
        self.suppressed_bold = wb.add_format(centre | {"bold": True})
        # Unit values: Ja/Delvis/Nej in their colours; Ej aktuellt and bortfall without fill.
        plain_value = wb.add_format(centre)
        self.value = {
            value: wb.add_format(centre | {"bg_color": "#" + c.fill, "font_color": "#" + c.font})
            for value, c in VALUE_COLOURS.items()
        }
        self.value[EJ_AKTUELLT] = plain_value
        self.value[None] = plain_value  # bortfall
        # Sample cells on the cover sheet, by the text they show.
        self.sample = {value: fmt for value, fmt in self.value.items() if value is not None}
        self.sample[BORTFALL] = plain_value
        self.sample[SUPPRESSED] = self.suppressed


# -- sheets ----------------------------------------------------------------------------------------

def _write_heading(ws, st: Styles, lines: list[str]) -> int:
    """A data sheet's title and notes from its template section; returns the first free row."""
    lines = [line for line in lines if line.strip()]
    ws.write_string(0, 0, lines[0], st.title)
    for r, line in enumerate(lines[1:], start=1):
        ws.write_string(r, 0, line, st.note)
    return len(lines) + 1  # one empty row before the table


INFO_LABEL_WIDTH = 42
INFO_TEXT_WIDTH = 110


def _fit_row_height(ws, r: int, line: str) -> None:
    """Give a wrapped cover-sheet row the height of its text. Excel and LibreOffice do not grow a
    row for wrapped text written by XlsxWriter, so long paragraphs would overlap the next row."""
    label, sep, text = line.partition(" | ")
    if not sep:
        label, text = "", line
    lines = max(wrapped_lines(text, INFO_TEXT_WIDTH - 16), wrapped_lines(label, INFO_LABEL_WIDTH - 10))
    if lines > 1:
        ws.set_row(r, LINE_HEIGHT * lines)


def _write_information(ws, st: Styles, lines: list[str]) -> None:
    ws.hide_gridlines(2)
    ws.set_column(0, 0, INFO_LABEL_WIDTH)
    ws.set_column(1, 1, INFO_TEXT_WIDTH)
    # Drop leading and doubled empty lines.
    rows: list[str] = []
    for line in lines:
        if line.strip() or (rows and rows[-1].strip()):
            rows.append(line)
    for r, line in enumerate(rows):
        if not line.strip():
            continue
        _fit_row_height(ws, r, line)
        if line.startswith("## "):
            ws.write_string(r, 0, line[3:], st.heading)
        elif line.startswith("### "):
            ws.write_string(r, 0, line[4:], st.subtitle)
        elif line.startswith("# "):
            ws.write_string(r, 0, line[2:], st.title)
        elif line.startswith("> "):
            sheet, _, text = line[2:].partition(" | ")
            ws.write_url(r, 0, f"internal:'{sheet}'!A1", st.link, sheet)
            ws.write_string(r, 1, text, st.paragraph)
        elif (m := SAMPLE_CELL.fullmatch(line)) and m.group(1) in st.sample:
            ws.write_string(r, 0, m.group(1), st.sample[m.group(1)])
            ws.write_string(r, 1, m.group(2), st.paragraph)
        elif " | " in line:
            label, _, text = line.partition(" | ")
            ws.write_string(r, 0, label, st.label)
            ws.write_string(r, 1, text, st.paragraph)
        else:
            ws.write_string(r, 1, line, st.paragraph)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.activate()


@dataclass(frozen=True)
class _Band:
    text: str
    start: bool


def _bands(texts: list[str]) -> list[_Band]:
    """Each column's band text, and whether a new band starts there."""
    out, prev = [], None
    for t in texts:
        out.append(_Band(t, t != prev))
        prev = t
    return out


def _write_units(ws, st: Styles, results: Results, lines: list[str]) -> None:
    cat = results.catalogue
    first = len(L.UNIT_KEY_COLUMNS)  # first indicator column
    namn_col = first - 1
    last_col = first + len(cat) - 1
    band1 = _write_heading(ws, st, lines)
    band2, id_row, header = band1 + 1, band1 + 2, band1 + 3

    for r, label in ((band1, L.LABEL_BAND_OMRADE), (band2, L.LABEL_BAND_INDIKATOROMRADE)):
        for c in range(namn_col):
            ws.write_blank(r, c, None, st.header)
        ws.write_string(r, namn_col, label, st.header_right)
    for c in range(namn_col):
        ws.write_blank(id_row, c, None, st.ids_label)
    ws.write_string(id_row, namn_col, L.LABEL_ID, st.ids_label)
    for c, label in enumerate(L.UNIT_KEY_COLUMNS):
        ws.write_string(header, c, label, st.header)

    omraden = _bands([f"{i.kvalitetsdimension} – {i.kvalitetsomrade}" for i in cat])
    indikatoromraden = _bands([f"{i.kvalitetsdimension}\t{i.kvalitetsomrade}\t{i.indikatoromrade}" for i in cat])
    for c, (ind, b1, b2) in enumerate(zip(cat, omraden, indikatoromraden), start=first):
        for r, b, text in ((band1, b1, b1.text), (band2, b2, ind.indikatoromrade)):
            if b.start:
                ws.write_string(r, c, text, st.band_start)
            else:
                ws.write_blank(r, c, None, st.band)
        ws.write_string(id_row, c, ind.id, st.ids)
        ws.write_string(header, c, ind.kortnamn, st.header)

    cities: dict[str, GroupResult] = {g.group.kod: g for g in results.groups_at(NIVA_STORSTAD)}
    r = header
    for unit in results.population.units:
        if unit.stad in cities:
            city = cities.pop(unit.stad)
            r += 1
            keys = (unit.lan, unit.lanskod, unit.kommungrupp, unit.skl_kod, unit.skl_namn,
                    L.NIVA_LABELS[NIVA_STORSTAD], city.group.kod, city.group.namn)
            _write_keys(ws, r, keys, st.text_bold, st.integer_bold)
            for c, agg in enumerate(city.aggregates, start=first):
                if agg.andel is None:
                    ws.write_string(r, c, SUPPRESSED, st.suppressed_bold)
                else:
                    ws.write_number(r, c, agg.andel, st.share_bold)
        r += 1
        niva = L.NIVA_STADSDEL_LABEL if unit.is_district else L.NIVA_KOMMUN_LABEL
        keys = (unit.lan, unit.lanskod, unit.kommungrupp, unit.skl_kod, unit.skl_namn, niva, unit.kod, unit.fullnamn)
        _write_keys(ws, r, keys, st.text, st.integer)
        for c, value in enumerate(results.unit_values[unit.kod], start=first):
            ws.write_string(r, c, unit_text(value), st.value[value])

    widths = (18, 8, 13, 9, 26, 10, 9, 30)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_column(first, last_col, 16)
    ws.set_row(band1, 48)
    ws.set_row(band2, 48)
    longest = max(len(i.kortnamn) for i in cat)
    ws.set_row(header, min(409, 15 * (2 + longest // 14)))
    ws.freeze_panes(header + 1, first)
    ws.autofilter(header, 0, r, last_col)
    ws.repeat_rows(band1, header)
    ws.set_landscape()
    ws.set_paper(9)


def _write_keys(ws, r: int, keys: tuple, text_fmt, int_fmt) -> None:
    for c, key in enumerate(keys):
        if isinstance(key, int):
            ws.write_number(r, c, key, int_fmt)
        else:
            ws.write_string(r, c, key, text_fmt)


def _write_groups(ws, st: Styles, results: Results, lines: list[str], levels: tuple[str, ...]) -> None:
    header = _write_heading(ws, st, lines)
    for c, label in enumerate(L.GROUP_COLUMNS):
        ws.write_string(header, c, label, st.header)
    cat = results.catalogue
    r = header
    for niva in levels:
        label = L.NIVA_LABELS[niva]
        for gr in results.groups_at(niva):
            g = gr.group
            for ind, agg in zip(cat, gr.aggregates):
                r += 1
                ws.write_string(r, 0, label, st.text)
                ws.write_string(r, 1, g.kod, st.text)
                ws.write_string(r, 2, g.namn, st.text)
                ws.write_number(r, 3, ind.ordning, st.integer)
                ws.write_string(r, 4, ind.id, st.text)
                ws.write_string(r, 5, ind.kortnamn, st.text)
                if agg.andel is None:
                    ws.write_string(r, 6, SUPPRESSED, st.suppressed)
                else:
                    ws.write_number(r, 6, agg.andel, st.share)
                counts = (agg.ja, agg.delvis, agg.nej, agg.ej_aktuellt, agg.bortfall, agg.denominator, agg.enheter)
                for c, n in enumerate(counts, start=7):
                    ws.write_number(r, c, n, st.integer)
                ws.write_string(r, 14, ind.kvalitetsdimension, st.text)
                ws.write_string(r, 15, ind.kvalitetsomrade, st.text)
                ws.write_string(r, 16, ind.indikatoromrade, st.text)
    widths = (12, 6, 28, 5, 30, 60, 9, 7, 7, 7, 9, 9, 9, 9, 18, 26, 40)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_row(header, 32)
    ws.freeze_panes(header + 1, 3)
    ws.autofilter(header, 0, r, len(L.GROUP_COLUMNS) - 1)
    ws.repeat_rows(header)
    ws.set_landscape()
    ws.set_paper(9)


def _write_responses(ws, st: Styles, results: Results, lines: list[str]) -> None:
    header = _write_heading(ws, st, lines)
    for c, label in enumerate(L.RESPONSE_COLUMNS):
        ws.write_string(header, c, label, st.header)
    r = header
    for rc in response_counts(results, L.RESPONSE_LEVELS):
        r += 1
        ws.write_string(r, 0, L.NIVA_LABELS[rc.group.niva], st.text)
        ws.write_string(r, 1, rc.group.kod, st.text)
        ws.write_string(r, 2, rc.group.namn, st.text)
        for c, n in enumerate((rc.enheter, rc.besvarat, rc.andel, rc.besvarat_vinr, rc.andel_vinr), start=3):
            ws.write_number(r, c, n, st.integer)
    for c, w in enumerate((12, 6, 28, 10, 12, 14, 16, 18)):
        ws.set_column(c, c, w)
    ws.set_row(header, 48)
    ws.freeze_panes(header + 1, 3)
    ws.autofilter(header, 0, r, len(L.RESPONSE_COLUMNS) - 1)


def _meta_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    return str(value)


DEL_NAMN = {"G": "Gemensam del", "V": "Våld i nära relationer"}
INDICATOR_WIDTHS = (5, 30, 45, 45, 45, 12, 16, 24, 30, 45, 18, 14, 60, 60, 16, 40)


def _write_indicators(ws, st: Styles, results: Results, lines: list[str]) -> None:
    header = _write_heading(ws, st, lines)
    for c, label in enumerate(L.INDICATOR_COLUMNS):
        ws.write_string(header, c, label, st.header)
    r = header
    for ind in results.catalogue:
        r += 1
        ws.write_number(r, 0, ind.ordning, st.integer)
        cells = (
            ind.id,
            ind.kortnamn,
            _meta_text(ind.meta("namn")),
            _meta_text(ind.meta("matt")),
            _meta_text(ind.meta("indikatortyp")),
            ind.kvalitetsdimension,
            ind.kvalitetsomrade,
            ind.indikatoromrade,
            _meta_text(ind.meta("malvarde")),
            ind.skala,
            DEL_NAMN.get(ind.del_, ind.del_),
            _meta_text(ind.meta("enkatfragor")),
            ind.regel,
            _meta_text(ind.meta("jamforbarhet")),
            _meta_text(ind.meta("jamforbarhet_not")),
        )
        for c, text in enumerate(cells, start=1):
            ws.write_string(r, c, text, st.text_wrap)
        lines = max(wrapped_lines(text, width) for text, width in zip(cells, INDICATOR_WIDTHS[1:]))
        if lines > 1:
            ws.set_row(r, LINE_HEIGHT * lines)
    for c, w in enumerate(INDICATOR_WIDTHS):
        ws.set_column(c, c, w)
    ws.freeze_panes(header + 1, 3)
    ws.autofilter(header, 0, r, len(L.INDICATOR_COLUMNS) - 1)
    ws.set_landscape()
    ws.set_paper(9)


# -- the workbook ----------------------------------------------------------------------------------

def write_workbook(results: Results, path: Path) -> None:
    from .granskning_sheet import write_granskning_sheet

    texts = sheet_texts(results)
    wb = new_workbook(
        path,
        {
            "title": results.catalogue.title,
            "subject": f"Öppna jämförelser {results.year}: resultat för kommuner, stadsdelar, län och riket",
            "author": "ojexcel",
            "keywords": "öppna jämförelser, våld i nära relationer, socialtjänst",
        },
    )
    st = Styles(wb)
    _write_information(wb.add_worksheet(L.SHEET_INFORMATION), st, texts[L.SHEET_INFORMATION])
    _write_units(wb.add_worksheet(L.SHEET_ENHETER), st, results, texts[L.SHEET_ENHETER])
    for sheet, levels in L.GROUP_SHEET_LEVELS.items():
        _write_groups(wb.add_worksheet(sheet), st, results, texts[sheet], levels)
    _write_responses(wb.add_worksheet(L.SHEET_SVARSFREKVENS), st, results, texts[L.SHEET_SVARSFREKVENS])
    _write_indicators(wb.add_worksheet(L.SHEET_INDIKATORER), st, results, texts[L.SHEET_INDIKATORER])
    write_granskning_sheet(wb, results, {"header": st.header, "text": st.text})
    wb.close()
