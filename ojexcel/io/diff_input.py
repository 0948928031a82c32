"""One side of `ojexcel diff` / `dump`, for both products: the file read once, and its trouble.

    with side_file(path) as real:      # a pipe (diff <(git show HEAD~1:t.csv) t.csv) is read once
        kind = file_format(real)       # "xlsx" or "csv"

Trouble reading a side (no such file, a directory, over the size limit, not an XLSX or CSV the
product can read) is `DiffInputError`, exit status 2 as diff(1) says trouble (D30). The
products' `diff.load_side` and the command line's product dispatch (`cli/compare.py`) share it.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..problems import OjexcelError, printable
from .limits import DIFF_INPUT_LIMITS, Limits

XLSX, CSV = "xlsx", "csv"
FIRST_LINE_CHARS = 4096  # a tidy export's header is one short line


class DiffInputError(OjexcelError):
    """A side cannot be read: unreadable, or not an ojexcel workbook / tidy export. Exit 2, as
    diff(1) says trouble."""

    exit_code = 2


@contextmanager
def side_file(path: str | Path, limits: Limits = DIFF_INPUT_LIMITS, shown: str | None = None) -> Iterator[Path]:
    """A regular file to read for `path` (itself, or a pipe's contents copied once within the size
    limit). Raises DiffInputError naming `shown` (default: the path, escaped)."""
    from .tables import os_reason, regular_file
    from .tables_csv import Unreadable

    path = Path(path)
    name = printable(str(path) if shown is None else shown)
    try:
        with regular_file(path, limits) as real:
            yield real
    except FileNotFoundError:
        raise DiffInputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise DiffInputError(f"{name}: is a directory") from None
    except Unreadable as exc:
        raise DiffInputError(f"{name}: {exc}") from None
    except OSError as exc:
        raise DiffInputError(f"{name}: {os_reason(exc)}") from None


def file_format(real: Path) -> str:
    """XLSX (a zip: every workbook starts with `PK`) or CSV (anything else)."""
    with open(real, "rb") as fh:
        return XLSX if fh.read(4).startswith(b"PK") else CSV


def first_line(real: Path) -> str:
    """The first line of a text file (at most FIRST_LINE_CHARS, undecodable bytes replaced, a
    byte-order mark dropped): enough to tell one tidy export's header from another's."""
    with open(real, "rb") as fh:
        head = fh.read(FIRST_LINE_CHARS)
    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return text.split("\n", 1)[0].rstrip("\r")


def sheet_names(real: Path, shown: str) -> tuple[str, ...]:
    """A workbook's sheet names, from its small workbook part only. Raises DiffInputError."""
    from .xlsx_cells import XlsxError, read_cells

    try:
        with read_cells(real) as book:
            return tuple(book.sheetnames)
    except XlsxError as exc:
        raise DiffInputError(printable(f"{shown}: {exc.reason}")) from None
