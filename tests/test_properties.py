"""Property tests (hypothesis) on random valid response files: the aggregation invariants hold
for any input, not just the sample.

A drawn case is a seed and a few rates; the rows come from `random.Random(seed)`: a random set
of units (any units, or only districts, or one län), random valid answers to every codebook
column — labels, full-text aliases and odd case — random blanks, random besvarat_vinr. Each file
goes through the real reader and pipeline (`build_results`).
"""
from __future__ import annotations

import csv
import math
import random
import tempfile
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from ojexcel.survey.aggregate import SUPPRESSION_PERCENT
from ojexcel.survey.arsgang import load_catalogue
from ojexcel.survey.codebook import PART_VINR
from ojexcel.survey.compilation import build_results
from ojexcel.survey.arsgang import load_arsgang
from ojexcel.survey.reader import BESVARAT_VINR, ENHET, ENHETSKOD
from ojexcel.survey.rules import DELVIS, EJ_AKTUELLT, JA, NEJ

CATALOGUE = load_catalogue(2017)
CODEBOOK = CATALOGUE.codebook
POPULATION = load_arsgang(2017).population
HEADER = [ENHETSKOD, ENHET, BESVARAT_VINR] + [q.column for q in CODEBOOK.questions]


def _variant(rng: random.Random, text: str) -> str:
    return rng.choice((text, text.upper(), text.lower(), f"  {text} "))


def _answer(rng: random.Random, q, blank_rate: float) -> str:
    if rng.random() < blank_rate:
        return ""
    if q.free_text:
        return rng.choice(("Egen bedömningsmall", "SAM", " "))
    if q.aliases and rng.random() < 0.2:
        return _variant(rng, rng.choice(q.aliases)[0])
    return _variant(rng, rng.choice(q.answers))


@st.composite
def response_files(draw):
    """(rows, seed): the rows of a valid response file."""
    seed = draw(st.integers(0, 2**32 - 1))
    mode = draw(st.sampled_from(("any", "any", "districts", "one_lan")))
    blank_rate = draw(st.sampled_from((0.0, 0.02, 0.1, 0.5, 1.0)))
    vinr_rate = draw(st.sampled_from((0.0, 0.5, 0.9, 1.0)))
    rng = random.Random(seed)
    if mode == "districts":
        pool = [u.kod for u in POPULATION.units if u.is_district]
    elif mode == "one_lan":
        lan = rng.choice(sorted(POPULATION.lan))
        pool = [u.kod for u in POPULATION.units if u.lanskod == lan]
    else:
        pool = [u.kod for u in POPULATION.units]
    n = draw(st.integers(1, len(pool)))
    codes = rng.sample(pool, n)  # file order is random too
    rows = []
    for kod in codes:
        vinr = "Ja" if rng.random() < vinr_rate else rng.choice(("Nej", "nej", ""))
        row = [kod, POPULATION.unit(kod).namn, vinr] + [_answer(rng, q, blank_rate) for q in CODEBOOK.questions]
        rows.append(row)
    return rows


def _build(rows, folder: Path):
    path = folder / "svar.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    return build_results(path, 2017)


def _counts(values) -> tuple[int, int, int, int, int]:
    values = list(values)
    return (values.count(JA), values.count(DELVIS), values.count(NEJ), values.count(EJ_AKTUELLT), values.count(None))


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@FAST
@given(response_files())
def test_aggregate_invariants(rows):
    with tempfile.TemporaryDirectory() as tmp:
        results = _build(rows, Path(tmp))
    answered = {r[0] for r in rows}
    vinr_ja = {r[0] for r in rows if r[2] == "Ja"}
    assert results.answered == answered and results.answered_vinr_part == vinr_ja
    n_ind = len(CATALOGUE)

    # Unit values: no row -> every value blank; VINR part not answered -> its indicators blank.
    for unit in POPULATION.units:
        values = results.unit_values[unit.kod]
        assert len(values) == n_ind
        assert set(values) <= {JA, DELVIS, NEJ, EJ_AKTUELLT, None}
        if unit.kod not in answered:
            assert values == (None,) * n_ind
        elif unit.kod not in vinr_ja:
            assert all(v is None for ind, v in zip(CATALOGUE, values) if ind.del_ == PART_VINR)

    for gr in results.groups:
        members = gr.group.members
        for i, agg in enumerate(gr.aggregates):
            # The counts are the members' values, and add up to the group's size.
            expected = _counts(results.unit_values[k][i] for k in members)
            assert (agg.ja, agg.delvis, agg.nej, agg.ej_aktuellt, agg.bortfall) == expected
            assert agg.ja + agg.delvis + agg.nej + agg.ej_aktuellt + agg.bortfall == agg.enheter == len(members)
            # Suppressed exactly when CONTRACT §4 says; otherwise the half-up share, within 0–100.
            excluded = agg.ej_aktuellt + agg.bortfall
            den = agg.enheter - excluded
            if den == 0 or Fraction(excluded, agg.enheter) > Fraction(SUPPRESSION_PERCENT, 100):
                assert agg.andel is None
            else:
                exact = Fraction(100 * agg.ja, den)
                assert agg.andel == math.floor(exact + Fraction(1, 2))  # halves up
                assert 0 <= agg.andel <= 100
                assert abs(agg.andel - exact) <= Fraction(1, 2)

    # Riket = the sum over the län, over the kommungrupper and over the SKL groups.
    riket = results.riket.aggregates
    for niva in ("lan", "kommungrupp", "skl_grupp"):
        level = results.groups_at(niva)
        assert sorted(k for g in level for k in g.group.members) == sorted(u.kod for u in POPULATION.units)
        for i in range(n_ind):
            total = [sum(getattr(g.aggregates[i], f) for g in level) for f in ("ja", "delvis", "nej", "ej_aktuellt", "bortfall")]
            r = riket[i]
            assert total == [r.ja, r.delvis, r.nej, r.ej_aktuellt, r.bortfall], (niva, i)

    # A district is counted in its own city's storstad group and never in another's.
    for city in POPULATION.cities:
        group = results.group("storstad", city)
        assert set(group.group.members) == {u.kod for u in POPULATION.units if u.stad == city}
        for i, agg in enumerate(group.aggregates):
            own = _counts(results.unit_values[u.kod][i] for u in POPULATION.units if u.stad == city)
            assert (agg.ja, agg.delvis, agg.nej, agg.ej_aktuellt, agg.bortfall) == own


@pytest.mark.slow
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(response_files())
def test_two_builds_are_byte_identical(rows):
    from ojexcel.survey.tidy import write_tidy_file
    from ojexcel.survey.workbook import write_workbook

    outputs = []
    for _ in range(2):
        with tempfile.TemporaryDirectory() as tmp:
            results = _build(rows, Path(tmp))
            write_workbook(results, Path(tmp) / "bok.xlsx")
            write_tidy_file(results, Path(tmp) / "tidy.csv")
            outputs.append(((Path(tmp) / "bok.xlsx").read_bytes(), (Path(tmp) / "tidy.csv").read_bytes()))
    assert outputs[0] == outputs[1]
