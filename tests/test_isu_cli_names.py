"""`ojexcel isu` commands: output names say their format; Kolada's unmasked counts are warned of."""
from __future__ import annotations

from click.testing import CliRunner

from ojexcel.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_isu_build_refuses_an_output_named_for_another_format(tmp_path):
    for args, said in (
        (("--out", tmp_path / "x.html"), "--out"),
        (("--out", tmp_path / "x.csv", "--tidy", tmp_path / "t.xlsx"), "swapped"),
        (("--out", tmp_path / "x.xlsx", "--tidy", tmp_path / "t.txt"), "--tidy"),
    ):
        result = run("isu", "build", *args)
        assert result.exit_code == 2, result.output
        assert said in result.output
    assert list(tmp_path.iterdir()) == []  # refused before any work


def test_isu_kolada_refuses_a_workbook_name_and_warns_of_small_counts(tmp_path):
    result = run("isu", "kolada", "--ar", 2022, "--out", tmp_path / "k.xlsx")
    assert result.exit_code == 2 and "--out" in result.output
    assert list(tmp_path.iterdir()) == []
    result = run("isu", "kolada", "--ar", 2022, "--out", tmp_path / "k.csv")
    assert result.exit_code == 0, result.output
    rows = (tmp_path / "k.csv").read_text(encoding="utf-8").splitlines()[1:]
    small = sum(1 for r in rows if 0 < int(r.split(",")[3]) < 5)
    assert small > 0  # the sample has small units: the warning must say how many
    assert f"{small} row(s) count 1–4 ärenden" in result.output and "not for publishing" in result.output
