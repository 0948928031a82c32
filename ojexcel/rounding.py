"""The one half-up rounding of both products: exact integer arithmetic, never binary floating point.

CONTRACT §4 (survey shares) and CONTRACT isu §5 (shares, means) round halves up: 12.5 → 13,
2.45 → 2.5. Every rounded number of ojexcel is `div_half_up` of two integers.
"""
from __future__ import annotations


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator/denominator rounded to a whole number, halves up, exactly (numerator ≥ 0)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    return (2 * numerator + denominator) // (2 * denominator)


def share_half_up(part: int, whole: int) -> int:
    """round(100·part/whole) with halves rounded up, exactly: 1/8 → 13, 3/8 → 38."""
    return div_half_up(100 * part, whole)


def tenths_half_up(numerator: int, denominator: int) -> int:
    """numerator/denominator in tenths, halves up, exactly: 49/20 → 25 (2.45 → 2.5)."""
    return div_half_up(10 * numerator, denominator)


def tenths_text(tenths: int) -> str:
    """Tenths as text with a decimal point: 125 → '12.5', 3 → '0.3'."""
    return f"{tenths // 10}.{tenths % 10}"


def shares_half_up(part, whole):
    """Vectorised `share_half_up` over numpy arrays; −1 where whole ≤ 0."""
    import numpy as np

    b = np.maximum(whole, 1)
    return np.where(whole > 0, (200 * part + b) // (2 * b), -1)
