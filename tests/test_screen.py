"""The workbook on a laptop screen and on paper (issue 13).

Geometry from the written file (openpyxl) through a screen model calibrated on the issue's
LibreOffice measurement (tests/screen_model.py); a LibreOffice rendering (skipped without
`soffice`) checks that no column header or name is broken inside a word or cut off.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import openpyxl
import pytest

from ojexcel.survey import workbook_layout as L
from ojexcel.survey.arsgang import load_catalogue
from ojexcel.survey.compilation import build_results
from ojexcel.survey.rule_text import swedish_rule
from ojexcel.survey.workbook import HEADER_CHARS_PER_LINE, HEADER_LINES

from .screen_model import visible

LAPTOP = (1366, 768)


@pytest.fixture(scope="module")
def book(sample_workbook):
    return sample_workbook


@pytest.fixture(scope="module")
def wb(book):
    return openpyxl.load_workbook(book)


def _frozen(ws):
    col, row = openpyxl.utils.cell.coordinate_from_string(ws.freeze_panes)
    return row - 1, openpyxl.utils.column_index_from_string(col) - 1  # frozen rows, frozen columns


def _height(ws, r: int) -> float:
    dim = ws.row_dimensions[r]
    if dim.hidden:
        return 0.0
    return dim.height if dim.height is not None else 15.0


def _width(ws, c: int) -> float:
    """Column c's width: openpyxl keys a range of equal columns (<col min max>) by its first letter."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= c <= dim.max:
            return dim.width
    raise AssertionError(f"column {c} of {ws.title} has no width set")


def unit_sheet_geometry(ws):
    rows, cols = _frozen(ws)
    header_pt = sum(_height(ws, r) for r in range(1, rows + 1))
    key_units = sum(_width(ws, c) for c in range(1, cols + 1))
    data_rows = [_height(ws, r) for r in range(rows + 1, ws.max_row + 1)]
    indicator_cols = [_width(ws, c) for c in range(cols + 1, cols + 56)]
    return header_pt, key_units, data_rows, indicator_cols


def test_the_model_reproduces_the_issue_measurement_of_the_old_layout():
    # Old layout: 7 header rows (3 × 15 + 48 + 48 + 15 + 195 pt), keys A–H 128.68 units, indicators 16.71.
    old = visible(LAPTOP, 351, 128.68, [15.0] * 40, [16.71] * 55)
    assert (old.rows, old.columns) == (5, 2)
    assert visible((1920, 1080), 351, 128.68, [15.0] * 40, [16.71] * 55).rows == 21


@pytest.mark.slow
def test_a_laptop_screen_shows_15_rows_and_6_indicators(wb):
    ws = wb[L.SHEET_ENHETER]
    header_pt, key_units, data_rows, indicator_cols = unit_sheet_geometry(ws)
    assert header_pt <= 130, header_pt
    assert key_units <= 75, key_units
    seen = visible(LAPTOP, header_pt, key_units, data_rows, indicator_cols)
    assert seen.rows >= 15 and seen.columns >= 6, seen


def test_headers_fit_their_cells_without_breaking_words():
    for year in (2016, 2017, 2018):
        for ind in load_catalogue(year):
            words = ind.rubrik.split()
            assert len(ind.rubrik) <= 45, ind.id
            assert max(map(len, words)) <= HEADER_CHARS_PER_LINE, (ind.id, ind.rubrik)
            lines, line = 1, ""
            for w in words:  # greedy word wrap, as a spreadsheet wraps
                candidate = f"{line} {w}".strip()
                if len(candidate) > HEADER_CHARS_PER_LINE:
                    lines, line = lines + 1, w
                else:
                    line = candidate
            assert lines <= HEADER_LINES, (ind.id, ind.rubrik)
    rubriker = [i.rubrik for i in load_catalogue(2017)]
    assert len(set(rubriker)) == len(rubriker)  # table column names are unique


def test_every_header_carries_the_full_name_in_a_note(wb):
    ws = wb[L.SHEET_ENHETER]
    rows, cols = _frozen(ws)
    for j, ind in enumerate(load_catalogue(2017)):
        cell = ws.cell(rows, cols + 1 + j)
        assert cell.value == ind.rubrik
        assert cell.comment is not None and ind.kortnamn in cell.comment.text and ind.id in cell.comment.text


def test_lan_och_riket_tells_rows_apart(wb):
    ws = wb[L.SHEET_LAN]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == L.COL_NIVA)
    labels = [c.value for c in ws[header]]
    col = labels.index(L.COL_INDIKATOR) + 1
    width = _width(ws, col)
    riket = [ws.cell(r, col).value for r in range(header + 1, header + 56)]
    assert len(set(riket)) == 55  # six FREDA rows no longer look alike
    assert all(len(text) <= width for text in riket)  # shown whole in the column
    # Ids and group names are not cut off by the next column either (on both long sheets).
    for sheet in (L.SHEET_LAN, L.SHEET_GRUPPER):
        ws = wb[sheet]
        for label in (L.COL_INDIKATOR_ID, L.COL_NAMN):
            c = labels.index(label) + 1
            longest = max(len(str(ws.cell(r, c).value or "")) for r in range(header + 1, ws.max_row + 1))
            assert longest <= _width(ws, c), (sheet, label, longest)
    assert [ws.cell(r, labels.index(L.COL_KORTNAMN) + 1).value for r in range(header + 1, header + 56)] == [
        i.kortnamn for i in load_catalogue(2017)
    ]


def test_the_rule_is_in_swedish_words():
    english = re.compile(r"\b(if|else|and|or|in|any|of|is|not|blank)\b")
    for ind in load_catalogue(2017):
        text = swedish_rule(ind.regel)
        assert not english.search(text), text
        assert text.startswith("Ja om ") and "Annars Nej." in text
    assert swedish_rule("Ja if G1=Ja; else Nej") == "Ja om G1 är Ja. Annars Nej."
    assert swedish_rule("Ja if G7=Ja and G7a in {Ja, Ej aktuellt}; Ej aktuellt if G7=Ej aktuellt; else Nej") == (
        "Ja om G7 är Ja och G7a är Ja eller Ej aktuellt. Ej aktuellt om G7 är Ej aktuellt. Annars Nej."
    )
    with pytest.raises(ValueError):
        swedish_rule("Ja unless G1=Nej")


def test_every_sheet_is_set_up_for_printing(wb):
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9, ws.title
        footer = ws.oddFooter
        text = (footer.left.text or "") + (footer.center.text or "") + (footer.right.text or "")
        assert "&P" in text and "&N" in text and "&A" in text, ws.title
        if ws.title != L.SHEET_INFORMATION:
            assert ws.print_title_rows, ws.title
            assert ws.page_setup.orientation == "landscape", ws.title
    units = wb[L.SHEET_ENHETER]
    rows, cols = _frozen(units)
    assert units.print_title_cols == f"$A:${openpyxl.utils.get_column_letter(cols)}"
    assert units.print_title_rows.endswith(f"${rows}")
    # One page wide where that stays readable (scale >= 70 %): the cover and the response rates.
    for sheet in (L.SHEET_INFORMATION, L.SHEET_SVARSFREKVENS):
        setup = wb[sheet].page_setup
        assert wb[sheet].sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (None, 1) and setup.fitToHeight == 0


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.slow
@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice (soffice) and pdftotext are not installed")
def test_libreoffice_prints_headers_and_names_whole(book, tmp_path):
    """LibreOffice renders the workbook (as printed, 70 %): every column header and unit name word
    appears whole — a word broken inside ('överenskommels|e') would show as two words — and the
    print runs to far fewer pages than the 673 of the unset-up file."""
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(book)],
        check=True, capture_output=True, timeout=240,
    )
    pdf = tmp_path / "bok.pdf"
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.count("\f")
    assert 0 < pages < 250, pages
    words = set(text.split())
    for ind in load_catalogue(2017):
        missing = [w for w in ind.rubrik.split() if w not in words]
        assert not missing, (ind.rubrik, missing)
    results = build_results(None, 2017)
    for unit in results.population.units:
        for word in unit.full_name.split():
            # LibreOffice may wrap after a hyphen (Hägersten-|Liljeholmen), never inside a word.
            if word not in words:
                breaks = [i for i in range(1, len(word)) if word[i - 1] == "-"]
                assert any(word[:i] in words and word[i:] in words for i in breaks), (unit.full_name, word)
    assert "Sida 1 av" in text


def _run(*args):
    from click.testing import CliRunner

    from ojexcel.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _footer(ws) -> str:
    f = ws.oddFooter
    return (f.left.text or "") + (f.center.text or "") + (f.right.text or "")


def test_kommun_file_prints_and_wrapped_rows_have_their_height(tmp_path):
    out = tmp_path / "k.xlsx"
    assert _run("kommun", "0180", "--year", 2017, "--out", out, "-q").exit_code == 0
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and "&P" in _footer(ws) and "&A" in _footer(ws), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    first = wb.worksheets[0]
    assert first.print_title_rows and first.print_title_cols == "$A:$A"
    assert first.page_setup.orientation == "landscape"
    wrapped = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.alignment.wrap_text:
                    width = _width(ws, cell.column)
                    if len(cell.value) > width + 4:  # cannot fit one line: the row must be taller
                        wrapped += 1
                        height = ws.row_dimensions[cell.row].height
                        assert height is not None and height >= 30, (ws.title, cell.coordinate, cell.value[:40])
    assert wrapped > 5  # the Analysguide's paragraphs and the long indicator names


@pytest.mark.slow
def test_trend_file_prints(tmp_path, tidy_files):
    out = tmp_path / "t.xlsx"
    result = _run("trend", f"2016={tidy_files[2016]}", f"2017={tidy_files[2017]}", "--out", out)
    assert result.exit_code == 0 and "2 years (2016, 2017)" in result.output
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and "&P" in _footer(ws) and "&N" in _footer(ws), ws.title
        if ws.title != "Om tabellerna":
            assert ws.print_title_rows, ws.title
            # One page wide, or (too wide for that) the key columns repeated on every page.
            assert ws.sheet_properties.pageSetUpPr.fitToPage or ws.print_title_cols, ws.title
            assert ws.page_setup.orientation == "landscape"
    assert list(wb["Riket"].tables) == ["Riket"] and list(wb["Län"].tables) == ["Lan"]
    assert wb["Län"].tables["Lan"].ref == f"A1:{openpyxl.utils.get_column_letter(9)}{1 + 21 * 55}"
    result = _run("trend", f"2017={tidy_files[2017]}", "--out", out)
    assert result.exit_code == 0 and "1 year (2017)" in result.output and "1 years" not in result.output
