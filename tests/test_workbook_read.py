"""The workbook reader refuses what is not an ojexcel workbook, with a message naming file and reason."""
from __future__ import annotations

import openpyxl
import pytest

from ojexcel.survey import workbook_layout as L
from ojexcel.survey.workbook_read import WorkbookReadError, read_workbook


def _error(path) -> str:
    with pytest.raises(WorkbookReadError) as info:
        read_workbook(path)
    assert str(path) in str(info.value)
    return str(info.value)


def test_missing_file(tmp_path):
    assert "no such file" in _error(tmp_path / "nope.xlsx")


def test_not_an_xlsx_file(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("niva,kod\n", encoding="utf-8")
    assert "not an XLSX workbook" in _error(path)


def test_other_workbook(tmp_path):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Blad1"
    wb.save(path)
    message = _error(path)
    assert "not an ojexcel workbook" in message and "Kommuner och stadsdelar" in message and "Blad1" in message


def _skeleton(path, unit_rows=(), group_header=L.GROUP_COLUMNS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = L.SHEET_ENHETER
    ws.append([None] * 7 + [L.LABEL_ID, "socialjour"])
    ws.append(list(L.UNIT_KEY_COLUMNS) + ["Socialjour"])
    for row in unit_rows:
        ws.append(row)
    for sheet in (L.SHEET_LAN, L.SHEET_GRUPPER):
        wb.create_sheet(sheet).append(list(group_header))
    wb.save(path)
    return path


def test_a_minimal_workbook_reads(tmp_path):
    path = _skeleton(tmp_path / "ok.xlsx", [["Stockholms län", "01", 3, "A2", "namn", "Kommun", "0114", "Upplands Väsby", "Ja"]])
    data = read_workbook(path)
    assert data.indicators == ("socialjour",)
    assert data.cells[("enhet", "0114", "socialjour")].value == "Ja"
    assert data.shown("enhet", "0114", "socialjour") == "Ja"
    assert data.cells[("enhet", "0114", "socialjour")].fill is None


def test_header_missing(tmp_path):
    path = _skeleton(tmp_path / "b.xlsx", group_header=("Nivå", "Kod"))
    message = _error(path)
    assert f"sheet '{L.SHEET_LAN}'" in message and "no header row" in message


def test_unknown_unit_value_names_sheet_and_row(tmp_path):
    path = _skeleton(tmp_path / "b.xlsx", [["Stockholms län", "01", 3, "A2", "n", "Kommun", "0114", "U", "Kanske"]])
    message = _error(path)
    assert f"sheet '{L.SHEET_ENHETER}'" in message and "row 3" in message and "'Kanske'" in message


def test_duplicate_row(tmp_path):
    row = ["Stockholms län", "01", 3, "A2", "n", "Kommun", "0114", "U", "Ja"]
    message = _error(_skeleton(tmp_path / "b.xlsx", [row, row]))
    assert "row 4" in message and "appears twice" in message


def test_unknown_level(tmp_path):
    row = ["Stockholms län", "01", 3, "A2", "n", "Landsting", "0114", "U", "Ja"]
    assert "'Landsting'" in _error(_skeleton(tmp_path / "b.xlsx", [row]))
