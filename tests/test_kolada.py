"""`ojexcel kolada`: unit values coded as in the årgång's kolada.csv (2017: ojexcel/survey/arsgangar/2017/kolada.csv)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.survey.kolada import KOLADA_HEADER, KoladaTableError, load_kpis, parse_kodning
from ojexcel.survey.compilation import build_results
from ojexcel.survey.arsgang import load_arsgang
from ojexcel.survey.tidy import read_tidy, write_tidy_file

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "ojexcel" / "survey" / "arsgangar" / "2017" / "kolada.csv"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def table_rows():
    return read_csv(TABLE)


def coding(text):
    """An independent reading of a `kodning` cell: 'Ja=1 Nej=0' -> {'Ja': 1, 'Nej': 0}."""
    return {word: int(code) for word, code in (part.split("=") for part in text.split())}


@pytest.fixture(scope="module")
def tidy_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("kolada") / "tidy_2017.csv"
    write_tidy_file(build_results(None, 2017), path)
    return path


@pytest.fixture(scope="module")
def units(tidy_path):
    return {(r.kod, r.indikator): r.varde for r in read_tidy(tidy_path) if r.niva == "enhet"}


@pytest.fixture(scope="module")
def export(tidy_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("kolada_out") / "kolada.csv"
    result = run("kolada", tidy_path, "--year", 2017, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_every_coding_of_the_table(export, units):
    rows = read_csv(export)
    assert tuple(rows[0]) == KOLADA_HEADER
    municipalities = [u.kod for u in load_arsgang(2017).population.units if not u.is_district]
    got = {(r["kpi"], r["enhetskod"]): r for r in rows}
    assert len(got) == len(rows)  # one row per KPI and unit
    by_kpi: dict[str, list[dict]] = {}
    for t in table_rows():
        by_kpi.setdefault(t["kolada_kpi"], []).append(t)
    expected = {}
    for kpi, members in by_kpi.items():
        for kod in municipalities:
            values = [units[(kod, m["indikator"])] for m in members]
            if any(v in ("", "Ej aktuellt") for v in values):
                continue
            if len(members) == 1:
                expected[(kpi, kod)] = coding(members[0]["kodning"])[values[0]]
            else:  # AUDIT and DUDIT: both = 2, one = 1, neither = 0
                expected[(kpi, kod)] = sum(v == "Ja" for v in values)
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert int(got[key]["varde"]) == value, key
        assert got[key]["period"] == "2017"
    # every kind of coding occurs
    assert {coding(t["kodning"])["Ja"] for t in table_rows()} == {1, 2}
    assert {int(r["varde"]) for r in rows if r["kpi"] == "U37518"} >= {0, 1, 2}


def test_rows_are_ordered_and_the_run_is_reproducible(export, tidy_path, tmp_path):
    rows = read_csv(export)
    keys = [(r["kpi"], r["enhetskod"]) for r in rows]
    assert keys == sorted(keys)
    again = tmp_path / "again.csv"
    assert run("kolada", tidy_path, "--year", 2017, "--out", again, "-q").exit_code == 0
    assert again.read_bytes() == export.read_bytes()


def test_audit_dudit_combination(tidy_path, tmp_path):
    lines = tidy_path.read_text(encoding="utf-8").splitlines()
    cases = {  # unit: (audit, dudit, expected U37517 or None = no row)
        "0114": ("Ja", "Ja", 2),
        "0115": ("Ja", "Nej", 1),
        "0117": ("Nej", "Ja", 1),
        "0120": ("Nej", "Nej", 0),
        "0123": ("Ja", "", None),
        "0125": ("Ej aktuellt", "Ja", None),
        "0126": ("", "", None),
    }
    out = []
    for line in lines:
        ar, niva, kod, ind, *rest = line.split(",")
        if niva == "enhet" and kod in cases and ind in ("audit", "dudit"):
            rest[0] = cases[kod][0 if ind == "audit" else 1]
        out.append(",".join([ar, niva, kod, ind, *rest]))
    edited = tmp_path / "tidy.csv"
    edited.write_text("\n".join(out) + "\n", encoding="utf-8")
    result = run("kolada", edited, "--year", 2017, "--out", tmp_path / "k.csv")
    assert result.exit_code == 0, result.output
    got = {r["enhetskod"]: int(r["varde"]) for r in read_csv(tmp_path / "k.csv") if r["kpi"] == "U37517"}
    for kod, (_, _, expected) in cases.items():
        assert got.get(kod) == expected, kod


def test_districts_only_on_request(export, tidy_path, units, tmp_path):
    codes = {r["enhetskod"] for r in read_csv(export)}
    assert all(len(k) == 4 and k.isdigit() for k in codes)
    assert not codes & {"0180", "1480", "1280"}  # the cities have no unit value
    out = tmp_path / "k.csv"
    assert run("kolada", tidy_path, "--year", 2017, "--out", out, "--stadsdelar", "-q").exit_code == 0
    with_districts = {r["enhetskod"] for r in read_csv(out)}
    single = [t["indikator"] for t in table_rows() if t["kolada_kpi"] != "U37517"]
    coded = {
        u.kod for u in load_arsgang(2017).population.units
        if u.is_district and any(units[(u.kod, i)] not in ("", "Ej aktuellt") for i in single)
    }
    assert len(coded) > 20
    assert {k for k in with_districts if "-" in k} == coded


def test_the_coding_table_is_read_not_hard_coded():
    kpis = load_arsgang(2017).kpis
    table = table_rows()
    assert [i for k in kpis for i in k.indikatorer] == [t["indikator"] for t in table]
    assert len({t["kolada_kpi"] for t in table}) == len(kpis)
    assert parse_kodning("Ja=2 Delvis=1 Nej=0") == {"Ja": 2, "Delvis": 1, "Nej": 0}
    header = "indikator,kolada_kpi,kodning,anmarkning\n"
    for bad, message in (
        (header + "socialjour,U1,Ja:1 Nej=0,\n", "row 2, column kodning"),
        (header + "socialjour,U1,Ja=1 Ja=0,\n", "coded twice"),
        (header + "audit,U2,Ja=1 Nej=0,\ndudit,U2,Ja=1 Nej=0,\n", "combines 2 indicators"),
        (header + "audit,U2,Ja=2 Delvis=1 Nej=0,\ndudit,U2,Ja=1 Nej=0,\n", "different codings"),
        ("kpi,kod\n", "header"),
    ):
        with pytest.raises(KoladaTableError, match=message):
            load_kpis(bad)


def test_a_value_without_a_code_is_an_error(tidy_path, tmp_path):
    text = tidy_path.read_text(encoding="utf-8").replace("enhet,0114,socialjour,Ja,", "enhet,0114,socialjour,Delvis,")
    text = text.replace("enhet,0114,socialjour,Nej,", "enhet,0114,socialjour,Delvis,")
    bad = tmp_path / "tidy.csv"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "k.csv"
    result = run("kolada", bad, "--year", 2017, "--out", out)
    assert result.exit_code == 1
    assert "enhetskod 0114" in result.output and "'Delvis'" in result.output and "U31466" in result.output
    assert not out.exists()


def test_bad_tidy_input_names_file_and_row_and_writes_nothing(tmp_path):
    bad = tmp_path / "tidy.csv"
    bad.write_text(
        "niva,kod,indikator,varde,ja,delvis,nej,ej_aktuellt,bortfall,enheter\n"
        "enhet,0114,socialjour,Ja,,,,,,\n"
        "enhet,0115,socialjour,Kanske,,,,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "k.csv"
    out.write_text("old", encoding="utf-8")
    result = run("kolada", bad, "--year", 2017, "--out", out)
    assert result.exit_code == 1
    assert f"{bad}, row 3, enhetskod 0115, column varde, value 'Kanske'" in result.output
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "old"
    bad.write_text("niva,kod,indikator,varde,ja,delvis,nej,ej_aktuellt,bortfall,enheter\nriket,,socialjour,80,1,0,0,0,0,1\n", encoding="utf-8")
    result = run("kolada", bad, "--year", 2017, "--out", out)
    assert result.exit_code == 1 and "no unit rows" in result.output
    result = run("kolada", tmp_path / "missing.csv", "--year", 2017, "--out", out)
    assert result.exit_code == 1 and "no such file" in result.output


def test_year_without_catalogue_or_other_years_tidy_is_refused(tidy_files, tmp_path):
    result = run("kolada", tidy_files[2017], "--year", 1999, "--out", tmp_path / "k.csv")
    assert result.exit_code == 1 and "no embedded årgång for survey year 1999" in result.output
    result = run("kolada", tidy_files[2017], "--year", 2016, "--out", tmp_path / "k.csv")
    assert result.exit_code == 1 and "given as year 2016 but holds year 2017" in result.output
    # A file without `ar` (an earlier version's): the catalogue check still catches another year's
    # indicators (here: none, so it is taken as that year's) and a year without an årgång.
    old = tmp_path / "old.csv"
    old.write_text("".join(line.split(",", 1)[1] for line in open(tidy_files[2017], encoding="utf-8")), encoding="utf-8")
    result = run("kolada", old, "--year", 1999, "--out", tmp_path / "k.csv")
    assert result.exit_code == 1 and "no embedded årgång for survey year 1999" in result.output
    assert not (tmp_path / "k.csv").exists()


def test_units_missing_from_the_tidy_export_are_one_message_per_indicator(tidy_files, tmp_path):
    rows = [r for r in csv.reader(open(tidy_files[2017], encoding="utf-8")) if r[2] not in ("0114", "0115")]
    trimmed = tmp_path / "trimmed.csv"
    with open(trimmed, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    result = run("kolada", trimmed, "--year", 2017, "--out", tmp_path / "k.csv")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors and all("2 unit(s): 0114, 0115" in line for line in errors)
