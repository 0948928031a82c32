"""ISU compilation (CONTRACT isu §3–§5): scopes, bases, derived variables and their band edges,
means, combined categories, levels, delgrupper, empty scopes — on the true counts (--utan-brus).
The perturbation and what is written or hidden: test_isu_cellkey.py;
tidy export: test_isu_tidy.py; against a reference implementation: test_isu_egenskaper.py."""
from __future__ import annotations

import datetime as dt

import pytest

from ojexcel.isu.compilation import compile_tables
from ojexcel.isu.table_plan import load_plan
from tests.isu_bygg import bygg_arenden

MAL1 = "Positiv förändring och målet uppnått (mål uppfyllda)"
MAL2 = "Positiv förändring men målet inte uppnått (mål delvis uppfyllda)"


def rader(res, tabell, delgrupp="", niva="samtliga", kod=""):
    return {r.kategori: r for r in res.tabell(niva, kod, tabell, delgrupp)}


def ab(res, tabell, delgrupp="", niva="samtliga", kod=""):
    """{kategori: (antal, bas)}"""
    return {k: (r.antal, r.bas) for k, r in rader(res, tabell, delgrupp, niva, kod).items()}


def compile1(rows, **kw):
    """The tables of §4 with §5's numbers: the truth (--utan-brus), every row shown."""
    return compile_tables(bygg_arenden(rows), minsta_antal=1, utan_brus=True, **kw)


def a(enhet="0114", **kw):
    return {"enhetskod": enhet, **kw}


def avslutad(dagar=30, **kw):
    return a(datum_avslut=dt.date(2022, 1, 1) + dt.timedelta(days=dagar), **kw)


# -- tables and their order ---------------------------------------------------------------------


def test_table_order_codebook_then_derived_then_means():
    res = compile1([a(kon="Kvinna")])
    namn = res.tabellnamn()
    assert namn[:3] == ("verksamhet", "kon", "funktionsnedsattning")
    assert namn[-11:] == ("faser", "aldersgrupp", "antal_insatser", "riskbedomning_gjord", "antal_samverkansparter",
                          "arendelangd", "har_brukarenkat", "toppgrupp", "medel_antal_insatser",
                          "medel_antal_samverkansparter", "medel_arendelangd")
    assert "alder" not in namn and "datum_avslut" not in namn and "klient_id" not in namn
    assert "samverkan_forekommit" in namn
    plan = load_plan().delgrupper
    assert plan[:5] == ("", "kon=Kvinna", "kon=Man", "hrv=Ja", "hrv=Nej")
    assert plan[-2:] == ("har_brukarenkat=Ja", "har_brukarenkat=Nej")
    assert len(plan) == 41
    # The results list the delgrupper the export has a row of, in the plan's order (D179): one
    # woman of unknown age is no row of kon=Man nor of an age group.
    shown = res.delgrupper()
    assert shown[:2] == ("", "kon=Kvinna") and "kon=Man" not in shown and not any(g.startswith("aldersgrupp=") for g in shown)
    assert list(shown) == [g for g in plan if g in shown]
    assert set(shown) == {""} | {r.delgrupp for r in res.rader()}


def test_enval_rows_labels_combined_then_missing():
    res = compile1([a(valdets_grad="Grovt"), a(valdets_grad="Mycket grovt"), a(valdets_grad="Ej grovt"), a()])
    rows = res.tabell("samtliga", "", "valdets_grad")
    assert [r.kategori for r in rows] == ["Ej grovt", "Grovt", "Mycket grovt", "Grovt eller mycket grovt", "uppgift_saknas"]
    assert [(r.antal, r.bas, r.andel) for r in rows] == [(1, 3, 33), (1, 3, 33), (1, 3, 33), (2, 3, 67), (1, 4, 25)]


def test_flerval_rows_minst_ett_svar_labels_combined_missing():
    rows = [a(utovare="Nuvarande partner|Före detta partner"), a(utovare="Barn"), a(utovare="Före detta partner"), a()]
    res = compile1(rows)
    got = ab(res, "utovare")
    assert list(got)[0] == "minst_ett_svar" and list(got)[-1] == "uppgift_saknas"
    assert got["minst_ett_svar"] == (3, 4)
    assert got["Nuvarande partner"] == (1, 3)
    assert got["Före detta partner"] == (2, 3)
    assert got["Barn"] == (1, 3)
    assert got["Annan"] == (0, 3)
    assert got["Nuvarande eller före detta partner"] == (2, 3)  # ärenden with any part, not answers
    assert got["uppgift_saknas"] == (1, 4)
    assert rader(res, "utovare")["Före detta partner"].andel == 67


# -- scopes and bases (§3) ----------------------------------------------------------------------


def test_scopes_every_avslutade_brukarenkat():
    rows = [
        avslutad(genomforande_insatser="Annat", bu_positiva_inslag="Ja", kon="Kvinna"),
        avslutad(genomforande_insatser="Annat", kon="Man"),
        a(avslutsorsak="Klienten har flyttat"),  # avslutat without datum_avslut
        a(kon="Kvinna"),
    ]
    res = compile1(rows)
    assert ab(res, "kon")["Kvinna"] == (2, 3)
    assert ab(res, "kon")["uppgift_saknas"] == (1, 4)
    assert ab(res, "genomforande_insatser")["Annat"] == (2, 2)
    assert ab(res, "genomforande_insatser")["uppgift_saknas"] == (1, 3)  # scope: the 3 avslutade
    assert ab(res, "bu_positiva_inslag")["Ja"] == (1, 1)
    assert ab(res, "bu_positiva_inslag")["uppgift_saknas"] == (0, 1)  # scope: with a brukarenkät
    assert ab(res, "bu_delaktighet")["uppgift_saknas"] == (1, 1)


def test_samverkan_minst_ett_svar_over_every_arende():
    rows = [a(samverkan="Polisen|Primärvård", samverkan_forekommit="Ja"), a(samverkan_forekommit="Nej"), a(), a()]
    res = compile1(rows)
    assert ab(res, "samverkan")["minst_ett_svar"] == (1, 4)
    assert ab(res, "samverkan")["Polisen"] == (1, 1)
    assert ab(res, "samverkan_forekommit")["Ja"] == (1, 2)


def test_faser():
    rows = [
        avslutad(insatser="Praktiskt stöd", maluppfoljning=MAL1, bu_delaktighet="Vet inte"),
        avslutad(insatser="Praktiskt stöd"),
        a(avslutsorsak="Andra orsaker", maluppfoljning="Ingen förändring"),
        a(insatser="Gruppsamtal|Praktiskt stöd"),
        a(),
    ]
    res = compile1(rows)
    got = res.tabell("samtliga", "", "faser")
    assert [(r.kategori, r.antal, r.bas, r.andel) for r in got] == [
        ("aktualiserade", 5, 5, 100), ("minst_en_insats", 3, 5, 60), ("avslutade", 3, 5, 60),
        ("med_maluppfoljning", 2, 3, 67), ("med_brukarenkat", 1, 3, 33)]


# -- derived variables and band edges (§4) --------------------------------------------------------


@pytest.mark.parametrize("alder,grupp", [(18, "18-24"), (24, "18-24"), (25, "25-34"), (34, "25-34"), (35, "35-44"),
                                         (64, "55-64"), (65, "65-74"), (74, "65-74"), (75, "75+"), (120, "75+")])
def test_aldersgrupp_edges(alder, grupp):
    got = ab(compile1([a(alder=alder)]), "aldersgrupp")
    assert {k for k, (n, _) in got.items() if n} == {grupp}
    assert got["uppgift_saknas"] == (0, 1)


def test_aldersgrupp_blank_is_missing():
    assert ab(compile1([a(), a(alder=30)]), "aldersgrupp")["uppgift_saknas"] == (1, 2)


@pytest.mark.parametrize("dagar,band", [(0, "0-90"), (90, "0-90"), (91, "91-180"), (180, "91-180"), (181, "181-270"),
                                        (270, "181-270"), (271, "271-360"), (360, "271-360"), (361, "361+"), (4000, "361+")])
def test_arendelangd_edges(dagar, band):
    got = ab(compile1([avslutad(dagar)]), "arendelangd")
    assert {k for k, (n, _) in got.items() if n} == {band}


def test_arendelangd_scope_and_blank():
    res = compile1([avslutad(10), a(avslutsorsak="Andra orsaker"), a()])
    got = ab(res, "arendelangd")
    assert got["0-90"] == (1, 1)
    assert got["uppgift_saknas"] == (1, 2)  # avslutat by avslutsorsak alone: no length; the open one is outside


def test_antal_insatser_and_riskbedomning():
    ins = ["Praktiskt stöd", "Ekonomiskt stöd", "Rådgivning/information", "Stödsamtal (enskilt)", "Gruppsamtal", "Annat"]
    rows = [a(), a(insatser=ins[:1]), a(insatser=ins[:4]), a(insatser=ins[:5]), a(insatser=ins, risk_skattning="SARA")]
    res = compile1(rows)
    got = ab(res, "antal_insatser")
    assert [got[k][0] for k in ("0", "1", "2", "3", "4", "5+")] == [1, 1, 0, 0, 1, 2]
    assert got["uppgift_saknas"] == (0, 5)  # never blank
    assert ab(res, "riskbedomning_gjord") == {"Ja": (1, 5), "Nej": (4, 5), "uppgift_saknas": (0, 5)}


def test_antal_samverkansparter():
    rows = [
        a(samverkan_forekommit="Nej"),
        a(samverkan_forekommit="Ja"),  # Ja without partners: blank
        a(),  # blank
        a(samverkan="Polisen", samverkan_forekommit="Ja"),
        a(samverkan="Polisen|Primärvård", samverkan_forekommit="Ja"),
        a(samverkan="Polisen|Primärvård|Vuxenpsykiatri", samverkan_forekommit="Ja"),
        a(samverkan="Polisen|Primärvård|Vuxenpsykiatri|Akutmottagning", samverkan_forekommit="Ja"),
    ]
    res = compile1(rows)
    assert ab(res, "antal_samverkansparter") == {"0": (1, 5), "1": (1, 5), "2": (1, 5), "3+": (2, 5),
                                                 "uppgift_saknas": (2, 7)}
    assert rader(res, "medel_antal_samverkansparter")["medel"].medel == "2.5"  # (1+2+3+4)/4, over ≥ 1 partner


def test_har_brukarenkat_and_toppgrupp():
    rows = [
        avslutad(maluppfoljning=MAL1, bu_forandring_valdsutsatthet="Förbättrats mycket"),
        avslutad(maluppfoljning=MAL2, bu_forandring_valdsutsatthet="Förbättrats mycket"),
        avslutad(maluppfoljning=MAL1),
        avslutad(),
        a(),
    ]
    res = compile1(rows)
    assert ab(res, "har_brukarenkat") == {"Ja": (2, 4), "Nej": (2, 4), "uppgift_saknas": (0, 4)}
    assert ab(res, "toppgrupp") == {"Ja": (1, 4), "Nej": (3, 4), "uppgift_saknas": (0, 4)}


# -- means and numbers (§4, §5) ------------------------------------------------------------------


def _med_insatser(antal: list[int]):
    labels = load_plan().tabeller[load_plan().table_index("insatser")].svar
    return [a(insatser=list(labels[:k])) for k in antal]


@pytest.mark.parametrize("summa,n,medel", [(49, 20, "2.5"), (48, 20, "2.4"), (47, 20, "2.4"), (45, 20, "2.3"),
                                           (5, 2, "2.5"), (1, 40, "0.0"), (3, 40, "0.1"), (0, 3, "0.0"), (14, 10, "1.4")])
def test_mean_rounding_exact(summa, n, medel):
    antal = [summa // n + (1 if i < summa % n else 0) for i in range(n)]
    got = rader(compile1(_med_insatser(antal)), "medel_antal_insatser")["medel"]
    assert (got.antal, got.bas, got.medel, got.andel) == (summa, n, medel, None)


def test_mean_zeros_included_and_arendelangd_over_both_dates():
    rows = [a(insatser="Gruppsamtal"), a(), avslutad(10), avslutad(15), a(avslutsorsak="Andra orsaker")]
    res = compile1(rows)
    assert rader(res, "medel_antal_insatser")["medel"].medel == "0.2"
    r = rader(res, "medel_arendelangd")["medel"]
    assert (r.antal, r.bas, r.medel) == (25, 2, "12.5")


def test_mean_not_written_when_nothing_is_averaged():
    res = compile1([a()])
    assert res.tabell("samtliga", "", "medel_antal_samverkansparter") == []
    assert res.tabell("samtliga", "", "medel_arendelangd") == []
    assert res.tabell("samtliga", "", "medel_antal_insatser")[0].medel == "0.0"


@pytest.mark.parametrize("man,n,andel", [(1, 8, 13), (3, 8, 38), (1, 200, 1), (1, 201, 0), (1, 3, 33), (2, 3, 67)])
def test_andel_half_up(man, n, andel):
    rows = [a(kon="Man")] * man + [a(kon="Kvinna")] * (n - man)
    assert rader(compile1(rows), "kon")["Man"].andel == andel


def test_andel_empty_when_base_zero():
    r = rader(compile1([a()]), "kon")["Kvinna"]
    assert (r.antal, r.bas, r.andel, r.maskerad) == (0, 0, None, frozenset())


# -- levels (§3) ------------------------------------------------------------------------------------


def test_levels_nest_district_in_kommun_and_lan():
    rows = [a("0180-01", kon="Kvinna"), a("0180-01", kon="Man"), a("0180", kon="Kvinna"), a("0114", kon="Kvinna"),
            a("1480-02", kon="Man"), a("2580")]
    res = compile1(rows)
    assert res.enheter("samtliga") == ("",)
    assert res.enheter("lan") == ("01", "14", "25")
    assert res.enheter("kommun") == ("0114", "0180", "1480", "2580")
    assert res.enheter("stadsdel") == ("0180-01", "1480-02")
    n = lambda niva, kod: ab(res, "faser", niva=niva, kod=kod)["aktualiserade"][0]  # noqa: E731
    assert n("samtliga", "") == 6
    assert n("lan", "01") == 4
    assert n("kommun", "0180") == 3  # its districts' and its own code's ärenden
    assert n("stadsdel", "0180-01") == 2
    assert n("kommun", "1480") == 1 and n("lan", "14") == 1
    assert ab(res, "kon", niva="kommun", kod="0180")["Kvinna"] == (2, 3)
    assert res.tabell("stadsdel", "0180-02", "kon") == []  # no ärenden: not present


# -- delgrupper (§4) --------------------------------------------------------------------------------


def test_no_self_breakdown():
    res = compile1([a(kon="Kvinna", hedersrelaterat_vald="Ja", alder=30, risk_skattning="SARA"),
                    avslutad(20, kon="Man", hedersrelaterat_vald="Nej", alder=40)])
    plan = load_plan()

    def dg(t):
        return {plan.delgrupper[d].split("=")[0] for d in plan.tillatna[plan.table_index(t)]}
    assert "kon" not in dg("kon") and "hrv" in dg("kon")
    assert "hrv" not in dg("hedersrelaterat_vald") and "kon" in dg("hedersrelaterat_vald")
    assert "arendelangd" not in dg("medel_arendelangd") and "arendelangd" in dg("medel_antal_insatser")
    assert "riskbedomning_gjord" in dg("risk_skattning") and "riskbedomning_gjord" not in dg("riskbedomning_gjord")
    for t in ("aldersgrupp", "ursprung", "valdets_grad", "funktionsnedsattning", "maluppfoljning", "arendelangd",
              "toppgrupp", "har_brukarenkat"):
        assert t not in dg(t)
    assert res.tabell("samtliga", "", "kon", "kon=Kvinna") == []
    assert res.tabell("samtliga", "", "hedersrelaterat_vald", "hrv=Ja") == []
    assert ab(res, "risk_skattning", "riskbedomning_gjord=Ja")["SARA"] == (1, 1)


def test_hrv_is_ja_or_nej_only():
    rows = [a(hedersrelaterat_vald="Ja", kon="Kvinna"), a(hedersrelaterat_vald="Nej", kon="Man"),
            a(hedersrelaterat_vald="Vet inte", kon="Man"), a(kon="Man")]
    res = compile1(rows)
    assert ab(res, "kon", "hrv=Ja") == {"Kvinna": (1, 1), "Man": (0, 1), "uppgift_saknas": (0, 1)}
    assert ab(res, "kon", "hrv=Nej") == {"Kvinna": (0, 1), "Man": (1, 1), "uppgift_saknas": (0, 1)}
    assert ab(res, "hedersrelaterat_vald")["Vet inte"] == (1, 3)


def test_funktionsnedsattning_multi_membership():
    rows = [a(funktionsnedsattning="Fysisk funktionsnedsättning|Psykisk funktionsnedsättning", kon="Kvinna"),
            a(funktionsnedsattning="Psykisk funktionsnedsättning", kon="Man"), a(funktionsnedsattning="Nej", kon="Man")]
    res = compile1(rows)
    assert ab(res, "kon", "funktionsnedsattning=Fysisk funktionsnedsättning")["Kvinna"] == (1, 1)
    assert ab(res, "kon", "funktionsnedsattning=Psykisk funktionsnedsättning") == {
        "Kvinna": (1, 2), "Man": (1, 2), "uppgift_saknas": (0, 2)}
    assert ab(res, "kon", "funktionsnedsattning=Nej")["Man"] == (1, 1)
    assert res.tabell("samtliga", "", "kon", "funktionsnedsattning=Vet ej") == []
    assert ab(res, "faser", "funktionsnedsattning=Psykisk funktionsnedsättning")["aktualiserade"] == (2, 2)


def test_delgrupp_restricts_scope_of_avslut_tables():
    rows = [avslutad(10, kon="Kvinna", avslutsorsak="Andra orsaker"), avslutad(200, kon="Kvinna"), a(kon="Kvinna"),
            avslutad(10, kon="Man")]
    res = compile1(rows)
    assert ab(res, "avslutsorsak", "kon=Kvinna")["Andra orsaker"] == (1, 1)
    assert ab(res, "avslutsorsak", "kon=Kvinna")["uppgift_saknas"] == (1, 2)
    assert ab(res, "kon", "arendelangd=0-90") == {"Kvinna": (1, 2), "Man": (1, 2), "uppgift_saknas": (0, 2)}
    assert ab(res, "kon", "har_brukarenkat=Nej")["Kvinna"] == (2, 3)
    assert res.tabell("samtliga", "", "bu_delaktighet", "har_brukarenkat=Nej") == []


def test_empty_scope_tables_not_written():
    res = compile1([a(kon="Kvinna")])
    assert res.tabell("samtliga", "", "genomforande_insatser") == []
    assert res.tabell("samtliga", "", "bu_delaktighet") == []
    assert res.tabell("samtliga", "", "toppgrupp") == []
    assert res.tabell("samtliga", "", "kon", "hrv=Ja") == []
    assert res.tabell("samtliga", "", "faser", "kon=Kvinna") != []
    assert {r.tabell for r in res.rader()} >= {"kon", "faser", "medel_antal_insatser"}
    assert not {r.tabell for r in res.rader()} & {"genomforande_insatser", "bu_delaktighet", "toppgrupp", "arendelangd"}


def test_no_arenden():
    res = compile_tables(bygg_arenden([]), minsta_antal=5)
    assert res.n == 0
    assert res.enheter("samtliga") == ("",) and res.enheter("kommun") == ()
    assert list(res.rader()) == []


def test_unknown_lookups_are_empty():
    res = compile1([a(kon="Kvinna")])
    assert res.tabell("kommun", "9999", "kon") == []
    assert res.tabell("samtliga", "", "nope") == []
    assert res.tabell("samtliga", "", "kon", "kon=Nope") == []
    with pytest.raises(KeyError):
        res.enheter("riket")


def test_invariant_violations_are_programming_errors():
    arenden = bygg_arenden([a(kon="Kvinna")])
    arenden.enval["kon"][0] = 9
    with pytest.raises(ValueError, match="kon"):
        compile_tables(arenden)
    arenden = bygg_arenden([a(genomforande_insatser="Annat")])  # not avslutat
    with pytest.raises(ValueError, match="avslutat"):
        compile_tables(arenden)
    with pytest.raises(ValueError):
        compile_tables(bygg_arenden([a("0180-99")]))


def test_codes_without_arenden_are_not_units():
    """A registration code left without ärenden (e.g. by --period) does not appear (§3)."""
    arenden = bygg_arenden([a("0114", kon="Kvinna"), a("0180-01", kon="Man")])
    keep = arenden.enhet == 0  # only 0114
    arenden.enhet = arenden.enhet[keep]
    for d in (arenden.enval, arenden.flerval, arenden.datum):
        for k in d:
            d[k] = d[k][keep]
    arenden.alder = arenden.alder[keep]
    arenden.record_keys = arenden.record_keys[keep]
    res = compile_tables(arenden, minsta_antal=1, utan_brus=True)
    assert res.enheter("kommun") == ("0114",) and res.enheter("stadsdel") == () and res.enheter("lan") == ("01",)
    assert res.tabell("kommun", "0180", "faser") == []
