"""Semantic diff of two ISU runs: which unit's which table, delgrupp, category and measure changed.

The twin of `survey/diff.py`. Each side is an ISU tidy export (CONTRACT isu §6) or an ISU
workbook, read into cells keyed by (niva, kod, tabell, delgrupp, kategori) and measure (`antal`,
`bas`, `andel`, `medel`) — never by position, so re-sorted rows, re-sorted tables, added or
removed units and reordered categories are no change (D127). Each value is a text: the number as
the tidy export writes it (`12`, `2.4`), `x` when it is hidden (masked), `""` when it does not
exist (`andel` of a zero base, `medel` on a count row, a cell of a table not written) — told
apart as the tidy reader tells them apart (D102).

What each side holds (D128):
- a tidy export: every row of every table, unit and delgrupp;
- a workbook: what a reviewer sees in it — the diagram tables of the chapter sheets (samtliga, the
  report's delgrupper) and the *Per kommun* key figures of every unit, read back by sheet name,
  caption ("Diagram 9: …"), header text and row label, through the diagram catalogue's names.
A workbook compared with a tidy export is compared on the workbook's cells: the tidy export is laid
out as its workbook would show it (`workbook_view`, the same layout code as the workbook's).

A change is one of `value` (both shown, different numbers), `masked` (hidden on one side only) or
`missing` (the value exists on one side only). Units, tables, delgrupper, table rows and sheets
present on one side only are listed as added or removed, and their cells are not repeated as
changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..io.diff_input import DiffInputError
from ..styles import MASKERAD, OSAKER

Key = tuple[str, str, str, str, str]  # (niva, kod, tabell, delgrupp, kategori)
MEASURES = ("antal", "bas", "andel", "medel")
Values = tuple  # one text per measure, MEASURES' order; None = not on this side (a workbook shows a few)
MASKED = MASKERAD  # a hidden row's value (§2 item 4)
SMALL_BASE = OSAKER  # a share or mean on a published base under 20 (§2 item 5)
WITHHELD = (MASKED, SMALL_BASE)  # both are "masked" changes: a value §2 withholds
MISSING = ""  # does not exist
MEDEL_KATEGORI = "medel"  # table_plan.MEDEL_KATEGORI: the one row of a mean's table

KIND_VALUE = "value"
KIND_MASKED = "masked"
KIND_MISSING = "missing"
TIDY, WORKBOOK = "tidy", "workbook"

LEVELS = ("samtliga", "lan", "kommun", "stadsdel")  # model.NIVAER (a test keeps them equal: no numpy here)
HEADER_SEARCH_ROWS = 40  # the Per kommun header must be within the sheet's first rows
HEADER_AFTER_CAPTION = 20  # a diagram's header row follows its caption and notes within these rows


@dataclass(frozen=True)
class Side:
    path: str
    kind: str  # TIDY or WORKBOOK
    cells: dict[Key, object]  # a workbook's: Values; a tidy export's: its rows (`model.Row`, see `values`)
    sheets: tuple[str, ...] = ()
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # (niva, kod) -> display name
    results: object = None  # a tidy side's results (RowList), laid out as a workbook when compared with one


@dataclass(frozen=True)
class Change:
    niva: str
    kod: str
    tabell: str
    delgrupp: str
    kategori: str
    matt: str
    old: str
    new: str
    kind: str


@dataclass(frozen=True)
class Entry:
    """Something present on one side only."""

    what: str  # "enhet", "tabell", "delgrupp", "rad" or "blad"
    niva: str = ""
    kod: str = ""
    tabell: str = ""
    delgrupp: str = ""
    kategori: str = ""
    name: str = ""


@dataclass
class DiffReport:
    old: Side
    new: Side
    changes: list[Change]
    added: list[Entry]
    removed: list[Entry]
    compared_cells: int
    view: str  # TIDY: every row compared; WORKBOOK: what a workbook shows

    @property
    def identical(self) -> bool:
        return not (self.changes or self.added or self.removed)

    def summary(self) -> dict[str, int | bool | str]:
        def n(kind):
            return sum(1 for c in self.changes if c.kind == kind)

        return {
            "identical": self.identical,
            "compared_cells": self.compared_cells,
            "compared": self.view,
            "values": n(KIND_VALUE),
            "masked": n(KIND_MASKED),
            "missing": n(KIND_MISSING),
            "units_changed": len({(c.niva, c.kod) for c in self.changes}),
            "tables_changed": len({(c.niva, c.kod, c.tabell, c.delgrupp) for c in self.changes}),
            "added": len(self.added),
            "removed": len(self.removed),
        }


def status(value: str | None) -> str | None:
    """'shown', 'masked' or 'missing' (None: not on this side)."""
    if value is None:
        return None
    return "masked" if value in WITHHELD else ("missing" if value == MISSING else "shown")


def _kind(a: str, b: str) -> str:
    if a in WITHHELD or b in WITHHELD:
        return KIND_MASKED
    if MISSING in (a, b):
        return KIND_MISSING
    return KIND_VALUE


# -- comparing ------------------------------------------------------------------------------------

def compare(old: Side, new: Side, *, only: frozenset[str] | None = None,
            tabeller: frozenset[str] | None = None) -> DiffReport:
    """Compare two sides key by key. `only` keeps these codes (units, län; "" = samtliga),
    `tabeller` these tables. A workbook and a tidy export are compared on the workbook's cells."""
    view = WORKBOOK if WORKBOOK in (old.kind, new.kind) else TIDY
    a_cells = old.cells if old.kind == view else workbook_view(old)
    b_cells = new.cells if new.kind == view else workbook_view(new)

    def keep(key: Key) -> bool:
        return (only is None or key[1] in only) and (tabeller is None or key[2] in tabeller)

    if only is not None or tabeller is not None:
        a_cells = {k: v for k, v in a_cells.items() if keep(k)}
        b_cells = {k: v for k, v in b_cells.items() if keep(k)}
    names = old.names | new.names
    added, removed, covered = _one_sided(a_cells, b_cells, names)
    if old.kind == new.kind == WORKBOOK:
        added += [Entry("blad", name=s) for s in new.sheets if s not in old.sheets]
        removed += [Entry("blad", name=s) for s in old.sheets if s not in new.sheets]

    changes: list[Change] = []
    compared = 0
    for key, a in a_cells.items():
        b = b_cells.get(key)
        if b is None or covered(key):
            continue
        if a == b:  # the common case, for a tidy side's rows too: nothing to look at measure by measure
            compared += present(a)
            continue
        x_values, y_values = values(a), values(b)
        for matt, x, y in zip(MEASURES, x_values, y_values):
            if x is None or y is None or x == y == MISSING:
                continue
            compared += 1
            if x != y:
                changes.append(Change(*key, matt, x, y, _kind(x, y)))
    changes.sort(key=lambda c: cell_order((c.niva, c.kod, c.tabell, c.delgrupp, c.kategori), c.matt))
    return DiffReport(old, new, changes, added, removed, compared, view)


def values(cell) -> Values:
    """A side's cell as its measures' texts: a workbook's cells are these texts already, a tidy
    side keeps its rows (`model.Row`) and turns them into texts only where they differ."""
    return cell if isinstance(cell, tuple) else row_values(cell)


def present(cell) -> int:
    """How many of a cell's measures exist (shown or hidden) on its side."""
    if isinstance(cell, tuple):
        return sum(1 for v in cell if v is not None and v != MISSING)
    return (cell.antal is not None) + (cell.bas is not None) + (cell.andel is not None) + (
        cell.medel is not None) + len(cell.maskerad)


def _one_sided(a: dict[Key, Values], b: dict[Key, Values], names: dict[tuple[str, str], str]):
    """The entries on one side only, from the largest (a unit) to the smallest (a table's row), and
    a predicate: is this key inside one of them (its cells are not compared)."""
    def parts(cells):
        instances = {k[:4] for k in cells}
        return {i[:2] for i in instances}, {i[2] for i in instances}, {i[3] for i in instances}, instances

    if a.keys() == b.keys():  # the common case: no key on one side only
        return [], [], lambda key: False
    ua, ta, ga, ia = parts(a)
    ub, tb, gb, ib = parts(b)
    units = ua ^ ub
    tables = ta ^ tb
    groups = ga ^ gb

    def outer(niva, kod, tabell, delgrupp) -> bool:
        return (niva, kod) in units or tabell in tables or delgrupp in groups

    instances = {i for i in ia ^ ib if not outer(*i)}
    rows = {k for k in a.keys() ^ b.keys() if not outer(*k[:4]) and k[:4] not in instances}

    def entries(present_units, present_tables, present_groups, present_instances, present_rows):
        out = [Entry("enhet", niva, kod, name=names.get((niva, kod), ""))
               for niva, kod in sorted(units & present_units, key=unit_order)]
        out += [Entry("tabell", tabell=t) for t in sorted(tables & present_tables, key=table_order)]
        out += [Entry("delgrupp", delgrupp=g) for g in sorted(groups & present_groups, key=group_order)]
        out += [Entry("tabell", *i, name=names.get(i[:2], ""))
                for i in sorted(instances & present_instances, key=lambda i: cell_order((*i, ""), ""))]
        out += [Entry("rad", *k, name=names.get(k[:2], ""))
                for k in sorted(rows & present_rows, key=lambda k: cell_order(k, ""))]
        return out

    added = entries(ub, tb, gb, ib, b.keys())
    removed = entries(ua, ta, ga, ia, a.keys())

    def covered(key: Key) -> bool:
        return outer(*key[:4]) or key[:4] in instances

    return added, removed, covered


# -- order: the tidy export's (CONTRACT §6) ------------------------------------------------------

@cache
def _plan_order() -> tuple[dict[str, int], dict[str, int], dict[str, dict[str, int]]]:
    from .table_plan import load_plan

    plan = load_plan()
    tables = {t.namn: i for i, t in enumerate(plan.tabeller)}
    groups = {g: i for i, g in enumerate(plan.delgrupper)}
    categories = {t.namn: {k: i for i, k in enumerate(t.kategorier)} for t in plan.tabeller}
    return tables, groups, categories


def unit_order(unit: tuple[str, str]) -> tuple:
    niva, kod = unit
    return (LEVELS.index(niva) if niva in LEVELS else len(LEVELS), niva, kod)


def table_order(tabell: str) -> tuple[int, str]:
    tables = _plan_order()[0]
    return (tables.get(tabell, len(tables)), tabell)


def group_order(delgrupp: str) -> tuple[int, str]:
    groups = _plan_order()[1]
    return (groups.get(delgrupp, len(groups)), delgrupp)


def cell_order(key: Key, matt: str) -> tuple:
    niva, kod, tabell, delgrupp, kategori = key
    categories = _plan_order()[2].get(tabell, {})
    return (*unit_order((niva, kod)), *table_order(tabell), *group_order(delgrupp),
            categories.get(kategori, len(categories)), kategori,
            MEASURES.index(matt) if matt in MEASURES else -1)


# -- values as text -------------------------------------------------------------------------------

def withheld_text(row, matt: str) -> str:
    """A value §2 withholds as the outputs show it — SMALL_BASE (`..`) for a share or mean on a base
    under 20, MASKED (`x`) for the rest (a hidden row, a mean's sum) — or MISSING."""
    from .model import SMALL_BASE as HIDDEN_SMALL_BASE, hidden_reason  # numpy: loaded with a tidy side already

    reason = hidden_reason(row, matt)
    if reason is None:
        return MISSING
    return SMALL_BASE if reason == HIDDEN_SMALL_BASE else MASKED


def row_values(row) -> Values:
    """A tidy row's four measures as texts (a withheld value its symbol, a value that does not exist
    MISSING), as the tidy reader tells them apart (D102, D163)."""
    def text(matt: str, value) -> str:
        if value is not None:
            return str(value)
        return withheld_text(row, matt)

    return (text("antal", row.antal), text("bas", row.bas), text("andel", row.andel), text("medel", row.medel))


def cell_text(matt: str, value) -> str:
    """A workbook cell's value as the tidy export writes it: a count or share as a whole number, a
    mean with one decimal, the masking symbol as MASKED, a blank as MISSING; any other text (an
    edit) as it is."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if matt == "medel":
            return f"{float(value):.1f}"
        return str(int(value)) if float(value).is_integer() else repr(value)
    return str(value)


# -- the workbook's cells, from results ------------------------------------------------------------

def _plain_group(d) -> str | None:
    """The delgrupp of a diagram table whose headers name no group ("Antal", not "Antal – Män"):
    its one fixed delgrupp, or, for a lone "VARIABEL=*" that found one value, that pattern (the
    table itself does not say which value)."""
    fixed = [g for g in d.delgrupper if not g.endswith("=*")]
    if len(fixed) == 1:
        return fixed[0]
    if not fixed and len(d.delgrupper) == 1:
        return d.delgrupper[0]
    return None


def workbook_view(side: Side) -> dict[Key, Values]:
    """A tidy side's cells as its workbook shows them (`workbook_cells` of its results)."""
    if side.kind == WORKBOOK:
        return side.cells
    return workbook_cells(side.results)


def workbook_cells(resultat) -> dict[Key, Values]:
    """The cells a workbook of these results shows, keyed as the tidy export: the chapter sheets'
    diagram tables (laid out by `chart_tables.build`, as the workbook lays them out) and the
    *Per kommun* key figures."""
    from .chart_catalogue import load_chart_catalogue
    from .chart_tables import build
    from .codebook import load_codebook

    katalog, kodbok = load_chart_catalogue(), load_codebook()
    cells: dict[Key, list] = {}

    def put(key: Key, matt: str, text: str) -> None:
        cells.setdefault(key, [None] * len(MEASURES))[MEASURES.index(matt)] = text

    for d in katalog.diagram:
        t = build(resultat, d, katalog, kodbok, MASKED)
        plain = _plain_group(d) if len({c.delgrupp for c in t.kolumner}) == 1 else None
        for rad in t.rader:
            for kol, cell in zip(t.kolumner, rad.celler):
                text = cell_text(kol.matt, cell.varde) if cell.varde is not None else (
                    cell.tecken or MASKED if cell.maskerad else MISSING)
                if d.rader == "kategorier":
                    key = ("samtliga", "", d.tabell, plain if plain is not None else kol.delgrupp, rad.nyckel)
                else:
                    key = ("samtliga", "", d.tabell, rad.nyckel, kol.kategori or "")
                put(key, kol.matt, text)
    for niva in LEVELS:
        for kod in resultat.enheter(niva):
            tables: dict[str, dict] = {}
            for k in katalog.nyckeltal:
                if k.tabell not in tables:
                    tables[k.tabell] = {r.kategori: r for r in resultat.tabell(niva, kod, k.tabell)}
                row = tables[k.tabell].get(k.kategori)
                value = getattr(row, k.matt) if row is not None else None
                if value is not None:
                    text = cell_text(k.matt, value)
                else:
                    text = withheld_text(row, k.matt) if row is not None else MISSING
                put((niva, kod, k.tabell, "", k.kategori), k.matt, text)
    return {k: tuple(v) for k, v in cells.items()}


# -- reading a side --------------------------------------------------------------------------------

def load_side(path: str | Path, shown: str | Path | None = None) -> Side:
    """Read an ISU workbook (.xlsx) or tidy export (CSV) into a Side; `shown` names it (default:
    `path`). Raises DiffInputError."""
    from ..io.diff_input import XLSX, file_format, side_file

    path = Path(path)
    named = str(path if shown is None else shown)
    with side_file(path, shown=named) as real:
        if file_format(real) == XLSX:
            return _load_workbook(real, named)
        return _load_tidy(real, named)


def _load_tidy(path: Path, named: str) -> Side:
    from ..problems import InputError, printable
    from .tidy import read_isu_tidy

    try:
        results = read_isu_tidy(path, kalla=Path(named).name)
    except InputError as exc:
        first = exc.problems[0]
        more = f" (and {exc.count - 1} more problems)" if exc.count > 1 else ""
        where = first.where().partition(", ")[2] if first.row is not None else ""
        raise DiffInputError(
            f"{printable(named)}: not a readable ISU tidy export: "
            + printable((f"{where}: " if where else "") + first.message) + more
        ) from None
    cells = {(r.niva, r.kod, r.tabell, r.delgrupp, r.kategori): r for r in results.rows}
    return Side(named, TIDY, cells, names=unit_names(), results=results)


def _load_workbook(path: Path, named: str) -> Side:
    from ..io.xlsx_cells import XlsxError, read_cells
    from ..problems import printable

    try:
        with read_cells(path) as book:
            return _WorkbookReader(book, named).side()
    except XlsxError as exc:
        raise DiffInputError(printable(f"{named}: {exc.reason}")) from None


@cache
def unit_names() -> dict[tuple[str, str], str]:
    """(niva, kod) -> the name shown: 'Samtliga', 'Stockholms län', 'Upplands Väsby',
    'Stockholm: Enskede-Årsta-Vantör'."""
    from .workbook import unit_names as names_by_code

    out = {("samtliga", ""): "Samtliga"}
    for kod, (namn, _) in names_by_code().items():
        niva = "lan" if len(kod) == 2 else ("stadsdel" if "-" in kod else "kommun")
        out[(niva, kod)] = namn
    return out


class _WorkbookReader:
    """The cells of an ISU workbook, found by sheet name, caption, header text and row label."""

    def __init__(self, book, named: str) -> None:
        from .chart_catalogue import load_chart_catalogue
        from .table_plan import load_plan

        self.book, self.named = book, named
        self.katalog = load_chart_catalogue()
        self.plan = load_plan()
        self.cells: dict[Key, list] = {}
        self.where: dict[tuple[Key, str], str] = {}

    def fail(self, reason: str, sheet: str | None = None, row: int | None = None):
        from ..problems import printable

        where = [self.named] + ([f"sheet {sheet!r}"] if sheet else []) + ([f"row {row}"] if row else [])
        raise DiffInputError(printable(f"{', '.join(where)}: {reason}"))

    def put(self, key: Key, matt: str, value, sheet: str, row: int, col: int) -> None:
        from ..io.xlsx_cells import column_letters

        text = cell_text(matt, value)
        values = self.cells.setdefault(key, [None] * len(MEASURES))
        i = MEASURES.index(matt)
        here = f"{sheet}!{column_letters(col + 1)}{row}"
        if values[i] is not None and values[i] != text:  # the same number shown twice, differently
            self.fail(f"the workbook contradicts itself: {self.where[(key, matt)]} shows "
                      f"{values[i] or 'a blank'} and {here} shows {text or 'a blank'} for "
                      f"{'/'.join(k for k in key if k)} {matt}")
        values[i] = text
        self.where.setdefault((key, matt), here)

    def side(self) -> Side:
        from .workbook_layout import PER_KOMMUN

        sheets = tuple(self.book.sheetnames)
        if PER_KOMMUN not in sheets:
            shown = ", ".join(repr(s) for s in sheets[:12])
            self.fail(f"not an ojexcel ISU workbook: no sheet {PER_KOMMUN!r} (found {shown})")
        self.per_kommun()
        for blad in self.katalog.blad:
            if blad.namn in sheets:
                self.chapter(blad.namn)
        cells = {k: tuple(v) for k, v in self.cells.items()}
        return Side(self.named, WORKBOOK, cells, sheets, names=unit_names())

    # The Per kommun sheet: one row per unit, one column per key figure.
    def per_kommun(self) -> None:
        from .workbook_layout import NIVA_NAMN, PER_KOMMUN, PER_KOMMUN_KEYS

        values = self.book.sheet(PER_KOMMUN).values
        keys = len(PER_KOMMUN_KEYS)
        head = next((i for i, r in enumerate(values[:HEADER_SEARCH_ROWS]) if tuple(r[:keys]) == PER_KOMMUN_KEYS), None)
        if head is None:
            self.fail(f"no header row starting {', '.join(PER_KOMMUN_KEYS)}", PER_KOMMUN)
        figures = {k.rubrik: k for k in self.katalog.nyckeltal}
        columns = [(c, figures[h]) for c, h in enumerate(values[head]) if c >= keys and h in figures]
        levels = {name: niva for niva, name in NIVA_NAMN.items()}
        seen: dict[tuple[str, str], int] = {}
        for i in range(head + 1, len(values)):
            r = values[i]
            if not any(v not in (None, "") for v in r):
                continue
            niva = levels.get(r[0] if r else None)
            if niva is None:
                self.fail(f"Nivå {r[0]!r} is not one of {', '.join(levels)}", PER_KOMMUN, i + 1)
            kod = "" if len(r) < 2 or r[1] is None else str(r[1])
            if (niva, kod) in seen:
                self.fail(f"{NIVA_NAMN[niva]} {kod} occurs twice (rows {seen[(niva, kod)]} and {i + 1})",
                          PER_KOMMUN, i + 1)
            seen[(niva, kod)] = i + 1
            for c, k in columns:
                self.put((niva, kod, k.tabell, "", k.kategori), k.matt, r[c] if c < len(r) else None,
                         PER_KOMMUN, i + 1, c)

    # A chapter sheet: its diagram tables, each found by its caption.
    def chapter(self, sheet: str) -> None:
        values = self.book.sheet(sheet).values
        first = [r[0] if r and isinstance(r[0], str) else None for r in values]
        for d in self.katalog.on_sheet(sheet):
            prefix = f"{d.namn}: "
            caption = next((i for i, text in enumerate(first) if text is not None and text.startswith(prefix)), None)
            if caption is None:
                continue  # a table deleted: its cells are missing from this side
            layout = DiagramLayout(d, self.katalog, self.plan)
            head = next((i for i in range(caption + 1, min(len(values), caption + 1 + HEADER_AFTER_CAPTION))
                         if first[i] == layout.radrubrik), None)
            if head is None:
                self.fail(f"{d.namn}: no header row {layout.radrubrik!r} under its caption", sheet, caption + 1)
            columns = []
            for c, h in enumerate(values[head]):
                if c == 0 or h in (None, ""):
                    continue
                if h not in layout.headers:
                    self.fail(f"{d.namn}: unknown column {h!r}", sheet, head + 1)
                columns.append((c, *layout.headers[h]))
            for i in range(head + 1, len(values)):
                label = first[i]
                if label is None or label == "":
                    break
                if label == layout.empty:
                    continue
                if label not in layout.rows:
                    self.fail(f"{d.namn}: unknown row {label!r}", sheet, i + 1)
                nyckel = layout.rows[label]
                r = values[i]
                for c, matt, part in columns:
                    if d.rader == "kategorier":
                        key = ("samtliga", "", d.tabell, part, nyckel)
                    else:
                        key = ("samtliga", "", d.tabell, nyckel, part)
                    self.put(key, matt, r[c] if c < len(r) else None, sheet, i + 1, c)


class DiagramLayout:
    """The header texts and row labels a diagram table can have (`chart_tables.build`'s), inverted:
    header -> (measure, delgrupp or kategori), label -> kategori or delgrupp. Two meanings for one
    text (a catalogue naming two categories alike) fail here, not in a user's diff."""

    empty = "Inga ärenden"  # the one row of a table without any ärende

    def __init__(self, d, katalog, plan) -> None:
        from .chart_catalogue import MEDEL
        from .chart_tables import ANDEL, ANTAL, BAS, RUBRIK, RUBRIK_MEDEL

        table = plan.tabeller[plan.table_index(d.tabell)]
        kategorier = table.kategorier
        groups = katalog.expand(d.delgrupper, plan.delgrupper)
        rubriker = RUBRIK_MEDEL if d.is_mean else RUBRIK
        value = MEDEL if d.is_mean else ANDEL
        self.headers: dict[str, tuple[str, str]] = {}
        self.rows: dict[str, str] = {}
        if d.rader == "kategorier":
            self.radrubrik = d.kategorirubrik
            for k in kategorier:
                self._add(self.rows, katalog.category_name(k), k, d)
            plain = _plain_group(d)
            for m in (ANTAL, BAS, value):
                if plain is not None:
                    self._add(self.headers, rubriker[m], (m, plain), d)
                for g in groups:
                    self._add(self.headers, f"{rubriker[m]} – {katalog.group_name(g)}", (m, g), d)
        else:
            self.radrubrik = "Grupp"
            for g in dict.fromkeys(("",) + tuple(plan.delgrupper)):
                self._add(self.rows, katalog.group_name(g), g, d)
            if d.is_mean:
                for m in (ANTAL, BAS, MEDEL):
                    self._add(self.headers, rubriker[m], (m, MEDEL), d)
            else:
                first = d.visa[0] if d.visa else next((k for k in kategorier), "")
                self._add(self.headers, rubriker[BAS], (BAS, first), d)
                for m in (ANTAL, value):
                    for k in kategorier:
                        self._add(self.headers, f"{rubriker[m]} – {katalog.category_name(k)}", (m, k), d)

    @staticmethod
    def _add(mapping: dict, text: str, meaning, d) -> None:
        if mapping.setdefault(text, meaning) != meaning:
            raise ValueError(f"diagram.toml, {d.namn}: {text!r} names both {mapping[text]} and {meaning}")
