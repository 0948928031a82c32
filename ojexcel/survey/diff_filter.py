"""What `ojexcel diff --only … --indicator …` selects in survey files, resolved before comparing.

`--only` takes codes (`0114`, `0180-01`, a lanskod `01`, a group code `A1`) or names the way
`ojexcel kommun` takes them (`Upplands Väsby`, `goteborg`, `stockholm bromma`, `Stockholms län`,
`riket`); `--indicator` takes ids (`socialjour`; underscores or spaces, any case). Anything that
names nothing on either side is an error listing the closest matches — never a silent
"No differences (0 cells compared)". The resolving itself is shared with ISU (`io/diff_filter.py`).
"""
from __future__ import annotations

from ..io import diff_filter as shared
from ..io.diff_filter import FilterError

__all__ = ["FilterError", "resolve_indicators", "resolve_only", "unit_code"]


def unit_code(item: str) -> str | None:
    """The code of the unit or city `item` names as `ojexcel kommun` finds it (a unique prefix
    will do), or None. Raises FilterError when the name is ambiguous, with the candidates."""
    from ..population import load_population
    from .kommun_report import EnhetLookupError, find_enhet

    try:
        return find_enhet(load_population(), item).kod
    except EnhetLookupError as exc:
        if "matches" in str(exc):  # ambiguous: say so, with the candidates
            raise FilterError(f"--only {exc}") from None
        return None


def resolve_only(items: frozenset[str] | None, sides) -> frozenset[str] | None:
    """The codes `items` name. Raises FilterError for an item that names no unit or group."""
    return shared.resolve_only(items, sides, unit_code)


def resolve_indicators(items: frozenset[str] | None, sides) -> frozenset[str] | None:
    """The indicator ids `items` name. Raises FilterError for an unknown id."""
    ids = {key[2] for side in sides for key in side.cells}
    return shared.resolve_ids(items, ids, "--indicator", "indicator")
