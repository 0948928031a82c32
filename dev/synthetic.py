"""Synthetic survey responses with a fixed seed, whose riket shares hit published figures exactly.

Used for the embedded samples (`dev/generate_samples.py`), for property tests and for benchmarks.

How: the codebook columns are split into groups that indicators share (e.g. V7, V7a, V7b). For
every group all complete answer combinations are enumerated, following the skip logic, and each
is evaluated with the catalogue's own rules. For the group's leading indicator the generator then
fixes how many units get Ja, Nej, Ej aktuellt, Delvis and a blank (a missing answer that matters)
so that the riket share is the target, and draws for every unit an answer combination with that
outcome. Nothing is hard-coded per indicator: a new catalogue works as it is.
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from ojexcel.rounding import share_half_up
from ojexcel.survey.catalogue import Catalogue, Indicator
from ojexcel.survey.codebook import PART_VINR, Codebook
from ojexcel.population import Population
from ojexcel.survey.reader import BESVARAT_VINR, ENHET, ENHETSKOD
from ojexcel.survey.rules import DELVIS, EJ_AKTUELLT, JA, NEJ, NOT_ASKED, evaluate

SECONDARY_EJ_AKTUELLT_WEIGHT = 0.05
FREE_TEXT_SAMPLES = ("Egen bedömningsmall", "Checklista för våldsutsatthet", "SAM")


@dataclass(frozen=True)
class Target:
    indikator: str
    low: int
    high: int  # inclusive; low == high for an exact figure


def read_targets(path: Path, year: int) -> dict[str, Target]:
    """Published riket shares for `year` from a published_riket.csv (`20-25` is a range)."""
    out: dict[str, Target] = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if int(row["ar"]) != year:
                continue
            low, _, high = row["riket_andel"].partition("-")
            out[row["indikator"]] = Target(row["indikator"], int(low), int(high or low))
    return out


def column_groups(catalogue: Catalogue) -> list[tuple[tuple[str, ...], list[Indicator]]]:
    """Connected groups of columns with the indicators that read them, in catalogue order."""
    groups: list[tuple[set[str], list[Indicator]]] = []
    for ind in catalogue:
        cols = set(ind.columns)
        joined = [g for g in groups if g[0] & cols]
        merged_cols = cols.union(*(g[0] for g in joined))
        merged_inds = [i for g in joined for i in g[1]] + [ind]
        groups = [g for g in groups if g not in joined] + [(merged_cols, merged_inds)]
    order = {q.column: n for n, q in enumerate(catalogue.codebook.questions)}
    return [(tuple(sorted(c, key=order.__getitem__)), inds) for c, inds in groups]


def answer_combinations(columns: tuple[str, ...], codebook: Codebook) -> list[dict[str, str | None]]:
    """Every complete answer combination of `columns` (parents before children) under skip logic."""
    out: list[dict[str, str | None]] = [{}]
    for col in columns:
        q = codebook[col]
        choices = FREE_TEXT_SAMPLES[:1] + ("",) if q.free_text else q.answers
        nxt = []
        for combo in out:
            if q.asked_if is not None and combo.get(q.asked_if.column) != q.asked_if.value:
                nxt.append(combo | {col: NOT_ASKED})
            else:
                nxt.extend(combo | {col: c} for c in choices)
        out = nxt
    return out


def _counts_for(rng: random.Random, n: int, outcomes: tuple[str, ...], target: Target | None) -> dict[str, int]:
    """How many of n responding units get each outcome (None = blank) for the leading indicator."""
    counts = {o: 0 for o in outcomes}
    counts[None] = rng.choice((0, 0, 1, 2))  # a few missing answers that matter
    if EJ_AKTUELLT in outcomes:
        counts[EJ_AKTUELLT] = rng.randint(2, 12)
    den = n - counts[None] - counts[EJ_AKTUELLT] if EJ_AKTUELLT in outcomes else n - counts[None]
    if target is None:
        share = rng.randint(8, 95)
    else:
        share = rng.randint(target.low, target.high)
    feasible = [ja for ja in range(den + 1) if share_half_up(ja, den) == share]
    if not feasible:
        raise ValueError(f"no count of Ja gives {share} % of {den}")
    counts[JA] = feasible[len(feasible) // 2]
    rest = den - counts[JA]
    if DELVIS in outcomes:
        counts[DELVIS] = rng.randint(0, rest // 3)
        rest -= counts[DELVIS]
    counts[NEJ] = rest
    return counts


def generate_rows(
    catalogue: Catalogue,
    population: Population,
    *,
    seed: int,
    answered: int,
    answered_vinr: int,
    targets: dict[str, Target] | None = None,
    alias_rate: float = 0.1,
) -> list[dict[str, str]]:
    """Response rows (column -> cell text) for `answered` units, `answered_vinr` of them with the VINR part."""
    targets = targets or {}
    unknown = set(targets) - set(catalogue.ids)
    if unknown:
        raise ValueError(f"targets for indicators not in the catalogue: {', '.join(sorted(unknown))}")
    rng = random.Random(seed)
    codebook = catalogue.codebook
    codes = [u.kod for u in population.units]
    respondents = sorted(rng.sample(codes, answered))
    vinr = set(rng.sample(respondents, answered_vinr))
    answers: dict[str, dict[str, str | None]] = {kod: {} for kod in respondents}

    for columns, indicators in column_groups(catalogue):
        lead = next((i for i in indicators if i.id in targets), indicators[0])
        part_units = [k for k in respondents if lead.del_ != PART_VINR or k in vinr]
        combos = answer_combinations(columns, codebook)
        by_outcome: dict[str, list[dict]] = {}
        weights: dict[str, list[float]] = {}
        others = [i for i in indicators if i is not lead]
        for combo in combos:
            outcome = evaluate(lead.rule, combo, codebook, lead.columns)
            by_outcome.setdefault(outcome, []).append(combo)
            # "Ej aktuellt" is rare in real answers: a combination that makes another indicator of
            # the group Ej aktuellt (e.g. V7a for su_kon) is drawn less often, unless the lead is.
            rare = 0 if outcome == EJ_AKTUELLT else sum(
                evaluate(i.rule, combo, codebook, i.columns) == EJ_AKTUELLT for i in others
            )
            weights.setdefault(outcome, []).append(SECONDARY_EJ_AKTUELLT_WEIGHT**rare)
        counts = _counts_for(rng, len(part_units), tuple(by_outcome), targets.get(lead.id))
        plan = [o for o, k in counts.items() for _ in range(k)]
        rng.shuffle(plan)
        for kod, outcome in zip(part_units, plan):
            if outcome is None:
                chosen = _blanked(rng, by_outcome, lead, codebook)
            else:
                chosen = rng.choices(by_outcome[outcome], weights[outcome])[0]
            answers[kod].update(chosen)

    # Columns no indicator reads (e.g. G6a options C and D) get plausible answers too.
    covered = {c for columns, _ in column_groups(catalogue) for c in columns}
    for kod in respondents:
        for q in codebook.questions:
            if q.column in covered:
                continue
            parent = q.asked_if
            if parent is not None and answers[kod].get(parent.column) != parent.value:
                answers[kod][q.column] = NOT_ASKED
            else:
                answers[kod][q.column] = rng.choice(q.answers or FREE_TEXT_SAMPLES)

    rows = []
    for kod in respondents:
        unit = population.unit(kod)
        row = {ENHETSKOD: kod, ENHET: unit.full_name, BESVARAT_VINR: "Ja" if kod in vinr else "Nej"}
        for q in codebook.questions:
            value = answers[kod].get(q.column)
            if q.part == PART_VINR and kod not in vinr:
                value = None
            if value and q.aliases and rng.random() < alias_rate:
                value = next((full for full, label in q.aliases if label == value), value)
            row[q.column] = value or ""
        rows.append(row)
    return rows


def _blanked(rng: random.Random, by_outcome: dict, lead: Indicator, codebook: Codebook) -> dict:
    """An answer combination with one answer removed so that the lead indicator becomes blank."""
    pool = [c for o, combos in by_outcome.items() if o is not None for c in combos]
    for _ in range(1000):
        combo = dict(rng.choice(pool))
        col = rng.choice([c for c, v in combo.items() if v is not None and not codebook[c].free_text])
        combo[col] = None
        if evaluate(lead.rule, combo, codebook, lead.columns) is None:
            return combo
    raise ValueError(f"{lead.id}: found no missing answer that leaves the value undecided")


def write_rows(rows: list[dict[str, str]], codebook: Codebook, path: Path) -> None:
    header = [ENHETSKOD, ENHET, BESVARAT_VINR] + [q.column for q in codebook.questions]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

