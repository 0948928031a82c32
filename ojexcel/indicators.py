"""Unit values: one value per unit and indicator (CONTRACT §3).

`Ja`, `Delvis`, `Nej`, `Ej aktuellt`, or None (blank = bortfall) when the unit has no row, when
the indicator belongs to the VINR part and the unit did not answer it, or when a missing answer
could change the result (see `rules.evaluate`).
"""
from __future__ import annotations

from .catalogue import Catalogue
from .codebook import PART_VINR
from .population import Population
from .responses import Responses
from .rules import evaluate

UnitValues = dict[str, tuple[str | None, ...]]  # unit code -> values in catalogue order


def compute_unit_values(responses: Responses, catalogue: Catalogue, population: Population) -> UnitValues:
    blank = (None,) * len(catalogue)
    out: UnitValues = {}
    for unit in population.units:
        row = responses.rows.get(unit.kod)
        if row is None:
            out[unit.kod] = blank
            continue
        out[unit.kod] = tuple(
            None
            if ind.del_ == PART_VINR and not row.besvarat_vinr
            else evaluate(ind.rule, row.answers, catalogue.codebook, ind.columns)
            for ind in catalogue
        )
    return out
