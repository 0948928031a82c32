"""Semantic diff of two runs: which unit's which indicator changed.

Each side is an ojexcel workbook or a tidy export, read into cells keyed by
(niva, kod, indikator) — never by position, so re-sorted sheets, added or removed units and
reordered indicators are handled. A change is one of:

- `value`: a unit value or a shown aggregate share differs (old/new counts attached for shares);
- `fill`: the cell's fill differs while its value does not (a styling regression) — only when
  both sides are workbooks and fills are not ignored;
- `counts`: an aggregate's counts differ (only with `counts=True`: a reviewer usually wants the
  shown shares, and one changed answer moves the counts of every group the unit belongs to).

Units, indicators, groups and sheets present on one side only are listed as added/removed, and
their cells are not repeated as changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..io.diff_input import DiffInputError
from ..population import NIVA_ENHET

Key = tuple[str, str, str]  # (niva, kod, indikator)
# The tidy export's count columns (tidy.COUNT_COLUMNS; a test keeps them equal). Not imported:
# tidy pulls in the whole pipeline, and a diff of two workbooks needs none of it.
COUNT_NAMES = ("ja", "delvis", "nej", "ej_aktuellt", "bortfall", "enheter")

KIND_VALUE = "value"
KIND_FILL = "fill"
KIND_COUNTS = "counts"


@dataclass(frozen=True)
class Cell:
    value: str  # unit value or share as text; "" = bortfall / suppressed
    fill: str | None = None  # RRGGBB, None = no fill
    counts: tuple[int, ...] | None = None  # ja, delvis, nej, ej_aktuellt, bortfall, enheter


@dataclass(frozen=True)
class Side:
    path: str
    kind: str  # "workbook" or "tidy"
    cells: dict[Key, Cell]  # or workbook_read.Cell: the same value, fill and counts
    sheets: tuple[str, ...] = ()
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # (niva, kod) -> display name

    @property
    def has_fills(self) -> bool:
        return self.kind == "workbook"


@dataclass(frozen=True)
class Change:
    niva: str
    kod: str
    indikator: str
    old: str | None
    new: str | None
    kind: str
    old_counts: tuple[int, ...] | None = None
    new_counts: tuple[int, ...] | None = None
    old_fill: str | None = None
    new_fill: str | None = None


@dataclass(frozen=True)
class Entry:
    """Something present on one side only."""

    what: str  # "enhet", "grupp", "indikator", "blad"
    niva: str = ""
    kod: str = ""
    indikator: str = ""
    name: str = ""


@dataclass
class DiffReport:
    old: Side
    new: Side
    changes: list[Change]
    added: list[Entry]
    removed: list[Entry]
    compared_cells: int
    fills_compared: bool

    @property
    def identical(self) -> bool:
        return not (self.changes or self.added or self.removed)

    def summary(self) -> dict[str, int | bool]:
        def n(kind, unit_level):
            return sum(1 for c in self.changes if c.kind == kind and (c.niva == NIVA_ENHET) == unit_level)

        return {
            "identical": self.identical,
            "compared_cells": self.compared_cells,
            "unit_values": n(KIND_VALUE, True),
            "aggregate_shares": n(KIND_VALUE, False),
            "fills": sum(1 for c in self.changes if c.kind == KIND_FILL),
            "counts": sum(1 for c in self.changes if c.kind == KIND_COUNTS),
            "units_changed": len({c.kod for c in self.changes if c.niva == NIVA_ENHET}),
            "added": len(self.added),
            "removed": len(self.removed),
        }


def _blank(value: str) -> str | None:
    return value if value != "" else None


def compare(
    old: Side,
    new: Side,
    *,
    ignore_fills: bool = False,
    only: frozenset[str] | None = None,
    indicators: frozenset[str] | None = None,
    counts: bool = False,
) -> DiffReport:
    """Compare two sides key by key. `only` keeps these codes (units or groups); `indicators` these ids."""
    def keep(key: Key) -> bool:
        return (only is None or key[1] in only) and (indicators is None or key[2] in indicators)

    old_cells = {k: v for k, v in old.cells.items() if keep(k)}
    new_cells = {k: v for k, v in new.cells.items() if keep(k)}

    added: list[Entry] = []
    removed: list[Entry] = []
    old_inds = {k[2] for k in old_cells}
    new_inds = {k[2] for k in new_cells}
    old_rows = {(k[0], k[1]) for k in old_cells}
    new_rows = {(k[0], k[1]) for k in new_cells}
    for ind in sorted(new_inds - old_inds):
        added.append(Entry("indikator", indikator=ind))
    for ind in sorted(old_inds - new_inds):
        removed.append(Entry("indikator", indikator=ind))
    names = old.names | new.names
    for niva, kod in sorted(new_rows - old_rows, key=row_order):
        added.append(Entry("enhet" if niva == NIVA_ENHET else "grupp", niva, kod, name=names.get((niva, kod), "")))
    for niva, kod in sorted(old_rows - new_rows, key=row_order):
        removed.append(Entry("enhet" if niva == NIVA_ENHET else "grupp", niva, kod, name=names.get((niva, kod), "")))
    if old.sheets and new.sheets:
        added += [Entry("blad", name=s) for s in new.sheets if s not in old.sheets]
        removed += [Entry("blad", name=s) for s in old.sheets if s not in new.sheets]

    fills = not ignore_fills and old.has_fills and new.has_fills
    changes: list[Change] = []
    common = [k for k in old_cells if k in new_cells]
    for key in common:
        a, b = old_cells[key], new_cells[key]
        niva, kod, ind = key
        if a.value != b.value:
            changes.append(
                Change(niva, kod, ind, _blank(a.value), _blank(b.value), KIND_VALUE, a.counts, b.counts, a.fill, b.fill)
            )
        elif fills and a.fill != b.fill:
            changes.append(
                Change(niva, kod, ind, _blank(a.value), _blank(b.value), KIND_FILL, old_fill=a.fill, new_fill=b.fill)
            )
        if counts and a.counts != b.counts and a.counts is not None and b.counts is not None:
            changes.append(Change(niva, kod, ind, _blank(a.value), _blank(b.value), KIND_COUNTS, a.counts, b.counts))

    changes.sort(key=lambda c: (*row_order((c.niva, c.kod)), indicator_order(c.indikator)))
    return DiffReport(old, new, changes, added, removed, compared_cells=len(common), fills_compared=fills)


_LEVELS = ("enhet", "storstad", "lan", "riket", "kommungrupp", "skl_grupp")


def row_order(row: tuple[str, str]) -> tuple[int, str]:
    niva, kod = row
    return (_LEVELS.index(niva) if niva in _LEVELS else len(_LEVELS), kod)


def indicator_order(ind: str) -> tuple[int, str]:
    """Catalogue order of the indicator where a catalogue knows it, else by id."""
    order = _catalogue_order()
    return (order.get(ind, len(order)), ind)


@cache
def _catalogue_order() -> dict[str, int]:
    from .arsgang import embedded_years, load_arsgang

    order: dict[str, int] = {}
    for year in sorted(embedded_years(), reverse=True):
        for ind in load_arsgang(year).catalogue:
            order.setdefault(ind.id, len(order))
    return order


# -- reading a side -----------------------------------------------------------------------------

def load_side(path: str | Path, shown: str | Path | None = None) -> Side:
    """Read a workbook (.xlsx) or a tidy export (CSV) into a Side; `shown` names it (default:
    `path`). Raises DiffInputError (io/diff_input.py)."""
    from ..io.diff_input import XLSX, file_format, side_file
    from ..io.limits import WORKBOOK_LIMITS

    path = Path(path)
    named = path if shown is None else Path(shown)
    # a pipe or process substitution (diff <(git show HEAD~1:t.csv) t.csv) is read once
    with side_file(path, WORKBOOK_LIMITS, shown=str(named)) as real:
        if file_format(real) == XLSX:
            return _load_workbook(real, named)
        return _load_tidy(real, named)


def _load_tidy(path: Path, named: Path) -> Side:
    from ..problems import InputError, printable
    from .tidy import read_tidy

    try:
        rows = read_tidy(path)
    except InputError as exc:
        first = exc.problems[0]
        more = f" (and {exc.count - 1} more problems)" if exc.count > 1 else ""
        where = first.where().partition(", ")[2] if first.row is not None else ""
        raise DiffInputError(
            f"{printable(str(named))}: not a readable ojexcel workbook or tidy export: "
            + printable((f"{where}: " if where else "") + first.message) + more
        ) from None
    cells = {r.key: Cell(r.varde, None, r.counts) for r in rows}
    return Side(str(named), "tidy", cells, names=_reference_names())


def _load_workbook(path: Path, named: Path) -> Side:
    from ..problems import printable
    from .workbook_read import NotAWorkbook, read_workbook

    try:
        data = read_workbook(path, details=False)
    except NotAWorkbook as exc:
        shown = str(exc).replace(str(path), str(named), 1)
        raise DiffInputError(printable(shown)) from None
    # The reader's cells carry value, fill and counts (and where they were): used as they are.
    return Side(str(named), "workbook", data.cells, tuple(data.sheets), names=_reference_names())


@cache
def _reference_names() -> dict[tuple[str, str], str]:
    from ..population import load_population

    pop = load_population()
    names = {(NIVA_ENHET, u.kod): u.full_name for u in pop.units}
    names.update(((g.niva, g.kod), g.namn) for g in pop.groups())
    return names
