"""The independent ISU oracle (`tests/isu_oracle`): (a) its self-tests on tiny cases worked out by
hand, (b) its data-set generator, and (c) the cross-check of `ojexcel isu build --tidy` against it
on data sets the project has never seen, with the noise of §2 and without it (--utan-brus)
(issues 10 and 20: "every published number equals §2's perturbation of the true count").

Every expected number in (a) is computed by hand in the test, from the contract's words — not by
running the oracle.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.isu_oracle import datasets, oracle
from tests.isu_oracle.compare import describe_difference
from tests.isu_oracle.published import check_published

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------

_n = [0]


def write(tmp_path: Path, rows: list[dict[str, str]], columns: list[str] | None = None, delimiter: str = ",",
          prefix: str = "") -> Path:
    """A record CSV: the given rows (arende_id and datum_aktualisering filled in when absent)."""
    _n[0] += 1
    cols = columns or (["arende_id", "enhetskod", "datum_aktualisering"]
                       + sorted({k for r in rows for k in r} - {"arende_id", "enhetskod", "datum_aktualisering"}))
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(cols)
    for i, r in enumerate(rows):
        r = {"arende_id": f"id{i}", "datum_aktualisering": "2022-03-01", **r}
        w.writerow([r.get(c.strip().lower(), "") for c in cols])
    p = tmp_path / f"rec{_n[0]}.csv"
    p.write_text(prefix + buf.getvalue(), encoding="utf-8")
    return p


def tidy(path: Path, n: int = 1, period: str | None = None) -> dict[tuple[str, ...], tuple[str, ...]]:
    """The oracle's tidy export, the truth (--utan-brus), as {(niva, kod, tabell, delgrupp,
    kategori): (antal, bas, andel, medel)}."""
    text = oracle.tidy_from_file(path, minsta_antal=n, period=period)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == oracle.HEADER.split(",")
    out = {tuple(r[:5]): tuple(r[5:]) for r in rows[1:]}
    assert len(out) == len(rows) - 1, "a key occurs twice"
    return out


def table(t: dict, tabell: str, delgrupp: str = "", niva: str = "samtliga", kod: str = "") -> dict[str, tuple[str, ...]]:
    return {k[4]: v for k, v in t.items() if k[:4] == (niva, kod, tabell, delgrupp)}


E = ""  # an empty (masked or non-existent) value

# --------------------------------------------------------------------------------------------------
# (a) self-tests: §1 reading
# --------------------------------------------------------------------------------------------------


def test_labels_numbers_case_whitespace_nfd_bom_and_semicolon_read_alike(tmp_path):
    canonical = [
        {"enhetskod": "0114", "kon": "Kvinna", "ursprung": "Född utanför Europa",
         "insatser": "Stödsamtal (enskilt)|Skyddat boende", "funktionsnedsattning": "Nej"},
        {"enhetskod": "0114", "kon": "Man", "ursprung": "Född i Sverige, med minst en förälder född i Sverige",
         "insatser": "Praktiskt stöd", "funktionsnedsattning": "Psykisk funktionsnedsättning|Fysisk funktionsnedsättning"},
    ]
    messy = [
        {"enhetskod": " 0114 ", "kon": " kVINNA ", "ursprung": "4",
         "insatser": " 4 || skyddat   BOENDE ", "funktionsnedsattning": "4"},
        {"enhetskod": "0114", "kon": "2", "ursprung": "född i sverige,  med minst en förälder född i sverige".replace("ö", "o\u0308"),
         "insatser": "1|", "funktionsnedsattning": "Psykisk funktionsnedsättning | 1"},
    ]
    a = oracle.tidy_from_file(write(tmp_path, canonical), 1)
    cols = ["  ARENDE_ID", "Enhetskod ", "Datum_Aktualisering", "KON", "ursprung", "insatser", "funktionsnedsattning"]
    b = oracle.tidy_from_file(write(tmp_path, messy, columns=cols, delimiter=";", prefix="\ufeff"), 1)
    assert a == b
    t = tidy(write(tmp_path, canonical))
    assert table(t, "kon")["Man"] == ("1", "2", "50", E)


def test_invalid_input_is_refused(tmp_path):
    bad = [
        {"enhetskod": "180"},  # "`180` is unknown"
        {"enhetskod": "0114", "kon": "Kvinna|Man"},  # several answers in an enval column
        {"enhetskod": "0114", "kon": "3"},  # number out of range
        {"enhetskod": "0114", "funktionsnedsattning": "Nej|Vet ej"},  # exclusive answers combined
        {"enhetskod": "0114", "alder": "17"},
        {"enhetskod": "0114", "alder": "30.0"},
        {"enhetskod": "0114", "datum_avslut": "2022-02-30"},
        {"enhetskod": "0114", "datum_avslut": "2022-2-3"},
        {"enhetskod": "0114", "datum_avslut": "2022-02-28"},  # before datum_aktualisering 2022-03-01
        {"enhetskod": "0114", "datum_aktualisering": ""},
    ]
    for row in bad:
        with pytest.raises(oracle.OracleInputError):
            oracle.read_records(write(tmp_path, [row]))
    with pytest.raises(oracle.OracleInputError):  # duplicate arende_id
        oracle.read_records(write(tmp_path, [{"enhetskod": "0114", "arende_id": "x"}, {"enhetskod": "0114", "arende_id": "x"}]))
    # case-sensitive identifiers: two ärenden; a repeated answer counts once (with a warning)
    las = oracle.read_records(write(tmp_path, [{"enhetskod": "0114", "arende_id": "x", "kon": "Kvinna|kvinna"},
                                               {"enhetskod": "0114", "arende_id": "X"},
                                               {"enhetskod": "  ", "arende_id": "", "datum_aktualisering": " "}]))
    assert len(las.arenden) == 2 and las.arenden[0].enval["kon"] == "Kvinna"
    assert any("repeated" in w for w in las.warnings)


def test_avslutat_and_ignored_answers(tmp_path):
    rows = [
        # avslutat by datum_avslut alone, by avslutsorsak alone; one open with avslut/bu answers
        {"enhetskod": "0114", "datum_avslut": "2022-04-01", "maluppfoljning": "1", "bu_forandring_valdsutsatthet": "1"},
        {"enhetskod": "0114", "avslutsorsak": "2", "maluppfoljning": "3"},
        {"enhetskod": "0114", "maluppfoljning": "1", "genomforande_insatser": "1", "bu_delaktighet": "4"},
    ]
    las = oracle.read_records(write(tmp_path, rows))
    assert sum("not avslutat" in w for w in las.warnings) == 3
    t = tidy(write(tmp_path, rows))
    f = table(t, "faser")
    # aktualiserade 3/3; minst_en_insats 0/3; avslutade 2/3 = 67 %; med_maluppfoljning 2/2; med_brukarenkat 1/2
    assert f == {"aktualiserade": ("3", "3", "100", E), "minst_en_insats": ("0", "3", "0", E),
                 "avslutade": ("2", "3", "67", E), "med_maluppfoljning": ("2", "2", "100", E),
                 "med_brukarenkat": ("1", "2", "50", E)}
    m = table(t, "maluppfoljning")  # scope: the 2 avslutade; the open ärende's answer is ignored
    assert m["Positiv förändring och målet uppnått (mål uppfyllda)"] == ("1", "2", "50", E)
    assert m["Ingen förändring"] == ("1", "2", "50", E)
    assert m["Målet helt eller delvis uppnått"] == ("1", "2", "50", E)
    assert m["uppgift_saknas"] == ("0", "2", "0", E)
    assert table(t, "genomforande_insatser")["uppgift_saknas"] == ("2", "2", "100", E)
    # brukarenkät scope: the one avslutat ärende with a bu answer (the open ärende's bu_delaktighet
    # is ignored), which has no bu_delaktighet
    assert table(t, "bu_delaktighet")["uppgift_saknas"] == ("1", "1", "100", E)
    # toppgrupp: avslutade; the first has label 1 and "Förbättrats mycket"
    assert table(t, "toppgrupp") == {"Ja": ("1", "2", "50", E), "Nej": ("1", "2", "50", E), "uppgift_saknas": ("0", "2", "0", E)}
    assert table(t, "har_brukarenkat")["Ja"] == ("1", "2", "50", E)
    # arendelangd: 31 days for the first; the second has no datum_avslut → uppgift saknas
    assert table(t, "arendelangd")["0-90"] == ("1", "1", "100", E)
    assert table(t, "arendelangd")["uppgift_saknas"] == ("1", "2", "50", E)
    assert table(t, "medel_arendelangd") == {"medel": ("31", "1", E, "31.0")}
    # the open ärende is in no maluppfoljning / toppgrupp / har_brukarenkat / arendelangd delgrupp
    assert table(t, "kon", "toppgrupp=Nej")["uppgift_saknas"] == ("1", "1", "100", E)
    assert table(t, "faser", "maluppfoljning=Positiv förändring och målet uppnått (mål uppfyllda)")["aktualiserade"][0] == "1"


def test_samverkan_rules(tmp_path):
    rows = [
        {"enhetskod": "0114", "samverkan": "Polisen|Primärvård"},  # blank + partners → Ja
        {"enhetskod": "0114", "samverkan_forekommit": "Nej", "samverkan": "Polisen"},  # partners ignored
        {"enhetskod": "0114", "samverkan_forekommit": "Ja", "samverkan": "1|2|3"},
        {"enhetskod": "0114", "samverkan_forekommit": "Ja"},  # Ja without partners: no antal band
        {"enhetskod": "0114"},
    ]
    t = tidy(write(tmp_path, rows))
    assert table(t, "samverkan_forekommit") == {"Ja": ("3", "4", "75", E), "Nej": ("1", "4", "25", E),
                                                "uppgift_saknas": ("1", "5", "20", E)}
    s = table(t, "samverkan")
    assert s["minst_ett_svar"] == ("2", "5", "40", E)
    assert s["Polisen"] == ("1", "2", "50", E) and s["Primärvård"] == ("2", "2", "100", E)
    assert s["uppgift_saknas"] == ("3", "5", "60", E)
    assert table(t, "antal_samverkansparter") == {"0": ("1", "3", "33", E), "1": ("0", "3", "0", E), "2": ("1", "3", "33", E),
                                                  "3+": ("1", "3", "33", E), "uppgift_saknas": ("2", "5", "40", E)}
    assert table(t, "medel_antal_samverkansparter") == {"medel": ("5", "2", E, "2.5")}


def test_derived_band_edges(tmp_path):
    ages = ["18", "24", "25", "74", "75", "120", ""]
    days = [("2022-01-01", "2022-04-01"), ("2022-01-01", "2022-04-02"), ("2022-01-01", "2022-06-30"),
            ("2022-01-01", "2022-07-01"), ("2022-01-01", "2022-09-28"), ("2022-01-01", "2022-09-29"),
            ("2022-01-01", "2022-12-27")]  # 90, 91, 180, 181, 270, 271, 360 days
    rows = [{"enhetskod": "0114", "alder": a, "datum_aktualisering": d[0], "datum_avslut": d[1]} for a, d in zip(ages, days)]
    rows.append({"enhetskod": "0114", "datum_aktualisering": "2022-01-01", "datum_avslut": "2022-12-28"})  # 361
    t = tidy(write(tmp_path, rows))
    a = table(t, "aldersgrupp")
    assert (a["18-24"][0], a["25-34"][0], a["35-44"][0], a["65-74"][0], a["75+"][0], a["uppgift_saknas"][0]) == ("2", "1", "0", "1", "2", "2")
    assert a["18-24"][1] == "6"
    la = table(t, "arendelangd")
    assert [la[k][0] for k in ("0-90", "91-180", "181-270", "271-360", "361+")] == ["1", "2", "2", "2", "1"]
    assert table(t, "medel_arendelangd")["medel"] == (str(90 + 91 + 180 + 181 + 270 + 271 + 360 + 361), "8", E, "225.5")
    # the delgrupp arendelangd=361+ holds the last ärende only; medel_arendelangd is not broken down by it
    assert table(t, "kon", "arendelangd=361+")["uppgift_saknas"] == ("1", "1", "100", E)
    assert table(t, "medel_arendelangd", "arendelangd=361+") == {}
    assert table(t, "medel_antal_insatser", "arendelangd=361+") == {"medel": ("0", "1", E, "0.0")}


def test_antal_insatser_riskbedomning_and_mean_rounding(tmp_path):
    # 20 ärenden: insatser counts 0×2, 1×…; sum 49 → 49/20 = 2.45 → "2.5" (halves up)
    counts = [0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 5, 6]
    counts.append(49 - sum(counts))  # 0
    assert sum(counts) == 49 and len(counts) == 20
    labels = [str(k) for k in range(1, 20)]
    rows = [{"enhetskod": "0114", "insatser": "|".join(labels[:c]), "risk_skattning": "6" if i % 3 == 0 else ""}
            for i, c in enumerate(counts)]
    t = tidy(write(tmp_path, rows))
    assert table(t, "medel_antal_insatser") == {"medel": ("49", "20", E, "2.5")}
    ai = table(t, "antal_insatser")
    assert [ai[k][0] for k in ("0", "1", "2", "3", "4", "5+")] == ["3", "3", "4", "5", "3", "2"]
    assert ai["0"][2] == "15" and ai["2"][2] == "20" and ai["uppgift_saknas"] == ("0", "20", "0", E)
    # riskbedömning: i % 3 == 0 for i in 0..19 → 7 Ja ("Annat samtal …" counts: any answer) → 35 %
    assert table(t, "riskbedomning_gjord")["Ja"] == ("7", "20", "35", E)
    assert table(t, "faser")["minst_en_insats"] == ("17", "20", "85", E)
    # risk_skattning by riskbedomning_gjord is written; riskbedomning_gjord by itself is not
    assert table(t, "risk_skattning", "riskbedomning_gjord=Ja")["minst_ett_svar"] == ("7", "7", "100", E)
    assert table(t, "riskbedomning_gjord", "riskbedomning_gjord=Ja") == {}


@pytest.mark.parametrize("antal,bas,expected", [(1, 8, "13"), (1, 3, "33"), (2, 3, "67"), (1, 200, "1"),
                                                (1, 201, "0"), (5, 1000, "1"), (0, 7, "0"), (7, 7, "100")])
def test_andel_half_up(antal, bas, expected):
    assert oracle.andel(antal, bas) == expected


@pytest.mark.parametrize("antal,bas,expected", [(49, 20, "2.5"), (1, 20, "0.1"), (1, 21, "0.0"), (5, 2, "2.5"),
                                                (2, 3, "0.7"), (1, 3, "0.3"), (0, 4, "0.0"), (4530, 2000, "2.3")])
def test_medel_half_up(antal, bas, expected):
    assert oracle.medel(antal, bas) == expected


def test_levels_districts_and_period(tmp_path):
    rows = [
        {"enhetskod": "0180", "datum_aktualisering": "2021-12-31"},
        {"enhetskod": "0180-01", "datum_aktualisering": "2022-01-01"},
        {"enhetskod": "0180-01", "datum_aktualisering": "2022-12-31"},
        {"enhetskod": "0180-14", "datum_aktualisering": "2023-01-01"},
        {"enhetskod": "1480-03", "datum_aktualisering": "2022-06-01"},
        {"enhetskod": "0114", "datum_aktualisering": "2022-06-01"},
    ]
    p = write(tmp_path, rows)
    t = tidy(p)
    units = [(k[0], k[1], v[0]) for k, v in t.items() if k[2:] == ("faser", "", "aktualiserade")]
    assert units == [("samtliga", "", "6"), ("lan", "01", "5"), ("lan", "14", "1"), ("kommun", "0114", "1"),
                     ("kommun", "0180", "4"), ("kommun", "1480", "1"), ("stadsdel", "0180-01", "2"),
                     ("stadsdel", "0180-14", "1"), ("stadsdel", "1480-03", "1")]
    t = tidy(p, period="2022-01-01:2022-12-31")
    units = [(k[0], k[1], v[0]) for k, v in t.items() if k[2:] == ("faser", "", "aktualiserade")]
    assert units == [("samtliga", "", "4"), ("lan", "01", "3"), ("lan", "14", "1"), ("kommun", "0114", "1"),
                     ("kommun", "0180", "2"), ("kommun", "1480", "1"), ("stadsdel", "0180-01", "2"), ("stadsdel", "1480-03", "1")]


def test_delgrupper_order_exclusions_and_empty_scopes(tmp_path):
    rows = [{"enhetskod": "0114", "kon": "Kvinna", "hedersrelaterat_vald": "Ja", "funktionsnedsattning": "1|2"},
            {"enhetskod": "0114", "kon": "Kvinna", "hedersrelaterat_vald": "Vet inte"}]
    t = tidy(write(tmp_path, rows))
    dgs = [k[3] for k in t if k[:3] == ("samtliga", "", "verksamhet") and k[4] == "Myndighet"]
    # no alder, ursprung, valdets_grad …: those delgrupper are empty, so not written; "Vet inte" is in no hrv
    assert dgs == ["", "kon=Kvinna", "hrv=Ja", "funktionsnedsattning=Fysisk funktionsnedsättning",
                   "funktionsnedsattning=Psykisk funktionsnedsättning", "riskbedomning_gjord=Nej"]
    assert not any(k[2] == "kon" and k[3].startswith("kon=") for k in t)
    assert not any(k[2] == "hedersrelaterat_vald" and k[3].startswith("hrv=") for k in t)
    assert table(t, "hedersrelaterat_vald", "kon=Kvinna")["Ja"] == ("1", "2", "50", E)
    # avslut tables have an empty scope here: not written, at any delgrupp
    assert not any(k[2] in ("avslutsorsak", "toppgrupp", "arendelangd", "bu_delaktighet", "medel_arendelangd") for k in t)
    assert table(t, "medel_antal_samverkansparter") == {}
    tables = list(dict.fromkeys(k[2] for k in t))
    assert tables[:4] == ["verksamhet", "kon", "funktionsnedsattning", "ursprung"]
    assert tables[tables.index("faser"):] == ["faser", "aldersgrupp", "antal_insatser", "riskbedomning_gjord",
                                              "antal_samverkansparter", "medel_antal_insatser"]


# --------------------------------------------------------------------------------------------------
# (a) self-tests: §2, the cell key method — every expected value worked out here from the contract's
# words (the HMAC by hashlib, the table's thresholds by hand), not by running the oracle
# --------------------------------------------------------------------------------------------------

KEY = b"tests/test_isu_oracle.py: key"
TWO32 = 2**32


def r_of(aid: str, key: bytes = KEY) -> int:
    import hashlib
    import hmac

    return int.from_bytes(hmac.new(key, aid.encode("utf-8"), hashlib.sha256).digest()[:4], "big")


def id_with_key(low: int, high: int, prefix: str = "id") -> str:
    """The first identifier `prefix0`, `prefix1`, … whose record key lies in low..high−1."""
    k = 0
    while not low <= r_of(f"{prefix}{k}") < high:
        k += 1
    return f"{prefix}{k}"


def cut(w: int) -> int:
    """The smallest c with 24·c ≥ 2^32·w: where the table moves past a cumulative weight w."""
    return -(-w * TWO32 // 24)


def test_record_key_is_hmac_sha256_of_the_trimmed_id():
    # RFC 4231 test case 1: HMAC-SHA-256(0x0b × 20, "Hi There") = b0344c61d8db3853…
    assert oracle.record_key(b"\x0b" * 20, "Hi There") == 0xB0344C61
    assert oracle.record_key(b"\x0b" * 20, "  Hi There\t") == 0xB0344C61


# Item 3 written out: per n, (value, cumulative weight in 24ths)
BY_HAND = {1: [(0, 12), (1, 20), (4, 24)], 2: [(0, 5), (1, 7), (2, 17), (3, 21), (4, 22), (5, 24)],
           3: [(0, 1), (1, 4), (2, 7), (3, 17), (4, 20), (5, 23), (6, 24)],
           40: [(37, 1), (38, 4), (39, 7), (40, 17), (41, 20), (42, 23), (43, 24)]}


@pytest.mark.parametrize("n", sorted(BY_HAND))
def test_perturbation_table_at_every_boundary(n):
    assert oracle.perturb(0, 0) == 0 and oracle.perturb(0, TWO32 - 1) == 0
    lower = 0
    for value, w in BY_HAND[n]:
        for c in {cut(lower), cut(w) - 1}:  # both ends of the value's interval of c
            assert oracle.perturb(n, c) == value, (n, c)
        lower = w
    assert oracle.perturb(n, TWO32 - 1) == BY_HAND[n][-1][0]


def test_one_arende_is_one_set_published_alike_everywhere(tmp_path):
    # n = 1 is published as 4 when 24·c ≥ 20·2^32: one ärende with such a key shows 4 wherever its
    # set is counted — the scope of every table, the label it has, every level (one kommun)
    aid = id_with_key(cut(20), TWO32)
    p = write(tmp_path, [{"enhetskod": "0114", "arende_id": aid, "kon": "Kvinna"}])
    t = oracle.tidy_from_file(p, minsta_antal=3, key=KEY)
    rows = {tuple(r[:5]): tuple(r[5:]) for r in csv.reader(io.StringIO(t))}
    for niva, kod in (("samtliga", ""), ("lan", "01"), ("kommun", "0114")):
        assert rows[(niva, kod, "faser", "", "aktualiserade")] == ("4", "4", E, E)  # base under 20: no share
        assert rows[(niva, kod, "kon", "", "Kvinna")] == ("4", "4", E, E)  # the same set
        assert rows[(niva, kod, "kon", "", "Man")] == ("0", "4", E, E)  # n = 0 → 0
        assert rows[(niva, kod, "medel_antal_insatser", "", "medel")] == (E, "4", E, E)  # no sum; base < 20
    # N = 5: v_bas 4 is 1..N−1, so every row on that base shows nothing (item 4)
    t = oracle.tidy_from_file(p, minsta_antal=5, key=KEY)
    assert "samtliga,,kon,,Kvinna,,,,\n" in t and "samtliga,,faser,,aktualiserade,,,,\n" in t
    # a key giving v = 0: no table is written (item 4: v of the scope ≥ 1), nothing at all
    aid0 = id_with_key(0, cut(12))
    t = oracle.tidy_from_file(write(tmp_path, [{"enhetskod": "0114", "arende_id": aid0}]), minsta_antal=1, key=KEY)
    assert t == oracle.HEADER + "\n"


def test_the_same_set_gets_the_same_value_across_tables_delgrupper_and_levels(tmp_path):
    rows = [{"enhetskod": "0114", "arende_id": f"a{i}", "kon": "Kvinna" if i % 4 else "Man",
             "insatser": "Praktiskt stöd" if i % 3 else "", "risk_skattning": "SARA" if i % 2 else ""}
            for i in range(60)]
    t = tidy_keyed(write(tmp_path, rows), 5)
    for (niva, kod, tabell, delgrupp, kategori), values in t.items():
        if niva == "samtliga" and not delgrupp:  # one kommun: samtliga, its län and it are one set
            assert t[("lan", "01", tabell, delgrupp, kategori)] == values
            assert t[("kommun", "0114", tabell, delgrupp, kategori)] == values
    s = lambda tabell, kategori, delgrupp="": t[("samtliga", "", tabell, delgrupp, kategori)]  # noqa: E731
    # Appendix A's identities hold exactly for published values: they count one set
    assert s("faser", "aktualiserade", "kon=Man")[0] == s("kon", "Man")[0]
    assert s("antal_insatser", "0")[0] == s("insatser", "uppgift_saknas")[0]
    assert s("riskbedomning_gjord", "Ja")[0] == s("risk_skattning", "minst_ett_svar")[0]
    assert s("faser", "minst_en_insats")[0] == s("insatser", "minst_ett_svar")[0]
    assert s("kon", "uppgift_saknas")[1] == s("faser", "aktualiserade")[1] == s("medel_antal_insatser", "medel")[1]
    # … and n itself is 45 Kvinna, 15 Man: within ±3
    assert 42 <= int(s("kon", "Kvinna")[0]) <= 48 and 12 <= int(s("kon", "Man")[0]) <= 18


def tidy_keyed(path: Path, n: int) -> dict[tuple[str, ...], tuple[str, ...]]:
    text = oracle.tidy_from_file(path, minsta_antal=n, key=KEY)
    return {tuple(r[:5]): tuple(r[5:]) for r in list(csv.reader(io.StringIO(text)))[1:]}


def test_delgrupper_at_kommun_only_from_20(tmp_path):
    # 40 kvinnor, 6 män in 0114: kon=Man has v ≤ 9 < 20 → not written at kommun (item 6), but at
    # samtliga and län (every delgrupp there); kon=Kvinna (v ≥ 37) written everywhere
    rows = [{"enhetskod": "0114", "arende_id": f"k{i}", "kon": "Kvinna"} for i in range(40)]
    rows += [{"enhetskod": "0114", "arende_id": f"m{i}", "kon": "Man"} for i in range(6)]
    t = tidy_keyed(write(tmp_path, rows), 5)
    assert not any(k[0] == "kommun" and k[3] == "kon=Man" for k in t)
    assert any(k[0] == "kommun" and k[3] == "kon=Kvinna" for k in t)
    assert any(k[0] == "samtliga" and k[3] == "kon=Man" for k in t)
    assert any(k[0] == "lan" and k[3] == "kon=Man" for k in t)


def test_shares_and_means_only_from_a_published_base_of_20(tmp_path):
    # 12 ärenden: every base ≤ 15 → no andel, no medel anywhere; 40 ärenden: the scope's (v ≥ 37)
    rows = [{"enhetskod": "0114", "arende_id": f"s{i}", "kon": "Kvinna", "insatser": "1|2"} for i in range(12)]
    t = tidy_keyed(write(tmp_path, rows), 5)
    assert all(v[2] == E and v[3] == E for v in t.values())
    rows = [{"enhetskod": "0114", "arende_id": f"b{i}", "kon": "Kvinna", "insatser": "1|2"} for i in range(40)]
    t = tidy_keyed(write(tmp_path, rows), 5)
    kvinna, saknas = t[("samtliga", "", "kon", "", "Kvinna")], t[("samtliga", "", "kon", "", "uppgift_saknas")]
    assert kvinna[0] == kvinna[1] and kvinna[2] == "100"  # one set: antal = bas
    v = int(saknas[1])
    assert saknas == ("0", str(v), "0", E) and 37 <= v <= 43
    # the mean: its base is v of the ärenden averaged (every ärende: the same set), its value the true
    # mean 2.0, its sum never
    assert t[("samtliga", "", "medel_antal_insatser", "", "medel")] == (E, str(v), E, "2.0")


def test_utan_brus_is_the_truth_with_item_4_alone(tmp_path):
    # 7 kvinnor, 3 män: no noise, no share rule, no delgrupp rule; item 4 hides rows on a base 1..N−1
    rows = [{"enhetskod": "0114", "kon": "Kvinna"}] * 7 + [{"enhetskod": "0114", "kon": "Man"}] * 3
    t = tidy(write(tmp_path, rows), n=5)
    assert table(t, "kon") == {"Kvinna": ("7", "10", "70", E), "Man": ("3", "10", "30", E), "uppgift_saknas": ("0", "10", "0", E)}
    assert table(t, "kon", niva="kommun", kod="0114")["Man"] == ("3", "10", "30", E)
    # kon=Man: scope 3 — its rows on that base hidden; a labels' base of 0 shows 0 of 0
    assert table(t, "faser", "kon=Man", niva="kommun", kod="0114")["aktualiserade"] == (E, E, E, E)
    assert table(t, "verksamhet", "kon=Man")["Myndighet"] == ("0", "0", E, E)
    assert table(t, "medel_antal_insatser") == {"medel": ("0", "10", E, "0.0")}  # the sum too
    assert table(tidy(write(tmp_path, rows), n=1), "faser", "kon=Man")["aktualiserade"] == ("3", "3", "100", E)


@pytest.mark.slow
def test_publication_rules_are_reached_by_the_generated_data(tmp_path):
    """The data sets of the cross-check reach every rule of §2: tables and delgrupper not written,
    rows hidden, shares and means withheld below 20 and shown above, shares on a base of 0."""
    p = datasets.write(tmp_path / "d.csv", 3, "plain", n=400, big_units=3, small_units=6)
    u = oracle.compile_unmasked(oracle.read_records(p), key=KEY)
    st = oracle.Stats()
    oracle.tidy_rows(u, 5, True, st)
    for rule in ("table_not_written", "delgrupp_not_written", "row_hidden", "andel_base_under_20", "andel_base_0",
                 "andel_shown", "medel_shown", "medel_base_under_20", "count_changed"):
        assert st.c[rule] > 0, rule


# --------------------------------------------------------------------------------------------------
# (b) the generator makes valid files (the oracle reads them) and is seeded
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", sorted(datasets.PROFILES))
def test_generated_files_are_valid_and_reproducible(tmp_path, profile):
    p = datasets.write(tmp_path / "a.csv", 21, profile, n=200)
    q = datasets.write(tmp_path / "b.csv", 21, profile, n=200)
    assert p.read_bytes() == q.read_bytes()
    assert datasets.write(tmp_path / "c.csv", 22, profile, n=200).read_bytes() != p.read_bytes()
    las = oracle.read_records(p)  # raises on anything invalid
    assert len(las.arenden) >= 190
    prof = datasets.PROFILES[profile]
    if not (prof.warnings or prof.drop or prof.unknown):
        assert las.warnings == []
    codes = {a.enhet for a in las.arenden}
    if prof.districts:
        assert "0180" in codes and any(c.startswith("0180-") for c in codes) and any(c.startswith("1480-") for c in codes)


# --------------------------------------------------------------------------------------------------
# (c) the cross-check against `ojexcel isu build --tidy`
# --------------------------------------------------------------------------------------------------

# (profile, seed, --minsta-antal, --period, noise): seeds never used elsewhere. `noise` True: §2's
# cell key method with KEY; False: --utan-brus (the truth). Small by default, and a few (the
# inner loop's); the rest of the grid is marked slow. ISU_ORACLE_FULL=1 runs the profiles at full
# size, every profile with N = 1, 3 and 5, with and without the period and the noise, and
# ISU_ORACLE_SEED=k shifts every seed (a reviewer's fresh data sets).
FULL = os.environ.get("ISU_ORACLE_FULL") == "1"
SEED0 = int(os.environ.get("ISU_ORACLE_SEED", "0"))
SMALL = {"n": 300, "big_units": 3, "small_units": 5}
if FULL:
    CROSS = [(p, 1000 + 17 * i + SEED0, n, per, noise) for i, p in enumerate(sorted(datasets.PROFILES))
             for n in (1, 3, 5) for per in (None, datasets.PERIOD) for noise in (True, False)]
else:
    CROSS = [
        ("plain", 101 + SEED0, 5, None, True),
        ("messy", 202 + SEED0, 3, datasets.PERIOD, True),
        ("sparse", 404 + SEED0, 1, None, False),
        pytest.param("plain", 101 + SEED0, 1, None, False, marks=pytest.mark.slow),
        pytest.param("numbers", 303 + SEED0, 5, None, True, marks=pytest.mark.slow),
        pytest.param("messy", 202 + SEED0, 5, datasets.PERIOD, False, marks=pytest.mark.slow),
        pytest.param("minimal", 505 + SEED0, 5, None, True, marks=pytest.mark.slow),
    ]


def _cross_id(c) -> str:
    values = c.values if hasattr(c, "values") else c
    profile, seed, minsta, period, noise = values
    return f"{profile}-{seed}-N{minsta}{'-period' if period else ''}{'' if noise else '-utan-brus'}"


def identifiers(records: Path) -> set[str]:
    """The input's identifiers and free texts that cannot occur in an output by chance."""
    text = records.read_text(encoding="utf-8-sig")
    delim = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    cols = [i for i, h in enumerate(rows[0]) if h.strip().lower() in
            ("arende_id", "klient_id", "handlaggare", "bu_forbattringsforslag")]
    return {v for r in rows[1:] for i in cols if i < len(r) for v in [r[i].strip()]
            if len(v) >= 5 and any(c.isalpha() for c in v) and v.replace(" ", "").replace("-", "").isalnum()}


def xlsx_texts(path: Path) -> set[str]:
    """Every distinct text node and attribute value of every XML part of a workbook."""
    import re
    import zipfile

    out: set[str] = set()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                xml = z.read(name).decode("utf-8", "replace")
                out.update(a or b for a, b in re.findall(r'>([^<]+)<|"([^"]*)"', xml))
    return out


@pytest.fixture(scope="module")
def cross_cache(tmp_path_factory):
    """Data sets written once, and the oracle's tables computed once per (file, period, noise)."""
    d = tmp_path_factory.mktemp("isu_cross")
    (d / "test.key").write_bytes(KEY)
    return {"dir": d}


@pytest.mark.slow
@pytest.mark.parametrize("profile,seed,minsta,period,noise", CROSS, ids=[_cross_id(c) for c in CROSS])
def test_tidy_export_agrees_with_oracle(cross_cache, profile, seed, minsta, period, noise):
    from click.testing import CliRunner

    from ojexcel.cli import main

    d = cross_cache["dir"]
    records = d / f"{profile}-{seed}.csv"
    if not records.exists():
        datasets.write(records, seed, profile, **({} if FULL else SMALL))
    key = (records.name, period, noise)
    if key not in cross_cache:
        cross_cache[key] = oracle.compile_unmasked(
            oracle.apply_period(oracle.read_records(records), oracle.parse_period(period)), key=KEY if noise else None)
    expected = oracle.tidy_text(cross_cache[key], minsta, noise)

    stem = f"{records.stem}-N{minsta}{'-period' if period else ''}{'' if noise else '_ej_for_publicering'}"
    out, tidy_csv = d / f"{stem}.xlsx", d / f"{stem}.tidy.csv"
    args = ["isu", "build", str(records), "--out", str(out), "--tidy", str(tidy_csv), "--minsta-antal", str(minsta), "-q"]
    args += ["--nyckelfil", str(d / "test.key")] if noise else ["--utan-brus"]
    if period:
        args += ["--period", period]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, f"ojexcel {' '.join(args)} exited {result.exit_code}:\n{result.output[-3000:]}"
    actual = tidy_csv.read_bytes().decode("utf-8")
    # §2: "`arende_id`, `klient_id`, `handlaggare` and every free text never appear in any output
    # file" — the distinctive ones (letters, no markup characters) searched in both outputs
    secrets = identifiers(records)
    texts = {field for row in csv.reader(io.StringIO(actual)) for field in row[:5]} | xlsx_texts(out)
    blob = "\x00".join(texts)  # one search per secret: x is in some text iff it is in the joined ones
    leaked = sorted(x for x in secrets if x in blob)
    assert not leaked, f"identifiers or free text in the outputs: {leaked[:10]}"
    assert not any(KEY.decode() in t for t in texts | {actual}), "the key in an output"
    report = describe_difference(expected, actual)
    assert report is None, (f"the tidy export of {profile} seed {seed} (--minsta-antal {minsta}"
                            f"{', --period ' + period if period else ''}{'' if noise else ', --utan-brus'}) differs "
                            f"from the oracle's:\n{report}")


# --------------------------------------------------------------------------------------------------
# (c') the reading alone: production's `read_arenden` against the oracle's reading (§1), so that a
# difference in the tidy export can be placed in the reader or in the compilation
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile,seed,period", [("messy", 606 + SEED0, None), ("numbers", 707 + SEED0, datasets.PERIOD),
                                                 ("sparse", 808 + SEED0, None), ("minimal", 909 + SEED0, None)])
@pytest.mark.slow
def test_reader_agrees_with_oracle(tmp_path, profile, seed, period):
    from ojexcel.isu.reader import read_arenden
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.isu.model import NO_DATE, day_number
    from ojexcel.population import load_population

    p = datasets.write(tmp_path / "r.csv", seed, profile, **SMALL)
    las = oracle.apply_period(oracle.read_records(p), oracle.parse_period(period))
    prod = read_arenden(p, load_codebook(), load_population(), period=oracle.parse_period(period))
    assert prod.n == len(las.arenden) and prod.utanfor_period == las.utanfor_period
    problems = []
    for i, a in enumerate(las.arenden):
        if prod.enheter[int(prod.enhet[i])] != a.enhet:
            problems.append(f"ärende {i}: enhet {prod.enheter[int(prod.enhet[i])]} != {a.enhet}")
        for v in oracle.CODEBOOK:
            if v.typ == "enval":
                want = 0 if a.enval[v.kolumn] is None else v.svar.index(a.enval[v.kolumn]) + 1
                got = int(prod.enval[v.kolumn][i])
            elif v.typ == "flerval":
                want = sum(1 << v.svar.index(lab) for lab in a.flerval[v.kolumn])
                got = int(prod.flerval[v.kolumn][i])
            elif v.typ == "datum":
                want = int(NO_DATE) if a.datum[v.kolumn] is None else day_number(a.datum[v.kolumn])
                got = int(prod.datum[v.kolumn][i])
            elif v.typ == "heltal":
                want, got = a.alder or 0, int(prod.alder[i])
            else:
                continue
            if want != got:
                problems.append(f"ärende {i} ({a.enhet}, {a.datum['datum_aktualisering']}): {v.kolumn}: oracle {want} production {got}")
    assert not problems, f"{len(problems)} differences, the first:\n" + "\n".join(problems[:15])


# --------------------------------------------------------------------------------------------------
# (d) the embedded sample reproduces the report's figures under the
# oracle's reading too — an independent check of the sample and of the oracle's definitions
# --------------------------------------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "isu_arenden.csv"


@pytest.mark.slow
def test_sample_reproduces_published_figures_under_the_oracle():
    las = oracle.read_records(SAMPLE)
    u = oracle.compile_unmasked(las, only={"samtliga": None, "kommun": ("toppgrupp",)})
    failures = check_published(oracle.tidy_text(u, 1, noise=False))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("profile,seed,minsta,noise", [("numbers", 313 + SEED0, 5, True),
                                                        pytest.param("messy", 212 + SEED0, 1, False, marks=pytest.mark.slow)])
@pytest.mark.slow
def test_xlsx_input_agrees_with_oracle_on_its_csv_twin(tmp_path, profile, seed, minsta, noise):
    """§1 "CSV and XLSX (date cells, option numbers)": the same records as XLSX (date cells,
    numeric answer and age cells) give the tidy export the oracle computes from the CSV."""
    from click.testing import CliRunner

    from ojexcel.cli import main

    csv_path = datasets.write(tmp_path / "twin.csv", seed, profile, **SMALL)
    xlsx_path = datasets.write_xlsx(tmp_path / "twin.xlsx", seed, profile, **SMALL)
    expected = oracle.tidy_text(oracle.compile_unmasked(oracle.read_records(csv_path), key=KEY if noise else None),
                                minsta, noise)
    (tmp_path / "k.key").write_bytes(KEY)
    out, tidy_csv = tmp_path / "x.xlsx", tmp_path / "x_ej_for_publicering.csv"
    args = ["isu", "build", str(xlsx_path), "--out", str(out), "--tidy", str(tidy_csv), "--minsta-antal", str(minsta), "-q"]
    args += ["--nyckelfil", str(tmp_path / "k.key")] if noise else ["--utan-brus"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, f"ojexcel {' '.join(args)} exited {result.exit_code}:\n{result.output[-3000:]}"
    report = describe_difference(expected, tidy_csv.read_bytes().decode("utf-8"))
    assert report is None, f"the tidy export of the XLSX twin of {profile} seed {seed} differs from the oracle's:\n{report}"


@pytest.mark.parametrize("cases", [6, pytest.param(16, marks=pytest.mark.slow)])
def test_many_tiny_data_sets_agree_with_oracle(tmp_path, cases):
    """Tiny files (1–40 ärenden, 1–4 units) reach the corners big ones do not: units of one
    ärende, empty avslut phases, delgrupper of one, N from 1 to 6, with and without noise.
    Production is called through the interfaces `ojexcel isu build` uses (read with the key →
    compile → tidy), without the workbook and the gate."""
    import random

    from ojexcel.isu.codebook import load_codebook
    from ojexcel.isu.compilation import compile_tables
    from ojexcel.isu.reader import read_arenden
    from ojexcel.isu.tidy import write_isu_tidy
    from ojexcel.population import load_population

    rng = random.Random(4242 + SEED0 + cases)
    profiles = sorted(datasets.PROFILES)
    for case in range(cases if not FULL else 300):
        seed = rng.randrange(10**6)
        profile = profiles[case % len(profiles)]
        shape = {"n": rng.randint(1, 40), "big_units": rng.randint(0, 2), "small_units": rng.randint(0, 3),
                 "districts": rng.random() < 0.5, "blank_rows": 0}
        if shape["big_units"] == 0 and shape["small_units"] == 0 and not shape["districts"]:
            shape["small_units"] = 1
        n_min = rng.choice((1, 2, 3, 5, 6))
        noise = rng.random() < 0.6
        period = datasets.PERIOD if rng.random() < 0.2 else None
        p = datasets.write(tmp_path / f"t{case}.csv", seed, profile, **shape)
        las = oracle.apply_period(oracle.read_records(p), oracle.parse_period(period))
        if not las.arenden:
            continue  # READING R25: production refuses an empty period; not compared
        expected = oracle.tidy_text(oracle.compile_unmasked(las, key=KEY if noise else None), n_min, noise)
        data = read_arenden(p, load_codebook(), load_population(), period=oracle.parse_period(period),
                            nyckel=KEY if noise else None)
        write_isu_tidy(compile_tables(data, minsta_antal=n_min, utan_brus=not noise), tmp_path / f"t{case}.tidy.csv")
        report = describe_difference(expected, (tmp_path / f"t{case}.tidy.csv").read_bytes().decode("utf-8"))
        assert report is None, (f"case {case}: profile {profile} seed {seed} {shape} --minsta-antal {n_min} "
                                f"{'noise' if noise else 'utan-brus'} period {period}:\n{report}")
