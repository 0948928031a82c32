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
* Each data table is a named Excel table (its own autofilter, no table style); the unit sheet's
  frozen margin holds the narrow keys and its column headers are the catalogue's short `rubrik`
  (full name in the cell's note), so a laptop screen shows 15+ rows × 6 indicators (README).
* Every sheet is set up for A4 printing (`xlsx_writer.print_setup`).
* Byte-reproducible: a fixed creation date, deterministic order; one Format per distinct style.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..io.cover_sheet import (
    CoverStyles,
    package_version,
    template_sections,
    write_information,
)
from ..io.templating import render
from ..io.xlsx_writer import LINE_HEIGHT, new_workbook, print_setup, wrapped_lines
from ..population import NIVA_RIKET, NIVA_STORSTAD
from ..styles import (
    BORDER,
    BORTFALL,
    BORTFALL_MEANING,
    HEADER_FILL,
    SUPPRESSED,
    SUPPRESSED_MEANING,
    unit_text,
)
from . import workbook_layout as L
from .response_counts import response_counts
from .results import GroupResult, Results
from .rules import EJ_AKTUELLT, VALUE_COLOURS

TEMPLATE = "arbetsbok.txt.j2"


# -- texts -----------------------------------------------------------------------------------------

def _is_embedded_sample(results: Results) -> bool:
    from .compilation import sample_path

    try:
        return Path(results.source).resolve() == sample_path(results.year).resolve()
    except (FileNotFoundError, OSError):
        return False


NUMBER_WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv")


def number_word(n: int) -> str:
    """A small count in Swedish words ("fem kommungrupperna"), a larger one in digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def swedish_list(names: list[str]) -> str:
    """"Stockholm, Göteborg och Malmö"."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " och " + names[-1]


def population_texts(results: Results) -> dict[str, str]:
    """The words about the year's population: which cities answer per district (and the
    kommungrupp they share), and its groups (D144)."""
    pop = results.population
    cities = [pop.municipalities[c] for c in pop.cities]
    grupper = {d.kommungrupp for c in pop.cities for d in pop.districts_of(c)}
    numbers = list(pop.kommungrupper)
    return {
        "storstader": swedish_list(cities),
        "storstadernas_kommungrupp": f" ({grupper.pop()})" if len(grupper) == 1 else "",
        "antal_kommungrupper": number_word(len(pop.kommungrupper)),
        "antal_skl_grupper": number_word(len(pop.skl_groups)),
        "kommungrupp_spann": f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else "".join(map(str, numbers)),
    }


def sheet_texts(results: Results) -> dict[str, list[str]]:
    """The template's text, rendered, as lines per sheet name."""
    from .granskning_sheet import sheet_texts as granskning_texts
    riket = response_counts(results, (NIVA_RIKET,))[0]
    arsgang = results.arsgang
    text = render(
        TEMPLATE,
        titel=results.catalogue.title or f"Öppna jämförelser {results.year} – Våld i nära relationer",
        kalla=arsgang.texts.kalla,
        noter=arsgang.texts.noter,
        **population_texts(results),
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
        version=package_version(),
        farger=[(value, colour.meaning) for value, colour in VALUE_COLOURS.items()],
        bortfall=BORTFALL,
        bortfall_betydelse=BORTFALL_MEANING,
        undertryckt=SUPPRESSED,
        undertryckt_betydelse=SUPPRESSED_MEANING,
        undertryckning=arsgang.undertryckning,
        kommungrupper=list(results.population.kommungrupper.items()),
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
    sections = template_sections(text)
    missing = [s for s in L.SHEETS if s not in sections]
    if missing:
        raise ValueError(f"{TEMPLATE}: no section for sheet(s) {', '.join(missing)}")
    return sections


# -- formats ---------------------------------------------------------------------------------------

class Styles(CoverStyles):
    """Every Format the workbook uses, created once (XlsxWriter formats are workbook-level)."""

    def __init__(self, wb) -> None:
        super().__init__(wb)
        cell = {"border": 1, "border_color": BORDER, "valign": "top"}
        centre = cell | {"align": "center"}
        head = cell | {"bold": True, "bg_color": HEADER_FILL, "text_wrap": True}
        self.header = wb.add_format(head)
        self.header_right = wb.add_format(head | {"align": "right"})
        band = head | {"align": "center_across", "valign": "vcenter"}
        self.ids = wb.add_format(cell | {"font_size": 8, "font_color": "#595959", "bg_color": HEADER_FILL, "text_wrap": True})
        self.ids_label = wb.add_format(cell | {"font_size": 8, "bold": True, "bg_color": HEADER_FILL, "align": "right"})
        # The unit sheet's compact header block: 9 pt, words never broken (columns sized for them).
        small = {"font_size": 9}
        self.small_note = wb.add_format(small)
        self.header_small = wb.add_format(head | small | {"valign": "bottom"})
        self.band_label = wb.add_format(head | small | {"align": "right", "valign": "vcenter", "text_wrap": False})
        self.band = wb.add_format(band | small)
        self.band_start = wb.add_format(band | small | {"left": 2, "left_color": "#000000", "text_wrap": True})
        self.name = wb.add_format(cell | {"text_wrap": True})
        self.name_bold = wb.add_format(cell | {"text_wrap": True, "bold": True})
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


# The unit sheet's geometry. Measured targets (README, *The workbook on screen and paper*): the
# frozen header block at most 130 pt, the frozen key columns at most 75 character units, so that a
# 1366×768 screen shows at least 15 unit rows and 6 indicator columns.
UNIT_KEY_WIDTHS = {  # character units; XlsxWriter adds 0.71 per column
    L.COL_LANSKOD: 6.5, L.COL_KOMMUNGRUPP: 10.5, L.COL_SKL: 8, L.COL_NIVA: 8, L.COL_KOD: 8, L.COL_NAMN: 28,
    L.COL_LAN: 20, L.COL_SKL_NAMN: 30,
}
INDICATOR_WIDTH = 13
TITLE_HEIGHT = 18
NOTE_HEIGHT = 13
BAND1_HEIGHT = 13  # one line of 9 pt
BAND2_HEIGHT = 36  # three lines of 9 pt
HEADER_HEIGHT = 48  # four lines of 9 pt
SMALL_LINE = 12  # points: one line of 9 pt text
HEADER_CHARS_PER_LINE = 15  # 9 pt characters on one line of an indicator column (estimate; LibreOffice checks it)
HEADER_LINES = HEADER_HEIGHT // SMALL_LINE
NAME_CHARS = 30  # a name longer than this wraps (at a space or dash) onto a second line


def header_block_height() -> int:
    """The frozen header block of the unit sheet, in points (the id row is hidden)."""
    return TITLE_HEIGHT + NOTE_HEIGHT + BAND1_HEIGHT + BAND2_HEIGHT + HEADER_HEIGHT


def frozen_key_width() -> float:
    """The frozen key columns' width in character units, as Excel stores it."""
    return sum(UNIT_KEY_WIDTHS[c] + 0.71 for c in L.UNIT_FROZEN_COLUMNS)


def _band1_text(dimension: str, omrade: str, columns: int) -> str:
    """"Dimension – område" where it fits the band's columns on one line, else the område alone."""
    full = f"{dimension} – {omrade}"
    return full if len(full) <= columns * HEADER_CHARS_PER_LINE else omrade


def _header_note(ind) -> str:
    return f"{ind.kortnamn}\n\nId: {ind.id}. Indikatorns namn, mått och regel: bladet {L.SHEET_INDIKATORER}."


def _write_units(ws, st: Styles, results: Results, lines: list[str]) -> None:
    cat = results.catalogue
    frozen, trailing = L.UNIT_FROZEN_COLUMNS, L.UNIT_TRAILING_COLUMNS
    first = len(frozen)  # first indicator column
    namn_col = first - 1
    last_ind = first + len(cat) - 1
    last_col = last_ind + len(trailing)
    col_of = {label: c for c, label in enumerate(frozen)} | {
        label: last_ind + 1 + i for i, label in enumerate(trailing)
    }
    lines = [line for line in lines if line.strip()]
    ws.write_string(0, 0, lines[0], st.title)
    ws.write_string(1, 0, " ".join(lines[1:]), st.small_note)
    band1, band2, id_row, header = 2, 3, 4, 5

    for r, label in ((band1, L.LABEL_BAND_OMRADE), (band2, L.LABEL_BAND_INDIKATOROMRADE)):
        for c in range(namn_col):
            ws.write_blank(r, c, None, st.band_label)
        ws.write_string(r, namn_col, label, st.band_label)
    for c in range(namn_col):
        ws.write_blank(id_row, c, None, st.ids_label)
    ws.write_string(id_row, namn_col, L.LABEL_ID, st.ids_label)

    omraden = _bands([f"{i.kvalitetsdimension}\t{i.kvalitetsomrade}" for i in cat])
    span: dict[int, int] = {}
    start = 0
    for c, b in enumerate(omraden):
        if b.start:
            start = c
        span[start] = span.get(start, 0) + 1
    indicator_areas = _bands([f"{i.kvalitetsdimension}\t{i.kvalitetsomrade}\t{i.indikatoromrade}" for i in cat])
    for j, (ind, b1, b2) in enumerate(zip(cat, omraden, indicator_areas)):
        c = first + j
        texts = ((band1, b1, _band1_text(ind.kvalitetsdimension, ind.kvalitetsomrade, span.get(j, 1))),
                 (band2, b2, ind.indikatoromrade))
        for r, b, text in texts:
            if b.start:
                ws.write_string(r, c, text, st.band_start)
            else:
                ws.write_blank(r, c, None, st.band)
        ws.write_string(id_row, c, ind.id, st.ids)
    for r in (band1, band2, id_row):
        for label in trailing:
            ws.write_blank(r, col_of[label], None, st.band_label)

    cities: dict[str, GroupResult] = {g.group.kod: g for g in results.groups_at(NIVA_STORSTAD)}
    r = header
    for unit in results.population.units:
        if unit.stad in cities:
            city = cities.pop(unit.stad)
            r += 1
            keys = {L.COL_LAN: unit.lan, L.COL_LANSKOD: unit.lanskod, L.COL_KOMMUNGRUPP: unit.kommungrupp,
                    L.COL_SKL: unit.skl_kod, L.COL_SKL_NAMN: unit.skl_namn, L.COL_NIVA: L.NIVA_LABELS[NIVA_STORSTAD],
                    L.COL_KOD: city.group.kod, L.COL_NAMN: city.group.namn}
            _write_keys(ws, r, keys, col_of, st.text_bold, st.integer_bold, st.name_bold)
            for c, agg in enumerate(city.aggregates, start=first):
                if agg.andel is None:
                    ws.write_string(r, c, SUPPRESSED, st.suppressed_bold)
                else:
                    ws.write_number(r, c, agg.andel, st.share_bold)
        r += 1
        niva = L.NIVA_STADSDEL_LABEL if unit.is_district else L.NIVA_KOMMUN_LABEL
        keys = {L.COL_LAN: unit.lan, L.COL_LANSKOD: unit.lanskod, L.COL_KOMMUNGRUPP: unit.kommungrupp,
                L.COL_SKL: unit.skl_kod, L.COL_SKL_NAMN: unit.skl_namn, L.COL_NIVA: niva,
                L.COL_KOD: unit.kod, L.COL_NAMN: unit.full_name}
        _write_keys(ws, r, keys, col_of, st.text, st.integer, st.name)
        if len(unit.full_name) > NAME_CHARS:
            ws.set_row(r, 2 * LINE_HEIGHT)
        for c, value in enumerate(results.unit_values[unit.kod], start=first):
            ws.write_string(r, c, unit_text(value), st.value[value])

    columns = [None] * (last_col + 1)
    for label, c in col_of.items():
        columns[c] = {"header": label, "header_format": st.header_small}
    for j, ind in enumerate(cat):
        columns[first + j] = {"header": ind.rubrik, "header_format": st.header_small}
    _add_table(ws, L.SHEET_ENHETER, header, r, columns,
               "Resultat per kommun och stadsdel: en rad per enhet, en kolumn per indikator")
    for j, ind in enumerate(cat):
        ws.write_comment(header, first + j, _header_note(ind),
                         {"author": "ojexcel", "x_scale": 2.2, "y_scale": 1.4, "font_size": 9})
    for label, c in col_of.items():
        ws.set_column(c, c, UNIT_KEY_WIDTHS[label])
    ws.set_column(first, last_ind, INDICATOR_WIDTH)
    ws.set_row(0, TITLE_HEIGHT)
    ws.set_row(1, NOTE_HEIGHT)
    ws.set_row(band1, BAND1_HEIGHT)
    ws.set_row(band2, BAND2_HEIGHT)
    ws.set_row(id_row, None, None, {"hidden": True})
    ws.set_row(header, HEADER_HEIGHT)
    ws.freeze_panes(header + 1, first)
    print_setup(ws, title=results.catalogue.title, header_rows=(band1, header), key_columns=(0, namn_col),
                width=frozen_key_width() + len(cat) * (INDICATOR_WIDTH + 0.71))


def _add_table(ws, sheet: str, header: int, last_row: int, columns: list[dict], description: str) -> None:
    """The sheet's data as an Excel table named per the layout contract. A table brings its own
    autofilter; it has no style, so the cells keep their own formats (colours, bold city rows)."""
    ws.add_table(header, 0, max(last_row, header + 1), len(columns) - 1, {
        "name": L.TABLE_NAMES[sheet],
        "columns": columns,
        "style": None,
        "banded_rows": False,
        "description": description,
    })


def _write_keys(ws, r: int, keys: dict, col_of: dict, text_fmt, int_fmt, name_fmt) -> None:
    for label, key in keys.items():
        c = col_of[label]
        if isinstance(key, int):
            ws.write_number(r, c, key, int_fmt)
        else:
            ws.write_string(r, c, key, name_fmt if label == L.COL_NAMN else text_fmt)


GROUP_WIDTHS = (11, 6, 39, 5, 36, 42, 8, 6, 7, 6, 8, 8, 8, 8, 16, 26, 36, 60)
GROUP_KEY_COLUMNS = 3  # Nivå, Kod, Namn: frozen on screen
# Repeated on every printed page: the keys and the indicator (Nr, Indikator-id, Indikator), so a page
# of counts carried over to the right still says which group and indicator each row is.
GROUP_PRINT_KEYS = 6


def _write_groups(ws, st: Styles, results: Results, lines: list[str], levels: tuple[str, ...], sheet: str) -> None:
    header = _write_heading(ws, st, lines)
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
                ws.write_string(r, 5, ind.rubrik, st.text)
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
                ws.write_string(r, 17, ind.kortnamn, st.text)
    _add_table(ws, sheet, header, r, [{"header": label, "header_format": st.header} for label in L.GROUP_COLUMNS],
               f"{sheet}: en rad per grupp och indikator, med andel Ja och antalen bakom")
    for c, w in enumerate(GROUP_WIDTHS):
        ws.set_column(c, c, w)
    ws.set_row(header, 32)
    ws.freeze_panes(header + 1, GROUP_KEY_COLUMNS)
    print_setup(ws, title=results.catalogue.title, header_rows=(header, header),
                key_columns=(0, GROUP_PRINT_KEYS - 1), width=sum(GROUP_WIDTHS[:14]) + 14 * 0.71)
    # Printed: the table up to Antal enheter; the describing columns are for filtering on screen.
    ws.print_area(0, 0, r, 13)


RESPONSE_WIDTHS = (12, 6, 28, 10, 12, 14, 16, 18)


def _write_responses(ws, st: Styles, results: Results, lines: list[str]) -> None:
    header = _write_heading(ws, st, lines)
    r = header
    for rc in response_counts(results, L.RESPONSE_LEVELS):
        r += 1
        ws.write_string(r, 0, L.NIVA_LABELS[rc.group.niva], st.text)
        ws.write_string(r, 1, rc.group.kod, st.text)
        ws.write_string(r, 2, rc.group.namn, st.text)
        for c, n in enumerate((rc.enheter, rc.besvarat, rc.andel, rc.besvarat_vinr, rc.andel_vinr), start=3):
            ws.write_number(r, c, n, st.integer)
    _add_table(ws, L.SHEET_SVARSFREKVENS, header, r,
               [{"header": label, "header_format": st.header} for label in L.RESPONSE_COLUMNS],
               "Svarsfrekvens för riket, länen och storstäderna")
    for c, w in enumerate(RESPONSE_WIDTHS):
        ws.set_column(c, c, w)
    ws.set_row(header, 48)
    ws.freeze_panes(header + 1, 3)
    print_setup(ws, title=results.catalogue.title, header_rows=(header, header), key_columns=(0, 2),
                width=sum(RESPONSE_WIDTHS) + len(RESPONSE_WIDTHS) * 0.71)


def _meta_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    return str(value)


DEL_NAMN = {"G": "Gemensam del", "V": "Våld i nära relationer"}
INDICATOR_WIDTHS = (5, 36, 45, 24, 45, 45, 12, 16, 24, 30, 45, 18, 14, 60, 60, 16, 40)


def _write_indicators(ws, st: Styles, results: Results, lines: list[str]) -> None:
    from .rule_text import swedish_rule

    header = _write_heading(ws, st, lines)
    r = header
    for ind in results.catalogue:
        jamforbarhet, jamforbarhet_not = results.arsgang.comparability_text(ind.id)
        r += 1
        ws.write_number(r, 0, ind.ordning, st.integer)
        cells = (
            ind.id,
            ind.kortnamn,
            ind.rubrik,
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
            swedish_rule(ind.regel),
            jamforbarhet,
            jamforbarhet_not,
        )
        for c, text in enumerate(cells, start=1):
            ws.write_string(r, c, text, st.text_wrap)
        lines = max(wrapped_lines(text, width) for text, width in zip(cells, INDICATOR_WIDTHS[1:]))
        if lines > 1:
            ws.set_row(r, LINE_HEIGHT * lines)
    _add_table(ws, L.SHEET_INDIKATORER, header, r,
               [{"header": label, "header_format": st.header} for label in L.INDICATOR_COLUMNS],
               "Indikatorerna: namn, mått, område, enkätfrågor och beräkning")
    for c, w in enumerate(INDICATOR_WIDTHS):
        ws.set_column(c, c, w)
    ws.freeze_panes(header + 1, 3)
    print_setup(ws, title=results.catalogue.title, header_rows=(header, header), key_columns=(0, 2),
                width=sum(INDICATOR_WIDTHS) + len(INDICATOR_WIDTHS) * 0.71)


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
    write_information(wb.add_worksheet(L.SHEET_INFORMATION), st, texts[L.SHEET_INFORMATION], results.catalogue.title)
    _write_units(wb.add_worksheet(L.SHEET_ENHETER), st, results, texts[L.SHEET_ENHETER])
    for sheet, levels in L.GROUP_SHEET_LEVELS.items():
        _write_groups(wb.add_worksheet(sheet), st, results, texts[sheet], levels, sheet)
    _write_responses(wb.add_worksheet(L.SHEET_SVARSFREKVENS), st, results, texts[L.SHEET_SVARSFREKVENS])
    _write_indicators(wb.add_worksheet(L.SHEET_INDIKATORER), st, results, texts[L.SHEET_INDIKATORER])
    write_granskning_sheet(wb, results, {"header": st.header, "text": st.text})
    wb.close()
