"""`ojexcel arsgang check`: a corpus of broken årgångar, each made from the good 2017 one by one
mutation, and each getting its clear error — naming the file, the row, line or key, and the value.

The corpus covers every fault issue 18 lists: an unknown question or answer in a rule; a
follow-up whose condition names an unknown question or makes a cycle; duplicate ids or orders; a
unit with an unknown län or group; a district whose city is missing or not listed as answering
per district; a kommungrupp that does not match the population counts; a rule that cannot be
evaluated for some combination of answers; comparability naming a previous-year indicator that
does not exist — and the other mistakes a statistician can make in the files.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.problems import ERROR
from ojexcel.survey.arsgang import ArsgangError, check_arsgang, embedded_folder, load_arsgang

G7 = ["G7_ekb", "G7a_ekb", "G7_mis", "G7a_mis", "G7_psy", "G7a_psy", "G7_bou", "G7a_bou", "G7_lssb", "G7a_lssb",
      "G7_lssv", "G7a_lssv", "G7_aldre", "G7a_aldre", "G7_vinr", "G7a_vinr"]


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("arsgang") / "2017"
    shutil.copytree(embedded_folder(2017), folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def mutated(good: Path, tmp_path: Path, *edits: tuple[str, str, str]) -> Path:
    """A copy of the good årgång with each (file, old text, new text) replaced once."""
    folder = tmp_path / "broken"
    shutil.copytree(good, folder)
    for name, old, new in edits:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def errors_of(folder: Path) -> list[str]:
    result, problems = check_arsgang(folder)
    errors = [str(p) for p in problems if p.severity == ERROR]
    assert (result is None) == bool(errors)
    return errors


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


# (name, edits, the fragments one error must hold: file, where, value, message)
CORPUS = [
    ("unknown question in a rule",
     [("indikatorer.toml", 'fraga = "G1"', 'fraga = "G1x"')],
     ["indikatorer.toml", "key socialjour.fraga", "value 'G1x'", "not in codebook.csv"]),
    ("unknown answer in a rule",
     [("indikatorer.toml", 'ja_aven = ["Nej, behövs inte"]', 'ja_aven = ["Nej behövs inte"]')],
     ["indikatorer.toml", "key samverkan_primarvard.ja_aven", "value 'Nej behövs inte'", "has no answer"]),
    ("a rule kind's own answer missing",
     [("codebook.csv", "G1,G1,G,,,Ja|Nej,,", "G1,G1,G,,,Nej|Ja i viss mån,,")],
     ["indikatorer.toml", "key socialjour.fraga", "value 'Ja'", "G1 has no answer 'Ja'"]),
    ("follow-up condition names an unknown question",
     [("codebook.csv", "G3_vinr_primarvard=Ja", "G3_vinr_primarvad=Ja")],
     ["codebook.csv", "row 4", "column asked_if", "value 'G3_vinr_primarvad=Ja'", "not a question of the codebook"]),
    ("follow-up condition names an unknown answer",
     [("codebook.csv", "G3_vinr_primarvard=Ja", "G3_vinr_primarvard=Jo")],
     ["codebook.csv", "row 4", "column asked_if", "has no answer 'Jo'"]),
    ("follow-up conditions make a cycle",
     [("codebook.csv", "Ej aktuellt=Ej aktuellt, området finns inte i vår socialtjänst/kommun\",\nG3a_vinr_primarvard",
       "Ej aktuellt=Ej aktuellt, området finns inte i vår socialtjänst/kommun\",G3a_vinr_primarvard=Ja\nG3a_vinr_primarvard")],
     ["codebook.csv", "row 3", "column asked_if", "makes a cycle", "G3_vinr_primarvard → G3a_vinr_primarvard → G3_vinr_primarvard"]),
    ("duplicate question column",
     [("codebook.csv", "G3_vinr_vuxenpsykiatri,G3,", "G3_vinr_primarvard,G3,")],
     ["codebook.csv", "row 5", "column column", "value 'G3_vinr_primarvard'", "appears twice (first in row 3)"]),
    ("duplicate id",
     [("indikatorer.toml", 'id = "samverkan_primarvard"', 'id = "socialjour"')],
     ["indikatorer.toml", "key socialjour.id", "value 'socialjour'", "appears twice"]),
    ("duplicate ordning",
     [("indikatorer.toml", "ordning = 2\n", "ordning = 1\n")],
     ["indikatorer.toml", "key samverkan_primarvard.ordning", "value 1", "also the ordning of socialjour"]),
    ("unit with an unknown län",
     [("enheter.csv", "0114,Upplands Väsby,0114,Upplands Väsby,01,", "0114,Upplands Väsby,0114,Upplands Väsby,26,")],
     ["enheter.csv", "row 2", "enhetskod 0114", "column lanskod", "value '26'", "unknown län"]),
    ("unit with a misnamed län",
     [("enheter.csv", "0114,Upplands Väsby,0114,Upplands Väsby,01,Stockholms län", "0114,Upplands Väsby,0114,Upplands Väsby,01,Stockholm län")],
     ["enheter.csv", "row 2", "column lan", "value 'Stockholm län'", "is called 'Stockholms län'"]),
    ("unit with an unknown kommungrupp",
     [("enheter.csv", "01,Stockholms län,3,A2", "01,Stockholms län,6,A2")],
     ["enheter.csv", "row 2", "column kommungrupp", "value '6'", "unknown kommungrupp"]),
    ("unit with an unknown SKL group",
     [("enheter.csv", "Stockholms län,3,A2,", "Stockholms län,3,D2,")],
     ["enheter.csv", "row 2", "column skl_kod", "value 'D2'", "unknown SKL-grupp"]),
    ("district whose city is missing",
     [("enheter.csv", "0180-03,Farsta,0180,Stockholm,", "0180-03,Farsta,,Stockholm,")],
     ["enheter.csv", "row 20", "enhetskod 0180-03", "column kommunkod", "blank"]),
    ("district under another city's code",
     [("enheter.csv", "0180-03,Farsta,0180,Stockholm,", "0180-03,Farsta,0181,Stockholm,")],
     ["enheter.csv", "row 20", "enhetskod 0180-03", "column kommunkod", "value '0181'", "belongs to 0180"]),
    ("district of a city not listed as answering per district",
     [("arsgang.toml", 'storstader = ["0180", "1480", "1280"]', 'storstader = ["0180", "1480"]')],
     ["enheter.csv", "row 131", "enhetskod 1280-01", "column kommunkod", "value '1280'", "not listed as answering per district"]),
    ("city listed without districts",
     [("arsgang.toml", 'storstader = ["0180", "1480", "1280"]', 'storstader = ["0180", "1480", "1280", "0380"]')],
     ["arsgang.toml", "key storstader", "value '0380'", "no district of it"]),
    ("city with a row of its own beside its districts",
     [("enheter.csv", "0181,", "0180,Stockholm,0180,Stockholm,01,Stockholms län,5,A1,Storstäder\n0181,")],
     ["enheter.csv", "enhetskod 0180", "answers per district, so it has no row of its own"]),
    ("district whose keys differ from its city's",
     [("enheter.csv", "0180-03,Farsta,0180,Stockholm,01,Stockholms län,5,A1", "0180-03,Farsta,0180,Stockholm,01,Stockholms län,4,A1")],
     ["enheter.csv", "row 20", "column kommungrupp", "value '4'", "a district takes its city's kommungrupp"]),
    ("kommungrupp not matching the population count",
     [("enheter.csv", "0114,Upplands Väsby,0114,Upplands Väsby,01,Stockholms län,3,", "0114,Upplands Väsby,0114,Upplands Väsby,01,Stockholms län,2,")],
     ["enheter.csv", "row 2", "enhetskod 0114", "column kommungrupp", "value 2", "43 891", "puts it in kommungrupp 3"]),
    ("population count not a number",
     [("folkmangd.csv", "0114,Upplands Väsby,43891", "0114,Upplands Väsby,43 891 inv")],
     ["folkmangd.csv", "row 2", "column folkmangd", "value '43 891 inv'", "whole number"]),
    ("duplicate unit",
     [("enheter.csv", "0115,Vallentuna,0115,", "0114,Vallentuna,0115,")],
     ["enheter.csv", "row 3", "column enhetskod", "value '0114'", "appears twice (first in row 2)"]),
    ("rule that can never be Ja",
     [("codebook.csv", "upprättades nyligen, dvs. efter den 1 feb 2016\",G6_vinrb=Ja", "upprättades nyligen, dvs. efter den 1 feb 2016\",G6_vinrb=Nej")],
     ["indikatorer.toml", "key plan_kompetens_barn.typ", "value 'rutin'", "can never be Ja"]),
    ("rule over too many answer combinations to evaluate",
     [("indikatorer.toml", 'typ = "svar"\nfraga = "G1"', 'typ = "nagon_av"\nfragor = ' + str(G7).replace("'", '"'))],
     ["indikatorer.toml", "key socialjour.typ", "value 'nagon_av'", "combinations of answers", "too many to evaluate"]),
    ("free-text question used as an answer",
     [("indikatorer.toml", 'annan_text = "V1_annan_text"', 'annan_text = "V1_annan"')],
     ["indikatorer.toml", "key bedomningsmetod_minst_en.annan_text", "value 'V1_annan'", "must name a free-text question"]),
    ("rule reads a question of the other part",
     [("indikatorer.toml", 'fraga = "G1"', 'fraga = "V7"')],
     ["indikatorer.toml", "key socialjour.fraga", "value 'V7'", "belongs to part V"]),
    ("unknown rule kind",
     [("indikatorer.toml", 'typ = "svar"\nfraga = "G1"', 'typ = "svaret"\nfraga = "G1"')],
     ["indikatorer.toml", "key socialjour.typ", "value 'svaret'", "unknown rule kind", "nagon_av, rutin, svar, uppfoljning"]),
    ("parameter the kind does not take",
     [("indikatorer.toml", 'fraga = "G1"', 'fraga = "G1"\nuppfoljning_ok = ["Ja"]')],
     ["indikatorer.toml", "key socialjour.uppfoljning_ok", "takes no parameter uppfoljning_ok"]),
    ("regel names other questions than the rule",
     [("indikatorer.toml", 'regel = "Ja if G1=Ja; else Nej"', 'regel = "Ja if G2=Ja; else Nej"')],
     ["indikatorer.toml", "key socialjour.regel", "does not name G1"]),
    ("comparability names a previous-year indicator that does not exist",
     [("jamforbarhet.csv", "socialjour,jämförbar,,", "socialjour,jämförbar,,socialjouren")],
     ["jamforbarhet.csv", "row 2", "column foregaende_indikator", "value 'socialjouren'", "(2016) has no indicator socialjouren"]),
    ("comparability spelt wrong",
     [("jamforbarhet.csv", "socialjour,jämförbar,,", "socialjour,jamförbart,,")],
     ["jamforbarhet.csv", "row 2", "column jamforbarhet", "value 'jamförbart'"]),
    ("Kolada coding that cannot be read",
     [("kolada.csv", "socialjour,U31466,Ja=1 Nej=0,", "socialjour,U31466,Ja:1 Nej=0,")],
     ["kolada.csv", "row 2", "column kodning", "value 'Ja:1 Nej=0'"]),
    ("TOML that is not TOML",
     [("indikatorer.toml", 'id = "socialjour"', 'id = "socialjour')],
     ["indikatorer.toml", "line 17", "not valid TOML"]),
    ("unknown metadata key",
     [("arsgang.toml", "undertryckning_procent = 20", "undertrycking_procent = 20")],
     ["arsgang.toml", "key undertrycking_procent", "did you mean undertryckning_procent"]),
    ("threshold out of range",
     [("arsgang.toml", "undertryckning_procent = 20", "undertryckning_procent = 120")],
     ["arsgang.toml", "key undertryckning_procent", "value 120", "0–100"]),
    ("unknown placeholder in a text",
     [("arsgang.toml", "stadsdelar {ar},", "stadsdelar {year},")],
     ["arsgang.toml", "key texter.kalla", "unknown placeholder {year}"]),
    ("previous årgång that does not exist",
     [("arsgang.toml", "foregaende = 2016", "foregaende = 2015")],
     ["arsgang.toml", "key foregaende", "value '2015'", "no embedded årgång 2015"]),
    ("catalogue keeps a key that moved",
     [("indikatorer.toml", 'regel = "Ja if G1=Ja; else Nej"', 'regel = "Ja if G1=Ja; else Nej"\njamforbarhet = "jämförbar"')],
     ["indikatorer.toml", "key socialjour.jamforbarhet", "it is in jamforbarhet.csv"]),
]


def test_the_good_one_passes(good):
    result, problems = check_arsgang(good)
    assert result is not None and not problems
    assert len(result.population.units) == 316 and len(result.catalogue) == 55


@pytest.mark.slow
@pytest.mark.parametrize("name, edits, fragments", CORPUS, ids=[c[0] for c in CORPUS])
def test_each_broken_arsgang_gets_its_clear_error(good, tmp_path, name, edits, fragments):
    folder = mutated(good, tmp_path, *edits)
    errors = errors_of(folder)
    assert errors, name
    assert any(all(f in e for f in fragments) for e in errors), (name, errors)


def test_a_broken_arsgang_cannot_be_loaded(good, tmp_path):
    folder = mutated(good, tmp_path, *CORPUS[0][1])
    with pytest.raises(ArsgangError) as caught:
        load_arsgang(folder)
    assert any("G1x" in str(p) for p in caught.value.problems)
    assert f"ojexcel arsgang check {folder}" in str(caught.value)


def test_a_line_number_is_the_editors(good, tmp_path):
    folder = mutated(good, tmp_path, ("indikatorer.toml", 'fraga = "G1"', 'fraga = "G1x"'))
    line = line_of(folder / "indikatorer.toml", 'fraga = "G1x"')
    assert any(f"line {line}," in e and "G1x" in e for e in errors_of(folder))


def test_all_problems_in_one_run(good, tmp_path):
    """Faults in every file are listed together, not one per run."""
    names = ("unknown question in a rule", "follow-up condition names an unknown question", "unit with an unknown län",
             "population count not a number", "comparability names a previous-year indicator that does not exist",
             "Kolada coding that cannot be read", "unknown metadata key")
    chosen = [c for c in CORPUS if c[0] in names]
    assert len(chosen) == len(names)
    folder = mutated(good, tmp_path, *(edit for _, edits, _ in chosen for edit in edits))
    errors = errors_of(folder)
    for name, _, fragments in chosen:
        assert any(all(f in e for f in fragments) for e in errors), name


def test_a_missing_file_and_a_misnamed_one(good, tmp_path):
    folder = tmp_path / "a"
    shutil.copytree(good, folder)
    (folder / "enheter.csv").rename(folder / "enheterna.csv")
    errors = errors_of(folder)
    assert any("enheter.csv is missing" in e for e in errors)
    _, problems = check_arsgang(folder)
    assert any("enheterna.csv is not a file of an årgång" in str(p) and "did you mean enheter.csv" in str(p)
               for p in problems)


def test_cli_check_exit_status_and_every_problem(good, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["arsgang", "check", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "no errors" in ok.output and "316 units" in ok.output and "55 indicators" in ok.output
    folder = mutated(good, tmp_path, CORPUS[0][1][0], CORPUS[9][1][0])
    bad = runner.invoke(main, ["arsgang", "check", str(folder)])
    assert bad.exit_code == 1
    assert "G1x" in bad.output and "unknown län" in bad.output and "2 error(s)" in bad.output
    assert "Traceback" not in bad.output
    assert runner.invoke(main, ["arsgang", "check", str(tmp_path / "nope")]).exit_code == 1


def test_build_refuses_a_broken_arsgang_and_writes_nothing(good, tmp_path):
    folder = mutated(good, tmp_path, CORPUS[0][1][0])
    out = tmp_path / "b.xlsx"
    result = CliRunner().invoke(main, ["build", "svar.csv", "--arsgang", str(folder), "--out", str(out)])
    assert result.exit_code == 1 and "G1x" in result.output and "arsgang check" in result.output
    assert not out.exists()


# -- values of any type: a problem, never a crash --------------------------------------------------

ODD_VALUES = (1, 1.5, True, [], [1], ["G1", 2], {"a": 1}, "", "x", None)


def test_any_value_in_a_catalogue_entry_is_a_problem_not_a_crash():
    """Every key of an [[indikator]] (metadata and rule parameters of every kind) given a value of
    another type, or left out: reported, never an exception (an exception would be exit 3)."""
    import tomllib

    from ojexcel.problems import Report
    from ojexcel.survey.arsgang_files import TomlFile
    from ojexcel.survey.catalogue import METADATA_KEYS, catalogue_from_toml

    arsgang = load_arsgang(2017)
    text = (embedded_folder(2017) / "indikatorer.toml").read_text(encoding="utf-8")
    kinds = {}
    for entry in tomllib.loads(text)["indikator"]:
        kinds.setdefault(entry["typ"], entry)
    assert set(kinds) == {"svar", "rutin", "nagon_av", "uppfoljning"}
    for entry in kinds.values():
        for key, original in entry.items():
            for value in ODD_VALUES:
                changed = dict(entry)
                if value is None:
                    del changed[key]
                else:
                    changed[key] = value
                report = Report(file="indikatorer.toml")
                catalogue_from_toml(TomlFile({"indikator": [changed]}, text, "indikatorer.toml"),
                                    arsgang.codebook, 2017, "", report)
                wrong_type = value is not None and type(value) is not type(original) and not (
                    isinstance(original, list) and isinstance(value, str) and value)
                required = value is None and (key in METADATA_KEYS or key in ("typ", "fraga", "fragor", "uppfoljning"))
                empty = value == "" and key not in ("rubrik", "regel", "namn", "matt", "malvarde", "enkatfragor", "indikatortyp")
                if wrong_type or required or empty:
                    assert report.errors, (entry["id"], key, value)


def test_any_value_in_arsgang_toml_is_a_problem_not_a_crash():
    import tomllib

    from ojexcel.population import load_population
    from ojexcel.problems import Report
    from ojexcel.survey.arsgang import metadata_from_toml as metadata
    from ojexcel.survey.arsgang_files import TomlFile

    text = (embedded_folder(2017) / "arsgang.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    reference = load_population()
    for key in list(data) + ["lan"]:
        for value in ODD_VALUES:
            changed = dict(data)
            if value is None:
                changed.pop(key, None)
            else:
                changed[key] = value
            report = Report(file="arsgang.toml")
            metadata(TomlFile(changed, text, "arsgang.toml"), report, reference)
            folder = key == "foregaende" and isinstance(value, str) and value  # a folder: checked when it is read
            if key in data and value is not None and type(value) is not type(data[key]) and not folder:
                assert report.errors, (key, value)
    for key, original in data["texter"].items():
        for value in ODD_VALUES:
            changed = dict(data, texter=dict(data["texter"], **{key: value}))
            report = Report(file="arsgang.toml")
            metadata(TomlFile(changed, text, "arsgang.toml"), report, reference)
            if type(value) is not type(original) or value == "" and key != "noter":
                assert report.errors, (key, value)
