"""Shares, half-up rounding in exact arithmetic, and the strict > 20 % suppression rule."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ojexcel.rounding import share_half_up
from ojexcel.survey.aggregate import Aggregate, count, is_suppressed


@pytest.mark.parametrize(
    "ja, den, expected",
    [
        (1, 8, 13),  # 12.5 -> 13
        (3, 8, 38),  # 37.5 -> 38
        (5, 8, 63),  # 62.5 -> 63
        (1, 3, 33),
        (2, 3, 67),
        (0, 5, 0),
        (5, 5, 100),
        (1, 200, 1),  # 0.5 -> 1
        (1, 201, 0),  # 0.497...
        (250, 301, 83),
    ],
)
def test_share_half_up(ja, den, expected):
    assert share_half_up(ja, den) == expected


@given(st.integers(1, 10_000).flatmap(lambda den: st.tuples(st.integers(0, den), st.just(den))))
def test_share_matches_exact_fraction_rounding(pair):
    ja, den = pair
    exact = Fraction(100 * ja, den)
    assert share_half_up(ja, den) == int(exact + Fraction(1, 2))  # floor(x + 1/2): halves go up
    assert 0 <= share_half_up(ja, den) <= 100


def test_suppression_at_exactly_20_percent_is_shown():
    assert not is_suppressed(2, 10)
    assert not is_suppressed(63, 315)  # exactly 20 %
    agg = Aggregate(ja=4, delvis=0, nej=4, ej_aktuellt=1, bortfall=1)  # 2 of 10 excluded
    assert agg.andel == 50


def test_suppression_just_above_20_percent_is_hidden():
    assert is_suppressed(3, 14)  # 21.4 %
    assert is_suppressed(64, 316)  # 20.25 %
    assert not is_suppressed(63, 316)  # 19.9 %
    agg = Aggregate(ja=4, delvis=0, nej=3, ej_aktuellt=2, bortfall=1)  # 3 of 10 excluded
    assert agg.suppressed and agg.andel is None


def test_zero_denominator_is_suppressed():
    assert is_suppressed(0, 0)
    assert Aggregate(0, 0, 0, 0, 0).andel is None


def test_delvis_counts_in_the_denominator_not_the_numerator():
    agg = Aggregate(ja=1, delvis=1, nej=0, ej_aktuellt=0, bortfall=0)
    assert agg.denominator == 2 and agg.andel == 50


def test_count():
    agg = count(["Ja", "Ja", "Nej", "Delvis", "Ej aktuellt", None, None])
    assert (agg.ja, agg.delvis, agg.nej, agg.ej_aktuellt, agg.bortfall, agg.enheter) == (2, 1, 1, 1, 2, 7)


def test_count_rejects_unknown_values():
    with pytest.raises(ValueError):
        count(["Kanske"])


values = st.lists(st.sampled_from(["Ja", "Delvis", "Nej", "Ej aktuellt", None]), max_size=60)


@given(values)
def test_aggregate_invariants(vals):
    agg = count(vals)
    assert agg.ja + agg.delvis + agg.nej + agg.ej_aktuellt + agg.bortfall == agg.enheter == len(vals)
    excluded = agg.ej_aktuellt + agg.bortfall
    assert agg.suppressed == (agg.denominator == 0 or Fraction(excluded, len(vals) or 1) > Fraction(1, 5))
    if agg.andel is not None:
        assert 0 <= agg.andel <= 100
        assert abs(Fraction(100 * agg.ja, agg.denominator) - agg.andel) <= Fraction(1, 2)
