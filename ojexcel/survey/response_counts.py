"""Response counts and rates per group: how many units answered the survey and its VINR part.

Computed here from `Results` (which units answered), so renderers only lay the numbers out. Rates
are whole percent with halves rounded up, in exact integer arithmetic, like every share.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..population import Group
from ..rounding import share_half_up
from .results import Results


@dataclass(frozen=True)
class ResponseCount:
    group: Group
    enheter: int  # units in the population of the group
    besvarat: int  # answered the survey
    besvarat_vinr: int  # answered the survey's VINR part

    @property
    def andel(self) -> int:
        return share_half_up(self.besvarat, self.enheter)

    @property
    def andel_vinr(self) -> int:
        return share_half_up(self.besvarat_vinr, self.enheter)


def response_counts(results: Results, levels: tuple[str, ...]) -> tuple[ResponseCount, ...]:
    """One ResponseCount per group of the given levels, in the order of `levels`, then results' order."""
    out = []
    for niva in levels:
        for gr in results.groups_at(niva):
            members = gr.group.members
            out.append(
                ResponseCount(
                    group=gr.group,
                    enheter=len(members),
                    besvarat=sum(k in results.answered for k in members),
                    besvarat_vinr=sum(k in results.answered_vinr_part for k in members),
                )
            )
    return tuple(out)
