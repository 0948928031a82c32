"""The layout of the compiled tables, from the codebook alone (CONTRACT isu §3, §4, §6).

Which tables exist (every `enval` and `flerval` variable in codebook order, then the derived tables
in §4's order, then the three means), their rows (`kategori`), their scope, their combined
categories (`kombinerade.csv`, package data), the delgrupper in tidy order, and which table is
broken down by which delgrupp. The plan also lays every (table, delgrupp, row) of one unit out on a
line of *slots* in tidy order, so the compilation stores each measure as one [unit × slot] array.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from . import derived as H
from .codebook import Codebook, CodebookError, load_codebook

# Table kinds.
ENVAL, FLERVAL, FASER, MEDEL = "enval", "flerval", "faser", "medel"
# Scopes (§3): every ärende; avslutade; avslutade with a brukarenkät. Means have their own sets.
ALLA, AVSLUTADE, BRUKARENKAT = "alla", "avslutade", "brukarenkat"
SCOPE_AV_FAS = {"aktualisering": ALLA, "fore": ALLA, "under": ALLA, "avslut": AVSLUTADE, "brukarenkat": BRUKARENKAT}

UPPGIFT_SAKNAS = "uppgift_saknas"
MINST_ETT_SVAR = "minst_ett_svar"
MEDEL_KATEGORI = "medel"
FASER_KATEGORIER = ("aktualiserade", "minst_en_insats", "avslutade", "med_maluppfoljning", "med_brukarenkat")

# Row kinds (per slot).
ETIKETT, KOMBINERAD, SAKNAS, MINST, FAS, MEDELRAD, FLER_ETIKETT = range(7)

# Derived tables (§4's order): name, scope, labels.
HARLEDDA = (
    ("faser", ALLA, FASER_KATEGORIER),
    ("aldersgrupp", ALLA, H.ALDERSGRUPPER),
    ("antal_insatser", ALLA, H.ANTAL_INSATSER),
    ("riskbedomning_gjord", ALLA, H.JA_NEJ),
    ("antal_samverkansparter", ALLA, H.ANTAL_SAMVERKANSPARTER),
    ("arendelangd", AVSLUTADE, H.ARENDELANGD),
    ("har_brukarenkat", AVSLUTADE, H.JA_NEJ),
    ("toppgrupp", AVSLUTADE, H.JA_NEJ),
)
MEDELTABELLER = ("medel_antal_insatser", "medel_antal_samverkansparter", "medel_arendelangd")

# Breakdowns (§4's order); `hrv` is hedersrelaterat_vald's Ja/Nej, funktionsnedsattning multi-valued.
HRV = "hrv"
NEDBRYTNINGAR = (
    "kon", HRV, "aldersgrupp", "ursprung", "valdets_grad", "funktionsnedsattning",
    "riskbedomning_gjord", "maluppfoljning", "arendelangd", "toppgrupp", "har_brukarenkat",
)
# A table is not broken down by its own variable (§4): same name, plus these.
EGEN_NEDBRYTNING = {"hedersrelaterat_vald": HRV, "medel_arendelangd": "arendelangd"}


@dataclass(frozen=True)
class Combined:
    namn: str
    delar: tuple[int, ...]  # 0-based label positions


@dataclass(frozen=True)
class Table:
    namn: str
    typ: str  # ENVAL (variables and derived), FLERVAL, FASER, MEDEL
    omfang: str  # ALLA, AVSLUTADE, BRUKARENKAT (MEDEL: its own set, see tabeller)
    svar: tuple[str, ...]  # labels (FASER: its rows)
    kombinerade: tuple[Combined, ...] = ()
    harledd: bool = False

    @property
    def kategorier(self) -> tuple[str, ...]:
        """The rows' `kategori`, in tidy order (§4)."""
        komb = tuple(k.namn for k in self.kombinerade)
        if self.typ == ENVAL:
            return self.svar + komb + (UPPGIFT_SAKNAS,)
        if self.typ == FLERVAL:
            return (MINST_ETT_SVAR,) + self.svar + komb + (UPPGIFT_SAKNAS,)
        if self.typ == FASER:
            return self.svar
        return (MEDEL_KATEGORI,)

    @property
    def row_kinds(self) -> tuple[int, ...]:
        k, j = len(self.svar), len(self.kombinerade)
        if self.typ == ENVAL:
            return (ETIKETT,) * k + (KOMBINERAD,) * j + (SAKNAS,)
        if self.typ == FLERVAL:
            return (MINST,) + (FLER_ETIKETT,) * k + (KOMBINERAD,) * j + (SAKNAS,)
        if self.typ == FASER:
            return (FAS,) * k
        return (MEDELRAD,)

    @property
    def width(self) -> int:
        return len(self.row_kinds)

    @property
    def combined_start(self) -> int:
        """Row position of the first combined category."""
        return len(self.svar) + (1 if self.typ == FLERVAL else 0)


@dataclass(frozen=True)
class Breakdown:
    namn: str
    svar: tuple[str, ...]
    flera: bool = False  # an ärende belongs to each of its answers (funktionsnedsattning)


@dataclass(frozen=True, eq=False)  # identity hash: caches keyed by the plan
class Plan:
    tabeller: tuple[Table, ...]
    nedbrytningar: tuple[Breakdown, ...]
    delgrupper: tuple[str, ...]  # '' first, then 'VARIABEL=värde' in §4's order
    delgrupp_nedbrytning: tuple[int, ...]  # per delgrupp: breakdown index, -1 for ''
    tillatna: tuple[tuple[int, ...], ...]  # per table: the delgrupp indexes it is written for
    start: tuple[int, ...]  # per table: its first slot
    slots: int
    # Per slot (numpy, length `slots`): table index, delgrupp index, row position, row kind.
    slot_tabell: np.ndarray
    slot_delgrupp: np.ndarray
    slot_rad: np.ndarray
    slot_typ: np.ndarray

    def table_index(self, namn: str) -> int:
        return self._tabellindex[namn]  # type: ignore[attr-defined]

    def delgrupp_index(self, namn: str) -> int:
        return self._delgruppindex[namn]  # type: ignore[attr-defined]

    def block(self, t: int, d: int) -> slice | None:
        """The slots of table t for delgrupp d (None when not broken down so)."""
        pos = self._blockpos[t].get(d)  # type: ignore[attr-defined]
        if pos is None:
            return None
        width = self.tabeller[t].width
        a = self.start[t] + pos * width
        return slice(a, a + width)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tabellindex", {t.namn: i for i, t in enumerate(self.tabeller)})
        object.__setattr__(self, "_delgruppindex", {d: i for i, d in enumerate(self.delgrupper)})
        object.__setattr__(self, "_blockpos", tuple({d: p for p, d in enumerate(ds)} for ds in self.tillatna))


def parse_combined(text: str, kodbok: Codebook) -> dict[str, tuple[Combined, ...]]:
    out: dict[str, list[Combined]] = {}
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        tabell, namn = row["tabell"].strip(), row["kategori"].strip()
        if tabell not in kodbok or not kodbok[tabell].is_choice:
            raise CodebookError(f"kombinerade.csv row {n}: {tabell!r} is not an enval or flerval variable")
        svar = kodbok[tabell].svar
        delar = tuple(d.strip() for d in row["delar"].split("|"))
        if any(d not in svar for d in delar) or len(set(delar)) != len(delar) or len(delar) < 2:
            raise CodebookError(f"kombinerade.csv row {n}: parts {delar!r} are not labels of {tabell}")
        if namn in svar or namn in (k.namn for k in out.get(tabell, ())) or namn in (UPPGIFT_SAKNAS, MINST_ETT_SVAR):
            raise CodebookError(f"kombinerade.csv row {n}: category {namn!r} repeats a row of {tabell}")
        out.setdefault(tabell, []).append(Combined(namn, tuple(svar.index(d) for d in delar)))
    return {k: tuple(v) for k, v in out.items()}


def build_plan(kodbok: Codebook, kombinerade: dict[str, tuple[Combined, ...]]) -> Plan:
    tabeller: list[Table] = []
    for v in kodbok.of_type("enval", "flerval"):
        tabeller.append(Table(v.kolumn, v.typ, SCOPE_AV_FAS[v.fas], v.svar, kombinerade.get(v.kolumn, ())))
    for namn, omfang, svar in HARLEDDA:
        tabeller.append(Table(namn, FASER if namn == "faser" else ENVAL, omfang, svar, harledd=True))
    for namn in MEDELTABELLER:
        tabeller.append(Table(namn, MEDEL, ALLA, (), harledd=True))
    namn_alla = [t.namn for t in tabeller]
    if len(set(namn_alla)) != len(namn_alla):
        raise CodebookError("a derived table's name repeats a codebook variable")

    derived = {namn: svar for namn, _, svar in HARLEDDA}
    ned: list[Breakdown] = []
    for namn in NEDBRYTNINGAR:
        if namn == HRV:
            ned.append(Breakdown(HRV, kodbok["hedersrelaterat_vald"].svar[:2]))
        elif namn in derived:
            ned.append(Breakdown(namn, derived[namn]))
        else:
            ned.append(Breakdown(namn, kodbok[namn].svar, flera=kodbok[namn].typ == "flerval"))
    if ned[1].svar != ("Ja", "Nej"):
        raise CodebookError("hedersrelaterat_vald must begin with the labels Ja, Nej")

    delgrupper = [""]
    delgrupp_ned = [-1]
    for b, nb in enumerate(ned):
        for s in nb.svar:
            delgrupper.append(f"{nb.namn}={s}")
            delgrupp_ned.append(b)

    tillatna: list[tuple[int, ...]] = []
    start: list[int] = []
    pos = 0
    st, sd, sr, sk = [], [], [], []
    for ti, t in enumerate(tabeller):
        egen = {t.namn, EGEN_NEDBRYTNING.get(t.namn)}
        ds = tuple(d for d, b in enumerate(delgrupp_ned) if b < 0 or ned[b].namn not in egen)
        tillatna.append(ds)
        start.append(pos)
        typer = t.row_kinds
        for d in ds:
            st.extend([ti] * len(typer))
            sd.extend([d] * len(typer))
            sr.extend(range(len(typer)))
            sk.extend(typer)
        pos += len(ds) * len(typer)
    return Plan(
        tabeller=tuple(tabeller),
        nedbrytningar=tuple(ned),
        delgrupper=tuple(delgrupper),
        delgrupp_nedbrytning=tuple(delgrupp_ned),
        tillatna=tuple(tillatna),
        start=tuple(start),
        slots=pos,
        slot_tabell=np.array(st, dtype=np.int32),
        slot_delgrupp=np.array(sd, dtype=np.int32),
        slot_rad=np.array(sr, dtype=np.int32),
        slot_typ=np.array(sk, dtype=np.int8),
    )


@cache
def load_plan() -> Plan:
    kodbok = load_codebook()
    text = resources.files("ojexcel.isu").joinpath("kombinerade.csv").read_text(encoding="utf-8")
    return build_plan(kodbok, parse_combined(text, kodbok))
