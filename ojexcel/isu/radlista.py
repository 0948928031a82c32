"""`RadLista`: the compiled results (`IsuResultat`) held as a list of rows.

Two uses: reading a tidy export (CONTRACT isu §6) back — to render it again, to compare runs, or in
a notebook — and building results by hand in tests, independently of the compile engine.

    resultat = RadLista.from_rows(rows, kalla="arenden.csv", minsta_antal=5, n=3070)
    resultat = read_tidy("ISU.csv", kalla="arenden.csv", minsta_antal=5)

`from_rows` keeps the rows' order (give them in the tidy export's order) and rejects a repeated
key. `read_tidy` reads the tidy CSV strictly: exactly §6's header, UTF-8, every value checked, and
every problem reported with file, row, column and value. The tidy export does not say *why* a
value is empty, so `read_tidy` infers it from the contract (§2, §5):
- on a `medel` row: `antal`, `bas` and `medel` are shown together or masked together (§2.6);
  `andel` is always empty;
- on other rows: an empty `antal` or `bas` is masked (both always exist); an empty `andel` is a
  value that does not exist when `bas` is 0, else masked; `medel` is always empty.
"""
from __future__ import annotations

import csv
import datetime as _dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..problems import InputError, Problem
from .modell import NIVAER, SAMTLIGA, Rad

TIDY_HEADER = ("niva", "kod", "tabell", "delgrupp", "kategori", "antal", "bas", "andel", "medel")
MEDEL = "medel"
MAX_TIDY_BYTES = 2 * 1024**3  # a national export (about 2.6 million rows, 150 MB) is far below this
MAX_FIELD = 1000  # characters in one field
MAX_LINE = 10 * MAX_FIELD  # characters in one line
MAX_ROWS = 20_000_000  # a national export has about 2.6 million
MAX_ERRORS = 50  # reported in full; the rest counted

_INT = re.compile(r"[0-9]{1,12}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # never in a name: it would corrupt every output
_MEAN = re.compile(r"[0-9]{1,12}\.[0-9]")

Key = tuple[str, str, str, str]  # (niva, kod, tabell, delgrupp)


class RadListaError(InputError):
    """Rows that cannot be results: a repeated key, or a tidy file that does not follow §6. An
    `InputError` (every problem naming file, row, column and value), so commands report it as
    they report any bad input."""

    def __init__(self, problems: list[Problem] | str, *, file: str | None = None, row: int | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, file=file, row=row)]
        super().__init__(problems)


@dataclass
class RadLista:
    """`IsuResultat` over a list of `Rad`, in the order given (the tidy export's order)."""

    rows: list[Rad]
    kalla: str = ""
    period: tuple[_dt.date | None, _dt.date | None] = (None, None)
    minsta_antal: int = 5
    n: int = 0
    utanfor_period: int = 0
    warnings: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        # One dict per table (kategori -> Rad): lookups and the repeated-row check in one place.
        self._tables: dict[Key, dict[str, Rad]] = {}
        enheter: dict[str, dict[str, None]] = {niva: {} for niva in NIVAER}
        tabeller: dict[str, None] = {}
        delgrupper: dict[str, None] = {"": None}
        last_key: Key | None = None
        table: dict[str, Rad] = {}
        for i, rad in enumerate(self.rows):
            key = (rad.niva, rad.kod, rad.tabell, rad.delgrupp)
            if key != last_key:
                if rad.niva not in enheter:
                    raise RadListaError([Problem("unknown niva", row=i + 1, column="niva", value=rad.niva)])
                table = self._tables.setdefault(key, {})
                last_key = key
                enheter[rad.niva].setdefault(rad.kod, None)
                tabeller.setdefault(rad.tabell, None)
                delgrupper.setdefault(rad.delgrupp, None)
            if rad.kategori in table:
                raise RadListaError([Problem("occurs twice", row=i + 1, value="/".join(key + (rad.kategori,)))])
            table[rad.kategori] = rad
        self._enheter = {niva: tuple(kods) for niva, kods in enheter.items()}
        self._tabellnamn = tuple(tabeller)
        self._delgrupper = tuple(delgrupper)

    @classmethod
    def from_rows(cls, rows: Iterable[Rad], *, kalla: str = "", period=(None, None), minsta_antal: int = 5,
                  n: int | None = None, utanfor_period: int = 0, warnings: list[Problem] | None = None) -> "RadLista":
        """Results from rows in tidy order. `n` defaults to the samtliga `faser` table's
        `aktualiserade` count (None when it is masked or missing: then pass it)."""
        lista = cls(list(rows), kalla=kalla, period=period, minsta_antal=minsta_antal, n=0,
                    utanfor_period=utanfor_period, warnings=list(warnings or []))
        if n is None:
            aktualiserade = [r.antal for r in lista.tabell(SAMTLIGA, "", "faser") if r.kategori == "aktualiserade"]
            n = aktualiserade[0] if aktualiserade and aktualiserade[0] is not None else 0
        lista.n = n
        return lista

    # -- IsuResultat -------------------------------------------------------------------------------

    def enheter(self, niva: str) -> tuple[str, ...]:
        return self._enheter.get(niva, ())

    def tabell(self, niva: str, kod: str, tabell: str, delgrupp: str = "") -> list[Rad]:
        return list(self._tables.get((niva, kod, tabell, delgrupp), {}).values())

    def rader(self) -> Iterator[Rad]:
        return iter(self.rows)

    def tabellnamn(self) -> tuple[str, ...]:
        return self._tabellnamn

    def delgrupper(self) -> tuple[str, ...]:
        return self._delgrupper


# -- the tidy export -----------------------------------------------------------------------------

def tidy_rad(values: dict[str, str]) -> tuple[Rad | None, list[tuple[str, str, str]]]:
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
    if kategori == MEDEL:
        if values["andel"]:
            problems.append(("andel", values["andel"], "must be empty on a medel row"))
        shown = [v is not None for v in (antal, bas, medel)]
        if any(shown) and not all(shown):
            problems.append(("medel", values["medel"], "antal, bas and medel are shown or masked together"))
        if not any(shown):
            maskerad = {"antal", "bas", "medel"}
    else:
        if values["medel"]:
            problems.append(("medel", values["medel"], "must be empty on a row that is not medel"))
        if andel is not None and andel > 100:
            problems.append(("andel", values["andel"], "a share above 100"))
        if antal is None:
            maskerad.add("antal")
        if bas is None:
            maskerad.add("bas")
        if andel is None and bas != 0:
            maskerad.add("andel")
    if problems:
        return None, problems
    intern = sys.intern
    return Rad(intern(niva), intern(kod), intern(tabell), intern(delgrupp), intern(kategori),
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


def _fast_rad(fields: list[str], intern) -> Rad | None:
    """The common row (not a mean, every value well formed) without building a dict; None sends
    the row to `tidy_rad`, which names its problems."""
    niva, kod, tabell, delgrupp, kategori, a, b, p, m = fields
    if m or kategori == MEDEL or not tabell or not kategori or niva not in _NIVA_SET:
        return None
    if _CONTROL.search(kod + tabell + delgrupp + kategori):
        return None
    if (niva == SAMTLIGA) != (kod == "") or (delgrupp and "=" not in delgrupp):
        return None
    antal, bas, andel = _whole(a), _whole(b), _whole(p)
    if antal is False or bas is False or andel is False or (andel is not None and andel > 100):
        return None
    masked = ("antal",) * (antal is None) + ("bas",) * (bas is None) + ("andel",) * (andel is None and bas != 0)
    return Rad(intern(niva, niva), intern(kod, kod), intern(tabell, tabell), intern(delgrupp, delgrupp),
               intern(kategori, kategori), antal, bas, andel, None, _MASK.get(masked) or frozenset(masked))


def _lines(fh, name: str):
    """The file's lines, bounded: no byte-order mark (§6: UTF-8 without BOM), no line longer than
    MAX_LINE characters, at most MAX_ROWS lines — whatever the file (a FIFO, /dev/zero) claims."""
    for number in range(1, MAX_ROWS + 2):
        line = fh.readline(MAX_LINE + 1)
        if not line:
            return
        if number == 1 and line.startswith("\ufeff"):
            raise RadListaError("starts with a byte-order mark; the tidy export has none", file=name, row=1)
        if len(line) > MAX_LINE:
            raise RadListaError(f"the line is longer than {MAX_LINE} characters", file=name, row=number)
        if number > MAX_ROWS:
            raise RadListaError(f"more than {MAX_ROWS} rows, more than a tidy export can be", file=name)
        yield line


def read_tidy(path: str | Path, *, kalla: str | None = None, period=(None, None), minsta_antal: int = 5,
              n: int | None = None, utanfor_period: int = 0) -> RadLista:
    """A tidy export (CONTRACT §6) as results. Raises `RadListaError` listing every problem (the
    first MAX_ERRORS in full) with file, row (header = row 1), column and value."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_TIDY_BYTES:
            raise RadListaError(f"{size} bytes, more than a tidy export can be ({MAX_TIDY_BYTES})", file=name)
        fh = open(path, encoding="utf-8", newline="")
    except OSError as e:
        raise RadListaError(f"cannot be read ({e.strerror or e})", file=name) from None
    with fh:
        return _read_tidy_stream(fh, name, kalla=name if kalla is None else kalla, period=period,
                                 minsta_antal=minsta_antal, n=n, utanfor_period=utanfor_period)


def _read_tidy_stream(fh, name: str, **meta) -> RadLista:
    """Streams the rows (memory: the rows kept, never the whole text)."""
    reader = csv.reader(_lines(fh, name), strict=True)
    errors: list[Problem] = []
    more = 0

    def report(row: int, col: str | None, value: str, reason: str) -> None:
        nonlocal more
        if len(errors) < MAX_ERRORS:
            shown = value if len(value) <= 60 else value[:57] + "…"
            errors.append(Problem(reason, file=name, row=row, column=col, value=shown))
        else:
            more += 1

    rows: list[Rad] = []
    strings: dict[str, str] = {}  # one object per distinct text: keys repeat on every row
    try:
        header = next(reader, None)
        if header is None:
            raise RadListaError("the file is empty", file=name)
        if tuple(header) != TIDY_HEADER:
            raise RadListaError(f"the header must be exactly {','.join(TIDY_HEADER)}", file=name, row=1)
        for line, fields in enumerate(reader, start=2):
            if len(fields) != len(TIDY_HEADER):
                report(line, None, ",".join(fields), f"has {len(fields)} fields, not {len(TIDY_HEADER)}")
                continue
            if max(map(len, fields)) > MAX_FIELD:
                col, value = next((c, v) for c, v in zip(TIDY_HEADER, fields) if len(v) > MAX_FIELD)
                report(line, col, value, f"is longer than {MAX_FIELD} characters")
                continue
            rad = _fast_rad(fields, strings.setdefault)
            if rad is not None:
                rows.append(rad)
                continue
            rad, problems = tidy_rad(dict(zip(TIDY_HEADER, fields)))
            for col, value, reason in problems:
                report(line, col, value, reason)
            if rad is not None:
                rows.append(rad)
    except csv.Error as e:
        errors.append(Problem(f"not valid CSV ({e})", file=name, row=reader.line_num))
    except UnicodeDecodeError as e:
        errors.append(Problem(f"not UTF-8 ({e.reason})", file=name, row=reader.line_num + 1))
    if errors:
        tail = [Problem(f"{more} more problems not shown", file=name)] if more else []
        raise RadListaError(errors + tail)
    try:
        return RadLista.from_rows(rows, **meta)
    except RadListaError as e:
        raise RadListaError([Problem(p.message, file=name, row=p.row and p.row + 1, column=p.column, value=p.value)
                             for p in e.problems]) from None
