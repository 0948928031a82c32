"""The ISU workbook read back: every diagram table equals the results cell by cell, masked cells show
the symbol, byte-identical rebuilds, text never a formula, native charts that read their table's
cells and leave masked points as gaps. Results come from a tidy export (CONTRACT isu §6) read into
`RadLista`, so these tests do not depend on the compile engine."""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from ojexcel.isu.workbook import INFORMATION, PER_KOMMUN, write_isu_workbook
from ojexcel.isu.workbook_charts import NYANSER
from ojexcel.isu.chart_catalogue import ChartCatalogueError, load_chart_catalogue, parse_chart_catalogue
from ojexcel.isu.chart_tables import build
from ojexcel.isu.codebook import load_codebook
from ojexcel.isu.model import SAMTLIGA, Row
from ojexcel.isu.row_list import RowList
from ojexcel.isu.tidy import read_isu_tidy
from ojexcel.styles import MASKERAD, OSAKER

from .isu_tidy_fixture import write_tidy

REPORT = Path(__file__).resolve().parent / "shared" / "docs" / "skr2024-su-kvinnofrid-rapport.txt"
PERIOD = (dt.date(2021, 1, 1), dt.date(2023, 12, 31))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("isu_book")


@pytest.fixture(scope="module")
def resultat(folder):
    tidy = write_tidy(folder / "isu_tidy.csv", minsta_antal=5)
    return read_isu_tidy(tidy, kalla="arenden.csv", minsta_antal=5, period=PERIOD, utanfor_period=12)


@pytest.fixture(scope="module")
def book_path(folder, resultat):
    path = folder / "isu.xlsx"
    write_isu_workbook(resultat, path)
    return path


@pytest.fixture(scope="module")
def book(book_path):
    return openpyxl.load_workbook(book_path)


def expected(rad: Row | None, matt: str):
    """What a cell must show for a row's value: the number, the symbol (x a hidden row, .. a
    share or mean on a base under 20), or blank."""
    if rad is None:
        return None
    value = getattr(rad, matt)
    if value is None:
        if matt not in rad.maskerad:
            return None
        return MASKERAD if "bas" in rad.maskerad else OSAKER
    return float(value) if matt == "medel" else value


def table_cells(ws, name: str):
    ref = ws.tables[name].ref
    c1, r1, c2, r2 = range_boundaries(ref)
    rows = [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
    return (c1, r1, c2, r2), rows


def caption_row(ws, r1: int, c1: int) -> int:
    """The caption above a table: the nearest row above its header that starts 'Diagram ' or 'Tabell '."""
    r = r1 - 1
    while not re.match(r"(Diagram|Tabell) \d+: ", str(ws.cell(r, c1).value or "")):
        r -= 1
        assert r1 - r < 8, "no caption within the rows above the table"
    return r


def caption_of(ws, r1: int, c1: int) -> str:
    return ws.cell(caption_row(ws, r1, c1), c1).value


# -- the catalogue -----------------------------------------------------------------------------------

def test_catalogue_has_every_diagram_of_the_report_with_its_title():
    katalog = load_chart_catalogue()
    report = REPORT.read_text(encoding="utf-8")
    numbers = [d.nr for d in katalog.diagram if d.nr is not None]
    assert sorted(numbers) == list(range(1, 28))
    for d in katalog.diagram:
        if d.nr is not None:
            assert f"Diagram {d.nr}: {d.rubrik}" in report
            assert d.diagram != "ingen"
    assert {d.blad for d in katalog.diagram} == {b.namn for b in katalog.blad}
    names = [d.excel_name for d in katalog.diagram]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("change, message", [
    ('tabell = "kon"', "unknown table"),
    ('blad = "Målgruppen"', "unknown sheet"),
    ('diagram = "liggande"', "diagram"),
    ('nr = 2', "nr"),
])
def test_catalogue_errors_are_caught_at_load(change, message):
    text = (Path(__file__).resolve().parents[1] / "ojexcel" / "isu" / "diagram.toml").read_text(encoding="utf-8")
    bad = {
        'tabell = "kon"': ('tabell = "kon"', 'tabell = "konn"'),
        'blad = "Målgruppen"': ('blad = "Målgruppen"', 'blad = "Målgrupp"'),
        'diagram = "liggande"': ('diagram = "liggande"', 'diagram = "paj"'),
        'nr = 2': ('nr = 3\n', 'nr = 2\n'),
    }[change]
    with pytest.raises(ChartCatalogueError, match=message):
        parse_chart_catalogue(text.replace(bad[0], bad[1], 1), load_codebook())


# -- the tidy reader ----------------------------------------------------------------------------------

def test_radlista_reads_the_tidy_export_back(folder, resultat):
    lines = (folder / "isu_tidy.csv").read_text(encoding="utf-8").splitlines()
    assert len(resultat.rows) == len(lines) - 1
    assert resultat.enheter("kommun") == ("0114", "0180", "1480")
    assert resultat.enheter(SAMTLIGA) == ("",)
    assert resultat.delgrupper()[0] == "" and "hrv=Ja" in resultat.delgrupper()
    assert resultat.n == 3070  # samtliga's faser/aktualiserade
    first = resultat.tabell(SAMTLIGA, "", "verksamhet")
    assert [r.kategori for r in first][-1] == "uppgift_saknas"
    assert resultat.tabell(SAMTLIGA, "", "verksamhet", "kon=Nobody") == []


# -- the diagram tables ---------------------------------------------------------------------------

def test_every_diagram_table_equals_the_results_cell_by_cell(book, resultat):
    katalog, kodbok = load_chart_catalogue(), load_codebook()
    checked = masked = withheld = zeros = 0
    for d in katalog.diagram:
        ws = book[d.blad]
        t = build(resultat, d, katalog, kodbok, MASKERAD)
        (c1, r1, c2, r2), rows = table_cells(ws, d.excel_name)
        assert caption_of(ws, r1, c1) == t.rubrik and t.rubrik.startswith(d.namn + ": " + d.rubrik)
        assert rows[0] == [t.radrubrik] + [k.rubrik for k in t.kolumner]
        assert len(rows) - 1 == len(t.rader)
        groups = katalog.expand(d.delgrupper, resultat.delgrupper())
        sources = {g: {r.kategori: r for r in resultat.tabell(SAMTLIGA, "", d.tabell, g)} for g in groups}
        if d.rader == "kategorier":
            # Every row of every table behind the diagram is in it.
            assert {k for s in sources.values() for k in s} == {r.nyckel for r in t.rader}
        for row, rad in zip(rows[1:], t.rader):
            assert row[0] == rad.etikett
            for value, kol in zip(row[1:], t.kolumner):
                if d.rader == "kategorier":
                    src = sources[kol.delgrupp].get(rad.nyckel)
                else:
                    src = sources[rad.nyckel].get(kol.kategori)
                assert value == expected(src, kol.matt), (d.namn, rad.etikett, kol.rubrik)
                checked += 1
                masked += value == MASKERAD
                withheld += value == OSAKER
                zeros += value == 0
    assert checked > 1500 and masked > 20 and withheld > 20 and zeros > 20  # every kind of cell


def test_notes_say_how_shares_are_based_and_which_arenden(book):
    ws = book["Insatser"]
    (c1, r1, c2, r2), _ = table_cells(ws, "Diagram_09")
    notes = [ws.cell(r, 1).value for r in range(caption_row(ws, r1, c1) + 1, r1)]
    assert notes[0].startswith("Flera alternativ kunde anges per ärende")
    assert notes[-1] == "Ärenden: samtliga ärenden i gruppen."
    ws = book["Brukarenkäten"]
    (c1, r1, c2, r2), _ = table_cells(ws, "Diagram_18")
    assert ws.cell(r1 - 1, 1).value == "Ärenden: avslutade ärenden med brukarenkät i gruppen."
    ws = book["Målgruppen"]
    (c1, r1, c2, r2), _ = table_cells(ws, "Diagram_01")
    notes = [ws.cell(r, 1).value for r in range(caption_row(ws, r1, c1) + 1, r1)]
    assert not any("Uppgift saknas" in n for n in notes)  # faser has no such row


def test_diagram_n_is_the_reports_n(book, resultat):
    katalog = load_chart_catalogue()
    d9 = next(d for d in katalog.diagram if d.nr == 9)
    minst = next(r for r in resultat.tabell(SAMTLIGA, "", "insatser") if r.kategori == "minst_ett_svar")
    n = f"{minst.antal:,}".replace(",", "\u00a0")
    assert build(resultat, d9, katalog, load_codebook(), MASKERAD).rubrik.endswith(f"(N={n})")
    d21 = next(d for d in katalog.diagram if d.nr == 21)
    rubrik = build(resultat, d21, katalog, load_codebook(), MASKERAD).rubrik
    assert re.search(r"\(Hedersrelaterat våld: ja N=[\d\u00a0.]+, Hedersrelaterat våld: nej N=[\d\u00a0.]+\)$", rubrik)


def test_a_masked_base_masks_n_and_every_cell():
    rows = [Row(SAMTLIGA, "", "kon", "", k, None, None, None, None, frozenset({"antal", "bas", "andel"}))
            for k in ("Kvinna", "Man")]
    rows.append(Row(SAMTLIGA, "", "kon", "", "uppgift_saknas", 0, 3, 0, None))
    r = RowList.from_rows(rows, n=3)
    d2 = next(d for d in load_chart_catalogue().diagram if d.nr == 2)
    t = build(r, d2, load_chart_catalogue(), load_codebook(), MASKERAD)
    assert t.rubrik.endswith(f"(N={MASKERAD})")
    assert [c.maskerad for c in t.rader[0].celler] == [True, True, True]


# -- cover and Per kommun ---------------------------------------------------------------------------

def test_cover_sheet_says_source_period_phases_and_masking(book, resultat):
    ws = book[INFORMATION]
    assert book.sheetnames[0] == INFORMATION and book.sheetnames[-1] == PER_KOMMUN
    cells = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert cells["Indatafil"] == "arenden.csv"
    assert "2021-01-01" in cells["Period"] and "2023-12-31" in cells["Period"]
    assert cells["Ärenden"].startswith("3\u00a0070 ärenden ingår; 12 ärenden låg utanför perioden")
    assert cells["Skydd av små tal"].startswith("Varje antal har ett litet brus, högst ±3, och rader vars bas är färre än 5")
    faser = {r.kategori: r for r in resultat.tabell(SAMTLIGA, "", "faser")}
    avslutade = f"{faser['avslutade'].antal:,}".replace(",", "\u00a0")
    assert cells["Avslutade"] == f"{avslutade} ärenden ({faser['avslutade'].andel} procent)"
    assert cells[MASKERAD].startswith("Visas inte")
    assert "SKR 2024" in cells["Källa"]
    assert [s for s in book.sheetnames[1:-1]] == [b.namn for b in load_chart_catalogue().blad]


def test_per_kommun_has_every_unit_and_its_key_figures(book, resultat):
    ws = book[PER_KOMMUN]
    (c1, r1, c2, r2), rows = table_cells(ws, "Per_kommun")
    katalog = load_chart_catalogue()
    assert rows[0][:4] == ["Nivå", "Kod", "Namn", "Län"]
    assert rows[0][4:] == [k.rubrik for k in katalog.nyckeltal]
    units = [(n, k) for n in ("samtliga", "lan", "kommun", "stadsdel") for k in resultat.enheter(n)]
    assert [(row[0], row[1] or "") for row in rows[1:]] == [
        ({"samtliga": "Samtliga", "lan": "Län", "kommun": "Kommun", "stadsdel": "Stadsdel"}[n], k) for n, k in units]
    names = {row[1]: row[2] for row in rows[1:]}
    assert names["0114"] == "Upplands Väsby" and names["0180-01"] == "Stockholm: Bromma" and names["14"] == "Västra Götalands län"
    for row, (niva, kod) in zip(rows[1:], units):
        for value, k in zip(row[4:], katalog.nyckeltal):
            src = {r.kategori: r for r in resultat.tabell(niva, kod, k.tabell)}.get(k.kategori)
            assert value == expected(src, k.matt), (kod, k.rubrik)
    small = rows[[r[1] for r in rows].index("1480")]
    assert small[4] == MASKERAD  # 3 ärenden: the count is masked, not 3 and not 0


def test_sheets_are_set_up_for_reading_and_printing(book_path):
    with zipfile.ZipFile(book_path) as z:
        sheets = sorted(n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        for name in sheets:
            xml = z.read(name).decode("utf-8")
            assert 'paperSize="9"' in xml  # A4
            # fitted to the width (Information, Per kommun), or a chapter's scale (each diagram whole, D181)
            assert "fitToPage" in xml or re.search(r'<pageSetup [^>]*scale="\d+"', xml), name
            assert "&amp;A" in xml and "&amp;P" in xml  # footer: sheet name and page numbers
            assert "<f>" not in xml  # no formula anywhere
        for name in sheets[1:]:
            assert "<pane " in z.read(name).decode("utf-8")  # frozen panes on every data sheet


# -- rebuilds and safety -----------------------------------------------------------------------------

def test_rebuilds_are_byte_identical(folder, resultat, book_path):
    again = folder / "again.xlsx"
    write_isu_workbook(resultat, again)
    assert again.read_bytes() == book_path.read_bytes()


def test_a_file_name_starting_with_equals_stays_text(folder, resultat):
    hostile = RowList.from_rows(resultat.rows, kalla='=HYPERLINK("x.invalid";"klick")+cmd|calc!A0.csv', minsta_antal=5)
    path = folder / "hostile.xlsx"
    write_isu_workbook(hostile, path)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode("utf-8")
    ws = openpyxl.load_workbook(path)[INFORMATION]
    values = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    assert '=HYPERLINK("x.invalid";"klick")+cmd|calc!A0.csv' in values
    assert ws.cell(values.index('=HYPERLINK("x.invalid";"klick")+cmd|calc!A0.csv') + 1, 2).data_type == "s"


def test_the_truth_says_it_is_not_for_publication(folder, resultat):
    path = folder / "alla.xlsx"
    write_isu_workbook(RowList.from_rows(resultat.rows, kalla="a.csv", minsta_antal=1, utan_brus=True), path)
    book = openpyxl.load_workbook(path)
    ws = book[INFORMATION]
    cells = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert cells["Skydd av små tal"].startswith("Inget brus (--utan-brus)")
    texts = " ".join(str(ws.cell(r, c).value) for r in range(1, ws.max_row + 1) for c in (1, 2))
    assert "EJ FÖR PUBLICERING" in texts and "Inga tal är dolda (minsta antal 1)" in texts and "±3" not in texts
    for name in (book.sheetnames[1], PER_KOMMUN):
        assert any("EJ FÖR PUBLICERING" in str(c.value) for row in book[name].iter_rows(max_row=4) for c in row)


def test_cover_counts_are_masked_like_any_count(folder):
    rows = [Row(SAMTLIGA, "", "faser", "", "aktualiserade", None, None, None, None, frozenset({"antal", "bas", "andel"}))]
    path = folder / "few.xlsx"
    write_isu_workbook(RowList.from_rows(rows, kalla="x.csv", minsta_antal=5, n=3, utanfor_period=2), path)
    ws = openpyxl.load_workbook(path)[INFORMATION]
    cells = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert cells["Ärenden"].startswith(f"{MASKERAD} ärenden ingår; {MASKERAD} ärenden låg utanför perioden och ingår inte.")
    assert cells["Aktualiserade"] == f"{MASKERAD} ärenden"


def test_results_with_few_tables_still_render(folder):
    rows = [Row(SAMTLIGA, "", "faser", "", k, a, b, None if b == 0 else a * 100 // b, None)
            for k, a, b in (("aktualiserade", 7, 7), ("minst_en_insats", 7, 7), ("avslutade", 0, 7),
                            ("med_maluppfoljning", 0, 0), ("med_brukarenkat", 0, 0))]
    path = folder / "tiny.xlsx"
    write_isu_workbook(RowList.from_rows(rows, kalla="x.csv", minsta_antal=5), path)
    book = openpyxl.load_workbook(path)
    (c1, r1, c2, r2), cells = table_cells(book["Avslut och resultat"], "Diagram_14")
    assert cells[1][0] == "Inga ärenden"


# -- charts -----------------------------------------------------------------------------------------

def _chart_parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)}


REF = re.compile(r"^'?(?P<sheet>.+?)'?!\$(?P<c1>[A-Z]+)\$(?P<r1>\d+)(?::\$(?P<c2>[A-Z]+)\$(?P<r2>\d+))?$")


def _ref(f: str):
    m = REF.match(f)
    assert m, f
    return m.group("sheet"), m.group("c1") + m.group("r1"), (m.group("c2") or m.group("c1")) + (m.group("r2") or m.group("r1"))


def test_every_diagram_has_a_chart_reading_its_table(book_path, book, resultat):
    katalog, kodbok = load_chart_catalogue(), load_codebook()
    charts = _chart_parts(book_path)
    by_title = {}
    for name, xml in charts.items():
        title = re.search(r"<c:title><c:tx><c:strRef><c:f>(.*?)</c:f>", xml).group(1)
        by_title[_ref(title)[:2]] = xml
    drawn = [d for d in katalog.diagram if d.diagram != "ingen"]
    assert len(charts) == len(drawn)
    for d in drawn:
        ws = book[d.blad]
        t = build(resultat, d, katalog, kodbok, MASKERAD)
        (c1, r1, c2, r2), rows = table_cells(ws, d.excel_name)
        caption = ws.cell(caption_row(ws, r1, c1), c1).coordinate
        xml = by_title[(d.blad, caption)]
        # Blanks as gaps: XlsxWriter leaves out the element for its default, gap; never zero.
        assert "dispBlanksAs" not in xml or '<c:dispBlanksAs val="gap"/>' in xml
        series = re.findall(r"<c:ser>(.*?)</c:ser>", xml)
        assert len(series) == len(t.serier)
        for ser, s in zip(series, t.serier):
            cat = _ref(re.search(r"<c:cat><c:strRef><c:f>(.*?)</c:f>", ser).group(1))
            val = _ref(re.search(r"<c:val><c:numRef><c:f>(.*?)</c:f>", ser).group(1))
            first, last = r1 + 1, r1 + t.diagramrader
            assert cat == (d.blad, f"A{first}", f"A{last}")
            col = openpyxl.utils.get_column_letter(c1 + 1 + s.kolumn)
            assert val == (d.blad, f"{col}{first}", f"{col}{last}")
            # The column charted holds the measure the catalogue asks for.
            assert rows[0][1 + s.kolumn].startswith({"andel": "Andel", "antal": "Antal", "medel": "Medel"}[d.matt])
            # Masked and missing points are gaps in the cache; numbers are there as they are.
            cache = dict((int(i), float(v)) for i, v in re.findall(
                r'<c:pt idx="(\d+)"><c:v>([^<]*)</c:v>', re.search(r"<c:numCache>(.*?)</c:numCache>", ser).group(1)))
            for i in range(t.diagramrader):
                shown = ws.cell(first + i, c1 + 1 + s.kolumn).value
                if shown is None or shown in (MASKERAD, OSAKER):
                    assert i not in cache
                else:
                    assert cache[i] == shown
            # A withheld point's label is the cell's own text (the symbol), never a zero.
            for i in range(t.diagramrader):
                if ws.cell(first + i, c1 + 1 + s.kolumn).value in (MASKERAD, OSAKER):
                    assert re.search(rf'<c:dLbl><c:idx val="{i}"/>.*?<c:f>.*?\${col}\${first + i}</c:f>', ser)


def test_chart_kinds_and_colours(book_path):
    katalog = load_chart_catalogue()
    charts = _chart_parts(book_path)
    kinds = [("barDir", m) for xml in charts.values() for m in re.findall(r'<c:barDir val="(\w+)"/>', xml)]
    assert {m for _, m in kinds} == {"bar", "col"}
    staende = sum(d.diagram == "staende" for d in katalog.diagram)
    assert sum(m == "col" for _, m in kinds) == staende
    for xml in charts.values():
        fills = re.findall(r'<c:ser>.*?<c:spPr><a:solidFill><a:srgbClr val="([0-9A-F]{6})"/>', xml)
        assert fills and all("#" + f in NYANSER for f in fills)
        assert len(set(fills)) == len(fills)  # every series its own shade
    grouped = [xml for xml in charts.values() if xml.count("<c:ser>") > 1]
    assert grouped and all("<c:legend>" in xml for xml in grouped)


# -- the report's N ----------------------------------------------------------------------------------

PUBLISHED = Path(__file__).resolve().parent / "shared" / "spec" / "isu" / "published_isu.csv"


def test_captions_give_the_reports_n_from_the_published_bases():
    """Rows carrying the report's bases (published_isu.csv: `bas`, and `antal` of minst_ett_svar)
    give captions with the report's own N, as the report's diagram titles write it."""
    import csv

    katalog, kodbok = load_chart_catalogue(), load_codebook()
    titles = {int(m.group(1)): m.group(0) for m in re.finditer(r"Diagram (\d+): .*(?:\n\(.*\))?", REPORT.read_text(encoding="utf-8"))}
    rows: dict[tuple, Row] = {}
    with open(PUBLISHED, encoding="utf-8") as fh:
        for p in csv.DictReader(fh):
            if p["niva"] != SAMTLIGA or p["min"] != p["max"]:
                continue
            if p["matt"] == "bas":
                rad = Row(SAMTLIGA, "", p["tabell"], p["delgrupp"], p["kategori"], None, int(p["min"]), None, None)
            elif p["matt"] == "antal" and p["kategori"] == "minst_ett_svar":
                rad = Row(SAMTLIGA, "", p["tabell"], p["delgrupp"], p["kategori"], int(p["min"]), None, None, None)
            else:
                continue
            rows.setdefault((p["tabell"], p["delgrupp"], p["kategori"]), rad)
    resultat = RowList.from_rows(rows.values(), n=3070)
    checked = 0
    for d in katalog.diagram:
        if d.nr is None or d.rader != "kategorier":
            continue
        groups = katalog.expand(d.delgrupper, resultat.delgrupper())
        published = [r for (t, g, k), r in rows.items() if t == d.tabell and g in groups]
        if len({r.delgrupp for r in published}) != len(groups):
            continue
        rubrik = build(resultat, d, katalog, kodbok, MASKERAD).rubrik
        for r in published:
            n = r.bas if r.bas is not None else r.antal
            assert f"N={n:,}".replace(",", "\u00a0") in rubrik, (d.nr, rubrik)
            if "N=" in titles[d.nr]:  # Diagram 19 gives its N under the chart ("Totalt: 818 st")
                assert re.search(rf"N={n:,}".replace(",", "[ ]?"), titles[d.nr]), (d.nr, titles[d.nr])
        checked += 1
    assert checked >= 10


def test_every_chart_has_a_text_alternative(book_path):
    with zipfile.ZipFile(book_path) as z:
        drawings = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/drawings/drawing"))
    descr = re.findall(r'<xdr:cNvPr id="\d+" name="[^"]*" descr="([^"]*)"', drawings)
    assert len(descr) == sum(d.diagram != "ingen" for d in load_chart_catalogue().diagram)
    assert all("finns i tabellen" in x for x in descr)
    assert any(x.startswith("Diagram 9: Vilka är de vanligaste insatserna?") for x in descr)

