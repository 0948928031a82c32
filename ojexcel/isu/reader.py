"""Read and validate an ISU record file (CSV or XLSX) into column-wise `Arenden` (CONTRACT isu §1).

One row per ärende. The file is streamed (`tables.open_table`) and converted column by column in
batches: each column has a cache from raw cell text to its code (answers repeat a great deal; a
cell not in it goes through its converter in `values`), the codes go into compact arrays, and no
row is kept. The consistency rules then run vectorised on those arrays. `arende_id` is checked (blank, duplicate) and
dropped; free text (`klient_id`, `handlaggare`, `bu_forbattringsforslag`) is never read into memory
beyond the row being read. Every problem in the file is collected — each naming file, row (header =
row 1), arende_id, enhetskod, column and value — and raised together as `InputError`. Many problems
of one kind are summarised: the first few are listed, the rest counted with their first rows.

Decisions where the contract is silent (also in README, "ISU: input format"):
- every cell is trimmed; `arende_id` is compared trimmed and case-sensitively, is text (or, in
  XLSX, a whole-number cell) of at most 64 characters;
- an XLSX date cell with a time of day counts as its date, with a warning;
- the consistency rules (§1) apply to rows whose answers are all valid (a row with an invalid
  answer already fails the run);
- a column without a name that holds values gets a warning and is ignored, like an unknown column;
- a file with no ärende, or no ärende in `--period`, is an error (nothing to compile).
"""
from __future__ import annotations

import datetime as _dt
import difflib
from array import array
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import numpy as np

from ..io.cells import (
    STRAY_BOM,
    NumericCodes,
    column_label,
    field_count_message,
    has_stray_bom,
    normalize,
    other_product,
)
from ..io.resources import ISU_SAMPLE, is_sample
from ..io.tables import ISU_LIMITS, open_table
from ..population import Population
from ..problems import ERROR, WARNING, InputError, Problem, Report
from .cellkey import key_sum, record_keys
from .codebook import ARENDE_ID, DATUM_AKTUALISERING, ENHETSKOD, REQUIRED, Codebook
from .model import EPOCH, NO_DATE, Arenden
from .values import (
    ALDER,
    BAD_DATE,
    EXCLUSIVE,
    NUMERIC_CODE,
    AgeCell,
    Cell,
    ChoiceCell,
    DateCell,
    Enhet,
    Issue,
    day_of,
    not_text,
    shown,
    shown_name,
)

DATUM_AVSLUT = "datum_avslut"
AVSLUTSORSAK = "avslutsorsak"
DATUM_INSATS = "datum_insats_paborjad"
SAMVERKAN_FOREKOMMIT = "samverkan_forekommit"
SAMVERKAN = "samverkan"
MAX_ID_CHARS = 64

BATCH_ROWS = 4096
# The reading stops after this many errors (D177): a national file has some 26 000 ärenden, so a
# file with more errors than that many times over is not one to correct cell by cell, and a
# million bad rows must not cost a minute before the first of them is shown.
MAX_ERRORS = 100_000
DETAIL = {ERROR: 20, WARNING: 3}  # problems of one kind listed one by one; the rest are counted
SUMMARY_ROWS = 5  # rows named in a summary line

__all__ = ["read_arenden", "EXCLUSIVE"]


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# -- problems -----------------------------------------------------------------------------------

@dataclass
class _Kind:
    summary: str
    limit: int | None = None
    count: int = 0
    more_rows: list[int] = field(default_factory=list)


class _Problems:
    """Problems of one file; per (severity, column, kind) the first few are kept in full, the rest
    counted (memory stays bounded however many rows are wrong)."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[Problem] = []
        self.kinds: dict[tuple[str, str | None, str], _Kind] = {}
        self.errors = 0

    def add(self, severity: str, kind: str, message: str, *, summary: str | None = None, row: int | None = None,
            arende_id: str | None = None, enhetskod: str | None = None, column: str | None = None,
            value: object = None, limit: int | None = -1) -> None:
        """`limit`: how many of this kind are listed (default `DETAIL`; None: all, for the header)."""
        if severity == ERROR:
            self.errors += 1
        else:
            arende_id = None  # warnings are kept with the data: no identifier in them (§2)
        key = (severity, column, kind)
        k = self.kinds.get(key)
        if k is None:
            k = self.kinds[key] = _Kind(summary or message)
        k.count += 1
        if limit == -1:
            limit = DETAIL[severity]
        k.limit = limit
        if limit is None or k.count <= limit:
            self.items.append(Problem(
                message, file=self.file, row=row, enhetskod=enhetskod, column=column,
                value=None if value is None else shown(value), severity=severity,
                arende_id=None if arende_id is None else shown(arende_id, 40),
            ))
        elif len(k.more_rows) < SUMMARY_ROWS and row is not None:
            k.more_rows.append(row)

    def problems(self) -> list[Problem]:
        out = sorted(self.items, key=lambda p: p.row or 0)
        for (severity, column, _), k in self.kinds.items():
            extra = k.count - k.limit if k.limit is not None else 0
            if extra > 0:
                rows = ", ".join(map(str, k.more_rows)) + (", …" if extra > len(k.more_rows) else "")
                out.append(Problem(
                    f"{extra} more row{'s' if extra != 1 else ''} with this {severity}: {k.summary} "
                    f"(rows {rows}; {k.count} in all)",
                    file=self.file, column=column, severity=severity, count=extra,
                ))
        return out


# -- header -------------------------------------------------------------------------------------

@dataclass
class _Plan:
    index: dict[str, int]  # known column -> its position
    width: int
    nameless: list[int]  # positions without a name (checked for values)


def _map_header(header: list[object], kodbok: Codebook, probs: _Problems) -> _Plan | None:
    elsewhere = other_product(header, "isu")
    if elsewhere:
        probs.add(ERROR, "other_product", elsewhere, row=1)
        return None
    known = {normalize(c): c for c in kodbok.kolumner}
    index: dict[str, int] = {}
    unknown: list[str] = []
    unknown_at: dict[str, int] = {}
    nameless: list[int] = []
    warnings: list[tuple[str, dict]] = []
    for i, raw in enumerate(header):
        if _is_blank(raw):
            nameless.append(i)
            continue
        text = raw if isinstance(raw, str) else str(raw)
        if has_stray_bom(text):  # the survey reader's rule (D174)
            probs.add(ERROR, "bom", STRAY_BOM, row=1, column=column_label(i), value=text, limit=None)
        key = normalize(text.replace("\ufeff", ""))
        name = known.get(key)
        if name is None:
            if key in unknown_at:  # any repeated name is an error (§1), an unknown one too
                probs.add(ERROR, "repeated_column", f"column {shown_name(text.strip())} appears twice (columns "
                          f"{column_label(unknown_at[key])} and {column_label(i)})", row=1,
                          column=shown_name(text.strip()), limit=None)
                continue
            unknown_at[key] = i
            unknown.append(text.strip())
            warnings.append(("unknown column, ignored", {"column": shown_name(text.strip())}))
        elif name in index:
            probs.add(ERROR, "repeated_column", f"column {name} appears twice (columns {column_label(index[name])} "
                      f"and {column_label(i)})", row=1, column=name, value=text, limit=None)
        else:
            index[name] = i
    if not index:
        first = next((c for c in header if not _is_blank(c)), None)
        probs.add(ERROR, "no_header", f"row 1 names none of the ISU columns ({', '.join(REQUIRED)}, …): is this "
                  "an ärende file, with its header in row 1?", row=1, value=first)
        return None
    for message, where in warnings:
        probs.add(WARNING, "unknown_column", message, row=1, limit=None, **where)

    def hint(col: str) -> str:
        close = difflib.get_close_matches(col, unknown, n=1, cutoff=0.7)
        return f" (the unknown column {shown_name(close[0])} looks like a misspelling of it)" if close else ""

    for col in REQUIRED:
        if col not in index:
            probs.add(ERROR, "missing_column", "required column missing" + hint(col), row=1, column=col, limit=None)
    missing = [v.kolumn for v in kodbok.variabler if v.kolumn not in index and v.kolumn not in REQUIRED]
    if missing:
        hints = "".join(hint(c).replace(" (", f" ({c}: ", 1) for c in missing if hint(c))
        probs.add(WARNING, "missing_optional",
                  f"optional column{'s' if len(missing) > 1 else ''} missing, read as blank (uppgift saknas): "
                  f"{', '.join(missing)}{hints}", row=1)
    return _Plan(index, len(header), nameless)


# -- reading ------------------------------------------------------------------------------------

class _Reader:
    def __init__(self, plan: _Plan, kodbok: Codebook, population: Population, probs: _Problems, xlsx: bool,
                 delimiter: str | None):
        self.plan = plan
        self.kodbok = kodbok
        self.probs = probs
        self.xlsx = xlsx
        self.delimiter = delimiter
        idx = plan.index
        self.id_at = idx.get(ARENDE_ID)
        self.enhet = Enhet(xlsx, population)
        self.columns: list[tuple[int, Cell]] = []  # enhetskod first: its code names the row in messages
        if ENHETSKOD in idx:
            self.columns.append((idx[ENHETSKOD], self.enhet))
        for var in kodbok.variabler:
            col: Cell | None = None
            if var.is_choice:
                col = ChoiceCell(var, xlsx)
            elif var.typ == "datum":
                col = DateCell(var.kolumn, xlsx, required=var.kolumn == DATUM_AKTUALISERING)
            elif var.kolumn == ALDER:
                col = AgeCell(var.kolumn, xlsx)
            if col is not None and var.kolumn in idx:
                self.columns.append((idx[var.kolumn], col))
        self.out: dict[str, array | bytearray] = {
            c.name: bytearray() if c.typecode == "B" else array(c.typecode) for _, c in self.columns}
        self.getters = [(itemgetter(at), c) for at, c in self.columns]
        self.kinds = {c.name: c for _, c in self.columns}
        self.rows = array("i")  # spreadsheet row number of every ärende
        self.bad = bytearray()  # 1: the row has an invalid answer
        self.ids: list[str | None] = []  # arende_id per ärende, for messages only (dropped when done)
        self.first_row: dict[str, int] = {}
        self.nameless_with_values: set[int] = set()
        self.numeric = NumericCodes()  # rows whose enhetskod was a number (D6, D174)
        self.stopped_at: int | None = None  # the row where the reading stopped (MAX_ERRORS)

    # row by row: width, blank rows, arende_id
    def read(self, rows) -> None:
        batch: list[list[object]] = []
        width = self.plan.width
        id_at = self.id_at
        xlsx = self.xlsx
        setdefault = self.first_row.setdefault
        add_row, add_id, add_cells = self.rows.append, self.ids.append, batch.append
        header_len = len(ARENDE_ID)
        for n, cells in rows:
            if len(cells) != width:
                cells = self.fit(n, cells)
                if cells is None:
                    continue
            if id_at is None:
                if all(map(_is_blank, cells)):
                    continue
                aid = None
            else:
                raw = cells[id_at]
                if (raw.__class__ is str and (aid := raw.strip()) and len(aid) <= MAX_ID_CHARS
                        and not (len(aid) == header_len and aid.casefold() == ARENDE_ID)
                        and not (xlsx and aid[0] == "=") and "\ufeff" not in aid):
                    first = setdefault(aid, n)
                    if first != n:
                        self.duplicate(n, aid, first)
                else:
                    keep, aid = self.id_problem(n, cells, raw)
                    if not keep:
                        continue
            add_cells(cells)
            add_row(n)
            add_id(aid)
            if len(batch) >= BATCH_ROWS:
                self.convert(batch)
                batch.clear()
                if self.probs.errors >= MAX_ERRORS:
                    self.stopped_at = n
                    break
        if batch:
            self.convert(batch)
        if self.numeric.count:
            self.probs.add(WARNING, NUMERIC_CODE, self.numeric.warning(), column=ENHETSKOD, limit=None)

    def duplicate(self, n: int, aid: str, first: int) -> None:
        self.probs.add(ERROR, "duplicate_id", f"duplicate arende_id: already given in row {first}",
                       summary="duplicate arende_id", row=n, arende_id=aid, column=ARENDE_ID, value=aid)

    def id_problem(self, n: int, cells, raw: object) -> tuple[bool, str | None]:
        """An arende_id off the fast path: (keep the row?, the id or None)."""
        if isinstance(raw, str):
            aid = raw.strip()
        elif raw is None:
            aid = ""
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
            aid = str(int(raw))  # an XLSX number cell: its digits
        else:
            self.probs.add(ERROR, "not_text", f"{not_text(raw)} where an arende_id (text) is expected", row=n,
                           column=ARENDE_ID, value=raw)
            return True, None
        if not aid:
            if all(map(_is_blank, cells)):
                return False, None
            self.probs.add(ERROR, "blank_id", "arende_id is blank: every ärende needs one", row=n, column=ARENDE_ID)
            return True, None
        if len(aid) > MAX_ID_CHARS:
            self.probs.add(ERROR, "long_id", f"arende_id longer than {MAX_ID_CHARS} characters: not a case identifier",
                           row=n, column=ARENDE_ID, value=aid)
            return True, None
        if len(aid) == len(ARENDE_ID) and aid.casefold() == ARENDE_ID:
            self.probs.add(ERROR, "header_again", "the header row appears again here: were two files joined? "
                           "Remove this row", row=n, value=aid)
            return False, None
        if self.xlsx and aid.startswith("="):
            self.probs.add(ERROR, "formula", "a formula where an arende_id is expected; enter the value itself",
                           row=n, column=ARENDE_ID, value=aid)
            return True, None
        if has_stray_bom(aid):  # never part of an identifier: the survey reader's rule (D174)
            self.probs.add(ERROR, "bom", STRAY_BOM, row=n, column=ARENDE_ID, value=aid)
            return True, None
        first = self.first_row.setdefault(aid, n)
        if first != n:
            self.duplicate(n, aid, first)
        return True, aid

    def fit(self, n: int, cells: list[object]) -> list[object] | None:
        width = self.plan.width
        if self.xlsx or len(cells) > width and all(map(_is_blank, cells[width:])):
            for i in range(width, len(cells)):
                if not _is_blank(cells[i]):
                    self.nameless_value(i, n)
            return list(cells[:width]) + [None] * (width - len(cells))
        if all(map(_is_blank, cells)):
            return None

        aid = cells[self.id_at] if self.id_at is not None and self.id_at < len(cells) else None
        self.probs.add(ERROR, "fields", field_count_message(cells, width, self.delimiter, False),
                       summary="the row's field count differs from the header's", row=n,
                       arende_id=aid.strip() if isinstance(aid, str) and aid.strip() else None)
        return None

    def nameless_value(self, i: int, n: int, value: object = None) -> None:
        if i not in self.nameless_with_values:
            self.nameless_with_values.add(i)
            self.probs.add(WARNING, "nameless", f"the column has no name in row 1 but holds values (first in row {n}): "
                           "ignored. A merged header cell, or a deleted column name?", row=1,
                           column=column_label(i), limit=None)  # the value may be free text: not kept

    # column by column
    def convert(self, batch: list[list[object]]) -> None:
        start = len(self.bad)
        self.bad.extend(bytes(len(batch)))
        for i in self.plan.nameless:
            if i not in self.nameless_with_values:
                values = list(map(itemgetter(i), batch))
                if any(values):  # quick: '' and None are falsy
                    j = next((j for j, v in enumerate(values) if not _is_blank(v)), None)
                    if j is not None:
                        self.nameless_value(i, self.rows[start + j])
        enhet_codes: list[int] | None = None
        for get, col in self.getters:
            try:  # the fast path: every cell in the cache
                codes = list(map(col.cache.__getitem__, map(get, batch)))
            except KeyError:
                codes = list(map(col.cache.get, map(get, batch)))
            except TypeError:  # an unhashable cell: every cell by the slow path
                codes = [None] * len(batch)
            if None in codes:
                j = codes.index(None)
                while True:
                    raw = get(batch[j])
                    code, issue = col.convert(raw)
                    codes[j] = code
                    if issue is not None:
                        self.report(issue, start + j, col.name, raw, enhet_codes[j] if enhet_codes else None)
                    try:
                        j = codes.index(None, j + 1)
                    except ValueError:
                        break
            out = self.out[col.name]
            if out.__class__ is bytearray:
                out += bytes(codes)
            else:
                out.extend(codes)
            if col is self.enhet:
                enhet_codes = codes

    def report(self, issue: Issue, k: int, column: str, value: object, enhet: int | None) -> None:
        if issue.kind == NUMERIC_CODE:
            self.numeric.note(self.rows[k])
            return
        if issue.severity == ERROR:
            self.bad[k] = 1
        self.probs.add(issue.severity, issue.kind, issue.message, summary=issue.summary, row=self.rows[k],
                       arende_id=self.ids[k], enhetskod=self.unit_name(enhet), column=column,
                       value=None if value is None or value == "" else value)

    def unit_name(self, enhet: int | None) -> str | None:
        codes = self.enhet.codes
        return codes[enhet] if enhet is not None and 0 <= enhet < len(codes) else None

    # the arrays
    def arrays(self) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
        n = len(self.rows)

        def column(name: str, dtype, blank) -> np.ndarray:
            if name in self.out:
                a = np.frombuffer(self.out.pop(name), dtype=dtype).copy()
                return a
            return np.full(n, blank, dtype=dtype)

        enhet = column(ENHETSKOD, np.uint16, 0).astype(np.int32)
        enval, flerval, datum = {}, {}, {}
        for var in self.kodbok.variabler:
            if var.typ == "enval":
                enval[var.kolumn] = column(var.kolumn, np.uint8, 0)
            elif var.typ == "flerval":
                flerval[var.kolumn] = column(var.kolumn, np.uint32, 0)
            elif var.typ == "datum":
                datum[var.kolumn] = column(var.kolumn, np.int32, NO_DATE)
        alder = column(ALDER, np.int16, 0)
        return enhet, enval, flerval, datum, alder


def _consistency(r: _Reader, kodbok: Codebook, enval, flerval, datum, enhet) -> None:
    """CONTRACT §1's consistency rules on rows whose answers are all valid; clears ignored answers."""
    ok = np.frombuffer(bytes(r.bad), dtype=np.uint8) == 0
    rows = np.frombuffer(r.rows, dtype=np.int32)

    def emit(severity, kind, message, summary, mask, column, values=None) -> None:
        for k in np.flatnonzero(mask)[: DETAIL[severity] + SUMMARY_ROWS].tolist():
            r.probs.add(severity, kind, message, summary=summary, row=int(rows[k]), arende_id=r.ids[k],
                        enhetskod=r.unit_name(int(enhet[k])), column=column,
                        value=None if values is None else values(k))
        count = int(np.count_nonzero(mask)) - min(int(np.count_nonzero(mask)), DETAIL[severity] + SUMMARY_ROWS)
        if count:  # counted, not listed: the summary line names only the first rows anyway
            kind_ = r.probs.kinds[(severity, column, kind)]
            kind_.count += count
            if severity == ERROR:
                r.probs.errors += count

    def day(k: int, col: str) -> str:
        return (EPOCH + _dt.timedelta(days=int(datum[col][k]))).isoformat()

    dak = datum[DATUM_AKTUALISERING]
    have = (dak != NO_DATE) & (dak != BAD_DATE)
    slut = datum[DATUM_AVSLUT]
    given = (slut != NO_DATE) & (slut != BAD_DATE)
    emit(ERROR, "avslut_before", f"{DATUM_AVSLUT} is before {DATUM_AKTUALISERING}", None,
         ok & have & given & (slut < dak), DATUM_AVSLUT,
         lambda k: f"{day(k, DATUM_AVSLUT)} < {day(k, DATUM_AKTUALISERING)}")
    insats = datum[DATUM_INSATS]
    emit(WARNING, "insats_before", f"{DATUM_INSATS} is before {DATUM_AKTUALISERING}", None,
         ok & have & (insats != NO_DATE) & (insats != BAD_DATE) & (insats < dak), DATUM_INSATS,
         lambda k: f"{day(k, DATUM_INSATS)} < {day(k, DATUM_AKTUALISERING)}")

    avslutat = (slut != NO_DATE) | (enval[AVSLUTSORSAK] != 0)
    ignored = [v for v in kodbok.variabler
               if v.is_choice and (v.fas == "brukarenkat" or (v.fas == "avslut" and v.kolumn != AVSLUTSORSAK))]
    for var in ignored:
        arr = enval.get(var.kolumn, flerval.get(var.kolumn))
        mask = ~avslutat & (arr != 0)
        what = "a brukarenkät answer" if var.fas == "brukarenkat" else "an avslut answer"
        emit(WARNING, "not_avslutat", f"{what} on an ärende that is not avslutat (no {DATUM_AVSLUT} or "
             f"{AVSLUTSORSAK}): ignored", None, ok & mask, var.kolumn,
             (lambda k, v=var, a=arr: v.svar[int(a[k]) - 1]) if var.typ == "enval" else None)
        arr[mask] = 0

    fore = enval[SAMVERKAN_FOREKOMMIT]
    parter = flerval[SAMVERKAN]
    ja, nej = kodbok[SAMVERKAN_FOREKOMMIT].nummer("Ja"), kodbok[SAMVERKAN_FOREKOMMIT].nummer("Nej")
    fore[(fore == 0) & (parter != 0)] = ja
    mask = (fore == nej) & (parter != 0)
    emit(WARNING, "samverkan_nej", f"partners given in {SAMVERKAN} but {SAMVERKAN_FOREKOMMIT} is Nej: the partners "
         "are ignored", None, ok & mask, SAMVERKAN)
    parter[mask] = 0


def read_arenden(path, kodbok: Codebook, population: Population,
                 period: tuple[_dt.date | None, _dt.date | None] = (None, None), nyckel: bytes | None = None) -> Arenden:
    """Read and validate an ärende file (CONTRACT isu §1); keep the ärenden in `period` (inclusive).
    With `nyckel` (K, §2 item 1) each ärende's record key r is computed from its identifier before
    the identifiers are dropped.

    Raises InputError listing every problem; the result holds no identifier and no free text."""
    path = Path(path)
    report = Report(file=str(path))
    probs = _Problems(str(path))

    def fail() -> None:
        found = report.problems + probs.problems()
        errors = [p for p in found if p.severity == ERROR]
        if errors:
            raise InputError(errors, [p for p in found if p.severity == WARNING], report.omitted[ERROR])

    plan = None
    try:
        with open_table(path, report, ISU_LIMITS) as table:
            plan = _map_header(list(table.header), kodbok, probs)
            if plan is not None:
                reader = _Reader(plan, kodbok, population, probs, table.xlsx, table.delimiter)
                reader.read(table.rows())
                if reader.stopped_at is not None:
                    probs.add(ERROR, "stopped", f"the reading stopped after row {reader.stopped_at:,}: "
                              f"{probs.errors:,} errors, over the {MAX_ERRORS:,} a file is read for; correct "
                              "these first (the rows after it were not checked)", row=reader.stopped_at, limit=None)
    except InputError as exc:  # unreadable, or damaged further on: with what was found before
        mine = probs.problems()
        raise InputError(exc.problems + [p for p in mine if p.severity == ERROR],
                         exc.warnings + [p for p in mine if p.severity == WARNING], exc.omitted) from None
    if plan is None or reader.stopped_at is not None:
        fail()

    if not reader.rows and not probs.errors:
        probs.add(ERROR, "empty", "no ärenden: the file has a header only")
    enhet, enval, flerval, datum, alder = reader.arrays()
    _consistency(reader, kodbok, enval, flerval, datum, enhet)
    fail()

    # §2 item 1: r from the trimmed arende_id (as compared above); only r is kept (D151)
    keys = None if nyckel is None else record_keys(reader.ids, nyckel)
    reader.ids.clear()
    reader.first_row.clear()
    n_read = int(enhet.shape[0])
    dak = datum[DATUM_AKTUALISERING]
    keep = np.ones(n_read, dtype=bool)
    fran, till = period
    if fran is not None:
        keep &= dak >= day_of(fran)
    if till is not None:
        keep &= dak <= day_of(till)
    utanfor = n_read - int(np.count_nonzero(keep))
    utanfor_nyckel = 0 if keys is None else key_sum(keys[~keep])
    if keys is not None and utanfor:
        keys = keys[keep]
    if utanfor == n_read:
        shown_period = f"{fran.isoformat() if fran else ''}:{till.isoformat() if till else ''}"
        probs.add(ERROR, "empty", f"no ärende has {DATUM_AKTUALISERING} in the period {shown_period} "
                  f"({n_read} ärenden read, all outside it); nothing to compile")
        fail()
    if utanfor:
        enhet = enhet[keep]
        enval = {k: v[keep] for k, v in enval.items()}
        flerval = {k: v[keep] for k, v in flerval.items()}
        datum = {k: v[keep] for k, v in datum.items()}
        alder = alder[keep]

    # the codes that occur, sorted; `enhet` indexes them
    codes = reader.enhet.codes
    order = sorted(range(len(codes)), key=codes.__getitem__)
    rank = np.empty(len(codes), dtype=np.int32)
    rank[order] = np.arange(len(codes), dtype=np.int32)
    used, enhet = np.unique(rank[enhet], return_inverse=True)
    enheter = tuple(codes[order[int(i)]] for i in used)

    for k, v in datum.items():
        v[v == BAD_DATE] = NO_DATE  # none left after validation; kept for safety
    warnings = [p for p in report.problems + probs.problems() if p.severity == WARNING]
    return Arenden(
        kalla=path.name,
        enheter=enheter,
        enhet=enhet.astype(np.int32).reshape(-1),
        enval=enval,
        flerval=flerval,
        datum=datum,
        alder=alder,
        warnings=warnings,
        period=(fran, till),
        utanfor_period=utanfor,
        record_keys=keys,
        utanfor_nyckel=utanfor_nyckel,
        syntetisk=is_sample(path, ISU_SAMPLE),  # (D133)
    )
