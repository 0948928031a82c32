"""The cell suppression rules CONTRACT isu §2 stated before its revision (issue 20), kept for the
audit's tests and benchmarks only: the build no longer uses them. `old_export(arenden, N)` is the
export the build wrote until issue 20 — exact counts, small numbers masked by rules 1–4 — as an
`audit.Export` with the truth, so that the audit can be shown to find what these rules leaked
(issue 20: 43 % of the hidden counts 1–4 of the sample pinned).

The rules (decisions D91–D98, superseded by the cell key method):
1. a count 1..N−1 is hidden with its share, except on `uppgift_saknas` rows;
2. a base 1..N−1 hides its whole row (on `medel` rows: sum, base and mean);
3. one hidden label count in an `enval` table hides the smallest other non-zero label count too
   (ties: the first); `uppgift_saknas` is hidden with a hidden labels' base, and in a `flerval`
   table with a hidden `minst_ett_svar`;
4. a combined category is hidden when any part is.
"""
from __future__ import annotations

import numpy as np

from ojexcel.isu.audit import Export
from ojexcel.isu.compilation import count_tables, unit_map
from ojexcel.isu.model import Arenden
from ojexcel.isu.table_plan import ENVAL, FLERVAL, MEDELRAD, SAKNAS, Plan, load_plan


def mask(plan: Plan, antal: np.ndarray, bas: np.ndarray, minsta_antal: int) -> tuple[np.ndarray, np.ndarray]:
    """(mask_bas, mask_antal): rule 2 (the whole row) and rules 1, 3, 4 (count and share)."""
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
            mc[:, :, R - 1] |= mb[:, :, 0]
            forskjutning = 0
        else:
            mc[:, :, R - 1] |= mc[:, :, 0]
            forskjutning = 1
        for j, komb in enumerate(t.kombinerade):
            delar = [forskjutning + p for p in komb.delar]
            mc[:, :, t.combined_start + j] |= (mc[:, :, delar] | mb[:, :, delar]).any(axis=2)
        mask_antal[:, cols] = (mc & ~mb).reshape(U, nd * R)
    return mask_bas, mask_antal


def old_export(a: Arenden, minsta_antal: int = 5, population=None) -> Export:
    """The export under the old rules, with the truth: shown numbers exact, a table with an empty
    scope not written, the means with their sums."""
    plan = load_plan()
    if population is None:
        from ojexcel.population import load_population

        population = load_population()
    finns = np.bincount(a.enhet.astype(np.intp), minlength=len(a.enheter)) > 0
    enheter, karta = unit_map(a.enheter, population, finns)
    antal, bas = count_tables(a, plan, enheter, karta)
    mask_bas, mask_antal = mask(plan, antal, bas, minsta_antal)
    written = bas >= 0
    medelrad = (plan.slot_typ == MEDELRAD)[None, :]
    shown_b = written & ~mask_bas
    shown_a = shown_b & (medelrad | ~mask_antal)
    n = np.maximum(bas, 1)
    medel = np.where(medelrad & shown_b & (bas > 0), (20 * antal + n) // (2 * n), -1)
    return Export(plan, list(enheter), np.where(shown_a, antal, -1), np.where(shown_b, bas, -1), medel, written,
                  int(minsta_antal), antal, bas)


def write_export_tidy(export: Export, path) -> None:
    """An export as a tidy file (CONTRACT §6), the shares from its numbers (the old rules: empty
    where the count is hidden or the base is 0) — for the audit of a file through the reader."""
    import csv

    plan = export.plan
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("niva", "kod", "tabell", "delgrupp", "kategori", "antal", "bas", "andel", "medel"))
        for u, (niva, kod) in enumerate(export.units):
            for s in np.flatnonzero(export.written[u]).tolist():
                tab = plan.tabeller[plan.slot_tabell[s]]
                a, b, m = int(export.antal[u, s]), int(export.bas[u, s]), int(export.medel[u, s])
                medelrad = plan.slot_typ[s] == MEDELRAD
                andel = "" if medelrad or a < 0 or b <= 0 else str((200 * a + b) // (2 * b))
                w.writerow((niva, kod, tab.namn, plan.delgrupper[plan.slot_delgrupp[s]], tab.kategorier[plan.slot_rad[s]],
                            "" if a < 0 else a, "" if b < 0 else b, andel, "" if m < 0 else f"{m // 10}.{m % 10}"))
