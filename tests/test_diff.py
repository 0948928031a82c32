"""`ojexcel diff`: rows aligned by key, every kind of change, formats, options and exit status."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.survey.compilation import sample_path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def build(responses, out: Path):
    result = run("build", responses, "--year", 2017, "--out", out.with_suffix(".xlsx"), "--tidy", out.with_suffix(".csv"), "-q")
    assert result.exit_code == 0, result.output
    return out.with_suffix(".csv")


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    d = tmp_path_factory.mktemp("diff")
    return build(sample_path(2017), d / "base")


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """The sample with one answer changed: 0114's G1 flipped."""
    d = tmp_path_factory.mktemp("diff_changed")
    rows = read_rows(sample_path(2017))
    row = next(r for r in rows if r["enhetskod"] == "0114")
    row["G1"] = "Nej" if row["G1"].casefold() == "ja" else "Ja"
    return build(write_rows(d / "svar.csv", rows), d / "changed")


def keyed(path):
    return {(r["niva"], r["kod"], r["indikator"]): r for r in read_rows(path)}


@pytest.mark.slow
def test_one_changed_answer_gives_its_unit_and_the_shares_that_moved(base, changed):
    result = run("diff", base, changed, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    got = {(c["niva"], c["kod"], c["indikator"]) for c in doc["changes"]}
    old, new = keyed(base), keyed(changed)
    moved = {k for k in old if k[0] != "enhet" and old[k]["varde"] != new[k]["varde"]}
    assert got == {("enhet", "0114", "socialjour")} | moved
    assert all(k[2] == "socialjour" for k in moved)
    assert ("riket", "", "socialjour") in moved or old[("riket", "", "socialjour")]["varde"] == new[("riket", "", "socialjour")]["varde"]
    assert all(c["kind"] == "value" for c in doc["changes"])
    unit = next(c for c in doc["changes"] if c["niva"] == "enhet")
    assert {unit["old"], unit["new"]} == {"Ja", "Nej"}
    assert doc["summary"]["unit_values"] == 1 and doc["summary"]["units_changed"] == 1
    assert doc["added"] == doc["removed"] == []


def test_counts_option_reports_every_group_of_the_unit(base, changed):
    doc = json.loads(run("diff", base, changed, "--format", "json", "--counts").output)
    counts = {(c["niva"], c["kod"]) for c in doc["changes"] if c["kind"] == "counts"}
    # 0114 Upplands Väsby: län 01, kommungrupp 3, SKL A2, riket.
    assert counts == {("riket", ""), ("lan", "01"), ("kommungrupp", "3"), ("skl_grupp", "A2")}
    c = next(c for c in doc["changes"] if c["kind"] == "counts" and c["niva"] == "riket")
    assert abs(c["new"]["ja"] - c["old"]["ja"]) == 1 and c["new"]["enheter"] == 316


def test_identical(base):
    result = run("diff", base, base)
    assert result.exit_code == 0 and "No differences" in result.output


def test_resorted_tidy_is_identical(base, tmp_path):
    rows = read_rows(base)
    rows.reverse()
    result = run("diff", base, write_rows(tmp_path / "resorted.csv", rows))
    assert result.exit_code == 0, result.output


def test_added_and_removed_units_and_indicators(base, tmp_path):
    rows = [r for r in read_rows(base) if r["kod"] != "0114" and r["indikator"] != "audit"]
    rows.append({**rows[0], "kod": "9999"})
    result = run("diff", base, write_rows(tmp_path / "fewer.csv", rows), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["changes"] == []
    assert {(e["what"], e["kod"], e["indikator"]) for e in doc["removed"]} == {("enhet", "0114", ""), ("indikator", "", "audit")}
    assert [(e["what"], e["kod"]) for e in doc["added"]] == [("enhet", "9999")]
    assert next(e for e in doc["removed"] if e["kod"] == "0114")["name"] == "Upplands Väsby"


@pytest.mark.slow
def test_only_and_indicator_filters(base, changed):
    assert run("diff", base, changed, "--only", "0115,0117").exit_code == 0
    assert run("diff", base, changed, "--indicator", "audit").exit_code == 0
    doc = json.loads(run("diff", base, changed, "--only", "0114", "--format", "json").output)
    assert [(c["kod"], c["indikator"]) for c in doc["changes"]] == [("0114", "socialjour")]


def test_text_report_is_grouped_by_unit(base, changed):
    out = run("diff", base, changed).output
    assert "enhet 0114 Upplands Väsby\n  socialjour" in out
    assert "Summary: 1 unit value(s) in 1 unit(s)" in out


def test_markdown_report(base, changed):
    out = run("diff", base, changed, "--format", "markdown").output
    assert out.startswith("### ojexcel diff")
    assert "| `socialjour` | value |" in out


@pytest.mark.parametrize(
    "content, message",
    [
        ("a,b,c\n1,2,3\n", "not a readable ojexcel workbook or tidy export"),
        (None, "no such file"),
    ],
)
def test_trouble_exits_2(base, tmp_path, content, message):
    other = tmp_path / "other.csv"
    if content is not None:
        other.write_text(content, encoding="utf-8")
    result = run("diff", base, other)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_dump_is_canonical(base, tmp_path):
    rows = read_rows(base)
    rows.reverse()
    resorted = write_rows(tmp_path / "resorted.csv", rows)
    a, b = run("dump", base), run("dump", resorted)
    assert a.exit_code == 0 and a.output == b.output
    assert "riket - socialjour " in a.output


# -- workbooks ------------------------------------------------------------------------------------

import copy  # noqa: E402

import openpyxl  # noqa: E402
from openpyxl.styles import PatternFill  # noqa: E402

from ojexcel.survey import workbook_layout as L  # noqa: E402


@pytest.fixture(scope="module")
def books(base, changed):
    return base.with_suffix(".xlsx"), changed.with_suffix(".xlsx")


def _header_row(ws, label):
    for row in ws.iter_rows(min_row=1, max_row=40):
        for cell in row:
            if cell.value == label:
                return cell.row, {c.value: c.column for c in row if c.value is not None}
    raise AssertionError(f"no header {label!r} in {ws.title}")


def _sort_sheet(ws, header_label, key_label, reverse=False):
    """Sort the data rows below the header by another key column, moving values and styles."""
    head, cols = _header_row(ws, header_label)
    key_col = cols[key_label]
    rows = [[(c.value, copy.copy(c._style)) for c in row] for row in ws.iter_rows(min_row=head + 1)]
    rows = [r for r in rows if any(v is not None for v, _ in r)]
    rows.sort(key=lambda r: str(r[key_col - 1][0]), reverse=reverse)
    for r, row in enumerate(rows, start=head + 1):
        for c, (value, style) in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = value
            cell._style = style


@pytest.mark.slow
def test_workbook_resorted_in_openpyxl_by_another_key_is_identical(books, tmp_path):
    book, _ = books
    wb = openpyxl.load_workbook(book)
    _sort_sheet(wb[L.SHEET_ENHETER], L.COL_KOD, L.COL_NAMN, reverse=True)
    _sort_sheet(wb[L.SHEET_LAN], L.COL_INDIKATOR_ID, L.COL_INDIKATOR_ID)
    _sort_sheet(wb[L.SHEET_GRUPPER], L.COL_INDIKATOR_ID, L.COL_ANDEL)
    resorted = tmp_path / "resorted.xlsx"
    wb.save(resorted)
    result = run("diff", book, resorted)
    assert result.exit_code == 0, result.output
    assert "No differences" in result.output and "fills not compared" not in result.output


def test_workbooks_one_changed_answer(books, base, changed):
    doc = json.loads(run("diff", *books, "--format", "json").output)
    old, new = keyed(base), keyed(changed)
    moved = {k for k in old if k[0] != "enhet" and old[k]["varde"] != new[k]["varde"]}
    assert {(c["niva"], c["kod"], c["indikator"]) for c in doc["changes"]} == {("enhet", "0114", "socialjour")} | moved
    # The unit's fill follows its value, so it is one value change, not a fill change besides.
    assert {c["kind"] for c in doc["changes"]} == {"value"}


@pytest.mark.slow
def test_fill_only_change_is_a_styling_regression(books, tmp_path):
    book, _ = books
    wb = openpyxl.load_workbook(book)
    ws = wb[L.SHEET_ENHETER]
    head, cols = _header_row(ws, L.COL_KOD)
    target = None
    for row in ws.iter_rows(min_row=head + 1):
        kod = row[cols[L.COL_KOD] - 1].value
        for cell in row[cols[L.COL_NAMN]:]:
            if cell.value == "Ja" and kod and "-" not in str(kod):
                target = (kod, cell)
                break
        if target:
            break
    kod, cell = target
    cell.fill = PatternFill("solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
    id_row = next(r for r in range(1, head) if any(ws.cell(row=r, column=c).value == L.LABEL_ID for c in range(1, ws.max_column + 1)))
    indicator = ws.cell(row=id_row, column=cell.column).value
    broken = tmp_path / "fill.xlsx"
    wb.save(broken)
    result = run("diff", book, broken, "--format", "json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    assert doc["changes"] == [
        {"niva": "enhet", "kod": kod, "indikator": indicator, "old": "C6EFCE", "new": "FFC7CE", "kind": "fill"}
    ]
    assert doc["summary"]["fills"] == 1 and doc["summary"]["unit_values"] == 0
    assert run("diff", book, broken, "--ignore-fills").exit_code == 0
    assert "fill only" in run("diff", book, broken).output


def test_not_an_ojexcel_workbook_is_trouble(books, tmp_path):
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    wb.save(other)
    result = run("diff", books[0], other)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert str(other) in result.output


def test_diff_count_names_are_the_tidy_columns():
    from ojexcel.survey.diff import COUNT_NAMES
    from ojexcel.survey.tidy import COUNT_COLUMNS

    assert COUNT_NAMES == COUNT_COLUMNS


@pytest.mark.slow
def test_an_edit_on_the_indicator_sheet_does_not_stop_the_diff(books, tmp_path):
    book, _ = books
    wb = openpyxl.load_workbook(book)
    ws = wb[L.SHEET_INDIKATORER]
    head, cols = _header_row(ws, L.COL_NR)
    ws.cell(row=head + 1, column=cols[L.COL_NR]).value = None  # a reviewer blanked a number
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    result = run("diff", book, edited)
    assert result.exit_code == 0, result.output
