"""`ojexcel isu kolada`: Kolada's three IFO key figures (CONTRACT isu §7)."""
from __future__ import annotations

import csv
import io
import re
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ojexcel.cli import main
from ojexcel.isu import reader as isu_arenden
from ojexcel.isu.codebook import load_codebook
from ojexcel.isu.kolada import (
    KOLADA_HEADER,
    kolada_rows,
    mean_tenths,
    per_10000_tenths,
    write_kolada,
)
from ojexcel.isu.adults import read_adult_population
from ojexcel.population import load_population
from ojexcel.problems import InputError

from .isu_bygg import bygg_arenden

AR = 2022
MAL = load_codebook()["maluppfoljning"].svar  # labels 1..5


def export(rows, vuxna=None, ar=AR):
    return kolada_rows(bygg_arenden(rows), load_codebook(), load_population(), ar, vuxna)


def table(rows, vuxna=None, ar=AR) -> dict[tuple[str, str], tuple[int, int | None, str]]:
    """(kpi, enhetskod) -> (antal, vuxna, varde)."""
    return {(r.kpi, r.enhetskod): (r.antal, r.vuxna, r.varde) for r in export(rows, vuxna, ar).rader}


def antal(rows, kpi, kod="0114", ar=AR) -> int:
    return table(rows, ar=ar)[(kpi, kod)][0]


def akt(datum, **more):
    return {"enhetskod": "0114", "datum_aktualisering": datum, **more}


def fullt(**over):
    """An ärende U30752 counts in 2022: avslutat 2022 with an insats, a goal and the goal reached."""
    base = {"enhetskod": "0114", "datum_aktualisering": "2021-06-01", "insatser": "Stödsamtal (enskilt)",
            "forandringsmal_finns": "Ja", "maluppfoljning": MAL[0], "datum_avslut": "2022-05-01",
            "avslutsorsak": "Målet med stödet/insatsen har uppnåtts"}
    base.update(over)
    return base


# --- the KPI rules --------------------------------------------------------------------------

@pytest.mark.parametrize("datum,counted", [
    ("2021-12-31", 0), ("2022-01-01", 1), ("2022-07-15", 1), ("2022-12-31", 1), ("2023-01-01", 0),
])
def test_u30750_counts_aktualisering_in_the_year(datum, counted):
    assert antal([akt(datum)], "U30750") == counted


@pytest.mark.parametrize("datum,insatser,counted", [
    ("2022-03-01", "Praktiskt stöd", 1),
    ("2022-03-01", "Praktiskt stöd|Gruppsamtal|Annat", 1),  # an ärende, not its insatser
    ("2022-03-01", "", 0),
    ("2021-12-31", "Praktiskt stöd", 0),  # insats, but aktualiserad the year before
    ("2023-01-01", "Praktiskt stöd", 0),
])
def test_u30751_needs_an_insats_and_aktualisering_in_the_year(datum, insatser, counted):
    assert antal([akt(datum, insatser=insatser)], "U30751") == counted


@pytest.mark.parametrize("over,counted", [
    ({}, 1),
    ({"maluppfoljning": MAL[1]}, 1),  # delvis uppnått
    ({"datum_aktualisering": "2022-02-01"}, 1),  # the aktualisering year does not matter
    ({"datum_avslut": "2022-01-01"}, 1),
    ({"datum_avslut": "2022-12-31"}, 1),
    ({"datum_avslut": "2021-12-31", "datum_aktualisering": "2021-01-01"}, 0),
    ({"datum_avslut": "2023-01-01"}, 0),
    ({"datum_avslut": ""}, 0),  # avslutat by avslutsorsak only: no datum_avslut in the year
    ({"insatser": ""}, 0),
    ({"forandringsmal_finns": "Nej"}, 0),
    ({"forandringsmal_finns": "Annat"}, 0),
    ({"forandringsmal_finns": ""}, 0),
    ({"maluppfoljning": MAL[2]}, 0),
    ({"maluppfoljning": MAL[3]}, 0),
    ({"maluppfoljning": MAL[4]}, 0),
    ({"maluppfoljning": ""}, 0),
])
def test_u30752_four_conditions(over, counted):
    assert antal([fullt(**over)], "U30752") == counted


def test_maluppfoljning_labels_are_the_codebooks_first_two():
    assert MAL[0].startswith("Positiv förändring och målet uppnått")
    assert MAL[1].startswith("Positiv förändring men målet inte uppnått")


def test_the_kpis_are_koladas_rates_per_10000_adults_with_a_district_mean():
    """The three ids are Kolada's IFO key figures as its metadata (packaged) describes them."""
    from ojexcel.isu.kolada import PER_INVANARE, kpis

    meta_path = Path(__file__).resolve().parents[1] / "municipality_groups" / "kolada" / "kolada_kpi_meta_vinr.csv"
    with open(meta_path, encoding="utf-8", newline="") as fh:
        meta = {r["id"]: r for r in csv.DictReader(fh)}
    ids = [k.kpi for k in kpis(load_codebook())]
    assert ids == ["U30750", "U30751", "U30752"]
    for kpi in ids:
        m = meta[kpi]
        assert m["operating_area"] == "Individ- och familjeomsorg" and m["has_ou_data"] == "True"
        assert m["title"].endswith("antal/10 000 vuxna invånare") and PER_INVANARE == 10_000
        assert "Stockholms och Göteborgs kommunvärden baseras på ett snitt av deltagande stadsdelar" in m["description"]
    assert "aktualiserats" in meta["U30750"]["title"] and "minst en insats" in meta["U30751"]["title"]
    assert "målet med insatserna har nåtts helt eller delvis" in meta["U30752"]["title"]


def test_u30752_independent_of_u30750():
    """Avslutat in the year, aktualiserad the year before: in U30752, not in U30750/U30751."""
    t = table([fullt()])
    assert t[("U30750", "0114")][0] == 0 and t[("U30751", "0114")][0] == 0 and t[("U30752", "0114")][0] == 1


# --- units and ordering ---------------------------------------------------------------------

def test_units_with_any_arende_get_rows_even_with_antal_zero():
    t = table([akt("2019-05-05"), {"enhetskod": "1480-03", "datum_aktualisering": "2022-02-02"}])
    units = sorted({k for _, k in t})
    assert units == ["0114", "1480", "1480-03"]  # no other district of Göteborg, no other kommun
    assert t[("U30750", "0114")] == (0, None, "")
    assert t[("U30750", "1480")][0] == 1 and t[("U30750", "1480-03")][0] == 1


def test_rows_ordered_by_kpi_then_enhetskod():
    rows = [akt("2022-01-01", enhetskod=k) for k in ("2584", "0180-02", "0114", "0180", "1280-05")]
    got = [(r.kpi, r.enhetskod) for r in export(rows).rader]
    assert got == sorted(got)
    assert [k for kpi, k in got if kpi == "U30750"] == ["0114", "0180", "0180-02", "1280", "1280-05", "2584"]
    assert [kpi for kpi, _ in got][::6] == ["U30750", "U30751", "U30752"]


def test_kommun_counts_its_districts_and_its_own_code():
    rows = ([akt("2022-01-10", enhetskod="0180")] * 2 + [akt("2022-03-01", enhetskod="0180-01")] * 3
            + [akt("2022-03-01", enhetskod="0180-14", insatser="Gruppsamtal")])
    t = table(rows)
    assert t[("U30750", "0180")][0] == 6
    assert t[("U30751", "0180")][0] == 1
    assert sorted({k for _, k in t}) == ["0180", "0180-01", "0180-14"]  # only districts with ärenden
    assert t[("U30750", "0180-01")][0] == 3 and t[("U30751", "0180-14")][0] == 1


# --- rates ----------------------------------------------------------------------------------

@pytest.mark.parametrize("antal_,vuxna,varde", [
    (1, 40_000, "0.3"),      # 0.25 → 0.3 (float rounding would give 0.2)
    (29, 200_000, "1.5"),    # 1.45 → 1.5 (1.45 is 1.4499… as a float)
    (3, 80_000, "0.4"),      # 0.375 → 0.4
    (1, 16_000, "0.6"),      # 0.625 → 0.6
    (7, 30_000, "2.3"),      # 2.333… → 2.3
    (0, 5_000, "0.0"),
    (1, 1, "10000.0"),
    (1, 800, "12.5"),
])
def test_rate_per_10000_one_decimal_halves_up(antal_, vuxna, varde):
    rows = [akt("2022-06-01")] * antal_ + [akt("2019-01-01")]
    assert table(rows, {("0114", AR): vuxna})[("U30750", "0114")] == (antal_, vuxna, varde)


def test_rate_helpers_exact():
    assert per_10000_tenths(1, 40_000) == 3
    assert per_10000_tenths(29, 200_000) == 15
    assert mean_tenths([12, 13]) == 13  # 1.25 → 1.3
    assert mean_tenths([1, 2, 2]) == 2  # 0.1666… → 0.2
    assert mean_tenths([0, 1]) == 1  # 0.05 → 0.1
    with pytest.raises(ValueError):
        per_10000_tenths(1, 0)
    with pytest.raises(ValueError):
        mean_tenths([])


def test_population_row_of_another_year_or_unit_is_not_used():
    t = table([akt("2022-06-01")], {("0114", 2021): 1000, ("0115", AR): 1000})
    assert t[("U30750", "0114")] == (1, None, "")


def test_missing_population_row_leaves_vuxna_and_varde_empty():
    rows = [akt("2022-06-01"), akt("2022-06-01", enhetskod="0115")]
    t = table(rows, {("0115", AR): 2000})
    assert t[("U30750", "0114")] == (1, None, "")
    assert t[("U30750", "0115")] == (1, 2000, "5.0")


def test_a_year_without_population_rows_warns():
    e = export([akt("2022-06-01")], {("0114", 2021): 1000})
    assert any("no row for 2022" in w.message for w in e.warnings)


def test_a_year_without_aktualiseringar_warns():
    e = export([akt("2021-06-01")])
    assert any("no ärende has datum_aktualisering in 2022" in w.message for w in e.warnings)


# --- the district mean ----------------------------------------------------------------------

def test_city_registered_per_district_gets_the_mean_of_its_districts():
    rows = ([akt("2022-02-01", enhetskod="0180")] * 2  # the city's own code: antal only
            + [akt("2022-02-01", enhetskod="0180-01")]  # 10000/1000 = 10.0
            + [akt("2022-02-01", enhetskod="0180-02")] * 2  # 20000/3000 = 6.666… → 6.7
            + [akt("2022-02-01", enhetskod="0180-03")])  # no population row: not in the mean
    vuxna = {("0180", AR): 500_000, ("0180-01", AR): 1000, ("0180-02", AR): 3000}
    t = table(rows, vuxna)
    assert t[("U30750", "0180-01")] == (1, 1000, "10.0")
    assert t[("U30750", "0180-02")] == (2, 3000, "6.7")
    assert t[("U30750", "0180-03")] == (1, None, "")
    # (10.0 + 6.7) / 2 = 8.35 → 8.4; the city's own row in the file is not used; antal 2+1+2+1
    assert t[("U30750", "0180")] == (6, None, "8.4")
    # a district with antal 0 and a population row is in the mean with 0.0
    assert t[("U30752", "0180")] == (0, None, "0.0")


def test_district_mean_at_half_rounds_up():
    rows = [akt("2022-02-01", enhetskod="1480-01"), akt("2022-02-01", enhetskod="1480-02")]
    t = table(rows, {("1480-01", AR): 8333, ("1480-02", AR): 7692})  # 1.2000… → 1.2 and 1.3000… → 1.3
    assert t[("U30750", "1480-01")][2] == "1.2" and t[("U30750", "1480-02")][2] == "1.3"
    assert t[("U30750", "1480")] == (2, None, "1.3")  # 1.25 → 1.3


def test_city_without_any_district_varde_has_no_varde():
    rows = [akt("2022-02-01", enhetskod="1280-01"), akt("2022-02-01", enhetskod="1280")]
    t = table(rows, {("1280", AR): 200_000})
    assert t[("U30750", "1280")] == (2, None, "")


def test_city_registered_under_its_own_code_only_is_an_ordinary_kommun():
    t = table([akt("2022-02-01", enhetskod="1280")] * 3, {("1280", AR): 30_000})
    assert t[("U30750", "1280")] == (3, 30_000, "1.0")
    assert not any(k.startswith("1280-") for _, k in t)


# --- an independent computation by hand -------------------------------------------------------

def test_small_case_recomputed_by_hand():
    rows = [
        fullt(enhetskod="0114", datum_aktualisering="2022-01-05"),  # 50, 51, 52
        akt("2022-03-03", enhetskod="0114", insatser="Praktiskt stöd"),  # 50, 51
        akt("2022-11-11", enhetskod="0114"),  # 50
        akt("2021-03-03", enhetskod="0115"),  # nothing in 2022
        fullt(enhetskod="0180-01", datum_aktualisering="2022-12-31", maluppfoljning=MAL[1]),  # 50, 51, 52
        akt("2022-04-04", enhetskod="0180-02", insatser="Gruppsamtal"),  # 50, 51
        akt("2022-04-04", enhetskod="0180", insatser="Gruppsamtal"),  # 50, 51 (city: antal only)
    ]
    vuxna = {("0114", AR): 36_350, ("0115", AR): 11_500, ("0180-01", AR): 40_000, ("0180-02", AR): 60_000}
    out = io.StringIO()
    write_kolada(export(rows, vuxna).rader, out)
    # By hand: 0114: 3/36350·10000 = 0.8253 → 0.8; 2 → 0.5502 → 0.6; 1 → 0.2751 → 0.3.
    # 0180-01: 1/40000·10000 = 0.25 → 0.3 (three times). 0180-02: 1/60000·10000 = 0.1666 → 0.2; U30752 0.
    # 0180: U30750/U30751 mean (0.3+0.2)/2 = 0.25 → 0.3; U30752 (0.3+0.0)/2 = 0.15 → 0.2.
    assert out.getvalue() == (
        "kpi,enhetskod,period,antal,vuxna,varde\n"
        "U30750,0114,2022,3,36350,0.8\n"
        "U30750,0115,2022,0,11500,0.0\n"
        "U30750,0180,2022,3,,0.3\n"
        "U30750,0180-01,2022,1,40000,0.3\n"
        "U30750,0180-02,2022,1,60000,0.2\n"
        "U30751,0114,2022,2,36350,0.6\n"
        "U30751,0115,2022,0,11500,0.0\n"
        "U30751,0180,2022,3,,0.3\n"
        "U30751,0180-01,2022,1,40000,0.3\n"
        "U30751,0180-02,2022,1,60000,0.2\n"
        "U30752,0114,2022,1,36350,0.3\n"
        "U30752,0115,2022,0,11500,0.0\n"
        "U30752,0180,2022,1,,0.2\n"
        "U30752,0180-01,2022,1,40000,0.3\n"
        "U30752,0180-02,2022,0,60000,0.0\n"
    )


# --- an independent implementation on random data (property) --------------------------------

CODES = ("0114", "0115", "0180", "0180-01", "0180-02", "1480-07", "2584")
DATES = ("2021-12-31", "2022-01-01", "2022-06-30", "2022-12-31", "2023-01-01", "")


def _hand_rate(a: int, v: int) -> str:
    """Half up with Fractions, independent of the module's integer formula."""
    x = Fraction(10_000 * a, v) * 10
    t = int(x) + (1 if x - int(x) >= Fraction(1, 2) else 0)
    return f"{t // 10}.{t % 10}"


def _hand_mean(values: list[str]) -> str:
    x = sum(Fraction(s) for s in values) / len(values) * 10
    t = int(x) + (1 if x - int(x) >= Fraction(1, 2) else 0)
    return f"{t // 10}.{t % 10}"


arende = st.fixed_dictionaries({
    "enhetskod": st.sampled_from(CODES),
    "datum_aktualisering": st.sampled_from(DATES[:-1]),
    "datum_avslut": st.sampled_from(DATES),
    "insatser": st.sampled_from(["", "Praktiskt stöd", "Gruppsamtal|Kontaktperson"]),
    "forandringsmal_finns": st.sampled_from(["", "Ja", "Nej", "Annat"]),
    "maluppfoljning": st.sampled_from([""] + list(MAL)),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(arende, min_size=1, max_size=25),
       st.dictionaries(st.sampled_from(CODES), st.integers(1, 300_000), max_size=len(CODES)))
def test_agrees_with_an_independent_implementation(rows, pop):
    vuxna = {(k, AR): v for k, v in pop.items()}
    got = table(rows, vuxna)

    def counts(r) -> dict[str, bool]:
        a = r["datum_aktualisering"].startswith("2022")
        ins = bool(r["insatser"])
        return {"U30750": a, "U30751": a and ins,
                "U30752": r["datum_avslut"].startswith("2022") and ins and r["forandringsmal_finns"] == "Ja"
                and r["maluppfoljning"] in MAL[:2]}

    present = {r["enhetskod"] for r in rows}
    kommuner = {k[:4] for k in present}
    expected = {}
    for kpi in ("U30750", "U30751", "U30752"):
        per = {k: sum(counts(r)[kpi] for r in rows if r["enhetskod"] == k) for k in present}
        districts = {k for k in present if "-" in k}
        for k in districts:
            v = pop.get(k)
            expected[(kpi, k)] = (per[k], v, "" if v is None else _hand_rate(per[k], v))
        for kom in kommuner:
            a = sum(n for k, n in per.items() if k[:4] == kom)
            mine = sorted(d for d in districts if d[:4] == kom)
            if mine:
                values = [expected[(kpi, d)][2] for d in mine if expected[(kpi, d)][2]]
                expected[(kpi, kom)] = (a, None, _hand_mean(values) if values else "")
            else:
                v = pop.get(kom)
                expected[(kpi, kom)] = (a, v, "" if v is None else _hand_rate(a, v))
    assert got == expected


# --- the population file --------------------------------------------------------------------

def write(tmp_path: Path, text: str, name: str = "vuxna.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        read_adult_population(path, load_population())
    return [str(p) for p in exc.value.problems]


def test_reads_a_good_file(tmp_path):
    p = write(tmp_path, "\ufeffEnhetskod ; AR;Vuxna\n0114;2022;36350\n0180-01;2022;41203\n0114;2021;36000\n\n")
    v = read_adult_population(p, load_population())
    assert dict(v) == {("0114", 2022): 36350, ("0180-01", 2022): 41203, ("0114", 2021): 36000}


def test_reads_xlsx_with_numeric_cells(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["enhetskod", "ar", "vuxna"])
    ws.append(["0114", 2022, 36350])
    ws.append(["0180", 2022.0, 700000.0])
    p = tmp_path / "vuxna.xlsx"
    wb.save(p)
    assert dict(read_adult_population(p, load_population())) == {("0114", 2022): 36350, ("0180", 2022): 700000}


@pytest.mark.parametrize("row,column,value,words", [
    ("0000,2022,100", "enhetskod", "0000", "unknown unit"),
    ("180,2022,100", "enhetskod", "180", "unknown unit"),
    ("0180-15,2022,100", "enhetskod", "0180-15", "unknown unit"),
    ("0114,2022,tio", "vuxna", "tio", "not a whole number"),
    ("0114,2022,1000.5", "vuxna", "1000.5", "not a whole number"),
    ("0114,2022,10 000", "vuxna", "10 000", "not a whole number"),
    ("0114,2022,١٢٣", "vuxna", "١٢٣", "not a whole number"),  # non-ASCII digits
    ("0114,2022,0", "vuxna", "0", "at least 1"),
    ("0114,2022,-5", "vuxna", "-5", "negative"),
    ("0114,2022,99999999", "vuxna", "99999999", "more than"),
    ("0114,2022,9" + "9" * 40, "vuxna", "9" + "9" * 40, "not a whole number"),
    ("0114,tjugo,100", "ar", "tjugo", "not a whole number"),
    ("0114,22,100", "ar", "22", "not a year"),
    ("0114,2022,=1+1", "vuxna", "=1+1", "not a whole number"),
])
def test_each_bad_row_is_an_error_naming_file_row_column_value(tmp_path, row, column, value, words):
    p = write(tmp_path, f"enhetskod,ar,vuxna\n0115,2022,100\n{row}\n")
    msgs = problems(p)
    assert len(msgs) == 1, msgs
    assert str(p) in msgs[0] and "row 3" in msgs[0] and f"column {column}" in msgs[0]
    assert f"value {value!r}" in msgs[0] and words in msgs[0]


@pytest.mark.parametrize("row,column", [(",2022,100", "enhetskod"), ("0114,,100", "ar"), ("0114,2022,", "vuxna"),
                                        ("0114,2022", "vuxna")])
def test_blank_cells_are_errors(tmp_path, row, column):
    p = write(tmp_path, f"enhetskod,ar,vuxna\n{row}\n")
    msgs = problems(p)
    assert len(msgs) == 1 and "row 2" in msgs[0] and f"column {column}" in msgs[0] and "blank" in msgs[0]


def test_a_duplicate_is_an_error_at_every_later_occurrence(tmp_path):
    p = write(tmp_path, "enhetskod,ar,vuxna\n0114,2022,100\n0114,2021,100\n0114,2022,100\n 0114 ,2022,200\n")
    msgs = problems(p)
    assert len(msgs) == 2
    assert all("first in row 2" in m and "column enhetskod" in m and "'0114'" in m for m in msgs)
    assert "row 4" in msgs[0] and "row 5" in msgs[1]


@pytest.mark.parametrize("header,words", [
    ("enhetskod,ar", ("column vuxna", "required column missing")),
    ("enhetskod,år,vuxna", ("column år", "value 'år'", "unknown column")),
    ("enhetskod,ar,vuxna,kommun", ("column kommun", "unknown column")),
    ("enhetskod,ar,vuxna,vuxna", ("column vuxna", "repeated column")),
    ("kommunkod,ar,vuxna", ("column kommunkod", "unknown column")),
    ("enhetskod,,ar,vuxna", ("column column 2", "without a name")),
])
def test_a_wrong_header_is_an_error(tmp_path, header, words):
    p = write(tmp_path, f"{header}\n0114,2022,100,1\n")
    msgs = problems(p)
    assert any(all(w in m for w in words) and "row 1" in m and str(p) in m for m in msgs), msgs


def test_every_error_in_one_run_and_a_header_only_file(tmp_path):
    p = write(tmp_path, "enhetskod,ar,vuxna\n0000,2022,0\n0114,x,5\n")
    assert len(problems(p)) == 3
    assert any("header only" in m for m in problems(write(tmp_path, "enhetskod,ar,vuxna\n", "h.csv")))
    assert any("no such file" in m for m in problems(tmp_path / "missing.csv"))


def test_xlsx_numeric_enhetskod_is_an_error(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["enhetskod", "ar", "vuxna"])
    wb.active.append([114, 2022, 5.5])
    p = tmp_path / "v.xlsx"
    wb.save(p)
    msgs = problems(p)
    assert len(msgs) == 2
    assert "row 2" in msgs[0] and "column enhetskod" in msgs[0] and "leading zero" in msgs[0]
    assert "column vuxna" in msgs[1] and "5.5" in msgs[1]


# --- the command ----------------------------------------------------------------------------

ARENDEN = [fullt(datum_aktualisering="2022-01-05"), akt("2022-03-03", enhetskod="0180-01", insatser="Praktiskt stöd")]


@pytest.fixture
def fake_reader(monkeypatch):
    """`read_arenden` replaced by one that builds ARENDEN (the reader is tested on its own)."""
    calls = []

    def read_arenden(path, kodbok, population, period=(None, None)):
        calls.append(Path(path))
        if Path(path).name == "bad.csv":
            from ojexcel.problems import Problem
            raise InputError([Problem("unknown enhetskod", file=str(path), row=2, column="enhetskod", value="9999")])
        return bygg_arenden(ARENDEN, kalla=Path(path).name)

    monkeypatch.setattr(isu_arenden, "read_arenden", read_arenden)
    return calls


def run(*args):
    return CliRunner().invoke(main, ["isu", "kolada", *[str(a) for a in args]])


def test_cli_writes_the_export(tmp_path, fake_reader):
    arenden = write(tmp_path, "x\n", "arenden.csv")
    vuxna = write(tmp_path, "enhetskod,ar,vuxna\n0114,2022,800\n0180-01,2022,1000\n")
    out = tmp_path / "k.csv"
    r = run(arenden, "--ar", 2022, "--out", out, "--vuxna", vuxna)
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data.startswith(b"kpi,enhetskod,period,antal,vuxna,varde\n") and b"\r" not in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert tuple(rows[0]) == KOLADA_HEADER
    assert {(r["kpi"], r["enhetskod"]): r["varde"] for r in rows} == {
        ("U30750", "0114"): "12.5", ("U30750", "0180"): "10.0", ("U30750", "0180-01"): "10.0",
        ("U30751", "0114"): "12.5", ("U30751", "0180"): "10.0", ("U30751", "0180-01"): "10.0",
        ("U30752", "0114"): "12.5", ("U30752", "0180"): "0.0", ("U30752", "0180-01"): "0.0",
    }  # 1/800 → 12.5; 1/1000 → 10.0; the city: the mean of its one district
    assert "9 rows for 2022" in r.output
    # nothing but KPI ids, unit codes and numbers: no identifier or free text can be in the file
    line = re.compile(r"U3075[012],\d{4}(-\d{2})?,2022,\d+,\d*,(\d+\.\d)?")
    assert all(line.fullmatch(x) for x in data.decode("utf-8").splitlines()[1:])
    again = tmp_path / "k2.csv"
    assert run(arenden, "--ar", 2022, "--out", again, "--vuxna", vuxna).exit_code == 0
    assert again.read_bytes() == data  # byte-identical


def test_cli_lists_errors_of_both_inputs_and_writes_nothing(tmp_path, fake_reader):
    out = tmp_path / "k.csv"
    out.write_text("old", encoding="utf-8")
    vuxna = write(tmp_path, "enhetskod,ar,vuxna\n0114,2022,0\n")
    r = run(write(tmp_path, "x\n", "bad.csv"), "--ar", 2022, "--out", out, "--vuxna", vuxna)
    assert r.exit_code == 1
    assert "column vuxna" in r.output and "value '9999'" in r.output and "nothing was written" in r.output
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".k.csv")] == []


def test_cli_usage_errors(tmp_path, fake_reader):
    arenden = write(tmp_path, "x\n", "arenden.csv")
    assert run(arenden, "--out", tmp_path / "k.csv").exit_code == 2  # --ar required
    assert run(arenden, "--ar", "tjugo", "--out", tmp_path / "k.csv").exit_code == 2
    r = run(arenden, "--ar", 2022, "--out", arenden)
    assert r.exit_code == 1 and "overwritten" in r.output
    assert arenden.read_text() == "x\n"


def test_cli_without_population_file(tmp_path, fake_reader):
    out = tmp_path / "k.csv"
    r = run(write(tmp_path, "x\n", "a.csv"), "--ar", 2022, "--out", out)
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert all(r["vuxna"] == "" and r["varde"] == "" for r in rows) and len(rows) == 9


def test_cli_end_to_end_with_the_real_reader_leaks_no_identifier(tmp_path):
    """With the real record reader: no identifier in the output."""
    ids = ["ARENDE-SECRET-1", "ARENDE-SECRET-2", "KLIENT-770101", "KLIENT-880202", "HANDL-Anna", "HANDL-Bo"]
    p = tmp_path / "arenden.csv"
    p.write_text(
        "arende_id,enhetskod,datum_aktualisering,klient_id,handlaggare,insatser,forandringsmal_finns,"
        "maluppfoljning,datum_avslut\n"
        f"{ids[0]},0114,2022-02-01,{ids[2]},{ids[4]},Praktiskt stöd,Ja,1,2022-10-01\n"
        f"{ids[1]},0180-01,2022-03-01,{ids[3]},{ids[5]},,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "k.csv"
    r = CliRunner().invoke(main, ["isu", "kolada", str(p), "--ar", "2022", "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert not any(i in text for i in ids)
    assert "U30752,0114,2022,1,," in text and "U30750,0180,2022,1,," in text


def test_sample_against_a_plain_count_of_the_csv(tmp_path):
    """U30750 per kommun on the embedded sample equals a count of the sample's rows by the csv
    module (an implementation that shares nothing with the module)."""
    from ojexcel.cli.isu import sample_path

    with open(sample_path(), encoding="utf-8-sig", newline="") as fh:
        text = fh.read()
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";" if text.split("\n", 1)[0].count(";") > 0 else ","))
    years = sorted({r["datum_aktualisering"].strip()[:4] for r in rows if r["datum_aktualisering"].strip()})
    ar = int(years[len(years) // 2])
    expected: dict[str, int] = {}
    for r in rows:
        kod = r["enhetskod"].strip()
        expected.setdefault(kod[:4], 0)
        if "-" in kod:
            expected.setdefault(kod, 0)
        if r["datum_aktualisering"].strip()[:4] == str(ar):
            expected[kod[:4]] += 1
            if "-" in kod:
                expected[kod] += 1
    out = tmp_path / "k.csv"
    r = CliRunner().invoke(main, ["isu", "kolada", "--ar", str(ar), "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    got = {x["enhetskod"]: int(x["antal"]) for x in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
           if x["kpi"] == "U30750"}
    assert got == expected
