"""The outsider's audit of a published ISU export (CONTRACT isu §2 item 7, Appendix A).

An outsider sees the published numbers and knows the rules that produced them (the priors) and the
relations between the tables (Appendix A, `audit_model`). The audit puts an interval on the true
count of every cell — every (niva, kod, tabell, delgrupp, kategori) and measure (antal, bas) —
narrows them all together by bound propagation with integer rounding to its fixpoint
(`audit_solver`), and reports the counts the outsider can pin.

    export = export_from_tabeller(resultat)          # the build's own arrays (with the truth)
    export = read_export("isu.csv", minsta_antal=5)  # a tidy export read back (no truth)
    result = audit(export, perturbed_prior(5))       # or suppression_prior(5): the old rules
    result.summary()                                 # counts pinned / bounded below N
    pinned = gate(export, perturbed_prior(5))        # [] or the cells an outsider can pin

Representation: one [unit × slot] layout (`tabellplan.Plan`), as the compilation stores its arrays,
for the published values (`antal`, `bas`, `medel` in tenths; −1 = empty) and which rows are
written. The relations are structural, identical in every unit, so they are built once per plan
(`audit_model.template`) and repeated over the units with index arithmetic; the relations across
levels join the units.

Priors (`Prior`):
- `perturbed_prior(N)` — §2 item 7 as written: a published count v is a whole number in
  [max(0, v−3), v+3]; a row hidden by item 4 has its base in 1..N+2; a table not written has its
  scope in 0..3; at kommun and stadsdel a delgrupp with nothing written (item 6) has 0..22 ärenden;
  a kommun or län with nothing written is 0..3 ärenden (the outsider knows every kommun exists).
  With `ptable=True` the outsider also uses the perturbation table's preimages (v ≥ 1 ⇒ n ≥ 1,
  v = 2 ⇒ n ≥ 2, …): stronger than item 7 asks.
- `suppression_prior(N)` — the masking rules the build used before §2's revision
  (`maskning.py`, README "Masking"): shown numbers are exact; a table or unit not written is empty
  (0); a hidden base is 1..N−1; a hidden count with its base shown is ≥ 1 (a zero is never hidden but
  by its base), ≤ N−1 where only rule 1 can hide it (`faser`, `flerval` labels and
  `minst_ett_svar`, a combined category none of whose parts is hidden, an `enval` label among three
  or more hidden ones), and an `enval` label hidden beside one other is at most the smallest shown
  non-zero label (the secondary rule takes the smallest).
- `exact_prior(N)` — published numbers exact, nothing else known (tests, what-if audits).

The audit assumes a complete export (every unit and level the build writes). A contradiction
between priors and relations (`AuditResult.infeasible`) means the export was not made by the rules
of its prior; `gate` refuses it.

Measured (bench/bench_isu_audit.py; report of the isu-audit branch):
- the old export of the sample: of its 122 717 hidden counts with a true value 1–4 (issue 20's
  measure, `hidden_summary`), 57 448 pinned (47 %) and 98 % bounded below 5 — issue 20's outsider
  (propagation and an LP) 53 277 (43 %) and 96 %; per set of ärenden, 49 783 of 113 302;
- the sample under §2's scheme (simulated): no pin under item 7's prior — except through the means:
  a `medel` shown with one decimal beside a small published base (item 5: the true mean wherever the
  row is shown) can pin that base ((2t−1)·n ≤ 20·sum ≤ (2t+1)·n − 1 leaves one n): 0–4 bases per
  draw of keys. Shown only where v_bas ≥ 20 (as `andel`), none;
- an outsider who uses the perturbation table itself (`ptable=True`: v ≥ 1 ⇒ n ≥ 1, v = 2, 3, 5 ⇒
  n ≥ 2) pins 120–200 small counts of the sample on every draw of keys (≈ 340 at national
  breadth): item 7's prior [max(0, v−3), v+3] is weaker than what the published table tells. Almost
  all of it is "v = 2 or 3 ⇒ n ≥ 2" (n = 1 is never published as 2 or 3). A row for n = 1 with the
  same mean and variance that reaches 2 and 3 — 0 (14), 1 (3), 2 (3), 3 (1), 4 (3) — leaves that
  outsider no pin on the sample (three draws; `simulate(..., n1=...)`,
  `ptable_lo=ptable_lower_bounds(...)`).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..population import load_population

# ojexcel internals, all here so they can be re-pointed (isu/tabellplan → isu/table_plan, …).
from .audit_model import CELL, SUM, Template, template
from .audit_solver import BIG, Result, SystemBuilder, propagate
from .model import KOMMUN, LAN, SAMTLIGA, STADSDEL
from .table_plan import (
    ENVAL,
    ETIKETT,
    FAS,
    FLER_ETIKETT,
    FLERVAL,
    KOMBINERAD,
    MEDELRAD,
    MINST,
    SAKNAS,
    Plan,
    load_plan,
)
from .tidy import TIDY_HEADER, read_isu_tidy

ANTAL, BAS = 0, 1
MEASURES = ("antal", "bas")


# ---------------------------------------------------------------------------------------------
# The published export


@dataclass
class Export:
    """A published export on the plan's [unit × slot] layout. Values are whole numbers, −1 = empty;
    `medel` in tenths (2.4 → 24). `written[u, s]`: the row exists in the export. `truth_*`: the true
    counts of every slot (build mode; `truth_bas` −1 marks a table whose scope is empty), or None."""

    plan: Plan
    units: list[tuple[str, str]]  # (niva, kod)
    antal: np.ndarray
    bas: np.ndarray
    medel: np.ndarray
    written: np.ndarray
    minsta_antal: int
    truth_antal: np.ndarray | None = None
    truth_bas: np.ndarray | None = None

    @staticmethod
    def from_arrays(plan: Plan, units, antal, bas, written, medel=None, minsta_antal: int = 5,
                    truth_antal=None, truth_bas=None) -> "Export":
        U, S = len(units), plan.slots
        antal = np.asarray(antal, dtype=np.int64).reshape(U, S)
        bas = np.asarray(bas, dtype=np.int64).reshape(U, S)
        written = np.asarray(written, dtype=bool).reshape(U, S)
        medel = np.full((U, S), -1, dtype=np.int64) if medel is None else np.asarray(medel, dtype=np.int64)
        return Export(plan, list(units), np.where(written, antal, -1), np.where(written, bas, -1), np.where(written, medel, -1),
                      written, int(minsta_antal), truth_antal, truth_bas)



def export_from_tabeller(res) -> Export:
    """The export the build writes from its `IsuTables` (`published()`: the tidy export's numbers,
    empty cells −1), with the truth — what the gate audits before anything is written."""
    antal, bas, medel = res.published()
    return Export(res.plan, list(res.enhetslista), antal, bas, medel, np.asarray(res.written), int(res.minsta_antal),
                  np.asarray(res.antal), np.asarray(res.bas))


def _slot_index(plan: Plan) -> dict[tuple[str, str, str], int]:
    cached = getattr(plan, "_audit_slot_index", None)
    if cached is None:
        cached = {}
        for s, (t, d, r) in enumerate(zip(plan.slot_tabell.tolist(), plan.slot_delgrupp.tolist(), plan.slot_rad.tolist())):
            tab = plan.tabeller[t]
            cached[(tab.namn, plan.delgrupper[d], tab.kategorier[r])] = s
        object.__setattr__(plan, "_audit_slot_index", cached)
    return cached


def _parse_medel(text: str) -> int:
    whole, _, dec = text.partition(".")
    return int(whole) * 10 + int(dec or 0)


def export_from_rows(rows, minsta_antal: int, plan: Plan | None = None) -> Export:
    """An export from tidy rows: `Rad` objects (a `RadLista`'s rows) or tuples of the nine text
    fields. Raises ValueError on a row the plan does not know."""
    plan = plan or load_plan()
    index = _slot_index(plan)
    units: dict[tuple[str, str], int] = {}
    us, ss, a_, b_, m_ = [], [], [], [], []
    for r in rows:
        if isinstance(r, (tuple, list)):
            niva, kod, tabell, delgrupp, kategori, antal, bas, _andel, medel = r
            antal = int(antal) if antal != "" else -1
            bas = int(bas) if bas != "" else -1
            medel = _parse_medel(medel) if medel != "" else -1
        else:
            niva, kod, tabell, delgrupp, kategori = r.niva, r.kod, r.tabell, r.delgrupp, r.kategori
            antal = -1 if r.antal is None else r.antal
            bas = -1 if r.bas is None else r.bas
            medel = -1 if r.medel is None else _parse_medel(r.medel)
        s = index.get((tabell, delgrupp, kategori))
        if s is None:
            raise ValueError(f"not a row of the plan: {tabell}, {delgrupp!r}, {kategori}")
        us.append(units.setdefault((niva, kod), len(units)))
        ss.append(s)
        a_.append(antal)
        b_.append(bas)
        m_.append(medel)
    U, S = len(units), plan.slots
    antal = np.full((U, S), -1, dtype=np.int64)
    bas = np.full((U, S), -1, dtype=np.int64)
    medel = np.full((U, S), -1, dtype=np.int64)
    written = np.zeros((U, S), dtype=bool)
    ui, si = np.array(us, dtype=np.int64), np.array(ss, dtype=np.int64)
    antal[ui, si] = a_
    bas[ui, si] = b_
    medel[ui, si] = m_
    written[ui, si] = True
    return Export(plan, list(units), antal, bas, medel, written, int(minsta_antal))


def read_export(path: str | Path, minsta_antal: int = 5, plan: Plan | None = None) -> Export:
    """A tidy export file (CONTRACT §6) as an `Export` (no truth). For a file from elsewhere, read
    it with `tidy.read_isu_tidy` first (it checks every value) and pass its rows to
    `export_from_rows`; this reader only checks the header."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or tuple(header) != TIDY_HEADER:
            raise ValueError(f"{path}: not an ISU tidy export (header)")
        return export_from_rows(reader, minsta_antal, plan)


# ---------------------------------------------------------------------------------------------
# Priors


@dataclass(frozen=True)
class Prior:
    kind: str  # "perturbed" or "suppression"
    minsta_antal: int = 5
    noise: int = 3  # perturbed: |v − n| ≤ noise
    ptable: bool = False  # perturbed: use the perturbation table's preimages too
    unwritten_scope: int = 3  # perturbed: a table not written has a scope in 0..this
    unwritten_delgrupp: int = 22  # perturbed: a delgrupp not written (item 6) has 0..this ärenden
    delgrupp_levels: tuple[str, ...] = (KOMMUN, STADSDEL)  # where item 6 applies
    # perturbed: items 4 and 6 decided on true counts (a broken scheme; the outsider who knows it)
    decisions_on_truth: bool = False
    # the published means (`medel`, one decimal) as relations between a sum and its base (§5)
    use_means: bool = True
    # ptable=True: per published v < len, the smallest n that can give v (`ptable_lower_bounds`);
    # beyond it v − noise. Default: §2 item 3's table.
    ptable_lo: tuple[int, ...] = (0, 1, 2, 2, 1, 2)


def perturbed_prior(minsta_antal: int = 5, ptable: bool = False) -> Prior:
    return Prior("perturbed", int(minsta_antal), ptable=ptable)


def suppression_prior(minsta_antal: int = 5) -> Prior:
    return Prior("suppression", int(minsta_antal))


def exact_prior(minsta_antal: int = 5) -> Prior:
    """Published numbers exact, an empty cell unknown (≥ 0) and nothing else known, a unit not in
    the export empty: the relations alone (tests, and what-if audits of hand-made exports)."""
    return Prior("exact", int(minsta_antal))


def ptable_lower_bounds(small: dict[int, tuple[int, ...]], noise: int = 3) -> tuple[int, ...]:
    """The smallest true n that can give each published v = 0 … 2·noise − 1, from the values the
    table gives to the small n (`small[n]`: the values with a weight > 0) and n ± noise for larger n.
    §2 item 3: {1: (0, 1, 4), 2: (0, 1, 2, 3, 4, 5)} → (0, 1, 2, 2, 1, 2)."""
    out = []
    for v in range(2 * noise):
        can = [0] if v == 0 else []
        can += [n for n, vals in small.items() if v in vals]
        can += [n for n in range(max(small, default=0) + 1, v + noise + 1) if abs(v - n) <= noise]
        out.append(min(can))
    return tuple(out)


def _noise_interval(v: np.ndarray, prior: Prior) -> tuple[np.ndarray, np.ndarray]:
    lo = np.maximum(0, v - prior.noise)
    if prior.ptable:
        table = np.array(prior.ptable_lo, dtype=np.int64)
        lo = np.where(v < table.size, table[np.clip(v, 0, table.size - 1)], lo)
    return lo, v + prior.noise


# ---------------------------------------------------------------------------------------------
# Units and levels


@dataclass
class UnitTree:
    units: list[tuple[str, str]]  # every unit of the system: the export's, then added ones
    n_export: int
    absent: np.ndarray  # bool [U]: a unit with nothing in the export (added)
    rest_size: np.ndarray  # int [U]: >0 for an added "the kommuner (län) not in the export" unit
    groups: list[tuple[int, list[int], bool]]  # (parent, children, equal)


def _lan_of(kod: str) -> str:
    return kod[:2]


def unit_levels(units: list[tuple[str, str]], prior: Prior, population=None) -> UnitTree:
    """The units' tree. Under the perturbed prior the outsider knows every kommun and län exists, so
    a län's kommuner not in the export are one added unit (0..3 ärenden each) and so are the län not
    in the export; under the old rules a unit not in the export has no ärenden."""
    all_units = list(units)
    index = {u: i for i, u in enumerate(all_units)}
    absent: list[bool] = [False] * len(all_units)
    rest: list[int] = [0] * len(all_units)

    def need(u: tuple[str, str]) -> int:
        if u not in index:
            index[u] = len(all_units)
            all_units.append(u)
            absent.append(True)
            rest.append(0)
        return index[u]

    need((SAMTLIGA, ""))
    kommuner = sorted({k for n, k in units if n == KOMMUN} | {k[:4] for n, k in units if n == STADSDEL})
    for k in kommuner:
        need((KOMMUN, k))
    lan = sorted({k for n, k in all_units if n == LAN} | {_lan_of(k) for k in kommuner})
    for k in lan:
        need((LAN, k))
    groups: list[tuple[int, list[int], bool]] = []
    perturbed = prior.kind == "perturbed"
    if prior.kind not in ("perturbed", "suppression", "exact"):
        raise ValueError(f"unknown prior kind {prior.kind!r}")
    ref_kommuner: dict[str, list[str]] = {}
    ref_lan: list[str] = []
    if perturbed:
        if population is None:
            population = load_population()
        for k in population.municipalities:
            ref_kommuner.setdefault(_lan_of(k), []).append(k)
        ref_lan = sorted(population.lan)
    # samtliga = Σ län (an export without any län is taken as partial: no relation)
    children = [index[(LAN, k)] for k in lan]
    missing = [k for k in ref_lan if k not in lan]
    if missing and children:
        children.append(need(("rest", "lan")))
        rest[index[("rest", "lan")]] = len(missing)
    if children:
        groups.append((index[(SAMTLIGA, "")], children, True))
    # län = Σ its kommuner
    for L in lan:
        mine = [k for k in kommuner if _lan_of(k) == L]
        children = [index[(KOMMUN, k)] for k in mine]
        missing = [k for k in ref_kommuner.get(L, []) if k not in mine]
        if missing:
            children.append(need(("rest", L)))
            rest[index[("rest", L)]] = len(missing)
        groups.append((index[(LAN, L)], children, True))
    # kommun ≥ Σ its stadsdelar
    for k in kommuner:
        mine = [index[u] for u in all_units[: len(units)] if u[0] == STADSDEL and u[1][:4] == k]
        if mine:
            groups.append((index[(KOMMUN, k)], mine, False))
    return UnitTree(all_units, len(units), np.array(absent, dtype=bool), np.array(rest, dtype=np.int64), groups)


# ---------------------------------------------------------------------------------------------
# The audit


@dataclass
class AuditResult:
    export: Export
    prior: Prior
    template: Template
    units: UnitTree
    lo: np.ndarray  # [U_all, V] bounds of every class of every unit
    hi: np.ndarray
    rounds: int
    converged: bool
    infeasible: int  # classes whose bounds crossed (0 for an export that follows its priors)
    truth: np.ndarray | None  # [U_export, V] true value per class (−1 unknown), build mode
    seconds: dict[str, float] = field(default_factory=dict)

    # -- per cell -------------------------------------------------------------------------------

    def cell_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """lo, hi [U_export, slots, 2] of every cell (antal, bas)."""
        T = self.template
        cv = T.cell_var[: T.n_cells].reshape(-1, 2)
        U = self.units.n_export
        return self.lo[:U][:, cv], self.hi[:U][:, cv]

    def counted(self) -> np.ndarray:
        """bool [V]: classes that are counts the audit reports on — a class with a published cell
        other than an `uppgift_saknas` count (item 7's aside) or a mean's sum."""
        T = self.template
        plan = T.plan
        cells = np.ones((plan.slots, 2), dtype=bool)
        cells[plan.slot_typ == SAKNAS, ANTAL] = False
        cells[plan.slot_typ == MEDELRAD, ANTAL] = False
        out = np.zeros(T.n_vars, dtype=bool)
        out[T.cell_var[: T.n_cells][cells.reshape(-1)]] = True
        return out & (T.var_kind == CELL)

    def pinned(self) -> np.ndarray:
        """bool [U_export, V]: counted classes with a one-value interval in 1..N−1 (the true value
        in 1..N−1 too, in build mode)."""
        N = self.export.minsta_antal
        U = self.units.n_export
        lo, hi = self.lo[:U], self.hi[:U]
        small = (lo == hi) & (lo >= 1) & (lo <= N - 1)
        if self.truth is not None:
            small &= (self.truth >= 1) & (self.truth <= N - 1)
        return small & self.counted()[None, :]

    def pinned_cells(self) -> list[tuple[str, str, str, str, str, str, int]]:
        """Every published cell of a pinned class: (niva, kod, tabell, delgrupp, kategori, measure,
        value), in tidy order (uppgift_saknas counts and means' sums left out)."""
        T = self.template
        plan = T.plan
        pin = self.pinned()
        cv = T.cell_var[: T.n_cells].reshape(-1, 2)
        ok = np.ones((plan.slots, 2), dtype=bool)
        ok[plan.slot_typ == SAKNAS, ANTAL] = False
        ok[plan.slot_typ == MEDELRAD, ANTAL] = False
        uu, ss, mm = np.nonzero(pin[:, cv] & ok[None, :, :])
        out = []
        for u, s, m in zip(uu.tolist(), ss.tolist(), mm.tolist()):
            niva, kod = self.units.units[u]
            tab = plan.tabeller[plan.slot_tabell[s]]
            out.append((niva, kod, tab.namn, plan.delgrupper[plan.slot_delgrupp[s]], tab.kategorier[plan.slot_rad[s]],
                        MEASURES[m], int(self.lo[u, cv[s, m]])))
        return out

    def summary(self) -> dict:
        """Counts over the counted classes of the export's units (one class = one set of ärenden
        in one unit, however many cells show it)."""
        N = self.export.minsta_antal
        U = self.units.n_export
        lo, hi = self.lo[:U], self.hi[:U]
        c = np.broadcast_to(self.counted()[None, :], lo.shape)
        exact = lo == hi
        out = {
            "unknowns": int(c.sum()),
            "pinned_1_to_N-1": int((c & exact & (lo >= 1) & (lo <= N - 1)).sum()),
            "upper_below_N": int((c & (hi <= N - 1)).sum()),
            "upper_below_N_nonzero": int((c & (hi <= N - 1) & (lo >= 1)).sum()),
            "rounds": self.rounds,
            "converged": self.converged,
            "infeasible": self.infeasible,
        }
        if self.truth is not None:
            t = self.truth
            small = c & (t >= 1) & (t <= N - 1)
            out["true_1_to_N-1"] = int(small.sum())
            out["true_1_to_N-1_pinned"] = int((small & exact).sum())
            out["true_1_to_N-1_upper_below_N"] = int((small & (hi <= N - 1)).sum())
            known = t >= 0
            out["truth_outside_interval"] = int((known & ((t < lo) | (t > hi))).sum())
        return out

    def hidden_summary(self) -> dict:
        """The issue's measure for an old (suppression) export, in build mode: the hidden counts
        (`antal` of a written row, not shown; `uppgift_saknas` and `medel` rows aside) whose true
        value is 1..N−1 — how many the outsider pins, and bounds below N (`counts_*`; issue 20:
        53 277 of 122 717 pinned, 96 % below 5). The same per set of ärenden (`classes_*`: one per
        class of cells no cell of which is shown)."""
        if self.truth is None:
            raise ValueError("needs the truth (build mode)")
        N = self.export.minsta_antal
        U = self.units.n_export
        T = self.template
        e = self.export
        plan = e.plan
        lo, hi, t = self.lo[:U], self.hi[:U], self.truth
        cv = T.cell_var[: T.n_cells].reshape(-1, 2)
        shown = np.zeros((U, T.n_vars), dtype=bool)
        for m, arr in ((ANTAL, e.antal), (BAS, e.bas)):
            vis = arr >= 0
            if m == ANTAL:
                vis &= ~(plan.slot_typ == MEDELRAD)[None, :]
            uu, ss = np.nonzero(vis)
            shown[uu, cv[ss, m]] = True
        hidden = self.counted()[None, :] & ~shown & (t >= 1) & (t <= N - 1)
        lo_c, hi_c = self.cell_bounds()
        rows = (plan.slot_typ != SAKNAS) & (plan.slot_typ != MEDELRAD)
        ta = np.asarray(e.truth_antal)
        h = e.written & (e.antal < 0) & rows[None, :] & (ta >= 1) & (ta <= N - 1)
        return {
            "counts_hidden_1_to_N-1": int(h.sum()),
            "counts_pinned": int((h & (lo_c[:, :, 0] == hi_c[:, :, 0])).sum()),
            "counts_upper_below_N": int((h & (hi_c[:, :, 0] <= N - 1)).sum()),
            "classes_hidden_1_to_N-1": int(hidden.sum()),
            "classes_pinned": int((hidden & (lo == hi)).sum()),
            "classes_upper_below_N": int((hidden & (hi <= N - 1)).sum()),
        }


def _scatter_bounds(lo: np.ndarray, hi: np.ndarray, flat_var: np.ndarray, clo: np.ndarray, chi: np.ndarray) -> None:
    np.maximum.at(lo, flat_var, clo)
    np.minimum.at(hi, flat_var, chi)


def _prior_bounds(export: Export, prior: Prior, T: Template, units: UnitTree):
    """lo, hi [U_all, V] from the priors, and the rows the published means add."""
    plan = export.plan
    U, S, V = units.n_export, plan.slots, T.n_vars
    Ua = len(units.units)
    N = prior.minsta_antal
    lo = np.zeros(Ua * V, dtype=np.int64)
    hi = np.full(Ua * V, BIG, dtype=np.int64)
    cv = T.cell_var[: T.n_cells].reshape(S, 2)
    typ = plan.slot_typ
    medelrad = typ == MEDELRAD
    wr = export.written
    a, b = export.antal, export.bas

    def put(mask: np.ndarray, m: int, clo, chi) -> None:
        uu, ss = np.nonzero(mask)
        if uu.size == 0:
            return
        clo = np.broadcast_to(clo, mask.shape)[uu, ss] if np.ndim(clo) else np.full(uu.size, clo, dtype=np.int64)
        chi = np.broadcast_to(chi, mask.shape)[uu, ss] if np.ndim(chi) else np.full(uu.size, chi, dtype=np.int64)
        _scatter_bounds(lo, hi, uu * V + cv[ss, m], clo, chi)

    blocks = _blocks(plan)
    bstart, btab, bdg = blocks
    block_written = wr[:, bstart]  # [U, nb]
    scope_var = _block_scope_var(T, plan, blocks)

    if prior.kind == "exact":
        put(wr & (b >= 0), BAS, b, b)
        put(wr & (a >= 0), ANTAL, a, a)
        for u in np.flatnonzero(units.absent).tolist():
            hi[u * V:(u + 1) * V] = 0
    elif prior.kind == "suppression":
        put(wr & (b >= 0), BAS, b, b)
        put(wr & (b < 0), BAS, 1, N - 1)
        put(wr & (a >= 0), ANTAL, a, a)
        hid = wr & (b >= 0) & (a < 0) & ~medelrad[None, :]
        put(hid, ANTAL, 1, BIG)
        rule1_only = np.isin(typ, (FAS, FLER_ETIKETT, MINST))[None, :]
        put(hid & rule1_only, ANTAL, 1, N - 1)
        # combined categories none of whose parts is hidden; enval labels by how many are hidden
        kcap, ecap = _suppression_caps(export, N)
        put(hid & (typ == KOMBINERAD)[None, :] & kcap, ANTAL, 1, N - 1)
        put(hid & (typ == ETIKETT)[None, :], ANTAL, 1, ecap)
        # a table not written (a unit not in the export): no ärenden
        uu, bb = np.nonzero(~block_written)
        _zero_blocks(lo, hi, uu, bb, blocks, plan, cv, V)
        absent = np.flatnonzero(units.absent)
        for u in absent.tolist():
            hi[u * V:(u + 1) * V] = 0
    else:
        vlo, vhi = _noise_interval(np.maximum(b, 0), prior)
        if prior.decisions_on_truth:  # a shown base is not 1..N−1, a hidden one is
            vlo = np.where(vlo >= 1, np.maximum(vlo, N), vlo)
            vhi = np.where(vhi <= N - 1, 0, vhi)
        put(wr & (b >= 0), BAS, vlo, vhi)
        put(wr & (b < 0), BAS, 1, N - 1 if prior.decisions_on_truth else N + prior.noise - 1)
        vlo, vhi = _noise_interval(np.maximum(a, 0), prior)
        put(wr & (a >= 0) & ~medelrad[None, :], ANTAL, vlo, vhi)
        # tables not written: scope 0..3; delgrupper not written at kommun/stadsdel: 0..22
        niva = np.array([n for n, _ in units.units[:U]])
        item6 = np.isin(niva, prior.delgrupp_levels)
        nd = len(plan.delgrupper)
        dg_any = np.zeros((U, nd), dtype=bool)
        for d in range(nd):
            dg_any[:, d] = block_written[:, bdg == d].any(axis=1)
        unwritten_dg = item6[:, None] & ~dg_any
        unwritten_dg[:, 0] = False
        truth_rule = prior.decisions_on_truth
        uu, bb = np.nonzero(~block_written & ~unwritten_dg[:, bdg])
        np.minimum.at(hi, uu * V + scope_var[bb], 0 if truth_rule else prior.unwritten_scope)
        uu, dd = np.nonzero(unwritten_dg)
        alla = _scope_var_alla(T, plan)
        np.minimum.at(hi, uu * V + alla[dd], 19 if truth_rule else prior.unwritten_delgrupp)
        if truth_rule:  # written: its scope is not empty; a delgrupp written at kommun: ≥ 20
            uu, bb = np.nonzero(block_written)
            np.maximum.at(lo, uu * V + scope_var[bb], 1)
            uu, dd = np.nonzero(dg_any & item6[:, None])
            dd_ok = dd != 0
            np.maximum.at(lo, uu[dd_ok] * V + alla[dd[dd_ok]], 20)
        # units not in the export: each 0..3 ärenden (every cell ≤ its unit's scope)
        for u in np.flatnonzero(units.absent).tolist():
            k = max(int(units.rest_size[u]), 1)
            cnt = T.var_kind != SUM
            seg = hi[u * V:(u + 1) * V]
            seg[cnt] = np.minimum(seg[cnt], 0 if truth_rule else prior.unwritten_scope * k)
    hi[T.zero_var::V] = 0
    # Means shown with their base: (2t−1)·n ≤ 20·sum ≤ (2t+1)·n − 1 (§5: one decimal, halves up).
    rows = SystemBuilder(Ua * V)
    ms = T.medel_slots
    t = export.medel[:, ms]
    uu, jj = np.nonzero((t >= 0) & (b[:, ms] >= 0) & prior.use_means)
    if uu.size:
        sv = uu * V + T.medel_sum[jj]
        nv = uu * V + T.medel_base[jj]
        tt = t[uu, jj]
        vars_ = np.stack([nv, sv], axis=1)
        rows.add(vars_, np.stack([2 * tt - 1, np.full_like(tt, -20)], axis=1), 0, False)
        rows.add(vars_, np.stack([-(2 * tt + 1), np.full_like(tt, 20)], axis=1), -1, False)
    return lo.reshape(Ua, V), hi.reshape(Ua, V), rows


def _blocks(plan: Plan):
    cached = getattr(plan, "_audit_blocks", None)
    if cached is None:
        st, tb, dg = [], [], []
        for ti in range(len(plan.tabeller)):
            for d in plan.tillatna[ti]:
                st.append(plan.block(ti, d).start)
                tb.append(ti)
                dg.append(d)
        cached = (np.array(st, dtype=np.int64), np.array(tb, dtype=np.int64), np.array(dg, dtype=np.int64))
        object.__setattr__(plan, "_audit_blocks", cached)
    return cached


def _block_scope_var(T: Template, plan: Plan, blocks) -> np.ndarray:
    """Per block, the class of the table's scope (a mean: the ärenden averaged)."""
    bstart, btab, _ = blocks
    out = np.empty(bstart.size, dtype=np.int64)
    for i, (s, t) in enumerate(zip(bstart.tolist(), btab.tolist())):
        tab = plan.tabeller[t]
        R = tab.width
        if tab.typ in (ENVAL, FLERVAL):
            out[i] = T.cell_var[2 * (s + R - 1) + 1]  # uppgift_saknas' bas
        else:
            out[i] = T.cell_var[2 * s + 1]  # faser: the scope; medel: the ärenden averaged
    return out


def _scope_var_alla(T: Template, plan: Plan) -> np.ndarray:
    """Per delgrupp, the class of its every-ärende scope (faser's aktualiserade)."""
    ti = plan.table_index("faser")
    out = np.empty(len(plan.delgrupper), dtype=np.int64)
    for d in range(len(plan.delgrupper)):
        out[d] = T.cell_var[2 * plan.block(ti, d).start]
    return out


def _zero_blocks(lo, hi, uu, bb, blocks, plan: Plan, cv, V) -> None:
    bstart, btab, _ = blocks
    width = np.array([t.width for t in plan.tabeller], dtype=np.int64)[btab[bb]]
    if uu.size == 0:
        return
    slots = np.repeat(bstart[bb], width) + (np.arange(int(width.sum())) - np.repeat(np.cumsum(width) - width, width))
    us = np.repeat(uu, width)
    hi[us * V + cv[slots, 0]] = 0
    hi[us * V + cv[slots, 1]] = 0


def _suppression_caps(export: Export, N: int) -> tuple[np.ndarray, np.ndarray]:
    """Old rules: [U, S] whether a hidden combined category has no hidden part (then only rule 1
    hid it: ≤ N−1), and the cap of a hidden enval label (N−1 among ≥ 3 hidden labels, else the
    smallest shown non-zero label of its table, else BIG)."""
    plan = export.plan
    U, S = export.antal.shape
    a = export.antal
    kcap = np.zeros((U, S), dtype=bool)
    ecap = np.full((U, S), BIG, dtype=np.int64)
    for ti, tab in enumerate(plan.tabeller):
        if tab.typ not in (ENVAL, FLERVAL):
            continue
        nd, R = len(plan.tillatna[ti]), tab.width
        cols = slice(plan.start[ti], plan.start[ti] + nd * R)
        A = a[:, cols].reshape(U, nd, R)
        off = 1 if tab.typ == FLERVAL else 0
        K = len(tab.svar)
        kc = kcap[:, cols].reshape(U, nd, R)
        for j, komb in enumerate(tab.kombinerade):
            parts = [off + p for p in komb.delar]
            kc[:, :, tab.combined_start + j] = (A[:, :, parts] >= 0).all(axis=2)
        kcap[:, cols] = kc.reshape(U, nd * R)
        if tab.typ == ENVAL:
            lab = A[:, :, :K]
            hidden = lab < 0
            nh = hidden.sum(axis=2)
            shown_nz = np.where(lab > 0, lab, BIG).min(axis=2)
            cap = np.where(nh >= 3, N - 1, shown_nz)
            ec = ecap[:, cols].reshape(U, nd, R)
            ec[:, :, :K] = cap[:, :, None]
            ecap[:, cols] = ec.reshape(U, nd * R)
    return kcap, ecap


def _truth(export: Export, T: Template) -> np.ndarray | None:
    """[U, V] the true value of each class (−1 where no cell gives it); checks that every cell of a
    class agrees (a relation that merged two different sets would be a bug)."""
    if export.truth_antal is None or export.truth_bas is None:
        return None
    plan = export.plan
    U, V = len(export.units), T.n_vars
    ta = np.asarray(export.truth_antal, dtype=np.int64)
    tb = np.asarray(export.truth_bas, dtype=np.int64)
    blocks = _blocks(plan)
    bstart, btab, _ = blocks
    # a table not written in the truth (bas −1) is an empty one: every cell 0
    width = np.array([t.width for t in plan.tabeller], dtype=np.int64)
    slot_block = np.repeat(np.arange(bstart.size), width[btab])
    empty = (tb[:, bstart] < 0)[:, slot_block]
    ta = np.where(empty, 0, ta)
    tb = np.where(empty, 0, tb)
    tc = np.stack([ta, tb], axis=2).reshape(U, -1)  # [U, n_cells]
    cv = T.cell_var[: T.n_cells]
    lo = np.full((U, V), np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full((U, V), -1, dtype=np.int64)
    flat = (np.arange(U, dtype=np.int64) * V)[:, None] + cv[None, :]
    np.minimum.at(lo.reshape(-1), flat.reshape(-1), tc.reshape(-1))
    np.maximum.at(hi.reshape(-1), flat.reshape(-1), tc.reshape(-1))
    bad = (hi >= 0) & (lo != hi)
    if bad.any():
        u, k = np.argwhere(bad)[0]
        raise AssertionError(f"cells of one class disagree in the truth: unit {export.units[u]}, class {k}, "
                             f"first cell {T.var_first_cell[k]}: {lo[u, k]} vs {hi[u, k]}")
    out = np.where(hi >= 0, hi, -1)
    out[:, T.zero_var] = 0
    return out


def build_system(export: Export, prior: Prior, population=None):
    plan = export.plan
    T = template(plan)
    units = unit_levels(export.units, prior, population)
    V = T.n_vars
    Ua = len(units.units)
    lo, hi, extra = _prior_bounds(export, prior, T, units)
    sb = SystemBuilder(Ua * V)
    # the template's rows in every unit
    idx = np.int32 if Ua * V < 2**31 else np.int64
    off = (np.arange(Ua, dtype=np.int64) * V).astype(idx)
    vars_ = (off[:, None] + T.row_var.astype(idx)[None, :]).reshape(-1)
    sb.add_ragged(vars_, np.tile(T.row_coef.astype(np.int32), Ua), np.tile(T.row_len, Ua), np.tile(T.row_rhs, Ua),
                  np.tile(T.row_eq, Ua))
    # across levels, for every class (zero excluded)
    k = np.flatnonzero(np.arange(V) != T.zero_var).astype(np.int64)
    for parent, children, equal in units.groups:
        cols = np.stack([parent * V + k] + [c * V + k for c in children], axis=1)
        if equal:
            sb.add(cols, [1] + [-1] * len(children), 0, True)
        else:
            sb.add(cols, [-1] + [1] * len(children), 0, False)
    sb.extend(extra)
    return T, units, sb.build(merge=False), lo, hi


def audit(export: Export, prior: Prior | None = None, population=None, max_rounds: int = 100_000) -> AuditResult:
    """Bound propagation to its fixpoint over every relation and prior; see the module doc."""
    import time

    prior = prior or perturbed_prior(export.minsta_antal)
    t0 = time.perf_counter()
    T, units, system, lo, hi = build_system(export, prior, population)
    t1 = time.perf_counter()
    res: Result = propagate(system, lo.reshape(-1), hi.reshape(-1), max_rounds=max_rounds)
    t2 = time.perf_counter()
    V = T.n_vars
    out = AuditResult(export, prior, T, units, res.lo.reshape(-1, V), res.hi.reshape(-1, V), res.rounds,
                      res.converged, int(res.infeasible.size), _truth(export, T))
    out.seconds = {"build": t1 - t0, "propagate": t2 - t1, "rows": system.n_rows, "entries": system.nnz,
                   "unknowns": system.n_vars}
    return out


def gate(export: Export, prior: Prior | None = None, population=None) -> list[tuple[str, str, str, str, str, str, int]]:
    """The build's gate (§2 item 7): the cells whose count an outsider can pin to one value in
    1..N−1 (its true value in build mode), uppgift_saknas counts aside — [] when the export may be
    written. Raises ValueError when the export contradicts its own priors."""
    res = audit(export, prior, population)
    if res.infeasible:
        raise ValueError(f"the export contradicts its priors ({res.infeasible} counts without a consistent value)")
    return res.pinned_cells()


def audit_tidy_file(path: str | Path, minsta_antal: int = 5, kind: str = "perturbed", ptable: bool = False) -> AuditResult:
    """`ojexcel isu audit EXPORT` in one call: a tidy export from anywhere, checked by the strict
    reader (`tidy.read_isu_tidy`, every problem with file, row and column), audited under the
    perturbed (default) or the old suppression rules."""
    rows = read_isu_tidy(path, minsta_antal=minsta_antal).rows
    prior = {"perturbed": perturbed_prior(minsta_antal, ptable=ptable), "suppression": suppression_prior(minsta_antal),
             "exact": exact_prior(minsta_antal)}[kind]
    return audit(export_from_rows(rows, minsta_antal), prior)

