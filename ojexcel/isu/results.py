"""The compiled, published tables (`model.IsuResults`), stored column-wise.

Every measure is one int64 array [output unit × slot] (`table_plan.Plan`'s layout: per unit, the
rows of every table × delgrupp in tidy order):
- `antal`, `bas`: the true counts (`bas` −1 where the table does not exist: an empty scope) — for
  the means, the gate's truth and `--utan-brus`; never rendered under the perturbation;
- `pub_antal`, `pub_bas`: the published values (CONTRACT §2 item 3's v; the truth under
  `--utan-brus`);
- `written`, `hidden` (`masking.publish`): the row is in the export; it shows no number (item 4).
`Row` objects are built only when asked for (`tabell`, `rad`, `rader`); the tidy export reads the
arrays directly. Shares are computed from the published antal and bas, means from the true sum and
base, in exact integer arithmetic, halves rounded up (§5), and shown by item 5's rule:
- perturbed: `andel` and `medel` only where v_bas ≥ 20 (`medel`: D157), a mean's sum never;
- `--utan-brus`: wherever the base is > 0, the sum too.
"""
from __future__ import annotations

import datetime as _dt
from typing import Iterator

import numpy as np

from ..problems import Problem
from ..rounding import share_half_up, tenths_half_up, tenths_text
from .cellkey import SHARE_MIN_BAS
from .model import NIVAER, SAMTLIGA, Row
from .table_plan import MEDELRAD, Plan

MASK_RAD = frozenset({"antal", "bas", "andel"})
MASK_MEDEL = frozenset({"antal", "bas", "medel"})
MASK_ANDEL = frozenset({"andel"})
MASK_SUMMA = frozenset({"antal"})
MASK_SUMMA_MEDEL = frozenset({"antal", "medel"})


def medel_text(summa: int, antal: int) -> str:
    """summa/antal with one decimal, halves up, exactly, with a decimal point: 49/20 → '2.5'."""
    return tenths_text(tenths_half_up(summa, antal))


class IsuTables:
    """`IsuResults` over the column-wise arrays of `compilation.compile_tables`."""

    def __init__(self, *, plan: Plan, kalla: str, period: tuple[_dt.date | None, _dt.date | None], minsta_antal: int,
                 n: int, utanfor_period: int, warnings: list[Problem], enhetslista: list[tuple[str, str]],
                 antal: np.ndarray, bas: np.ndarray, pub_antal: np.ndarray, pub_bas: np.ndarray,
                 written: np.ndarray, hidden: np.ndarray, utan_brus: bool = False,
                 demo_key: bool = False, syntetisk: bool = False):
        self.plan = plan
        self.kalla = kalla
        self.period = period
        self.minsta_antal = minsta_antal
        self.n = n  # published: v of every ärende compiled (the truth under --utan-brus)
        self.utanfor_period = utanfor_period  # published likewise (D159)
        self.warnings = warnings
        self.enhetslista = list(enhetslista)  # (niva, kod) in tidy order: every unit with ärenden
        self.antal = antal
        self.bas = bas
        self.pub_antal = pub_antal
        self.pub_bas = pub_bas
        self.written = written
        self.hidden = hidden
        self.utan_brus = utan_brus  # the truth, not for publication (every output says so)
        self.demo_key = demo_key  # perturbed with the embedded sample's public demo key
        self.syntetisk = syntetisk  # the embedded synthetic sample's results
        # a share (mean) is shown from this published base (item 5); 1 under --utan-brus
        self.share_min_bas = 1 if utan_brus else SHARE_MIN_BAS
        self._index = {e: i for i, e in enumerate(self.enhetslista)}
        self._kategorier = tuple(t.kategorier for t in plan.tabeller)
        self._shown_units = self.written.any(axis=1)
        self._shown_groups: tuple[str, ...] | None = None

    # -- the protocol ---------------------------------------------------------------------------

    def enheter(self, niva: str) -> tuple[str, ...]:
        """The units of a level that appear in the export (at least one row written, D164)."""
        if niva not in NIVAER:
            raise KeyError(f"unknown niva {niva!r}")
        if niva == SAMTLIGA:
            return ("",)
        return tuple(kod for i, (nv, kod) in enumerate(self.enhetslista) if nv == niva and self._shown_units[i])

    def tabellnamn(self) -> tuple[str, ...]:
        return tuple(t.namn for t in self.plan.tabeller)

    def delgrupper(self) -> tuple[str, ...]:
        """The delgrupper that appear in the export ('' and those with at least one row written,
        in tidy order), as a tidy export read back lists them: a group whose every table is unwritten
        is no row of a diagram table (D164, D179)."""
        if self._shown_groups is None:
            present = np.zeros(len(self.plan.delgrupper), dtype=bool)
            present[self.plan.slot_delgrupp[self.written.any(axis=0)]] = True
            present[0] = True
            self._shown_groups = tuple(d for d, p in zip(self.plan.delgrupper, present) if p)
        return self._shown_groups

    def tabell(self, niva: str, kod: str, tabell: str, delgrupp: str = "") -> list[Row]:
        block = self._block(niva, kod, tabell, delgrupp)
        if block is None:
            return []
        u, blk = block
        if not self.written[u, blk.start]:
            return []
        return list(self._rows(u, np.arange(blk.start, blk.stop)))

    def rader(self) -> Iterator[Row]:
        for u in range(len(self.enhetslista)):
            yield from self._rows(u, np.flatnonzero(self.written[u]))

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

    @property
    def perturbed(self) -> bool:
        return not self.utan_brus

    def published(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(antal, bas, medel in tenths) as the export shows them, −1 where a value is empty — the
        tidy export's numbers on the [unit × slot] layout (the gate audits exactly these)."""
        medelrad = (self.plan.slot_typ == MEDELRAD)[None, :]
        shown = self.written & ~self.hidden
        n = np.maximum(self.bas, 1)
        tenths = np.where(self.bas > 0, (20 * self.antal + n) // (2 * n), -1)
        antal = np.where(shown & (~medelrad | self.utan_brus), self.pub_antal, -1)
        bas = np.where(shown, self.pub_bas, -1)
        medel = np.where(shown & medelrad & (self.pub_bas >= self.share_min_bas), tenths, -1)
        return antal, bas, medel

    # -- internals -------------------------------------------------------------------------------

    def _block(self, niva: str, kod: str, tabell: str, delgrupp: str):
        u = self._index.get((niva, kod))
        t = self.plan._tabellindex.get(tabell)  # type: ignore[attr-defined]
        d = self.plan._delgruppindex.get(delgrupp)  # type: ignore[attr-defined]
        if u is None or t is None or d is None:
            return None
        blk = self.plan.block(t, d)
        return None if blk is None else (u, blk)

    def _rows(self, u: int, slots: np.ndarray) -> Iterator[Row]:
        """The rows of unit u at these slots (column-wise reads, then one Row per row)."""
        plan = self.plan
        niva, kod = self.enhetslista[u]
        namn = [t.namn for t in plan.tabeller]
        dg = plan.delgrupper
        min_bas = self.share_min_bas
        sum_shown = self.utan_brus
        kolumner = zip(plan.slot_tabell[slots].tolist(), plan.slot_delgrupp[slots].tolist(),
                       plan.slot_rad[slots].tolist(), (plan.slot_typ[slots] == MEDELRAD).tolist(),
                       self.pub_antal[u, slots].tolist(), self.pub_bas[u, slots].tolist(),
                       self.hidden[u, slots].tolist(), self.antal[u, slots].tolist(), self.bas[u, slots].tolist())
        for t, d, r, medel, a, b, gomd, summa, n in kolumner:
            kategori = self._kategorier[t][r]
            if gomd:
                yield Row(niva, kod, namn[t], dg[d], kategori, None, None, None, None, MASK_MEDEL if medel else MASK_RAD)
            elif medel:
                # bas: v of the ärenden averaged; medel: their true mean (item 5)
                if sum_shown:  # --utan-brus: the row of §4, the sum included
                    yield Row(niva, kod, namn[t], dg[d], kategori, summa, b, None, medel_text(summa, n))
                elif b >= min_bas:
                    yield Row(niva, kod, namn[t], dg[d], kategori, None, b, None, medel_text(summa, n), MASK_SUMMA)
                else:
                    yield Row(niva, kod, namn[t], dg[d], kategori, None, b, None, None, MASK_SUMMA_MEDEL)
            elif b >= min_bas:
                yield Row(niva, kod, namn[t], dg[d], kategori, a, b, share_half_up(a, b), None)
            elif b == 0:
                yield Row(niva, kod, namn[t], dg[d], kategori, a, b, None, None)  # no share of nothing
            else:
                yield Row(niva, kod, namn[t], dg[d], kategori, a, b, None, None, MASK_ANDEL)
