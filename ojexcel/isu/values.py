"""One ISU cell to its code, per value type (CONTRACT isu §1): the slow path of `arenden`'s reader.

Each input column has a `Cell` converter holding a cache from raw cell text to code (the reader's
fast path looks cells up there) and a `convert` for a cell not in the cache, which returns the code
and, for a bad or doubtful cell, an `Issue` (an error or a warning, with a message). Codes:
`enval` the label's number (0 = no answer), `flerval` a bit set (bit k-1 = label k), `datum` days
since 1970-01-01 (`NO_DATE` = no answer), `alder` the age (0 = no answer), `enhetskod` an index into
the codes met so far.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import re
from dataclasses import dataclass

from ..io.cells import STRAY_BOM, has_stray_bom, normalize, numeric_unit_code, unit_code_number_message
from ..population import Population
from ..problems import ERROR, WARNING
from .codebook import ENHETSKOD, Variable
from .model import EPOCH, NO_DATE

# Exclusive answers (decision, CONTRACT §1): they stand alone in their cell.
EXCLUSIVE = {"funktionsnedsattning": ("Nej", "Vet ej")}
ALDER = "alder"
ALDER_MIN, ALDER_MAX = 18, 120
COMMENT_LABEL = "Kommentar (möjlighet till)"  # Bilaga 2's comment field: never an answer
CACHE_MAX = 50_000  # distinct raw values remembered per column …
CACHE_CHARS = 200  # … each at most this long (a hostile file cannot fill memory through the caches)
SHOWN_CHARS = 60  # a value in a message is cut to this
SUGGESTED = 25  # "did you mean …?" for the first unknown answers of a column (the ones listed): a
# hostile file of a million distinct misspellings must not cost a million difflib searches (D177)

_COMMENT_KEY = normalize(COMMENT_LABEL)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_EPOCH_ORDINAL = EPOCH.toordinal()
BAD_DATE = int(NO_DATE) + 1  # an invalid date while reading; never in a result


def day_of(d: _dt.date) -> int:
    """`datum` arrays' day number (days since 1970-01-01)."""
    return d.toordinal() - _EPOCH_ORDINAL


def shown(value: object, limit: int = SHOWN_CHARS) -> object:
    """A cell value fit for a message: text cut to `limit` characters (`Problem` prints values with
    repr, which escapes control characters); dates as ISO text."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + "…"
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return value


def shown_name(text: str, limit: int = SHOWN_CHARS) -> str:
    """A name from the file (a column name) fit to print bare: cut, and repr when not printable."""
    cut = text if len(text) <= limit else text[:limit] + "…"
    return cut if cut.isprintable() else repr(cut)


# -- cell conversion ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Issue:
    """A problem with one cell: its kind, message and (for a summary line) a generic message."""

    severity: str
    kind: str
    message: str
    summary: str


def err(kind: str, message: str, summary: str | None = None) -> Issue:
    return Issue(ERROR, kind, message, summary or message)


def not_text(value: object) -> str:
    if isinstance(value, bool):
        return "a TRUE/FALSE value"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
        return "a date or time"
    return f"a {type(value).__name__} value"


class Cell:
    """One input column's conversion: raw cell -> (code, issue or None, cacheable)."""

    blank = 0
    blank_ok = True  # a blank cell is no answer (else: the slow path reports it)
    typecode = "B"

    def __init__(self, name: str, xlsx: bool):
        self.name = name
        self.xlsx = xlsx
        self.cache: dict[object, int] = {None: self.blank} if self.blank_ok else {}
        self.memo: dict[str, tuple[int, Issue | None]] = {}

    def convert(self, raw: object) -> tuple[int, Issue | None]:
        """Slow path for a cell not in the cache; caches clean text results."""
        if isinstance(raw, str):
            code = self.cache.get(raw)
            if code is not None:  # cached by an earlier cell of the same batch
                return code, None
            got = self.memo.get(raw)
            if got is None:
                if raw.startswith("=") and self.xlsx:
                    got = (self.bad, err("formula", "a formula where a value is expected; enter the value itself"))
                elif has_stray_bom(raw):  # the survey reader's rule (D174): never part of a value
                    got = (self.bad, err("bom", STRAY_BOM))
                else:
                    got = self.parse_text(raw.strip())
                if len(raw) > CACHE_CHARS:
                    pass
                elif got[1] is None:
                    if len(self.cache) < CACHE_MAX:
                        self.cache[raw] = got[0]
                elif len(self.memo) < CACHE_MAX:
                    self.memo[raw] = got
            return got
        if raw is None:
            return self.parse_text("")
        return self.parse_cell(raw)

    bad = 0

    def parse_text(self, text: str) -> tuple[int, Issue | None]:
        raise NotImplementedError

    def parse_cell(self, value: object) -> tuple[int, Issue | None]:
        return self.bad, err("not_text", f"{not_text(value)} where text is expected")


def _expected(var: Variable) -> str:
    labels = ", ".join(var.svar)
    if len(labels) > 160:
        labels = ", ".join(var.svar[:3]) + f", … ({len(var.svar)} labels, variabler.csv)"
    return f"expected {labels}, or a number 1–{len(var.svar)}"


class ChoiceCell(Cell):
    """enval / flerval: labels (normalised) or their 1-based numbers, `|`-separated."""

    def __init__(self, var: Variable, xlsx: bool):
        self.var = var
        self.flerval = var.typ == "flerval"
        self.typecode = "I" if self.flerval else "B"
        super().__init__(var.kolumn, xlsx)
        self.labels = {normalize(label): k for k, label in enumerate(var.svar, start=1)}
        self.exclusive = {var.nummer(label) for label in EXCLUSIVE.get(var.kolumn, ())}
        self.suggested = 0
        self.expected = _expected(var)
        self.unknown = err("unknown", f"unknown answer; {self.expected}", "unknown answer or number")
        # a cell lists each answer once; twice is a warning, more parts than that no answer at all
        self.max_parts = 2 * len(var.svar)

    def answer(self, part: str) -> int | Issue:
        key = normalize(part)
        k = self.labels.get(key)
        if k is not None:
            return k
        if part.isascii() and part.isdigit():
            k = int(part) if len(part) <= 6 else 0
            if 1 <= k <= len(self.var.svar):
                return k
            return err("unknown", f"no answer has number {shown(part, 12)}; {self.expected}", "unknown answer or number")
        if key == _COMMENT_KEY:
            return err("unknown", f"'{COMMENT_LABEL}' is Bilaga 2's comment field, never an answer; "
                        f"{self.expected}", "unknown answer or number")
        if self.suggested >= SUGGESTED:
            return self.unknown
        self.suggested += 1
        close = difflib.get_close_matches(key[:CACHE_CHARS], list(self.labels), n=1, cutoff=0.8)
        suggestion = f"; did you mean {self.var.svar[self.labels[close[0]] - 1]!r}?" if close else ""
        return err("unknown", f"unknown answer; {self.expected}{suggestion}", "unknown answer or number")

    def parse_text(self, text: str) -> tuple[int, Issue | None]:
        if "|" in text and text.count("|") >= self.max_parts:
            return self.bad, err("parts", f"{text.count('|') + 1} answers in one cell, more than the "
                                 f"{len(self.var.svar)} the variable has (each at most twice)")
        parts = [p.strip() for p in text.split("|")] if "|" in text else [text]
        answers: list[int] = []
        for part in parts:
            if not part:
                continue
            got = self.answer(part)
            if isinstance(got, Issue):
                if len(parts) > 1:
                    got = Issue(got.severity, got.kind, f"{shown(part)!r}: {got.message}", got.summary)
                return self.bad, got
            answers.append(got)
        return self.combine(answers)

    def combine(self, answers: list[int]) -> tuple[int, Issue | None]:
        if not answers:
            return 0, None
        distinct = sorted(set(answers))
        if not self.flerval and len(distinct) > 1:
            return self.bad, err("several", f"several answers in an enval column ({len(distinct)} different); "
                                  "give one answer")
        both = self.exclusive.intersection(distinct)
        if both and len(distinct) > 1:
            label = self.var.svar[min(both) - 1]
            return self.bad, err("exclusive", f"{label!r} stands alone: it cannot be combined with other answers",
                                  "an exclusive answer (Nej, Vet ej) combined with others")
        code = 0
        for k in distinct:
            code |= 1 << (k - 1)
        if not self.flerval:
            code = distinct[0]
        if len(distinct) < len(answers):
            return code, Issue(WARNING, "repeated", "an answer is given more than once in the cell; counted once",
                                "an answer given more than once in the cell; counted once")
        return code, None

    def parse_cell(self, value: object) -> tuple[int, Issue | None]:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if float(value).is_integer() and 1 <= value <= len(self.var.svar):
                return self.combine([int(value)])
            return self.bad, err("unknown", f"no answer has number {value}; {_expected(self.var)}",
                                  "unknown answer or number")
        return super().parse_cell(value)


class DateCell(Cell):
    typecode = "i"
    blank = int(NO_DATE)
    bad = BAD_DATE

    def __init__(self, name: str, xlsx: bool, required: bool = False):
        self.blank_ok = not required
        super().__init__(name, xlsx)

    def parse_text(self, text: str) -> tuple[int, Issue | None]:
        if not text:
            if self.blank_ok:
                return self.blank, None
            return self.bad, err("blank", f"{self.name} is blank: every ärende needs it")
        if _ISO_DATE.match(text):
            try:
                return day_of(_dt.date.fromisoformat(text)), None
            except ValueError:
                pass
        return self.bad, err("date", "not a date: write a real date as ÅÅÅÅ-MM-DD (ISO), e.g. 2022-03-31",
                              "not a date ÅÅÅÅ-MM-DD")

    def parse_cell(self, value: object) -> tuple[int, Issue | None]:
        if isinstance(value, _dt.datetime):
            day = day_of(value.date())
            if value.time() != _dt.time(0):
                return day, Issue(WARNING, "time", "a date cell with a time of day: the date is used, the time ignored",
                                   "a date cell with a time of day: the date is used")
            return day, None
        if isinstance(value, _dt.date):
            return day_of(value), None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return self.bad, err("date", f"a number ({value}) where a date is expected: format the cell as a date, "
                                  "or enter ÅÅÅÅ-MM-DD", "not a date ÅÅÅÅ-MM-DD")
        return self.bad, err("date", f"{not_text(value)} where a date is expected", "not a date ÅÅÅÅ-MM-DD")


class AgeCell(Cell):
    typecode = "h"

    def parse_text(self, text: str) -> tuple[int, Issue | None]:
        if not text:
            return 0, None
        if text.isascii() and text.isdigit() and len(text) <= 6:
            return self.check(int(text))
        return self.bad, self.problem()

    def check(self, n: int) -> tuple[int, Issue | None]:
        return (n, None) if ALDER_MIN <= n <= ALDER_MAX else (self.bad, self.problem())

    def problem(self) -> Issue:
        return err("alder", f"alder must be a whole number {ALDER_MIN}–{ALDER_MAX} (years; the population is adults)")

    def parse_cell(self, value: object) -> tuple[int, Issue | None]:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
            return self.check(int(value))
        return self.bad, self.problem()


NUMERIC_CODE = "numeric_kod"  # an Issue kind: a numeric enhetskod read as its kommunkod (D6, D174)


class Enhet(Cell):
    """`enhetskod` -> index into `codes` (first-seen order); matched trimmed and exactly. A whole
    number whose zero-padded form is a code (an XLSX re-saved by a spreadsheet: 114) is read as
    that code, as the survey reader does (D174): its Issue (kind NUMERIC_CODE) is one warning for
    all such rows, which the reader gives."""

    typecode = "H"
    blank_ok = False
    bad = 0xFFFF  # no unit (names no enhetskod in messages)

    def __init__(self, xlsx: bool, population: Population):
        super().__init__(ENHETSKOD, xlsx)
        self.valid = set(population.municipalities) | {u.kod for u in population.units if u.is_district}
        self.codes: list[str] = []
        self.position: dict[str, int] = {}

    def parse_text(self, text: str) -> tuple[int, Issue | None]:
        if not text:
            return self.bad, err("blank", "enhetskod is blank: every ärende needs its unit")
        if text not in self.valid:
            hint = ""
            if text.isdigit() and len(text) < 4 and text.zfill(4) in self.valid:
                hint = f"; did you mean {text.zfill(4)} (a kommunkod has 4 digits, leading zero included)?"
            return self.bad, err("unknown_unit", "unknown enhetskod: not a kommunkod of kommuner.csv nor a "
                                  "district code of stadsdelar_2017.csv" + hint, "unknown enhetskod")
        return self.index(text), None

    def index(self, code: str) -> int:
        if code not in self.position:
            self.position[code] = len(self.codes)
            self.codes.append(code)
        return self.position[code]

    def parse_cell(self, value: object) -> tuple[int, Issue | None]:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            code = numeric_unit_code(value, self.valid)
            if code is not None:
                return self.index(code), Issue(WARNING, NUMERIC_CODE, "", "")
            return self.bad, err("not_text", unit_code_number_message(value), "enhetskod is a number that is not a kommunkod")
        return super().parse_cell(value)


