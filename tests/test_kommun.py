"""`ojexcel kommun`: a municipality's own sheet, checked against the tidy export of the same run."""
from __future__ import annotations

import html
import re
from collections import Counter

import openpyxl
import pytest
from click.testing import CliRunner

from ojexcel import styles
from ojexcel.survey.rules import VALUE_COLOURS
from ojexcel.cli import main
from ojexcel.survey.kommun_report import (
    EnhetLookupError,
    Comparisons,
    all_enheter,
    build_sheet,
    find_enhet,
)
from ojexcel.survey.kommun_report_all import write_all
from ojexcel.survey.kommun_report_all import write_one as write_sheet
from ojexcel.survey.kommun_report_html import render_kommun_html
from ojexcel.survey.kommun_report_xlsx import write_kommun_xlsx, write_kommun_xlsx_reference
from ojexcel.survey.compilation import build_results
from ojexcel.survey.tidy import read_tidy, write_tidy_file

from .conftest import blank_row

SHEET, GUIDE = "Jämförelse", "Analysguide"
BAND_VALUE, BAND_SHARE, BAND_COUNT, BAND_DISTRICTS = "Värde", "Andel med Ja (%)", "Enheter med Ja i gruppen", "Stadsdelarnas värden"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def results():
    return build_results(None, 2017)


@pytest.fixture(scope="module")
def tidy(tmp_path_factory, results):
    """The tidy export of the embedded sample, by (niva, kod, indikator)."""
    path = tmp_path_factory.mktemp("tidy") / "tidy.csv"
    write_tidy_file(results, path)
    return {row.key: row for row in read_tidy(path)}


def unit_text(tidy, kod, ind):
    return tidy["enhet", kod, ind].varde or styles.BORTFALL


def share(tidy, niva, kod, ind):
    varde = tidy[niva, kod, ind].varde
    return int(varde) if varde else styles.SUPPRESSED


def ja_count(tidy, niva, kod, ind):
    ja, *_, enheter = tidy[niva, kod, ind].counts
    return f"{ja} av {enheter}"


def read_sheet(path, catalogue):
    """{indicator id: {(band, heading): cell}} of the comparison sheet."""
    ws = openpyxl.load_workbook(path)[SHEET]
    rows = list(ws.iter_rows())
    head = next(i for i, r in enumerate(rows) if r[0].value == "Indikator")
    columns, band = [], None
    for b, h in zip(rows[head - 1][1:], rows[head][1:]):
        band = b.value or band
        columns.append((band, h.value))
    by_name = {ind.kortnamn: ind.id for ind in catalogue}
    table = {}
    for r in rows[head + 1 :]:
        if r[0].value in by_name and r[1].value is not None:
            table[by_name[r[0].value]] = dict(zip(columns, r[1 : len(columns) + 1]))
    return table, columns


def write_one(tmp_path, kod, fmt="xlsx"):
    """The sheet written by the command line."""
    out = tmp_path / f"sheet.{fmt}"
    result = run("kommun", kod, "--year", 2017, "--out", out, "--format", fmt, "-q")
    assert result.exit_code == 0, result.output
    return out


def sheet(tmp_path, results, kod, fmt="xlsx"):
    """The sheet written by the same code from the test's Results (no second pipeline run)."""
    out = tmp_path / f"{kod}.{fmt}"
    write_sheet(results, find_enhet(results.population, kod), fmt, out)
    return out


# ----------------------------------------------------------------------------------------------
# The sheet's numbers are the tidy export's


def test_municipality_sheet_equals_tidy_export(tmp_path, results, tidy):
    unit = results.population.unit("0114")
    table, columns = read_sheet(write_one(tmp_path, "0114"), results.catalogue)
    assert set(table) == set(results.catalogue.ids)
    groups = {
        "lan": (unit.lanskod, unit.lan),
        "riket": ("", "Riket"),
        "kommungrupp": (str(unit.kommungrupp), f"Kommungrupp {unit.kommungrupp}"),
        "skl_grupp": (unit.skl_kod, f"SKL-grupp {unit.skl_kod}"),
    }
    assert columns == (
        [(BAND_VALUE, unit.namn)]
        + [(BAND_SHARE, heading) for _, heading in groups.values()]
        + [(BAND_COUNT, heading) for niva, (_, heading) in groups.items() if niva != "riket"]
    )
    for ind, cells in table.items():
        assert cells[BAND_VALUE, unit.namn].value == unit_text(tidy, "0114", ind)
        for niva, (kod, heading) in groups.items():
            assert cells[BAND_SHARE, heading].value == share(tidy, niva, kod, ind), (ind, niva)
            if niva != "riket":
                assert cells[BAND_COUNT, heading].value == ja_count(tidy, niva, kod, ind), (ind, niva)


def test_shares_are_numbers_and_values_are_coloured(tmp_path, results, tidy):
    kod = "0180-01"
    unit = results.population.unit(kod)
    table, _ = read_sheet(sheet(tmp_path, results, kod), results.catalogue)
    seen = Counter()
    for ind, cells in table.items():
        value = cells[BAND_VALUE, unit.full_name]
        colour = VALUE_COLOURS.get(value.value)
        seen[value.value] += 1
        if colour:
            assert value.fill.fgColor.rgb[-6:] == colour.fill and value.font.color.rgb[-6:] == colour.font
        else:
            assert value.fill.fill_type is None
        riket = cells[BAND_SHARE, "Riket"]
        assert riket.data_type == ("s" if riket.value == styles.SUPPRESSED else "n")
    assert seen["Ja"] and seen["Nej"]  # the colour check above ran for both


def test_district_sheet_has_its_city(tmp_path, results, tidy):
    kod = "0180-01"
    unit = results.population.unit(kod)
    table, columns = read_sheet(sheet(tmp_path, results, kod), results.catalogue)
    city = f"{unit.stad_namn} (staden)"
    assert columns[0] == (BAND_VALUE, unit.full_name)
    assert columns[1] == (BAND_SHARE, city) and (BAND_COUNT, city) in columns
    for ind, cells in table.items():
        assert cells[BAND_VALUE, unit.full_name].value == unit_text(tidy, kod, ind)
        assert cells[BAND_SHARE, city].value == share(tidy, "storstad", "0180", ind)
        assert cells[BAND_COUNT, city].value == ja_count(tidy, "storstad", "0180", ind)
        assert cells[BAND_SHARE, "Kommungrupp 5"].value == share(tidy, "kommungrupp", "5", ind)


def test_city_sheet_shows_every_district(tmp_path, results, tidy):
    districts = results.population.districts_of("1480")
    assert len(districts) == 10
    table, columns = read_sheet(sheet(tmp_path, results, "1480"), results.catalogue)
    assert [h for b, h in columns if b == BAND_DISTRICTS] == [d.namn for d in districts]
    assert columns[0] == (BAND_SHARE, "Göteborg (staden)")
    for ind, cells in table.items():
        assert cells[BAND_SHARE, "Göteborg (staden)"].value == share(tidy, "storstad", "1480", ind)
        assert cells[BAND_SHARE, "Riket"].value == share(tidy, "riket", "", ind)
        for d in districts:
            assert cells[BAND_DISTRICTS, d.namn].value == unit_text(tidy, d.kod, ind)


def test_weakest_areas_count_the_units_nej(results, tidy):
    for kod in ("0114", "0180-01", "2584"):
        blad = build_sheet(results, find_enhet(results.population, kod))
        nej = Counter()
        order = []
        for ind in results.catalogue:
            if ind.indikatoromrade not in order:
                order.append(ind.indikatoromrade)
            nej[ind.indikatoromrade] += tidy["enhet", kod, ind.id].varde == "Nej"
        expected = sorted((a for a in order if nej[a]), key=lambda a: (-nej[a], order.index(a)))[:3]
        assert [o.namn for o in blad.svagaste] == expected
        assert [o.nej for o in blad.svagaste] == [nej[a] for a in expected]
        for a in blad.deviations:
            assert tidy["enhet", kod, a.indikator.id].varde == "Nej"
            assert a.riket == int(tidy["riket", "", a.indikator.id].varde)
        assert [a.riket for a in blad.deviations] == sorted((a.riket for a in blad.deviations), reverse=True)


def test_guide_sheet_names_the_weakest_areas(tmp_path, results):
    blad = build_sheet(results, find_enhet(results.population, "0114"))
    assert blad.svagaste
    guide = [c.value for c in openpyxl.load_workbook(sheet(tmp_path, results, "0114"))[GUIDE]["A"] if c.value]
    assert guide[0] == "Analysguide i fyra steg – Upplands Väsby"
    for step in ("1. Identifiera förbättringsområden", "2. Komplettera med annan information",
                 "3. Vad kan man lära av utvecklingen över tid?", "4. Slutsatser, mål och genomförande"):
        assert step in guide
    text = "\n".join(guide)
    for o in blad.svagaste:
        assert f"{o.namn}: {o.nej} Nej av {o.antal} indikator" in text


def test_unit_without_answers(tmp_path, results):
    kod = next(u.kod for u in results.population.units if u.kod not in results.answered)
    table, columns = read_sheet(sheet(tmp_path, results, kod), results.catalogue)
    assert {cells[columns[0]].value for cells in table.values()} == {styles.BORTFALL}
    blad = build_sheet(results, find_enhet(results.population, kod))
    assert blad.svagaste == () and blad.deviations == ()


def test_fast_writer_equals_xlsxwriter_reference(tmp_path, results):
    """The command's writer gives the same workbook as XlsxWriter writing cell by cell."""
    j = Comparisons.of(results)
    for kod in ("0114", "0180-01", "1280"):
        blad = build_sheet(results, find_enhet(results.population, kod), j)
        write_kommun_xlsx(blad, tmp_path / "fast.xlsx")
        write_kommun_xlsx_reference(blad, tmp_path / "ref.xlsx")
        fast, ref = openpyxl.load_workbook(tmp_path / "fast.xlsx"), openpyxl.load_workbook(tmp_path / "ref.xlsx")
        assert fast.sheetnames == ref.sheetnames == [SHEET, GUIDE]
        assert fast.properties.title == ref.properties.title
        for a, b in zip(fast.worksheets, ref.worksheets):
            assert (a.dimensions, a.freeze_panes, a.print_title_rows) == (b.dimensions, b.freeze_panes, b.print_title_rows)
            assert {k: d.width for k, d in a.column_dimensions.items()} == {k: d.width for k, d in b.column_dimensions.items()}
            assert {k: d.height for k, d in a.row_dimensions.items()} == {k: d.height for k, d in b.row_dimensions.items()}
            for ra, rb in zip(a.iter_rows(), b.iter_rows(), strict=True):
                for x, y in zip(ra, rb, strict=True):
                    assert cell_look(x) == cell_look(y), (kod, a.title, x.coordinate)


def cell_look(cell):
    f = cell.font
    return (
        cell.value, cell.data_type, cell.number_format, cell.fill.fill_type, cell.fill.fgColor.rgb,
        f.b, f.i, f.sz, f.color.rgb if f.color else None,
        cell.alignment.horizontal, cell.alignment.vertical, cell.alignment.wrap_text, cell.alignment.indent,
        cell.border.top.style, cell.border.bottom.style,
    )


# ----------------------------------------------------------------------------------------------
# Which unit: codes and names


@pytest.mark.parametrize(
    "query, kod",
    [
        ("0114", "0114"),
        ("0180-01", "0180-01"),
        ("1480", "1480"),
        ("Upplands Väsby", "0114"),
        ("UPPLANDS VÄSBY", "0114"),
        ("upplands-b", "0139"),
        ("Stockholm", "0180"),
        ("stockh", "0180"),
        ("Stockholm – Bromma", "0180-01"),
        ("stockholm - bromma", "0180-01"),
        ("Bromma", "0180-01"),
        ("göteborg", "1480"),
        ("Malmö", "1280"),
        ("  Kiruna ", "2584"),
    ],
)
def test_find_unit(population, query, kod):
    assert find_enhet(population, query).kod == kod


def test_ambiguous_name_lists_candidates(population):
    with pytest.raises(EnhetLookupError) as exc:
        find_enhet(population, "Upplands")
    message = str(exc.value)
    assert "0114  Upplands Väsby" in message and "0139  Upplands-Bro" in message


@pytest.mark.parametrize("query", ["Atlantis", "9999", "0180-99", ""])
def test_unknown_unit(population, query):
    with pytest.raises(EnhetLookupError):
        find_enhet(population, query)


def test_cli_lookup_error_writes_nothing(tmp_path):
    out = tmp_path / "x.xlsx"
    for query in ("Upplands", "Atlantis"):
        result = CliRunner().invoke(main, ["kommun", query, "--year", "2017", "--out", str(out)])
        assert result.exit_code == 1
        assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
        assert query in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_usage_errors(tmp_path):
    for args in (["kommun", "0114", "--year", "2017"],
                 ["kommun", "--all", "--year", "2017", "--out", str(tmp_path / "x.xlsx")],
                 ["kommun", "--all", "--year", "2017"],
                 ["kommun", "0114", "--year", "2017", "--out-dir", str(tmp_path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, args
    assert list(tmp_path.iterdir()) == []


def test_cli_invalid_responses_write_nothing(tmp_path, write):
    responses = write([blank_row("9999")])
    for args in (["0114", responses, "--out", tmp_path / "x.xlsx"], ["--all", responses, "--out-dir", tmp_path / "alla"]):
        result = run("kommun", *args, "--year", 2017)
        assert result.exit_code == 1 and "9999" in result.output and "nothing was written" in result.output
    assert [p.name for p in tmp_path.iterdir()] == [responses.name]


def test_cli_unwritable_output(tmp_path):
    result = run("kommun", "0114", "--year", 2017, "--out", tmp_path / "no" / "x.xlsx")
    assert result.exit_code == 1 and "does not exist" in result.output


# ----------------------------------------------------------------------------------------------
# HTML


def test_html_page_is_complete_and_self_contained(tmp_path, results, tidy):
    page = write_one(tmp_path, "0180-01", "html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="sv">' in page
    for ind in results.catalogue:
        assert f'<th scope="row">{html.escape(ind.kortnamn, quote=False)}</th>' in page, ind.id
    assert not re.search(r"\b(src|href)\s*=", page, re.I)
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert "@import" not in page and "url(" not in page
    # every value's text is in its row, coloured by its class
    for ind in results.catalogue:
        row = re.search(rf'<tr id="{ind.id}">(.*?)</tr>', page, re.S).group(1)
        value = unit_text(tidy, "0180-01", ind.id)
        colour = VALUE_COLOURS.get(value)
        cell = f'<td class="{colour.name.lower()}">{value}</td>' if colour else f"<td>{value}</td>"
        assert row.split("</th>", 1)[1].startswith(cell), ind.id
        assert f"<td>{share(tidy, 'riket', '', ind.id)}</td>" in row
    for sample, meaning in ((styles.BORTFALL, styles.BORTFALL_MEANING), (styles.SUPPRESSED, styles.SUPPRESSED_MEANING)):
        assert f"<dt>{sample}</dt><dd>{html.escape(meaning)}</dd>" in page


def test_html_city_page_has_its_districts(results):
    page = render_kommun_html(build_sheet(results, find_enhet(results.population, "Malmö")))
    for d in results.population.districts_of("1280"):
        assert f'<th scope="col">{html.escape(d.namn)}</th>' in page


def _luminance(rgb: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_value_colours_are_accessible():
    """WCAG AA: text on its fill has a contrast ratio of at least 4.5."""
    for colour in VALUE_COLOURS.values():
        light, dark = sorted((_luminance(colour.fill), _luminance(colour.font)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, colour.name


# ----------------------------------------------------------------------------------------------
# --all


@pytest.mark.slow
def test_all_writes_one_file_per_unit_and_city_reproducibly(tmp_path, results):
    first, second = tmp_path / "a", tmp_path / "b"
    result = run("kommun", "--all", "--year", 2017, "--out-dir", first, "-j", 2)
    assert result.exit_code == 0, result.output
    assert "319 xlsx files" in result.output
    expected = {f"{u.kod}.xlsx" for u in results.population.units} | {f"{c}.xlsx" for c in results.population.cities}
    assert len(expected) == 319
    assert {p.name for p in first.iterdir()} == expected  # no temporary files left either
    second.mkdir()
    write_all(results, second, "xlsx", jobs=1)  # a second run, in one process
    for name in expected:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # a single sheet is the same file as its --all twin
    single = write_one(tmp_path, "0180-01")
    assert single.read_bytes() == (first / "0180-01.xlsx").read_bytes()


def test_all_html(tmp_path, results):
    paths = write_all(results, tmp_path, "html", jobs=2)
    assert [p.name for p in paths] == [f"{e.kod}.html" for e in all_enheter(results.population)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    page = (tmp_path / "1280.html").read_text(encoding="utf-8")
    assert "Malmö" in page and page.rstrip().endswith("</html>")
