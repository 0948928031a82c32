"""An output's name must say its format (issue 13); `kommun 0114 --all` says that --all takes no
code; --out and --out-dir follow one rule for missing folders."""
from __future__ import annotations

from click.testing import CliRunner

from ojexcel.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_build_refuses_names_that_say_another_format(tmp_path):
    result = run("build", "--year", 2017, "--out", tmp_path / "x.csv")
    assert result.exit_code == 2 and "--out" in result.output and ".xlsx" in result.output
    result = run("build", "--year", 2017, "--out", tmp_path / "t.csv", "--tidy", tmp_path / "b.xlsx")
    assert result.exit_code == 2 and "swapped" in result.output
    result = run("build", "--year", 2017, "--out", tmp_path / "b.xlsx", "--tidy", tmp_path / "t.txt")
    assert result.exit_code == 2 and "--tidy" in result.output and ".csv" in result.output
    assert list(tmp_path.iterdir()) == []
    assert run("build", "--year", 2017, "--out", tmp_path / "B.XLSX", "--tidy", tmp_path / "t.CSV", "-q").exit_code == 0


def test_kommun_format_follows_or_must_match_the_name(tmp_path):
    result = run("kommun", "0114", "--year", 2017, "--out", tmp_path / "k.pdf")
    assert result.exit_code == 2 and ".xlsx or .html" in result.output
    result = run("kommun", "0114", "--year", 2017, "--out", tmp_path / "k.xlsx", "--format", "html")
    assert result.exit_code == 2 and "--format html" in result.output
    assert list(tmp_path.iterdir()) == []
    assert run("kommun", "0114", "--year", 2017, "--out", tmp_path / "k.htm", "-q").exit_code == 0
    assert (tmp_path / "k.htm").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_trend_and_kolada_names(tmp_path, tidy_files):
    result = run("trend", f"2017={tidy_files[2017]}", "--out", tmp_path / "t.csv")
    assert result.exit_code == 2 and ".xlsx" in result.output
    result = run("kolada", tidy_files[2017], "--year", 2017, "--out", tmp_path / "k.xlsx")
    assert result.exit_code == 2 and ".csv" in result.output
    assert list(tmp_path.iterdir()) == []


def test_all_takes_no_kod(tmp_path):
    result = run("kommun", "0114", "--all", "--year", 2017, "--out-dir", tmp_path / "ut")
    assert result.exit_code == 2 and "takes no KOD" in result.output and "no such file" not in result.output


def test_one_rule_for_missing_folders(tmp_path):
    result = run("kommun", "0114", "--year", 2017, "--out", tmp_path / "saknas" / "k.xlsx")
    assert result.exit_code == 1 and "does not exist" in result.output
    result = run("kommun", "--all", "--year", 2017, "--out-dir", tmp_path / "saknas" / "ut")
    assert result.exit_code == 1 and "does not exist" in result.output
    assert not (tmp_path / "saknas").exists()
