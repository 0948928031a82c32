"""End to end: `ojexcel build`, the tidy export, the embedded sample and the error behaviour."""
from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.survey.compilation import build_results, sample_path
from ojexcel.survey.tidy import TIDY_HEADER

from .conftest import blank_row

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def read_tidy_dict(path):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {(r["niva"], r["kod"], r["indikator"]): r for r in rows}, rows


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    result = run("build", "--year", 2017, "--out", out / "bok.xlsx", "--tidy", out / "tidy.csv")
    assert result.exit_code == 0, result.output
    return out


def test_sample_reproduces_published_2017_riket(sample_build):
    tidy, _ = read_tidy_dict(sample_build / "tidy.csv")
    with open(ROOT / "samples" / "published_riket.csv", encoding="utf-8") as fh:
        published = [r for r in csv.DictReader(fh) if r["ar"] == "2017"]
    assert len(published) == 19
    for row in published:
        got = int(tidy[("riket", "", row["indikator"])]["varde"])
        low, _, high = row["riket_andel"].partition("-")
        assert int(low) <= got <= int(high or low), row["indikator"]


def test_sample_response_counts():
    results = build_results(None, 2017)
    assert (len(results.population.units), results.answered_survey, results.answered_vinr) == (316, 301, 295)


def test_tidy_export_is_complete(sample_build, catalogue, population):
    tidy, rows = read_tidy_dict(sample_build / "tidy.csv")
    with open(sample_build / "tidy.csv", encoding="utf-8") as fh:
        assert fh.readline().rstrip("\n") == ",".join(TIDY_HEADER)
    n_groups = 3 + 21 + 1 + 5 + 9
    assert len(rows) == len(tidy) == (316 + n_groups) * 55
    units = [r for r in rows if r["niva"] == "enhet"]
    assert {r["kod"] for r in units} == {u.kod for u in population.units}
    assert all(r["ja"] == r["enheter"] == "" for r in units)
    assert {r["varde"] for r in units} <= {"Ja", "Delvis", "Nej", "Ej aktuellt", ""}
    for r in rows:
        if r["niva"] != "enhet":
            counts = [int(r[c]) for c in ("ja", "delvis", "nej", "ej_aktuellt", "bortfall")]
            assert sum(counts) == int(r["enheter"])
    assert {r["kod"] for r in rows if r["niva"] == "riket"} == {""}
    assert {r["kod"] for r in rows if r["niva"] == "kommungrupp"} == {"1", "2", "3", "4", "5"}


def test_aggregates_agree_with_unit_rows(sample_build, population):
    tidy, _ = read_tidy_dict(sample_build / "tidy.csv")
    for g in population.groups():
        for ind in ("socialjour", "su_kon_verksamhetsutveckling", "rutin_skolgang"):
            values = [tidy[("enhet", k, ind)]["varde"] for k in g.members]
            agg = tidy[(g.niva, g.kod, ind)]
            assert int(agg["ja"]) == values.count("Ja")
            assert int(agg["delvis"]) == values.count("Delvis")
            assert int(agg["bortfall"]) == values.count("")
            assert int(agg["enheter"]) == len(g.members)


def test_two_builds_are_byte_identical(sample_build, tmp_path):
    result = run("build", "--year", 2017, "--out", tmp_path / "bok.xlsx", "--tidy", tmp_path / "tidy.csv")
    assert result.exit_code == 0
    for name in ("bok.xlsx", "tidy.csv"):
        assert (tmp_path / name).read_bytes() == (sample_build / name).read_bytes(), name


def test_committed_sample_is_reproduced_by_the_generator(tmp_path):
    spec = importlib.util.spec_from_file_location("generate", ROOT / "dev" / "generate_samples.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = gen.generate(2017, tmp_path)
    assert path.read_bytes() == sample_path(2017).read_bytes()


# -- districts ----------------------------------------------------------------------------------

def test_districts_count_in_riket_their_lan_and_their_city(write, tmp_path):
    # Only the 29 districts answer G1=Ja; every other unit answers Nej.
    from ojexcel.population import load_population

    pop = load_population()
    rows = [blank_row(u.kod) | {"G1": "Ja" if u.is_district else "Nej"} for u in pop.units]
    path = write(rows)
    result = run("build", path, "--year", 2017, "--out", tmp_path / "b.xlsx", "--tidy", tmp_path / "t.csv", "-q")
    assert result.exit_code == 0, result.output
    tidy, _ = read_tidy_dict(tmp_path / "t.csv")
    agg = lambda niva, kod: tidy[(niva, kod, "socialjour")]  # noqa: E731
    assert agg("riket", "")["ja"] == "29"
    assert (agg("storstad", "0180")["ja"], agg("storstad", "0180")["varde"]) == ("14", "100")
    assert agg("storstad", "1480")["ja"] == "10" and agg("storstad", "1280")["ja"] == "5"
    assert (agg("lan", "01")["ja"], agg("lan", "01")["enheter"]) == ("14", "39")
    assert agg("lan", "14")["ja"] == "10" and agg("lan", "12")["ja"] == "5"
    assert agg("kommungrupp", "5")["ja"] == "29" and agg("kommungrupp", "5")["enheter"] == "30"
    assert agg("skl_grupp", "A1")["varde"] == "100"
    # A district is never counted under another city.
    assert agg("storstad", "0180")["enheter"] == "14"


def test_missing_follow_up_that_matters_is_bortfall(write, tmp_path):
    rows = [
        blank_row("0114") | {"G7_ekb": "Ja"},  # G7a missing: blank
        blank_row("0115") | {"G7_ekb": "Nej"},  # G7a not asked: Nej
        blank_row("0117") | {"G7_ekb": "Ja", "G7a_ekb": "Ej aktuellt"},
    ]
    result = run("build", write(rows), "--year", 2017, "--out", tmp_path / "b.xlsx", "--tidy", tmp_path / "t.csv", "-q")
    assert result.exit_code == 0
    tidy, _ = read_tidy_dict(tmp_path / "t.csv")
    assert [tidy[("enhet", k, "rutin_indikation_ekb")]["varde"] for k in ("0114", "0115", "0117", "0120")] == [
        "", "Nej", "Ja", "",
    ]


def test_vinr_part_not_answered_is_bortfall(write, tmp_path):
    rows = [blank_row("0114", "Nej") | {"V2_kvinnor": "Ja", "G1": "Ja"}]
    result = run("build", write(rows), "--year", 2017, "--out", tmp_path / "b.xlsx", "--tidy", tmp_path / "t.csv")
    assert result.exit_code == 0
    assert "VINR-part answers" in result.output  # warning on stderr (mixed into output by CliRunner)
    tidy, _ = read_tidy_dict(tmp_path / "t.csv")
    assert tidy[("enhet", "0114", "stodsamtal_kvinnor")]["varde"] == ""
    assert tidy[("enhet", "0114", "socialjour")]["varde"] == "Ja"


# -- errors -------------------------------------------------------------------------------------

def test_invalid_input_writes_nothing_and_leaves_old_output(write, tmp_path):
    book, tidy = tmp_path / "b.xlsx", tmp_path / "t.csv"
    book.write_bytes(b"old workbook")
    path = write([blank_row("0114") | {"G1": "Jaa"}, blank_row("0180")])
    result = run("build", path, "--year", 2017, "--out", book, "--tidy", tidy)
    assert result.exit_code == 1
    assert "row 2, enhetskod 0114, column G1, value 'Jaa'" in result.output
    assert "row 3, enhetskod 0180" in result.output
    assert "2 problem(s)" in result.output and "Traceback" not in result.output
    assert book.read_bytes() == b"old workbook"
    assert not tidy.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.xlsx", "svar.csv"]


def test_failure_while_writing_leaves_no_half_file(tmp_path, monkeypatch):
    import ojexcel.survey.workbook

    def explode(results, path):
        Path(path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(ojexcel.survey.workbook, "write_workbook", explode)
    book = tmp_path / "b.xlsx"
    book.write_bytes(b"old")
    result = run("build", "--year", 2017, "--out", book, "--tidy", tmp_path / "t.csv")
    assert result.exit_code == 1 and "disk full" in result.output
    assert book.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.xlsx"]


def test_output_folder_missing(tmp_path):
    result = run("build", "--year", 2017, "--out", tmp_path / "nope" / "b.xlsx")
    assert result.exit_code == 1 and "does not exist" in result.output


def test_unknown_year(tmp_path):
    result = run("build", "--year", 1999, "--out", tmp_path / "b.xlsx")
    assert result.exit_code == 1 and "no embedded årgång for survey year 1999" in result.output


def test_input_is_not_overwritten(write, tmp_path):
    path = write([blank_row("0114")])
    result = run("build", path, "--year", 2017, "--out", path)
    assert result.exit_code == 1 and "overwritten" in result.output


def test_an_unexpected_error_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    import ojexcel.survey.tidy

    def explode(results, path):
        raise RuntimeError("boom")

    monkeypatch.setattr(ojexcel.survey.tidy, "write_tidy_file", explode)
    monkeypatch.delenv("OJEXCEL_DEBUG", raising=False)
    result = run("build", "--year", 2017, "--out", tmp_path / "b.xlsx", "--tidy", tmp_path / "t.csv", "-q")
    assert result.exit_code == 3
    assert "internal error (RuntimeError: boom)" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
