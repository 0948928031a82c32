"""Property tests (hypothesis) of the ISU compilation: the whole tidy export agrees with a plain
reference implementation of the contract (tests/isu_kontrakt.py), with and without masking; every
enval block partitions its scope; no masked count or base can be recovered from its table."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ojexcel.isu.codebook import load_codebook
from ojexcel.isu.compilation import compile_tables
from ojexcel.isu.table_plan import load_plan
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


@SETTINGS
@given(rows=arenden(smala=True, max_size=30), minsta=st.sampled_from([1, 3, 5]))
def test_tidy_equals_reference(rows, minsta, tmp_path):
    pop = load_population()
    res = compile_tables(bygg_arenden(rows), minsta_antal=minsta, population=pop)
    assert tidy_rows(res, tmp_path) == referens(rows, minsta, pop)


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


@settings(max_examples=12, deadline=None)
@given(rows=arenden(smala=True, max_size=40))
def test_every_enval_block_partitions_its_scope(rows):
    res = compile_tables(bygg_arenden(rows), minsta_antal=1)
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
@given(rows=arenden(smala=True, max_size=40), minsta=st.sampled_from([2, 3, 5]))
def test_no_masked_count_or_base_can_be_recovered(rows, minsta):
    res = compile_tables(bygg_arenden(rows), minsta_antal=minsta)
    full = _blocks(compile_tables(bygg_arenden(rows), minsta_antal=1))
    typer = _typer()
    for key, block in _blocks(res).items():
        t = typer[key[2]]
        truth = {r.kategori: r for r in full[key]}
        for r in block:  # what is shown is the truth; what is hidden is a count 1..N−1 or a secondary
            if r.antal is not None:
                assert r.antal == truth[r.kategori].antal
            if r.bas is not None:
                assert r.bas == truth[r.kategori].bas
            if r.bas is not None and 1 <= truth[r.kategori].antal < minsta and r.kategori != "uppgift_saknas" \
                    and t.typ != "medel":
                assert r.antal is None
            if r.maskerad and "bas" not in r.maskerad:
                assert truth[r.kategori].antal > 0  # a zero is never masked but with its base
        if t.typ == "enval" and block[0].bas is not None:
            lab = block[:len(t.svar)]
            masked = [r for r in lab if r.antal is None]
            assert len(masked) != 1, key  # with the shown base, one masked cell would be a subtraction away
            if masked:
                rest = block[0].bas - sum(r.antal for r in lab if r.antal is not None)
                assert rest == sum(truth[r.kategori].antal for r in masked)
        if t.typ == "flerval" and block[0].antal is None:
            assert block[-1].antal is None  # uppgift_saknas = scope − minst_ett_svar
        # Bases: a hidden base is one from 1 to N−1 (rule 2), hidden with everything that uses it,
        # and no shown value gives it back.
        for r in block:
            if r.bas is None:
                assert 1 <= truth[r.kategori].bas < minsta and r.antal is None and r.andel is None and r.medel is None
        if t.typ in ("enval", "flerval"):
            first = block[1 if t.typ == "flerval" else 0]  # the first label: its bas is the labels' base
            if first.bas is None:
                labels = block[(1 if t.typ == "flerval" else 0):][:len(t.svar)]
                assert all(r.antal is None for r in labels)  # not the sum of the label counts
                if t.typ == "flerval":
                    assert block[0].antal is None  # minst_ett_svar's count is the labels' base
                if block[-1].bas is not None:
                    assert block[-1].antal is None, key  # not scope − uppgift_saknas (decision, R19)
        for j, komb in enumerate(t.kombinerade):
            off = 1 if t.typ == "flerval" else 0
            if any(block[off + p].antal is None for p in komb.delar):
                assert block[t.combined_start + j].antal is None


def test_reference_helper_agrees_on_a_fixed_case(tmp_path):
    """A fixed example through both implementations (fails loudly if hypothesis is unavailable)."""
    rows = [{"enhetskod": "0180-01", "kon": "Kvinna", "alder": 24, "insatser": ["Gruppsamtal"],
             "datum_avslut": "2022-04-01", "maluppfoljning": "Ingen förändring", "bu_delaktighet": "Vet inte"},
            {"enhetskod": "0180", "kon": "Man", "hedersrelaterat_vald": "Vet inte", "samverkan_forekommit": "Nej"},
            {"enhetskod": "2580", "funktionsnedsattning": ["Fysisk funktionsnedsättning", "Psykisk funktionsnedsättning"]}]
    pop = load_population()
    for n in (1, 2, 5):
        res = compile_tables(bygg_arenden(rows), minsta_antal=n, population=pop)
        assert tidy_rows(res, tmp_path) == referens(rows, n, pop)


@pytest.mark.parametrize("n", [1, 5])
def test_tidy_text_has_no_carriage_returns_or_bom(n, tmp_path):
    rows = [{"enhetskod": "0114", "risk_skattning": "SARA"}] * 6
    res = compile_tables(bygg_arenden(rows), minsta_antal=n)
    write_isu_tidy(res, tmp_path / "x.csv")
    data = (tmp_path / "x.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    assert b'"SARA, Patriark eller annan bedm' in data.replace("ö".encode(), b"") or \
        '"SARA, Patriark eller annan bedömningsmetod"'.encode() in data
    io.StringIO(data.decode("utf-8"))
