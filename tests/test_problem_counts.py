"""Issue 17, item 12: an ISU XLSX re-saved by a spreadsheet (kommun codes became numbers) is read
as the survey reader reads one (D6, D174: one shared rule, one warning), a stray BOM is refused by
both readers alike, and every summary counts every problem: the count a command says equals the
problems found, those summarised and those only counted included (D173)."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.io.resources import isu_demo_key
from ojexcel.isu.codebook import load_codebook
from ojexcel.isu.reader import read_arenden
from ojexcel.population import load_population
from ojexcel.problems import InputError, Problem, Report, format_problems

ROOT = Path(__file__).resolve().parents[1]
ISU_SAMPLE = ROOT / "samples" / "isu_arenden.csv"
SOME = 600  # of the sample's rows: enough units, a fast test
KODBOK = load_codebook()
POP = load_population()


def _sample_rows() -> tuple[list[str], list[list[str]]]:
    with open(ISU_SAMPLE, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write_csv(path: Path, header: list[str], rows: list[list[str]], bom_row: int | None = None) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for i, row in enumerate(rows):
            if i == bom_row:
                fh.write("\ufeff")  # two files joined: the second's BOM starts a row
            w.writerow(row)
    return path


def _resaved(path: Path, change=None) -> tuple[Path, int]:
    """The ISU sample as an XLSX whose kommun codes are numbers (districts stay text)."""
    import xlsxwriter

    header, rows = _sample_rows()
    rows = rows[:SOME]
    at = header.index("enhetskod")
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, header)
    numeric = 0
    for r, row in enumerate(rows, start=1):
        cells: list[object] = list(row)
        if cells[at].isdigit():
            cells[at] = int(cells[at])
            numeric += 1
        if change:
            change(r, cells, at)
        for c, v in enumerate(cells):
            if v != "":
                ws.write(r, c, v)
    wb.close()
    return path, numeric


def test_an_isu_xlsx_with_numeric_codes_reads_as_the_csv_with_one_warning(tmp_path):
    path, numeric = _resaved(tmp_path / "arenden.xlsx")
    header, rows = _sample_rows()
    csv_path = _write_csv(tmp_path / "arenden.csv", header, rows[:SOME])
    got, want = read_arenden(path, KODBOK, POP), read_arenden(csv_path, KODBOK, POP)
    assert got.enheter == want.enheter and np.array_equal(got.enhet, want.enhet)
    assert all(np.array_equal(got.enval[k], want.enval[k]) for k in want.enval)
    codes = [w for w in got.warnings if w.column == "enhetskod"]
    assert len(codes) == 1 and numeric > 300
    assert f"in {numeric} row(s)" in codes[0].message and "114 → 0114" in codes[0].message


def test_a_number_that_is_no_code_is_an_error_in_both_readers_alike(tmp_path):
    def change(r, cells, at):
        if r == 1:
            cells[at] = 9

    path, _ = _resaved(tmp_path / "arenden.xlsx", change)
    with pytest.raises(InputError) as info:
        read_arenden(path, KODBOK, POP)
    (error,) = [p for p in info.value.problems if p.column == "enhetskod"]
    assert error.row == 2 and "enhetskod is a number (9), and a number loses the leading zero, but 0009" in error.message


def test_a_bom_at_the_start_of_a_row_is_no_part_of_an_arende_id(tmp_path):
    header, rows = _sample_rows()
    _write_csv(tmp_path / "a.csv", header, rows[:5], bom_row=2)
    with pytest.raises(InputError) as info:
        read_arenden(tmp_path / "a.csv", KODBOK, POP)
    (error,) = info.value.problems
    assert (error.row, error.column) == (4, "arende_id") and "stray byte order mark" in error.message
    assert error.value == "\ufeff" + rows[2][0]


def test_the_count_said_is_every_problem_found(tmp_path):
    """2 905 bad rows once said "21 problem(s)": the summary line counts the rows it stands for."""
    header, rows = _sample_rows()
    kon = header.index("kon")
    for r in rows:
        r[kon] = "Kvina"
    _write_csv(tmp_path / "a.csv", header, rows)
    with pytest.raises(InputError) as info:
        read_arenden(tmp_path / "a.csv", KODBOK, POP)
    assert info.value.count == len(rows)
    result = CliRunner().invoke(main, ["isu", "build", str(tmp_path / "a.csv"), "--out", str(tmp_path / "x.xlsx"),
                                       "--nyckelfil", str(isu_demo_key())])
    assert result.exit_code == 1
    assert f"{len(rows)} problem(s) in the input" in result.output
    said = re.search(r"(\d+) more rows with this error: .*\((?:rows [^;]*); (\d+) in all\)", result.output)
    assert said and int(said.group(2)) == len(rows)


def test_a_survey_file_of_many_errors_counts_them_all(tmp_path):
    with open(ROOT / "samples" / "svar_2017.csv", encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    _write_csv(tmp_path / "s.csv", header, [[f"9{i:03d}", "x", "Ja"] + [""] * (len(header) - 3) for i in range(2500)])
    result = CliRunner().invoke(main, ["build", str(tmp_path / "s.csv"), "--year", "2017", "--out",
                                       str(tmp_path / "b.xlsx")])
    assert result.exit_code == 1
    n = int(re.search(r"(\d+) problem\(s\) in the input", result.output).group(1))
    assert n == 2500  # every unknown unit, counted past the 1 000 kept
    hidden = int(re.search(r"… and ([\d,]+) more problem\(s\) not shown", result.output).group(1).replace(",", ""))
    shown = sum(1 for line in result.output.splitlines() if line.startswith("error:") and "… and" not in line)
    summarised = sum(int(m.replace(",", "")) for m in re.findall(r"error: … and ([\d,]+) more with the same problem",
                                                                    result.output))
    assert shown + summarised + hidden == n


def test_format_problems_counts_what_a_summary_stands_for():
    problems = [Problem("one", row=2), Problem("a summary of many", count=500)]
    err = InputError(problems, omitted=7)
    assert err.count == 508
    lines = format_problems([Problem(f"p{i}", row=i) for i in range(3)] + [Problem("many", count=40)], limit=2)
    assert lines[-1] == "… and 41 more problem(s) not shown"


def test_a_report_counts_past_its_cap():
    report = Report(file="f")
    for i in range(1500):
        report.error("x", row=i)
    with pytest.raises(InputError) as info:
        report.raise_if_errors()
    assert info.value.count == 1500


def test_the_isu_reader_stops_after_too_many_errors(tmp_path, monkeypatch):
    """D177: a file of a million bad rows is refused early; the count said is what was found."""
    from ojexcel.isu import reader

    monkeypatch.setattr(reader, "MAX_ERRORS", 30)
    monkeypatch.setattr(reader, "BATCH_ROWS", 16)
    header, rows = _sample_rows()
    kon = header.index("kon")
    for r in rows[:200]:
        r[kon] = "Kvina"
    _write_csv(tmp_path / "a.csv", header, rows[:200])
    with pytest.raises(InputError) as info:
        read_arenden(tmp_path / "a.csv", KODBOK, POP)
    stop = [p for p in info.value.problems if "the reading stopped" in p.message]
    assert len(stop) == 1 and stop[0].row == 33  # after the second batch of 16 rows
    assert info.value.count == 32 + 1
