"""What is written and what is hidden (CONTRACT isu §2 items 4 and 6), decided on published values
only, over every unit and table at once.

Input: the published `bas` [units × slots] (`table_plan.Plan`'s slot layout: v of each row's base,
or under `--utan-brus` the true base; 0 where the table does not exist) and the units' levels.
Output, two boolean arrays of the same shape:
- `written`: the row is in the export — its table's scope has a published value ≥ 1 (item 4) and,
  at kommun and stadsdel, its delgrupp's every-ärende scope a published value ≥ 20 (item 6);
- `hidden`: a written row whose published base is 1..N−1 (item 4): no antal, bas, andel or medel.

Deciding on the truth was measured to leak (an outsider who knows the rule learns that a hidden
row's true base is small), so nothing here sees a true count. Shares and means (item 5) are a
property of one row and are decided where the row is read (`results`).

The scope of a table (D158): its `uppgift_saknas` row's base (enval, flerval), its first row's
base (faser: aktualiserade), the ärenden averaged (a mean). A delgrupp's every-ärende scope is the
base of `faser`'s aktualiserade under that delgrupp; the delgrupp '' (all ärenden of the unit) is
not a delgrupp of item 6 (D156).
"""
from __future__ import annotations

from functools import cache

import numpy as np

from .cellkey import DELGRUPP_MIN
from .model import KOMMUN, STADSDEL
from .table_plan import ENVAL, FLERVAL, Plan

SMALL_LEVELS = (KOMMUN, STADSDEL)  # item 6's levels


@cache
def scope_slots(plan: Plan) -> np.ndarray:
    """Per slot, the slot whose base is its table's scope (for this table and delgrupp)."""
    out = np.empty(plan.slots, dtype=np.intp)
    for ti, t in enumerate(plan.tabeller):
        for d in plan.tillatna[ti]:
            blk = plan.block(ti, d)
            out[blk] = blk.stop - 1 if t.typ in (ENVAL, FLERVAL) else blk.start
    return out


@cache
def delgrupp_scope_slots(plan: Plan) -> np.ndarray:
    """Per delgrupp, the slot of `faser`'s aktualiserade: its base is the delgrupp's every-ärende scope."""
    faser = plan.table_index("faser")
    return np.array([plan.block(faser, d).start for d in range(len(plan.delgrupper))], dtype=np.intp)


def publish(plan: Plan, niva: list[str], bas: np.ndarray, minsta_antal: int, delgrupp_rule: bool) -> tuple[np.ndarray, np.ndarray]:
    """(written, hidden) from the published bases. `niva`: each unit's level; `delgrupp_rule`:
    item 6 (not under --utan-brus, which applies item 4 alone)."""
    N = int(minsta_antal)
    written = bas[:, scope_slots(plan)] >= 1
    if delgrupp_rule:
        small = np.isin(np.array(niva, dtype=object), SMALL_LEVELS)
        ok = bas[:, delgrupp_scope_slots(plan)] >= DELGRUPP_MIN
        ok[:, 0] = True  # delgrupp '' (D156)
        ok[~small, :] = True
        written &= ok[:, plan.slot_delgrupp]
    hidden = written & (bas >= 1) & (bas <= N - 1)
    return written, hidden
