"""Random valid `Arenden`, built directly as arrays (no file): for benchmarks of the compilation
and for tests. Every invariant of `modell.Arenden` holds (avslut and brukarenkät answers only on
avslutade ärenden, no partners when samverkan_forekommit is Nej, dates in order, ålder 18–120).
Not the embedded sample: the answers are drawn independently, with some blanks.
"""
from __future__ import annotations

import numpy as np

from ojexcel.isu.codebook import Codebook, load_codebook
from ojexcel.isu.model import NO_DATE, Arenden, day_number

START = day_number(__import__("datetime").date(2021, 1, 1))


def alla_enheter(population) -> tuple[str, ...]:
    """Every registration code: the 290 kommuner (the three cities' own codes included) and the
    29 districts, sorted."""
    return tuple(sorted(set(population.municipalities) | {u.kod for u in population.units}))


def slumpa_arenden(n: int, enheter: tuple[str, ...], seed: int = 1, kodbok: Codebook | None = None,
                   blank: float = 0.05) -> Arenden:
    kodbok = kodbok or load_codebook()
    rng = np.random.default_rng(seed)
    vikt = rng.pareto(1.2, len(enheter)) + 0.05  # some big units, many small
    enhet = np.sort(rng.choice(len(enheter), size=n, p=vikt / vikt.sum())).astype(np.int32)
    aktuell = (START + rng.integers(0, 3 * 365, n)).astype(np.int32)
    avsl = rng.random(n) < 0.78
    langd = rng.geometric(1 / 150, n).astype(np.int32) - 1
    datum_avslut = np.where(avsl & (rng.random(n) < 0.9), aktuell + langd, NO_DATE).astype(np.int32)
    insats = np.where(rng.random(n) < 0.85, aktuell + rng.integers(0, 30, n), NO_DATE).astype(np.int32)
    bu = avsl & (rng.random(n) < 0.36)
    enval: dict[str, np.ndarray] = {}
    flerval: dict[str, np.ndarray] = {}
    for v in kodbok.of_type("enval", "flerval"):
        k = len(v.svar)
        if v.typ == "enval":
            p = rng.dirichlet(np.ones(k) * 1.5)
            col = (rng.choice(k, size=n, p=p) + 1).astype(np.uint8)
            col[rng.random(n) < blank] = 0
        else:
            p = rng.dirichlet(np.ones(k)) * min(k, 3) / 2
            bits = (rng.random((n, k)) < p).astype(np.uint32) << np.arange(k, dtype=np.uint32)
            col = bits.sum(axis=1, dtype=np.uint32)
            if v.kolumn == "funktionsnedsattning":  # Nej and Vet ej stand alone
                alone = col & np.uint32(0b11000)
                col = np.where(alone != 0, np.where(col & np.uint32(0b01000), np.uint32(0b01000), np.uint32(0b10000)), col)
            col[rng.random(n) < blank] = 0
        if v.fas == "avslut":
            col[~avsl] = 0
        if v.fas == "brukarenkat":
            col[~bu] = 0
        (enval if v.typ == "enval" else flerval)[v.kolumn] = col
    # avslutat is datum_avslut or avslutsorsak: keep avslutsorsak where there is no datum_avslut
    orsak = enval["avslutsorsak"]
    orsak[avsl & (datum_avslut == NO_DATE) & (orsak == 0)] = 1
    nej = enval["samverkan_forekommit"] == 2
    flerval["samverkan"][nej] = 0
    # CONTRACT §1, as the reader applies it: a blank samverkan_forekommit with partners reads as Ja
    fore = enval["samverkan_forekommit"]
    fore[(fore == 0) & (flerval["samverkan"] != 0)] = 1
    alder = rng.integers(18, 95, n).astype(np.int16)
    alder[rng.random(n) < blank] = 0
    datum = {v.kolumn: np.full(n, NO_DATE, dtype=np.int32) for v in kodbok.of_type("datum")}
    datum["datum_aktualisering"] = aktuell
    datum["datum_avslut"] = datum_avslut
    if "datum_insats_paborjad" in datum:
        datum["datum_insats_paborjad"] = insats
    # record keys (CONTRACT isu §2 item 1) as the HMAC would give them: uniform, from a stream of
    # their own, so the answers above are those of earlier versions
    keys = np.random.default_rng([seed, 20]).integers(0, 1 << 32, n, dtype=np.uint64).astype(np.uint32)
    return Arenden(kalla="slump", enheter=tuple(enheter), enhet=enhet, enval=enval, flerval=flerval,
                   datum=datum, alder=alder, record_keys=keys)
