"""Unit values: one value per unit and indicator (CONTRACT §3).

`Ja`, `Delvis`, `Nej`, `Ej aktuellt`, or None (blank = bortfall) when the unit has no row, when
the indicator belongs to the VINR part and the unit did not answer it, or when a missing answer
could change the result (see `rules.evaluate`).
"""
from __future__ import annotations

from ..population import Population
from .catalogue import Catalogue
from .codebook import PART_VINR
from .reader import Responses
from .rules import evaluate

UnitValues = dict[str, tuple[str | None, ...]]  # unit code -> values in catalogue order


def compute_unit_values(responses: Responses, catalogue: Catalogue, population: Population) -> UnitValues:
    blank = (None,) * len(catalogue)
    codebook = catalogue.codebook
    # `evaluate` reads only the indicator's columns, so units answering those alike share one
    # evaluation: memoised per indicator on the answers to its columns (exact, and it keeps a
    # large run linear: most indicators have a handful of distinct answer combinations).
    plan = [(ind.rule, ind.columns, ind.del_ == PART_VINR, {}) for ind in catalogue]
    out: UnitValues = {}
    for unit in population.units:
        row = responses.rows.get(unit.kod)
        if row is None:
            out[unit.kod] = blank
            continue
        answers = row.answers
        values = []
        for rule, columns, vinr_part, memo in plan:
            if vinr_part and not row.besvarat_vinr:
                values.append(None)
                continue
            key = tuple(answers.get(c) for c in columns)
            try:
                values.append(memo[key])
            except KeyError:
                memo[key] = value = evaluate(rule, answers, codebook, columns)
                values.append(value)
        out[unit.kod] = tuple(values)
    return out
