"""The shared table reader (tables.open_table): openpyxl's cell semantics for XLSX, streamed CSV,
a pipe read once, and its limits."""
from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from ojexcel.io.limits import Limits
from ojexcel.problems import InputError, Report
from ojexcel.io.tables import ISU_LIMITS, SURVEY_LIMITS, open_table


def read(path, limits=SURVEY_LIMITS):
    report = Report(file=str(path))
    with open_table(path, report, limits) as table:
        return table.header, list(table.rows()), table.xlsx, table.delimiter, report


def test_xlsx_cells_are_openpyxls(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["enhetskod", "tal", "datum", "formel", "bool", "tom", "text"])
    ws.append(["0114", 3, datetime.datetime(2023, 1, 5), "=1+2", True, None, "Väsby & <x>"])
    ws.append(["0115", 2.5, datetime.datetime(2022, 12, 31, 12, 30), "=A2", False, None, "  "])
    ws.append([None] * 7)  # blank: skipped
    ws["C5"] = 45000  # a plain number in a date column stays a number
    ws["C6"] = datetime.datetime(2024, 2, 29)
    ws["C6"].number_format = "yyyy-mm-dd"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    header, rows, xlsx, delimiter, _ = read(path)
    assert xlsx and delimiter is None
    ref = openpyxl.load_workbook(path, read_only=True, data_only=False).active
    ref.reset_dimensions()
    expected = [list(r) for r in ref.iter_rows(values_only=True)]
    assert header == expected[0]
    got = {n: cells for n, cells in rows}
    for n, want in enumerate(expected[1:], start=2):
        if not any(v is not None for v in want):
            assert n not in got
            continue
        while want and want[-1] is None:
            want.pop()
        assert [(v, type(v)) for v in got[n]] == [(v, type(v)) for v in want], n
    assert got[2][2] == datetime.datetime(2023, 1, 5) and got[2][3] == "=1+2"


def test_csv_streams_with_encoding_and_delimiter(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("enhetskod;namn\r\n0114;Upplands Väsby\r\n;\r\n0115;\"Vallentuna;\"\"x\"\"\"\r\n".encode("cp1252"))
    header, rows, xlsx, delimiter, report = read(path)
    assert (header, xlsx, delimiter) == (["enhetskod", "namn"], False, ";")
    assert rows == [(2, ["0114", "Upplands Väsby"]), (4, ["0115", 'Vallentuna;"x"'])]
    assert "read as Windows-1252" in report.warnings[0].message


def test_a_pipe_is_read_once(tmp_path):
    """`<(…)`: a FIFO can be read only once; the reader copies it, within the size limit."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen([sys.executable, "-c", f"open({str(fifo)!r}, 'w').write('a,b\\n1,2\\n')"])
    try:
        header, rows, *_ = read(fifo)
    finally:
        writer.wait(10)
    assert header == ["a", "b"] and rows == [(2, ["1", "2"])]


def test_dev_zero_is_refused_at_once():
    with pytest.raises(InputError) as info:
        read(Path("/dev/zero"), ISU_LIMITS)
    assert "binary data" in str(info.value)


def _limited(**changes) -> Limits:
    fields = {f: getattr(SURVEY_LIMITS, f) for f in SURVEY_LIMITS.__dataclass_fields__}
    return Limits(**(fields | changes))


@pytest.mark.parametrize("limit, content, message", [
    ({"max_rows": 2}, "a\n1\n2\n3\n", "over 2 data rows"),
    ({"max_columns": 3}, "a,b,c,d\n", "more than 3 fields, over the limit of 3 columns"),
    # counted while the record is parsed: quoted line breaks make one record of many lines (D171)
    ({"max_columns": 3}, 'a\n"\n","\n","\n","\n"\n', "the record starting on line 2 has more than 3 fields"),
    ({"max_columns": 4}, 'a,b,c\n"x,y,z,w","1,2,3,4,5",3\n', None),  # delimiters inside quotes are not fields
    ({"max_row_chars": 100}, 'a\n"' + "x\n" * 60 + '"\n', "has over 100 characters"),
    ({"max_cell_chars": 10}, "a\n" + "x" * 11 + "\n", "a cell of over 10 characters"),
    ({"max_file_bytes": 5}, "a,b,c\n", "over the limit of 5"),
    ({"max_row_chars": 2**20}, "a\n" + "," * (3 * 2**20) + "\n", "line 2 is over 1,048,576 characters"),
])
def test_csv_limits(tmp_path, limit, content, message):
    path = tmp_path / "t.csv"
    path.write_text(content)
    if message is None:
        assert read(path, _limited(**limit))[1]
        return
    with pytest.raises(InputError) as info:
        read(path, _limited(**limit))
    assert message in str(info.value)


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfe\x00\x00a\x00\x00\x00", "UTF-32 text is not supported"),
    ("enhetskod,namn\n0114,x\n".encode("utf-16-le"), "UTF-16 without a byte order mark"),
    (b"a,b\n1,2\n" + b"3,\x00\n", "a NUL byte (binary data) on line 3"),
    (b"a,b\r1,\xd6\r2,\xc3\x96\r", "the file mixes encodings: line 3 is UTF-8 but line 2 is not"),
])
def test_unclear_encodings_are_named(tmp_path, data, message):
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read(path)
    assert message in str(info.value)


def test_first_line_over_the_csv_field_limit(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('"' + "x" * 200_000 + "\n")
    with pytest.raises(InputError) as info:
        read(path)
    assert "characters (Excel's cell limit)" in str(info.value)


def test_diff_reads_a_process_substitution_once(tmp_path):
    """`ojexcel diff <(git show HEAD~1:t.csv) t.csv`: the pipe is read once (no sniff-and-reopen)."""
    from click.testing import CliRunner

    from ojexcel.cli import main
    from ojexcel.survey.compilation import build_results
    from ojexcel.survey.tidy import write_tidy_file

    tidy = tmp_path / "t.csv"
    write_tidy_file(build_results(None, 2017), tidy)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen([sys.executable, "-c", f"open({str(fifo)!r}, 'wb').write(open({str(tidy)!r}, 'rb').read())"])
    try:
        result = CliRunner().invoke(main, ["diff", str(fifo), str(tidy)])
    finally:
        writer.wait(10)
    assert result.exit_code == 0 and "No differences" in result.output, result.output


def test_shared_strings_tokenized_as_elementtree_parses_them(tmp_path):
    """The shared strings' tokenizer (issue 17: ElementTree took minutes on a hostile part) agrees
    with the ElementTree path on rich text, phonetic runs, prefixes, entities and line ends."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "hostile"))
    import make_corpus as C
    from ojexcel.io.xlsx_cells import Workbook

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = (
        "<si><t>Ja</t></si><si><t xml:space=\"preserve\"> två  </t></si><si/><si><t/></si>"
        "<si><r><rPr><b/></rPr><t>fet</t></r><r><t xml:space=\"preserve\"> och inte</t></r></si>"
        "<si><t>漢字</t><rPh sb=\"0\" eb=\"1\"><t>かんじ</t></rPh><phoneticPr fontId=\"1\"/></si>"
        "<si><t>a &amp; b &lt;c&gt; &#229;&#x00E4;\r\nrad</t></si><si><t>_x005F_x000D_</t></si>\n"
    )
    for sst in (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{ns}" count="8">{strings}</sst>',
                f'<x:sst xmlns:x="{ns}">' + strings.replace("<", "<x:").replace("<x:/", "</x:") + "</x:sst>"):
        path = tmp_path / "s.xlsx"
        C.write_xlsx(path, [C.SHEET_HEAD, C.SHEET_TAIL], extra={"xl/sharedStrings.xml": sst})
        with Workbook(path) as book:
            tokenized = book._tokenized_strings("xl/sharedStrings.xml")
            parsed = book._parsed_strings("xl/sharedStrings.xml")
        assert tokenized == parsed and len(parsed) == 8
        assert parsed[4] == "fet och inte" and parsed[5] == "漢字" and parsed[6] == "a & b <c> åä\nrad"


@pytest.mark.parametrize("sst, message", [
    ('<sst><si><t>a</t></si><si><t>b', "the part ends inside a string"),
    ('<sst><si><t>a</t></si><foo/><si><t>b</t></si></sst>', "unexpected '<foo/>'"),
    ('<sst><si><t>a & b</t></si></sst>', "a stray '&'"),
    ('<sst><si><t>&#0;</t></si></sst>', "is not an XML character"),
])
def test_damaged_shared_strings_are_named(tmp_path, sst, message):
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "hostile"))
    import make_corpus as C
    from ojexcel.io.xlsx_cells import Workbook, XlsxError

    path = tmp_path / "s.xlsx"
    C.write_xlsx(path, [C.SHEET_HEAD, C.SHEET_TAIL], extra={"xl/sharedStrings.xml": sst})
    with Workbook(path) as book, pytest.raises(XlsxError) as info:
        book._shared_strings()
    assert message in str(info.value)
