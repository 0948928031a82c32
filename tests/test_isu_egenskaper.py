"""Property tests (hypothesis) of the ISU compilation: the whole tidy export agrees with the one
oracle of the contract (tests/isu_oracle, through the adapter tests/isu_kontrakt.py), with §2's
noise and without it; every enval block partitions its scope (the truth); every published count is
§2's perturbation of its true count, the same set gets the same value, and what is written or
hidden follows from the published values alone."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ojexcel.isu.codebook import load_codebook
from ojexcel.isu.compilation import compile_tables
from ojexcel.isu.table_plan import MEDELRAD, load_plan
from ojexcel.isu.tidy import read_isu_tidy, tidy_fields, write_isu_tidy
from ojexcel.population import load_population
from tests.isu_bygg import bygg_arenden
from tests.isu_kontrakt import referens

ENHETER = ("0114", "0115", "0180", "0180-01", "0180-02", "1480-03", "2580")
START = dt.date(2022, 1, 1)
DAGAR = (0, 1, 89, 90, 91, 180, 181, 270, 271, 360, 361, 800)
ALDRAR = (18, 24, 25, 34, 44, 45, 64, 65, 74, 75, 99)


@st.composite
def arende(draw, smala: bool):
    """One valid ärende (the reader's invariants hold). `smala`: answers from the first two
    labels only, so small counts, ties and zeros are common."""
    kb = load_codebook()
    r = {"enhetskod": draw(st.sampled_from(ENHETER)),
         "datum_aktualisering": START + dt.timedelta(days=draw(st.integers(0, 30)))}
    slut = draw(st.sampled_from(["open", "open", "datum", "orsak", "both"]))
    if slut in ("datum", "both"):
        r["datum_avslut"] = r["datum_aktualisering"] + dt.timedelta(days=draw(st.sampled_from(DAGAR)))
    if slut in ("orsak", "both"):
        r["avslutsorsak"] = draw(st.sampled_from(kb["avslutsorsak"].svar[:2]))
    avsl = slut != "open"
    for v in kb.of_type("enval", "flerval"):
        if v.kolumn == "avslutsorsak" or (v.fas in ("avslut", "brukarenkat") and not avsl):
            continue
        svar = v.svar[:2] if smala and v.kolumn not in ("maluppfoljning", "bu_forandring_valdsutsatthet") else v.svar
        if draw(st.integers(0, 4)) == 0:
            continue  # blank
        if v.typ == "enval":
            r[v.kolumn] = draw(st.sampled_from(svar))
        else:
            val = draw(st.lists(st.sampled_from(v.svar if v.kolumn in ("insatser", "samverkan") else svar),
                                min_size=1, max_size=6, unique=True))
            if v.kolumn == "funktionsnedsattning" and ({"Nej", "Vet ej"} & set(val)):
                val = [val[0]] if val[0] in ("Nej", "Vet ej") else [x for x in val if x not in ("Nej", "Vet ej")]
            r[v.kolumn] = val
    if r.get("samverkan_forekommit") == "Nej":
        r.pop("samverkan", None)
    elif r.get("samverkan"):
        r["samverkan_forekommit"] = "Ja"
    if draw(st.integers(0, 5)):
        r["alder"] = draw(st.sampled_from(ALDRAR))
    return r


def arenden(smala: bool, max_size: int):
    return st.lists(arende(smala), min_size=1, max_size=max_size)


def tidy_rows(res, tmp_path) -> list[tuple[str, ...]]:
    """The tidy export written, read back by the one reader (which checks §6), as text fields."""
    path = tmp_path / "isu.csv"
    write_isu_tidy(res, path)
    return [tidy_fields(r) for r in read_isu_tidy(path).rader()]


SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


@pytest.mark.slow
@SETTINGS
@given(rows=arenden(smala=True, max_size=30), minsta=st.sampled_from([1, 3, 5]), noise=st.booleans())
def test_tidy_equals_reference(rows, minsta, noise, tmp_path):
    pop = load_population()
    res = compile_tables(bygg_arenden(rows), minsta_antal=minsta, population=pop, utan_brus=not noise)
    assert tidy_rows(res, tmp_path) == referens(rows, minsta, pop, noise=noise)


@pytest.mark.slow  # ≈ 4 s; test_tidy_equals_reference covers the same rules on narrow answers
@SETTINGS
@given(rows=arenden(smala=False, max_size=25))
def test_tidy_equals_reference_wide_answers(rows, tmp_path):
    pop = load_population()
    res = compile_tables(bygg_arenden(rows), minsta_antal=2, population=pop)
    assert tidy_rows(res, tmp_path) == referens(rows, 2, pop)


def _blocks(res):
    out: dict = {}
    for r in res.rader():
        out.setdefault((r.niva, r.kod, r.tabell, r.delgrupp), []).append(r)
    return out


def _typer():
    plan = load_plan()
    return {t.namn: t for t in plan.tabeller}


@pytest.mark.slow
@settings(max_examples=12, deadline=None)
@given(rows=arenden(smala=True, max_size=40))
def test_every_enval_block_partitions_its_scope(rows):
    res = compile_tables(bygg_arenden(rows), minsta_antal=1, utan_brus=True)
    typer = _typer()
    for (niva, kod, tabell, dg), block in _blocks(res).items():
        t = typer[tabell]
        if t.typ != "enval":
            continue
        lab = block[:len(t.svar)]
        saknas = block[-1]
        assert saknas.kategori == "uppgift_saknas"
        assert sum(r.antal for r in lab) == lab[0].bas  # labels add up to their base
        assert lab[0].bas + saknas.antal == saknas.bas  # labels + uppgift_saknas = scope
        assert saknas.bas > 0  # an empty scope is not written
        if dg == "":
            assert saknas.bas == res.tabell(niva, kod, "faser")[0].antal or t.omfang != "alla"


@settings(max_examples=12, deadline=None)
@given(rows=arenden(smala=True, max_size=40), minsta=st.sampled_from([2, 3, 5]),
       keys=st.lists(st.integers(0, 2**32 - 1), min_size=40, max_size=40))
def test_published_values_follow_from_the_truth_and_the_keys_alone(rows, minsta, keys):
    """Every published count is within ±3 of the truth and ≥ 0, 0 when the truth is (a true 0..3
    can be published as 0 too: item 3's rows for n = 1, 2, 3 give 0 some weight); one set
    has one value (a table's scope wherever it is counted); written and hidden follow from the
    published bases; shares and means only from 20 (CONTRACT §2 items 2–6)."""
    import numpy as np

    from ojexcel.isu.cellkey import perturb

    a = bygg_arenden(rows)
    a.record_keys = np.array(keys[:len(rows)], dtype=np.uint32)  # any keys: the rules hold for all
    res = compile_tables(a, minsta_antal=minsta)
    exists = res.bas >= 0
    n, v = np.where(exists, res.bas, 0), res.pub_bas
    assert ((v >= np.maximum(n - 3, 0)) & (v <= n + 3)).all()
    assert (v[n == 0] == 0).all() and (n[v == 0] <= 3).all()
    counts = res.plan.slot_typ != MEDELRAD  # a mean's antal is a sum, never published
    pa, ta = res.pub_antal[:, counts], res.antal[:, counts]
    assert ((pa >= 0) & (np.abs(pa - ta) <= 3)).all() and (pa[ta == 0] == 0).all()
    # the same set: a table's scope (every ärende of the unit and delgrupp) has one value — in kon's
    # uppgift_saknas base, faser's aktualiserade and the mean over every ärende
    plan = res.plan
    for d in range(len(plan.delgrupper)):
        scopes = [plan.block(plan.table_index(tab), d) for tab in ("faser", "medel_antal_insatser", "antal_insatser")]
        if any(s is None for s in scopes):
            continue
        faser, medel, insatser = scopes
        assert (res.pub_bas[:, faser.start] == res.pub_bas[:, medel.start]).all()
        assert (res.pub_bas[:, faser.start] == res.pub_bas[:, insatser.stop - 1]).all()
    # decided on published values only: hidden exactly where a written row's v_bas is 1..N−1
    assert (res.hidden == (res.written & (v >= 1) & (v <= minsta - 1))).all()
    for r in res.rader():
        if r.andel is not None or r.medel is not None:
            assert r.bas is not None and r.bas >= 20
        if r.bas is not None and r.bas >= 20 and r.kategori != "medel":
            assert r.andel is not None
        if r.kategori == "medel":
            assert r.antal is None  # a mean's sum is never published
    # the table itself: published values of a hand-fixed c
    assert perturb(np.array([1, 1, 1]), np.array([0, 2**32 * 12 // 24, 2**32 - 1])).tolist() == [0, 1, 4]


@pytest.mark.slow
def test_reference_helper_agrees_on_a_fixed_case(tmp_path):
    """A fixed example through both implementations (fails loudly if hypothesis is unavailable)."""
    rows = [{"enhetskod": "0180-01", "kon": "Kvinna", "alder": 24, "insatser": ["Gruppsamtal"],
             "datum_avslut": "2022-04-01", "maluppfoljning": "Ingen förändring", "bu_delaktighet": "Vet inte"},
            {"enhetskod": "0180", "kon": "Man", "hedersrelaterat_vald": "Vet inte", "samverkan_forekommit": "Nej"},
            {"enhetskod": "2580", "funktionsnedsattning": ["Fysisk funktionsnedsättning", "Psykisk funktionsnedsättning"]}]
    pop = load_population()
    for n in (1, 2, 5):
        for noise in (True, False):
            res = compile_tables(bygg_arenden(rows), minsta_antal=n, population=pop, utan_brus=not noise)
            assert tidy_rows(res, tmp_path) == referens(rows, n, pop, noise=noise)


@pytest.mark.parametrize("n", [1, 5])
def test_tidy_text_has_no_carriage_returns_or_bom(n, tmp_path):
    rows = [{"enhetskod": "0114", "risk_skattning": "SARA"}] * 6
    res = compile_tables(bygg_arenden(rows), minsta_antal=n, utan_brus=True)
    write_isu_tidy(res, tmp_path / "x.csv")
    data = (tmp_path / "x.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    assert b'"SARA, Patriark eller annan bedm' in data.replace("ö".encode(), b"") or \
        '"SARA, Patriark eller annan bedömningsmetod"'.encode() in data
    io.StringIO(data.decode("utf-8"))
