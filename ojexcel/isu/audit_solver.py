"""Interval bound propagation over integer linear relations, vectorised (the audit's engine).

A system is a set of rows, each `Σ a_i·x_i = b` (`eq`) or `Σ a_i·x_i ≤ b`, over integer unknowns
x with bounds lo ≤ x ≤ hi. Every row narrows each of its unknowns from the bounds of the others:

    a_i·x_i ≤ b − Σ_{j≠i} min(a_j·x_j)          (every row)
    a_i·x_i ≥ b − Σ_{j≠i} max(a_j·x_j)          (equality rows)

rounded to whole numbers (upper bounds down, lower bounds up). Rounds are repeated until nothing
changes (the fixpoint) or a bound crosses (`lo > hi`: the bounds and the relations contradict each
other, i.e. the priors do not describe the export). Only rows that hold an unknown changed in the
last round are evaluated again. Everything is numpy over flat index arrays (CSR by row, CSC by
unknown); no Python loop runs over rows or unknowns. Integer arithmetic only (int64): the builder
keeps every |a|·bound well inside it (`check_range`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# An upper bound that holds for every unknown of the audit (counts of ärenden, and sums of days or
# insatser over them, are far below it) and keeps every product a·bound far from int64's limit.
BIG = 1 << 40


@dataclass
class System:
    row_ptr: np.ndarray  # int64 [R+1]: row r's entries are row_ptr[r]:row_ptr[r+1]
    var: np.ndarray  # int64 [nnz]
    coef: np.ndarray  # int64 [nnz], never 0
    rhs: np.ndarray  # int64 [R]
    eq: np.ndarray  # bool [R]
    n_vars: int

    @property
    def n_rows(self) -> int:
        return int(self.rhs.size)

    @property
    def nnz(self) -> int:
        return int(self.var.size)


class SystemBuilder:
    """Rows collected as blocks of numpy arrays: `add(vars, coefs, rhs, eq)` adds rows of the same
    length at once (vars and coefs [rows × length], or coefs [length] broadcast)."""

    def __init__(self, n_vars: int):
        self.n_vars = n_vars
        self._idx = np.int32 if n_vars < 2**31 else np.int64
        self._var: list[np.ndarray] = []
        self._coef: list[np.ndarray] = []
        self._len: list[np.ndarray] = []
        self._rhs: list[np.ndarray] = []
        self._eq: list[np.ndarray] = []

    def add(self, vars_: np.ndarray, coefs, rhs=0, eq: bool = False) -> None:
        vars_ = np.asarray(vars_, dtype=self._idx)
        if vars_.ndim == 1:
            vars_ = vars_[None, :]
        r, k = vars_.shape
        if r == 0 or k == 0:
            return
        coefs = np.broadcast_to(np.asarray(coefs, dtype=np.int64), (r, k))
        self._var.append(vars_.reshape(-1))
        self._coef.append(np.ascontiguousarray(coefs).reshape(-1))
        self._len.append(np.full(r, k, dtype=np.int64))
        self._rhs.append(np.broadcast_to(np.asarray(rhs, dtype=np.int64), (r,)).copy())
        self._eq.append(np.full(r, bool(eq)))

    def add_ragged(self, vars_: np.ndarray, coefs: np.ndarray, lengths: np.ndarray, rhs, eq) -> None:
        """Rows of different lengths: entries concatenated in row order."""
        lengths = np.asarray(lengths, dtype=np.int64)
        if lengths.size == 0:
            return
        self._var.append(np.asarray(vars_, dtype=self._idx))
        self._coef.append(np.asarray(coefs) if np.asarray(coefs).dtype.kind == "i" else np.asarray(coefs, dtype=np.int64))
        self._len.append(lengths)
        self._rhs.append(np.broadcast_to(np.asarray(rhs, dtype=np.int64), lengths.shape).copy())
        self._eq.append(np.broadcast_to(np.asarray(eq, dtype=bool), lengths.shape).copy())

    def extend(self, other: "SystemBuilder") -> None:
        self._var += other._var
        self._coef += other._coef
        self._len += other._len
        self._rhs += other._rhs
        self._eq += other._eq

    def build(self, merge: bool = True) -> System:
        """The system. `merge=False`: the caller guarantees that no row repeats an unknown and no
        coefficient is 0 (skips a sort of every entry)."""
        if not self._var:
            z = np.zeros(0, dtype=np.int64)
            return System(np.zeros(1, dtype=np.int64), z, z, z, np.zeros(0, dtype=bool), self.n_vars)
        var = np.concatenate(self._var)
        coef = np.concatenate(self._coef)
        if coef.size and int(np.abs(coef).max()) < 2**31:
            coef = coef.astype(np.int32)
        lengths = np.concatenate(self._len)
        rhs = np.concatenate(self._rhs)
        eq = np.concatenate(self._eq)
        if not merge:
            ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
            return System(ptr, var, coef, rhs, eq, self.n_vars)
        # Merge repeated unknowns within a row (x − x, or x listed twice), drop zero coefficients
        # and empty rows; an empty row is checked (0 ≤ b, 0 = b) and never narrows anything.
        row = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
        key = row * np.int64(self.n_vars) + var
        order = np.argsort(key, kind="stable")
        key, coef = key[order], coef[order]
        first = np.concatenate([[True], key[1:] != key[:-1]])
        idx = np.flatnonzero(first)
        coef = np.add.reduceat(coef, idx)
        key = key[idx]
        keep = coef != 0
        key, coef = key[keep], coef[keep]
        row, var = key // self.n_vars, key % self.n_vars
        counts = np.bincount(row, minlength=lengths.size)
        empty = counts == 0
        if np.any(empty & ((rhs < 0) | (eq & (rhs != 0)))):
            raise ValueError("a relation without unknowns does not hold")
        live = ~empty
        new_index = np.cumsum(live) - 1
        row = new_index[row]
        counts = counts[live]
        ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return System(ptr, var.astype(self._idx), coef, rhs[live], eq[live], self.n_vars)


@dataclass
class Result:
    lo: np.ndarray
    hi: np.ndarray
    rounds: int
    infeasible: np.ndarray  # the unknowns whose bounds crossed (empty when consistent)
    converged: bool


def _expand(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The entry indexes of these rows (concatenated in row order) and each row's start in it."""
    start = ptr[rows]
    length = ptr[rows + 1] - start
    offs = np.concatenate([[0], np.cumsum(length)[:-1]])
    total = int(length.sum())
    idx = np.arange(total, dtype=np.int64) + np.repeat(start - offs, length)
    return idx, offs


def check_range(system: System, hi: np.ndarray) -> None:
    """Every row's Σ |a|·bound must stay well inside int64 (bounds are ≥ 0 and ≤ hi)."""
    if system.nnz == 0:
        return
    for a, b in _chunks(system.row_ptr, np.arange(system.n_rows), CHUNK):
        idx, offs = _expand(system.row_ptr, np.arange(a, b))
        w = np.abs(system.coef[idx]).astype(np.float64) * hi[system.var[idx]].astype(np.float64)
        if float(np.add.reduceat(w, offs).max()) >= 2.0**62:
            raise OverflowError("a relation's terms could overflow int64")


CHUNK = 1 << 21  # entries evaluated at once (bounds the temporaries' memory)


def _chunks(ptr: np.ndarray, rows: np.ndarray, size: int):
    """Split a sorted list of rows into consecutive runs of about `size` entries: yields slices
    (start, stop) into `rows`."""
    if rows.size == 0:
        return
    cum = np.cumsum(ptr[rows + 1] - ptr[rows])
    cuts = np.searchsorted(cum, np.arange(size, int(cum[-1]), size), side="left") + 1
    edges = np.unique(np.concatenate([[0], np.minimum(cuts, rows.size), [rows.size]]))
    for a, b in zip(edges[:-1].tolist(), edges[1:].tolist()):
        if b > a:
            yield a, b


def eliminate_fixed(system: System, lo: np.ndarray, hi: np.ndarray) -> System:
    """The system with every unknown whose bounds are one value moved into the right-hand side
    (rows left without unknowns are checked and dropped): fewer entries for the same fixpoint."""
    fixed = lo == hi
    if not fixed[system.var].any():
        return system
    fe = fixed[system.var]
    R = system.n_rows
    erow = np.repeat(np.arange(R, dtype=np.int64), np.diff(system.row_ptr))
    contrib = np.zeros(R, dtype=np.int64)
    np.add.at(contrib, erow[fe], system.coef[fe].astype(np.int64) * lo[system.var[fe]])
    rhs = system.rhs - contrib
    keep = ~fe
    counts = np.bincount(erow[keep], minlength=R)
    empty = counts == 0
    if np.any(empty & ((rhs < 0) | (system.eq & (rhs != 0)))):
        return system  # a relation over fixed unknowns fails: propagation reports the crossing
    live = counts > 0
    ptr = np.concatenate([[0], np.cumsum(counts[live])]).astype(np.int64)
    return System(ptr, system.var[keep], system.coef[keep], rhs[live], system.eq[live], system.n_vars)


def propagate(system: System, lo: np.ndarray, hi: np.ndarray, max_rounds: int = 100_000) -> Result:
    """Narrow lo/hi (int64 arrays, copied) to the fixpoint of the system's rows."""
    lo = np.array(lo, dtype=np.int64)
    hi = np.array(hi, dtype=np.int64)
    if np.any(lo > hi):
        return Result(lo, hi, 0, np.flatnonzero(lo > hi), False)
    system = eliminate_fixed(system, lo, hi)
    R = system.n_rows
    if R == 0:
        return Result(lo, hi, 0, np.flatnonzero(lo > hi), True)
    check_range(system, np.maximum(np.abs(hi), np.abs(lo)))
    ptr, rhs, eq = system.row_ptr, system.rhs, system.eq
    var = system.var.astype(np.int32, copy=False) if system.n_vars < 2**31 else system.var
    coef = system.coef
    lengths = np.diff(ptr)
    # CSC: for each unknown, the rows it appears in.
    order = np.argsort(var, kind="stable")
    col_rows = np.repeat(np.arange(R, dtype=np.int32), lengths)[order]
    del order
    col_ptr = np.concatenate([[0], np.cumsum(np.bincount(var, minlength=system.n_vars))]).astype(np.int64)
    any_eq = bool(eq.any())

    active = np.arange(R, dtype=np.int64)
    rounds = 0
    converged = False
    while rounds < max_rounds:
        rounds += 1
        changed = np.zeros(system.n_vars, dtype=bool)
        for a0, a1 in _chunks(ptr, active, CHUNK):
            rows = active[a0:a1]
            idx, offs = _expand(ptr, rows)
            v = var[idx]
            a = coef[idx].astype(np.int64)
            erow = np.repeat(np.arange(rows.size, dtype=np.int64), lengths[rows])
            b = rhs[rows]
            pp = a > 0
            qq = np.abs(a)
            gi = np.flatnonzero(qq != 1)  # entries that need a division (most coefficients are ±1)
            lv, hv = lo[v], hi[v]
            mn = np.where(pp, a * lv, a * hv)
            # every row: a·x ≤ b − (Σ min − own min) =: slack; x ≤ ⌊slack/a⌋ (a > 0), x ≥ −⌊slack/|a|⌋
            slack = (b - np.add.reduceat(mn, offs))[erow] + mn
            if gi.size:
                slack[gi] //= qq[gi]
            up = pp & (slack < hv)
            dn = ~pp & (-slack > lv)
            cand_hi, cand_lo = slack, -slack
            rows_eq = eq[rows]
            if any_eq and rows_eq.any():
                mx = np.where(pp, a * hv, a * lv)
                # equality rows: a·x ≥ b − (Σ max − own max) = −w; x ≥ −⌊w/a⌋ (a > 0), x ≤ ⌊w/|a|⌋
                w = (np.add.reduceat(mx, offs) - b)[erow] - mx
                if gi.size:
                    w[gi] //= qq[gi]
                e = rows_eq[erow]
                up2 = e & ~pp & (w < hv)
                dn2 = e & pp & (-w > lv)
                cand_hi = np.where(up2, w, cand_hi)
                cand_lo = np.where(dn2, -w, cand_lo)
                up |= up2
                dn |= dn2
            ui = np.flatnonzero(up)
            di = np.flatnonzero(dn)
            if ui.size:
                np.minimum.at(hi, v[ui], cand_hi[ui])
                changed[v[ui]] = True
            if di.size:
                np.maximum.at(lo, v[di], cand_lo[di])
                changed[v[di]] = True
        cv = np.flatnonzero(changed)
        if cv.size == 0:
            converged = True
            break
        if np.any(lo[cv] > hi[cv]):
            break
        ridx, _ = _expand(col_ptr, cv)
        mark = np.zeros(R, dtype=bool)
        mark[col_rows[ridx]] = True
        active = np.flatnonzero(mark)
    return Result(lo, hi, rounds, np.flatnonzero(lo > hi), converged)
