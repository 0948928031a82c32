"""What a new user sees when they get something wrong: one clear line, never a wall of problems,
never a literal `\\n` or a terminal escape sequence."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ojexcel.cli import main

ROOT = Path(__file__).resolve().parents[1]
SURVEY_SAMPLE = ROOT / "samples" / "svar_2017.csv"
ISU_SAMPLE = ROOT / "samples" / "isu_arenden.csv"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_survey_file_given_to_isu_build_is_said_in_one_line(tmp_path_factory, tmp_path):
    own = tmp_path_factory.mktemp("key") / "egen.key"  # outside tmp_path, which must stay empty
    own.write_bytes(b"a key of this test, not the demo")
    key = ("--nyckelfil", own)  # a publication's key given (CONTRACT §2): the file is what is wrong
    for command in (("isu", "build", SURVEY_SAMPLE, "--out", tmp_path / "i.xlsx", *key),
                    ("isu", "kommun", "0114", SURVEY_SAMPLE, "--out", tmp_path / "k.html", *key)):
        result = run(*command)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 2, result.output  # the problem and the summary
        assert "looks like survey responses" in lines[0] and "ojexcel build" in lines[0]
    assert not list(tmp_path.iterdir())


def test_an_isu_file_given_to_build_is_said_in_one_line(tmp_path):
    result = run("build", ISU_SAMPLE, "--year", 2017, "--out", tmp_path / "b.xlsx")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2, result.output
    assert "looks like ISU ärende records" in lines[0] and "ojexcel isu build" in lines[0]
    assert not list(tmp_path.iterdir())


def test_an_ambiguous_name_lists_the_candidates_on_lines_of_their_own(tmp_path):
    for command in (("kommun", "Upplands", "--year", 2017, "--out", tmp_path / "k.xlsx"),
                    ("isu", "kommun", "Upplands", "--out", tmp_path / "k.xlsx")):
        result = run(*command)
        assert result.exit_code == 1
        assert "\\n" not in result.output
        lines = result.output.splitlines()
        assert any(line.strip().startswith("0114") and "Upplands Väsby" in line for line in lines), result.output
        assert any(line.strip().startswith("0139") and "Upplands-Bro" in line for line in lines), result.output


@pytest.mark.slow
def test_isu_kommun_escapes_the_file_name_it_prints(tmp_path):
    out = tmp_path / "rapport\x1b]0;titel\x07.html"
    result = run("isu", "kommun", "0180-02", "--out", out)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b" in result.output
