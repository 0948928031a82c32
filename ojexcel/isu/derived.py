"""The derived variables of CONTRACT isu §4, per ärende, as numpy codes.

Each derived variable is an `enval`: code 0 = no value (uppgift saknas), k = the k-th label of its
label tuple below. The band edges are the contract's: ålder 24/25 … 74/75, ärendelängd in days
90/91, 180/181, 270/271, 360/361 (days from `datum_aktualisering` to `datum_avslut`).
"""
from __future__ import annotations

import numpy as np

from .model import NO_DATE, Arenden

ALDERSGRUPPER = ("18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
_ALDER_NEDRE = np.array([25, 35, 45, 55, 65, 75], dtype=np.int64)  # first age of groups 2..7

ANTAL_INSATSER = ("0", "1", "2", "3", "4", "5+")
ANTAL_SAMVERKANSPARTER = ("0", "1", "2", "3+")

ARENDELANGD = ("0-90", "91-180", "181-270", "271-360", "361+")
_DAGAR_NEDRE = np.array([91, 181, 271, 361], dtype=np.int64)  # first day count of groups 2..5

JA_NEJ = ("Ja", "Nej")
JA, NEJ = 1, 2

BRUKARENKAT_KOLUMNER = (
    "bu_forandring_valdsutsatthet",
    "bu_insatsernas_betydelse",
    "bu_positiva_inslag",
    "bu_delaktighet",
)


def antal_svar(bits: np.ndarray) -> np.ndarray:
    """The number of answers in a `flerval` column (set bits), as int64."""
    return np.bitwise_count(bits).astype(np.int64)


def aldersgrupp(alder: np.ndarray) -> np.ndarray:
    """18-24 … 75+ from `alder` (0 = no answer)."""
    kod = 1 + np.searchsorted(_ALDER_NEDRE, alder.astype(np.int64), side="right")
    return np.where(alder == 0, 0, kod).astype(np.uint8)


def dagar(arenden: Arenden) -> tuple[np.ndarray, np.ndarray]:
    """(har_bada, dagar): whether both dates are given, and the days between them (0 where not)."""
    avslut = arenden.datum["datum_avslut"]
    aktuell = arenden.datum["datum_aktualisering"]
    har = (avslut != NO_DATE) & (aktuell != NO_DATE)
    d = np.where(har, avslut.astype(np.int64) - aktuell.astype(np.int64), 0)
    return har, d


def arendelangd(har_bada: np.ndarray, dagar_: np.ndarray) -> np.ndarray:
    """0-90 … 361+ from the days; 0 (blank) without both dates."""
    kod = 1 + np.searchsorted(_DAGAR_NEDRE, dagar_, side="right")
    return np.where(har_bada, kod, 0).astype(np.uint8)


def antal_insatser(insatser: np.ndarray) -> np.ndarray:
    """0, 1, 2, 3, 4, 5+ answers in `insatser`; never blank."""
    return (np.minimum(antal_svar(insatser), 5) + 1).astype(np.uint8)


def antal_samverkansparter(forekommit: np.ndarray, samverkan: np.ndarray, nej: int) -> np.ndarray:
    """0 when `samverkan_forekommit` is Nej; 1, 2, 3+ partners; blank otherwise."""
    parter = antal_svar(samverkan)
    kod = np.where(parter >= 1, np.minimum(parter, 3) + 1, 0)
    return np.where(forekommit == nej, 1, kod).astype(np.uint8)


def ja_nej(villkor: np.ndarray, inom: np.ndarray | None = None) -> np.ndarray:
    """Ja (1) where `villkor`, else Nej (2); 0 outside `inom` when given."""
    kod = np.where(villkor, JA, NEJ).astype(np.uint8)
    if inom is not None:
        kod[~inom] = 0
    return kod


def har_brukarenkat(arenden: Arenden) -> np.ndarray:
    """At least one of the four brukarenkät `enval` answers (any ärende; scope it yourself)."""
    out = np.zeros(arenden.n, dtype=bool)
    for kolumn in BRUKARENKAT_KOLUMNER:
        out |= arenden.enval[kolumn] != 0
    return out
