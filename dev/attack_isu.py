"""An outsider's attack on a published ISU output set (independent of ojexcel/isu/audit*.py).

    python -m dev.attack_isu OUTDIR            # builds what it needs into OUTDIR, attacks, prints numbers

Attacks (the record: docs/internals/isu-attack-audit.md):
  1  interval propagation over the published tidy export with the perturbation table's preimages
     (ptable-aware prior) and the public relations (within a table, across tables, delgrupper, levels);
     scored against the --utan-brus truth (which the attacker does not have).
  3  differencing: the same input with one ärende added to a small kommun, same key: which cells change.
  5  means: the unperturbed `medel` next to a perturbed base, differenced across two runs.
  6/7 unprotected numbers and identifiers in every output file.
Only the public contract and the published files are used to attack; the truth only scores.
"""
from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "isu_arenden.csv"
OJ = [sys.executable, "-m", "ojexcel"]
INF = 10 ** 9

# ------------------------------------------------------------------------------------------------
# The perturbation table (CONTRACT isu §2 item 3): which true n can give a published v.
PT = {1: {0: 12, 1: 8, 4: 4}, 2: {0: 5, 1: 2, 2: 10, 3: 4, 4: 1, 5: 2}}


def can_give(n: int, v: int) -> bool:
    if n == 0:
        return v == 0
    if n in PT:
        return v in PT[n]
    return abs(v - n) <= 3


def preimage(v: int) -> tuple[int, int]:
    """[lo, hi] of the true n that can publish v (an interval for every v: checked)."""
    ns = [n for n in range(0, v + 4) if can_give(n, v)]
    assert ns == list(range(ns[0], ns[-1] + 1)), (v, ns)
    return ns[0], ns[-1]


def preimage_range(vlo: int, vhi: int) -> tuple[int, int]:
    los, his = zip(*(preimage(v) for v in range(vlo, vhi + 1)))
    return min(los), max(his)


# ------------------------------------------------------------------------------------------------
# Public structure: the codebook (data files of the contract)

def codebook():
    types, fas, labels = {}, {}, {}
    with open(ROOT / "ojexcel/isu/variabler.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["typ"] in ("enval", "flerval"):
                types[r["kolumn"]] = r["typ"]
                fas[r["kolumn"]] = r["fas"]
                labels[r["kolumn"]] = r["svar"].split("|")
    comb = defaultdict(dict)
    with open(ROOT / "ojexcel/isu/kombinerade.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            comb[r["tabell"]][r["kategori"]] = r["delar"].split("|")
    derived = {"aldersgrupp": "all", "antal_insatser": "all", "riskbedomning_gjord": "all",
               "antal_samverkansparter": "all", "arendelangd": "avslut", "har_brukarenkat": "avslut",
               "toppgrupp": "avslut"}
    kind = {t: {"aktualisering": "all", "fore": "all", "under": "all", "avslut": "avslut",
                "brukarenkat": "bu"}[f] for t, f in fas.items()}
    kind.update(derived)
    for t in derived:
        types[t] = "enval"
    kind["faser"] = "all"
    return types, kind, comb


# breakdown name -> the table whose rows are its values (CONTRACT §4)
BREAK_TABLE = {"kon": "kon", "hrv": "hedersrelaterat_vald", "aldersgrupp": "aldersgrupp", "ursprung": "ursprung",
               "valdets_grad": "valdets_grad", "funktionsnedsattning": "funktionsnedsattning",
               "riskbedomning_gjord": "riskbedomning_gjord", "maluppfoljning": "maluppfoljning",
               "arendelangd": "arendelangd", "toppgrupp": "toppgrupp", "har_brukarenkat": "har_brukarenkat"}
NEVER_BLANK = {"antal_insatser", "riskbedomning_gjord", "har_brukarenkat", "toppgrupp"}


def read_tidy(path):
    rows = {}
    with open(path, encoding="utf-8", newline="") as fh:
        rd = csv.reader(fh)
        next(rd)
        for niva, kod, tab, dg, kat, antal, bas, andel, medel in rd:
            rows[(niva, kod, tab, dg, kat)] = (antal, bas, andel, medel)
    return rows


class Model:
    """Unknowns = sets of ärenden, unified where the contract says two published cells count the
    same set; constraints = the public relations. Each cell slot (unit, dg, table, role)."""

    def __init__(self):
        self.parent = {}
        self.cons = []  # (pos tuple, neg tuple, 'eq'|'le'):  Σpos = / ≤ Σneg

    def find(self, x):
        p = self.parent.setdefault(x, x)
        if p != x:
            r = self.find(p)
            self.parent[x] = r
            return r
        return x

    def same(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb

    def eq(self, pos, neg):
        for x in list(pos) + list(neg):
            self.find(x)
        self.cons.append((tuple(pos), tuple(neg), "eq"))

    def le(self, pos, neg):
        for x in list(pos) + list(neg):
            self.find(x)
        self.cons.append((tuple(pos), tuple(neg), "le"))


def role_slots(u, tab, dg, kat, types, kind, comb):
    """(slot of antal, slot of bas) of a published row (CONTRACT §4's row kinds)."""
    k = kind.get(tab, "all")
    S = lambda kk: (u, dg, "S", kk)  # noqa: E731
    if tab.startswith("medel_"):
        return None, (u, dg, tab, "N")
    if tab == "faser":
        bas = S("all") if kat in ("aktualiserade", "minst_en_insats", "avslutade") else S("avslut")
        return (u, dg, tab, "L", kat), bas
    if kat == "uppgift_saknas":
        return (u, dg, tab, "M"), S(k)
    if kat == "minst_ett_svar":
        return (u, dg, tab, "B"), S(k)
    if kat in comb.get(tab, {}):
        return (u, dg, tab, "C", kat), (u, dg, tab, "B")
    return (u, dg, tab, "L", kat), (u, dg, tab, "B")


def slot_values(rows, types, kind, comb):
    """Exact values per slot of a file without hidden cells (the truth)."""
    val = {}
    for (niva, kod, tab, dg, kat), (antal, bas, _a, _m) in rows.items():
        a, b = role_slots((niva, kod), tab, dg, kat, types, kind, comb)
        if a is not None and antal != "":
            val[a] = int(antal)
        if bas != "":
            val[b] = int(bas)
    return val


def build_model(pub, units, dgs, written, cats, types, kind, comb):
    """Unknowns, their ptable-aware priors from the published rows, and the relations."""
    m = Model()
    prior = {}
    status = {}

    def tighten(slot, lo, hi):
        a, b = prior.get(slot, (0, INF))
        prior[slot] = (max(a, lo), min(b, hi))

    for (niva, kod, tab, dg, kat), (antal, bas, _a, _m) in pub.items():
        a, b = role_slots((niva, kod), tab, dg, kat, types, kind, comb)
        if bas != "":
            tighten(b, *preimage(int(bas)))
            status.setdefault(b, "shown")
        if a is not None and antal != "":
            tighten(a, *preimage(int(antal)))
            status[a] = "shown"
        if bas == "":  # item 4: a hidden row has a published base 1..N-1
            tighten(b, *preimage_range(1, 4))
            status.setdefault(b, "hidden")
            if a is not None:
                status.setdefault(a, "hidden")
                m.le([a], [b])
    S = lambda u, dg, k: (u, dg, "S", k)  # noqa: E731
    for u in units:
        if (u, "") not in written:  # a unit with nothing written (D164): its scope publishes 0
            tighten(S(u, "", "all"), *preimage(0))
        for dg in dgs:
            dg_written = (u, dg) in written
            if not dg_written and u[0] in ("kommun", "stadsdel"):
                # item 6: a delgrupp not written has a published every-ärende scope < 20
                tighten(S(u, dg, "all"), 0, preimage_range(0, 19)[1])
            for tab, kats in cats.items():
                b = dg.split("=")[0]
                if b == tab or (tab == "hedersrelaterat_vald" and b == "hrv") or \
                        (tab == "medel_arendelangd" and b == "arendelangd"):
                    continue
                k = kind.get(tab, "all")
                sc = S(u, dg, k)
                tab_written = (u, dg, tab) in written
                if not tab_written and dg_written:
                    tighten(sc if not tab.startswith("medel_") else (u, dg, tab, "N"), *preimage(0))
                if tab.startswith("medel_"):
                    slot = (u, dg, tab, "N")
                    if tab == "medel_antal_insatser":
                        m.same(slot, S(u, dg, "all"))
                    elif tab == "medel_antal_samverkansparter":
                        m.same(slot, (u, dg, "samverkan", "B"))
                    else:
                        m.same(slot, (u, dg, "arendelangd", "B"))
                    continue
                if tab == "faser":
                    for kat, tgt in (("aktualiserade", S(u, dg, "all")), ("minst_en_insats", (u, dg, "insatser", "B")),
                                     ("avslutade", S(u, dg, "avslut")),
                                     ("med_maluppfoljning", (u, dg, "maluppfoljning", "B")),
                                     ("med_brukarenkat", S(u, dg, "bu"))):
                        m.same((u, dg, tab, "L", kat), tgt)
                    continue
                typ = types[tab]
                B, M = (u, dg, tab, "B"), (u, dg, tab, "M")
                labels = [x for x in kats if x not in ("minst_ett_svar", "uppgift_saknas") and x not in comb.get(tab, {})]
                L = [(u, dg, tab, "L", x) for x in labels]
                m.eq([B, M], [sc])
                if typ == "enval":
                    m.eq(L, [B])
                else:
                    for x in L:
                        m.le([x], [B])
                    m.le([B], L)
                    if tab == "funktionsnedsattning":  # Nej and Vet ej exclusive of everything
                        nej, vet = (u, dg, tab, "L", "Nej"), (u, dg, tab, "L", "Vet ej")
                        for o in [x for x in L if x not in (nej, vet)]:
                            m.le([nej, vet, o], [B])
                for ck, parts in comb.get(tab, {}).items():
                    C = (u, dg, tab, "C", ck)
                    P = [(u, dg, tab, "L", p) for p in parts]
                    if typ == "enval":
                        m.eq([C], P)
                    else:
                        for p in P:
                            m.le([p], [C])
                        m.le([C], P)
                        m.le([C], [B])
                if tab in NEVER_BLANK:
                    tighten(M, 0, 0)
            # across tables of one unit and delgrupp (Appendix A)
            g = lambda t, r, *kk: (u, dg, t, r) + tuple(kk)  # noqa: E731
            bk = dg.split("=")[0]
            if bk != "riskbedomning_gjord":
                m.same(g("riskbedomning_gjord", "L", "Ja"), g("risk_skattning", "B"))
                m.same(g("riskbedomning_gjord", "L", "Nej"), g("risk_skattning", "M"))
            m.same(g("antal_insatser", "L", "0"), g("insatser", "M"))
            m.same(g("antal_samverkansparter", "L", "0"), g("samverkan_forekommit", "L", "Nej"))
            m.eq([g("antal_samverkansparter", "L", x) for x in ("1", "2", "3+")], [g("samverkan", "B")])
            m.le([g("samverkan", "B")], [g("samverkan_forekommit", "L", "Ja")])
            if bk != "har_brukarenkat":
                m.same(g("har_brukarenkat", "L", "Ja"), S(u, dg, "bu"))
            if bk not in ("toppgrupp", "maluppfoljning"):
                m.le([g("toppgrupp", "L", "Ja")], [g("maluppfoljning", "L", "Positiv förändring och målet uppnått (mål uppfyllda)")])
            if bk != "toppgrupp":
                m.le([g("toppgrupp", "L", "Ja")], [g("bu_forandring_valdsutsatthet", "L", "Förbättrats mycket")])
            m.le([S(u, dg, "avslut")], [S(u, dg, "all")])
            m.le([S(u, dg, "bu")], [S(u, dg, "avslut")])
    return m, prior, status


def add_cross(m, units, dgs, cats):
    """Across delgrupper and levels (Appendix A)."""
    labels_of = cats
    for u in units:
        for dg in dgs:
            if not dg:
                continue
            b, val = dg.split("=", 1)
            bt = BREAK_TABLE[b]
            # the delgrupp's every-ärende scope = the breakdown's count in its own table
            m.same((u, dg, "S", "all"), (u, "", bt, "L", val))
            if b in ("maluppfoljning", "arendelangd", "toppgrupp", "har_brukarenkat"):
                m.same((u, dg, "S", "all"), (u, dg, "S", "avslut"))
            if dg == "har_brukarenkat=Ja":
                m.same((u, dg, "S", "avslut"), (u, dg, "S", "bu"))
            # the same cell in two tables: table X under b=val, row c == table bt under X'=c, row val
            for b2, t2 in BREAK_TABLE.items():
                if b2 == b or t2 == bt:
                    continue
                for c in labels_of.get(t2, []):
                    if c in ("minst_ett_svar", "uppgift_saknas"):
                        continue
                    dg2 = f"{b2}={c}"
                    if dg2 not in dgs:
                        continue
                    m.same((u, dg, t2, "L", c), (u, dg2, bt, "L", val))
    # delgrupper of one breakdown: Σ ≤ whole (= for riskbedomning_gjord over every slot of the
    # every-ärende tables and for toppgrupp/har_brukarenkat over the avslut and bu scopes)
    by_break = defaultdict(list)
    for dg in dgs:
        if dg:
            by_break[dg.split("=")[0]].append(dg)
    slots_by_unit = defaultdict(set)
    for x in list(m.parent):
        if len(x) >= 4 and x[1] == "":
            slots_by_unit[x[0]].add(x[2:])
    for u in units:
        for b, group in by_break.items():
            if b == "funktionsnedsattning":
                continue
            for rest in slots_by_unit[u]:
                if rest[0] in (BREAK_TABLE[b],) or (rest[0] == "S" and False):
                    continue
                parts = [(u, dg) + rest for dg in group if (u, dg) + rest in m.parent]
                if len(parts) < 2:
                    continue
                exact = b == "riskbedomning_gjord" or (b in ("toppgrupp", "har_brukarenkat") and rest in (("S", "avslut"), ("S", "bu")))
                (m.eq if exact else m.le)(parts, [(u, "") + rest])
    # levels: samtliga = Σ län, län = Σ kommuner, kommun ≥ Σ stadsdelar
    children = defaultdict(list)
    for u in units:
        base, _, tag = u[1].partition("@")  # "@tag": a unit of one of several runs (attack_runs)
        tag = "@" + tag if tag else ""
        if u[0] == "lan":
            children[("samtliga", tag)].append(u)
        elif u[0] == "kommun":
            children[("lan", base[:2] + tag)].append(u)
        elif u[0] == "stadsdel":
            children[("kommun", base.split("-")[0] + tag)].append(u)
    rests = defaultdict(set)
    for x in list(m.parent):
        if len(x) >= 4:
            rests[x[0]].add(x[1:])
    for par, kids in children.items():
        for rest in rests[par]:
            parts = [k + rest for k in kids if k + rest in m.parent]
            if par[0] == "kommun":
                m.le(parts, [par + rest])
            else:
                m.eq(parts, [par + rest])


def propagate(m, prior, max_rounds=60):
    """Bound propagation with integer bounds to a fixpoint (worklist)."""
    lo, hi = {}, {}
    for slot, (a, b) in prior.items():
        r = m.find(slot)
        lo[r] = max(lo.get(r, 0), a)
        hi[r] = min(hi.get(r, INF), b)
    cons = []
    for pos, neg, typ in m.cons:
        p = tuple(m.find(x) for x in pos)
        n = tuple(m.find(x) for x in neg)
        cons.append((p, n, typ))
    by_var = defaultdict(list)
    for i, (p, n, _) in enumerate(cons):
        for x in p + n:
            by_var[x].append(i)
            lo.setdefault(x, 0)
            hi.setdefault(x, INF)
    work = set(range(len(cons)))
    rounds = 0
    infeasible = 0
    while work and rounds < max_rounds:
        rounds += 1
        nxt = set()
        for i in work:
            p, n, typ = cons[i]
            plo = sum(lo[x] for x in p)
            phi = sum(min(hi[x], INF) for x in p)
            nlo = sum(lo[x] for x in n)
            nhi = sum(min(hi[x], INF) for x in n)
            changed = []
            # Σp ≤ Σn  (and for eq also Σp ≥ Σn)
            for x in p:
                new_hi = nhi - (plo - lo[x])
                if new_hi < hi[x]:
                    hi[x] = new_hi
                    changed.append(x)
            for y in n:
                new_lo = plo - (nhi - min(hi[y], INF))
                if new_lo > lo[y]:
                    lo[y] = new_lo
                    changed.append(y)
            if typ == "eq":
                for x in p:
                    new_lo = nlo - (phi - min(hi[x], INF))
                    if new_lo > lo[x]:
                        lo[x] = new_lo
                        changed.append(x)
                for y in n:
                    new_hi = phi - (nlo - lo[y])
                    if new_hi < hi[y]:
                        hi[y] = new_hi
                        changed.append(y)
            for x in changed:
                if lo[x] > hi[x]:
                    infeasible += 1
                    lo[x], hi[x] = hi[x], lo[x]
                for j in by_var[x]:
                    if j != i:
                        nxt.add(j)
        work = nxt
    return lo, hi, rounds, infeasible


# ------------------------------------------------------------------------------------------------
# Attack 1: interval propagation, scored against the truth

def structure(pub):
    units = sorted({(k[0], k[1]) for k in pub}, key=lambda u: (["samtliga", "lan", "kommun", "stadsdel"].index(u[0]), u[1]))
    dgs = [""] + sorted({k[3] for k in pub if k[0] == "samtliga" and k[3]})
    cats = {}
    for (niva, kod, tab, dg, kat) in pub:
        if niva == "samtliga" and dg == "":
            cats.setdefault(tab, [])
            if kat not in cats[tab]:
                cats[tab].append(kat)
    written = set()
    for (niva, kod, tab, dg, kat) in pub:
        written.add(((niva, kod), dg))
        written.add(((niva, kod), dg, tab))
    return units, dgs, cats, written


def tagged(rows, tag):
    return {(k[0], k[1] + "@" + tag) + k[2:]: v for k, v in rows.items()}


def attack_intervals(pub_path, truth_path, with_relations=True, ptable_aware=True, log=print, runs=None):
    """runs: [(tag, pub, truth), ...] and pub_path = [(whole, part, part), ...]: several publications
    of one key, the whole's every count the sum of the parts' (periods that split it)."""
    global preimage
    types, kind, comb = codebook()
    if runs:
        pub, truth = {}, {}
        for tag, p, t in runs:
            pub.update(tagged(read_tidy(p), tag))
            truth.update(tagged(read_tidy(t), tag))
        sums = pub_path
    else:
        pub = read_tidy(pub_path)
        truth = read_tidy(truth_path)
        sums = []
    units, dgs, cats, written = structure(pub)
    if runs:  # every unit of any run is a participant in every run
        codes = {(u[0], u[1].split("@")[0]) for u in units}
        units = sorted({(n, c + "@" + tag) for n, c in codes for tag, _p, _t in runs})
    saved = preimage
    if not ptable_aware:  # the tool's own audit's prior: [max(0, v-3), v+3]
        preimage = lambda v: (max(0, v - 3), v + 3)  # noqa: E731
    try:
        m, prior, status = build_model(pub, units, dgs, written, cats, types, kind, comb)
        if with_relations:
            add_cross(m, units, dgs, cats)
            for whole, *parts in sums:  # across runs: the whole period's set is the union of the parts'
                suffix = "@" + whole
                for x in [x for x in list(m.parent) if len(x) >= 4 and x[0][1].endswith(suffix)]:
                    base = x[0][1][: -len(suffix)]
                    ps = [((x[0][0], base + "@" + p),) + x[1:] for p in parts]
                    m.eq(ps, [x])
        else:
            m.cons = []
    finally:
        preimage = saved
    tv = slot_values(truth, types, kind, comb)
    # every slot the model knows; its true value (a slot absent from the truth counts 0 ärenden)
    for x in list(prior):
        m.find(x)
    slots = [x for x in m.parent]
    lo, hi, rounds, infeasible = propagate(m, prior)
    # check the model against the truth: one true value per class, inside the bounds
    cls_true, conflicts, outside = {}, 0, 0
    for x in slots:  # a slot of a table that does not exist for its delgrupp has no truth
        r = m.find(x)
        t = tv.get(x)
        if t is None:
            continue
        if r in cls_true and cls_true[r] != t:
            conflicts += 1
        cls_true.setdefault(r, t)
    for x in slots:
        cls_true.setdefault(m.find(x), 0)
    for r, t in cls_true.items():
        if not (lo.get(r, 0) <= t <= hi.get(r, INF)):
            outside += 1
    res = defaultdict(lambda: [0, 0, 0, 0])  # (level, status) -> [classes true 1-4, pinned, within 1-4, slots]
    examples = []
    cls_status, cls_level, cls_slot = {}, {}, {}
    for x in slots:
        r = m.find(x)
        st = status.get(x, "unpublished")
        order = {"shown": 0, "hidden": 1, "unwritten": 2, "unpublished": 3}
        if r not in cls_status or order[st] < order[cls_status[r]]:
            cls_status[r] = st
            cls_slot[r] = x
        lv = x[0][0]
        if r not in cls_level or ["stadsdel", "kommun", "lan", "samtliga"].index(lv) < ["stadsdel", "kommun", "lan", "samtliga"].index(cls_level[r]):
            cls_level[r] = lv
    for r, t in cls_true.items():
        if not 1 <= t <= 4:
            continue
        key = (cls_level[r], cls_status[r])
        e = res[key]
        e[0] += 1
        a, b = lo.get(r, 0), hi.get(r, INF)
        if a == b:
            e[1] += 1
            examples.append(("pinned", cls_slot[r], t, a, b))
        if a >= 1 and b <= 4:
            e[2] += 1
            if a != b:
                examples.append(("within", cls_slot[r], t, a, b))
    tot = [0, 0, 0]
    for k in sorted(res):
        for i in range(3):
            tot[i] += res[k][i]
    log(f"  slots {len(slots)}, classes {len(cls_true)}, constraints {len(m.cons)}, rounds {rounds}, "
        f"model check: class conflicts {conflicts}, truth outside bounds {outside}, infeasible {infeasible}")
    return dict(res), tot, examples, (lo, hi, m, cls_true, cls_slot, status, pub)


def fmt_slot(x):
    (niva, kod, *_), dg, *rest = x
    return f"{niva} {kod or '-'} | dg '{dg}' | {'/'.join(map(str, rest))}"


# ------------------------------------------------------------------------------------------------
# Attack 3: differencing two publications whose inputs differ by one ärende (same key)

def attack_difference(pub_a, pub_b, truth_a, truth_b, log=print):
    """The attacker knows only that one ärende was added (or removed). A cell whose set did not change
    keeps its published value (same set, same key); so every changed published antal marks a cell
    holding that ärende, with certainty. Scored: the ärende's true cells (antal slots whose true
    count differs) and how many of them the attacker sees change; cells that change without the
    ärende in them (none, if the method holds)."""
    A, B, TA, TB = (read_tidy(p) for p in (pub_a, pub_b, truth_a, truth_b))
    per_level = defaultdict(lambda: [0, 0, 0])  # level -> [cells holding the ärende, seen changed, false alarms]
    revealed_tables = defaultdict(set)  # (unit, dg '', table) with the ärende's category revealed
    example = []
    for key in set(TA) | set(TB):
        ta, tb = TA.get(key, ("0",) * 4)[0], TB.get(key, ("0",) * 4)[0]
        if key[4] == "medel":
            continue
        pa, pb = A.get(key, ("",) * 4)[0], B.get(key, ("",) * 4)[0]
        if pa == "" or pb == "":
            continue  # only cells published (shown) in both runs
        holds = (ta or "0") != (tb or "0")
        seen = pa != "" and pb != "" and pa != pb
        lv = key[0]
        if holds:
            per_level[lv][0] += 1
            if seen:
                per_level[lv][1] += 1
                if key[3] == "":
                    revealed_tables[(key[0], key[1], key[2])].add(key[4])
                    if len(example) < 12 and key[0] in ("kommun", "stadsdel"):
                        example.append((key, pa, pb, ta, tb))
        elif seen:
            per_level[lv][2] += 1
    # a unit's table whose label rows changed: the attacker reads the new ärende's answer
    for lv, (h, s, f) in sorted(per_level.items()):
        log(f"  {lv:9s}: shown cells holding the ärende {h}, published value changed {s} ({100 * s / max(h, 1):.0f} %), "
            f"changed without it {f}")
    return per_level, revealed_tables, example


def attack_means(pub_a, pub_b, truth_a, truth_b, added=True, log=print):
    """`medel` is the true mean beside a perturbed base. Between two runs one ärende apart (the
    attacker knows it was added, or removed), a changed medel means the ärende is in that set, and
    x = (n+1)·m' − n·m (added; removed: n·m − (n−1)·m') for the unknown n ∈ preimage(v), ±0.05
    rounding on each mean. The intervals of every changed delgrupp and level are intersected."""
    A, B, TA, TB = (read_tidy(p) for p in (pub_a, pub_b, truth_a, truth_b))
    out = []
    inter = {}
    for key, (antal, bas, andel, medel) in B.items():
        if key[4] != "medel" or medel == "" or key not in A or A[key][3] == "":
            continue
        ma, mb = float(A[key][3]), float(medel)
        if ma == mb and A[key][1] == bas:
            continue
        lo_n, hi_n = preimage(int(A[key][1]))
        est = []
        for n in range(max(lo_n, 2), hi_n + 1):
            for da in (-0.05, 0.05):
                for db in (-0.05, 0.05):
                    est.append((n + 1) * (mb + db) - n * (ma + da) if added else n * (ma + da) - (n - 1) * (mb + db))
        ta, tb = TA[key], TB[key]
        true_x = abs(int(tb[0]) - int(ta[0])) if ta[0] and tb[0] else None
        out.append((key, A[key][1], A[key][3], bas, medel, min(est), max(est), true_x))
        lo, hi, _t = inter.get(key[2], (-INF, INF, None))
        inter[key[2]] = (max(lo, min(est)), min(hi, max(est)), true_x)
    for key, va, ma, vb, mb, lo, hi, tx in out:
        log(f"    {key[0]} {key[1]} {key[2]} dg '{key[3]}': bas {va}->{vb}, medel {ma}->{mb}: "
            f"the ärende's value in [{lo:.1f}, {hi:.1f}], true {tx}")
    for tab, (lo, hi, tx) in inter.items():
        log(f"  {tab}: intersected over {sum(1 for o in out if o[0][2] == tab)} changed means: "
            f"the ärende's value in [{lo:.1f}, {hi:.1f}] (true {tx})")
    return out, inter


# ------------------------------------------------------------------------------------------------
# Attack 7: identifiers, free text and the key in every output file

def grep_outputs(out: Path, inputs, key_path, log=print):
    needles = set()
    for path in inputs:
        with open(path, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                for col in ("arende_id", "klient_id", "handlaggare", "bu_forbattringsforslag"):
                    if r.get(col, "").strip():
                        needles.add(r[col].strip())
    key = Path(key_path).read_bytes()
    blobs = []
    for f in sorted(out.rglob("*")):
        if f.is_dir() or f.suffix not in (".xlsx", ".csv", ".html") or f.name.startswith("in_"):
            continue
        if f.suffix == ".xlsx":
            with zipfile.ZipFile(f) as z:
                blobs.append((str(f), b"".join(z.read(n) for n in z.namelist())))
        else:
            blobs.append((str(f), f.read_bytes()))
    hits = []
    tokens = re.compile(r"[A-Za-z0-9ÅÄÖåäö_\-]{6,}")
    long_texts = [nd for nd in needles if not tokens.fullmatch(nd)]
    for name, data in blobs:
        text = data.decode("utf-8", "replace")
        found = set(tokens.findall(text)) & needles  # identifiers are single tokens: a set lookup
        hits += [(name, nd) for nd in sorted(found)]
        hits += [(name, nd) for nd in long_texts if len(nd) >= 12 and nd in text]
        if key in data or key.hex() in text:
            hits.append((name, "KEY"))
    log(f"  {len(blobs)} files, {len(needles)} identifier/free-text values searched: {len(hits)} hits")
    return hits


def build(out: Path, key: Path):
    def run(*a):
        subprocess.run(OJ + list(a), check=True, capture_output=True)
    S = str(SAMPLE)
    jobs = [("pub.csv", ["isu", "build", "--out", str(out / "pub.xlsx"), "--tidy", str(out / "pub.csv")]),
            ("sant_ej_for_publicering.csv", ["isu", "build", "--utan-brus", "--minsta-antal", "1", "--out",
                                              str(out / "sant.xlsx"), "--tidy", str(out / "sant_ej_for_publicering.csv")])]
    for tag, inp, per in (("", S, None), ("_2021-01-01", S, "2021-01-01:2021-12-31"), ("_2022-01-01", S, "2022-01-01:"),
                          ("_plus1", str(out / "in_plus1.csv"), None), ("_minus1", str(out / "in_minus1.csv"), None)):
        p = ["--period", per] if per else []
        jobs.append((f"sec{tag}.csv", ["isu", "build", inp, "--nyckelfil", str(key), *p, "--out", str(out / f"sec{tag}.xlsx"),
                                       "--tidy", str(out / f"sec{tag}.csv")]))
        jobs.append((f"sant{tag}_ej_for_publicering.csv", ["isu", "build", inp, "--utan-brus", "--minsta-antal", "1", *p,
                                                          "--out", str(out / f"sant{tag}.xlsx"),
                                                          "--tidy", str(out / f"sant{tag}_ej_for_publicering.csv")]))
    jobs.append(("enheter_html", ["isu", "kommun", "--all", S, "--nyckelfil", str(key), "--out-dir",
                                  str(out / "enheter_html"), "--format", "html", "-j", "2"]))
    jobs.append(("kolada_2022.csv", ["isu", "kolada", S, "--ar", "2022", "--vuxna", str(ROOT / "samples/isu_vuxna_exempel.csv"),
                                     "--out", str(out / "kolada_2022.csv")]))
    for name, args in jobs:
        if not (out / name).exists():
            run(*args)


def make_inputs(out: Path):
    with open(SAMPLE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    donor = [r for r in rows if r["enhetskod"] == "2580"][7]
    new = dict(donor, arende_id="AR-NEW-0885-9999", enhetskod="0885")  # one ärende more in 0885 (15 ärenden)
    gone = [r for r in rows if r["enhetskod"] == "0885"][3]["arende_id"]
    for name, rs in (("plus1", rows + [new]), ("minus1", [r for r in rows if r["arende_id"] != gone])):
        p = out / f"in_{name}.csv"
        if not p.exists():
            with open(p, "w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=fields)
                w.writeheader()
                w.writerows(rs)


def report_intervals(title, res, tot, ex, log=print):
    log(f"{title}: true small counts (1-4, distinct sets) {tot[0]}, pinned {tot[1]}, bounded within 1-4 {tot[2]}")
    for k in sorted(res):
        a, b, c, _ = res[k]
        log(f"    {k[0]:9s} {k[1]:11s} small {a:6d}  pinned {b:4d}  within 1-4 {c:5d}")
    for e in [e for e in ex if e[0] == "pinned"][:3]:
        log(f"    e.g. pinned: {fmt_slot(e[1])} = {e[2]}")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    multi = "--multi" in argv
    argv = [a for a in argv if a != "--multi"]
    if len(argv) != 1:
        print(__doc__)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    key = out / "secret.key"
    if not key.exists():
        import os
        key.write_bytes(os.urandom(32))
    make_inputs(out)
    build(out, key)
    T = str(out / "sant_ej_for_publicering.csv")
    print("== Attack 1: interval propagation (ptable-aware prior + Appendix A relations)")
    for title, pub, truth, kw in (
            ("demo key, sample", out / "pub.csv", T, {}),
            ("secret key, sample", out / "sec.csv", T, {}),
            ("secret key, sample, prior only (no relations)", out / "sec.csv", T, {"with_relations": False}),
            ("secret key, sample, the tool's prior [v-3, v+3] + relations", out / "sec.csv", T, {"ptable_aware": False}),
            ("secret key, --period 2021", out / "sec_2021-01-01.csv", out / "sant_2021-01-01_ej_for_publicering.csv", {}),
            ("secret key, --period 2022-", out / "sec_2022-01-01.csv", out / "sant_2022-01-01_ej_for_publicering.csv", {})):
        res, tot, ex, _ = attack_intervals(pub, truth, **kw)
        report_intervals(title, res, tot, ex)
    if multi:
        runs = [("F", out / "sec.csv", T), ("A", out / "sec_2021-01-01.csv", out / "sant_2021-01-01_ej_for_publicering.csv"),
                ("B", out / "sec_2022-01-01.csv", out / "sant_2022-01-01_ej_for_publicering.csv")]
        res, tot, ex, _ = attack_intervals([("F", "A", "B")], None, runs=runs)
        report_intervals("three runs: whole, 2021, 2022- (whole = sum of the periods)", res, tot, ex)
    print("== Attack 3: differencing two runs one ärende apart (kommun 0885, same key)")
    for n, added in (("plus1", True), ("minus1", False)):
        print(f" {n}:")
        pl, rt, exd = attack_difference(out / "sec.csv", out / f"sec_{n}.csv", T, out / f"sant_{n}_ej_for_publicering.csv")
        k = sorted(t for t in rt if t[0] == "kommun")
        print(f"  kommun tables whose changed rows name the ärende's answers: {len(k)}")
        for t in k[:6]:
            print(f"    {t[2]}: {sorted(rt[t])}")
        print(" == Attack 5: the true means differenced")
        attack_means(out / "sec.csv", out / f"sec_{n}.csv", T, out / f"sant_{n}_ej_for_publicering.csv", added=added,
                     log=lambda s: None if s.startswith("    ") else print(s))
    print("== Attack 7: identifiers, free text, key bytes in the outputs")
    hits = grep_outputs(out, [SAMPLE, out / "in_plus1.csv"], key) + grep_outputs(out, [SAMPLE], ROOT / "samples/isu_demo.key")
    for h in hits[:10]:
        print("   ", h)
    return 0


if __name__ == "__main__":
    sys.exit(main())
