"""The tidy export's `ar` column (CONTRACT §5): written first, checked against the year a file is
given as, files without it still read, and a workbook given instead of a tidy export said in words."""
from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.problems import InputError
from ojexcel.survey.tidy import TIDY_HEADER
from ojexcel.survey.tidy import read_tidy


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _without_ar(src, dst):
    dst.write_text("".join(line.split(",", 1)[1] for line in open(src, encoding="utf-8")), encoding="utf-8")
    return dst


def test_ar_is_the_first_column_on_every_row(tidy_files):
    for year, path in tidy_files.items():
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert tuple(rows[0]) == TIDY_HEADER and rows[0][0] == "ar"
        assert {r[0] for r in rows[1:]} == {str(year)}
        assert {r.ar for r in read_tidy(path)} == {year}


def test_a_file_without_ar_reads_as_the_same_rows(tidy_files, tmp_path):
    old = _without_ar(tidy_files[2017], tmp_path / "old.csv")
    new_rows = read_tidy(tidy_files[2017], 2017)
    old_rows = read_tidy(old, 2017)
    assert {r.ar for r in old_rows} == {None}
    assert [r._replace(ar=None) for r in new_rows] == old_rows


@pytest.mark.slow
def test_concatenated_years_read_as_one_table_only_when_asked(tidy_files, tmp_path):
    both = tmp_path / "both.csv"
    lines = open(tidy_files[2016], encoding="utf-8").read() + "".join(open(tidy_files[2017], encoding="utf-8").readlines()[1:])
    both.write_text(lines, encoding="utf-8")
    rows = read_tidy(both, several_years=True)
    assert {r.ar for r in rows} == {2016, 2017}
    assert len(rows) == len(read_tidy(tidy_files[2016])) + len(read_tidy(tidy_files[2017]))
    with pytest.raises(InputError) as exc:
        read_tidy(both)
    assert "holds several years (2016, 2017" in str(exc.value.problems[0])
    with pytest.raises(InputError) as exc:
        read_tidy(both, 2016)
    assert "given as year 2016 but holds year 2017" in str(exc.value.problems[0])
    # The same key twice within one year is still a duplicate.
    dup = tmp_path / "dup.csv"
    dup.write_text(lines + open(tidy_files[2017], encoding="utf-8").readlines()[1], encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_tidy(dup, several_years=True)
    assert "duplicate row" in str(exc.value.problems[0])


def test_a_bad_year_cell_names_row_and_value(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(TIDY_HEADER) + "\n2017,enhet,0114,socialjour,Ja,,,,,,\n17,enhet,0115,socialjour,Ja,,,,,,\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_tidy(bad)
    assert f"{bad}, row 3, column ar, value '17': the year must be four digits" in str(exc.value.problems[0])


def test_commands_check_the_year_of_each_file(tidy_files, tmp_path):
    out = tmp_path / "t.xlsx"
    result = run("trend", f"2016={tidy_files[2017]}", f"2017={tidy_files[2016]}", "--out", out)
    assert result.exit_code == 1
    assert "given as year 2016 but holds year 2017" in result.output
    assert "given as year 2017 but holds year 2016" in result.output
    assert not out.exists()
    result = run("kolada", tidy_files[2016], "--year", 2017, "--out", tmp_path / "k.csv")
    assert result.exit_code == 1 and "given as year 2017 but holds year 2016" in result.output
    result = run("kommun", "0114", "--year", 2017, "--out", tmp_path / "k.xlsx", "--history", f"2018={tidy_files[2016]}")
    assert result.exit_code == 1 and "given as year 2018 but holds year 2016" in result.output
    assert not (tmp_path / "k.xlsx").exists() and not (tmp_path / "k.csv").exists()


def test_a_workbook_given_as_tidy_export_is_said_in_words(tmp_path):
    book = tmp_path / "bok.xlsx"
    assert run("build", "--year", 2017, "--out", book, "-q").exit_code == 0
    binary = tmp_path / "latin1.csv"
    binary.write_bytes(",".join(TIDY_HEADER).encode() + b"\n2017,enhet,0114,socialjour,\xff\xfe,,,,,,\n")
    for args in (
        ("trend", f"2016={book}", "--out", tmp_path / "t.xlsx"),
        ("kolada", book, "--year", 2017, "--out", tmp_path / "k.csv"),
        ("kommun", "0114", "--year", 2017, "--out", tmp_path / "k.xlsx", "--history", f"2016={book}"),
    ):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert f"{book}: is an XLSX workbook, not a tidy export" in result.output
        assert "UnicodeDecodeError" not in result.output and "Traceback" not in result.output
    result = run("trend", f"2017={binary}", "--out", tmp_path / "t.xlsx")
    assert result.exit_code == 1 and "not UTF-8 text" in result.output and "UnicodeDecodeError" not in result.output


@pytest.mark.slow
def test_a_tidy_export_from_a_pipe_is_read_once(tmp_path):
    # `trend 2017=<(git show …:t.csv)`: the file is read once, never sniffed and re-opened
    import os
    import threading

    from ojexcel.survey.tidy import read_tidy

    tidy = tmp_path / "t.csv"
    assert run("build", "--year", 2017, "--out", tmp_path / "b.xlsx", "--tidy", tidy, "-q").exit_code == 0
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    data = tidy.read_bytes()

    def feed():
        with open(fifo, "wb") as fh:
            fh.write(data)

    result = {}

    def read():
        result["rows"] = read_tidy(fifo, 2017)

    threads = [threading.Thread(target=f, daemon=True) for f in (feed, read)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)  # a second open of the pipe would block for ever: fail, don't hang
    assert "rows" in result, "the pipe was not read in one pass"
    assert result["rows"] == read_tidy(tidy, 2017)
