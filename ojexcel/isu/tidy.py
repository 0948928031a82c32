"""The tidy export (CONTRACT isu §6): `write_isu_tidy(resultat, path)` and its one reader,
`read_isu_tidy(path)` (a `RadLista`).

    niva,kod,tabell,delgrupp,kategori,antal,bas,andel,medel

UTF-8 without BOM, `\\n` line ends, fields quoted as the csv module quotes them (only when they
hold a comma, a quote or a line break); a masked or non-existent value is empty. Rows in
`IsuResultat.rader()` order (level, code, table, delgrupp, category).

At national breadth the export has millions of rows, so for the column-wise `IsuTabeller` the
text is assembled with numpy, one unit at a time: each row is the unit's `niva,kod,` + the slot's
pre-encoded `tabell,delgrupp,kategori,` + the numbers' digits, laid out in a byte matrix and
compacted with one boolean mask. Any other `IsuResultat` is written row by row.
"""
from __future__ import annotations

import csv
import io
import re
import sys
from functools import cache
from pathlib import Path
from typing import Iterator

import numpy as np

from ..problems import Problem
from ..rounding import shares_half_up
from .model import NIVAER, SAMTLIGA, Row
from .results import IsuTables, medel_text
from .row_list import RowList, RowListError
from .table_plan import MEDEL_KATEGORI, MEDELRAD, Plan

TIDY_HEADER = ("niva", "kod", "tabell", "delgrupp", "kategori", "antal", "bas", "andel", "medel")


def field(text: str) -> str:
    """One CSV field as csv.writer (QUOTE_MINIMAL) writes it."""
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_isu_tidy(resultat, path: Path | str) -> None:
    with open(path, "wb") as fh:
        fh.write((",".join(TIDY_HEADER) + "\n").encode("utf-8"))
        if isinstance(resultat, IsuTables):
            for chunk in _tidy_bytes(resultat):
                fh.write(chunk)
        else:
            text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
            writer = csv.writer(text, lineterminator="\n")
            writer.writerows(tidy_fields(r) for r in resultat.rader())
            text.flush()
            text.detach()


def tidy_fields(r: Row) -> tuple:
    def s(v) -> str:
        return "" if v is None else str(v)

    return (r.niva, r.kod, r.tabell, r.delgrupp, r.kategori, s(r.antal), s(r.bas), s(r.andel), s(r.medel))


# ---------------------------------------------------------------------------------------------
# Fast path


@cache
def _prefix(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Every slot's `tabell,delgrupp,kategori,` as UTF-8, concatenated in slot order, and their
    lengths."""
    texts = [
        (f"{field(t.namn)},{field(plan.delgrupper[d])},{field(t.kategorier[r])},").encode("utf-8")
        for t, d, r in zip((plan.tabeller[i] for i in plan.slot_tabell.tolist()), plan.slot_delgrupp.tolist(),
                           plan.slot_rad.tolist())
    ]
    return np.frombuffer(b"".join(texts), dtype=np.uint8), np.array([len(b) for b in texts], dtype=np.int64)


_FYRA = np.frombuffer("".join(f"{i:04d}" for i in range(10_000)).encode("ascii"), dtype=np.uint8).reshape(10_000, 4)


_TIOPOTENSER = 10 ** np.arange(1, 19, dtype=np.int64)
_KOLUMN = np.arange(64)


def _groups(v: np.ndarray) -> int:
    """Four-digit groups needed for the largest of v (≥ 1)."""
    storst = int(v.max()) if v.size else 0
    return max(1, -(-len(str(storst)) // 4))


def _write_numbers(mat: np.ndarray, giltig: np.ndarray, off: int, grupper: int, v: np.ndarray,
               tom: np.ndarray) -> np.ndarray:
    """Whole numbers v ≥ 0 as ASCII digits, right-aligned and zero-padded in columns
    off … off + 4·grupper of `mat` (four digits per table look-up); `giltig` marks the digits
    that belong to the text (no leading zeros; none for an empty field). Returns the digit counts."""
    width = 4 * grupper
    v0 = np.where(tom, 0, v)
    rest = v0
    for g in range(grupper - 1, -1, -1):
        mat[:, off + 4 * g: off + 4 * g + 4] = _FYRA[rest % 10_000 if g else rest]
        if g:
            rest = rest // 10_000
    nd = np.searchsorted(_TIOPOTENSER[:width - 1], v0, side="right") + 1
    nd[tom] = 0
    giltig[:, off:off + width] = _KOLUMN[:width][None, :] >= (width - nd)[:, None]
    return nd


def _tidy_bytes(res: IsuTables) -> Iterator:
    """One unit's rows at a time. A row is `niva,kod,` + the slot's prefix + `antal,bas,andel,` +
    `\n` (medel is empty on these rows). The written slots' prefixes are cut from the concatenated
    prefixes with one mask; after each, its numbers, the line end and the next row's `niva,kod,`
    are inserted (their bytes built in a narrow [rows × width] matrix)."""
    plan = res.plan
    pool, pre_len = _prefix(plan)
    pre_start = np.concatenate([[0], np.cumsum(pre_len)])
    medelrad = plan.slot_typ == MEDELRAD
    komma = ord(",")
    for u, (niva, kod) in enumerate(res.enhetslista):
        w_all = res.written[u]
        skriv = w_all & ~medelrad
        idx = np.flatnonzero(skriv)
        delar: list = []  # bytes-like pieces, written in order
        enhet = f"{niva},{kod},".encode("utf-8")
        if idx.size:
            a, b = res.pub_antal[u, idx], res.pub_bas[u, idx]
            mb = res.hidden[u, idx]
            andel = np.where(b >= res.share_min_bas, shares_half_up(a, b), -1)  # item 5
            dolj_a = mb
            r = idx.size
            bas_bytes = _selected(pool, pre_start, skriv)
            slut = np.frombuffer(b"\n" + enhet, dtype=np.uint8)
            ga, gb = _groups(np.where(dolj_a, 0, a)), _groups(np.where(mb, 0, b))
            # antal digits , bas digits , andel digits (one group: a perturbed share can pass 100) , \n niva,kod,
            width = 4 * ga + 1 + 4 * gb + 1 + 4 + 1 + slut.size
            mat = np.empty((r, width), dtype=np.uint8)
            giltig = np.empty((r, width), dtype=bool)
            n_ins = 3 + slut.size
            off = 0
            for v, tom, g in ((a, dolj_a, ga), (b, mb, gb), (andel, dolj_a | (andel < 0), 1)):
                n_ins = n_ins + _write_numbers(mat, giltig, off, g, v, tom)
                off += 4 * g
                mat[:, off] = komma
                giltig[:, off] = True
                off += 1
            mat[:, off:] = slut
            giltig[:, off:] = True
            ins = mat[giltig]
            lu = len(enhet)
            dest = np.repeat(np.cumsum(pre_len[idx]) + lu, n_ins) + np.arange(ins.size)
            out = np.empty(lu + bas_bytes.size + ins.size, dtype=np.uint8)
            out[:lu] = np.frombuffer(enhet, dtype=np.uint8)
            ovrigt = np.ones(out.size, dtype=bool)
            ovrigt[:lu] = False
            ovrigt[dest] = False
            out[dest] = ins
            out[ovrigt] = bas_bytes
            delar.append(out[: out.size - lu])  # the last row's trailing `niva,kod,` cut off
        # The means are the last tables of every unit: their few rows are formatted one by one.
        for s in np.flatnonzero(w_all & medelrad).tolist():
            delar.append(enhet + pool[pre_start[s]:pre_start[s + 1]].tobytes() + _mean_numbers(res, u, s))
        yield from delar


def _selected(pool: np.ndarray, start: np.ndarray, skriv: np.ndarray) -> np.ndarray:
    """The concatenated prefixes of the slots in `skriv`, cut from `pool` run by run (the written
    slots come in whole tables × delgrupper)."""
    kant = np.flatnonzero(np.diff(np.concatenate([[False], skriv, [False]]).astype(np.int8)))
    return np.concatenate([pool[start[a]:start[b]] for a, b in zip(kant[0::2].tolist(), kant[1::2].tolist())])


def _mean_numbers(res: IsuTables, u: int, s: int) -> bytes:
    """`antal,bas,,medel\n` of a medel row: all empty when hidden; perturbed, the published base
    and the true mean where that base is ≥ 20, never the sum (§2 item 5)."""
    if res.hidden[u, s]:
        return b",,,\n"
    summa, n, v = int(res.antal[u, s]), int(res.bas[u, s]), int(res.pub_bas[u, s])
    if res.utan_brus:
        return f"{summa},{n},,{medel_text(summa, n)}\n".encode("ascii")
    return f",{v},,{medel_text(summa, n) if v >= res.share_min_bas else ''}\n".encode("ascii")


# ---------------------------------------------------------------------------------------------
# Reader: the one reader of the ISU tidy format (tests, notebooks, comparing runs).
#
# Strict: exactly §6's header, UTF-8 without BOM, every value checked, bounded whatever the file
# (bytes, line and field lengths, rows, errors reported), every problem with file, row, column and
# value. The export does not say *why* a value is empty, so the reader infers it from the contract
# (§2, §5):
# - on a `medel` row: `andel` is always empty; an empty `bas` hides the row (§2 item 4: `antal`
#   and `medel` empty too); with `bas` shown, an empty `antal` (the sum: never published under the
#   perturbation) or `medel` (a base under 20, item 5) is masked (D163);
# - on other rows: an empty `antal` or `bas` is masked (both always exist); an empty `andel` is a
#   value that does not exist when `bas` is 0, else masked; `medel` is always empty. A share may
#   pass 100: a perturbed count can exceed its perturbed base (§2 item 5's formula, D161).

MAX_TIDY_BYTES = 2 * 1024**3  # a national export (at most ~2.9 million rows, ~200 MB) is far below this
MAX_FIELD = 1000  # characters in one field
MAX_LINE = 10 * MAX_FIELD  # characters in one line
# a national export has at most ~2.9 million rows (341 units, none over samtliga's 8 383); the reader
# keeps ~300 bytes a row, so this bound keeps a valid-looking file within about 1 GB (D186)
MAX_ROWS = 3_200_000
MAX_ERRORS = 50  # reported in full; the rest counted
# the reading stops after this many problems (D183): 2 million bad lines took 16 s, and the
# 3.2 million a file may hold would take half a minute for a verdict the first ones already give
MAX_PROBLEMS = 100_000

_INT = re.compile(r"[0-9]{1,12}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # never in a name: it would corrupt every output
_MEAN = re.compile(r"[0-9]{1,12}\.[0-9]")


def tidy_row(values: dict[str, str]) -> tuple[Row | None, list[tuple[str, str, str]]]:
    """One tidy row (column -> text) as a `Rad`, or the problems (column, value, reason)."""
    problems: list[tuple[str, str, str]] = []

    def number(col: str, pattern: re.Pattern, convert):
        text = values[col]
        if text == "":
            return None
        if not pattern.fullmatch(text):
            problems.append((col, text, "not a whole number" if convert is int else "not a mean with one decimal (2.4)"))
            return None
        return convert(text)

    niva, kod, tabell, delgrupp, kategori = (values[c] for c in TIDY_HEADER[:5])
    if niva not in NIVAER:
        problems.append(("niva", niva, f"not one of {', '.join(NIVAER)}"))
    elif (niva == SAMTLIGA) != (kod == ""):
        problems.append(("kod", kod, "must be empty exactly on samtliga rows"))
    if not tabell:
        problems.append(("tabell", tabell, "is empty"))
    if not kategori:
        problems.append(("kategori", kategori, "is empty"))
    if delgrupp and "=" not in delgrupp:
        problems.append(("delgrupp", delgrupp, "not VARIABEL=värde"))
    for col, text in (("kod", kod), ("tabell", tabell), ("delgrupp", delgrupp), ("kategori", kategori)):
        if _CONTROL.search(text):
            problems.append((col, text, "contains a control character"))
    antal = number("antal", _INT, int)
    bas = number("bas", _INT, int)
    andel = number("andel", _INT, int)
    medel = number("medel", _MEAN, str)
    if problems:
        return None, problems
    maskerad: set[str] = set()
    if kategori == MEDEL_KATEGORI:
        if values["andel"]:
            problems.append(("andel", values["andel"], "must be empty on a medel row"))
        if bas is None and (antal is not None or medel is not None):
            problems.append(("bas", values["bas"], "a medel row without its base shows neither sum nor mean"))
        if bas is None:
            maskerad = {"antal", "bas", "medel"}
        else:
            maskerad = {f for f, v in (("antal", antal), ("medel", medel)) if v is None}
    else:
        if values["medel"]:
            problems.append(("medel", values["medel"], "must be empty on a row that is not medel"))
        if antal is None:
            maskerad.add("antal")
        if bas is None:
            maskerad.add("bas")
        if andel is None and bas != 0:
            maskerad.add("andel")
    if problems:
        return None, problems
    intern = sys.intern
    return Row(intern(niva), intern(kod), intern(tabell), intern(delgrupp), intern(kategori),
               antal, bas, andel, medel, frozenset(maskerad)), []


_NIVA_SET = frozenset(NIVAER)
_MASK = {m: frozenset(m) for m in ((), ("antal", "andel"), ("andel",), ("antal", "bas", "andel"), ("bas", "andel"))}


def _whole(text: str) -> int | None | bool:
    """'' -> None; ASCII digits -> int; anything else -> False."""
    if not text:
        return None
    if len(text) <= 12 and text.isdigit() and text.isascii():
        return int(text)
    return False


def _fast_row(fields: list[str], intern) -> Row | None:
    """The common row (not a mean, every value well formed) without building a dict; None sends
    the row to `tidy_rad`, which names its problems."""
    niva, kod, tabell, delgrupp, kategori, a, b, p, m = fields
    if m or kategori == MEDEL_KATEGORI or not tabell or not kategori or niva not in _NIVA_SET:
        return None
    if _CONTROL.search(kod + tabell + delgrupp + kategori):
        return None
    if (niva == SAMTLIGA) != (kod == "") or (delgrupp and "=" not in delgrupp):
        return None
    antal, bas, andel = _whole(a), _whole(b), _whole(p)
    if antal is False or bas is False or andel is False:
        return None
    masked = ("antal",) * (antal is None) + ("bas",) * (bas is None) + ("andel",) * (andel is None and bas != 0)
    return Row(intern(niva, niva), intern(kod, kod), intern(tabell, tabell), intern(delgrupp, delgrupp),
               intern(kategori, kategori), antal, bas, andel, None, _MASK.get(masked) or frozenset(masked))


def _lines(fh, name: str):
    """The file's lines, bounded: no byte-order mark (§6: UTF-8 without BOM), no line longer than
    MAX_LINE characters, the header and at most MAX_ROWS rows — whatever the file (a FIFO,
    /dev/zero) claims."""
    for number in range(1, MAX_ROWS + 3):
        line = fh.readline(MAX_LINE + 1)
        if not line:
            return
        if number == 1 and line.startswith("\ufeff"):
            raise RowListError("starts with a byte-order mark; the tidy export has none", file=name, row=1)
        if len(line) > MAX_LINE:
            raise RowListError(f"the line is longer than {MAX_LINE} characters", file=name, row=number)
        if number > MAX_ROWS + 1:
            raise RowListError(f"more than {MAX_ROWS} rows, more than a tidy export can be", file=name)
        yield line


def read_isu_tidy(path: str | Path, *, kalla: str | None = None, period=(None, None), minsta_antal: int = 5,
                  n: int | None = None, utanfor_period: int = 0) -> RowList:
    """A tidy export (CONTRACT §6) as results (`kalla` defaults to the file's name, `n` to the
    samtliga `faser` count). Raises `RadListaError` listing every problem (the first MAX_ERRORS in
    full) with file, row (header = row 1), column and value."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_TIDY_BYTES:
            raise RowListError(f"{size} bytes, more than a tidy export can be ({MAX_TIDY_BYTES})", file=name)
        fh = open(path, encoding="utf-8", newline="")
    except OSError as e:
        raise RowListError(f"cannot be read ({e.strerror or e})", file=name) from None
    with fh:
        return _read_tidy_stream(fh, name, kalla=path.name if kalla is None else kalla, period=period,
                                 minsta_antal=minsta_antal, n=n, utanfor_period=utanfor_period)


def _read_tidy_stream(fh, name: str, **meta) -> RowList:
    """Streams the rows (memory: the rows kept, never the whole text)."""
    from ..io.tables_csv import RecordBound, RecordOverLimit

    # a record (quoted line breaks join lines) is bounded while csv parses it, as in io/tables_csv
    bound = RecordBound(_lines(fh, name), ",", MAX_LINE, 4 * len(TIDY_HEADER))
    reader = csv.reader(bound, strict=True)

    def records():
        while True:
            bound.start()
            try:
                yield next(reader)
            except StopIteration:
                return

    errors: list[Problem] = []
    more = 0
    stopped: list[Problem] = []

    def report(row: int, col: str | None, value: str, reason: str) -> None:
        nonlocal more
        if len(errors) < MAX_ERRORS:
            shown = value if len(value) <= 60 else value[:57] + "…"
            errors.append(Problem(reason, file=name, row=row, column=col, value=shown))
        else:
            more += 1
        if len(errors) + more >= MAX_PROBLEMS and not stopped:
            stopped.append(Problem(f"the reading stopped after row {row:,}: {MAX_PROBLEMS:,} problems, more than a "
                                   "file is read for; correct these first", file=name, row=row))

    rows: list[Row] = []
    strings: dict[str, str] = {}  # one object per distinct text: keys repeat on every row
    try:
        stream = records()
        header = next(stream, None)
        if header is None:
            raise RowListError("the file is empty", file=name)
        if tuple(header) != TIDY_HEADER:
            raise RowListError(f"the header must be exactly {','.join(TIDY_HEADER)}", file=name, row=1)
        for line, fields in enumerate(stream, start=2):
            if len(fields) != len(TIDY_HEADER):
                report(line, None, ",".join(fields), f"has {len(fields)} fields, not {len(TIDY_HEADER)}")
                if stopped:
                    break
                continue
            if max(map(len, fields)) > MAX_FIELD:
                col, value = next((c, v) for c, v in zip(TIDY_HEADER, fields) if len(v) > MAX_FIELD)
                report(line, col, value, f"is longer than {MAX_FIELD} characters")
                if stopped:
                    break
                continue
            rad = _fast_row(fields, strings.setdefault)
            if rad is not None:
                rows.append(rad)
                continue
            rad, problems = tidy_row(dict(zip(TIDY_HEADER, fields)))
            for col, value, reason in problems:
                report(line, col, value, reason)
            if rad is not None:
                rows.append(rad)
            if stopped:
                break
    except csv.Error as e:
        errors.append(Problem(f"not valid CSV ({e})", file=name, row=reader.line_num))
    except RecordOverLimit as e:
        errors.append(Problem(f"the record ending on line {reader.line_num + 1} has {e}", file=name,
                              row=reader.line_num + 1))
    except UnicodeDecodeError as e:
        errors.append(Problem(f"not UTF-8 ({e.reason})", file=name, row=reader.line_num + 1))
    if errors:
        tail = [Problem(f"{more} more problems not shown", file=name, count=more)] if more else []
        raise RowListError(errors + tail + stopped)
    try:
        return RowList.from_rows(rows, **meta)
    except RowListError as e:
        raise RowListError([Problem(p.message, file=name, row=p.row and p.row + 1, column=p.column, value=p.value)
                             for p in e.problems]) from None


def read_tidy_frame(path: str | Path):
    """A tidy export as a pandas DataFrame (`frames.py`; the Python API's `ojexcel.isu.read_tidy`),
    checked row by row as `read_isu_tidy` checks it: a bad file raises `RowListError` (an
    `InputError`) naming file, row, column and value."""
    from .frames import rows_frame

    return rows_frame(read_isu_tidy(path).rows)
