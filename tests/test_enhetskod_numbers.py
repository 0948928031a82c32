"""A response XLSX re-saved by a spreadsheet (codes became numbers): a numeric enhetskod whose
4-digit zero-padded form is a kommunkod is read as that code, with one summary warning; the
leading-zero hint only where a zero can have been lost."""
from __future__ import annotations

import csv

import openpyxl
import pytest

from ojexcel.survey.compilation import sample_path
from ojexcel.problems import InputError
from ojexcel.survey.reader import read_responses
from ojexcel.survey.tidy import write_tidy_file


def _resaved(tmp_path, change=None):
    """The 2017 sample as an XLSX whose kommunkoder are numbers (districts stay text)."""
    with open(sample_path(2017), encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(rows[0])
    numeric = 0
    for row in rows[1:]:
        cells = [c if c != "" else None for c in row]
        if cells[0].isdigit():
            cells[0] = int(cells[0])
            numeric += 1
        ws.append(cells)
    if change:
        change(ws)
    path = tmp_path / "svar_resparad.xlsx"
    wb.save(path)
    return path, numeric


def test_numeric_codes_are_read_as_kommunkoder_with_one_warning(tmp_path, catalogue, population):
    path, numeric = _resaved(tmp_path)
    responses = read_responses(path, catalogue.codebook, population)
    original = read_responses(sample_path(2017), catalogue.codebook, population)
    assert set(responses.rows) == set(original.rows)
    assert {k: r.answers for k, r in responses.rows.items()} == {k: r.answers for k, r in original.rows.items()}
    kod_warnings = [w for w in responses.warnings if w.column == "enhetskod"]
    assert len(kod_warnings) == 1
    assert f"in {numeric} row(s)" in kod_warnings[0].message and "114 → 0114" in kod_warnings[0].message
    assert numeric > 250


def test_the_build_of_a_resaved_file_is_the_same(tmp_path):
    from ojexcel.survey.compilation import build_results

    path, _ = _resaved(tmp_path)
    write_tidy_file(build_results(path, 2017), tmp_path / "a.csv")
    write_tidy_file(build_results(None, 2017), tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("value, hint", [(9999, False), (9, True), (114.5, False)])
def test_a_number_that_is_no_code_is_an_error_with_the_hint_only_where_it_applies(tmp_path, catalogue,
                                                                                  population, value, hint):
    def change(ws):
        ws.cell(2, 1).value = value

    path, _ = _resaved(tmp_path, change)
    with pytest.raises(InputError) as exc:
        read_responses(path, catalogue.codebook, population)
    messages = [p.message for p in exc.value.problems]
    assert len(messages) == 1 and f"enhetskod is a number ({value})" in messages[0]
    assert ("loses the leading zero" in messages[0]) == hint


def test_2583_as_a_number_gets_no_leading_zero_hint(tmp_path, catalogue, population):
    path, _ = _resaved(tmp_path)
    responses = read_responses(path, catalogue.codebook, population)
    assert "2583" in responses.rows
    assert not any("leading zero" in p.message and "2583" in p.message for p in responses.warnings)
