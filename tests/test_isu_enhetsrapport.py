"""`ojexcel isu kommun`: a unit's own ISU report beside its län and samtliga (issue 11, part 2)."""
from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.isu import reader as isu_arenden
from ojexcel.isu import compilation as isu_tabeller
from ojexcel.isu.kommun_report import (
    MIN_BAS_AVVIKELSE,
    EnhetWithoutArenden,
    build_kommun_report,
    table_selection,
)
from ojexcel.isu.kommun_report_html import render_kommun_report_html, write_kommun_report_html
from ojexcel.isu.kommun_report_text import cell, category_text, hidden_row, level_fields
from ojexcel.isu.kommun_report_xlsx import write_kommun_report_xlsx
from ojexcel.isu.codebook import load_codebook
from ojexcel.isu.row_list import RowList
from ojexcel.population import load_population
from ojexcel.styles import EJ_REDOVISAD, FINNS_INTE, MASKERAD, OSAKER

from .isu_bygg import bygg_rad, enval_rader, medel_rad

POP = load_population()
KODBOK = load_codebook()
AGE = ("18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")

# Registration units and their size (ärenden). 0115 is small: rows on a base under 5 are hidden,
# and no share is shown (every base under 20).
REG = {"0114": 60, "0115": 6, "0180": 10, "0180-01": 30, "1281": 50}
LAN = {"0114": "01", "0115": "01", "0180": "01", "0180-01": "01", "1281": "12"}


def _counts(kod: str) -> dict:
    rnd = random.Random(kod)
    n = REG[kod]
    kon_man = max(0, n // 10 + rnd.randint(-1, 1))
    ages = [0] * len(AGE)
    for _ in range(n - 2):
        ages[min(6, int(rnd.random() * 5))] += 1
    ins_labels = KODBOK["insatser"].svar[:4]
    med_insats = n - n // 6
    ins = {lab: rnd.randint(0, med_insats) for lab in ins_labels}
    avsl = n // 2
    topp = rnd.randint(0, avsl)
    hrv = [0] * len(AGE)
    for _ in range(n // 5):
        hrv[rnd.randint(0, 2)] += 1
    return {"kon": {"Kvinna": n - kon_man - 1, "Man": kon_man}, "kon_s": 1,
            "alder": dict(zip(AGE, ages)), "alder_s": 2,
            "ins": ins, "ins_bas": med_insats, "ins_s": n - med_insats,
            "avsl": avsl, "topp": topp, "n": n, "summa": sum(ins.values()), "hrv": dict(zip(AGE, hrv))}


def _sum(kods) -> dict:
    parts = [_counts(k) for k in kods]

    def add(key):
        if isinstance(parts[0][key], dict):
            return {lab: sum(p[key][lab] for p in parts) for lab in parts[0][key]}
        return sum(p[key] for p in parts)

    return {key: add(key) for key in parts[0]}


def _tables(niva: str, kod: str, c: dict) -> list:
    out = []
    n, avsl = c["n"], c["avsl"]
    for kat, antal_, bas in (("aktualiserade", n, n), ("minst_en_insats", c["ins_bas"], n), ("avslutade", avsl, n)):
        out.append(bygg_rad(niva, kod, "faser", "", kat, antal_, bas))
    out += enval_rader(niva, kod, "kon", c["kon"], c["kon_s"])
    out += enval_rader(niva, kod, "insatser", c["ins"], c["ins_s"], flerval_bas=c["ins_bas"])
    out += enval_rader(niva, kod, "aldersgrupp", c["alder"], c["alder_s"])
    out += enval_rader(niva, kod, "toppgrupp", {"Ja": c["topp"], "Nej": avsl - c["topp"]})
    out.append(medel_rad(niva, kod, "medel_antal_insatser", c["summa"], n))
    out += enval_rader(niva, kod, "aldersgrupp", c["hrv"], 0, delgrupp="hrv=Ja")
    return out


def resultat() -> RowList:
    levels = [("samtliga", "", list(REG))]
    levels += [("lan", lan, [k for k in REG if LAN[k] == lan]) for lan in ("01", "12")]
    levels += [("kommun", k, [r for r in REG if r[:4] == k]) for k in ("0114", "0115", "0180", "1281")]
    levels += [("stadsdel", "0180-01", ["0180-01"])]
    rows = []
    for niva, kod, regs in levels:
        rows += _tables(niva, kod, _sum(regs))
    return RowList.from_rows(rows, kalla="arenden.csv", n=sum(REG.values()))


@pytest.fixture(scope="module")
def res():
    return resultat()


# --- content: the tidy rows of the unit, its län and samtliga --------------------------------

def _rows_shown(r, res) -> set:
    """The rows a report shows, each checked to be its level's row of the results (or absent
    exactly where the results have no such row)."""
    shown = set()
    for t in r.tabeller:
        for rad in t.rader:
            for n, c in zip(r.nivaer, rad.celler):
                expected = [x for x in res.tabell(n.niva, n.kod, t.val.tabell, t.val.delgrupp) if x.kategori == rad.kategori]
                assert (c is None and not expected) or [c] == expected
                if c is not None:
                    shown.add(c)
    return shown


@pytest.mark.parametrize("niva,kod,levels", [
    ("kommun", "0114", [("kommun", "0114"), ("lan", "01"), ("samtliga", "")]),
    ("kommun", "0180", [("kommun", "0180"), ("lan", "01"), ("samtliga", "")]),
    ("stadsdel", "0180-01", [("stadsdel", "0180-01"), ("kommun", "0180"), ("lan", "01"), ("samtliga", "")]),
    ("kommun", "1281", [("kommun", "1281"), ("lan", "12"), ("samtliga", "")]),
])
def test_report_holds_exactly_the_tidy_rows_of_its_levels(res, niva, kod, levels):
    r = build_kommun_report(res, POP, niva, kod)
    assert [(n.niva, n.kod) for n in r.nivaer] == levels
    shown = _rows_shown(r, res)
    wanted = {x for x in res.rows if (x.niva, x.kod) in levels}
    assert shown == wanted  # every row of the unit, its län and samtliga, and nothing else


def test_names_and_order(res):
    r = build_kommun_report(res, POP, "stadsdel", "0180-01")
    assert [n.namn for n in r.nivaer] == ["Bromma", "Stockholm", "Stockholms län", "Samtliga"]
    assert r.stad_namn == "Stockholm"
    assert [k.namn for k in r.kapitel] == ["Målgruppen", "Insatser", "Toppgruppen", "Hedersrelaterat våld"]
    cats = [x.kategori for x in r.kapitel[0].tabeller[1].rader]
    assert cats == ["Kvinna", "Man", "uppgift_saknas"]


def test_small_kommun_sees_its_counts_and_symbols_only_where_withheld(res):
    r = build_kommun_report(res, POP, "kommun", "0115")
    egna = [x.celler[0] for t in r.tabeller for x in t.rader]
    hidden = [c for c in egna if hidden_row(c)]
    shown = [c for c in egna if c is not None and not hidden_row(c)]
    assert len(hidden) > 5 and len(shown) > 10
    for c in hidden:
        assert c.antal is None and cell(c, "antal") == MASKERAD and cell(c, "bas") == MASKERAD
    for c in shown:  # every base is under 20: the counts are shown, the shares are not
        assert c.bas is not None and c.bas < 20
        if c.kategori != "medel":
            assert c.antal is not None and cell(c, "andel") in (OSAKER, FINNS_INTE)
    html = render_kommun_report_html(r)
    assert html.count("visas inte: färre än 5 ärenden") >= len({id(c) for c in hidden}) > 0
    assert '<span aria-hidden="true">..</span><span class="dold">visas inte: basen under 20 ärenden</span>' in html


def test_unit_without_arenden_is_refused(res):
    with pytest.raises(EnhetWithoutArenden):
        build_kommun_report(res, POP, "kommun", "2584")
    with pytest.raises(EnhetWithoutArenden):
        build_kommun_report(res, POP, "stadsdel", "0180-02")


def test_every_table_of_the_catalogue_is_a_table_of_the_contract():
    tabeller = {v.kolumn for v in KODBOK.of_type("enval", "flerval")}
    tabeller |= {"faser", "aldersgrupp", "antal_insatser", "riskbedomning_gjord", "antal_samverkansparter",
                 "arendelangd", "har_brukarenkat", "toppgrupp", "medel_antal_insatser",
                 "medel_antal_samverkansparter", "medel_arendelangd"}
    chosen = {v.tabell for v in table_selection()}
    assert chosen == tabeller  # every table, and none the contract lacks
    assert len({(v.tabell, v.delgrupp) for v in table_selection()}) == len(table_selection())


# --- the differences named in the text --------------------------------------------------------

def test_differences_never_use_masked_cells_and_respect_the_base(res):
    for niva, kod in (("kommun", "0114"), ("kommun", "0115"), ("stadsdel", "0180-01"), ("kommun", "1281")):
        r = build_kommun_report(res, POP, niva, kod)
        for a in r.deviations:
            rad = next(x for x in a.tabell.rader if x.kategori == a.kategori)
            egen, alla = rad.celler[0], rad.celler[-1]
            assert not egen.maskerad and not alla.maskerad
            assert egen.bas >= MIN_BAS_AVVIKELSE and a.enhet == egen.andel and a.samtliga == alla.andel
            assert abs(a.difference) >= 5 and a.kategori != "uppgift_saknas" and not a.tabell.val.delgrupp
        diffs = [abs(a.difference) for a in r.deviations]
        assert diffs == sorted(diffs, reverse=True)
        assert len({a.tabell.nyckel for a in r.deviations}) == len(r.deviations)  # one per table
    assert build_kommun_report(res, POP, "kommun", "0115").deviations == ()  # 6 ärenden: nothing to name


def test_difference_text_is_in_the_page(res):
    r = build_kommun_report(res, POP, "kommun", "1281")
    assert r.deviations, "the fixture should give Lund a difference"
    html = render_kommun_report_html(r)
    a = r.deviations[0]
    assert f"{a.enhet} procent i Lund mot {a.samtliga} procent i samtliga" in html


# --- HTML ---------------------------------------------------------------------------------------

class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        self.text.append(data)


def parse(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


def test_html_is_self_contained_and_accessible(res):
    r = build_kommun_report(res, POP, "stadsdel", "0180-01")
    html = render_kommun_report_html(r)
    page = parse(html)
    tags = [t for t, _ in page.tags]
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"sv\">")
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    assert not re.search(r"(src|href)=", html) and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "url(" not in html and "@import" not in html
    assert all(a.get("scope") in ("col", "colgroup", "row") for t, a in page.tags if t == "th")
    svgs = [a for t, a in page.tags if t == "svg"]
    assert len(svgs) == sum(1 for t in r.tabeller if not t.medel)
    for a in svgs:
        assert a["role"] == "img"
        title_id, desc_id = a["aria-labelledby"].split()
        assert f'<title id="{title_id}">' in html and f'<desc id="{desc_id}">' in html
    ids = [a["id"] for _, a in page.tags if "id" in a]
    assert len(ids) == len(set(ids))


def test_html_holds_every_table_with_the_rows_values(res):
    r = build_kommun_report(res, POP, "kommun", "0114")
    page = parse(render_kommun_report_html(r))
    data_tables = page.tables[1:]  # the first is the key figures
    assert len(data_tables) == len(r.tabeller)
    for tab, html_table in zip(r.tabeller, data_tables):
        body = html_table[2:]
        assert [row[0] for row in body] == [category_text(x.kategori) for x in tab.rader]
        fields = level_fields(r, tab)
        for i, (rad, row) in enumerate(zip(tab.rader, body)):
            expected = []
            for c in rad.celler:
                if c is None:  # a table not written for the level: said once, across its rows
                    expected += ["Tabellen redovisas inte"] if i == 0 else []
                elif hidden_row(c):
                    expected.append(f"visas inte: färre än {r.minsta_antal} ärenden")
                else:
                    expected += [cell(c, f).replace("..", "..visas inte: basen under 20 ärenden") for f in fields]
            assert row[1:] == [e.replace("\u00a0", "\xa0") for e in expected]


def test_key_figures_and_toppgrupp(res):
    r = build_kommun_report(res, POP, "kommun", "0114")
    assert r.toppgrupp is not None and r.toppgrupp.kategori == "Ja"
    page = parse(render_kommun_report_html(r))
    key = page.tables[0]
    assert key[0][1:] == ["Upplands Väsby", "Stockholms län", "Samtliga"]
    assert key[1][1:] == [cell(c, "antal") for c in r.arenden.celler]
    assert key[3][1:] == [cell(c, "andel") for c in r.toppgrupp.celler]


def test_html_escapes_what_comes_from_the_input(res):
    res2 = RowList.from_rows(res.rows, n=res.n, kalla='<script>alert("x")</script>.csv')
    html = render_kommun_report_html(build_kommun_report(res2, POP, "kommun", "0114"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_masked_bars_are_not_drawn(res):
    r = build_kommun_report(res, POP, "kommun", "0115")
    html = render_kommun_report_html(r)
    svg = html[html.index("<svg"): html.index("</svg>")]
    # 0115's first bar block: the masked cells get a symbol, not a rect
    assert f">{MASKERAD}</text>" in html
    assert 'width="0"' not in svg


def test_one_symbol_set_in_every_isu_output(res, tmp_path):
    """The workbook and a unit's report (XLSX and HTML) mark a hidden row with `x`, a share on a
    base under 20 with `..`, a value that does not exist with `–` or a blank, a table not written
    with "redovisas inte" (`styles.py`, D160); each explains them."""
    from ojexcel.isu.workbook import write_isu_workbook
    from ojexcel.styles import EJ_REDOVISAD_MEANING, FINNS_INTE_MEANING, OSAKER_MEANING, SUPPRESSED, maskerad_meaning

    assert (MASKERAD, OSAKER, FINNS_INTE, EJ_REDOVISAD) == ("x", "..", "–", "redovisas inte") and MASKERAD == SUPPRESSED
    r = build_kommun_report(res, POP, "kommun", "0115")
    write_isu_workbook(res, tmp_path / "bok.xlsx")
    write_kommun_report_xlsx(r, tmp_path / "enhet.xlsx")
    html = render_kommun_report_html(r)
    for name in ("bok.xlsx", "enhet.xlsx"):
        texts = [c.value for ws in openpyxl.load_workbook(tmp_path / name) for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str)]
        assert MASKERAD in texts and OSAKER in texts, name
    for meaning in (maskerad_meaning(5), OSAKER_MEANING, FINNS_INTE_MEANING, EJ_REDOVISAD_MEANING):
        assert meaning in html
        assert any(meaning in (c.value or "") for ws in openpyxl.load_workbook(tmp_path / "enhet.xlsx")
                   for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    cover = [c.value for row in openpyxl.load_workbook(tmp_path / "bok.xlsx")["Information"].iter_rows() for c in row]
    assert MASKERAD in cover and OSAKER in cover  # the cover's sample cells of the symbols, explained beside them


def test_byte_identical_rebuilds(res, tmp_path):
    r = build_kommun_report(res, POP, "stadsdel", "0180-01")
    write_kommun_report_html(r, tmp_path / "a.html")
    write_kommun_report_html(build_kommun_report(resultat(), POP, "stadsdel", "0180-01"), tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    write_kommun_report_xlsx(r, tmp_path / "a.xlsx")
    write_kommun_report_xlsx(build_kommun_report(resultat(), POP, "stadsdel", "0180-01"), tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


# --- XLSX ---------------------------------------------------------------------------------------

def test_xlsx_holds_every_table_read_back(res, tmp_path):
    r = build_kommun_report(res, POP, "kommun", "0115")
    path = tmp_path / "r.xlsx"
    write_kommun_report_xlsx(r, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Om rapporten"] + [k.namn for k in r.kapitel]
    n_tables = 0
    for kap in r.kapitel:
        ws = wb[kap.namn]
        tables = sorted(ws.tables.values(), key=lambda t: int(t.name[6:]))
        assert len(tables) == len(kap.tabeller)
        for tab, xt in zip(kap.tabeller, tables):
            n_tables += 1
            cells = [[c.value for c in row] for row in ws[xt.ref]]
            fields = level_fields(r, tab)
            assert cells[0][1] == ("Vallentuna: ärenden" if tab.medel else "Vallentuna: antal")
            for rad, row in zip(tab.rader, cells[1:]):
                assert row[0] == category_text(rad.kategori)
                for i, c in enumerate(rad.celler):
                    for j, f in enumerate(fields):
                        got = row[1 + len(fields) * i + j]
                        if c is None:
                            assert got == (EJ_REDOVISAD if j == 0 else None)
                        elif getattr(c, f) is None:
                            assert got == (OSAKER if f in c.maskerad and "bas" not in c.maskerad else
                                           MASKERAD if f in c.maskerad else FINNS_INTE)
                        else:
                            assert got == (float(c.medel) if f == "medel" else getattr(c, f))
    assert n_tables == len(r.tabeller)
    om = [c.value for row in wb["Om rapporten"].iter_rows() for c in row if c.value is not None]
    assert "Så skyddas små tal" in om and any(isinstance(v, str) and "högst 3" in v for v in om)


# --- the command ----------------------------------------------------------------------------------

@pytest.fixture
def fake_engine(monkeypatch):
    """`read_arenden` and `sammanstall` replaced, so the command runs on a small known result (the engine is tested on its own and in `test_with_the_real_engine_on_the_sample`)."""
    seen = {}

    from ojexcel.isu import gate

    def read_arenden(path, kodbok, population, period=(None, None), nyckel=None):
        from .isu_bygg import bygg_arenden

        seen["period"], seen["nyckel"] = period, nyckel
        return bygg_arenden([{"enhetskod": "0114", "datum_aktualisering": "2022-01-01"}], kalla=Path(path).name)

    def compile_tables(data, minsta_antal=5, utan_brus=False, demo_key=False):
        seen["minsta_antal"] = minsta_antal
        return resultat()

    def check(resultat):
        seen["gate"] = seen.get("gate", 0) + 1
        return gate.GateResult(0, [], {"unknowns": 0})

    monkeypatch.setattr(isu_arenden, "read_arenden", read_arenden)
    monkeypatch.setattr(isu_tabeller, "compile_tables", compile_tables)
    monkeypatch.setattr(gate, "check", check)
    return seen


DEMO_KEY = Path(__file__).resolve().parents[1] / "samples" / "isu_demo.key"


def run(*args):
    """`isu kommun` with a key file (the embedded sample's demo key serves any test input)."""
    return CliRunner().invoke(main, ["isu", "kommun", *[str(a) for a in args], "--nyckelfil", str(DEMO_KEY)])


def test_cli_one_unit_by_name_or_code(tmp_path, fake_engine):
    src = tmp_path / "arenden.csv"
    src.write_text("x\n", encoding="utf-8")
    out = tmp_path / "bromma.html"
    r = run("Bromma", src, "--out", out, "--minsta-antal", 3, "--period", "2022-01-01:2022-12-31")
    assert r.exit_code == 0, r.output
    assert fake_engine["minsta_antal"] == 3 and str(fake_engine["period"][0]) == "2022-01-01"
    assert fake_engine["nyckel"] == DEMO_KEY.read_bytes() and fake_engine["gate"] == 1  # audited before writing
    assert "<h1>Stöd till våldsutsatta vuxna: Bromma, Stockholm (0180-01)</h1>" in out.read_text(encoding="utf-8")
    out2 = tmp_path / "sthlm.xlsx"
    assert run("0180", src, "--out", out2).exit_code == 0
    assert openpyxl.load_workbook(out2).sheetnames[0] == "Om rapporten"


def test_cli_unit_without_arenden_or_unknown(tmp_path, fake_engine):
    src = tmp_path / "arenden.csv"
    src.write_text("x\n", encoding="utf-8")
    out = tmp_path / "r.html"
    r = run("Kiruna", src, "--out", out)
    assert r.exit_code == 1 and "no published table" in r.output and not out.exists()
    r = run("Ingenstans", src, "--out", out)
    assert r.exit_code == 1 and "Ingenstans" in r.output and not out.exists()
    assert run(src, "--out", out).exit_code in (1, 2)  # KOD missing: the file name is no unit


def test_cli_all_writes_one_file_per_unit_with_arenden(tmp_path, fake_engine):
    src = tmp_path / "arenden.csv"
    src.write_text("x\n", encoding="utf-8")
    out_dir = tmp_path / "ut"
    r = run("--all", src, "--out-dir", out_dir, "--format", "html")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "0114.html", "0115.html", "0180-01.html", "0180.html", "1281.html"]
    r = run("--all", src, "--out-dir", tmp_path / "x")
    assert r.exit_code == 0 and sorted(p.suffix for p in (tmp_path / "x").iterdir()) == [".xlsx"] * 5


def test_cli_usage_errors(tmp_path, fake_engine):
    assert run("0114", "--out", tmp_path / "a.html", "--out-dir", tmp_path).exit_code == 2
    assert run("--all", "--out", tmp_path / "a.html").exit_code == 2
    assert run("0114").exit_code == 2
    assert run("0114", "--out", tmp_path / "a.pdf").exit_code == 2


def test_cli_shares_the_survey_commands_argument_rules(tmp_path, fake_engine):
    """One parser for `kommun` and `isu kommun` (`cli.kommun_arguments`): the survey's rules."""
    r = run("0114", "--out", tmp_path / "a.xlsx", "--format", "html")  # --format disagrees with the suffix
    assert r.exit_code == 2 and "--format html" in r.output and not (tmp_path / "a.xlsx").exists()
    assert run("0114", "--out", tmp_path / "a.htm", "--format", "html").exit_code == 0
    r = run("--all", "0114", "--out-dir", tmp_path / "ut")  # a code with --all is not a file
    assert r.exit_code == 2 and "takes no KOD" in r.output and "an ärende file" in r.output
    r = run("--all", "--out-dir", tmp_path / "saknas" / "ut")  # the folder above must exist
    assert r.exit_code == 1 and "does not exist" in r.output and not (tmp_path / "saknas").exists()
    src = tmp_path / "0114.html"
    src.write_text("x\n", encoding="utf-8")
    r = run("--all", src, "--out-dir", tmp_path, "--format", "html")  # an output would replace the input
    assert r.exit_code == 1 and "0114.html" in r.output and src.read_text(encoding="utf-8") == "x\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0114.html", "a.htm"]


@pytest.mark.slow
def test_with_the_real_engine_on_the_sample(tmp_path):
    """Every catalogued table exists, and a kommun's, a district's and a city's report hold
    exactly their levels' rows."""
    from ojexcel.cli.isu import sample_path

    source = sample_path()
    res = isu_tabeller.compile_tables(isu_arenden.read_arenden(source, KODBOK, POP, nyckel=DEMO_KEY.read_bytes()),
                                      minsta_antal=5)
    assert {v.tabell for v in table_selection()} <= set(res.tabellnamn())
    assert {v.delgrupp for v in table_selection()} <= set(res.delgrupper())
    kommuner, stadsdelar = res.enheter("kommun"), res.enheter("stadsdel")
    units = [("kommun", kommuner[0])] + [("stadsdel", s) for s in stadsdelar[:1]]
    units += [("kommun", s[:4]) for s in stadsdelar[:1]]
    for niva, kod in units:
        r = build_kommun_report(res, POP, niva, kod)
        levels = {(n.niva, n.kod) for n in r.nivaer}
        assert _rows_shown(r, res)
        assert len(levels) == len(r.nivaer)
        write_kommun_report_html(r, tmp_path / f"{kod}.html")
        write_kommun_report_xlsx(r, tmp_path / f"{kod}.xlsx")
    _no_identifier_in(source, list(tmp_path.iterdir()))


def _no_identifier_in(source: Path, outputs: list[Path]) -> None:
    """No arende_id, klient_id, handlaggare or free text of the sample in any output (HTML, XLSX parts)."""
    import csv as _csv
    import io as _io
    import zipfile

    text = source.read_text(encoding="utf-8-sig")
    delim = ";" if text.split("\n", 1)[0].count(";") else ","
    secrets = set()
    for row in _csv.DictReader(_io.StringIO(text), delimiter=delim):
        for col in ("arende_id", "klient_id", "handlaggare", "bu_forbattringsforslag"):
            v = (row.get(col) or "").strip()
            if len(v) >= 4:  # shorter values occur in any text by chance
                secrets.add(v)
    assert secrets
    for out in outputs:
        if out.suffix == ".xlsx":
            with zipfile.ZipFile(out) as z:
                blob = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            blob = out.read_text(encoding="utf-8")
        leaked = [s for s in secrets if s in blob]
        assert not leaked, (out.name, leaked[:5])


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_contrast_at_least_4_5(res):
    """Every text colour of the page (CSS `color:` and SVG text `fill`) against every background
    it can stand on (white, the header grey) has a contrast of at least 4.5:1."""
    html = render_kommun_report_html(build_kommun_report(res, POP, "kommun", "0114"))
    assert set(re.findall(r"background: (#[0-9a-f]+)", html)) == {"#fff", "#f0f0f0"}
    assert re.findall(r'<rect x="0" y="0" [^>]*fill="(#[0-9a-f]+)"', html) and set(
        re.findall(r'<rect x="0" y="0" [^>]*fill="(#[0-9a-f]+)"', html)) == {"#ffffff"}  # chart backgrounds
    colours = set(re.findall(r"[^-]color: (#[0-9a-f]{3,6})", html)) | set(re.findall(r'<text[^>]* fill="(#[0-9a-f]{6})"', html))
    assert {"#1a1a1a", "#333"} <= colours
    for c in colours:
        c = c if len(c) == 7 else "#" + "".join(ch * 2 for ch in c[1:])
        for b in ("#ffffff", "#f0f0f0"):
            assert contrast(c, b) >= 4.5, (c, b)


# --- names: readers see Swedish display names, never a variable's name ----------------------------

RAW = re.compile(r"\w_\w|=|arendelangd|riskbedomning|\bhrv\b|\bkon\b")  # HRV, SKR's abbreviation, is a word


class _Visible(HTMLParser):
    """The text a reader sees (and a screen reader reads): text outside <style>, and alt texts."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        self._style = tag == "style"
        self.parts += [v for k, v in attrs if k in ("alt", "aria-label", "title") and v]

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if not self._style:
            self.parts.append(data)


def _raw_names(texts, kalla: str) -> list[str]:
    out = []
    for text in texts:
        text = str(text).replace(kalla, "")  # the input's file name is the user's, not a variable
        out += [w for w in text.split() if RAW.search(w)]
    return sorted(set(out))


def test_no_raw_identifier_in_the_visible_text(tmp_path):
    """Every heading, caption, legend and text of the HTML and every XLSX cell names delgrupper and
    categories by the workbook catalogue's display names (`hrv=Ja` → 'Hedersrelaterat våld: ja',
    `arendelangd=0-90` → 'Ärendelängd 0–90 dagar', `kon=Man` → 'Män')."""
    from ojexcel.cli.isu import sample_path

    res = isu_tabeller.compile_tables(isu_arenden.read_arenden(sample_path(), KODBOK, POP, nyckel=DEMO_KEY.read_bytes()),
                                      minsta_antal=5)
    kod = res.enheter("stadsdel")[0]
    r = build_kommun_report(res, POP, "stadsdel", kod)
    assert any(t.val.delgrupp.startswith("arendelangd=") for t in r.tabeller)
    html = render_kommun_report_html(r)
    page = _Visible()
    page.feed(html)
    visible = " ".join(page.parts)
    assert _raw_names([visible], r.kalla) == []
    for name in ("Ärendelängd 0–90 dagar", "Hedersrelaterat våld: ja", "Hedersrelaterat våld: nej", "Män", "Kvinnor"):
        assert name in visible
    out = tmp_path / "r.xlsx"
    write_kommun_report_xlsx(r, out)
    cells = [c for ws in openpyxl.load_workbook(out).worksheets for row in ws.iter_rows(values_only=True)
             for c in row if isinstance(c, str)]
    assert _raw_names(cells, r.kalla) == []
    assert any("Ärendelängd 361 dagar eller mer" in c for c in cells)


def test_the_raw_identifier_check_can_fail():
    assert _raw_names(["Ärenden med arendelangd: 0-90", "hrv=Ja", "riskbedomning_gjord"], "x.csv") == [
        "arendelangd:", "hrv=Ja", "riskbedomning_gjord"]
    assert _raw_names(["Källa: isu_arenden.csv", "Hedersrelaterat våld: ja"], "isu_arenden.csv") == []


@pytest.mark.slow
def test_libreoffice_prints_no_table_of_the_xlsx_report_across_two_pages(tmp_path):
    """D187: printed, each page of a chapter sheet begins with the chapter's title or a table's;
    a table never runs over a page break (Stockholm: the largest report of the sample)."""
    from .libreoffice import first_line, pdf_pages

    book = tmp_path / "stockholm.xlsx"
    result = CliRunner().invoke(main, ["isu", "kommun", "0180", "--out", str(book), "-q"])
    assert result.exit_code == 0, result.output
    pages = pdf_pages(book, tmp_path)
    wb = openpyxl.load_workbook(book)
    titles = {str(ws.cell(r, 1).value) for ws in wb.worksheets[1:] for r in range(1, ws.max_row + 1)
              if ws.cell(r, 1).font is not None and ws.cell(r, 1).font.b and ws.cell(r, 1).value
              and (ws.cell(r, 1).font.sz or 11) >= 12}
    first_chapter = next(i for i, p in enumerate(pages) if first_line(p) == wb.worksheets[1].title)
    assert len(pages) - first_chapter >= len(wb.worksheets) - 1
    for n, page in enumerate(pages[first_chapter:], start=first_chapter + 1):
        first = first_line(page)
        assert any(first.startswith(t[:40]) for t in titles), (n, first)
