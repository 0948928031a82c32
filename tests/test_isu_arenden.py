"""ISU record reading and validation (CONTRACT isu §1, privacy §2): `isu.arenden.read_arenden`."""
from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ojexcel.isu import reader as arenden_mod
from ojexcel.isu.reader import read_arenden
from ojexcel.isu.codebook import load_codebook
from ojexcel.isu.model import NO_DATE, Arenden, day_number
from ojexcel.population import load_population
from ojexcel.problems import ERROR, WARNING, InputError

KODBOK = load_codebook()
POP = load_population()
FULL = ["arende_id", "enhetskod"] + [v.kolumn for v in KODBOK.variabler]


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None, delimiter: str = ",",
              bom: bool = False) -> Path:
    cols = columns or FULL
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, delimiter=delimiter, lineterminator="\n", restval="",
                           extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def rec(aid: str = "A1", **answers: str) -> dict[str, str]:
    row = {"arende_id": aid, "enhetskod": "0114", "datum_aktualisering": "2022-03-01"}
    row.update(answers)
    return row


def read(path: Path, period=(None, None)) -> Arenden:
    return read_arenden(path, KODBOK, POP, period=period)


def problems(path: Path) -> tuple[list, list]:
    """(errors, warnings) of a file that must fail."""
    with pytest.raises(InputError) as info:
        read(path)
    return info.value.problems, info.value.warnings


def one(found: list, *needles: str):
    """The one problem whose text holds every needle."""
    hits = [p for p in found if all(n in str(p) for n in needles)]
    assert len(hits) == 1, (needles, [str(p) for p in found])
    return hits[0]


def bit(var: str, *labels: str) -> int:
    return sum(1 << (KODBOK[var].nummer(label) - 1) for label in labels)


# -- reading valid files ------------------------------------------------------------------------

def test_valid_file_column_wise(tmp_path):
    rows = [
        rec("A1", kon="Kvinna", alder="34", insatser="Praktiskt stöd|Skyddat boende", datum_avslut="2022-06-30",
            maluppfoljning="Ingen förändring", datum_insats_paborjad="2022-03-02"),
        rec("A2", enhetskod="0180-01", kon="Man", datum_aktualisering="2021-12-31"),
        rec("A3", enhetskod="0180", avslutsorsak="Klienten har flyttat", bu_delaktighet="Liten möjlighet"),
    ]
    a = read(write_csv(tmp_path / "a.csv", rows))
    assert a.n == 3 and a.kalla == "a.csv" and a.warnings == [] and a.utanfor_period == 0
    assert a.enheter == ("0114", "0180", "0180-01")
    assert a.enhet.tolist() == [0, 2, 1]
    assert a.enval["kon"].tolist() == [1, 2, 0]
    assert a.enval["kon"].dtype == np.uint8 and a.flerval["insatser"].dtype == np.uint32
    assert a.flerval["insatser"].tolist() == [bit("insatser", "Praktiskt stöd", "Skyddat boende"), 0, 0]
    assert a.datum["datum_aktualisering"].tolist() == [
        day_number(dt.date(2022, 3, 1)), day_number(dt.date(2021, 12, 31)), day_number(dt.date(2022, 3, 1))]
    assert a.datum["datum_avslut"].tolist()[1:] == [NO_DATE, NO_DATE]
    assert a.alder.tolist() == [34, 0, 0]
    assert a.enval["maluppfoljning"].tolist() == [3, 0, 0]
    assert a.enval["bu_delaktighet"].tolist() == [0, 0, 2]
    assert a.avslutat.tolist() == [True, False, True]
    # every enval, flerval and datum column of the codebook is present
    assert set(a.enval) == {v.kolumn for v in KODBOK.of_type("enval")}
    assert set(a.flerval) == {v.kolumn for v in KODBOK.of_type("flerval")}
    assert set(a.datum) == {v.kolumn for v in KODBOK.of_type("datum")}


def test_labels_numbers_case_space_nfc_give_the_same_codes(tmp_path):
    nfd = unicodedata.normalize("NFD", "Född i övriga Europa")
    assert nfd != "Född i övriga Europa"
    forms = [
        {"kon": "Kvinna", "ursprung": "Född i övriga Europa", "utovare": "Nuvarande partner|Barn"},
        {"kon": "1", "ursprung": "3", "utovare": "1|5"},
        {"kon": "  KVINNA ", "ursprung": nfd.upper(), "utovare": " barn |  nuvarande   partner |"},
        {"kon": "01", "ursprung": "Född  i övriga\tEuropa", "utovare": "5||1"},
    ]
    a = read(write_csv(tmp_path / "a.csv", [rec(f"A{i}", **f) for i, f in enumerate(forms)]))
    assert a.enval["kon"].tolist() == [1] * 4
    assert a.enval["ursprung"].tolist() == [3] * 4
    assert a.flerval["utovare"].tolist() == [bit("utovare", "Nuvarande partner", "Barn")] * 4
    assert a.warnings == []


def test_bom_and_semicolon(tmp_path):
    a = read(write_csv(tmp_path / "a.csv", [rec("A1", kon="Man", insatser="Gruppsamtal")], delimiter=";", bom=True))
    assert a.n == 1 and a.enval["kon"].tolist() == [2] and a.flerval["insatser"].tolist() == [bit("insatser", "Gruppsamtal")]


def test_header_trimmed_case_insensitive_and_blank_rows_skipped(tmp_path):
    cols = ["  ARENDE_ID ", "Enhetskod", "Datum_Aktualisering", " KON"]
    path = tmp_path / "a.csv"
    path.write_text(",".join(cols) + "\nA1,0114,2022-01-01,Man\n , ,  ,\n,,,\nA2,0115,2022-01-01,\n", encoding="utf-8")
    a = read(path)
    assert a.n == 2 and a.enval["kon"].tolist() == [2, 0]


def test_missing_optional_columns_one_warning_and_blanks(tmp_path):
    a = read(write_csv(tmp_path / "a.csv", [rec("A1"), rec("A2")], columns=["arende_id", "enhetskod", "datum_aktualisering", "kon"]))
    assert len(a.warnings) == 1
    w = a.warnings[0]
    assert w.severity == WARNING and "missing" in w.message and "insatser" in w.message and "alder" in w.message
    assert a.flerval["insatser"].tolist() == [0, 0] and a.alder.tolist() == [0, 0]
    assert a.datum["datum_avslut"].tolist() == [NO_DATE, NO_DATE]


def test_unknown_columns_one_warning_each_ignored(tmp_path):
    cols = FULL + ["lokal_variabel", "kommentar", "insats"]
    rows = [dict(rec("A1"), lokal_variabel="x", kommentar="något", insats="y"), dict(rec("A2"), lokal_variabel="z")]
    a = read(write_csv(tmp_path / "a.csv", rows, columns=cols))
    unknown = [w for w in a.warnings if "unknown column" in w.message]
    assert sorted(w.column for w in unknown) == ["insats", "kommentar", "lokal_variabel"]
    assert len(a.warnings) == 3


def test_misspelt_optional_column_warns_twice(tmp_path):
    cols = [c if c != "insatser" else "insatsr" for c in FULL]
    a = read(write_csv(tmp_path / "a.csv", [rec("A1")], columns=cols))
    missing = one(a.warnings, "missing")
    assert "insatser" in missing.message and "'insatsr'" not in missing.message and "insatsr" in missing.message
    one(a.warnings, "unknown column, ignored", "column insatsr")


# -- XLSX ---------------------------------------------------------------------------------------

def write_xlsx(path: Path, header: list, rows: list[list]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_xlsx_numbers_and_date_cells(tmp_path):
    header = ["arende_id", "enhetskod", "datum_aktualisering", "kon", "alder", "insatser", "datum_avslut", "maluppfoljning"]
    rows = [
        [101, "0114", dt.datetime(2022, 3, 1), 1, 34, 2, dt.datetime(2022, 5, 1), 2.0],
        ["A2", "0114", "2022-03-01", "Man", 40.0, "1|2", "2022-05-01", "Positiv förändring men målet inte uppnått (mål delvis uppfyllda)"],
    ]
    a = read(write_xlsx(tmp_path / "a.xlsx", header, rows))
    assert a.warnings == [w for w in a.warnings if "missing" in w.message]
    assert a.enval["kon"].tolist() == [1, 2]
    assert a.alder.tolist() == [34, 40]
    assert a.flerval["insatser"].tolist() == [bit("insatser", "Ekonomiskt stöd"), bit("insatser", "Praktiskt stöd", "Ekonomiskt stöd")]
    d = day_number(dt.date(2022, 3, 1))
    assert a.datum["datum_aktualisering"].tolist() == [d, d]
    assert a.enval["maluppfoljning"].tolist() == [2, 2]


def test_xlsx_time_of_day_warns_and_bad_cells_are_errors(tmp_path):
    header = ["arende_id", "enhetskod", "datum_aktualisering", "kon", "alder", "insatser"]
    rows = [
        ["A1", "0114", dt.datetime(2022, 3, 1, 14, 30), 1, 34, None],
        ["A2", 114, 44621, 2.5, 34.5, True],
        ["A3", "0114", "2022-03-01", "=A1", None, None],
    ]
    errors, warnings = problems(write_xlsx(tmp_path / "a.xlsx", header, rows))
    w = one(warnings, "row 2", "time of day")
    assert w.column == "datum_aktualisering"
    # a re-saved file's numeric code is read as its kommunkod, as the survey reader does (D6, D174)
    assert one(warnings, "column enhetskod", "in 1 row(s) (row 3)", "114 → 0114").row is None
    assert not [p for p in errors if p.column == "enhetskod"]
    one(errors, "row 3", "column datum_aktualisering", "44621", "format the cell as a date")
    one(errors, "row 3", "column kon", "2.5")
    one(errors, "row 3", "column alder", "18–120")
    one(errors, "row 3", "column insatser", "TRUE/FALSE")
    one(errors, "row 4", "column kon", "formula")


# -- errors -------------------------------------------------------------------------------------

def test_every_answer_error_names_file_row_id_column_value(tmp_path):
    rows = [
        rec("A1", kon="Kvina"),  # 2: typo, suggestion
        rec("A2", kon="3"),  # 3: number out of range
        rec("A3", kon="0"),  # 4
        rec("A4", kon="Kvinna|Man"),  # 5: several answers in enval
        rec("A5", funktionsnedsattning="Nej|Fysisk funktionsnedsättning"),  # 6: exclusive
        rec("A6", funktionsnedsattning="Nej|Vet ej"),  # 7: exclusive with exclusive
        rec("A7", datum_avslut="2022-02-30"),  # 8: not a real date
        rec("A8", datum_insats_paborjad="2022-3-01"),  # 9: not ISO
        rec("A9", alder="17"),  # 10
        rec("A10", alder="121"),  # 11
        rec("A11", alder="45.0"),  # 12
        rec("A12", insatser="Praktiskt stöd|Kommentar (möjlighet till)"),  # 13
        rec("A13", enhetskod="180"),  # 14
        rec("A14", enhetskod="9999"),  # 15
        rec("A15", datum_aktualisering=""),  # 16
        rec("", kon="Man"),  # 17: blank arende_id
        rec("A16", insatser="20"),  # 18: number out of range in flerval
    ]
    path = write_csv(tmp_path / "records.csv", rows)
    errors, _ = problems(path)
    for p in errors:
        assert p.file == str(path) and p.severity == ERROR
    p = one(errors, "row 2,", "arende_id 'A1'", "column kon", "'Kvina'", "did you mean 'Kvinna'")
    assert p.enhetskod == "0114" and str(path) in str(p)
    one(errors, "row 3,", "'A2'", "column kon", "value '3'", "no answer has number 3")
    one(errors, "row 4,", "'A3'", "column kon", "value '0'")
    one(errors, "row 5,", "'A4'", "several answers")
    one(errors, "row 6,", "'A5'", "funktionsnedsattning", "'Nej' stands alone")
    one(errors, "row 7,", "'A6'", "stands alone")
    one(errors, "row 8,", "'A7'", "column datum_avslut", "'2022-02-30'", "not a date")
    one(errors, "row 9,", "'A8'", "column datum_insats_paborjad", "'2022-3-01'")
    one(errors, "row 10,", "'A9'", "column alder", "'17'", "18–120")
    one(errors, "row 11,", "'A10'", "'121'")
    one(errors, "row 12,", "'A11'", "'45.0'")
    one(errors, "row 13,", "'A12'", "column insatser", "comment field")
    one(errors, "row 14,", "'A13'", "column enhetskod", "value '180'", "did you mean 0180")
    one(errors, "row 15,", "'A14'", "unknown enhetskod")
    one(errors, "row 16,", "'A15'", "column datum_aktualisering", "blank")
    one(errors, "row 17,", "column arende_id", "blank")
    one(errors, "row 18,", "'A16'", "no answer has number 20", "1–19")
    assert len(errors) == 17


def test_duplicate_ids_every_later_occurrence_case_sensitive(tmp_path):
    rows = [rec("X1"), rec("x1"), rec(" X1 "), rec("X2"), rec("X1")]
    errors, _ = problems(write_csv(tmp_path / "a.csv", rows))
    assert [(p.row, p.arende_id) for p in errors] == [(4, "X1"), (6, "X1")]
    assert all("already given in row 2" in p.message for p in errors)


def test_required_columns_missing_or_repeated(tmp_path):
    errors, _ = problems(write_csv(tmp_path / "a.csv", [rec("A1")], columns=["arende_id", "kon", "Kon", "datum_aktulisering"]))
    one(errors, "column enhetskod", "required column missing")
    one(errors, "column datum_aktualisering", "required column missing", "datum_aktulisering")
    one(errors, "column kon appears twice")


def test_not_an_isu_file_is_one_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("namn,adress\nAnna,Gatan 1\n", encoding="utf-8")
    errors, warnings = problems(path)
    assert len(errors) == 1 and "names none of the ISU columns" in errors[0].message and warnings == []


def test_header_only_and_field_count_and_joined_header(tmp_path):
    path = write_csv(tmp_path / "a.csv", [])
    errors, _ = problems(path)
    one(errors, "no ärenden")
    path = tmp_path / "b.csv"
    path.write_text("arende_id,enhetskod,datum_aktualisering\nA1,0114,2022-01-01\nA2,0114\n"
                    "arende_id,enhetskod,datum_aktualisering\nA3,0114,2022-01-01,x\n", encoding="utf-8")
    errors, _ = problems(path)
    one(errors, "row 3,", "'A2'", "2 fields but the header has 3")
    one(errors, "row 4,", "header row appears again")
    one(errors, "row 5,", "'A3'", "4 fields")


def test_avslut_before_aktualisering_is_an_error(tmp_path):
    rows = [rec("A1", datum_avslut="2022-02-28"), rec("A2", datum_avslut="2022-03-01")]
    errors, _ = problems(write_csv(tmp_path / "a.csv", rows))
    p = one(errors, "row 2,", "'A1'", "column datum_avslut", "before datum_aktualisering")
    assert p.value == "2022-02-28 < 2022-03-01"
    assert len(errors) == 1


# -- warnings and the consistency rules ---------------------------------------------------------

def test_consistency_warnings_and_clearing(tmp_path):
    rows = [
        rec("A1", maluppfoljning="1", genomforande_insatser="Annat", bu_delaktighet="2"),  # not avslutat
        rec("A2", avslutsorsak="Klienten har flyttat", maluppfoljning="1", bu_delaktighet="2"),  # avslutat
        rec("A3", datum_insats_paborjad="2022-02-01"),  # before aktualisering
        rec("A4", samverkan="Polisen|Primärvård"),  # blank samverkan_forekommit -> Ja
        rec("A5", samverkan_forekommit="Nej", samverkan="Polisen"),  # partners ignored
        rec("A6", samverkan_forekommit="Nej"),
        rec("A7", kon="Man|man", hedersrelaterat_vald="ja|JA|Ja"),  # repeated: once, warning
    ]
    a = read(write_csv(tmp_path / "a.csv", rows))
    assert a.enval["maluppfoljning"].tolist() == [0, 1, 0, 0, 0, 0, 0]
    assert a.enval["genomforande_insatser"].tolist() == [0] * 7
    assert a.enval["bu_delaktighet"].tolist() == [0, 2, 0, 0, 0, 0, 0]
    assert a.enval["samverkan_forekommit"].tolist() == [0, 0, 0, 1, 2, 2, 0]
    assert a.flerval["samverkan"].tolist() == [0, 0, 0, bit("samverkan", "Polisen", "Primärvård"), 0, 0, 0]
    assert a.enval["kon"].tolist()[6] == 2 and a.enval["hedersrelaterat_vald"].tolist()[6] == 1
    w = a.warnings
    one(w, "row 2,", "column maluppfoljning", "not avslutat")
    one(w, "row 2,", "column genomforande_insatser", "not avslutat")
    one(w, "row 2,", "column bu_delaktighet", "brukarenkät")
    one(w, "row 4,", "column datum_insats_paborjad", "before datum_aktualisering")
    one(w, "row 6,", "column samverkan", "Nej")
    one(w, "row 8,", "column kon", "'Man|man'", "counted once")
    one(w, "row 8,", "column hedersrelaterat_vald", "counted once")
    assert len(w) == 7
    assert all(p.arende_id is None for p in w)  # warnings stay with the data: no identifier


def test_many_warnings_are_summarised(tmp_path):
    rows = [rec(f"A{i}", maluppfoljning="Ingen förändring") for i in range(40)]
    a = read(write_csv(tmp_path / "a.csv", rows))
    listed = [w for w in a.warnings if w.row is not None]
    summary = [w for w in a.warnings if w.row is None]
    assert [w.row for w in listed] == [2, 3, 4]
    assert len(summary) == 1
    assert "37 more rows" in summary[0].message and "40 in all" in summary[0].message
    assert "rows 5, 6, 7, 8, 9, …" in summary[0].message


def test_many_errors_are_summarised(tmp_path):
    rows = [rec(f"A{i}", kon="Okänd") for i in range(100)]
    errors, _ = problems(write_csv(tmp_path / "a.csv", rows))
    assert len(errors) == 21
    assert "80 more rows with this error" in str(errors[-1]) and "100 in all" in str(errors[-1])


def test_values_in_messages_are_cut_and_escaped(tmp_path):
    hostile = "\x1b[31mRED" + "x" * 5000 + "\u202e"
    errors, _ = problems(write_csv(tmp_path / "a.csv", [rec("A\x1b1", kon=hostile)]))
    text = str(one(errors, "column kon"))
    assert "\x1b" not in text and "\\x1b" in text and len(text) < 600


# -- period ---------------------------------------------------------------------------------------

def test_period_filter_after_validation(tmp_path):
    rows = [
        rec("A1", datum_aktualisering="2020-12-31", enhetskod="0114"),
        rec("A2", datum_aktualisering="2021-01-01", enhetskod="0180-02", kon="Man"),
        rec("A3", datum_aktualisering="2021-12-31", enhetskod="0115", kon="Kvinna"),
        rec("A4", datum_aktualisering="2022-01-01", enhetskod="0114"),
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    a = read(path, period=(dt.date(2021, 1, 1), dt.date(2021, 12, 31)))
    assert a.n == 2 and a.utanfor_period == 2 and a.enheter == ("0115", "0180-02")
    assert a.enhet.tolist() == [1, 0] and a.enval["kon"].tolist() == [2, 1]
    assert a.period == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert read(path, period=(dt.date(2021, 6, 1), None)).n == 2
    assert read(path, period=(None, dt.date(2021, 1, 1))).n == 2
    with pytest.raises(InputError, match="no ärende has datum_aktualisering in the period 2030-01-01:"):
        read(path, period=(dt.date(2030, 1, 1), None))
    # validation covers rows outside the period too
    bad = write_csv(tmp_path / "b.csv", rows + [rec("A5", datum_aktualisering="2019-01-01", kon="x")])
    with pytest.raises(InputError, match="unknown answer"):
        read(bad, period=(dt.date(2021, 1, 1), None))


# -- privacy --------------------------------------------------------------------------------------

def _strings(obj, seen=None):
    """Every string reachable from obj (attributes, containers, numpy object arrays)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, np.ndarray):
        assert obj.dtype != object
        yield obj.tobytes().decode("latin-1")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(k, seen)
            yield from _strings(v, seen)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            yield from _strings(v, seen)
    elif hasattr(obj, "__dict__"):
        for v in vars(obj).values():
            yield from _strings(v, seen)


def test_arenden_holds_no_identifier_or_free_text(tmp_path):
    secrets = ["ID-SECRET-1", "ID-SECRET-2", "KLIENT-Q7", "HANDLAGGARE-Z9", "FORSLAG-W3", "LOKAL-V5"]
    rows = [
        rec("ID-SECRET-1", klient_id="KLIENT-Q7", handlaggare="HANDLAGGARE-Z9", maluppfoljning="1",
            lokal="LOKAL-V5"),
        rec("ID-SECRET-2", datum_avslut="2022-05-01", bu_forbattringsforslag="FORSLAG-W3", kon="Kvinna|kvinna"),
    ]
    a = read(write_csv(tmp_path / "a.csv", rows, columns=FULL + ["lokal"]))
    assert a.warnings  # there are warnings, and they too must be clean
    text = "\n".join(_strings(a)) + "\n".join(str(w) for w in a.warnings)
    for s in secrets:
        assert s not in text
    assert not hasattr(a, "ids")


# -- property: labels and numbers read alike ------------------------------------------------------

VALBAR = [v for v in KODBOK.variabler if v.is_choice and v.fas not in ("avslut", "brukarenkat") and v.kolumn != "samverkan_forekommit"]


@st.composite
def records(draw):
    out = []
    for i in range(draw(st.integers(1, 8))):
        r: dict[str, list[int]] = {}
        for v in VALBAR:
            if v.typ == "enval":
                r[v.kolumn] = draw(st.sampled_from([[], *[[k] for k in range(1, len(v.svar) + 1)]]))
            else:
                ks = draw(st.sets(st.integers(1, len(v.svar)), max_size=4))
                excl = {v.nummer(x) for x in arenden_mod.EXCLUSIVE.get(v.kolumn, ())}
                if len(ks) > 1:
                    ks -= excl
                r[v.kolumn] = sorted(ks)
        out.append(r)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records(), st.randoms(use_true_random=False))
def test_labels_and_numbers_round_trip(tmp_path, recs, rnd):
    def as_text(v, ks, numbers):
        parts = [str(k) if numbers else rnd.choice([str.upper, str.lower, str])(v.svar[k - 1]) for k in ks]
        return "|".join(parts)

    def rows(numbers):
        return [rec(f"A{i}", **{v.kolumn: as_text(v, r[v.kolumn], numbers) for v in VALBAR}) for i, r in enumerate(recs)]

    a = read(write_csv(tmp_path / "labels.csv", rows(False)))
    b = read(write_csv(tmp_path / "numbers.csv", rows(True)))
    for v in VALBAR:
        arr_a = (a.enval if v.typ == "enval" else a.flerval)[v.kolumn]
        arr_b = (b.enval if v.typ == "enval" else b.flerval)[v.kolumn]
        assert arr_a.tolist() == arr_b.tolist()
        expected = [(r[v.kolumn][0] if r[v.kolumn] else 0) if v.typ == "enval" else sum(1 << (k - 1) for k in r[v.kolumn])
                    for r in recs]
        assert arr_a.tolist() == expected


# -- end to end -------------------------------------------------------------------------------------

@pytest.fixture
def compile_modules(monkeypatch):
    """The compilation and the writers replaced by tripwires: an invalid file must fail before
    any of them runs."""
    import ojexcel.isu.workbook
    import ojexcel.isu.compilation
    import ojexcel.isu.tidy

    for mod, attr in ((ojexcel.isu.compilation, "compile_tables"), (ojexcel.isu.workbook, "write_isu_workbook"),
                      (ojexcel.isu.tidy, "write_isu_tidy")):
        def never(*args, _attr=attr, **kwargs):
            raise AssertionError(f"{_attr} must not run on invalid input")

        monkeypatch.setattr(mod, attr, never)


def test_cli_invalid_file_exits_1_writes_nothing_lists_everything(tmp_path, compile_modules):
    from ojexcel.cli import main

    rows = [rec("A1", kon="Kvina"), rec("A1", alder="200"), rec("A3", enhetskod="0999", datum_avslut="2021-01-01")]
    path = write_csv(tmp_path / "arenden.csv", rows, columns=FULL + ["extra"])
    out, tidy = tmp_path / "ISU.xlsx", tmp_path / "ISU.csv"
    key = tmp_path / "isu.key"
    key.write_bytes(b"a key for this test: 32 bytes ..")
    result = CliRunner().invoke(main, ["isu", "build", str(path), "--out", str(out), "--tidy", str(tidy),
                                       "--nyckelfil", str(key)])
    assert result.exit_code == 1, result.output
    err = result.stderr if hasattr(result, "stderr") else result.output
    for needle in ("row 2, arende_id 'A1'", "did you mean 'Kvinna'", "row 3, arende_id 'A1'", "duplicate arende_id",
                   "column alder", "row 4, arende_id 'A3'", "unknown enhetskod", "unknown column", "nothing was written"):
        assert needle in err, (needle, err)
    assert not out.exists() and not tidy.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arenden.csv", "isu.key"]


def test_nameless_column_with_values_warns_and_trailing_empty_fields_pass(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("arende_id,enhetskod,datum_aktualisering,,kon\nA1,0114,2022-01-01,,Man\n"
                    "A2,0114,2022-01-01,hemlig anteckning,Kvinna,\n", encoding="utf-8")
    a = read(path)
    assert a.n == 2 and a.enval["kon"].tolist() == [2, 1]
    w = one(a.warnings, "no name in row 1", "first in row 3")
    assert w.column == "#4 (D)" and w.value is None  # the value may be free text: not kept
    assert "hemlig" not in "".join(str(x) for x in a.warnings)


def test_caches_stay_bounded_on_hostile_cells():
    from ojexcel.isu.values import CACHE_CHARS, ChoiceCell

    col = ChoiceCell(KODBOK["kon"], xlsx=False)
    for i in range(500):
        code, issue = col.convert("Kvinna" + " " * (CACHE_CHARS + i))
        assert code == 1 and issue is None
        col.convert(f"okänt {i}" + "x" * CACHE_CHARS)
    assert all(k is None or len(k) <= CACHE_CHARS for k in list(col.cache) + list(col.memo))


def test_a_repeated_unknown_column_is_an_error_too(tmp_path):
    errors, warnings = problems(write_csv(tmp_path / "a.csv", [rec("A1")], columns=FULL + ["Kommentar", " kommentar"]))
    one(errors, "column kommentar appears twice", "#32 (AF)", "#33 (AG)")
    one(warnings, "unknown column, ignored", "column Kommentar")
