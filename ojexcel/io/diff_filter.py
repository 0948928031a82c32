"""What `ojexcel diff --only …` (and a product's id filter) selects, resolved before comparing,
for both products.

`--only` takes codes present in either file (`0114`, `0180-01`, a lanskod `01`, a group code) or
names as the sides name them (`Upplands Väsby`, `Stockholms län`, `riket`, `samtliga`), then
whatever the product's `lookup` finds (a unique prefix, `goteborg`). An id filter
(`--indicator`, `--tabell`) takes the ids of either file, matched as `names.normalise` matches.
Anything that names nothing on either side is a usage error listing the closest matches — never
a silent "No differences (0 cells compared)" (D29).
"""
from __future__ import annotations

from typing import Callable, Iterable

from ..names import close_matches, did_you_mean, normalise
from ..problems import OjexcelError


class FilterError(OjexcelError, ValueError):
    """An --only or id filter item that names nothing (a usage error: exit 2)."""

    exit_code = 2


def resolve_only(items: frozenset[str] | None, sides, lookup: Callable[[str], str | None] | None = None
                 ) -> frozenset[str] | None:
    """The codes `items` name among the sides' cells (each side has `cells` keyed (niva, kod, …)
    and `names` by (niva, kod)); `lookup(item)` is the product's last resort (a code, or None).
    Raises FilterError for an item that names no unit or group."""
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
        if kod is None and lookup is not None:
            kod = lookup(item)
        if kod is not None and kod in codes:
            out.add(kod)
            continue
        raise FilterError(f"--only {item!r}: no unit or group of that code or name in either file"
                          + did_you_mean(close_matches(item, shown)))
    return frozenset(out)


def resolve_ids(items: frozenset[str] | None, ids: Iterable[str], option: str, what: str) -> frozenset[str] | None:
    """The ids `items` name among `ids` (exactly, or as `normalise` matches: any case, underscores
    or spaces). Raises FilterError naming `option` for an unknown item."""
    if items is None:
        return None
    ids = set(ids)
    by_norm = {normalise(i): i for i in ids}
    out: set[str] = set()
    for item in sorted(items):
        found = item if item in ids else by_norm.get(normalise(item))
        if found is None:
            raise FilterError(f"{option} {item!r}: no such {what} in either file"
                              + did_you_mean(close_matches(item, dict(by_norm))))
        out.add(found)
    return frozenset(out)
