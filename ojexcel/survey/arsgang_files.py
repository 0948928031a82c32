"""Reading the files of an årgång (a survey year as data): its CSV tables and TOML files.

Every problem is reported on a `Report` naming the file, the row (CSV: header = row 1) or line
(TOML), the column or key and the value, and reading goes on, so `ojexcel arsgang check` lists
them all in one run. CSV tables go through the one bounded table reader (`io/tables.open_table`:
UTF-8 with or without BOM, `,` or `;`, Excel's Windows-1252 with a warning); a TOML file is read
within a size limit and its entries are located by line, so a problem in `[[indikator]]` number
12 names the line a statistician's editor shows.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..io.cells import cell_text
from ..io.limits import EXCEL_MAX_CELL_CHARS, Limits
from ..io.tables import open_table
from ..problems import InputError, Report

MiB = 2**20
# An årgång's tables are small (a few hundred rows); a bigger file is not one of them.
ARSGANG_LIMITS = Limits(
    max_file_bytes=10 * MiB, max_rows=20_000, max_columns=64, max_cell_chars=EXCEL_MAX_CELL_CHARS,
    max_xlsx_part_bytes=16 * MiB, max_xlsx_total_bytes=32 * MiB, max_row_chars=1 * MiB,
)
MAX_TOML_BYTES = 10 * MiB


@dataclass(frozen=True)
class TableRow:
    row: int  # spreadsheet row number (header = 1)
    cells: dict[str, str]  # column -> text ('' for a blank cell)

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


def read_table(path: Path, report: Report, columns: tuple[str, ...], optional: tuple[str, ...] = (),
               shown: str | None = None) -> list[TableRow] | None:
    """The rows of a CSV table with (at least) `columns`; None when it cannot be read at all.

    A required column missing is an error; a column that is neither required nor `optional` a
    warning (it is ignored). A row with another number of fields than the header is an error.
    """
    file = shown or str(path)
    sub = Report(file=file)
    rows: list[TableRow] = []
    try:
        with open_table(path, sub, ARSGANG_LIMITS) as table:
            header = [str(c).strip().lstrip("\ufeff") if c is not None else "" for c in table.header]
            missing = [c for c in columns if c not in header]
            for c in missing:
                sub.error(f"the column {c} is missing; the header must be {','.join(columns + optional)}", row=1, column=c)
            seen: set[str] = set()
            for i, name in enumerate(header):
                if name in seen:
                    sub.error("the column appears twice in the header", row=1, column=name)
                seen.add(name)
                if name and name not in columns and name not in optional:
                    sub.warn(f"unknown column, ignored (the columns are {','.join(columns + optional)})", row=1, column=name)
            if missing:
                _merge(report, sub)
                return None
            width = len(header)
            for n, raw in table.rows():
                if not table.xlsx and len(raw) != width:
                    sub.error(f"the row has {len(raw)} fields but the header has {width} "
                              "(a stray comma or semicolon? quote a text that holds one)", row=n)
                    continue
                cells = {}
                for name, value in zip(header, raw):
                    if name in columns or name in optional:
                        text = cell_text(value, sub, row=n, column=name, xlsx=table.xlsx)
                        cells[name] = (text or "").strip()
                rows.append(TableRow(n, cells))
    except InputError:
        pass  # reported on `sub`
    _merge(report, sub)
    return rows


def _merge(report: Report, sub: Report) -> None:
    report.problems.extend(sub.problems)
    for severity, n in sub.omitted.items():
        report.omitted[severity] += n


@dataclass(frozen=True)
class TomlFile:
    data: dict
    text: str
    shown: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", self.text.splitlines())

    def line_of(self, pattern: str, start: int = 1, stop: int | None = None) -> int | None:
        """The first line (1-based, from `start`, before line `stop`) whose text matches `pattern`."""
        lines = self.lines
        last = len(lines) if stop is None else min(stop - 1, len(lines))
        for n in range(start, last + 1):
            if re.match(pattern, lines[n - 1]):
                return n
        return None

    def key_line(self, key: str, start: int = 1, stop: int | None = None) -> int | None:
        """The line of `key = …` (a top-level key, or one inside a table starting at `start`)."""
        return self.line_of(rf"\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=", start, stop)

    def table_lines(self, name: str) -> list[int]:
        """The header line of every `[[name]]` (array of tables), in order."""
        pattern = re.compile(rf"\s*\[\[\s*{re.escape(name)}\s*\]\]")
        return [n for n, text in enumerate(self.lines, start=1) if text.lstrip().startswith("[[") and pattern.match(text)]

    def section_line(self, name: str) -> int | None:
        return self.line_of(rf"\s*\[\s*{re.escape(name)}\s*\]")


@lru_cache(maxsize=16)
def _parsed(text: str) -> dict:
    """A TOML text parsed once (a check and the build after it, or a series of årgångar, read the
    same catalogue): the result is shared, so its readers never change it."""
    return tomllib.loads(text)


def read_toml(path: Path, report: Report, shown: str | None = None) -> TomlFile | None:
    """A TOML file, or None (a problem reported: missing, too big, not UTF-8, not valid TOML)."""
    shown = shown or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_TOML_BYTES:
            report.error(f"the file is {size:,} bytes, over the limit of {MAX_TOML_BYTES:,} for this file", file=shown)
            return None
        raw = path.read_bytes()
    except FileNotFoundError:
        report.error("the file is missing", file=shown)
        return None
    except IsADirectoryError:
        report.error("is a folder, not a file", file=shown)
        return None
    except OSError as exc:
        report.error(f"cannot be read ({exc.strerror or exc})", file=shown)
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.error("not UTF-8 text: save the file as UTF-8", file=shown, line=line)
        return None
    try:
        data = _parsed(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = {"line": int(m.group(1))} if m else {}
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message) if m else message
        report.error(f"not valid TOML: {reason} (check quotes, = and brackets on that line)", file=shown, **where)
        return None
    return TomlFile(data, text, shown)
