"""Whether an indicator's rule can be evaluated for every combination of answers (`arsgang check`).

A rule of the catalogue is run over every complete combination of answers to its questions,
following the survey's skip logic (a follow-up whose condition does not hold has no answer). A
missing answer is then exact by construction (`rules.evaluate` tries the same completions), so
what is checked here is the complete combinations (D143):

- the number of combinations is bounded (`MAX_COMBINATIONS`): a rule over more questions could
  not be evaluated, for a unit with missing answers, in bounded time — an error;
- the rule gives an outcome for every combination (a rule that fails on one is an error, naming
  the combination);
- the rule can be Ja for some combination: an indicator is a share of Ja, so a rule that can never
  be Ja (a condition on a follow-up that is not asked when the condition needs it, say) is an
  error;
- an outcome the rule names but that no combination gives, and a `skala` other than the outcomes
  it gives, are warnings;
- `regel`, the rule in words on the Indikatorer sheet, must be readable (`rule_text`) and name
  the same questions as the rule.
"""
from __future__ import annotations

import re

from ..problems import Report
from .catalogue import Indicator
from .codebook import Codebook
from .rule_text import swedish_rule
from .rules import JA, NOT_ASKED, OUTCOMES

MAX_COMBINATIONS = 100_000
FREE_TEXT_CHOICES = ("text", "")  # a free-text answer, filled in or left empty


def combination_count(columns: tuple[str, ...], codebook: Codebook) -> int:
    """The number of complete answer combinations of `columns` (parents included) under skip
    logic, exactly: a follow-up multiplies only the branch of its parent's answer that asks it."""
    chosen = set(columns)
    children: dict[str, list[str]] = {}
    roots = []
    for col in columns:
        cond = codebook[col].asked_if
        if cond is not None and cond.column in chosen:
            children.setdefault(cond.column, []).append(col)
        else:
            roots.append(col)

    def count(col: str) -> int:
        q = codebook[col]
        if q.free_text:
            return len(FREE_TEXT_CHOICES)
        total = 0
        for answer in q.answers:
            n = 1
            for child in children.get(col, ()):
                if codebook[child].asked_if.value == answer:
                    n *= count(child)
            total += n
        return total

    n = 1
    for col in roots:
        n *= count(col)
    return n


def combinations(columns: tuple[str, ...], codebook: Codebook):
    """Every complete answer combination of `columns` (parents first) under skip logic, one at a
    time (the same dict, refilled: copy it to keep it)."""
    world: dict[str, str | None] = {}

    def fill(i: int):
        if i == len(columns):
            yield world
            return
        col = columns[i]
        q = codebook[col]
        if q.asked_if is not None and world.get(q.asked_if.column) != q.asked_if.value:
            choices: tuple = (NOT_ASKED,)
        else:
            choices = FREE_TEXT_CHOICES if q.free_text else q.answers
        for choice in choices:
            world[col] = choice
            yield from fill(i + 1)

    yield from fill(0)


def _combo_text(combo: dict) -> str:
    return ", ".join(f"{c}={'(not asked)' if v is None else v or '(blank)'}" for c, v in combo.items())


def check_rule(ind: Indicator, codebook: Codebook, report: Report) -> None:
    """Every problem of one built indicator's rule (see the module docstring) on `report`."""
    where = dict(line=ind.line or None, key=f"{ind.id}.typ", value=ind.typ)
    count = combination_count(ind.columns, codebook)
    if count > MAX_COMBINATIONS:
        report.error(
            f"the rule reads {len(ind.columns)} questions ({', '.join(ind.columns[:8])}"
            f"{' …' if len(ind.columns) > 8 else ''}): more than {MAX_COMBINATIONS:,} combinations of answers, "
            "too many to evaluate a unit with missing answers; split it into indicators over fewer questions",
            **where,
        )
        return
    given: set[str] = set()
    for combo in combinations(ind.columns, codebook):
        try:
            outcome = ind.rule.decide(combo)
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            report.error(f"the rule cannot be evaluated when {_combo_text(dict(combo))} ({exc.__class__.__name__}: {exc})",
                         **where)
            return
        given.add(outcome)
    if JA not in given:
        report.error(
            "the rule can never be Ja, whatever the answers (an indicator is a share of Ja): check its "
            "questions and answers against the skip logic (asked_if) of codebook.csv", **where)
    for outcome in ind.rule.outcomes():
        if outcome not in given and outcome != JA:
            report.warn(f"the rule names the outcome {outcome}, but no combination of answers gives it", **where)
    shown = "/".join(o for o in OUTCOMES if o in given)
    if shown and ind.skala != shown:
        report.warn(f"skala is {ind.skala!r}, but the rule gives {shown}",
                    line=ind.line or None, key=f"{ind.id}.skala", value=ind.skala)


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def check_regel(ind: Indicator, codebook: Codebook, written: bool, report: Report, line) -> None:
    """`regel` (when written in the catalogue) reads as Swedish words and names the rule's questions.
    `line()`: the line of `regel`, looked up only for a message."""
    if not written:
        return
    where = {"key": f"{ind.id}.regel", "value": ind.regel}
    try:
        swedish_rule(ind.regel)
    except ValueError as exc:
        where["line"] = line() or ind.line or None
        report.error(f"regel cannot be read ({exc}); write it in the notation of docs/arsgang.md, or leave "
                     "it out and ojexcel writes it from the rule", **where)
        return
    named = {w for w in _WORD.findall(ind.regel) if w in codebook}
    reads = set(ind.rule.columns())
    if named != reads:
        where["line"] = line() or ind.line or None
        extra, lacking = sorted(named - reads), sorted(reads - named)
        parts = ([f"names {', '.join(extra)}, which the rule does not read"] if extra else []) + (
            [f"does not name {', '.join(lacking)}, which the rule reads"] if lacking else [])
        report.error(f"regel {' and '.join(parts)}: correct regel, or leave it out and ojexcel writes it from the rule",
                     **where)
