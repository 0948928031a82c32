"""What `ojexcel diff --only … --indicator …` selects, resolved before comparing.

`--only` takes codes (`0114`, `0180-01`, a lanskod `01`, a group code `A1`) or names the way
`ojexcel kommun` takes them (`Upplands Väsby`, `goteborg`, `stockholm bromma`, `Stockholms län`,
`riket`); `--indicator` takes ids (`socialjour`; underscores or spaces, any case). Anything that
names nothing on either side is an error listing the closest matches — never a silent
"No differences (0 cells compared)".
"""
from __future__ import annotations

from ..names import close_matches, did_you_mean, normalise
from ..problems import OjexcelError


class FilterError(OjexcelError, ValueError):
    """An --only or --indicator item that names nothing (a usage error: exit 2)."""

    exit_code = 2


def _unit_code(item: str) -> str | None:
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
    if items is None:
        return None
    codes = {key[1] for side in sides for key in side.cells}
    names: dict[str, str] = {}  # normalised name -> code
    shown: dict[str, str] = {}  # normalised name or code -> "Name (code)"
    for side in sides:
        for (niva, kod), name in side.names.items():
            if kod in codes:
                names.setdefault(normalise(name), kod)
                shown[normalise(name)] = f"{name} ({kod})" if kod else name
                shown.setdefault(normalise(kod), f"{name} ({kod})" if kod else name)
    out: set[str] = set()
    for item in sorted(items):
        if item in codes:
            out.add(item)
            continue
        kod = names.get(normalise(item))
        if kod is None:
            kod = _unit_code(item)
        if kod is not None and kod in codes:
            out.add(kod)
            continue
        raise FilterError(f"--only {item!r}: no unit or group of that code or name in either file"
                          + did_you_mean(close_matches(item, shown)))
    return frozenset(out)


def resolve_indicators(items: frozenset[str] | None, sides) -> frozenset[str] | None:
    """The indicator ids `items` name. Raises FilterError for an unknown id."""
    if items is None:
        return None
    ids = {key[2] for side in sides for key in side.cells}
    by_norm = {normalise(i): i for i in ids}
    out: set[str] = set()
    for item in sorted(items):
        found = item if item in ids else by_norm.get(normalise(item))
        if found is None:
            raise FilterError(f"--indicator {item!r}: no such indicator in either file"
                              + did_you_mean(close_matches(item, {k: v for k, v in by_norm.items()})))
        out.add(found)
    return frozenset(out)
