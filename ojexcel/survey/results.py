"""The computed results of one run: what every renderer and export reads.

Nothing downstream computes a number: the workbook, a municipality's sheet, the tidy export, the
diff and the trend all read `Results`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..population import NIVA_RIKET, Group, Population
from ..problems import Problem
from .aggregate import Aggregate, aggregate_group
from .catalogue import Catalogue
from .indicators import UnitValues, compute_unit_values
from .reader import Responses

if TYPE_CHECKING:
    from .arsgang import Arsgang


@dataclass(frozen=True)
class GroupResult:
    group: Group
    aggregates: tuple[Aggregate, ...]  # per indicator, catalogue order


@dataclass(frozen=True)
class Results:
    year: int
    source: str
    catalogue: Catalogue
    population: Population
    unit_values: UnitValues
    groups: tuple[GroupResult, ...]
    answered: frozenset[str]  # units that answered the survey
    answered_vinr_part: frozenset[str]  # units that answered the VINR part
    warnings: tuple[Problem, ...] = field(default=())
    granskning: tuple = ()  # review overrides applied to the raw answers (granskning.Granskning)
    arsgang: "Arsgang | None" = None  # the survey year's data: texts, threshold, comparability …

    def group(self, niva: str, kod: str) -> GroupResult:
        for g in self.groups:
            if g.group.niva == niva and g.group.kod == kod:
                return g
        raise KeyError((niva, kod))

    def groups_at(self, niva: str) -> tuple[GroupResult, ...]:
        return tuple(g for g in self.groups if g.group.niva == niva)

    @property
    def riket(self) -> GroupResult:
        return self.group(NIVA_RIKET, "")

    @property
    def answered_survey(self) -> int:
        return len(self.answered)

    @property
    def answered_vinr(self) -> int:
        return len(self.answered_vinr_part)

    def to_frame(self):
        """The tidy export's rows as a pandas DataFrame (needs pandas: `pip install 'ojexcel[pandas]'`).
        Columns and types: `ojexcel/frames.py`."""
        from .frames import results_frame

        return results_frame(self)


def compute_results(responses: Responses, arsgang: "Arsgang") -> Results:
    catalogue, population = arsgang.catalogue, arsgang.population
    unit_values = compute_unit_values(responses, catalogue, population)
    n = len(catalogue)
    groups = tuple(GroupResult(g, aggregate_group(g.members, unit_values, n, arsgang.undertryckning))
                   for g in population.groups())
    return Results(
        year=catalogue.year,
        source=responses.source,
        catalogue=catalogue,
        population=population,
        unit_values=unit_values,
        groups=groups,
        answered=frozenset(responses.rows),
        answered_vinr_part=frozenset(k for k, r in responses.rows.items() if r.besvarat_vinr),
        warnings=tuple(responses.warnings),
        arsgang=arsgang,
    )
