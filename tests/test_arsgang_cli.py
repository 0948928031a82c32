"""`ojexcel arsgang new` (an editable copy, all or nothing) and `--arsgang` on build, kommun,
kolada and trend; `ojexcel.load_arsgang` and `ojexcel.build(…, arsgang=…)`."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

import ojexcel
from ojexcel.cli import main
from ojexcel.survey.arsgang import check_arsgang, embedded_folder, load_arsgang
from ojexcel.survey.compilation import sample_path


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kw)


@pytest.fixture(scope="module")
def copy2018(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ny") / "2018"
    result = run("arsgang", "new", folder, "--from", 2017)
    assert result.exit_code == 0, result.output
    return folder


def test_new_is_the_source_with_its_year_changed(copy2018):
    source = embedded_folder(2017)
    for name in ("codebook.csv", "indikatorer.toml", "enheter.csv", "folkmangd.csv", "kolada.csv"):
        assert (copy2018 / name).read_bytes() == (source / name).read_bytes(), name
    meta = (copy2018 / "arsgang.toml").read_text(encoding="utf-8")
    assert "ar = 2018\n" in meta and 'titel = "Öppna jämförelser 2018 – Våld i nära relationer"' in meta
    assert "foregaende = 2017\n" in meta and "# Årgång 2018 –" in meta
    assert meta.replace("2018", "2017").replace("foregaende = 2017", "foregaende = 2016") == (source / "arsgang.toml").read_text(
        encoding="utf-8")
    rows = (copy2018 / "jamforbarhet.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "indikator,jamforbarhet,not,foregaende_indikator" and len(rows) == 56
    assert all(r.endswith(",jämförbar,,") for r in rows[1:])
    guide = (copy2018 / "LASMIG.md").read_text(encoding="utf-8")
    assert "ojexcel arsgang check" in guide and "jamforbarhet.csv" in guide and "enheter.csv" in guide
    arsgang, problems = check_arsgang(copy2018)
    assert arsgang is not None and not problems
    assert arsgang.previous_year == 2017 and all(c.jamforbarhet == "jämförbar" for c in arsgang.comparability.values())


def test_new_from_a_generated_year_drops_the_generated_mark(tmp_path):
    folder = tmp_path / "2019"
    assert run("arsgang", "new", folder, "--from", 2018, "-q").exit_code == 0
    for name in ("arsgang.toml", "indikatorer.toml"):
        assert "GENERATED" not in (folder / name).read_text(encoding="utf-8")
    assert load_arsgang(folder).year == 2019


def test_new_from_the_first_year_adds_foregaende(tmp_path):
    folder = tmp_path / "a"
    assert run("arsgang", "new", folder, "--from", 2016, "-q").exit_code == 0
    assert "foregaende = 2016\n" in (folder / "arsgang.toml").read_text(encoding="utf-8")
    assert load_arsgang(folder).previous_year == 2016


def test_new_from_another_folder_names_it_relatively(copy2018, tmp_path):
    source = tmp_path / "arsgangar" / "2018"
    shutil.copytree(copy2018, source)
    folder = tmp_path / "arsgangar" / "nasta" / "2019"
    folder.parent.mkdir()
    result = run("arsgang", "new", folder, "--from", source, "--ar", 2020)
    assert result.exit_code == 0, result.output
    meta = (folder / "arsgang.toml").read_text(encoding="utf-8")
    assert "ar = 2020" in meta and "Öppna jämförelser 2020" in meta and 'foregaende = "../../2018"' in meta
    arsgang = load_arsgang(folder)
    assert arsgang.previous_year == 2018 and arsgang.load_previous().folder == source.resolve()
    moved = tmp_path / "flyttad"
    shutil.copytree(tmp_path / "arsgangar", moved)  # the folders move together, as in a repository
    assert load_arsgang(moved / "nasta" / "2019").load_previous().folder == (moved / "2018").resolve()


def test_new_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path):
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "mina.txt").write_text("x", encoding="utf-8")
    result = run("arsgang", "new", folder, "--from", 2017)
    assert result.exit_code == 1 and "not empty" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["mina.txt"]
    empty = tmp_path / "tom"
    empty.mkdir()
    assert run("arsgang", "new", empty, "--from", 2017, "-q").exit_code == 0
    assert (empty / "enheter.csv").is_file()
    assert run("arsgang", "new", tmp_path / "x", "--from", 2017, "--ar", 2017).exit_code == 1
    assert not (tmp_path / "x").exists()


def test_new_from_a_broken_or_unknown_source_writes_nothing(copy2018, tmp_path):
    broken = tmp_path / "trasig"
    shutil.copytree(copy2018, broken)
    (broken / "codebook.csv").write_text("column,question\nG1,G1\n", encoding="utf-8")
    result = run("arsgang", "new", tmp_path / "ny", "--from", broken)
    assert result.exit_code == 1 and "answers is missing" in result.output.replace("the column answers is missing", "answers is missing")
    assert not (tmp_path / "ny").exists()
    result = run("arsgang", "new", tmp_path / "ny", "--from", 1999)
    assert result.exit_code == 1 and "no embedded årgång for survey year 1999" in result.output
    assert not (tmp_path / "ny").exists()


def test_new_is_all_or_nothing_when_writing_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("OJEXCEL_TEST_FAULT", "fail-rename:4")
    folder = tmp_path / "ny"
    result = run("arsgang", "new", folder, "--from", 2017)
    assert result.exit_code == 1
    assert not folder.exists()


def test_build_with_an_arsgang_equals_the_embedded_year(copy2018, tmp_path):
    """The copy of 2017 built on 2017's responses: the same numbers, under the year 2018."""
    tidy = tmp_path / "t.csv"
    result = run("build", sample_path(2017), "--arsgang", copy2018, "--out", tmp_path / "b.xlsx", "--tidy", tidy, "-q")
    assert result.exit_code == 0, result.output
    ours = [line.split(",", 1)[1] for line in tidy.read_text(encoding="utf-8").splitlines()[1:]]
    embedded = ojexcel.build(None, 2017)
    ref = tmp_path / "ref.csv"
    ojexcel.write_tidy(embedded, ref)
    assert ours == [line.split(",", 1)[1] for line in ref.read_text(encoding="utf-8").splitlines()[1:]]
    assert tidy.read_text(encoding="utf-8").splitlines()[1].startswith("2018,")


def test_arsgang_options_and_their_usage_errors(copy2018, tmp_path):
    out = tmp_path / "b.xlsx"
    neither = run("build", "--out", out)
    assert neither.exit_code == 2 and "--year YEAR" in neither.output and "--arsgang DIR" in neither.output
    no_responses = run("build", "--arsgang", copy2018, "--out", out)
    assert no_responses.exit_code == 2 and "give RESPONSES" in no_responses.output
    mismatch = run("build", sample_path(2017), "--year", 2017, "--arsgang", copy2018, "--out", out)
    assert mismatch.exit_code == 2 and "2018" in mismatch.output
    assert run("build", sample_path(2017), "--arsgang", tmp_path / "nope", "--out", out).exit_code == 1
    two = run("kommun", "0114", sample_path(2017), "--arsgang", copy2018, "--arsgang", embedded_folder(2016), "--out", tmp_path / "k.html")
    assert two.exit_code == 2 and "give --year" in two.output
    wrong_year = run("trend", f"2018={tmp_path / 'x.csv'}", "--arsgang", f"2019={copy2018}", "--out", tmp_path / "t.xlsx")
    assert wrong_year.exit_code == 1 and "ar = 2018" in wrong_year.output
    unused = run("trend", f"2017={tmp_path / 'x.csv'}", "--arsgang", copy2018, "--out", tmp_path / "t.xlsx")
    assert unused.exit_code == 2 and "not one of the years given" in unused.output
    assert not out.exists() and not (tmp_path / "t.xlsx").exists()


def test_a_year_without_an_arsgang_is_named(tidy_files, tmp_path):
    result = run("trend", f"2017={tidy_files[2017]}", f"2019={tidy_files[2018]}", "--out", tmp_path / "t.xlsx")
    assert result.exit_code == 1
    assert "no embedded årgång" in result.output and "--arsgang 2019=DIR" in result.output


def test_api(copy2018):
    arsgang = ojexcel.load_arsgang(copy2018)
    assert arsgang.year == 2018 and len(arsgang.population.units) == 316
    assert ojexcel.load_arsgang(2017).embedded
    results = ojexcel.build(sample_path(2017), arsgang=copy2018)
    assert results.year == 2018 and results.arsgang is arsgang


def test_a_changed_file_is_read_again(copy2018, tmp_path):
    folder = tmp_path / "a"
    shutil.copytree(copy2018, folder)
    assert load_arsgang(folder).undertryckning == 20
    meta = folder / "arsgang.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("undertryckning_procent = 20", "undertryckning_procent = 25"),
                    encoding="utf-8")
    assert load_arsgang(folder).undertryckning == 25
