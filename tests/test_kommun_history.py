"""`ojexcel kommun --history`: a unit's own series, checked against the tidy exports it was read from."""
from __future__ import annotations

import html
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ojexcel import styles
from ojexcel.survey.rules import VALUE_COLOURS
from ojexcel.survey.arsgang import load_arsgang, load_catalogue
from ojexcel.cli import main
from ojexcel.survey.kommun_report import Comparisons, build_sheet, find_enhet
from ojexcel.survey.kommun_history import load_history
from ojexcel.survey.kommun_report_xlsx import write_kommun_xlsx, write_kommun_xlsx_reference
from ojexcel.survey.compilation import build_results
from ojexcel.survey.tidy import TIDY_HEADER
from ojexcel.survey.tidy import read_tidy
from ojexcel.survey.trend import DELVIS_JAMFORBAR, EJ_JAMFORBAR, JAMFORBAR, comparability, parse_year_files

from .test_kommun import cell_look

YEARS = (2016, 2017, 2018)
SHEET = "Jämförelse"
BAND_UNIT, BAND_CITY = "Eget värde per år", "Stadens andel med Ja per år (%)"
MARK = {JAMFORBAR: "", DELVIS_JAMFORBAR: styles.DELVIS_JAMFORBAR_MARK, EJ_JAMFORBAR: styles.EJ_JAMFORBAR_MARK}
BREAK = "rutin_indikation_ekb"  # "ej jämförbar" 2016 -> 2017 in the 2017 catalogue


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


# `tidy_files` (the three samples' tidy exports) comes from conftest.py.


@pytest.fixture(scope="module")
def tidy(tidy_files):
    return {year: {row.key: row for row in read_tidy(path)} for year, path in tidy_files.items()}


@pytest.fixture(scope="module")
def results():
    return build_results(None, 2017)


def history_args(tidy_files, years=YEARS):
    # One YEAR=FILE per option and, for the rest, several in one value: both forms are accepted.
    first, *rest = years
    args = ["--history", f"{first}={tidy_files[first]}"]
    if rest:
        args += ["--history", ",".join(f"{y}={tidy_files[y]}" for y in rest)]
    return args


def write(tmp_path, tidy_files, kod, fmt="xlsx", years=YEARS, name=None):
    out = tmp_path / (name or f"{kod}.{fmt}")
    result = run("kommun", kod, "--year", 2017, "--out", out, "--format", fmt, *history_args(tidy_files, years))
    assert result.exit_code == 0, result.output
    return out, result


def history_table(path):
    """{indicator id: {year: cell}} of the history block, and the block's band text."""
    ws = openpyxl.load_workbook(path)[SHEET]
    rows = list(ws.iter_rows())
    head = next(i for i, r in enumerate(rows) if r[0].value == "Indikator")
    band_cells = [(c, cell.value) for c, cell in enumerate(rows[head - 1]) if cell.value]
    start, band = band_cells[-1]
    years = {c: int(rows[head][c].value) for c in range(start, len(rows[head])) if rows[head][c].value}
    by_name = {ind.kortnamn: ind.id for ind in load_catalogue(2017)}
    table = {}
    for r in rows[head + 1 :]:
        if r[0].value in by_name:
            table[by_name[r[0].value]] = {year: r[c] for c, year in years.items()}
    return table, band, ws


def expected(tidy, year, niva, kod, ind):
    varde = tidy[year][niva, kod, ind].varde
    if niva == "storstad":
        return int(varde) if varde else styles.SUPPRESSED
    return varde or styles.BORTFALL


def expected_mark(year, ind, shown):
    """The marker a value must carry: the year's catalogue's comparability with the year before."""
    if year == YEARS[0] or shown in (styles.BORTFALL, styles.SUPPRESSED):
        return ""
    return MARK[comparability(load_arsgang(year), ind)[0]]


# ----------------------------------------------------------------------------------------------
# The values are the tidy inputs'


@pytest.mark.parametrize("kod, niva, band", [("0114", "enhet", BAND_UNIT), ("0180-01", "enhet", BAND_UNIT),
                                             ("1480", "storstad", BAND_CITY)])
@pytest.mark.slow
def test_history_equals_tidy_inputs(tmp_path, tidy_files, tidy, kod, niva, band):
    path, _ = write(tmp_path, tidy_files, kod)
    table, shown_band, _ = history_table(path)
    assert shown_band == band
    assert set(table) == set(load_catalogue(2017).ids)
    for ind, cells in table.items():
        assert list(cells) == list(YEARS)
        for year, cell in cells.items():
            value = expected(tidy, year, niva, kod, ind)
            assert cell.value == value, (ind, year)
            mark = expected_mark(year, ind, value)
            if mark:  # the value keeps its type; the format shows the marker
                assert cell.number_format == (f'@" {mark}"' if isinstance(value, str) else f'0" {mark}"'), (ind, year)
            else:
                assert "†" not in cell.number_format and "*" not in cell.number_format, (ind, year)
            if value in VALUE_COLOURS:  # coloured like the unit's own value
                assert cell.fill.fgColor.rgb.endswith(VALUE_COLOURS[value].fill)
            else:
                assert cell.fill.fill_type is None


def test_break_is_marked_never_a_continuous_series(tmp_path, tidy_files, tidy):
    assert comparability(load_arsgang(2017), BREAK)[0] == EJ_JAMFORBAR
    assert comparability(load_arsgang(2018), BREAK)[0] == JAMFORBAR
    # A unit with a value in every year, so the marker has a value to sit on.
    kod = next(k for (niva, k, ind), row in tidy[2017].items()
               if niva == "enhet" and ind == BREAK and row.varde and all(tidy[y]["enhet", k, BREAK].varde for y in YEARS))
    path, _ = write(tmp_path, tidy_files, kod)
    table, _, ws = history_table(path)
    cells = table[BREAK]
    assert styles.EJ_JAMFORBAR_MARK in cells[2017].number_format
    assert cells[2017].data_type == "s" and cells[2017].value == tidy[2017]["enhet", kod, BREAK].varde  # keeps its type
    assert "†" not in cells[2016].number_format and "†" not in cells[2018].number_format
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    kortnamn = load_catalogue(2017)[BREAK].kortnamn
    assert any(t.startswith(f"{styles.EJ_JAMFORBAR_MARK} {kortnamn}:") and "2017 jämfört med 2016" in t for t in texts)
    legend = {t.split(":")[0] for t in texts}
    assert {styles.EJ_JAMFORBAR_MARK, styles.DELVIS_JAMFORBAR_MARK, styles.SAKNAS, "2016–2018"} <= legend


def test_break_carried_over_a_year_left_out(tmp_path, tidy_files, tidy, results):
    """2016 and 2018 without 2017's file: the sheet's own year is still in the series, from this run."""
    path, _ = write(tmp_path, tidy_files, "0114", years=(2016, 2018))
    table, _, _ = history_table(path)
    for ind, cells in table.items():
        assert list(cells) == list(YEARS)
        value = results.unit_values["0114"][results.catalogue.ids.index(ind)] or styles.BORTFALL
        assert cells[2017].value == value


def test_html_contains_the_years_and_markers(tmp_path, tidy_files, tidy):
    path, _ = write(tmp_path, tidy_files, "1480", fmt="html")
    page = path.read_text(encoding="utf-8")
    for year in YEARS:
        assert f'<th scope="col">{year}</th>' in page
    assert html.escape(BAND_CITY) in page
    row = re.search(rf'<tr id="{BREAK}">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)[-3:]
    want = [str(expected(tidy, y, "storstad", "1480", BREAK)) for y in YEARS]
    want = [w + (f" {expected_mark(y, BREAK, w)}" if expected_mark(y, BREAK, w) else "") for y, w in zip(YEARS, want)]
    assert cells == want
    assert "Jämförbarhet mellan åren" in page and html.escape(load_catalogue(2017)[BREAK].kortnamn) in page


def test_unit_html_colours_history_values(tmp_path, tidy_files, tidy):
    path, _ = write(tmp_path, tidy_files, "0114", fmt="html")
    page = path.read_text(encoding="utf-8")
    row = re.search(r'<tr id="socialjour">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td( class=\"(\w+)\")?>([^<]*)</td>", row)[-3:]
    for year, (_, klass, text) in zip(YEARS, cells):
        value = expected(tidy, year, "enhet", "0114", "socialjour")
        assert text == value
        assert klass == (VALUE_COLOURS[value].name.lower() if value in VALUE_COLOURS else "")


@pytest.mark.slow
def test_fast_writer_equals_reference_with_history(tmp_path, tidy_files, results):
    historik = load_history(parse_year_files([f"{y}={tidy_files[y]}" for y in YEARS]), results)
    j = Comparisons.of(results)
    for kod in ("0114", "1480"):
        blad = build_sheet(results, find_enhet(results.population, kod), j, historik)
        write_kommun_xlsx(blad, tmp_path / "fast.xlsx")
        write_kommun_xlsx_reference(blad, tmp_path / "ref.xlsx")
        a = openpyxl.load_workbook(tmp_path / "fast.xlsx")[SHEET]
        b = openpyxl.load_workbook(tmp_path / "ref.xlsx")[SHEET]
        assert {k: d.width for k, d in a.column_dimensions.items()} == {k: d.width for k, d in b.column_dimensions.items()}
        for ra, rb in zip(a.iter_rows(), b.iter_rows(), strict=True):
            for x, y in zip(ra, rb, strict=True):
                assert cell_look(x) == cell_look(y), (kod, x.coordinate)


@pytest.mark.slow
def test_all_with_history_reads_once_and_matches_one(tmp_path, tidy_files, monkeypatch):
    import ojexcel.survey.trend as trend

    calls = []
    real = trend.iter_tidy
    monkeypatch.setattr(trend, "iter_tidy", lambda path, *a, **k: calls.append(path) or real(path, *a, **k))
    out_dir = tmp_path / "alla"
    result = run("kommun", "--all", "--year", 2017, "--out-dir", out_dir, "-j", 2, "-q", *history_args(tidy_files))
    assert result.exit_code == 0, result.output
    assert len(calls) == len(YEARS)  # once per run, not per unit
    assert len(list(out_dir.iterdir())) == 319
    one, _ = write(tmp_path, tidy_files, "0180-01")
    assert (out_dir / "0180-01.xlsx").read_bytes() == one.read_bytes()


# ----------------------------------------------------------------------------------------------
# Errors and warnings


def test_year_file_values():
    assert parse_year_files(["2016=a.csv", "2017=b c.csv,2018=d.csv 2019=e,f.csv"]) == [
        (2016, Path("a.csv")), (2017, Path("b c.csv")), (2018, Path("d.csv")), (2019, Path("e,f.csv"))
    ]
    for bad in (["2017"], ["x=a.csv"], ["2016=a.csv,2017="], ["=a.csv"]):
        with pytest.raises(ValueError):
            parse_year_files(bad)


def test_bad_history_syntax_is_a_usage_error(tmp_path):
    out = tmp_path / "k.xlsx"
    result = run("kommun", "0114", "--year", 2017, "--out", out, "--history", "2016:tidy.csv")
    assert result.exit_code == 2
    assert "'2016:tidy.csv': expected YEAR=TIDY.csv" in result.output
    assert not out.exists()


def test_bad_history_files_write_nothing(tmp_path, tidy_files):
    out = tmp_path / "k.xlsx"
    out.write_bytes(b"old")
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(TIDY_HEADER) + "\n2016,enhet,0114,socialjour,Kanske,,,,,,\n", encoding="utf-8")
    not_tidy = tmp_path / "not_tidy.csv"
    not_tidy.write_text("a,b\n1,2\n", encoding="utf-8")
    cases = [
        ([f"2016={tmp_path / 'nope.csv'}"], [str(tmp_path / "nope.csv"), "no such file"]),
        ([f"2016={bad}"], [str(bad), "row 2", "Kanske"]),
        ([f"2016={not_tidy}"], [str(not_tidy), "not a tidy export"]),
        ([f"2016={tidy_files[2016]}", f"2016={tidy_files[2018]}"], ["year 2016 given more than once"]),
    ]
    for history, fragments in cases:
        args = [a for h in history for a in ("--history", h)]
        result = run("kommun", "0114", "--year", 2017, "--out", out, *args)
        assert result.exit_code == 1, (history, result.output)
        for fragment in fragments:
            assert fragment in result.output, (history, result.output)
        assert "Traceback" not in result.output
        assert out.read_bytes() == b"old"
    result = run("kommun", "0114", "--year", 2017, "--out", tidy_files[2016], "--history", f"2016={tidy_files[2016]}")
    assert result.exit_code == 1 and "would be overwritten" in result.output


def _copy_without(src: Path, dst: Path, drop) -> None:
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    dst.write_text("".join(line for line in lines if not drop(line.split(","))), encoding="utf-8")


def test_unit_missing_from_a_year_shows_no_data(tmp_path, tidy_files, tidy):
    trimmed = tmp_path / "tidy_2016_trimmed.csv"
    _copy_without(tidy_files[2016], trimmed, lambda cells: cells[1:3] == ["enhet", "0114"])
    out = tmp_path / "k.xlsx"
    result = run("kommun", "0114", "--year", 2017, "--out", out, "--history", f"2016={trimmed}",
                 "--history", f"2018={tidy_files[2018]}")
    assert result.exit_code == 0, result.output
    assert f"warning: {trimmed}: year 2016: no rows for 1 unit(s) (0114)" in result.output
    table, _, _ = history_table(out)
    for ind, cells in table.items():
        assert cells[2016].value == styles.SAKNAS
        assert cells[2018].value == expected(tidy, 2018, "enhet", "0114", ind)


def test_own_year_from_other_data_warns(tmp_path, tidy_files, tidy, results):
    changed = tmp_path / "tidy_2017_changed.csv"
    text = tidy_files[2017].read_text(encoding="utf-8")
    old = tidy[2017]["enhet", "0114", "socialjour"].varde
    new = "Nej" if old != "Nej" else "Ja"
    line = f"enhet,0114,socialjour,{old},,,,,,\n"
    assert line in text
    changed.write_text(text.replace(line, f"enhet,0114,socialjour,{new},,,,,,\n"), encoding="utf-8")
    out = tmp_path / "k.xlsx"
    result = run("kommun", "0114", "--year", 2017, "--out", out, "--history", f"2016={tidy_files[2016]},2017={changed}")
    assert result.exit_code == 0, result.output
    assert f"warning: {changed}: year 2017 is the sheet's own year, but 1 value(s) differ" in result.output
    assert "not from the same data" in result.output
    table, _, _ = history_table(out)
    assert table["socialjour"][2017].value == old  # the sheet shows this run's value
    # The same data: no warning.
    result = run("kommun", "0114", "--year", 2017, "--out", out, "--history", f"2017={tidy_files[2017]}")
    assert result.exit_code == 0 and "warning" not in result.output
