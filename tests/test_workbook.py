"""Golden tests of the published workbook: read it back and compare with the tidy export, cell for cell.

Two data sets: the embedded sample, and a second synthetic one (another seed, fewer answers, so some
shares are suppressed) that nothing in the renderer was tuned on.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import zipfile
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ojexcel.survey import workbook_layout as L
from ojexcel.cli import main
from ojexcel.survey.arsgang import load_arsgang
from ojexcel.survey.compilation import build_results
from ojexcel.population import NIVA_STORSTAD, Population
from ojexcel.styles import BAD, BORTFALL, BORTFALL_MEANING, GOOD, NEUTRAL, SUPPRESSED, SUPPRESSED_MEANING
from dev.synthetic import generate_rows, write_rows
from ojexcel.survey.rule_text import swedish_rule
from ojexcel.survey.tidy import read_tidy, write_tidy_file
from ojexcel.survey.workbook import write_workbook
from ojexcel.survey.workbook_read import read_workbook


EXPECTED_FILL = {"Ja": GOOD.fill, "Delvis": NEUTRAL.fill, "Nej": BAD.fill, "Ej aktuellt": None, BORTFALL: None}
EXPECTED_FONT = {"Ja": GOOD.font, "Delvis": NEUTRAL.font, "Nej": BAD.font}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@dataclasses.dataclass
class Built:
    responses: Path | None
    results: object  # Results
    book: Path
    tidy: list
    data: object  # WorkbookData


def _build(out: Path, responses: Path | None) -> Built:
    """Workbook and tidy export of one data set (the CLI writes the same bytes: see the rebuild test)."""
    results = build_results(responses, 2017)
    write_workbook(results, out / "bok.xlsx")
    write_tidy_file(results, out / "tidy.csv")
    return Built(responses, results, out / "bok.xlsx", read_tidy(out / "tidy.csv"), read_workbook(out / "bok.xlsx"))


FORMULA_LIKE = "=SUM(A1:A9)"


@pytest.fixture(scope="module")
def other_responses(tmp_path_factory, catalogue, population):
    """Unseen data: another seed, 270 answered the survey and 255 the VINR part; one free-text answer
    looks like a formula."""
    path = tmp_path_factory.mktemp("other") / "svar_annan.csv"
    rows = generate_rows(catalogue, population, seed=9173, answered=270, answered_vinr=255)
    row = next(r for r in rows if r["V1_annan"] == "Ja")
    row["V1_annan_text"] = FORMULA_LIKE
    write_rows(rows, catalogue.codebook, path)
    return path


_BUILDS: dict[str, Built] = {}


@pytest.fixture(scope="module", params=["sample", "other"])
def built(request, tmp_path_factory, other_responses):
    if request.param not in _BUILDS:
        responses = None if request.param == "sample" else other_responses
        _BUILDS[request.param] = _build(tmp_path_factory.mktemp(request.param), responses)
    return _BUILDS[request.param]


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory):
    if "sample" not in _BUILDS:
        _BUILDS["sample"] = _build(tmp_path_factory.mktemp("sample"), None)
    return _BUILDS["sample"]


@pytest.fixture(scope="module")
def other_book(tmp_path_factory, other_responses):
    if "other" not in _BUILDS:
        _BUILDS["other"] = _build(tmp_path_factory.mktemp("other"), other_responses)
    return _BUILDS["other"]


@pytest.fixture(scope="module")
def sample_wb(sample_book):
    """The sample workbook fully loaded by openpyxl (merges, panes, filters, fonts, links)."""
    return openpyxl.load_workbook(sample_book.book)


def formulas_in(book: Path) -> list[str]:
    """Every <f> (formula) element in the workbook's sheets."""
    with zipfile.ZipFile(book) as z:
        return [
            name for name in z.namelist()
            if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", z.read(name))
        ]


# -- cell for cell against the tidy export ---------------------------------------------------------

@pytest.mark.slow
def test_every_unit_row_shows_the_tidy_values_in_catalogue_order(built, catalogue):
    data = built.data
    assert data.indicators == catalogue.ids
    units = [t for t in built.tidy if t.niva == "enhet"]
    assert len(units) == 316 * 55
    for t in units:
        shown = t.varde or BORTFALL
        cell = data.cells[t.key]
        assert (cell.value, cell.shown, cell.counts) == (t.varde, shown, None), t.key
        assert cell.fill == EXPECTED_FILL[shown], t.key
    unit_keys = {k for k in data.cells if k[0] == "enhet"}
    assert unit_keys == {t.key for t in units}


def test_aggregates_and_their_counts_match_the_tidy_export(built):
    data = built.data
    aggregates = [t for t in built.tidy if t.niva != "enhet"]
    assert len(aggregates) == (3 + 21 + 1 + 5 + 9) * 55
    for t in aggregates:
        cell = data.cells[t.key]
        assert cell.value == t.varde and cell.counts == t.counts, t.key
        assert cell.shown == (int(t.varde) if t.varde else SUPPRESSED), t.key
        assert cell.fill is None
        ja, delvis, nej, ej, bortfall, enheter = t.counts
        c = data.counts[t.key]
        assert (c.ja, c.delvis, c.nej, c.ej_aktuellt, c.bortfall, c.enheter) == (ja, delvis, nej, ej, bortfall, enheter)
        assert c.namnare == enheter - ej - bortfall
    assert set(data.counts) == {t.key for t in aggregates}


def test_city_rows_on_the_unit_sheet_show_the_storstad_shares(built):
    wb = openpyxl.load_workbook(built.book, read_only=True)
    rows = list(wb[L.SHEET_ENHETER].iter_rows(values_only=True))
    wb.close()
    header = next(i for i, r in enumerate(rows) if L.COL_KOD in r and L.COL_NIVA in r)
    cols = {label: rows[header].index(label) for label in L.UNIT_KEY_COLUMNS}
    first = len(L.UNIT_FROZEN_COLUMNS)
    tidy = {t.key: t for t in built.tidy}
    cities = [r for r in rows[header + 1:] if r[cols[L.COL_NIVA]] == "Storstad"]
    assert [r[cols[L.COL_KOD]] for r in cities] == ["0180", "1280", "1480"]
    for r in cities:
        for ind, shown in zip(built.data.indicators, r[first:]):
            varde = tidy[(NIVA_STORSTAD, r[cols[L.COL_KOD]], ind)].varde
            assert shown == (int(varde) if varde else SUPPRESSED)


def test_both_shown_and_suppressed_shares_are_exercised(built):
    if built.responses is None:
        pytest.skip("the sample suppresses nothing at riket level; the other data set checks both")
    vardes = [t.varde for t in built.tidy if t.niva != "enhet"]
    assert "" in vardes and any(vardes)
    assert any(c.shown == SUPPRESSED for k, c in built.data.cells.items() if k[0] != "enhet")


def test_every_row_carries_its_sort_keys_in_population_order(built, population):
    data = built.data
    expected_order = []
    for u in population.units:
        if u.stad and (NIVA_STORSTAD, u.stad) not in expected_order:
            expected_order.append((NIVA_STORSTAD, u.stad))
        expected_order.append(("enhet", u.kod))
    assert list(data.row_order) == expected_order
    for u in population.units:
        k = data.keys[("enhet", u.kod)]
        assert (k.lan, k.lanskod, k.kommungrupp, k.skl_kod, k.skl_namn, k.namn) == (
            u.lan, u.lanskod, u.kommungrupp, u.skl_kod, u.skl_namn, u.full_name,
        )
        assert k.niva == ("Stadsdel" if u.is_district else "Kommun")
    for city in ("0180", "1480", "1280"):
        k = data.keys[(NIVA_STORSTAD, city)]
        district = population.districts_of(city)[0]
        assert (k.lan, k.lanskod, k.kommungrupp, k.skl_kod, k.niva, k.namn) == (
            district.lan, district.lanskod, district.kommungrupp, district.skl_kod, "Storstad", population.municipalities[city],
        )


def test_response_counts(built):
    results = built.results
    rows = built.data.responses
    assert set(rows) == {("riket", "")} | {("lan", k) for k in results.population.lan} | {
        ("storstad", c) for c in ("0180", "1480", "1280")
    }
    riket = rows[("riket", "")]
    assert (riket.enheter, riket.besvarat, riket.besvarat_vinr) == (316, results.answered_survey, results.answered_vinr)
    half_up = lambda a, n: int(Fraction(100 * a, n) + Fraction(1, 2))  # noqa: E731
    for lanskod in results.population.lan:
        members = [u.kod for u in results.population.units if u.lanskod == lanskod]
        row = rows[("lan", lanskod)]
        answered = sum(k in results.answered for k in members)
        vinr = sum(k in results.answered_vinr_part for k in members)
        assert (row.enheter, row.besvarat, row.besvarat_vinr) == (len(members), answered, vinr)
        assert (row.andel, row.andel_vinr) == (half_up(answered, len(members)), half_up(vinr, len(members)))


# -- direct cell checks ----------------------------------------------------------------------------

@pytest.mark.slow
def test_fills_and_fonts_are_static_good_neutral_bad(sample_wb):
    ws = sample_wb[L.SHEET_ENHETER]
    assert not ws.conditional_formatting
    seen = set()
    for row in ws.iter_rows():
        for cell in row:
            if cell.value in EXPECTED_FONT:
                assert cell.fill.fill_type == "solid"
                assert cell.fill.fgColor.rgb[-6:] == EXPECTED_FILL[cell.value]
                assert cell.font.color.rgb[-6:] == EXPECTED_FONT[cell.value]
                seen.add(cell.value)
            elif cell.value in ("Ej aktuellt", BORTFALL) or isinstance(cell.value, int):
                assert cell.fill.fill_type is None, cell.coordinate
    assert seen == {"Ja", "Delvis", "Nej"}


def test_layout_no_merges_frozen_panes_tables(sample_wb):
    wb = sample_wb
    assert wb.sheetnames == list(L.SHEETS)
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges, ws.title
    ws = wb[L.SHEET_ENHETER]
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == L.COL_LANSKOD)
    n_keys = len(L.UNIT_FROZEN_COLUMNS)
    first_indicator = openpyxl.utils.get_column_letter(n_keys + 1)
    assert ws.freeze_panes == f"{first_indicator}{header + 1}"
    assert [ws.cell(header, c).value for c in range(1, n_keys + 1)] == list(L.UNIT_FROZEN_COLUMNS)
    assert [ws.cell(header, n_keys + 55 + i).value for i in (1, 2)] == list(L.UNIT_TRAILING_COLUMNS)
    last = openpyxl.utils.get_column_letter(n_keys + 55 + len(L.UNIT_TRAILING_COLUMNS))
    # Every data table is a named Excel table with its own autofilter, header row = the header.
    assert {name: ws.tables[name].ref for name in ws.tables} == {"Enheter": f"A{header}:{last}{header + 316 + 3}"}
    assert ws.auto_filter.ref is None  # the table's autofilter, not a second one
    for sheet in (L.SHEET_LAN, L.SHEET_GRUPPER, L.SHEET_SVARSFREKVENS, L.SHEET_INDIKATORER):
        tables = wb[sheet].tables
        assert list(tables) == [L.TABLE_NAMES[sheet]] and wb[sheet].freeze_panes is not None
        table = tables[L.TABLE_NAMES[sheet]]
        assert table.autoFilter is not None and table.headerRowCount in (None, 1)
        top = openpyxl.utils.cell.range_boundaries(table.ref)[1]
        assert wb[sheet].cell(top, 1).value == L.COL_NIVA if sheet != L.SHEET_INDIKATORER else L.COL_NR
    # The header bands: the band text stands in its first column, the band's other columns are blank.
    band_row = next(r for r in range(1, header) if ws.cell(r, n_keys).value == L.LABEL_BAND_OMRADE)
    bands = [ws.cell(band_row, c).value for c in range(n_keys + 1, n_keys + 56)]
    # A one-column band shows the kvalitetsområde alone (the dimension does not fit one line).
    assert bands[0] == "Tillgänglighet" and all(b is None or " – " in b for b in bands[1:])
    assert ws.cell(band_row, n_keys + 3).alignment.horizontal == "centerContinuous"
    # The id row is there for programs, hidden for people.
    id_row = next(r for r in range(1, header) if ws.cell(r, n_keys).value == L.LABEL_ID)
    assert ws.row_dimensions[id_row].hidden


def test_cover_sheet_explains_counts_colours_and_symbols(sample_wb):
    ws = sample_wb[L.SHEET_INFORMATION]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    text = "\n".join(cells)
    assert "301 av 316 (95 procent)" in text and "295 av 316 (93 procent)" in text
    assert BORTFALL_MEANING in text and SUPPRESSED_MEANING in text
    assert "syntetiska exempeldata" in text  # the embedded sample says what it is
    for value, colour in (("Ja", GOOD), ("Delvis", NEUTRAL), ("Nej", BAD)):
        assert cells[value].fill.fgColor.rgb[-6:] == colour.fill
        assert f"{value}: {colour.meaning}" in text
    for sheet in L.SHEETS[1:]:
        link = cells[sheet].hyperlink
        assert link is not None and sheet in link.location
    assert "Kommungrupp 5" in text and "SKL-grupp C9" in text


def test_indikatorer_sheet_lists_the_catalogue(sample_book, catalogue):
    assert sample_book.data.catalogue == catalogue.ids
    wb = openpyxl.load_workbook(sample_book.book, read_only=True)
    rows = list(wb[L.SHEET_INDIKATORER].iter_rows(values_only=True))
    wb.close()
    header = next(i for i, r in enumerate(rows) if r[: len(L.INDICATOR_COLUMNS)] == L.INDICATOR_COLUMNS)
    body = rows[header + 1:]
    assert len(body) == 55
    for ind, row in zip(catalogue, body):
        got = dict(zip(L.INDICATOR_COLUMNS, row))
        assert (got["Nr"], got["Indikator-id"], got["Kortnamn (i Excelfilen)"]) == (ind.ordning, ind.id, ind.kortnamn)
        assert got["Beräkning (regel)"] == swedish_rule(ind.regel) and got["Redovisas som"] == ind.skala
        assert got["Kolumnrubrik"] == ind.rubrik
        for label, key in (("Indikatornamn", "namn"), ("Målvärde", "malvarde")):
            meta = ind.meta(key)
            expected = "\n".join(meta) if isinstance(meta, list) else str(meta)
            assert (got[label] or "") == expected
        # comparability with 2016: the årgång's jamforbarhet.csv
        assert (got["Jämförbarhet"] or "") == load_arsgang(2017).comparability[ind.id].text


# -- text stays text -------------------------------------------------------------------------------

def test_names_starting_with_formula_characters_stay_text(sample_book, tmp_path):
    results = sample_book.results
    pop = results.population
    evil = {"0114": "=1+2", "0115": "+cmd|' /C calc'!A0", "0117": "-2+3", "0120": "@SUM(A1)"}
    units = tuple(
        dataclasses.replace(u, namn=evil[u.kod], lan="=HYPERLINK(\"x\")" if u.kod == "0114" else u.lan)
        if u.kod in evil else u
        for u in pop.units
    )
    poisoned = Population(units=units, lan=pop.lan, skl_groups=pop.skl_groups, municipalities=pop.municipalities)
    write_workbook(dataclasses.replace(results, population=poisoned), tmp_path / "b.xlsx")
    assert formulas_in(tmp_path / "b.xlsx") == []
    wb = openpyxl.load_workbook(tmp_path / "b.xlsx", read_only=True)
    found = {}
    for row in wb[L.SHEET_ENHETER].iter_rows():
        for cell in row:
            if cell.value in evil.values() or cell.value == "=HYPERLINK(\"x\")":
                assert cell.data_type == "s"
                found[cell.value] = cell
    wb.close()
    assert set(found) == set(evil.values()) | {"=HYPERLINK(\"x\")"}


def test_no_formulas_anywhere(built):
    # The other data set has a free-text answer (the only free text: V1_annan_text) "=SUM(A1:A9)".
    assert formulas_in(built.book) == []
    if built.responses is not None:
        assert FORMULA_LIKE in built.responses.read_text(encoding="utf-8")


# -- robust reading, reproducibility, LibreOffice ---------------------------------------------------

def _sheet_files(book: Path) -> dict[str, str]:
    """Sheet name -> its XML part in the package."""
    with zipfile.ZipFile(book) as z:
        workbook = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'<Relationship Id="([^"]+)" Type="[^"]+/worksheet" Target="([^"]+)"', rels))
    return {
        name: "xl/" + targets[rid]
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="([^"]+)"', workbook)
    }


def _resort(xml: str) -> str:
    """What sorting does to a sheet: the data rows below the autofilter's header row in reverse
    order, and (a user's edit) an empty row inserted above everything."""
    header, last = _table_rows[0]

    def new(n: int) -> int:
        return 1 + (n if n <= header else header + 1 + last - n)

    rows = re.findall(r"<row .*?</row>", xml, flags=re.S)
    moved = []
    for row in rows:
        n = int(re.match(r'<row r="(\d+)"', row).group(1))
        row = re.sub(r'<row r="\d+"', f'<row r="{new(n)}"', row, count=1)
        row = re.sub(r'<c r="([A-Z]+)\d+"', lambda m: f'<c r="{m.group(1)}{new(n)}"', row)
        moved.append((new(n), row))
    body = "".join(row for _, row in sorted(moved))
    start, end = xml.index(rows[0]), xml.index(rows[-1]) + len(rows[-1])
    return xml[:start] + body + xml[end:]


def _table_range(book, sheet: str) -> tuple[int, int]:
    """First and last row of the sheet's Excel table (its header row and last data row)."""
    wb = openpyxl.load_workbook(book)
    ref = wb[sheet].tables[L.TABLE_NAMES[sheet]].ref
    _, top, _, bottom = openpyxl.utils.cell.range_boundaries(ref)
    return top, bottom


_table_rows: list[tuple[int, int]] = []


@pytest.mark.slow
def test_resorted_sheets_read_back_the_same(sample_book, tmp_path):
    files = _sheet_files(sample_book.book)
    resort = {files[s]: s for s in (L.SHEET_ENHETER, L.SHEET_LAN, L.SHEET_GRUPPER)}
    sorted_book = tmp_path / "sorted.xlsx"
    with zipfile.ZipFile(sample_book.book) as src, zipfile.ZipFile(sorted_book, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename in resort:
                _table_rows[:] = [_table_range(sample_book.book, resort[item.filename])]
                data = _resort(data.decode()).encode()
            dst.writestr(item, data)
    before, after = sample_book.data, read_workbook(sorted_book)
    assert after.row_order == tuple(reversed(before.row_order))
    assert after.cells == before.cells  # value, fill, counts and shown; not where they were
    assert after.counts == before.counts and after.keys == before.keys and after.responses == before.responses
    # openpyxl agrees that the rows moved.
    wb = openpyxl.load_workbook(sorted_book, read_only=True)
    ws = wb[L.SHEET_ENHETER]
    ws.reset_dimensions()
    header = _table_range(sample_book.book, L.SHEET_ENHETER)[0]
    kod_col = L.UNIT_FROZEN_COLUMNS.index(L.COL_KOD)
    kods = [r[kod_col] for r in ws.iter_rows(min_row=header + 2, max_col=kod_col + 1, values_only=True)]
    wb.close()
    assert kods[0] == sample_book.data.row_order[-1][1] and kods[-1] == sample_book.data.row_order[0][1]


def test_cli_rebuilds_are_byte_identical_wherever_the_input_lives(other_book, tmp_path):
    # (test_build checks two CLI builds of the sample.)
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    shutil.copy(other_book.responses, moved / other_book.responses.name)
    book = tmp_path / "again.xlsx"
    result = run("build", moved / other_book.responses.name, "--year", 2017, "--out", book, "-q")
    assert result.exit_code == 0, result.output
    assert book.read_bytes() == other_book.book.read_bytes()


@pytest.mark.slow
def test_libreoffice_opens_the_workbook_without_error(sample_book, sample_workbook, libreoffice_resaved):
    converted, code, messages = libreoffice_resaved
    assert code == 0, messages
    assert "Error" not in messages.replace("failed to launch javaldx", "")
    assert converted.is_file()
    assert sample_workbook.read_bytes() == sample_book.book.read_bytes()  # the CLI's workbook is the one converted
    # LibreOffice read every sheet and every cell of the unit sheet: its own re-save holds the same.
    def unit_sheet(path):
        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            return wb.sheetnames, [tuple(v for v in row if v not in (None, "")) for row in wb[L.SHEET_ENHETER].iter_rows(values_only=True)]
        finally:
            wb.close()

    assert unit_sheet(converted) == unit_sheet(sample_book.book)


def test_ojexcel_diff_reads_the_workbook_against_its_tidy_export(other_book):
    # The reviewer diff aligns a workbook and a tidy export by key: the same run shows no change.
    result = run("diff", other_book.book, other_book.book.with_name("tidy.csv"), "--format", "json", "--counts")
    assert result.exit_code == 0, result.output
    assert '"identical": true' in result.output


@pytest.mark.slow
def test_wrapped_rows_are_as_tall_as_their_text(sample_book):
    from ojexcel.io.xlsx_writer import LINE_HEIGHT, wrapped_lines

    assert wrapped_lines("kort", 40) == 1
    assert wrapped_lines("x" * 45, 40) == 2 and wrapped_lines("a\nb", 40) == 2
    wb = openpyxl.load_workbook(sample_book.book)
    info = wb[L.SHEET_INFORMATION]
    long_rows = [c.row for c in info["B"] if isinstance(c.value, str) and len(c.value) > 200]
    assert long_rows and all(info.row_dimensions[r].height >= 2 * LINE_HEIGHT for r in long_rows)
    ind = wb[L.SHEET_INDIKATORER]
    heights = [ind.row_dimensions[r].height for r in range(1, ind.max_row + 1) if ind.row_dimensions[r].height]
    assert len(heights) >= 55 and min(heights) >= 2 * LINE_HEIGHT
