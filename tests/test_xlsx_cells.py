"""The fast XLSX reader agrees with openpyxl on every cell (value and fill), and fails clearly.

openpyxl is the reference: `load_workbook(read_only=True, data_only=True)`, dimensions reset, the
same way `workbook_read` used it before it had its own reader.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import PatternFill

from ojexcel.survey import workbook_layout as L
from ojexcel.survey.workbook_read import WorkbookReadError, read_workbook
from ojexcel.io.xlsx_cells import XlsxError, read_cells


def _fill(cell) -> str | None:
    """openpyxl's fill, in the reader's notation."""
    fill = getattr(cell, "fill", None)
    if fill is None or fill.fill_type != "solid":
        return None
    colour = fill.fgColor
    if colour.type == "rgb":
        return colour.rgb[-6:].upper()
    if colour.type in ("theme", "indexed"):
        return f"{colour.type}:{getattr(colour, colour.type)}"
    return None


def assert_agrees_with_openpyxl(path: Path) -> int:
    """Every cell of every sheet: same value (and type), same fill. Returns the number of cells."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = 0
    with read_cells(path) as book:
        assert book.sheetnames == tuple(wb.sheetnames)
        for name in wb.sheetnames:
            ws = wb[name]
            ws.reset_dimensions()
            expected = [tuple(row) for row in ws.iter_rows()]
            sheet = book.sheet(name)
            # openpyxl may end with empty rows (a row element without cells); they read the same.
            while expected and not expected[-1]:
                expected.pop()
            assert len(sheet.values) == len(expected), name
            for i, row in enumerate(expected):
                got = sheet.values[i]
                assert len(got) == len(row), (name, i + 1)
                for j, cell in enumerate(row):
                    want = getattr(cell, "value", None)
                    assert (got[j], type(got[j])) == (want, type(want)), (name, i + 1, j + 1)
                    assert sheet.fill(i, j) == _fill(cell), (name, i + 1, j + 1)
                    n += 1
    wb.close()
    return n


@pytest.fixture(scope="module")
def book(sample_workbook) -> Path:
    return sample_workbook


def test_an_ojexcel_workbook(book):
    assert assert_agrees_with_openpyxl(book) > 50_000


@pytest.mark.slow
def test_the_workbook_resaved_by_openpyxl(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    ws = wb[L.SHEET_ENHETER]
    # A theme colour and an indexed colour, as Excel writes when a user restyles a cell.
    ws["A1"].fill = PatternFill("solid", fgColor=openpyxl.styles.colors.Color(theme=4, tint=0.4))
    ws["A2"].fill = PatternFill("solid", fgColor=openpyxl.styles.colors.Color(indexed=10))
    ws["B1"].fill = PatternFill("darkGrid", fgColor="FFFF0000")
    path = tmp_path / "resaved.xlsx"
    wb.save(path)
    assert assert_agrees_with_openpyxl(path) > 50_000
    with read_cells(path) as cells:
        sheet = cells.sheet(L.SHEET_ENHETER)
        assert (sheet.fill(0, 0), sheet.fill(1, 0), sheet.fill(0, 1)) == ("theme:4", "indexed:10", None)
    # The reader's view of the workbook is unchanged by the round trip.
    assert read_workbook(path).cells == read_workbook(book).cells


@pytest.mark.slow
def test_the_workbook_converted_by_libreoffice(book, libreoffice_resaved):
    path, _, messages = libreoffice_resaved
    assert path.is_file(), messages
    assert assert_agrees_with_openpyxl(path) > 50_000
    assert read_workbook(path).cells == read_workbook(book).cells


def test_inline_strings_booleans_errors_and_rich_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blad1"
    ws.append(["text", True, False, 3, 2.5, 1e20, "  spaced  ", "a & <b>", None, "sist"])
    ws["A3"] = CellRichText("fet ", TextBlock(InlineFont(b=True), "och"), " vanlig")
    ws["B3"] = "=1/0"
    wb.save(tmp_path / "src.xlsx")
    # Give the file what openpyxl does not write: cached formula results, an error, shared rich text.
    with zipfile.ZipFile(tmp_path / "src.xlsx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<c r="B3"[^>]*>.*?</c>', '<c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c>', sheet)
    extra = ('<row r="5"><c r="A5" t="s"><v>0</v></c><c r="B5" t="str"><f>"x"</f><v>formelsträng</v></c>'
             '<c r="C5" t="e"><v>#N/A</v></c><c r="D5" t="inlineStr"><is><r><t xml:space="preserve">ett </t></r>'
             '<r><rPr><b/></rPr><t>två</t></r></is></c><c r="E5" t="n"><v>7.0</v></c></row>')
    sheet = sheet.replace("</sheetData>", extra + "</sheetData>")
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        '<si><r><t xml:space="preserve">rik </t></r><r><rPr><i/></rPr><t>text</t></r>'
        '<rPh sb="0" eb="1"><t>fonetisk</t></rPh></si></sst>'
    ).encode()
    ct = parts["[Content_Types].xml"].decode()
    if "sharedStrings" not in ct:
        ct = ct.replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sharedStrings+xml"/></Types>',
        )
        parts["[Content_Types].xml"] = ct.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    if "sharedStrings" not in rels:
        rels = rels.replace(
            "</Relationships>",
            '<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    path = tmp_path / "cells.xlsx"
    _write_zip(path, parts)
    assert_agrees_with_openpyxl(path)
    with read_cells(path) as book:
        v = book.sheet("Blad1").values
    assert v[0] == ("text", True, False, 3, 2.5, 1e20, "  spaced  ", "a & <b>", None, "sist")
    assert v[1] == ()
    assert v[2][0] == "fet och vanlig" and v[2][1] == "#DIV/0!"
    assert v[4] == ("rik text", "formelsträng", "#N/A", "ett två", 7.0)
    assert type(v[4][4]) is float and type(v[0][3]) is int


def _write_zip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _minimal(path: Path, sheet_data: str, rels_target: str = "worksheets/sheet1.xml", prefix: str = "") -> Path:
    p = f"{prefix}:" if prefix else ""
    ns = f"xmlns{':' + prefix if prefix else ''}=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ).encode(),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><{p}workbook {ns} '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<{p}sheets><{p}sheet name="Blad1" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="{rels_target}"/></Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0"?><{p}worksheet {ns}><{p}dimension ref="A1:A1"/>'
            f"<{p}sheetData>{sheet_data}</{p}sheetData></{p}worksheet>"
        ).encode(),
    }
    _write_zip(path, parts)
    return path


def test_missing_r_attributes_are_counted(tmp_path):
    data = ('<row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c><c r="E1"><v>5</v></c><c><v>6</v></c></row>'
            '<row/><row><c><v>2</v></c></row><row r="6"><c r="B6" t="b"><v>1</v></c></row>')
    path = _minimal(tmp_path / "norefs.xlsx", data)
    assert_agrees_with_openpyxl(path)
    with read_cells(path) as book:
        v = book.sheet("Blad1").values
    assert v == [("a", 1, None, None, 5, 6), (), (2,), (), (), (None, True)]


def test_absolute_targets_namespace_prefixes_and_entities(tmp_path):
    data = ('<x:row r="2"><x:c r="A2" t="str"><x:v>&lt;a&gt; &amp; &#229;&#xE4;</x:v></x:c>'
            '<x:c r="C2" s="0"><x:v>-1.5E3</x:v></x:c></x:row>')
    path = _minimal(tmp_path / "prefix.xlsx", data, rels_target="/xl/worksheets/sheet1.xml", prefix="x")
    with read_cells(path) as book:
        sheet = book.sheet("Blad1")
    assert sheet.values == [(), ("<a> & åä", None, -1500.0)]
    assert sheet.fill(1, 2) is None


def test_dimension_is_ignored(tmp_path):
    path = _minimal(tmp_path / "dim.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row><row r="9"><c r="C9"><v>9</v></c></row>')
    with read_cells(path) as book:
        values = book.sheet("Blad1").values
    assert len(values) == 9 and values[8] == (None, None, 9)


@pytest.mark.parametrize(
    "name, make, reason",
    [
        ("not a zip", lambda p: p.write_bytes(b"PK\x03\x04 but not really a zip"), "not an XLSX workbook"),
        ("text", lambda p: p.write_text("niva,kod\n", encoding="utf-8"), "not an XLSX workbook"),
    ],
)
def test_not_a_zip(tmp_path, name, make, reason):
    path = tmp_path / "bad.xlsx"
    make(path)
    with pytest.raises(XlsxError) as info:
        read_cells(path)
    assert str(path) in str(info.value) and reason in str(info.value)


def test_truncated_zip(tmp_path, book):
    path = tmp_path / "truncated.xlsx"
    data = book.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(WorkbookReadError) as info:
        read_workbook(path)
    assert str(path) in str(info.value) and "not an XLSX workbook" in str(info.value)


def test_missing_sheet_part(tmp_path, book):
    path = tmp_path / "nopart.xlsx"
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    with read_cells(book) as cells:
        part = cells._parts[L.SHEET_ENHETER]
    del parts[part]
    _write_zip(path, parts)
    with pytest.raises(WorkbookReadError) as info:
        read_workbook(path)
    message = str(info.value)
    assert str(path) in message and f"missing part {part}" in message


@pytest.mark.parametrize(
    "data",
    [
        '<row r="1"><c r="A1"><v>1</v></row>',  # a cell not closed
        '<row r="1"><c r="A1"><v>1</v></c><foo></row>',  # an unknown tag
        '<row r="1"><c r="A1" t="str"><v>a & b</v></c></row>',  # a stray &
        '<row r="1"><c r="A1"><v>x</v></c></row>',  # not a number
    ],
)
def test_malformed_sheet_xml(tmp_path, data):
    path = _minimal(tmp_path / "bad.xlsx", data)
    with pytest.raises(XlsxError) as info:
        read_cells(path).sheet("Blad1")
    assert str(path) in str(info.value) and "xl/worksheets/sheet1.xml" in str(info.value)


def test_truncated_sheet_xml(tmp_path):
    path = _minimal(tmp_path / "cut.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>')
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-20]
    _write_zip(path, parts)
    with pytest.raises(XlsxError, match="sheet1.xml"):
        read_cells(path).sheet("Blad1")
