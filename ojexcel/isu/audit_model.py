"""The relations an outsider knows (CONTRACT isu Appendix A), as one template per unit.

Every relation of Appendix A is structural: it holds identically in every unit (samtliga, a län, a
kommun, a stadsdel), so it is written once, over the cells of one unit's line of slots
(`tabellplan.Plan`): cell 2·s is slot s's `antal`, cell 2·s + 1 its `bas`. A few unknowns that no
row shows are added after the cells: each delgrupp's three scopes (every ärende, avslutade, with a
brukarenkät), the ärenden with some disability (`funktionsnedsattning`'s labels other than its
exclusive `Nej` and `Vet ej`), and a constant zero.

Cells that count the same set of ärenden are *one* unknown (union-find over cell ids): a table's
scope with the scope of every table of its scope kind, the labels' base on every label row, `faser`
with the scopes it repeats, a delgrupp's size with the breakdown table's count, and "the same cell
in two tables" for every pair of breakdowns. The template's unknowns (`n_vars`) are the classes;
`cell_var` maps every cell to its class. Virtual delgrupper (`extended_plan`) that no export shows complete every breakdown to a partition:
`Y=∅`, the ärenden of Y's scope without a value of Y (its size is Y's `uppgift_saknas`; `hrv`:
also "Vet inte"), and for `funktionsnedsattning` `Y=*`, the ärenden with some disability; every
table broken down by Y has them too, with all the within-table relations, and "the same cell in two
tables" holds for them (table X under Y=∅, row c = table Y under X=c, `uppgift_saknas`). So
Σ_v X(Y=v) + X(Y=∅) = X exactly, and where Y's `uppgift_saknas` is 0 the delgrupper add up.

The other relations are linear rows over the classes:
`eq` rows `Σ a·x = b`, `le` rows `Σ a·x ≤ b` (see `Template.rows`). The relations across levels
(samtliga = Σ län, län = Σ kommuner, kommun ≥ Σ stadsdelar) apply to every class alike and are added
by the audit over units.

Beyond Appendix A's list (each is true by §3–§4's definitions, so an outsider knows it too):
- every row's count ≤ its base, and avslutade ≤ every ärende;
- the brukarenkät scope lies between the largest and the sum of the four brukarenkät tables' bases;
- a breakdown's own value inside its delgrupp: under `riskbedomning_gjord=Ja` every ärende has a
  `risk_skattning` answer; under an avslut breakdown (`maluppfoljning`, `arendelangd`, `toppgrupp`,
  `har_brukarenkat`) every ärende is avslutad; under `maluppfoljning=v` every ärende is
  `med_maluppfoljning`; under `toppgrupp=Ja` every ärende has the first `maluppfoljning` label,
  `Förbättrats mycket` and a brukarenkät; under `har_brukarenkat=Ja/Nej` every / no ärende has a
  brukarenkät; `toppgrupp` Ja is 0 under `har_brukarenkat=Nej` and under `maluppfoljning` other
  than its first label;
- the means' sums (`antal` on `medel` rows): the insatser (partners) summed over ärenden = the sum of
  `insatser`' (`samverkan`'s) label counts, and lies between Σ k·n_k and the same with `5+` (`3+`)
  counted as every label (19, 9); the days of `medel_arendelangd` are at least Σ (band's first
  day)·n_band; every sum is additive over delgrupper and levels like a count.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

# ojexcel internals (re-pointed when the package is reorganised): the plan of tables and slots.
from .table_plan import (
    ALLA,
    AVSLUTADE,
    BRUKARENKAT,
    ENVAL,
    FASER,
    FLERVAL,
    MEDEL,
    MEDELRAD,
    Plan,
)

SCOPE_KINDS = (ALLA, AVSLUTADE, BRUKARENKAT)
EXCLUSIVE = {"funktionsnedsattning": ("Nej", "Vet ej")}  # CONTRACT §1: these stand alone
AVSLUT_SCOPES = (AVSLUTADE, BRUKARENKAT)

# Kinds of a template class (what it counts), for the priors and the report.
CELL, SCOPE, DISABILITY, ZERO, SUM, VIRTUAL = range(6)


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra > rb:
                ra, rb = rb, ra
            self.parent[rb] = ra


@dataclass(frozen=True, eq=False)
class Template:
    plan: Plan
    n_cells: int  # 2 · plan.slots
    n_vars: int
    cell_var: np.ndarray  # int64 [n_cells]: every cell's class (the real plan's layout)
    var_kind: np.ndarray  # int8 [n_vars]: CELL, SCOPE, DISABILITY, ZERO, SUM, VIRTUAL (no cell shows it)
    var_first_cell: np.ndarray  # int64 [n_vars]: the class's first cell (−1 for one without cells)
    zero_var: int
    # Rows over classes, as flat entries: row_len[r] entries each; rhs; eq.
    row_var: np.ndarray
    row_coef: np.ndarray
    row_len: np.ndarray
    row_rhs: np.ndarray
    row_eq: np.ndarray
    row_kind: tuple[str, ...]  # per row: which relation (for tests and the report)
    # Means: per medel slot, (slot, sum class, base class) for the mean's own two rows.
    medel_slots: np.ndarray
    medel_sum: np.ndarray
    medel_base: np.ndarray


def cell(slot: int, measure: int) -> int:
    """The cell id of slot's antal (measure 0) or bas (1)."""
    return 2 * slot + measure


BLANK, SOME = "∅", "*"  # the virtual delgrupper's values: no value of the breakdown; some disability


def extended_plan(plan: Plan) -> tuple[Plan, np.ndarray, dict[int, int], dict[int, int]]:
    """The plan with virtual delgrupper that no export shows: per breakdown `Y=∅` (the ärenden of
    Y's scope without a value of Y), and for a multi-valued breakdown with exclusive answers
    `Y=*` (some answer other than the exclusive ones), each for every table broken down by Y.
    Returns the plan, the real plan's slots' positions in it, and per breakdown index the virtual
    delgrupp indexes (blank, some)."""
    ned = plan.nedbrytningar
    delgrupper = list(plan.delgrupper)
    dnb = list(plan.delgrupp_nedbrytning)
    blank: dict[int, int] = {}
    some: dict[int, int] = {}
    for bi, b in enumerate(ned):
        blank[bi] = len(delgrupper)
        delgrupper.append(f"{b.namn}={BLANK}")
        dnb.append(-2)
        if b.flera and b.namn in EXCLUSIVE:
            some[bi] = len(delgrupper)
            delgrupper.append(f"{b.namn}={SOME}")
            dnb.append(-2)
    tillatna, start, st, sd, sr, sk = [], [], [], [], [], []
    pos = 0
    smap = np.empty(plan.slots, dtype=np.int64)
    for ti, t in enumerate(plan.tabeller):
        ds = list(plan.tillatna[ti])
        allowed = set(ds)
        for bi, b in enumerate(ned):
            values = [d for d, x in enumerate(plan.delgrupp_nedbrytning) if x == bi]
            if all(d in allowed for d in values):
                ds.append(blank[bi])
                if bi in some:
                    ds.append(some[bi])
        tillatna.append(tuple(ds))
        start.append(pos)
        typer = t.row_kinds
        R = len(typer)
        real = plan.start[ti]
        smap[real:real + len(plan.tillatna[ti]) * R] = pos + np.arange(len(plan.tillatna[ti]) * R)
        for d in ds:
            st.extend([ti] * R)
            sd.extend([d] * R)
            sr.extend(range(R))
            sk.extend(typer)
        pos += len(ds) * R
    ext = Plan(tabeller=plan.tabeller, nedbrytningar=ned, delgrupper=tuple(delgrupper),
                delgrupp_nedbrytning=tuple(dnb), tillatna=tuple(tillatna), start=tuple(start), slots=pos,
                slot_tabell=np.array(st, dtype=np.int32), slot_delgrupp=np.array(sd, dtype=np.int32),
                slot_rad=np.array(sr, dtype=np.int32), slot_typ=np.array(sk, dtype=np.int8))
    return ext, smap, blank, some


class _Builder:
    def __init__(self, real: Plan):
        self.real = real
        plan, self.slot_map, self.blank_d, self.some_d = extended_plan(real)
        self.plan = plan
        self.nd = len(plan.delgrupper)
        self.n_cells = 2 * plan.slots
        nxt = self.n_cells
        self.scope_id = {}
        for k in SCOPE_KINDS:
            for d in range(self.nd):
                self.scope_id[(k, d)] = nxt
                nxt += 1
        self.dis_id = {}
        ti = plan._tabellindex.get("funktionsnedsattning")  # type: ignore[attr-defined]
        if ti is not None:
            for d in plan.tillatna[ti]:
                self.dis_id[d] = nxt
                nxt += 1
        self.zero = nxt
        nxt += 1
        self.n_ids = nxt
        self.uf = _UnionFind(nxt)
        self.rows: list[tuple[list[int], list[int], int, bool, str]] = []
        self.ti = plan._tabellindex  # type: ignore[attr-defined]
        self.di = plan._delgruppindex  # type: ignore[attr-defined]

    # -- helpers --------------------------------------------------------------------------------

    def t(self, name: str):
        i = self.ti.get(name)
        return None if i is None else (i, self.plan.tabeller[i])

    def slot(self, name: str, d: int, r: int) -> int | None:
        x = self.t(name)
        if x is None:
            return None
        blk = self.plan.block(x[0], d)
        return None if blk is None else blk.start + r

    def a(self, name: str, d: int, r: int) -> int | None:
        s = self.slot(name, d, r)
        return None if s is None else cell(s, 0)

    def label_row(self, name: str, label: str) -> int:
        tab = self.plan.tabeller[self.ti[name]]
        k = tab.svar.index(label)
        return k + (1 if tab.typ == FLERVAL else 0)

    def base(self, name: str, d: int) -> int | None:
        """The labels' base of an enval or flerval table (bas of its first label row)."""
        x = self.t(name)
        if x is None:
            return None
        blk = self.plan.block(x[0], d)
        if blk is None:
            return None
        if x[1].typ == FLERVAL:
            return cell(blk.start, 0)  # minst_ett_svar
        return cell(blk.start, 1)

    def saknas(self, name: str, d: int) -> int | None:
        x = self.t(name)
        if x is None:
            return None
        blk = self.plan.block(x[0], d)
        return None if blk is None else cell(blk.stop - 1, 0)

    def S(self, kind: str, d: int) -> int:
        return self.scope_id[(kind, d)]

    def same(self, *ids) -> None:
        ids = [i for i in ids]
        if any(i is None for i in ids):
            return
        for i in ids[1:]:
            self.uf.union(ids[0], i)

    def row(self, ids, coefs, rhs: int, eq: bool, kind: str) -> None:
        if any(i is None for i in ids):
            return
        self.rows.append((list(ids), list(coefs), rhs, eq, kind))

    def le(self, lhs_minus, kind: str) -> None:
        """Σ (+1 for ids in pos) − Σ (ids in neg) ≤ 0, given as (pos, neg)."""
        pos, neg = lhs_minus
        self.row(list(pos) + list(neg), [1] * len(pos) + [-1] * len(neg), 0, False, kind)

    def eq(self, pos, neg, kind: str) -> None:
        self.row(list(pos) + list(neg), [1] * len(pos) + [-1] * len(neg), 0, True, kind)

    # -- the relations --------------------------------------------------------------------------

    def within_tables(self) -> None:
        plan = self.plan
        for ti, tab in enumerate(plan.tabeller):
            for d in plan.tillatna[ti]:
                blk = plan.block(ti, d)
                s0, R = blk.start, tab.width
                A = [cell(s0 + r, 0) for r in range(R)]
                Bc = [cell(s0 + r, 1) for r in range(R)]
                S = self.S(tab.omfang, d) if tab.typ != MEDEL else None
                K, J = len(tab.svar), len(tab.kombinerade)
                if tab.typ == ENVAL:
                    base = Bc[0]
                    self.same(*Bc[:K + J])
                    self.same(Bc[R - 1], S)
                    self.eq(A[:K], [base], "enval: labels = base")
                    self.eq([base, A[R - 1]], [S], "enval: base + uppgift_saknas = scope")
                    for j, komb in enumerate(tab.kombinerade):
                        self.eq([A[K + j]], [A[p] for p in komb.delar], "enval: combined = Σ parts")
                        # (follows from the two sums only for an LP, not for bound propagation)
                        self.le(([A[K + j]], [base]), "enval: combined ≤ base")
                elif tab.typ == FLERVAL:
                    M = A[0]
                    self.same(Bc[0], Bc[R - 1], S)
                    self.same(M, *Bc[1:R - 1])
                    labels = A[1:K + 1]
                    for x in labels:
                        self.le(([x], [M]), "flerval: label ≤ minst_ett_svar")
                    self.le(([M], labels), "flerval: minst_ett_svar ≤ Σ labels")
                    for j, komb in enumerate(tab.kombinerade):
                        c = A[1 + K + j]
                        parts = [A[1 + p] for p in komb.delar]
                        for p in parts:
                            self.le(([p], [c]), "flerval: part ≤ combined")
                        self.le(([c], parts), "flerval: combined ≤ Σ parts")
                        self.le(([c], [M]), "flerval: combined ≤ minst_ett_svar")
                    self.eq([M, A[R - 1]], [S], "flerval: minst_ett_svar + uppgift_saknas = scope")
                    excl = EXCLUSIVE.get(tab.namn)
                    if excl:
                        D = self.dis_id[d]
                        ex = [A[1 + tab.svar.index(x)] for x in excl]
                        others = [A[1 + k] for k, lab in enumerate(tab.svar) if lab not in excl]
                        self.eq([M], ex + [D], "exclusive: minst_ett_svar = Nej + Vet ej + some disability")
                        for x in others:
                            self.le(([x], [D]), "exclusive: label ≤ some disability")
                        self.le(([D], others), "exclusive: some disability ≤ Σ labels")
                elif tab.typ == FASER:
                    self.same(Bc[0], Bc[1], Bc[2], self.S(ALLA, d))
                    self.same(Bc[3], Bc[4], self.S(AVSLUTADE, d))
                    self.same(A[0], self.S(ALLA, d))
                    self.same(A[2], self.S(AVSLUTADE, d))
                    self.same(A[4], self.S(BRUKARENKAT, d))
                    self.same(A[1], self.a("insatser", d, 0))  # minst_ett_svar
                    self.same(A[3], self.base("maluppfoljning", d))
                # (a row's count ≤ its base follows from the rows above: not repeated)
            # scopes of one delgrupp
        for d in range(self.nd):
            self.le(([self.S(AVSLUTADE, d)], [self.S(ALLA, d)]), "avslutade ≤ every ärende")
            self.le(([self.S(BRUKARENKAT, d)], [self.S(AVSLUTADE, d)]), "brukarenkät ≤ avslutade")
            bu = [self.base(t.namn, d) for t in self.plan.tabeller if t.omfang == BRUKARENKAT and t.typ in (ENVAL, FLERVAL)]
            if bu and all(b is not None for b in bu):
                self.le(([self.S(BRUKARENKAT, d)], bu), "brukarenkät scope ≤ Σ its tables' bases")

    def across_tables(self) -> None:
        """Appendix A, across the tables of one unit and delgrupp (and the means)."""
        plan = self.plan
        Z = self.zero
        for d in range(self.nd):
            SA, SV, SB = self.S(ALLA, d), self.S(AVSLUTADE, d), self.S(BRUKARENKAT, d)
            if self.slot("riskbedomning_gjord", d, 0) is not None:
                self.same(self.a("riskbedomning_gjord", d, 0), self.a("risk_skattning", d, 0))
                self.same(self.a("riskbedomning_gjord", d, 1), self.saknas("risk_skattning", d))
                self.same(self.base("riskbedomning_gjord", d), SA)
                self.same(self.saknas("riskbedomning_gjord", d), Z)
            if self.slot("antal_insatser", d, 0) is not None:
                self.same(self.a("antal_insatser", d, 0), self.saknas("insatser", d))
                self.same(self.base("antal_insatser", d), SA)
                self.same(self.saknas("antal_insatser", d), Z)
                self.eq([self.a("antal_insatser", d, k) for k in range(1, 6)], [self.a("insatser", d, 0)],
                        "antal_insatser 1..5+ = insatser minst_ett_svar")
            if self.slot("antal_samverkansparter", d, 0) is not None:
                nej = self.label_row("samverkan_forekommit", "Nej")
                ja = self.label_row("samverkan_forekommit", "Ja")
                self.same(self.a("antal_samverkansparter", d, 0), self.a("samverkan_forekommit", d, nej))
                self.eq([self.a("antal_samverkansparter", d, k) for k in (1, 2, 3)], [self.a("samverkan", d, 0)],
                        "antal_samverkansparter 1+2+3+ = samverkan minst_ett_svar")
                self.le(([self.a("samverkan", d, 0)], [self.a("samverkan_forekommit", d, ja)]),
                        "samverkan minst_ett_svar ≤ samverkan_forekommit Ja")
            if self.slot("har_brukarenkat", d, 0) is not None:
                self.same(self.a("har_brukarenkat", d, 0), SB)
                self.same(self.base("har_brukarenkat", d), SV)
                self.same(self.saknas("har_brukarenkat", d), Z)
            if self.slot("toppgrupp", d, 0) is not None:
                self.same(self.base("toppgrupp", d), SV)
                self.same(self.saknas("toppgrupp", d), Z)
                self.le(([self.a("toppgrupp", d, 0)], [self.a("maluppfoljning", d, 0)]), "toppgrupp Ja ≤ målet uppnått")
                self.le(([self.a("toppgrupp", d, 0)], [self.a("bu_forandring_valdsutsatthet", d, 0)]),
                        "toppgrupp Ja ≤ Förbättrats mycket")
            self.same(self.base("arendelangd", d), self.slot_bas("medel_arendelangd", d))
            self.same(self.slot_bas("medel_antal_insatser", d), SA)
            self.same(self.slot_bas("medel_antal_samverkansparter", d), self.a("samverkan", d, 0))
            # the means' sums
            s_ins = self.a("medel_antal_insatser", d, 0)
            if s_ins is not None and self.slot("insatser", d, 0) is not None:
                K = len(plan.tabeller[self.ti["insatser"]].svar)
                labels = [self.a("insatser", d, 1 + k) for k in range(K)]
                self.eq(labels, [s_ins], "insatser summed = Σ insatser labels")
                n = [self.a("antal_insatser", d, k) for k in range(6)]
                self.row(n[1:] + [s_ins], [1, 2, 3, 4, 5, -1], 0, False, "Σ k·n_k ≤ insatser summed")
                self.row(n[1:] + [s_ins], [-1, -2, -3, -4, -K, 1], 0, False, "insatser summed ≤ Σ k·n_k (5+ as all)")
            s_sam = self.a("medel_antal_samverkansparter", d, 0)
            if s_sam is not None and self.slot("samverkan", d, 0) is not None:
                K = len(plan.tabeller[self.ti["samverkan"]].svar)
                labels = [self.a("samverkan", d, 1 + k) for k in range(K)]
                self.eq(labels, [s_sam], "partners summed = Σ samverkan labels")
                n = [self.a("antal_samverkansparter", d, k) for k in range(4)]
                self.row(n[1:] + [s_sam], [1, 2, 3, -1], 0, False, "Σ k·n_k ≤ partners summed")
                self.row(n[1:] + [s_sam], [-1, -2, -K, 1], 0, False, "partners summed ≤ Σ k·n_k (3+ as all)")
            s_dag = self.a("medel_arendelangd", d, 0)
            if s_dag is not None and self.slot("arendelangd", d, 0) is not None:
                n = [self.a("arendelangd", d, k) for k in range(5)]
                self.row(n[1:] + [s_dag], [91, 181, 271, 361, -1], 0, False, "Σ first day·n_band ≤ days summed")

    def slot_bas(self, name: str, d: int) -> int | None:
        s = self.slot(name, d, 0)
        return None if s is None else cell(s, 1)

    def across_delgrupper(self) -> None:
        plan = self.plan
        Z = self.zero
        ned = plan.nedbrytningar

        def table_of(b) -> str:
            return "hedersrelaterat_vald" if b.namn == "hrv" else b.namn

        def row_of(b, k: int) -> int:
            return k + (1 if b.flera else 0)

        dg = {}  # (breakdown index, value index) -> delgrupp index
        for d, bi in enumerate(plan.delgrupp_nedbrytning):
            if bi >= 0:
                dg[(bi, len([1 for e in range(d) if plan.delgrupp_nedbrytning[e] == bi]))] = d
        omfang = {b.namn: plan.tabeller[self.ti[table_of(b)]].omfang for b in ned}
        # A delgrupp's size = the breakdown table's count; avslut breakdowns: every ärende avslutad.
        for bi, b in enumerate(ned):
            for k in range(len(b.svar)):
                d = dg[(bi, k)]
                self.same(self.S(ALLA, d), self.a(table_of(b), 0, row_of(b, k)))
                if omfang[b.namn] in AVSLUT_SCOPES:
                    self.same(self.S(AVSLUTADE, d), self.S(ALLA, d))
        # The breakdown's own value inside its delgrupp.
        by = {b.namn: bi for bi, b in enumerate(ned)}
        if "riskbedomning_gjord" in by:
            bi = by["riskbedomning_gjord"]
            dj, dn = dg[(bi, 0)], dg[(bi, 1)]
            self.same(self.a("risk_skattning", dj, 0), self.S(ALLA, dj))
            self.same(self.saknas("risk_skattning", dj), Z)
            self.same(self.a("risk_skattning", dn, 0), Z)
            self.same(self.saknas("risk_skattning", dn), self.S(ALLA, dn))
        if "maluppfoljning" in by:
            bi = by["maluppfoljning"]
            for k in range(len(ned[bi].svar)):
                d = dg[(bi, k)]
                self.same(self.a("faser", d, 3), self.S(ALLA, d))
                if k != 0:
                    self.same(self.a("toppgrupp", d, 0), Z)
        if "toppgrupp" in by:
            d = dg[(by["toppgrupp"], 0)]
            self.same(self.a("maluppfoljning", d, 0), self.S(ALLA, d))
            self.same(self.a("bu_forandring_valdsutsatthet", d, 0), self.S(ALLA, d))
            self.same(self.S(BRUKARENKAT, d), self.S(ALLA, d))
            self.same(self.a("har_brukarenkat", d, 0), self.S(ALLA, d))
        if "har_brukarenkat" in by:
            bi = by["har_brukarenkat"]
            dj, dn = dg[(bi, 0)], dg[(bi, 1)]
            self.same(self.S(BRUKARENKAT, dj), self.S(ALLA, dj))
            self.same(self.S(BRUKARENKAT, dn), Z)
            self.same(self.a("toppgrupp", dn, 0), Z)
        # The same cell in two tables, for every pair of breakdowns.
        for xi, X in enumerate(ned):
            for yi, Y in enumerate(ned):
                if yi <= xi:
                    continue
                for c in range(len(X.svar)):
                    for v in range(len(Y.svar)):
                        self.same(self.a(table_of(X), dg[(yi, v)], row_of(X, c)),
                                  self.a(table_of(Y), dg[(xi, c)], row_of(Y, v)))
        # The delgrupper of one breakdown and its blank (∅) partition the breakdown's scope:
        # Σ_v X(Y=v) + X(Y=∅) = X (every ärende, or for an avslut breakdown the avslutade: = X where
        # X's own ärenden are avslutade, ≤ X otherwise); a multi-valued breakdown with exclusive
        # answers: X = X(∅) + X(Nej) + X(Vet ej) + X(*), max X(label) ≤ X(*) ≤ Σ X(label).
        for bi, b in enumerate(ned):
            ds = [dg[(bi, k)] for k in range(len(b.svar))]
            d0 = self.blank_d[bi]
            ds_some = self.some_d.get(bi)
            y_alla = omfang[b.namn] == ALLA
            for ti, tab in enumerate(plan.tabeller):
                allowed = set(plan.tillatna[ti])
                if d0 not in allowed:
                    continue
                own_avslut = (tab.omfang in AVSLUT_SCOPES and tab.typ != MEDEL) or tab.namn == "medel_arendelangd"
                exact = y_alla or own_avslut
                ids_per_d = []
                for d in [0] + ds + [d0] + ([ds_some] if ds_some is not None else []):
                    blk = plan.block(ti, d)
                    ids = [cell(s, 0) for s in range(blk.start, blk.stop)]
                    if tab.typ in (ENVAL, MEDEL):
                        ids.append(cell(blk.start, 1))
                    ids_per_d.append(ids)
                for j in range(len(ids_per_d[0])):
                    self._partition(b, ids_per_d[0][j], [x[j] for x in ids_per_d[1:len(ds) + 1]],
                                    ids_per_d[len(ds) + 1][j], ids_per_d[-1][j] if ds_some is not None else None, exact)
            for kind in SCOPE_KINDS:
                exact = y_alla or kind in AVSLUT_SCOPES
                self._partition(b, self.S(kind, 0), [self.S(kind, d) for d in ds], self.S(kind, d0),
                                self.S(kind, ds_some) if ds_some is not None else None, exact)
        # The virtual delgrupper's own sizes and cells.
        for bi, b in enumerate(ned):
            d0 = self.blank_d[bi]
            ty = table_of(b)
            if b.namn == "hrv":  # neither Ja nor Nej: blank or Vet inte
                self.eq([self.saknas(ty, 0), self.a(ty, 0, 2)], [self.S(ALLA, d0)], "delgrupp ∅ = uppgift_saknas + Vet inte")
            else:
                self.same(self.S(ALLA, d0), self.saknas(ty, 0))
            if omfang[b.namn] in AVSLUT_SCOPES:
                self.same(self.S(AVSLUTADE, d0), self.S(ALLA, d0))
            if bi in self.some_d:
                self.same(self.S(ALLA, self.some_d[bi]), self.dis_id[0])
        for xi, X in enumerate(ned):
            for yi, Y in enumerate(ned):
                if xi == yi:
                    continue
                ty = table_of(Y)
                for c in range(len(X.svar)):
                    dxc = dg[(xi, c)]
                    # table X under Y=∅, row c = table Y under X=c, uppgift_saknas (hrv: + Vet inte)
                    x_cell = self.a(table_of(X), self.blank_d[yi], row_of(X, c))
                    if Y.namn == "hrv":
                        self.eq([self.saknas(ty, dxc), self.a(ty, dxc, 2)], [x_cell], "same cell: ∅ of hrv")
                    else:
                        self.same(x_cell, self.saknas(ty, dxc))
                    if yi in self.some_d and dxc in self.dis_id:
                        self.same(self.a(table_of(X), self.some_d[yi], row_of(X, c)), self.dis_id[dxc])
                if yi > xi and "hrv" not in (X.namn, Y.namn):
                    # both blank: table X under Y=∅, uppgift_saknas = table Y under X=∅, uppgift_saknas
                    self.same(self.saknas(table_of(X), self.blank_d[yi]), self.saknas(ty, self.blank_d[xi]))

    def _partition(self, b, whole, parts, blank, some, exact: bool) -> None:
        if b.flera:
            excl = EXCLUSIVE.get(b.namn, ())
            ex = [parts[k] for k, lab in enumerate(b.svar) if lab in excl]
            others = [parts[k] for k, lab in enumerate(b.svar) if lab not in excl]
            if some is None:
                for x in others:
                    self.le((ex + [x, blank], [whole]), "delgrupper + ∅ ≤ the whole")
                return
            row = self.eq if exact else (lambda pos, neg, kind: self.le((pos, neg), kind))
            row(ex + [blank, some], [whole], "delgrupper (exclusive answers) + ∅ = the whole")
            for x in others:
                self.le(([x], [some]), "delgrupp ≤ some disability")
            self.le(([some], others), "some disability ≤ Σ delgrupper")
        elif exact:
            self.eq(parts + [blank], [whole], "delgrupper + ∅ = the whole")
        else:
            self.le((parts + [blank], [whole]), "delgrupper + ∅ ≤ the whole")

    # -- the template ---------------------------------------------------------------------------

    def build(self) -> Template:
        plan = self.plan
        self.within_tables()
        self.across_tables()
        self.across_delgrupper()
        roots = np.array([self.uf.find(i) for i in range(self.n_ids)], dtype=np.int64)
        uniq, cell_var = np.unique(roots, return_inverse=True)
        cell_var = cell_var.astype(np.int64)
        V = uniq.size
        real = self.real
        n_real = 2 * real.slots
        real_ids = (2 * self.slot_map[:, None] + np.arange(2)[None, :]).reshape(-1)  # real cell → ext id
        real_var = cell_var[real_ids]
        kind = np.full(V, VIRTUAL, dtype=np.int8)
        first = np.full(V, -1, dtype=np.int64)
        cells = np.arange(n_real)
        order = np.argsort(real_var, kind="stable")
        starts = np.concatenate([[True], real_var[order][1:] != real_var[order][:-1]])
        first[real_var[order][starts]] = cells[order][starts]
        has_cell = first >= 0
        kind[has_cell] = CELL
        for d, i in self.dis_id.items():
            if not has_cell[cell_var[i]]:
                kind[cell_var[i]] = DISABILITY
        kind[cell_var[2 * np.flatnonzero(plan.slot_typ == MEDELRAD)]] = SUM  # every mean's sum, virtual too
        kind[cell_var[self.zero]] = ZERO
        medel = np.flatnonzero(real.slot_typ == MEDELRAD)
        # rows over classes: a class repeated in a row merged, rows without unknowns and repeated
        # rows dropped
        rv, rc, rl, rr, re, rk = [], [], [], [], [], []
        seen: set = set()
        for ids, coefs, rhs, eq, k in self.rows:
            terms: dict[int, int] = {}
            for i, c in zip(ids, coefs):
                v = int(cell_var[i])
                terms[v] = terms.get(v, 0) + c
            items = tuple(sorted((v, c) for v, c in terms.items() if c != 0 and v != cell_var[self.zero]))
            if not items:
                if rhs < 0 or (eq and rhs != 0):
                    raise ValueError(f"a relation without unknowns does not hold: {k}")
                continue
            key = (items, rhs, eq)
            if key in seen:
                continue
            seen.add(key)
            rv.extend(v for v, _ in items)
            rc.extend(c for _, c in items)
            rl.append(len(items))
            rr.append(rhs)
            re.append(eq)
            rk.append(k)
        return Template(
            plan=real, n_cells=n_real, n_vars=int(V), cell_var=real_var, var_kind=kind,
            var_first_cell=first, zero_var=int(cell_var[self.zero]),
            row_var=np.array(rv, dtype=np.int64), row_coef=np.array(rc, dtype=np.int64),
            row_len=np.array(rl, dtype=np.int64), row_rhs=np.array(rr, dtype=np.int64),
            row_eq=np.array(re, dtype=bool), row_kind=tuple(rk),
            medel_slots=medel.astype(np.int64), medel_sum=real_var[2 * medel], medel_base=real_var[2 * medel + 1],
        )


@cache
def template(plan: Plan) -> Template:
    """The per-unit template of a plan (cached: the plan is immutable and hashed by identity)."""
    return _Builder(plan).build()
