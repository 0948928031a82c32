"""Years side by side: `ojexcel trend`, its model, comparability breaks, the 2016/2018 samples."""
from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ojexcel import styles
from ojexcel.survey.arsgang import load_arsgang, load_catalogue
from ojexcel.cli import main
from ojexcel.survey.compilation import build_results, sample_path
from ojexcel.problems import InputError
from ojexcel.survey.tidy import read_tidy
from ojexcel.survey.trend import (
    DELVIS_JAMFORBAR,
    EJ_JAMFORBAR,
    JAMFORBAR,
    build_trend,
    comparability,
    parse_year_file,
    read_inputs,
    unit_series,
)

ROOT = Path(__file__).resolve().parents[1]
SPEC = Path(__file__).parent / "spec"
YEARS = (2016, 2017, 2018)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# `tidy_files` (the three samples' tidy exports) comes from conftest.py.


@pytest.fixture(scope="module")
def tidy(tidy_files):
    return {year: {r.key: r for r in read_tidy(p)} for year, p in tidy_files.items()}


@pytest.fixture(scope="module")
def trend(tidy_files):
    return build_trend(read_inputs(sorted(tidy_files.items())))


@pytest.fixture(scope="module")
def workbook(tidy_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("trend") / "trend.xlsx"
    result = run("trend", *(f"{y}={p}" for y, p in tidy_files.items()), "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def book(workbook):
    return openpyxl.load_workbook(workbook)


# -- the model: values are the inputs' ------------------------------------------------------------

@pytest.mark.slow
def test_every_value_equals_its_tidy_export(trend, tidy):
    assert trend.years == YEARS
    assert len(trend.riket) == 55 and len(trend.lan) == 21 * 55 and len(trend.enheter) == 316
    for row in trend.riket + trend.lan:
        for cell in row.cells:
            assert cell.varde == tidy[cell.ar][(row.niva, row.kod, row.indikator.id)].varde
    for unit in trend.enheter:
        for ind, values in zip(trend.indicators, unit.varden):
            assert values == tuple(tidy[y][("enhet", unit.kod, ind.id)].varde for y in YEARS)


def test_change_is_last_minus_first_unless_a_break(trend, tidy):
    for row in trend.riket + trend.lan:
        f = row.forandring
        first, last = (tidy[y][(row.niva, row.kod, row.indikator.id)].varde for y in (2016, 2018))
        worst = {s.jamforbarhet for s in row.indikator.steg}
        if EJ_JAMFORBAR in worst:
            assert f.procentenheter is None and f.orsak == EJ_JAMFORBAR
        elif first and last:
            assert f.procentenheter == int(last) - int(first)
            assert f.jamforbarhet == (DELVIS_JAMFORBAR if DELVIS_JAMFORBAR in worst else JAMFORBAR)
        else:
            assert f.procentenheter is None


# -- comparability ---------------------------------------------------------------------------------

def test_breaks_follow_each_years_catalogue(trend):
    kinds = {JAMFORBAR: 0, DELVIS_JAMFORBAR: 0, EJ_JAMFORBAR: 0}
    for ind in trend.indicators:
        assert ind.step_to(2016) is None  # first year of the series
        s17, s18 = ind.step_to(2017), ind.step_to(2018)
        assert s17.jamforbarhet == comparability(load_arsgang(2017), ind.id)[0]
        assert s18.jamforbarhet == comparability(load_arsgang(2018), ind.id)[0]
        if s17.brott:
            assert load_arsgang(2017).comparability[ind.id].not_ in s17.not_
        kinds[s17.jamforbarhet] += 1
    # The guide (Bilaga 1) names indicators of both kinds of break between 2016 and 2017.
    assert kinds[EJ_JAMFORBAR] > 0 and kinds[DELVIS_JAMFORBAR] > 0 and kinds[JAMFORBAR] > 0


def test_2018_is_comparable_with_2017_unless_the_catalogue_says_otherwise():
    arsgang = load_arsgang(2018)
    for ind in arsgang.catalogue:
        found = arsgang.comparability[ind.id]
        assert found.jamforbarhet in (JAMFORBAR, DELVIS_JAMFORBAR, EJ_JAMFORBAR)
        if found.jamforbarhet == JAMFORBAR:
            assert "faktabladet 2018" in found.not_.lower()


def test_a_step_over_a_missing_year_takes_the_worst_break(tidy_files):
    t = build_trend(read_inputs([(2016, tidy_files[2016]), (2018, tidy_files[2018])]))
    for row in t.riket:
        step = row.indikator.step_to(2018)
        assert (step.fran, step.till) == (2016, 2018)
        assert step.jamforbarhet == comparability(load_arsgang(2017), row.indikator.id)[0]
        if step.jamforbarhet == EJ_JAMFORBAR:
            assert row.forandring.procentenheter is None


@pytest.mark.slow
def test_an_indicator_missing_in_a_year_starts_its_series_later(tidy_files, tmp_path):
    lines = tidy_files[2016].read_text(encoding="utf-8").splitlines(keepends=True)
    cut = tmp_path / "t16.csv"
    cut.write_text("".join(l for l in lines if ",rutin_sip_ekb," not in l), encoding="utf-8")
    t = build_trend(read_inputs([(2016, cut), (2017, tidy_files[2017])]))
    row = next(r for r in t.riket if r.indikator.id == "rutin_sip_ekb")
    assert row.cells[0].varde is None  # no row in 2016: shown as "saknas", not as a value
    assert row.cells[1].steg is None  # nothing before 2017 to compare with: no break drawn
    assert row.forandring is None
    out = tmp_path / "t.xlsx"
    assert run("trend", f"2016={cut}", f"2017={tidy_files[2017]}", "--out", out).exit_code == 0
    rows = list(openpyxl.load_workbook(out, read_only=True)["Riket"].iter_rows(values_only=True))
    assert next(r for r in rows if r[2] == "rutin_sip_ekb")[3] == styles.SAKNAS


# -- the 2018 fact sheet -----------------------------------------------------------------------------

def test_three_sample_years_reproduce_fact_sheet_tables_1_to_4(trend):
    with open(SPEC / "faktablad_2018_tabeller.csv", encoding="utf-8") as fh:
        expected = list(csv.DictReader(fh))
    assert {r["tabell"] for r in expected} == {"1", "2", "3", "4"}
    riket = {row.indikator.id: {c.ar: c.varde for c in row.cells} for row in trend.riket}
    for r in expected:
        assert riket[r["indikator"]][int(r["ar"])] == r["riket_andel"], r
    # Table 4's text: "ökat med nio respektive sju procentenheter under de senaste tre åren".
    by_id = {row.indikator.id: row for row in trend.riket}
    for ind in ("utbildning_vuxna_fortbildning", "utbildning_barn_fortbildning"):
        figures = {int(r["ar"]): int(r["riket_andel"]) for r in expected if r["indikator"] == ind}
        assert by_id[ind].forandring.procentenheter == figures[2018] - figures[2016]
    assert [by_id[i].forandring.procentenheter for i in ("utbildning_vuxna_fortbildning", "utbildning_barn_fortbildning")] == [9, 7]


# -- the workbook ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_workbook_riket_and_lan_show_the_inputs_with_markers(book, trend, tidy):
    wb = book
    assert wb.sheetnames == ["Om tabellerna", "Riket", "Län", "Enheter per år"]
    ws = wb["Riket"]
    header = [c.value for c in ws[1]]
    assert header[3:6] == ["2016", "2017", "2018"]
    marks = {EJ_JAMFORBAR: styles.EJ_JAMFORBAR_MARK, DELVIS_JAMFORBAR: styles.DELVIS_JAMFORBAR_MARK}
    for r, row in enumerate(trend.riket, start=2):
        assert ws.cell(r, 3).value == row.indikator.id
        for c, year in enumerate(YEARS, start=4):
            cell = ws.cell(r, c)
            value = tidy[year][("riket", "", row.indikator.id)].varde
            assert cell.value == (int(value) if value else styles.SUPPRESSED)
            step = row.indikator.step_to(year)
            if step is not None and step.brott:
                assert marks[step.jamforbarhet] in cell.number_format
                assert cell.comment is not None and step.not_ in cell.comment.text
            else:
                assert "†" not in cell.number_format and "*" not in cell.number_format
                assert cell.comment is None
        change = ws.cell(r, 7).value
        if row.forandring.orsak == EJ_JAMFORBAR:
            assert change == f"ej beräknad {styles.EJ_JAMFORBAR_MARK}"  # never a number across a break
        else:
            assert change == row.forandring.procentenheter
    ws = wb["Län"]
    for r, row in enumerate(trend.lan[:110], start=2):
        assert (ws.cell(r, 1).value, ws.cell(r, 5).value) == (row.kod, row.indikator.id)
        for c, year in enumerate(YEARS, start=6):
            value = tidy[year][("lan", row.kod, row.indikator.id)].varde
            assert ws.cell(r, c).value == (int(value) if value else styles.SUPPRESSED)


def test_workbook_units_sheet_has_every_value_year_by_year(book, trend, tidy):
    ws = book["Enheter per år"]
    assert ws.max_row == 3 + 316
    ids = [ws.cell(2, 3 + 3 * i).value for i in range(55)]
    assert ids == [ind.id for ind in trend.indicators]
    for i, ind in enumerate(trend.indicators):
        for j, year in enumerate(YEARS):
            head = ws.cell(3, 3 + 3 * i + j)
            step = ind.step_to(year)
            assert head.value.startswith(str(year))
            assert (head.comment is not None) == bool(step and step.brott)
    for r in range(4, 4 + 316, 7):  # every 7th unit, all its cells
        kod = ws.cell(r, 1).value
        for i, ind in enumerate(trend.indicators):
            for j, year in enumerate(YEARS):
                value = tidy[year][("enhet", kod, ind.id)].varde
                assert ws.cell(r, 3 + 3 * i + j).value == (value or styles.BORTFALL)


def test_cover_sheet_explains_every_marker_and_lists_every_break(book, trend):
    text = "\n".join(str(c.value) for c in book["Om tabellerna"]["A"] if c.value)
    for symbol, meaning in (
        (styles.EJ_JAMFORBAR_MARK, styles.EJ_JAMFORBAR_MEANING),
        (styles.DELVIS_JAMFORBAR_MARK, styles.DELVIS_JAMFORBAR_MEANING),
        (styles.BORTFALL, styles.BORTFALL_MEANING),
        (styles.SUPPRESSED, styles.SUPPRESSED_MEANING),
        (styles.SAKNAS, styles.SAKNAS_MEANING),
    ):
        assert f"{symbol}  {meaning}" in text
    for ind, step in trend.breaks:
        assert f"({ind.id}): {step.not_}" in text


@pytest.mark.slow
def test_workbook_is_byte_reproducible(workbook, tidy_files, tmp_path):
    again = tmp_path / "again.xlsx"
    assert run("trend", *(f"{y}={p}" for y, p in tidy_files.items()), "--out", again, "-q").exit_code == 0
    assert again.read_bytes() == workbook.read_bytes()


# -- one unit's series, for `ojexcel kommun --history` -----------------------------------------------

@pytest.mark.slow
def test_unit_series(tidy_files, tidy):
    rows = unit_series("1480-03", sorted(tidy_files.items()))
    assert len(rows) == 55
    for row in rows:
        assert tuple(c.varde for c in row.cells) == tuple(tidy[y][("enhet", "1480-03", row.indikator.id)].varde for y in YEARS)
        assert row.forandring is None
    with pytest.raises(InputError):
        unit_series("9999", sorted(tidy_files.items()))


# -- bad input -----------------------------------------------------------------------------------------

def test_year_file_argument():
    assert parse_year_file("2017=a=b.csv") == (2017, Path("a=b.csv"))
    for bad in ("2017", "x=a.csv", "2017="):
        with pytest.raises(ValueError):
            parse_year_file(bad)


def test_bad_inputs_write_nothing(tidy_files, tmp_path):
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"old")
    bad = tmp_path / "bad.csv"
    bad.write_text("niva,kod,indikator,varde,ja,delvis,nej,ej_aktuellt,bortfall,enheter\nenhet,0114,socialjour,Kanske,,,,,,\n", encoding="utf-8")
    old_format = tmp_path / "old_format.csv"  # without `ar`, as written before it was added
    old_format.write_text(
        "".join(line.split(",", 1)[1] for line in open(tidy_files[2016], encoding="utf-8")), encoding="utf-8"
    )
    cases = [
        ([f"2016={tidy_files[2016]}", f"2016={tidy_files[2017]}"], "given more than once"),
        ([f"2016={tidy_files[2016]}", f"2017={tmp_path / 'nope.csv'}"], "no such file"),
        ([f"2016={tidy_files[2016]}", f"2017={bad}"], "row 2"),
        ([f"2015={tidy_files[2016]}"], "the file was given as year 2015 but holds year 2016"),
        ([f"2016={tidy_files[2017]}"], "the file was given as year 2016 but holds year 2017"),
        ([f"2015={old_format}"], "year 2015: no embedded årgång"),
    ]
    for args, message in cases:
        result = run("trend", *args, "--out", out)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output
        assert out.read_bytes() == b"old"
    assert run("trend", "2016", "--out", out).exit_code == 2


def test_a_tidy_export_of_another_catalogue_is_refused(tidy_files, tmp_path):
    text = tidy_files[2017].read_text(encoding="utf-8").replace(",socialjour,", ",socialjour_2019,")
    other = tmp_path / "other.csv"
    other.write_text(text, encoding="utf-8")
    result = run("trend", f"2016={tidy_files[2016]}", f"2017={other}", "--out", tmp_path / "t.xlsx")
    assert result.exit_code == 1
    assert "indicator not in the 2017 catalogue" in result.output and "socialjour_2019" in result.output


# -- the 2016 and 2018 samples and catalogues ------------------------------------------------------------

@pytest.mark.parametrize("year", [2016, 2018])
def test_sample_reproduces_published_riket(year, tidy):
    with open(ROOT / "samples" / "published_riket.csv", encoding="utf-8") as fh:
        published = [r for r in csv.DictReader(fh) if r["ar"] == str(year)]
    assert published
    for row in published:
        got = int(tidy[year][("riket", "", row["indikator"])].varde)
        low, _, high = row["riket_andel"].partition("-")
        assert int(low) <= got <= int(high or low), row


@pytest.mark.parametrize("year", [2016, 2018])
def test_sample_is_reproduced_by_the_generator(year, tmp_path):
    gen = _load_module("generate", ROOT / "dev" / "generate_samples.py")
    path = gen.generate(year, tmp_path)
    assert path.read_bytes() == sample_path(year).read_bytes()
    seed, answered, answered_vinr = gen.SAMPLES[year]
    results = build_results(None, year)
    assert (results.answered_survey, results.answered_vinr) == (answered, answered_vinr)


def test_2016_and_2018_arsgangar_are_derived_from_2017(tmp_path):
    derive = _load_module("derive_arsgangar", ROOT / "dev" / "derive_arsgangar.py")
    written = derive.main(tmp_path)
    assert len(written) == 13
    for path in written:
        packaged = ROOT / "ojexcel" / "survey" / "arsgangar" / path.parent.name / path.name
        assert path.read_bytes() == packaged.read_bytes(), f"{packaged} is stale: run python -m dev.derive_arsgangar"
    cat16, cat17 = load_catalogue(2016), load_catalogue(2017)
    assert cat16.ids == cat17.ids == load_catalogue(2018).ids
    first = load_arsgang(2016)
    assert first.previous is None and not first.comparability  # first year of the series
    assert load_arsgang(2018).previous_year == 2017 and load_arsgang(2017).previous_year == 2016


def test_one_year_trend_has_its_indicator_headers_and_no_change_column(tidy_files, tmp_path):
    out = tmp_path / "one.xlsx"
    result = run("trend", f"2017={tidy_files[2017]}", "--out", out)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    ws = wb["Enheter per år"]
    cat = load_catalogue(2017)
    assert [ws.cell(row=1, column=3 + i).value for i in range(len(cat))] == [i.kortnamn for i in cat]
    assert [ws.cell(row=2, column=3 + i).value for i in range(len(cat))] == list(cat.ids)
    assert not any(str(h).startswith("Förändring") for r in wb["Riket"].iter_rows(values_only=True) for h in r if h)


@pytest.mark.slow
def test_trend_bytes_do_not_depend_on_where_the_inputs_live(tidy_files, tmp_path):
    import shutil

    moved = tmp_path / "elsewhere"
    moved.mkdir()
    copies = {y: shutil.copy(p, moved / p.name) for y, p in tidy_files.items()}
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("trend", *(f"{y}={p}" for y, p in tidy_files.items()), "--out", a).exit_code == 0
    assert run("trend", *(f"{y}={p}" for y, p in copies.items()), "--out", b).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_non_ascii_digit_share_is_a_clear_error(tidy_files, tmp_path):
    text = tidy_files[2017].read_text(encoding="utf-8").replace("riket,,socialjour,83,", "riket,,socialjour,²,", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    assert "riket,,socialjour,²," in text
    result = run("trend", f"2017={bad}", "--out", tmp_path / "t.xlsx")
    assert result.exit_code == 1 and "whole number" in result.output and "Traceback" not in result.output


def test_every_comparability_value_has_a_marker():
    from ojexcel.survey import trend

    assert set(styles.COMPARABILITY_MARKS) == {trend.JAMFORBAR, trend.DELVIS_JAMFORBAR, trend.EJ_JAMFORBAR}
