"""Kolada's three IFO key figures from ärende records (CONTRACT isu §7).

    kpi,enhetskod,period,antal,vuxna,varde
    U30750,0180,2022,14,,3.1
    U30750,0180-01,2022,5,41203,1.2

- The KPIs are data (`KPIER`): each counts the ärenden whose date column lies in ÅR and that meet
  a few conditions of two kinds — a `flerval` column with at least one answer, an `enval` column
  with one of some labels of the codebook. `kolada_rader` interprets them; nothing is counted per
  KPI by hand.
- One row per KPI and per kommun and stadsdel with at least one ärende in the input (after
  `--period`, if any): `antal` may be 0. A kommun counts its districts' ärenden too.
- `varde` = 10 000 · antal / vuxna, one decimal, halves up, exact integer arithmetic, written
  with a decimal point; `adults` from the user's file for the unit and ÅR (`read_vuxna`). Without
  a row there, `adults` and `varde` are empty.
- A kommun with ärenden registered under its district codes gets the mean of the `varde` of those
  districts (rows of this export) that have one — the mean of the published one-decimal values,
  itself to one decimal, halves up, exact — and an empty `adults`; ärenden under the city's own
  code count in its `antal` only. No district with a `varde`: the kommun's `varde` is empty.
- Rows are ordered by `kpi`, then `enhetskod` (as text: `0180` before `0180-01`).
- Nothing but codes and counts is written: no identifier can reach the file, and the rates are
  Kolada's own, not masked (§7).
"""
from __future__ import annotations

import csv
import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, TextIO

import numpy as np

from ..population import Population
from ..problems import WARNING, Problem
from ..rounding import div_half_up, tenths_half_up, tenths_text
from .codebook import Codebook
from .model import Arenden, day_number

KOLADA_HEADER = ("kpi", "enhetskod", "period", "antal", "vuxna", "varde")
PER_INVANARE = 10_000  # Kolada: antal per 10 000 vuxna invånare


# --------------------------------------------------------------------------------------------
# The KPIs, as data


@dataclass(frozen=True)
class Condition:
    """One condition on an ärende: a `flerval` column with at least one answer (`svar` empty),
    or an `enval` column whose answer is one of `svar` (labels of the codebook)."""

    kolumn: str
    svar: tuple[str, ...] = ()


@dataclass(frozen=True)
class KoladaKpi:
    """A KPI (its title and definition: `municipality_groups/kolada/kolada_kpi_meta_vinr.csv`)."""

    kpi: str
    datum: str  # the `datum` column that must lie in ÅR
    villkor: tuple[Condition, ...] = ()


def _first_two(kodbok: Codebook, kolumn: str) -> tuple[str, ...]:
    return kodbok[kolumn].svar[:2]


def kpis(kodbok: Codebook) -> tuple[KoladaKpi, ...]:
    """The three KPIs of §7, in Kolada's id order."""
    minst_en_insats = Condition("insatser")
    return (
        KoladaKpi("U30750", "datum_aktualisering"),  # aktualiserade
        KoladaKpi("U30751", "datum_aktualisering", (minst_en_insats,)),  # minst en insats
        KoladaKpi("U30752", "datum_avslut", (  # avslutade, målet nått helt eller delvis
            minst_en_insats,
            Condition("forandringsmal_finns", ("Ja",)),
            Condition("maluppfoljning", _first_two(kodbok, "maluppfoljning")),
        )),
    )


def raknas(kpi: KoladaKpi, data: Arenden, kodbok: Codebook, ar: int) -> np.ndarray:
    """Boolean mask: the ärenden `kpi` counts in year `ar`."""
    dagar = data.datum[kpi.datum]
    mask = (dagar >= day_number(_dt.date(ar, 1, 1))) & (dagar <= day_number(_dt.date(ar, 12, 31)))
    for v in kpi.villkor:
        var = kodbok[v.kolumn]
        if var.typ == "flerval" and not v.svar:
            mask &= data.flerval[v.kolumn] != 0
        elif var.typ == "enval" and v.svar:
            nummer = [var.nummer(label) for label in v.svar]  # ValueError: a label the codebook lacks
            mask &= np.isin(data.enval[v.kolumn], np.asarray(nummer, dtype=data.enval[v.kolumn].dtype))
        else:
            raise ValueError(f"{kpi.kpi}: cannot read the condition on {v.kolumn} ({var.typ})")
    return mask


# --------------------------------------------------------------------------------------------
# Numbers


def per_10000_tenths(antal: int, vuxna: int) -> int:
    """10 000·antal/vuxna in tenths, halves rounded up, exactly: (antal 1, vuxna 800) → 125 (12.5)."""
    if vuxna <= 0 or antal < 0:
        raise ValueError("vuxna must be positive and antal non-negative")
    return tenths_half_up(PER_INVANARE * antal, vuxna)


def mean_tenths(varden: list[int]) -> int:
    """The mean of values in tenths, in tenths, halves rounded up, exactly: [12, 13] → 13 (1.25 → 1.3)."""
    if not varden:
        raise ValueError("no values to average")
    return div_half_up(sum(varden), len(varden))


# --------------------------------------------------------------------------------------------
# The export


@dataclass(frozen=True)
class KoladaRow:
    kpi: str
    enhetskod: str
    period: int
    antal: int
    vuxna: int | None  # empty for a kommun given the mean of its districts, or without a population row
    tiondelar: int | None  # varde in tenths; None: no varde

    @property
    def varde(self) -> str:
        return "" if self.tiondelar is None else tenths_text(self.tiondelar)


@dataclass
class KoladaExport:
    rader: list[KoladaRow]
    warnings: list[Problem]

    @property
    def without_value(self) -> int:
        return sum(r.tiondelar is None for r in self.rader)


# The default masking threshold of the published tables (`isu build --minsta-antal`, CONTRACT §2): the
# export warns when it holds smaller counts, which the tables would hide.
SMA_TAL = 5


def _kommun_of(kod: str, population: Population) -> str:
    unit = population.by_kod.get(kod)  # type: ignore[attr-defined]
    return unit.stad if unit is not None and unit.stad is not None else kod


def kolada_rows(
    data: Arenden,
    kodbok: Codebook,
    population: Population,
    ar: int,
    vuxna: Mapping[tuple[str, int], int] | None = None,
) -> KoladaExport:
    """The rows of the export for year `ar`, ordered by kpi then enhetskod (§7).

    `adults` maps (enhetskod, år) to the unit's inhabitants 18+ (`read_vuxna`); None: no file."""
    vuxna = vuxna or {}
    warnings: list[Problem] = []
    stadsdelar = [k for k in data.enheter if population.by_kod.get(k) is not None  # type: ignore[attr-defined]
                  and population.by_kod[k].is_district]  # type: ignore[attr-defined]
    kommuner = sorted({_kommun_of(k, population) for k in data.enheter})
    per_stad: dict[str, list[str]] = {}
    for k in stadsdelar:
        per_stad.setdefault(_kommun_of(k, population), []).append(k)

    rader: list[KoladaRow] = []
    aktualiserade_i_ar = 0
    for kpi in kpis(kodbok):
        mask = raknas(kpi, data, kodbok, ar)
        if kpi.datum == "datum_aktualisering" and not kpi.villkor:
            aktualiserade_i_ar = int(mask.sum())
        per_kod = np.bincount(data.enhet[mask], minlength=len(data.enheter)) if data.n else np.zeros(len(data.enheter), int)
        antal = {k: int(per_kod[i]) for i, k in enumerate(data.enheter)}
        kommun_antal: dict[str, int] = {}
        for k, a in antal.items():
            kommun_antal[_kommun_of(k, population)] = kommun_antal.get(_kommun_of(k, population), 0) + a

        egna: dict[str, KoladaRow] = {}
        for kod in stadsdelar:
            egna[kod] = _row(kpi.kpi, kod, ar, antal[kod], vuxna.get((kod, ar)))
        for kod in kommuner:
            if kod in per_stad:
                varden = [egna[s].tiondelar for s in per_stad[kod] if egna[s].tiondelar is not None]
                egna[kod] = KoladaRow(kpi.kpi, kod, ar, kommun_antal[kod], None,
                                      mean_tenths(varden) if varden else None)  # type: ignore[arg-type]
            else:
                egna[kod] = _row(kpi.kpi, kod, ar, kommun_antal[kod], vuxna.get((kod, ar)))
        rader.extend(egna[k] for k in sorted(egna))

    if data.n and aktualiserade_i_ar == 0:
        warnings.append(Problem(f"no ärende has datum_aktualisering in {ar}: every antal of U30750 and U30751 is 0",
                                file=data.kalla or None, column="datum_aktualisering", severity=WARNING))
    sma = sum(1 for r in rader if 0 < r.antal < SMA_TAL)
    if sma:
        warnings.append(Problem(
            f"{sma} row(s) count 1–{SMA_TAL - 1} ärenden: Kolada's format carries the counts unmasked (CONTRACT "
            "§7), so this file is for reporting to Kolada, not for publishing as it stands",
            file=data.kalla or None, column="antal", severity=WARNING))
    if vuxna and not any(a == ar for _, a in vuxna):
        warnings.append(Problem(f"the population file has no row for {ar}: vuxna and varde are empty",
                                file=getattr(vuxna, "kalla", None), column="ar", severity=WARNING))
    return KoladaExport(rader, warnings)


def _row(kpi: str, kod: str, ar: int, antal: int, vuxna: int | None) -> KoladaRow:
    return KoladaRow(kpi, kod, ar, antal, vuxna, None if vuxna is None else per_10000_tenths(antal, vuxna))


def write_kolada(rader: list[KoladaRow], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KOLADA_HEADER)
    for r in rader:
        writer.writerow((r.kpi, r.enhetskod, r.period, r.antal, "" if r.vuxna is None else r.vuxna, r.varde))


def write_kolada_file(rader: list[KoladaRow], path: Path) -> None:
    """UTF-8 without BOM, `\\n` line ends (write through `output.atomic_outputs`)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        write_kolada(rader, fh)
