"""The compiled, masked tables (`modell.IsuResultat`), stored column-wise.

Every measure is one int64 array [output unit × slot] (`tabellplan.Plan`'s layout: per unit, the
rows of every table × delgrupp in tidy order): `antal`, `bas` (−1 where the table is not written:
an empty scope), `mask_bas`, `mask_antal` (`masking`). `Rad` objects are built only when asked
for (`tabell`, `rad`, `rader`); the tidy export reads the arrays directly. Shares and means are
computed from antal and bas in exact integer arithmetic, halves rounded up (CONTRACT §5).
"""
from __future__ import annotations

import datetime as _dt
from typing import Iterator

import numpy as np

from ..problems import Problem
from ..rounding import share_half_up, tenths_half_up, tenths_text
from .model import NIVAER, SAMTLIGA, Row
from .table_plan import MEDELRAD, Plan

MASK_RAD = frozenset({"antal", "bas", "andel"})
MASK_MEDEL = frozenset({"antal", "bas", "medel"})
MASK_ANTAL = frozenset({"antal", "andel"})


def medel_text(summa: int, antal: int) -> str:
    """summa/antal with one decimal, halves up, exactly, with a decimal point: 49/20 → '2.5'."""
    return tenths_text(tenths_half_up(summa, antal))


class IsuTables:
    """`IsuResultat` over the column-wise arrays of `tabeller.sammanstall`."""

    def __init__(self, *, plan: Plan, kalla: str, period: tuple[_dt.date | None, _dt.date | None], minsta_antal: int,
                 n: int, utanfor_period: int, warnings: list[Problem], enhetslista: list[tuple[str, str]],
                 antal: np.ndarray, bas: np.ndarray, mask_bas: np.ndarray, mask_antal: np.ndarray,
                 syntetisk: bool = False):
        self.plan = plan
        self.kalla = kalla
        self.period = period
        self.minsta_antal = minsta_antal
        self.n = n
        self.utanfor_period = utanfor_period
        self.warnings = warnings
        self.enhetslista = list(enhetslista)  # (niva, kod) in tidy order
        self.antal = antal
        self.bas = bas
        self.mask_bas = mask_bas
        self.mask_antal = mask_antal
        self.syntetisk = syntetisk  # the embedded synthetic sample's results
        self._index = {e: i for i, e in enumerate(self.enhetslista)}
        self._kategorier = tuple(t.kategorier for t in plan.tabeller)

    # -- the protocol ---------------------------------------------------------------------------

    def enheter(self, niva: str) -> tuple[str, ...]:
        if niva not in NIVAER:
            raise KeyError(f"unknown niva {niva!r}")
        if niva == SAMTLIGA:
            return ("",)
        return tuple(kod for nv, kod in self.enhetslista if nv == niva)

    def tabellnamn(self) -> tuple[str, ...]:
        return tuple(t.namn for t in self.plan.tabeller)

    def delgrupper(self) -> tuple[str, ...]:
        return self.plan.delgrupper

    def tabell(self, niva: str, kod: str, tabell: str, delgrupp: str = "") -> list[Row]:
        u = self._index.get((niva, kod))
        t = self.plan._tabellindex.get(tabell)  # type: ignore[attr-defined]
        d = self.plan._delgruppindex.get(delgrupp)  # type: ignore[attr-defined]
        if u is None or t is None or d is None:
            return []
        block = self.plan.block(t, d)
        if block is None or self.bas[u, block.start] < 0:
            return []
        return list(self._rows(u, np.arange(block.start, block.stop)))

    def rader(self) -> Iterator[Row]:
        for u in range(len(self.enhetslista)):
            yield from self._rows(u, np.flatnonzero(self.bas[u] >= 0))

    def to_frame(self):
        """The tidy export's rows as a pandas DataFrame, hidden values told apart from values that
        do not exist (needs pandas: `pip install 'ojexcel[pandas]'`; columns: `frames.py`)."""
        from .frames import results_frame

        return results_frame(self)

    # -- conveniences for renderers -------------------------------------------------------------

    def rad(self, niva: str, kod: str, tabell: str, delgrupp: str, kategori: str) -> Row | None:
        """One row, or None when its table is not written."""
        for r in self.tabell(niva, kod, tabell, delgrupp):
            if r.kategori == kategori:
                return r
        return None

    def is_written(self, niva: str, kod: str, tabell: str, delgrupp: str = "") -> bool:
        return bool(self.tabell(niva, kod, tabell, delgrupp))

    # -- internals -------------------------------------------------------------------------------

    def _rows(self, u: int, slots: np.ndarray) -> Iterator[Row]:
        """The rows of unit u at these slots (column-wise reads, then one Rad per row)."""
        plan = self.plan
        niva, kod = self.enhetslista[u]
        namn = [t.namn for t in plan.tabeller]
        dg = plan.delgrupper
        kolumner = zip(plan.slot_tabell[slots].tolist(), plan.slot_delgrupp[slots].tolist(),
                       plan.slot_rad[slots].tolist(), (plan.slot_typ[slots] == MEDELRAD).tolist(),
                       self.antal[u, slots].tolist(), self.bas[u, slots].tolist(),
                       self.mask_bas[u, slots].tolist(), self.mask_antal[u, slots].tolist())
        for t, d, r, medel, a, b, mb, mc in kolumner:
            kategori = self._kategorier[t][r]
            if medel:
                if mb:
                    yield Row(niva, kod, namn[t], dg[d], kategori, None, None, None, None, MASK_MEDEL)
                else:
                    yield Row(niva, kod, namn[t], dg[d], kategori, a, b, None, medel_text(a, b) if b > 0 else None)
            elif mb:
                yield Row(niva, kod, namn[t], dg[d], kategori, None, None, None, None, MASK_RAD)
            elif mc:
                yield Row(niva, kod, namn[t], dg[d], kategori, None, b, None, None, MASK_ANTAL)
            else:
                yield Row(niva, kod, namn[t], dg[d], kategori, a, b, share_half_up(a, b) if b > 0 else None, None)
