"""The compilation (CONTRACT isu §3–§5): ärenden → every table, for every level, unit and delgrupp.

Counting is vectorised (`counting`): each table has a per-ärende category code (its scope one more
code, dropped); the codes of several tables are packed into joint codes and counted with one
`np.bincount` per breakdown over (registration unit × breakdown value × joint code), every
delgrupp of a breakdown at once; `flerval` labels are counted from (ärende, label) pairs. The
counts per registration unit (`Arenden.enheter`) are then summed into the output units — samtliga,
län, kommun (a district's ärenden count in its kommun too) and stadsdel — by one small matrix
product, since every figure is a sum over ärenden. Each table's rows (antal, bas) follow from its
counts by sums; shares and means are computed from antal and bas in exact integer arithmetic when
read (`results`).

The cell keys (CONTRACT §2 item 2) are the same sums with each ärende's record key r as its weight
(D165), so one set of ärenden has one key in every table, delgrupp and level. The
perturbation is `cellkey.perturb`; what is written and hidden, decided on the published values,
is `masking.publish`.
"""
from __future__ import annotations

import numpy as np

from . import derived as H
from .counting import MOD32, Tally, join_halves, key_halves
from .cellkey import key_sum, perturb, perturb_one
from .masking import publish
from .model import KOMMUN, LAN, NIVAER, NO_DATE, SAMTLIGA, STADSDEL, Arenden
from .results import IsuTables
from .table_plan import (
    ALLA,
    AVSLUTADE,
    BRUKARENKAT,
    ENVAL,
    FASER,
    FLERVAL,
    MEDELRAD,
    Plan,
    Table,
    load_plan,
)

_EXACT = 2**53  # float64 sums of whole numbers below this are exact
EXACT_KEYS_PER_CODE = 2**21  # ärenden of one registration code whose keys (< 2^32) sum exactly in float64


def build_results(arenden=None, *, period=None, minsta_antal: int = 5, nyckelfil=None,
                  utan_brus: bool = False) -> IsuTables:
    """Read, validate and compile an ärende file (CSV or XLSX; None = the embedded synthetic
    sample), as `ojexcel isu build` does: the Python API's `ojexcel.isu.build`.

    `period`: (FRÅN, TILL), inclusive, each a `datetime.date`, an ISO date text or None (open).
    `nyckelfil`: the publication's key file (CONTRACT §2 item 1; a path), required for a file of
    one's own unless `utan_brus` (the truth, not for publication); the embedded sample uses its
    demo key (D153). The results are not audited: `ojexcel.isu.gate.check(results)` is the
    build's gate. Raises `InputError` for invalid input (every problem, naming file, row, column
    and value), ValueError when a file of one's own has no key."""
    import datetime as dt

    from ..io.resources import isu_sample
    from ..population import load_population
    from .codebook import load_codebook
    from .reader import read_arenden

    def day(value, side: str) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValueError(f"period: {side} {value!r} is not an ISO date (ÅÅÅÅ-MM-DD)") from None

    fran, till = (None, None) if period is None else period
    fran, till = day(fran, "FRÅN"), day(till, "TILL")
    if fran is not None and till is not None and fran > till:
        raise ValueError(f"period: starts after it ends ({fran} > {till})")
    source = isu_sample() if arenden is None else arenden
    key = None
    if not utan_brus:
        from ..io.resources import isu_demo_key
        from .cellkey import read_key_file

        if nyckelfil is None and arenden is not None:
            raise ValueError("a publication needs its key file: nyckelfil=PATH (CONTRACT §2), or utan_brus=True "
                             "for the true numbers (not for publication)")
        key, _ = read_key_file(isu_demo_key() if nyckelfil is None else nyckelfil)
    data = read_arenden(source, load_codebook(), load_population(), period=(fran, till), nyckel=key)
    # the public demo key, given by name or not, is said on every output (D153, D180)
    demo = key is not None and (nyckelfil is None or key == read_key_file(isu_demo_key())[0])
    return compile_tables(data, minsta_antal=minsta_antal, utan_brus=utan_brus, demo_key=demo)


def compile_tables(arenden: Arenden, minsta_antal: int = 5, population=None, utan_brus: bool = False,
                   demo_key: bool = False) -> IsuTables:
    """Compile, perturb and decide what is written (CONTRACT isu §2–§5). `population`: the
    reference units (default: the packaged ones), for each registration code's kommun and län.

    Every count n of a set S is published as v = perturb(n, Σ_{a∈S} r(a) mod 2^32) (§2 items
    1–3: `arenden.record_keys`, read with the key); what is written and hidden follows from v
    alone (items 4–6, `masking.publish`). `utan_brus`: the truth, for the publisher's own checks
    (§2: items 1–3 and 5–7 not applied, item 4 at `minsta_antal`). `demo_key`: the keys come from
    the embedded sample's public demo key (the outputs say so)."""
    if minsta_antal < 1:
        raise ValueError("minsta_antal must be at least 1")
    if not utan_brus and arenden.record_keys is None:
        raise ValueError("no record keys: read the ärenden with the key (nyckel=K), or compile with utan_brus=True")
    if population is None:
        from ..population import load_population

        population = load_population()
    plan = load_plan()
    _check(arenden, plan)
    finns = np.bincount(arenden.enhet.astype(np.intp), minlength=len(arenden.enheter)) > 0
    enheter, karta = unit_map(arenden.enheter, population, finns)
    niva = [nv for nv, _ in enheter]
    if utan_brus:
        antal, bas = count_tables(arenden, plan, enheter, karta)
        pub_antal, pub_bas = antal, np.maximum(bas, 0)
        n_pub = arenden.n
        utanfor_pub = arenden.utanfor_period
    else:
        antal, bas, key_antal, key_bas = count_tables(arenden, plan, enheter, karta, keys=arenden.record_keys)
        pub_antal, pub_bas = perturb(antal, key_antal), perturb(np.maximum(bas, 0), key_bas)
        pub_antal[:, plan.slot_typ == MEDELRAD] = 0  # a mean's antal is a sum, not a count: never published
        # the cover's counts as counts of their sets (D159): every ärende compiled (samtliga's
        # scope, as faser's aktualiserade), and those left out by --period
        n_pub = perturb_one(arenden.n, key_sum(arenden.record_keys))
        utanfor_pub = perturb_one(arenden.utanfor_period, arenden.utanfor_nyckel)
    written, hidden = publish(plan, niva, pub_bas, minsta_antal, delgrupp_rule=not utan_brus)
    return IsuTables(
        plan=plan,
        kalla=arenden.kalla,
        period=arenden.period,
        minsta_antal=minsta_antal,
        n=n_pub,
        utanfor_period=utanfor_pub,
        warnings=list(arenden.warnings),
        enhetslista=enheter,
        antal=antal,
        bas=bas,
        pub_antal=pub_antal,
        pub_bas=pub_bas,
        written=written,
        hidden=hidden,
        utan_brus=utan_brus,
        demo_key=demo_key and not utan_brus,
        syntetisk=arenden.syntetisk,
    )


# ---------------------------------------------------------------------------------------------
# Levels


def unit_map(koder: tuple[str, ...], population, finns: np.ndarray | None = None) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The output units in tidy order — (niva, kod) — and the [unit × registration code] 0/1
    matrix saying which registration codes' ärenden each output unit counts (one unit per level). `finns`: which codes
    have at least one ärende (only units with ärenden appear, §3; default: all)."""
    lan_av_stad: dict[str, str] = {}
    for u in population.units:
        if u.stad:
            lan_av_stad.setdefault(u.stad, u.lanskod)
    med: list[tuple[str, str, str | None]] = []  # per code: lan, kommun, stadsdel
    for kod in koder:
        unit = population.by_kod.get(kod)
        if unit is not None:
            med.append((unit.lanskod, unit.stad or unit.kod, unit.kod if unit.is_district else None))
        elif kod in lan_av_stad:
            med.append((lan_av_stad[kod], kod, None))
        else:
            raise ValueError(f"enhetskod {kod!r} is not a kommun or district of the reference data")
    if finns is None:
        finns = np.ones(len(koder), dtype=bool)
    med_arenden = [m for m, f in zip(med, finns.tolist()) if f]
    enheter: list[tuple[str, str]] = [(SAMTLIGA, "")]
    enheter += [(LAN, k) for k in sorted({m[0] for m in med_arenden})]
    enheter += [(KOMMUN, k) for k in sorted({m[1] for m in med_arenden})]
    enheter += [(STADSDEL, k) for k in sorted({m[2] for m in med_arenden if m[2]})]
    index = {e: i for i, e in enumerate(enheter)}
    karta = np.zeros((len(enheter), len(koder)), dtype=np.int8)
    for e, (lan, kommun, stadsdel) in enumerate(med):
        if not finns[e]:
            continue
        karta[0, e] = 1
        karta[index[(LAN, lan)], e] = 1
        karta[index[(KOMMUN, kommun)], e] = 1
        if stadsdel:
            karta[index[(STADSDEL, stadsdel)], e] = 1
    return enheter, karta


# ---------------------------------------------------------------------------------------------
# Input invariants (the reader guarantees them; a violation is a programming error, not bad input)


def _check(a: Arenden, plan: Plan) -> None:
    n = a.n
    if a.enhet.shape != (n,) or (n and (a.enhet.min() < 0 or a.enhet.max() >= len(a.enheter))):
        raise ValueError("Arenden.enhet does not index Arenden.enheter")
    for t in plan.tabeller:
        if t.harledd:
            continue
        k = len(t.svar)
        col = (a.enval if t.typ == ENVAL else a.flerval).get(t.namn)
        if col is None or col.shape != (n,):
            raise ValueError(f"Arenden lacks the column {t.namn}")
        if n and int(col.max()) >= (k + 1 if t.typ == ENVAL else 1 << k):
            raise ValueError(f"Arenden.{t.typ}[{t.namn!r}] has a code beyond its {k} labels")
    for kolumn in ("datum_aktualisering", "datum_avslut"):
        if a.datum.get(kolumn) is None or a.datum[kolumn].shape != (n,):
            raise ValueError(f"Arenden lacks the column {kolumn}")
    if a.alder.shape != (n,) or (n and np.any((a.alder != 0) & ((a.alder < 18) | (a.alder > 120)))):
        raise ValueError("Arenden.alder outside 18–120")
    if np.any(a.datum["datum_aktualisering"] == NO_DATE):
        raise ValueError("an ärende without datum_aktualisering")
    har, d = H.dagar(a)
    if np.any(har & (d < 0)):
        raise ValueError("datum_avslut before datum_aktualisering")
    avsl = a.avslutat
    for t in plan.tabeller:
        if not t.harledd and t.omfang != ALLA and np.any(a.enval[t.namn][~avsl] != 0):
            raise ValueError(f"{t.namn} answered on an ärende that is not avslutat")
    nej = a.enval["samverkan_forekommit"] == 2
    if np.any(nej & (a.flerval["samverkan"] != 0)):
        raise ValueError("samverkan partners on an ärende with samverkan_forekommit = Nej")


# ---------------------------------------------------------------------------------------------
# Counting


def _level_sums(enheter: list[tuple[str, str]], karta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per level: (its output units, the registration codes ordered by unit, where each unit's
    codes start). On one level a code belongs to at most one unit."""
    out = []
    for niva in NIVAER:
        us = [u for u, (nv, _) in enumerate(enheter) if nv == niva]
        koder = [np.flatnonzero(karta[u]) for u in us]
        langd = np.array([k.size for k in koder], dtype=np.intp)
        keep = langd > 0  # (a unit always has a code with ärenden; guarded: reduceat needs it)
        if not keep.any():
            continue
        ordning = np.concatenate([k for k in koder if k.size])
        starter = np.concatenate([[0], np.cumsum(langd[keep])[:-1]]).astype(np.intp)
        out.append((np.array(us, dtype=np.intp)[keep], ordning, starter))
    return out


def _breakdown_codes(a: Arenden, plan: Plan, harledda: dict[str, np.ndarray]) -> list[np.ndarray]:
    out = []
    for nb in plan.nedbrytningar:
        if nb.namn == "hrv":
            h = a.enval["hedersrelaterat_vald"]
            out.append(np.where((h == 1) | (h == 2), h, 0).astype(np.uint8))
        elif nb.namn in harledda:
            out.append(harledda[nb.namn])
        elif nb.flera:
            out.append(a.flerval[nb.namn])
        else:
            out.append(a.enval[nb.namn])
    return out


def count_tables(a: Arenden, plan: Plan, enheter: list[tuple[str, str]], karta: np.ndarray,
                 keys: np.ndarray | None = None):
    """`antal` and `bas` for every (output unit, slot): int64 arrays [units × plan.slots]; `bas` −1
    where the table does not exist (an empty scope). With `keys` (r per ärende, §2 item 1) also the
    cell keys of both (§2 item 2: Σ r over each count's set, mod 2^32), by the same counting:
    returns (antal, bas, key_antal, key_bas)."""
    avsl = a.avslutat
    med_bu = avsl & H.har_brukarenkat(a)
    har_datum, dagar = H.dagar(a)
    har_datum &= avsl
    omfang = {ALLA: None, AVSLUTADE: avsl, BRUKARENKAT: med_bu}
    insatser = a.flerval["insatser"]
    samverkan = a.flerval["samverkan"]
    harledda = {
        "aldersgrupp": H.aldersgrupp(a.alder),
        "antal_insatser": H.antal_insatser(insatser),
        "riskbedomning_gjord": H.ja_nej(a.flerval["risk_skattning"] != 0),
        "antal_samverkansparter": H.antal_samverkansparter(a.enval["samverkan_forekommit"], samverkan, nej=2),
        "arendelangd": H.arendelangd(har_datum, dagar),
        "har_brukarenkat": H.ja_nej(med_bu, inom=avsl),
        "toppgrupp": H.ja_nej((a.enval["maluppfoljning"] == 1) & (a.enval["bu_forandring_valdsutsatthet"] == 1), inom=avsl),
    }
    raknare = Tally(a.enhet.astype(np.intp), len(a.enheter), plan, _breakdown_codes(a, plan, harledda))
    U = karta.shape[0]
    summering = _level_sums(enheter, karta)

    def to_units(raw: np.ndarray) -> np.ndarray:
        """[E, D, C] per registration code → [U, D, C] per output unit: per level, the codes
        sorted by their unit and summed group by group (`np.add.reduceat`), exactly."""
        E, D, C = raw.shape
        flat = raw.reshape(E, D * C)
        out = np.zeros((U, D * C), dtype=np.int64)
        for enheter_, ordning, starter in summering:
            out[enheter_] = np.add.reduceat(flat[ordning], starter, axis=0)
        return out.reshape(U, D, C)

    # Every table's category code per ärende (C = outside the table's scope), counted together;
    # flerval labels from pairs; the means' sums weighted.
    jobb: list[tuple[np.ndarray, int]] = []
    par: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    medel: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for ti, t in enumerate(plan.tabeller):
        scope = omfang[t.omfang]
        if t.typ == ENVAL:
            varden = harledda[t.namn] if t.harledd else a.enval[t.namn]
            K = len(t.svar)
            jobb.append((varden if scope is None else np.where(scope, varden, K + 1), K + 1))
        elif t.typ == FLERVAL:
            bits = a.flerval[t.namn]
            jobb.append(((bits != 0).astype(np.uint8) if scope is None else np.where(scope, bits != 0, 2), 2))
            par[ti] = _pairs(bits if scope is None else np.where(scope, bits, 0), t)
        elif t.typ == FASER:
            kod = ((insatser != 0).astype(np.uint8) + 2 * avsl + 4 * (avsl & (a.enval["maluppfoljning"] != 0))
                   + 8 * med_bu)
            jobb.append((kod, 16))
        else:
            inom, varde = _mean(t.namn, a, insatser, samverkan, avsl, har_datum, dagar)
            if inom.any() and float(varde[inom].sum()) >= _EXACT:
                raise ValueError(f"{t.namn}: sums beyond exact arithmetic")
            medel[ti] = (inom, varde)
            jobb.append((np.where(inom, 0, 1), 1))

    def tally(vikter: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """Every slot's antal and bas — counts, or (with `vikter`) sums of per-ärende weights over
        the same sets — and each table's scope [U, D]."""
        antal = np.zeros((U, plan.slots), dtype=np.int64)
        bas = np.zeros((U, plan.slots), dtype=np.int64)
        scopes = []
        raknat = raknare.categories_joint(jobb, vikter=vikter)
        for ti, t in enumerate(plan.tabeller):
            if t.typ == ENVAL:
                rader_a, rader_b, omf = _enval_rows(t, to_units(raknat[ti]))
            elif t.typ == FLERVAL:
                pi, pk = par[ti]
                raw = np.concatenate([raknat[ti], raknare.par(pi, pk, len(t.svar) + len(t.kombinerade), vikter)], axis=2)
                rader_a, rader_b, omf = _flerval_rows(t, to_units(raw))
            elif t.typ == FASER:
                rader_a, rader_b, omf = _faser_rows(to_units(raknat[ti]))
            else:  # MEDEL: antal is the sum of the values (no set of its own: no key)
                inom, varde = medel[ti]
                if vikter is None:
                    c = np.where(inom, 0, 1).astype(np.uint8)
                    summa = raknare.kategorier(c, 1, vikter=varde.astype(np.float64))
                else:
                    summa = np.zeros_like(raknat[ti])
                raw = to_units(np.concatenate([summa, raknat[ti]], axis=2))
                rader_a, rader_b, omf = raw[:, :, 0:1], raw[:, :, 1:2], raw[:, :, 1]
            ds = list(plan.tillatna[ti])
            a0, a1 = plan.start[ti], plan.start[ti] + len(ds) * t.width
            antal[:, a0:a1] = rader_a[:, ds, :].reshape(U, -1)
            bas[:, a0:a1] = rader_b[:, ds, :].reshape(U, -1)
            scopes.append(omf[:, ds])
        return antal, bas, scopes

    antal, bas, scopes = tally(None)
    # bas −1: the table does not exist (its scope is empty, §4), its antal 0
    for ti, t in enumerate(plan.tabeller):
        a0, a1 = plan.start[ti], plan.start[ti] + len(plan.tillatna[ti]) * t.width
        tom = np.repeat(scopes[ti] == 0, t.width, axis=1)
        antal[:, a0:a1][tom] = 0
        bas[:, a0:a1][tom] = -1
    if keys is None:
        return antal, bas
    if keys.shape != (a.n,):
        raise ValueError("record keys: one per ärende")
    # Every bin of the counting holds the ärenden of one registration code: while a code has fewer
    # than 2^21, a bin's sum of keys (< 2^32 each) stays below 2^53, so r itself is an exact
    # float64 weight and one pass gives the keys; else r is split into 16-bit halves (D165).
    if a.n == 0 or int(np.bincount(a.enhet).max()) < EXACT_KEYS_PER_CODE:
        ka, kb, _ = tally(keys.astype(np.float64))
        return antal, bas, ka & MOD32, kb & MOD32
    lo, hi = key_halves(keys)
    lo_a, lo_b, _ = tally(lo)
    hi_a, hi_b, _ = tally(hi)
    return antal, bas, join_halves(lo_a & MOD32, hi_a & MOD32), join_halves(lo_b & MOD32, hi_b & MOD32)


def _pairs(bits: np.ndarray, t: Table) -> tuple[np.ndarray, np.ndarray]:
    """(ärende, category) pairs of a flerval column: one per answer, then one per combined
    category the ärende has any part of (category K + j)."""
    pis, pks = [], []
    for k in range(len(t.svar)):
        i = np.flatnonzero(bits & np.uint32(1 << k))
        pis.append(i)
        pks.append(np.full(i.shape, k, dtype=np.uint8))
    for j, komb in enumerate(t.kombinerade):
        m = np.uint32(sum(1 << p for p in komb.delar))
        i = np.flatnonzero(bits & m)
        pis.append(i)
        pks.append(np.full(i.shape, len(t.svar) + j, dtype=np.uint8))
    return np.concatenate(pis), np.concatenate(pks)


def _enval_rows(t: Table, raw: np.ndarray):
    """raw [U, D, K+1] (0 = no answer) → antal, bas [U, D, rows], scope [U, D]."""
    K = len(t.svar)
    lab = raw[:, :, 1:K + 1]
    svarade = lab.sum(axis=2)
    omf = svarade + raw[:, :, 0]
    komb = [lab[:, :, list(k.delar)].sum(axis=2) for k in t.kombinerade]
    rader_a = np.concatenate([lab] + [x[:, :, None] for x in komb] + [raw[:, :, 0:1]], axis=2)
    rader_b = np.concatenate([np.repeat(svarade[:, :, None], K + len(komb), axis=2), omf[:, :, None]], axis=2)
    return rader_a, rader_b, omf


def _flerval_rows(t: Table, raw: np.ndarray):
    """raw [U, D, 2 + K + J]: no answer, some answer, per label, per combined category."""
    ingen, minst = raw[:, :, 0], raw[:, :, 1]
    omf = ingen + minst
    rader_a = np.concatenate([minst[:, :, None], raw[:, :, 2:], ingen[:, :, None]], axis=2)
    KJ = raw.shape[2] - 2
    rader_b = np.concatenate([omf[:, :, None], np.repeat(minst[:, :, None], KJ, axis=2), omf[:, :, None]], axis=2)
    return rader_a, rader_b, omf


def _faser_rows(raw: np.ndarray):
    """raw [U, D, 16] by code insats + 2·avslutat + 4·måluppföljning + 8·brukarenkät."""
    koder = np.arange(16)

    def summa(bit: int) -> np.ndarray:
        return raw[:, :, (koder & bit) != 0].sum(axis=2)

    omf = raw.sum(axis=2)
    avsl = summa(2)
    rader_a = np.stack([omf, summa(1), avsl, summa(4), summa(8)], axis=2)
    rader_b = np.stack([omf, omf, omf, avsl, avsl], axis=2)
    return rader_a, rader_b, omf


def _mean(namn: str, a: Arenden, insatser, samverkan, avsl, har_datum, dagar) -> tuple[np.ndarray, np.ndarray]:
    """The ärenden averaged and their values (§4's means)."""
    if namn == "medel_antal_insatser":
        return np.ones(a.n, dtype=bool), H.antal_svar(insatser)
    if namn == "medel_antal_samverkansparter":
        parter = H.antal_svar(samverkan)
        return parter >= 1, parter
    if namn == "medel_arendelangd":
        return har_datum & avsl, dagar
    raise ValueError(f"unknown mean {namn}")
