"""The two data structures every ISU module shares.

`Arenden` — validated ärenden, column-wise (numpy), as `reader.read_arenden` returns them and
every computation reads them. Identifiers and free text are *not* kept: `arende_id`, `klient_id`,
`handlaggare` and `bu_forbattringsforslag` are read, checked and dropped by the reader, so no
output can leak them (CONTRACT §2). Of `arende_id` only its record key r (§2 item 1, a keyed
hash) is kept: it cannot be turned back into the identifier without the key, and it is never
written.

`IsuResultat` — the compiled, masked tables (CONTRACT §3–§6), as `tabeller.sammanstall` returns
them and every renderer (tidy export, workbook, a unit's report) reads them. Renderers lay out
these rows; they never compute.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Iterator, Protocol

import numpy as np

from ..problems import Problem

NO_DATE = np.int32(np.iinfo(np.int32).min)  # `datum` arrays: no answer
EPOCH = _dt.date(1970, 1, 1)  # `datum` arrays count days from here

# Levels (niva) of the tidy export, in its order (CONTRACT §3, §6).
SAMTLIGA, LAN, KOMMUN, STADSDEL = "samtliga", "lan", "kommun", "stadsdel"
NIVAER = (SAMTLIGA, LAN, KOMMUN, STADSDEL)


def day_number(d: _dt.date) -> int:
    return (d - EPOCH).days


def day_date(n: int) -> _dt.date:
    return EPOCH + _dt.timedelta(days=int(n))


@dataclass
class Arenden:
    """Validated ärenden after the period filter, one array element per ärende, file order.

    - `enheter`: the registration codes that occur ('0114', '0180', '0180-01'), sorted;
      `enhet[i]` is the index of ärende i's code in `enheter`.
    - `enval[kolumn]`: uint8, 0 = no answer, k = the k-th label of the codebook's `svar`.
    - `flerval[kolumn]`: uint32, bit k-1 set when label k is among the answers; 0 = no answer.
    - `datum[kolumn]`: int32 days since 1970-01-01 (`day_number`); `NO_DATE` = no answer.
    - `alder`: int16, 0 = no answer.
    Every enval, flerval and datum column of the codebook is present (a column missing from the
    file is all blanks). The reader has already applied CONTRACT §1's consistency rules: answers
    that are ignored (avslut/brukarenkät answers on an ärende that is not avslutat; partners when
    `samverkan_forekommit` is Nej) are cleared, and a blank `samverkan_forekommit` with partners
    given reads as Ja.
    """

    kalla: str  # the input's file name (no folder), shown on the cover sheet
    enheter: tuple[str, ...]
    enhet: np.ndarray
    enval: dict[str, np.ndarray]
    flerval: dict[str, np.ndarray]
    datum: dict[str, np.ndarray]
    alder: np.ndarray
    warnings: list[Problem] = field(default_factory=list)
    period: tuple[_dt.date | None, _dt.date | None] = (None, None)  # --period, inclusive
    utanfor_period: int = 0  # valid ärenden left out by --period
    # §2 item 1: r per ärende (uint32), or None (read without a key: --utan-brus only)
    record_keys: np.ndarray | None = None
    utanfor_nyckel: int = 0  # the cell key of the ärenden left out by --period (the cover's count)
    syntetisk: bool = False  # read from the embedded synthetic sample: every output must say so (D133)

    @property
    def n(self) -> int:
        return int(self.enhet.shape[0])

    @property
    def avslutat(self) -> np.ndarray:
        """An ärende is avslutat when `datum_avslut` or `avslutsorsak` is given (CONTRACT §1)."""
        return (self.datum["datum_avslut"] != NO_DATE) | (self.enval["avslutsorsak"] != 0)


@dataclass(frozen=True)
class Row:
    """One row of a table, as in the tidy export (CONTRACT §4–§6).

    Numbers are the published ones (§2: perturbed, or the truth under --utan-brus). A value that
    is not shown is None: `maskerad` names the fields §2 withholds (`hidden_reason` says why), so a
    renderer can show its symbol there, and a blank for a value that does not exist (`andel` when
    `bas` is 0; `andel` on a `medel` row; `medel` on the others).
    """

    niva: str
    kod: str  # '' for samtliga
    tabell: str
    delgrupp: str  # '' or 'VARIABEL=värde'
    kategori: str
    antal: int | None
    bas: int | None
    andel: int | None  # whole percent
    medel: str | None  # one decimal with a decimal point: '2.4'
    maskerad: frozenset[str] = frozenset()  # subset of {'antal', 'bas', 'andel', 'medel'}


# Why a value of a written row is not shown (CONTRACT §2 items 4 and 5), from the row alone.
HIDDEN_ROW = "rad"  # item 4: the row's published base is 1..N−1 — nothing of the row is shown
SMALL_BASE = "bas20"  # item 5: a share or mean on a published base under 20
SUM_NOT_PUBLISHED = "summa"  # item 5: a mean's sum (never published under the perturbation)


def hidden_reason(rad: Row, field: str) -> str | None:
    """Why `field` of a written row is not shown, or None when it is shown or does not exist."""
    if field not in rad.maskerad:
        return None
    if "bas" in rad.maskerad:
        return HIDDEN_ROW
    if field == "antal":
        return SUM_NOT_PUBLISHED
    return SMALL_BASE


def withheld_symbol(rad: Row, field: str) -> str | None:
    """The symbol (styles.py, D160) a renderer shows for a withheld value of a written row, or
    None when the value is shown or does not exist."""
    from ..styles import FINNS_INTE, MASKERAD, OSAKER

    reason = hidden_reason(rad, field)
    if reason is None:
        return None
    return {HIDDEN_ROW: MASKERAD, SMALL_BASE: OSAKER, SUM_NOT_PUBLISHED: FINNS_INTE}[reason]


class IsuResults(Protocol):
    """What `tabeller.sammanstall` returns (the implementation is free in its storage)."""

    kalla: str
    period: tuple[_dt.date | None, _dt.date | None]
    minsta_antal: int
    n: int  # ärenden compiled (after --period)
    utanfor_period: int
    warnings: list[Problem]
    utan_brus: bool  # the truth (--utan-brus): not for publication, every output says so
    demo_key: bool  # perturbed with the embedded sample's public demo key
    syntetisk: bool  # compiled from the embedded synthetic sample (a tidy file read back: False)

    def enheter(self, niva: str) -> tuple[str, ...]:
        """The codes present at a level, in tidy order ('' alone for samtliga)."""

    def tabell(self, niva: str, kod: str, tabell: str, delgrupp: str = "") -> list[Row]:
        """One table's rows in tidy order; [] when the table is not written (empty scope)."""

    def rader(self) -> Iterator[Row]:
        """Every row, in the tidy export's order (CONTRACT §6)."""

    def tabellnamn(self) -> tuple[str, ...]:
        """Every table name in tidy order: codebook variables, derived tables, means."""

    def delgrupper(self) -> tuple[str, ...]:
        """Every delgrupp in tidy order, '' first."""
