"""The build's gate (CONTRACT isu §2 item 7): before anything is written, the build audits its own
export as an outsider would (`audit`: item 7's priors, Appendix A's relations, bound propagation to
its fixpoint) and refuses an export in which a count whose true value is 1..N−1 is pinned to one
value (`uppgift_saknas` counts aside). Not under `--utan-brus` (items 1–3 and 5–7 do not apply).

`check(resultat)` audits the `IsuTables` of a build; `check_file(path, N)` a tidy export from
anywhere (`ojexcel isu audit`), read by the strict reader, without the truth: there a pinned count
is any one-value interval in 1..N−1.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class GateResult:
    pinned: int  # sets of ärenden (counts) an outsider can pin, each perhaps shown in many cells
    cells: list[tuple[str, str, str, str, str, str, int]]  # (niva, kod, tabell, delgrupp, kategori, measure, value)
    summary: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.pinned == 0


def _result(res, t0: float) -> GateResult:
    if res.infeasible:
        # the export contradicts the rules it was made by: a bug, never the user's input
        raise ValueError(f"the audit found {res.infeasible} counts without a consistent value")
    return GateResult(int(res.pinned().sum()), res.pinned_cells(), res.summary(), time.perf_counter() - t0)


_DONE: dict[bytes, GateResult] = {}  # the audits of this process, by the export's digest
_DONE_MAX = 4


def _digest(export) -> bytes:
    """The export the gate audits — its numbers, rows, units, N and the truth — as one digest:
    the same export always gets the same audit, so a process that writes one publication several
    times (`isu build`, then `isu kommun` in the API or the tests) audits it once."""
    h = hashlib.blake2b(digest_size=32)
    h.update(repr((export.minsta_antal, export.units)).encode("utf-8"))
    for arr in (export.antal, export.bas, export.medel, export.written, export.truth_antal, export.truth_bas):
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.digest()


def check(resultat) -> GateResult:
    """The gate on a build's results (published arrays and the truth)."""
    from .audit import audit, export_from_tabeller, perturbed_prior

    t0 = time.perf_counter()
    export = export_from_tabeller(resultat)
    digest = _digest(export)
    if digest not in _DONE:
        if len(_DONE) >= _DONE_MAX:
            _DONE.pop(next(iter(_DONE)))
        _DONE[digest] = _result(audit(export, perturbed_prior(resultat.minsta_antal)), t0)
    return _DONE[digest]


def check_file(path: Path | str, minsta_antal: int = 5, kind: str = "perturbed") -> GateResult:
    """An export from anywhere (no truth), under item 7's prior (`kind` "suppression": the old
    rules'; "perturbed-ptable": an outsider who also knows the perturbation table's preimages,
    stronger than item 7 asks, D185). Raises `RowListError` (an InputError) when the file is not a
    valid tidy export."""
    from .audit import audit_tidy_file

    t0 = time.perf_counter()
    ptable = kind == "perturbed-ptable"
    return _result(audit_tidy_file(path, minsta_antal, kind="perturbed" if ptable else kind, ptable=ptable), t0)
