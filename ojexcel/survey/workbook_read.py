"""Read an ojexcel workbook back: every data cell by key, its fill, and the counts behind each share.

    data = read_workbook("vinr_2017.xlsx")
    data.cells[("enhet", "0114", "socialjour")]    # Cell(value='Ja', fill='C6EFCE', shown='Ja')
    data.cells[("enhet", "0115", "socialjour")]    # Cell(value='', fill=None, shown='..')  bortfall
    data.cells[("lan", "01", "socialjour")]        # Cell(value='83', fill=None, counts=(ja, …), shown=83)
    data.counts[("lan", "01", "socialjour")]       # Counts(ja=…, delvis=…, …, namnare=…, enheter=…)

The key is the tidy export's (niva, kod, indikator) and `Cell.value` is the tidy export's `varde`
(CONTRACT §5): the unit value or "" for bortfall, the share as text or "" when suppressed; and
`Cell.counts` is the tidy export's (ja, delvis, nej, ej_aktuellt, bortfall, enheter) for an
aggregate. So a workbook compares with a tidy export or another workbook cell for cell (this is
what `ojexcel diff` does); `Cell.shown` is exactly what the cell shows. The layout contract is in
`workbook_layout.py`. The reader never relies on a fixed position: it finds sheets by name, the
header row of each sheet by its labels, columns by header text, indicator columns by the
``Indikator-id`` row, and rows by their Nivå and Kod columns. A user may re-sort or filter the
rows, move the table down or widen columns, and the workbook still reads back the same.

Shown values: a unit cell's text (``Ja``, ``Delvis``, ``Nej``, ``Ej aktuellt`` or the bortfall
symbol ``..``); a share as an ``int``, or the suppression symbol ``x``. Fills are ``RRGGBB``, ``"theme:N"`` / ``"indexed:N"`` for a theme or palette
colour (a user's restyling in Excel), or ``None``. The cells are read by `xlsx_cells.py` (no
openpyxl: it is about ten times faster). Anything that is not an ojexcel workbook, or a sheet whose headers or rows cannot be
understood, raises `WorkbookReadError` naming the file, the sheet, the row and why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..population import NIVA_ENHET, NIVA_STORSTAD
from ..problems import OjexcelError
from ..styles import BORTFALL, SUPPRESSED
from . import workbook_layout as L
from .rules import DELVIS, EJ_AKTUELLT, JA, NEJ

if TYPE_CHECKING:
    from ..io.xlsx_cells import Sheet

Key = tuple[str, str, str]  # (niva, kod, indikator)
HEADER_SEARCH_ROWS = 40  # the header row must be within the first rows of a sheet
_UNIT_TEXTS = frozenset((JA, DELVIS, NEJ, EJ_AKTUELLT, BORTFALL))


class WorkbookReadError(OjexcelError):
    """The file is not an ojexcel workbook, or a sheet of it cannot be understood."""

    path: str
    reason: str
    sheet: str | None
    row: int | None

    def __init__(self, path: str | Path, reason: str, sheet: str | None = None, row: int | None = None) -> None:
        self.path, self.reason, self.sheet, self.row = str(path), reason, sheet, row
        where = [self.path]
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        super().__init__(f"{', '.join(where)}: {reason}")


@dataclass(frozen=True)
class Cell:
    value: str  # as the tidy export's varde: unit value, "" = bortfall; share as text, "" = suppressed
    fill: str | None  # background RRGGBB ("theme:N" / "indexed:N" for such colours), None = no fill
    counts: tuple[int, ...] | None = None  # aggregates: ja, delvis, nej, ej_aktuellt, bortfall, enheter
    shown: str | int = ""  # exactly what the cell shows: text, a share as a number, or a symbol
    sheet: str = field(default="", compare=False)
    row: int = field(default=0, compare=False)  # spreadsheet row number (1-based)


def _cell(value, fill, counts, shown, sheet, row) -> Cell:
    """Cell(value, fill, counts, shown, sheet, row), twice as fast as the frozen dataclass's
    __init__ (one attribute store instead of six): the reader makes ~20 000 per workbook."""
    cell = _new(Cell)
    _set(cell, "__dict__", {"value": value, "fill": fill, "counts": counts, "shown": shown, "sheet": sheet, "row": row})
    return cell


_new, _set = object.__new__, object.__setattr__


@dataclass(frozen=True)
class Counts:
    ja: int
    delvis: int
    nej: int
    ej_aktuellt: int
    bortfall: int
    namnare: int
    enheter: int


@dataclass(frozen=True)
class RowKeys:
    """The sort keys a row of "Kommuner och stadsdelar" carries."""

    lan: str
    lanskod: str
    kommungrupp: int
    skl_kod: str
    skl_namn: str
    niva: str  # the label shown: Kommun, Stadsdel or Storstad
    namn: str


@dataclass(frozen=True)
class ResponseRow:
    namn: str
    enheter: int
    besvarat: int
    andel: int
    besvarat_vinr: int
    andel_vinr: int


@dataclass
class WorkbookData:
    path: Path
    sheets: tuple[str, ...]
    indicators: tuple[str, ...] = ()  # indicator ids, in the column order of the unit sheet
    cells: dict[Key, Cell] = field(default_factory=dict)
    counts: dict[Key, Counts] = field(default_factory=dict)
    keys: dict[tuple[str, str], RowKeys] = field(default_factory=dict)  # (niva, kod) -> keys
    row_order: tuple[tuple[str, str], ...] = ()  # (niva, kod) of the unit sheet's rows, as found
    responses: dict[tuple[str, str], ResponseRow] = field(default_factory=dict)
    catalogue: tuple[str, ...] = ()  # indicator ids on the Indikatorer sheet, in order

    def value(self, niva: str, kod: str, indikator: str) -> str:
        return self.cells[(niva, kod, indikator)].value

    def shown(self, niva: str, kod: str, indikator: str) -> str | int:
        return self.cells[(niva, kod, indikator)].shown


REQUIRED_SHEETS = (L.SHEET_ENHETER, L.SHEET_LAN, L.SHEET_GRUPPER)


def read_workbook(path: str | Path, *, details: bool = True) -> WorkbookData:
    """Read an ojexcel workbook. `details=False` reads only the result sheets (units and groups):
    what the diff compares, so an edit on Svarsfrekvens or Indikatorer cannot stop a diff."""
    from ..io.xlsx_cells import XlsxError, read_cells

    path = Path(path)
    if not path.is_file():
        raise WorkbookReadError(path, "no such file")
    try:
        with read_cells(path) as wb:
            missing = [s for s in REQUIRED_SHEETS if s not in wb.sheetnames]
            if missing:
                raise WorkbookReadError(
                    path,
                    f"not an ojexcel workbook: missing sheet(s) {', '.join(repr(s) for s in missing)} "
                    f"(found {', '.join(repr(s) for s in wb.sheetnames)})",
                )
            data = WorkbookData(path=path, sheets=tuple(wb.sheetnames))
            reader = _Reader(path, data)
            reader.unit_sheet(wb.sheet(L.SHEET_ENHETER))
            for sheet in L.GROUP_SHEET_LEVELS:
                reader.group_sheet(sheet, wb.sheet(sheet))
            if details and L.SHEET_SVARSFREKVENS in wb.sheetnames:
                reader.response_sheet(wb.sheet(L.SHEET_SVARSFREKVENS).values)
            if details and L.SHEET_INDIKATORER in wb.sheetnames:
                reader.indicator_sheet(wb.sheet(L.SHEET_INDIKATORER).values)
            return data
    except XlsxError as exc:
        raise WorkbookReadError(path, exc.reason) from None


# Rows are tuples of cell values (xlsx_cells.Sheet.values): row i + 1 of the sheet at index i, the
# sheet's declared <dimension> ignored (tools that edit a file do not always update it).

def _share_value(shown: str | int) -> str:
    return "" if shown == SUPPRESSED else str(shown)


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


class _Reader:
    def __init__(self, path: Path, data: WorkbookData):
        self.path, self.data = path, data

    def fail(self, reason: str, sheet: str, row: int | None = None):
        raise WorkbookReadError(self.path, reason, sheet, row)

    def header(self, sheet: str, rows: list[tuple], labels: tuple[str, ...]) -> tuple[int, dict[str, int]]:
        """The index of the header row holding every label, and label -> column index."""
        for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            texts = [_text(v) for v in row]
            if all(label in texts for label in labels):
                columns: dict[str, int] = {}
                for c, t in enumerate(texts):
                    if t and t not in columns:
                        columns[t] = c
                return i, columns
        self.fail(f"not an ojexcel workbook: no header row with the columns {', '.join(labels)}", sheet)

    def number(self, sheet: str, r: int, label: str, v) -> int:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not v.is_integer()):
            self.fail(f"column {label!r}: expected a whole number, found {v!r}", sheet, r)
        return int(v)

    def share(self, sheet: str, r: int, label: str, v) -> str | int:
        if isinstance(v, str) and v.strip() == SUPPRESSED:
            return SUPPRESSED
        return self.number(sheet, r, label, v)

    def add_cell(self, key: Key, cell: Cell) -> None:
        old = self.data.cells.get(key)
        if old is not None and old.value != cell.value:
            self.fail(
                f"{key[0]} {key[1]} {key[2]} shows {cell.shown!r} here but {old.shown!r} on sheet {old.sheet!r} "
                f"row {old.row}",
                cell.sheet,
                cell.row,
            )
        if old is None or cell.sheet != L.SHEET_ENHETER:
            self.data.cells[key] = cell

    def niva(self, sheet: str, r: int, label: str, allowed: tuple[str, ...]) -> str:
        niva = L.NIVA_FROM_LABEL.get(label)
        if niva is None or niva not in allowed:
            self.fail(f"column {L.COL_NIVA!r}: unexpected value {label!r}", sheet, r)
        return niva

    # -- sheets ------------------------------------------------------------------------------------

    def unit_sheet(self, ws: Sheet) -> None:
        sheet, rows = L.SHEET_ENHETER, ws.values
        h, cols = self.header(sheet, rows, L.UNIT_KEY_COLUMNS)
        id_row = next((i for i in range(h) if L.LABEL_ID in [_text(c) for c in rows[i]]), None)
        if id_row is None:
            self.fail(f"no row labelled {L.LABEL_ID!r} above the header row", sheet)
        label_col = [_text(c) for c in rows[id_row]].index(L.LABEL_ID)
        ind_cols: list[tuple[int, str]] = []
        for c, cell in enumerate(rows[id_row]):
            ind = _text(cell)
            if c > label_col and ind:
                if any(ind == i for _, i in ind_cols):
                    self.fail(f"indicator {ind!r} has two columns", sheet, id_row + 1)
                ind_cols.append((c, ind))
        if not ind_cols:
            self.fail(f"the {L.LABEL_ID!r} row names no indicator", sheet, id_row + 1)
        self.data.indicators = tuple(i for _, i in ind_cols)
        kc = {label: cols[label] for label in L.UNIT_KEY_COLUMNS}
        order: list[tuple[str, str]] = []
        for i in range(h + 1, len(rows)):
            row, r = rows[i], i + 1
            get = lambda label: row[kc[label]] if kc[label] < len(row) else None  # noqa: E731
            if not any(_text(c) for c in row):
                continue
            label = _text(get(L.COL_NIVA))
            niva = self.niva(sheet, r, label, (NIVA_ENHET, NIVA_STORSTAD))
            kod = _text(get(L.COL_KOD))
            if not kod:
                self.fail(f"column {L.COL_KOD!r} is empty", sheet, r)
            if (niva, kod) in self.data.keys:
                self.fail(f"{label} {kod} appears twice", sheet, r)
            self.data.keys[(niva, kod)] = RowKeys(
                lan=_text(get(L.COL_LAN)),
                lanskod=_text(get(L.COL_LANSKOD)),
                kommungrupp=self.number(sheet, r, L.COL_KOMMUNGRUPP, get(L.COL_KOMMUNGRUPP)),
                skl_kod=_text(get(L.COL_SKL)),
                skl_namn=_text(get(L.COL_SKL_NAMN)),
                niva=label,
                namn=_text(get(L.COL_NAMN)),
            )
            order.append((niva, kod))
            fills, width, cells = ws.row_fills(i), len(row), self.data.cells
            for c, ind in ind_cols:  # the hot loop: 55 indicators × 316 units
                v = row[c] if c < width else None
                if niva == NIVA_ENHET:
                    shown: str | int = v.strip() if v.__class__ is str else _text(v)
                    if shown not in _UNIT_TEXTS:
                        self.fail(f"indicator {ind}: unexpected unit value {shown!r}", sheet, r)
                    value = "" if shown == BORTFALL else shown
                else:
                    shown = self.share(sheet, r, ind, v)
                    value = _share_value(shown)
                key, cell = (niva, kod, ind), _cell(value, fills[c] if c < width else None, None, shown, sheet, r)
                if key in cells:
                    self.add_cell(key, cell)
                else:
                    cells[key] = cell
        self.data.row_order = tuple(order)

    def group_sheet(self, sheet: str, ws: Sheet) -> None:
        rows = ws.values
        need = (L.COL_NIVA, L.COL_KOD, L.COL_INDIKATOR_ID, L.COL_ANDEL) + L.COUNT_COLUMNS
        h, cols = self.header(sheet, rows, need)
        allowed = L.GROUP_SHEET_LEVELS[sheet]
        seen: set[Key] = set()
        c_niva, c_kod, c_ind, c_andel = (cols[label] for label in need[:4])
        c_counts = [cols[label] for label in L.COUNT_COLUMNS]
        for i in range(h + 1, len(rows)):
            row, r = rows[i], i + 1
            width = len(row)
            get = lambda c: row[c] if c < width else None  # noqa: E731
            if not any(_text(v) for v in row):
                continue
            niva = self.niva(sheet, r, _text(get(c_niva)), allowed)
            key = (niva, _text(get(c_kod)), _text(get(c_ind)))
            if not key[2]:
                self.fail(f"column {L.COL_INDIKATOR_ID!r} is empty", sheet, r)
            if key in seen:
                self.fail(f"{key[0]} {key[1]} {key[2]} appears twice", sheet, r)
            seen.add(key)
            shown = self.share(sheet, r, L.COL_ANDEL, get(c_andel))
            numbers = [get(c) for c in c_counts]
            if not all(v.__class__ is int for v in numbers):  # floats, text, blanks: check each
                numbers = [self.number(sheet, r, label, v) for label, v in zip(L.COUNT_COLUMNS, numbers)]
            counts = Counts(*numbers)
            self.data.counts[key] = counts
            tidy_counts = (counts.ja, counts.delvis, counts.nej, counts.ej_aktuellt, counts.bortfall, counts.enheter)
            self.add_cell(key, _cell(_share_value(shown), ws.fill(i, c_andel), tidy_counts, shown, sheet, r))

    def response_sheet(self, rows: list[tuple]) -> None:
        sheet = L.SHEET_SVARSFREKVENS
        h, cols = self.header(sheet, rows, L.RESPONSE_COLUMNS)
        for i in range(h + 1, len(rows)):
            row, r = rows[i], i + 1
            get = lambda label: row[cols[label]] if cols[label] < len(row) else None  # noqa: E731
            if not any(_text(c) for c in row):
                continue
            niva = self.niva(sheet, r, _text(get(L.COL_NIVA)), L.RESPONSE_LEVELS)
            numbers = [self.number(sheet, r, c, get(c)) for c in L.RESPONSE_COLUMNS[3:]]
            self.data.responses[(niva, _text(get(L.COL_KOD)))] = ResponseRow(_text(get(L.COL_NAMN)), *numbers)

    def indicator_sheet(self, rows: list[tuple]) -> None:
        sheet = L.SHEET_INDIKATORER
        h, cols = self.header(sheet, rows, (L.COL_NR, L.COL_INDIKATOR_ID))
        found = []
        for i in range(h + 1, len(rows)):
            row = rows[i]
            c = cols[L.COL_INDIKATOR_ID]
            ind = _text(row[c]) if c < len(row) else ""
            if ind:
                nr = self.number(sheet, i + 1, L.COL_NR, row[cols[L.COL_NR]])
                found.append((nr, ind))
        self.data.catalogue = tuple(ind for _, ind in sorted(found))


# The name `ojexcel diff` catches.
NotAWorkbook = WorkbookReadError
