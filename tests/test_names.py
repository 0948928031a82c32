"""Names as people type them (issue 13): `kommun` and `diff --only` match without diacritics and
with spaces for dashes, suggest close names on a miss; unknown `--indicator` ids are usage errors."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.survey.kommun_report import EnhetLookupError, find_enhet
from ojexcel.names import normalise


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("query, kod", [
    ("Goteborg", "1480"), ("Malmo", "1280"), ("Orebro", "1880"), ("upplands bro", "0139"),
    ("Rinkeby Kista", "0180-08"), ("stockholm bromma", "0180-01"), ("Stockholm – Bromma", "0180-01"),
    ("STOCKHOLM-BROMMA", "0180-01"), ("Upplands  Väsby", "0114"), ("kiru", "2584"), ("0114", "0114"),
    ("hagersten liljeholmen", "0180-04"),
])
def test_names_match_without_diacritics_and_dashes(population, query, kod):
    assert find_enhet(population, query).kod == kod


def test_a_miss_suggests_the_closest_names(population):
    with pytest.raises(EnhetLookupError) as exc:
        find_enhet(population, "Upplans Väsby")
    assert "did you mean Upplands Väsby (0114)?" in str(exc.value)
    with pytest.raises(EnhetLookupError) as exc:
        find_enhet(population, "Xyzzyby")
    assert "did you mean" not in str(exc.value)
    with pytest.raises(EnhetLookupError) as exc:  # still ambiguous, with the candidates
        find_enhet(population, "upplands")
    assert "0114  Upplands Väsby" in str(exc.value) and "0139  Upplands-Bro" in str(exc.value)


def test_normalise():
    assert normalise("  Göteborg – Askim-Frölunda-Högsbo ") == "goteborg askim frolunda hogsbo"
    assert normalise("ÅÄÖ éü") == "aao eu"


def test_kommun_command_takes_the_typed_names(tmp_path):
    out = tmp_path / "k.xlsx"
    result = run("kommun", "Goteborg", "--year", 2017, "--out", out)
    assert result.exit_code == 0 and "Göteborg (1480)" in result.output
    result = run("kommun", "Upplans Väsby", "--year", 2017, "--out", tmp_path / "x.xlsx")
    assert result.exit_code == 1 and "did you mean Upplands Väsby (0114)?" in result.output
    assert not (tmp_path / "x.xlsx").exists()


@pytest.fixture(scope="module")
def sides(tmp_path_factory):
    out = tmp_path_factory.mktemp("names")
    assert run("build", "--year", 2017, "--out", out / "a.xlsx", "--tidy", out / "a.csv", "-q").exit_code == 0
    return out / "a.xlsx", out / "a.csv"


def _compared(result) -> int:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["summary"]["compared_cells"]


@pytest.mark.slow
def test_diff_only_accepts_codes_and_names(sides):
    a, b = sides
    assert _compared(run("diff", a, b, "--only", "Upplands Väsby", "--format", "json")) == 55
    assert _compared(run("diff", a, b, "--only", "upplands vasby,0115", "--format", "json")) == 110
    assert _compared(run("diff", a, b, "--only", "0114 0115", "--format", "json")) == 110
    assert _compared(run("diff", a, b, "--only", "stockholm bromma", "--indicator", "socialjour",
                         "--format", "json")) == 1
    assert _compared(run("diff", a, b, "--only", "Stockholms län", "--format", "json")) == 55
    assert _compared(run("diff", a, b, "--only", "riket", "--format", "json")) == 55


@pytest.mark.slow
def test_diff_unknown_items_are_usage_errors_with_close_matches(sides):
    a, b = sides
    result = run("diff", a, b, "--indicator", "socialjur")
    assert result.exit_code == 2
    assert "--indicator 'socialjur': no such indicator" in result.output and "did you mean socialjour?" in result.output
    assert "No differences" not in result.output
    result = run("diff", a, b, "--only", "Upplans Väsby")
    assert result.exit_code == 2 and "did you mean Upplands Väsby (0114)" in result.output
    result = run("diff", a, b, "--only", "9999")
    assert result.exit_code == 2 and "'9999'" in result.output
    result = run("diff", a, b, "--only", "Upplands")
    assert result.exit_code == 2 and "0139  Upplands-Bro" in result.output
