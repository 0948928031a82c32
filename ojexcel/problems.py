"""Problems found in input: each names file, row, enhetskod, column and value (CONTRACT §6).

Readers collect every problem in a file before giving up, so a statistician sees them all in
one run; `InputError` carries the whole list.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
# A hostile file can hold millions of problems: a report keeps the first MAX_KEPT of each
# severity in full and only counts the rest; printing shows SHOWN_ALIKE of each message and
# at most MAX_SHOWN lines.
MAX_KEPT = 1000
MAX_SHOWN = 100
SHOWN_ALIKE = 3
VALUE_CHARS = 80  # a value is cut to this length in a message


def safe_char(ch: str) -> bool:
    """A character safe to print as it is: printable, or a space (U+00A0 no-break space, thin
    spaces: Unicode Zs, which Python's isprintable() calls unprintable but which are just spaces).
    Control characters, line and paragraph separators and format characters are not."""
    return ch.isprintable() or unicodedata.category(ch) == "Zs"


def is_printable(text: str) -> bool:
    return text.isprintable() or all(map(safe_char, text))


def printable(text: str) -> str:
    """The text with every control or invisible character escaped (\\n, \\x1b, \\u2028 …), and a
    file name's undecodable bytes (surrogate escapes) shown as \\xNN: safe on a terminal."""
    if is_printable(text):
        return text
    out = []
    for ch in text:
        if safe_char(ch):
            out.append(ch)
        elif "\udc80" <= ch <= "\udcff":  # os.fsdecode's escape of an undecodable byte
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


LINE_CHARS = 2000  # a printed line is cut here, whatever put a long text into it


def short_line(text: str, limit: int = LINE_CHARS) -> str:
    """`printable(text)` within about `limit` characters: its start and its end (where a message's
    cause usually is) are kept, the middle is cut with a note of how much."""
    text = printable(text)
    if len(text) <= limit:
        return text
    head, tail = limit * 2 // 3, limit // 3
    return f"{text[:head]} … ({len(text) - head - tail:,} characters cut) … {text[-tail:]}"


def shown_value(value: object, limit: int = VALUE_CHARS) -> str:
    """repr() of a value for a message, cut to a readable length ('…' and its full length)."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"… ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= limit + 2 else text[: limit + 2] + "…"


@dataclass(frozen=True)
class Problem:
    message: str
    file: str | None = None
    row: int | None = None  # spreadsheet row number: the header is row 1
    enhetskod: str | None = None
    column: str | None = None
    value: object = None
    severity: str = ERROR
    arende_id: str | None = None  # ISU: the ärende (terminal messages only, never an output file)
    fatal: bool = False  # the reading stopped here: kept beyond the cap, shown first
    line: int | None = None  # a text file's line (a TOML file of an årgång), where a row does not apply
    key: str | None = None  # a key of a TOML file ("socialjour.fraga"), where a column does not apply
    # how many problems this one stands for: a summary line ("… 2 884 more rows with this error")
    # counts every row it summarises, so a count said is the count found (D173)
    count: int = 1

    def where(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.arende_id is not None:
            parts.append(f"arende_id {shown_value(self.arende_id)}")
        if self.enhetskod:
            parts.append(f"enhetskod {self.enhetskod}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.key is not None:
            parts.append(f"key {self.key}")
        if self.value is not None:
            parts.append(f"value {shown_value(self.value)}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        label = "error" if self.severity == ERROR else "warning"
        return short_line(f"{label}: {where}: {self.message}" if where else f"{label}: {self.message}")


def format_problems(problems, omitted: int = 0, limit: int = MAX_SHOWN) -> list[str]:
    """The lines to print for `problems`: a message that recurs (the same text in many rows) is
    shown SHOWN_ALIKE times, then once as a count with the rows; at most `limit` lines, then a
    count of the rest. `omitted`: problems a report counted without keeping."""
    alike: dict[tuple[str, str, str | None], list[Problem]] = {}
    positions: dict[int, int] = {}
    for p in problems:
        group = alike.setdefault((p.severity, p.message, p.column), [])
        positions[id(p)] = len(group)
        group.append(p)
    lines: list[tuple[str, str, int]] = []  # (severity, line, the problems it stands for)
    summarised: set[tuple] = set()
    for p in sorted(problems, key=lambda p: not p.fatal):  # stable: file order otherwise
        key = (p.severity, p.message, p.column)
        group = alike[key]
        position = positions[id(p)]
        if position < SHOWN_ALIKE or len(group) <= SHOWN_ALIKE + 1:
            lines.append((p.severity, str(p), p.count))
        elif key not in summarised:
            summarised.add(key)
            rest = group[SHOWN_ALIKE:]
            rows = [str(q.row) for q in rest[:10] if q.row is not None]
            more = ", …" if len(rest) > 10 else ""
            n = sum(q.count for q in rest)
            lines.append((p.severity, printable(
                f"{p.severity}: … and {n:,} more with the same problem"
                + (f" (rows {', '.join(rows)}{more})" if rows else "")
                + (f", column {p.column}" if p.column else "") + f": {p.message}"
            ), n))
    hidden, hidden_warnings = omitted, 0  # `omitted` counts errors
    if len(lines) > limit:  # errors before warnings, each in file order
        errors = [i for i, (severity, _, _) in enumerate(lines) if severity == ERROR][:limit]
        warnings = [i for i, (severity, _, _) in enumerate(lines) if severity != ERROR][: limit - len(errors)]
        kept = set(errors + warnings)
        hidden += sum(n for i, (severity, _, n) in enumerate(lines) if i not in kept and severity == ERROR)
        hidden_warnings = sum(n for i, (severity, _, n) in enumerate(lines) if i not in kept and severity != ERROR)
        lines = [lines[i] for i in sorted(kept)]
    out = [line for _, line, _ in lines]
    if hidden and hidden_warnings:  # the warnings apart: a command's count says the errors
        out.append(f"… and {hidden:,} more problem(s) and {hidden_warnings:,} more warning(s) not shown")
    elif hidden:
        out.append(f"… and {hidden:,} more problem(s) not shown")
    elif hidden_warnings:
        out.append(f"… and {hidden_warnings:,} more warning(s) not shown")
    return out


class OjexcelError(Exception):
    """The base of every failure a user can act on. The command line prints its message and exits
    with `exit_code` (click's convention: the status lives on the exception); anything else that
    escapes a command is an internal error (exit 3)."""

    exit_code: int = 1


class InputError(OjexcelError):
    """Invalid input: one or more problems, all reported together. `warnings`: the warnings found
    on the way (shown beside the errors: a misspelt column is a warning *and* a missing column)."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | tuple[Problem, ...] = (),
                 omitted: int = 0):
        self.problems = list(problems)
        self.warnings = list(warnings)
        self.omitted = omitted  # errors counted but not kept (Report's cap)
        super().__init__("\n".join(format_problems(self.problems, omitted)))

    @property
    def count(self) -> int:
        """Every problem found: those kept, those a summary line stands for, those only counted."""
        return sum(p.count for p in self.problems) + self.omitted


class ReferenceDataError(OjexcelError):
    """The packaged reference data (municipality_groups/) failed its start-up checks."""


@dataclass
class Report:
    """Collects problems while reading; raises them all at the end."""

    file: str | None = None
    problems: list[Problem] = field(default_factory=list)
    omitted: dict[str, int] = field(default_factory=lambda: {ERROR: 0, WARNING: 0})
    kept: dict[str, int] = field(default_factory=lambda: {ERROR: 0, WARNING: 0})

    def _add(self, message: str, severity: str, where: dict) -> None:
        if self.kept[severity] >= MAX_KEPT and not where.get("fatal"):
            self.omitted[severity] += 1
            return
        self.kept[severity] += 1
        self.problems.append(Problem(message, file=where.pop("file", self.file), severity=severity, **where))

    def error(self, message: str, **where) -> None:
        self._add(message, ERROR, where)

    def warn(self, message: str, **where) -> None:
        self._add(message, WARNING, where)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.errors, self.warnings, self.omitted[ERROR])
