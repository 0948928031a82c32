"""Masking of small numbers (CONTRACT isu §2), rule by rule, default N = 5."""
from __future__ import annotations

import datetime as dt

from ojexcel.isu.compilation import compile_tables
from tests.isu_bygg import bygg_arenden

ALLA = frozenset({"antal", "bas", "andel"})
ANTAL = frozenset({"antal", "andel"})


def a(enhet="0114", **kw):
    return {"enhetskod": enhet, **kw}


def tab(rows, tabell, delgrupp="", n=5, niva="samtliga", kod=""):
    res = compile_tables(bygg_arenden(rows), minsta_antal=n)
    return {r.kategori: r for r in res.tabell(niva, kod, tabell, delgrupp)}


def vals(t):
    return {k: (r.antal, r.bas, r.andel) for k, r in t.items()}


def grad(ej, grovt, mycket, saknas=0):
    return ([a(valdets_grad="Ej grovt")] * ej + [a(valdets_grad="Grovt")] * grovt
            + [a(valdets_grad="Mycket grovt")] * mycket + [a()] * saknas)


def test_rule1_small_count_hidden_with_its_share_base_shown():
    t = tab([a(kon="Man")] * 2 + [a(kon="Kvinna")] * 20, "kon")
    assert vals(t)["Man"] == (None, 22, None)
    assert t["Man"].maskerad == ANTAL
    assert t["Kvinna"].maskerad == ANTAL  # the only other non-zero label: rule 3
    assert vals(t)["uppgift_saknas"] == (0, 22, 0)


def test_rule1_boundary_n_is_shown():
    t = tab([a(kon="Man")] * 5 + [a(kon="Kvinna")] * 20, "kon")
    assert vals(t) == {"Man": (5, 25, 20), "Kvinna": (20, 25, 80), "uppgift_saknas": (0, 25, 0)}


def test_rule1_uppgift_saknas_small_count_is_shown():
    t = tab([a(kon="Kvinna")] * 10 + [a(kon="Man")] * 10 + [a()] * 2, "kon")
    assert vals(t)["uppgift_saknas"] == (2, 22, 9)
    assert t["uppgift_saknas"].maskerad == frozenset()


def test_rule2_small_base_hides_everything_zeros_included():
    t = tab([a(kon="Kvinna")] * 3 + [a()] * 10, "kon")
    assert vals(t)["Kvinna"] == (None, None, None) and t["Kvinna"].maskerad == ALLA
    assert vals(t)["Man"] == (None, None, None) and t["Man"].maskerad == ALLA  # the zero too
    assert vals(t)["uppgift_saknas"] == (None, 13, None)  # its base is the scope, 13: shown (see below)


def test_a_masked_labels_base_masks_uppgift_saknas_under_a_shown_scope():
    """Decision (README; READING.md R19): labels' base 3 (rule 2) under a scope of 13 — were
    uppgift_saknas (10 of 13) shown, the base would be 13 − 10 = 3. It is masked, antal and share;
    the scope stays shown. Enval and derived tables alike."""
    t = tab([a(kon="Kvinna")] * 3 + [a()] * 10, "kon")
    assert t["uppgift_saknas"].maskerad == ANTAL and vals(t)["uppgift_saknas"] == (None, 13, None)
    ages = tab([a(alder=30)] * 2 + [a(alder=70)] + [a()] * 9, "aldersgrupp")
    assert all(r.maskerad == ALLA for k, r in ages.items() if k != "uppgift_saknas")
    assert ages["uppgift_saknas"].maskerad == ANTAL and vals(ages)["uppgift_saknas"] == (None, 12, None)
    # a labels' base of 0 is shown (nothing to hide): uppgift_saknas = the scope, shown
    none = tab([a(kon="Kvinna")] * 6 + [a(enhet="0180")] * 7, "kon", niva="kommun", kod="0180")
    assert vals(none)["uppgift_saknas"] == (7, 7, 100) and vals(none)["Kvinna"] == (0, 0, None)
    # a shown labels' base leaves a small uppgift_saknas shown (rule 1's exception)
    assert tab([a(kon="Kvinna")] * 10 + [a()] * 2, "kon")["uppgift_saknas"].maskerad == frozenset()
    # N = 1 masks nothing
    assert tab([a(kon="Kvinna")] * 3 + [a()] * 10, "kon", n=1)["uppgift_saknas"].maskerad == frozenset()


def test_rule2_small_scope_hides_the_missing_row_too():
    t = tab([a(kon="Kvinna")] * 2 + [a()] * 2, "kon")
    assert all(r.maskerad == ALLA for r in t.values())
    assert vals(t)["uppgift_saknas"] == (None, None, None)


def test_rule3_secondary_masks_smallest_other_nonzero():
    t = tab(grad(2, 9, 6), "valdets_grad")
    assert vals(t)["Ej grovt"] == (None, 17, None)
    assert vals(t)["Mycket grovt"] == (None, 17, None)  # smallest other non-zero
    assert vals(t)["Grovt"] == (9, 17, 53)
    assert t["Mycket grovt"].maskerad == ANTAL


def test_rule3_tie_masks_first_in_table_order():
    t = tab(grad(7, 2, 7), "valdets_grad")
    assert vals(t)["Ej grovt"][0] is None and vals(t)["Grovt"][0] is None
    assert vals(t)["Mycket grovt"] == (7, 16, 44)


def test_rule3_never_picks_a_zero():
    t = tab(grad(0, 3, 10), "valdets_grad")
    assert vals(t)["Ej grovt"] == (0, 13, 0)
    assert vals(t)["Grovt"][0] is None and vals(t)["Mycket grovt"][0] is None


def test_rule3_two_primary_masks_need_no_secondary():
    t = tab(grad(2, 3, 10), "valdets_grad")
    assert vals(t)["Mycket grovt"] == (10, 15, 67)
    assert vals(t)["Ej grovt"][0] is None and vals(t)["Grovt"][0] is None


def test_rule3_uppgift_saknas_is_not_a_label():
    t = tab(grad(0, 20, 30, saknas=2), "valdets_grad")  # only uppgift_saknas is small
    assert [r.maskerad for r in t.values()] == [frozenset()] * 5


def test_rule3_applies_to_derived_tables():
    rows = [a(alder=30)] * 10 + [a(alder=50)] * 8 + [a(alder=80)]
    t = tab(rows, "aldersgrupp")
    assert vals(t)["75+"][0] is None
    assert vals(t)["45-54"][0] is None  # 8 < 10
    assert vals(t)["25-34"] == (10, 19, 53)


def test_rule4_combined_masked_when_a_part_is():
    t = tab(grad(10, 2, 9), "valdets_grad")
    assert vals(t)["Grovt eller mycket grovt"] == (None, 21, None)
    assert t["Grovt eller mycket grovt"].maskerad == ANTAL
    t = tab(grad(2, 10, 9), "valdets_grad")  # Ej grovt and (secondary) Mycket grovt
    assert vals(t)["Grovt eller mycket grovt"] == (None, 21, None)
    t = tab(grad(2, 10, 19) + grad(0, 0, 0), "valdets_grad")  # Ej grovt and secondary Grovt
    assert vals(t)["Grovt"][0] is None
    assert vals(t)["Grovt eller mycket grovt"][0] is None
    t = tab(grad(6, 10, 9), "valdets_grad")
    assert vals(t)["Grovt eller mycket grovt"] == (19, 25, 76)


def test_rule4_flerval_combined():
    rows = [a(utovare="Nuvarande partner")] * 2 + [a(utovare="Före detta partner")] * 10 + [a(utovare="Barn")] * 6
    t = tab(rows, "utovare")
    assert vals(t)["Nuvarande partner"] == (None, 18, None)
    assert vals(t)["Nuvarande eller före detta partner"] == (None, 18, None)
    assert vals(t)["Barn"] == (6, 18, 33)  # flerval labels: no secondary rule


def test_flerval_uppgift_saknas_masked_with_minst_ett_svar():
    rows = [a(utovare="Barn")] * 3 + [a()] * 20
    t = tab(rows, "utovare")
    assert vals(t)["minst_ett_svar"] == (None, 23, None)
    assert vals(t)["uppgift_saknas"] == (None, 23, None)
    assert t["uppgift_saknas"].maskerad == ANTAL
    assert t["Barn"].maskerad == ALLA  # base 3


def test_flerval_uppgift_saknas_shown_when_minst_ett_svar_is():
    t = tab([a(utovare="Barn")] * 20 + [a()] * 2, "utovare")
    assert vals(t)["uppgift_saknas"] == (2, 22, 9)


def test_rule5_zero_shown():
    t = tab([a(kon="Kvinna")] * 30, "kon")
    assert vals(t)["Man"] == (0, 30, 0)


def test_rule6_medel_rows():
    ins = [a(insatser="Gruppsamtal")] + [a()] * 4  # sum 1, over 5: the small sum is shown
    t = tab(ins, "medel_antal_insatser")
    assert (t["medel"].antal, t["medel"].bas, t["medel"].medel, t["medel"].maskerad) == (1, 5, "0.2", frozenset())
    t = tab(ins[:4], "medel_antal_insatser")
    assert (t["medel"].antal, t["medel"].bas, t["medel"].medel) == (None, None, None)
    assert t["medel"].maskerad == frozenset({"antal", "bas", "medel"})


def test_faser_rules_1_and_2_only():
    d = dt.date(2022, 3, 1)
    rows = [a(datum_avslut=d)] * 3 + [a(insatser="Gruppsamtal")] * 20
    t = tab(rows, "faser")
    assert vals(t)["aktualiserade"] == (23, 23, 100)
    assert vals(t)["minst_en_insats"] == (20, 23, 87)  # not a partition: no secondary masking
    assert vals(t)["avslutade"] == (None, 23, None)
    assert vals(t)["med_maluppfoljning"] == (None, None, None)  # its base (the avslutade) is 3


def test_every_level_masked_pool_included():
    rows = [a("0114", kon="Man"), a("0114", kon="Kvinna")] + [a("2580", kon="Kvinna")] * 30
    res = compile_tables(bygg_arenden(rows), minsta_antal=5)
    assert res.tabell("samtliga", "", "kon")[1].antal is None  # Man: 1
    assert res.tabell("kommun", "0114", "kon")[0].maskerad == ALLA
    assert res.tabell("lan", "25", "kon")[0].antal == 30


def test_minsta_antal_1_shows_everything():
    rows = [a(kon="Man")] + grad(1, 1, 1)
    res = compile_tables(bygg_arenden(rows), minsta_antal=1)
    assert all(not r.maskerad for r in res.rader())


def test_minsta_antal_changes_the_threshold():
    t = tab([a(kon="Man")] * 4 + [a(kon="Kvinna")] * 20, "kon", n=3)
    assert vals(t)["Man"] == (4, 24, 17)
    t = tab([a(kon="Man")] * 4 + [a(kon="Kvinna")] * 20, "kon", n=10)
    assert vals(t)["Man"][0] is None and vals(t)["Kvinna"][0] is None
