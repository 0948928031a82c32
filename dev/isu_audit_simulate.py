"""A stand-in for §2's perturbation, for testing and benchmarking the audit (not the build's).

`simulate(arenden, N)` publishes the ärenden as CONTRACT isu §2 items 2–6 say, with random record
keys instead of the HMAC of item 1: every count n of a set S of ärenden gets its cell key
c = Σ_{a∈S} r(a) mod 2^32, so every cell that counts the same set gets the same published v,
wherever it is. The keys are computed exactly without weighted counting: r's bits split the
ärenden into `bits` subsets, each is compiled (`tabeller.rakna`), and c = Σ_j 2^j·n_j(S) mod 2^bits
(scaled to 32 bits). Then v by item 3's table; a table is written when v of its scope is ≥ 1, a row
hidden when its v_bas is 1..N−1 (item 4); at kommun and stadsdel a delgrupp is written when v of
its every-ärende scope is ≥ 20 (item 6); a `medel` row shows v of its base and the true mean.

Two broken schemes, to show the audit finds what they leak:
- `scheme="independent"`: a fresh key for every cell (the same set gets different noise in two
  tables);
- `scheme="truth"`: items 4 and 6 decided on the true counts (audit it with
  `Prior(..., decisions_on_truth=True)`, the outsider who knows that rule).
"""
from __future__ import annotations

import dataclasses

import numpy as np

# ojexcel internals (re-pointed when the package is reorganised)
from ojexcel.isu.audit import Export
from ojexcel.isu.compilation import count_tables, unit_map
from ojexcel.isu.model import KOMMUN, STADSDEL, Arenden
from ojexcel.isu.table_plan import ENVAL, FLERVAL, MEDELRAD, Plan, load_plan

# Item 3: per n, the values and their weights in 24ths.
_N1 = (np.array([0, 1, 4]), np.array([12, 8, 4]))
_N2 = (np.array([0, 1, 2, 3, 4, 5]), np.array([5, 2, 10, 4, 1, 2]))
_N3 = (np.arange(-3, 4), np.array([1, 3, 3, 10, 3, 3, 1]))


def perturb(n: np.ndarray, c: np.ndarray, n1=None) -> np.ndarray:
    """Item 3: v from the true count n and the cell key c (uint32 values), vectorised. `n1`:
    another row for n = 1, (values, weights in 24ths) — to try a table, not §2's."""
    n = np.asarray(n, dtype=np.int64)
    c = np.asarray(c, dtype=np.int64)
    u = 24 * c
    out = np.zeros_like(n)

    def pick(values, weights):
        thresholds = np.cumsum(weights).astype(np.int64) << 32
        return values[np.minimum(np.searchsorted(thresholds, u, side="right"), values.size - 1)]

    v1 = pick(*(_N1 if n1 is None else (np.asarray(n1[0]), np.asarray(n1[1]))))
    v2, v3 = pick(*_N2), pick(*_N3)
    out = np.where(n == 1, v1, out)
    out = np.where(n == 2, v2, out)
    out = np.where(n >= 3, n + v3, out)
    return out


def _subset(a: Arenden, keep: np.ndarray) -> Arenden:
    return dataclasses.replace(
        a, enhet=a.enhet[keep], enval={k: v[keep] for k, v in a.enval.items()},
        flerval={k: v[keep] for k, v in a.flerval.items()}, datum={k: v[keep] for k, v in a.datum.items()},
        alder=a.alder[keep])


def _counts(a: Arenden, plan: Plan, enheter, karta) -> tuple[np.ndarray, np.ndarray]:
    antal, bas = count_tables(a, plan, enheter, karta)
    empty = bas < 0
    return np.where(empty, 0, antal), np.where(empty, 0, bas)


def true_counts(a: Arenden, population=None, plan: Plan | None = None):
    """(units, antal, bas) of every slot, the truth (an empty table's cells 0, not −1)."""
    plan = plan or load_plan()
    if population is None:
        from ojexcel.population import load_population

        population = load_population()
    finns = np.bincount(a.enhet.astype(np.intp), minlength=len(a.enheter)) > 0
    enheter, karta = unit_map(a.enheter, population, finns)
    antal, bas = _counts(a, plan, enheter, karta)
    return enheter, karta, antal, bas


def cell_keys(a: Arenden, plan: Plan, enheter, karta, r: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Item 2's cell keys (scaled to 32 bits) of every antal and bas cell, from record keys r < 2^bits."""
    ca = np.zeros((len(enheter), plan.slots), dtype=np.int64)
    cb = np.zeros_like(ca)
    mod = (1 << bits) - 1
    for j in range(bits):
        keep = ((r >> j) & 1) == 1
        if not keep.any():
            continue
        na, nb = _counts(_subset(a, keep), plan, enheter, karta)
        ca = (ca + (na << j)) & mod
        cb = (cb + (nb << j)) & mod
    return ca << (32 - bits), cb << (32 - bits)


def _scope_slot(plan: Plan) -> np.ndarray:
    """Per slot, the slot whose bas is its table's scope (saknas' bas; faser/medel: row 0's bas)."""
    out = np.empty(plan.slots, dtype=np.int64)
    for ti, tab in enumerate(plan.tabeller):
        for d in plan.tillatna[ti]:
            blk = plan.block(ti, d)
            out[blk] = blk.stop - 1 if tab.typ in (ENVAL, FLERVAL) else blk.start
    return out


def simulate(a: Arenden, minsta_antal: int = 5, seed: int = 1, scheme: str = "cell_key", bits: int = 16,
             population=None, medel_min_bas: int | None = None, n1=None) -> Export:
    """The published export (with the truth). `medel_min_bas`: show a mean only where the published
    base is at least this (default: wherever the row is shown, as §2 item 5 says). `n1`: another
    row of the perturbation table for n = 1 (see `perturb`)."""
    plan = load_plan()
    enheter, karta, ta, tb = true_counts(a, population, plan)
    rng = np.random.default_rng(seed)
    N = int(minsta_antal)
    if scheme == "independent":
        ca = rng.integers(0, 1 << 32, ta.shape, dtype=np.int64)
        cb = rng.integers(0, 1 << 32, tb.shape, dtype=np.int64)
    else:
        r = rng.integers(0, 1 << bits, a.n, dtype=np.int64)
        ca, cb = cell_keys(a, plan, enheter, karta, r, bits)
    va, vb = perturb(ta, ca, n1), perturb(tb, cb, n1)
    medelrad = (plan.slot_typ == MEDELRAD)[None, :]
    decide_b = tb if scheme == "truth" else vb
    scope = _scope_slot(plan)
    written = decide_b[:, scope] >= 1
    # item 6: at kommun and stadsdel a delgrupp needs v of its every-ärende scope ≥ 20
    faser = plan.table_index("faser")
    alla = np.array([plan.block(faser, d).start for d in range(len(plan.delgrupper))])
    niva = np.array([n for n, _ in enheter])
    small_level = np.isin(niva, (KOMMUN, STADSDEL))
    dg_ok = decide_b[:, alla] >= 20  # faser row 0's bas = the delgrupp's every-ärende scope
    dg_ok[:, 0] = True
    dg_ok |= ~small_level[:, None]
    written &= dg_ok[:, plan.slot_delgrupp]
    hidden = (decide_b >= 1) & (decide_b <= N - 1)
    shown = written & ~hidden
    nn = np.maximum(tb, 1)
    tenths = np.where(tb > 0, (20 * ta + nn) // (2 * nn), -1)
    antal = np.where(shown & ~medelrad, va, -1)
    bas = np.where(shown, vb, -1)
    medel = np.where(shown & medelrad & (vb >= (medel_min_bas or 0)), tenths, -1)
    return Export(plan, list(enheter), antal, bas, medel, written, N, ta, tb)
