"""Aggregates: the share of units with Ja in a group, with its counts (CONTRACT §4).

Denominator = N − ej_aktuellt − bortfall. Share = 100·ja/denominator in whole percent, halves
rounded up, in exact integer arithmetic. Suppressed (None) when (ej_aktuellt + bortfall)/N exceeds
the year's threshold — 20 % unless the årgång says otherwise (CONTRACT §7); exactly the threshold
is shown — or when the denominator is 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..rounding import share_half_up
from .rules import DELVIS, EJ_AKTUELLT, JA, NEJ

SUPPRESSION_PERCENT = 20


@dataclass(frozen=True)
class Aggregate:
    ja: int
    delvis: int
    nej: int
    ej_aktuellt: int
    bortfall: int
    undertryckning: int = field(default=20, compare=False, repr=False)  # percent (the year's threshold)

    @property
    def enheter(self) -> int:
        return self.ja + self.delvis + self.nej + self.ej_aktuellt + self.bortfall

    @property
    def denominator(self) -> int:
        return self.enheter - self.ej_aktuellt - self.bortfall

    @property
    def suppressed(self) -> bool:
        return is_suppressed(self.ej_aktuellt + self.bortfall, self.enheter, self.undertryckning)

    @property
    def andel(self) -> int | None:
        """The published share, or None when suppressed."""
        if self.suppressed:
            return None
        return share_half_up(self.ja, self.denominator)


def is_suppressed(excluded: int, n: int, percent: int = SUPPRESSION_PERCENT) -> bool:
    """True when excluded/n > percent (strictly; 20 % by default), or nothing is left to divide by."""
    return n - excluded <= 0 or 100 * excluded > percent * n


def count(values) -> Aggregate:
    ja = delvis = nej = ea = bortfall = 0
    for v in values:
        if v is None:
            bortfall += 1
        elif v == JA:
            ja += 1
        elif v == NEJ:
            nej += 1
        elif v == EJ_AKTUELLT:
            ea += 1
        elif v == DELVIS:
            delvis += 1
        else:
            raise ValueError(f"not a unit value: {v!r}")
    return Aggregate(ja, delvis, nej, ea, bortfall)


def _count_column(values: tuple, percent: int) -> Aggregate:
    """`count` for a tuple of values, with the counting done by tuple.count (C speed)."""
    agg = Aggregate(values.count(JA), values.count(DELVIS), values.count(NEJ), values.count(EJ_AKTUELLT),
                    values.count(None), percent)
    if agg.enheter != len(values):
        return count(values)  # raises on the value that is not a unit value
    return agg


def aggregate_group(members, unit_values, n_indicators: int, percent: int = SUPPRESSION_PERCENT) -> tuple[Aggregate, ...]:
    """One Aggregate per indicator over the member units' values; `percent`: the suppression threshold."""
    rows = [unit_values[kod] for kod in members]
    if not rows:
        return tuple(Aggregate(0, 0, 0, 0, 0, percent) for _ in range(n_indicators))
    return tuple(_count_column(column, percent) for column in zip(*rows))
