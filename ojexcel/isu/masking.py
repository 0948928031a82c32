"""Masking of small numbers (CONTRACT isu §2), over every unit and table at once.

Input: `antal` and `bas` [units × slots] (`tabellplan.Plan`'s slot layout; `bas` −1 marks a table
that is not written). Output: two boolean arrays of the same shape —
- `mask_bas`: rule 2 (and 6): the base is 1..N−1, so the whole row is hidden (antal, bas, andel,
  medel), zeros included;
- `mask_antal`: rules 1, 3 and 4: the count and its share are hidden, the base is shown.
Rule 5 (zero is otherwise shown) holds because no rule below masks a zero count except rule 2.

Rule 3 does not apply to `faser`: its rows are not a partition of anything (CONTRACT §4 says so);
each of its rows is masked by rules 1 and 2 alone (README: decision).

Rule 3 for `enval` and derived tables also covers the labels' base (lead's decision, README;
tests/isu_oracle/READING.md R19): when rule 2 hides the labels' base while the scope is shown,
`uppgift_saknas` (antal and andel) is masked too, else the base = scope − uppgift_saknas. This
mirrors the contract's flerval rule (uppgift_saknas masked with minst_ett_svar).
"""
from __future__ import annotations

import numpy as np

from .table_plan import ENVAL, FLERVAL, MEDELRAD, SAKNAS, Plan


def mask(plan: Plan, antal: np.ndarray, bas: np.ndarray, minsta_antal: int) -> tuple[np.ndarray, np.ndarray]:
    N = int(minsta_antal)
    mask_bas = (bas >= 1) & (bas < N)  # rule 2; on medel rows rule 6
    undantag = (plan.slot_typ == SAKNAS) | (plan.slot_typ == MEDELRAD)
    mask_antal = (antal >= 1) & (antal < N) & ~undantag[None, :] & ~mask_bas  # rule 1
    if N <= 1:
        return mask_bas, mask_antal
    U = antal.shape[0]
    stor = np.iinfo(np.int64).max
    for ti, t in enumerate(plan.tabeller):
        if t.typ not in (ENVAL, FLERVAL):
            continue  # FASER: rules 1–2 only; MEDEL: rule 6 only
        nd, R = len(plan.tillatna[ti]), t.width
        cols = slice(plan.start[ti], plan.start[ti] + nd * R)
        mc = mask_antal[:, cols].reshape(U, nd, R).copy()
        mb = mask_bas[:, cols].reshape(U, nd, R)
        if t.typ == ENVAL:
            # Rule 3: exactly one label count masked under a shown base → also the smallest other
            # non-zero label count (ties: the first in table order).
            K = len(t.svar)
            a = antal[:, cols].reshape(U, nd, R)[:, :, :K]
            lab = mc[:, :, :K]
            behov = (lab.sum(axis=2) == 1) & ~mb[:, :, 0]
            if behov.any():
                kandidat = np.where(~lab & (a > 0), a, stor)
                j = kandidat.argmin(axis=2)
                ok = behov & (np.take_along_axis(kandidat, j[:, :, None], axis=2)[:, :, 0] < stor)
                uu, dd = np.nonzero(ok)
                mc[uu, dd, j[uu, dd]] = True
            # The labels' base hidden (rule 2): uppgift_saknas (last row) too, so that
            # scope − uppgift_saknas does not give it back.
            mc[:, :, R - 1] |= mb[:, :, 0]
            forskjutning = 0
        else:
            # Rule 3 for flerval: uppgift_saknas (last row) is masked with minst_ett_svar (first row).
            mc[:, :, R - 1] |= mc[:, :, 0]
            forskjutning = 1
        # Rule 4: a combined category is masked when any of its parts is.
        for j, komb in enumerate(t.kombinerade):
            delar = [forskjutning + p for p in komb.delar]
            mc[:, :, t.combined_start + j] |= (mc[:, :, delar] | mb[:, :, delar]).any(axis=2)
        mask_antal[:, cols] = (mc & ~mb).reshape(U, nd * R)
    return mask_bas, mask_antal
