"""CSV input for `tables.open_table`: the encoding found in one bounded pass over the bytes, then
the records streamed (never the whole file in memory).

Encodings: UTF-8 (with or without BOM), UTF-16 with BOM, or — with a warning — Windows-1252.
Refused with a named cause: a file mixing encodings, text converted twice (mojibake), UTF-32,
UTF-16 without a BOM, NUL bytes anywhere, a cell over the cell limit, a line over the row limit.
"""
from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path
from typing import Iterator

from ..problems import Report
from .limits import Limits


class Unreadable(Exception):
    """The file cannot be read; `row` is the record where that was found (header = 1), `column` and
    `value` the cell when one is to blame."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None, value: object = None):
        super().__init__(message)
        self.row, self.column, self.value = row, column, value


CHUNK = 1 << 20
# A UTF-8 encoded non-ASCII character (2-4 bytes). In Windows-1252 text such pairs are practically
# never meant (they read as 'Ã¥', 'Ã¤', 'Ã¶' …), so finding one in a file that is not all UTF-8
# means the file mixes encodings.
_UTF8_CHAR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# UTF-8 read as Windows-1252 and saved again ('Ã¥' for 'å'): text converted twice.
_MOJIBAKE = re.compile("Ã[" + re.escape(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")) + "]")
_CONTROL = bytes([*range(0, 9), *range(14, 32)])
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


class _Lines:
    """Line numbers of byte or text offsets, counted as the pass goes: '\\n' ends a line, or '\\r'
    in a file without any '\\n' (old Mac line ends)."""

    def __init__(self, first: bytes | str) -> None:
        nl, cr = ("\n", "\r") if isinstance(first, str) else (b"\n", b"\r")
        self.sep = cr if nl not in first and cr in first else nl
        self.done = 0  # line breaks before the current chunk

    def at(self, chunk, offset: int) -> int:
        return self.done + chunk.count(self.sep, 0, offset) + 1

    def after(self, chunk) -> None:
        self.done += chunk.count(self.sep)


class _LineRun:
    """The longest line so far, checked chunk by chunk in O(1): only a line spanning chunks can
    exceed the limit (chunks are far smaller than it)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.run = limit, 0

    def feed(self, chunk, lines: _Lines) -> None:
        nl, cr = ("\n", "\r") if isinstance(chunk, str) else (b"\n", b"\r")
        last = max(chunk.rfind(nl), chunk.rfind(cr))
        if last < 0:
            self.run += len(chunk)
        else:
            firsts = [i for i in (chunk.find(nl), chunk.find(cr)) if i >= 0]
            self.run += min(firsts)
        if self.run > self.limit:
            raise Unreadable(f"line {lines.done + 1} is over {self.limit:,} characters long, the limit for this file")
        if last >= 0:
            self.run = len(chunk) - last - 1


def detect_encoding(path: Path, report: Report, limits: Limits) -> str:
    """The codec to read the CSV with, from one pass over its bytes (see the module docstring)."""
    with open(path, "rb") as fh:
        first = fh.read(CHUNK)
        if not first:
            raise Unreadable("the file is empty")
        if first.startswith(UTF32_BOMS):
            raise Unreadable("UTF-32 text is not supported; save the file as UTF-8")
        run = _LineRun(limits.max_row_chars)
        if first.startswith(UTF16_BOMS):
            return _check_utf16(fh, first, run)
        head = first[:4096]
        if b"\x00" in head:
            if _looks_utf16(head):
                raise Unreadable("the text looks like UTF-16 without a byte order mark (BOM); save the file as UTF-8")
            if sum(head.count(bytes([b])) for b in _CONTROL) > max(1, len(head) // 100) or b"\n" not in head[:head.find(b"\x00")]:
                raise Unreadable("binary data, not a CSV text file")
        return _check_8bit(fh, first, report, run, limits.utf8_only)


def _looks_utf16(head: bytes) -> bool:
    even, odd = head[0::2], head[1::2]
    return max(even.count(0), odd.count(0)) > len(head) // 4 and min(even.count(0), odd.count(0)) <= len(head) // 50


def _check_utf16(fh, first: bytes, run: _LineRun) -> str:
    decoder = codecs.getincrementaldecoder("utf-16")()
    chunk, offset, content = first, 0, False
    lines = _Lines("\n")
    while chunk:
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise Unreadable(f"UTF-16 text damaged (byte {offset + exc.start}); save the file as UTF-8") from None
        if "\x00" in text:
            raise Unreadable("a NUL character (binary data) in the text: not a CSV text file")
        content = content or bool(text.strip().lstrip("\ufeff").strip())
        run.feed(text, lines)
        lines.after(text)
        offset += len(chunk)
        chunk = fh.read(CHUNK)
    try:
        decoder.decode(b"", True)
    except UnicodeDecodeError:
        raise Unreadable(f"UTF-16 text cut short or damaged (byte {offset - 1}); save the file as UTF-8") from None
    if not content:
        raise Unreadable("the file is empty")
    return "utf-16"


def _check_8bit(fh, first: bytes, report: Report, run: _LineRun, utf8_only: bool = False) -> str:
    """UTF-8 (refusing mojibake), or Windows-1252 with a warning; refuses mixed encodings and NUL."""
    lines = _Lines(first)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    utf8_line = bad_line = None
    bad_byte = 0
    cp1252_ok = True
    previous = ""
    content = False
    chunk = first
    while chunk:
        content = content or bool(chunk.strip(b" \t\r\n\x0b\x0c\xef\xbb\xbf"))
        nul = chunk.find(b"\x00")
        if nul >= 0:
            raise Unreadable(f"a NUL byte (binary data) on line {lines.at(chunk, nul)}: not a CSV text file")
        if utf8_line is None:
            m = _UTF8_CHAR.search(chunk)
            if m is not None:
                utf8_line = lines.at(chunk, m.start())
        if bad_line is None:
            pending = len(decoder.getstate()[0])
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                pos = max(0, min(exc.start - pending, len(chunk) - 1))
                bad_line, bad_byte = lines.at(chunk, pos), chunk[pos]
            else:
                bad = _MOJIBAKE.search(previous + text)
                if bad is not None:
                    meant = bad.group().encode("cp1252").decode("utf-8", errors="replace")
                    line = lines.done + 1 + text.count(lines.sep.decode(), 0, max(0, bad.start() - len(previous)))
                    raise Unreadable(
                        f"the text on line {line} looks converted twice ({bad.group()!r} where "
                        f"{meant!r} was meant: UTF-8 read as Latin-1 and saved again); export the file anew as UTF-8"
                    )
                previous = text[-1:] if text[-1:] == "Ã" else ""
        if bad_line is not None:
            if cp1252_ok:
                try:
                    chunk.decode("cp1252")
                except UnicodeDecodeError:
                    cp1252_ok = False
            if utf8_line is not None:
                break
        run.feed(chunk, lines)
        lines.after(chunk)
        chunk = fh.read(CHUNK)
    if not content:
        raise Unreadable("the file is empty")
    if bad_line is None:
        try:
            decoder.decode(b"", True)
        except UnicodeDecodeError:
            bad_line, bad_byte = lines.done + 1, 0
            if utf8_line is None:
                return _cp1252(report, bad_line, cp1252_ok, utf8_only)
        else:
            return "utf-8-sig"
    if utf8_line is not None:
        raise Unreadable(
            f"the file mixes encodings: line {utf8_line} is UTF-8 but line {bad_line} "
            f"is not (byte 0x{bad_byte:02X}, Windows-1252/Latin-1?); save the whole file as UTF-8"
        )
    return _cp1252(report, bad_line, cp1252_ok, utf8_only)


def _cp1252(report: Report, line: int, ok: bool, utf8_only: bool = False) -> str:
    if utf8_only:
        raise Unreadable(f"not UTF-8 text (line {line}), so not a file written by ojexcel (its files are UTF-8)")
    if not ok:
        raise Unreadable("not UTF-8 text (and not Windows-1252 either)")
    report.warn(
        f"the file is not UTF-8 (first non-UTF-8 byte on line {line}); it was read as Windows-1252 "
        "(Latin-1), so å, ä and ö are read correctly. Save it as UTF-8 to silence this warning"
    )
    return "cp1252"


def detect_delimiter(first_line: str) -> str:
    """`,` or `;`: the one that splits the header into more fields (the header holds no quotes)."""
    counts = {}
    for d in (",", ";"):
        try:
            counts[d] = len(next(csv.reader([first_line], delimiter=d)))
        except (csv.Error, StopIteration):
            counts[d] = first_line.count(d)
    return ";" if counts[";"] > counts[","] else ","


MAX_RECORD_LINES = 100_000  # lines of one record: a few cells of text with line breaks


class RecordOverLimit(Exception):
    """A CSV record (one or more lines: quoted fields may hold line breaks) over a limit."""


class RecordBound:
    """The lines of a CSV for `csv.reader`, counted for the record being parsed, so that a record
    of millions of fields (quoted fields with line breaks, `"\n","\n",…`) ends at the limit before
    the csv module has built it (D171). Call `start()` before each record. Characters are counted
    per line; fields as the delimiters outside quotes: a cheap upper bound first (every delimiter),
    and only when that reaches the limit exactly, by the quotes' parity. The parity is followed
    on every line, and only the record's lines holding a delimiter are kept for the exact count
    (at most the limit's number of them), so a record of a million short lines keeps none."""

    def __init__(self, lines, delimiter: str, max_chars: int, max_fields: int, max_lines: int = 2**62,
                 max_record_lines: int = MAX_RECORD_LINES) -> None:
        self.delimiter, self.max_chars, self.max_fields = delimiter, max_chars, max_fields
        self.max_lines, self.max_record_lines = max_lines, max_record_lines
        self.lines = 0  # the file's lines so far
        # the record so far: characters, delimiters, inside quotes?, its lines with a delimiter
        # (each with the parity at its start), the delimiters outside quotes once counted (or None)
        self._state: list = [0, 0, False, [], None]
        self._lines = self._counted(iter(lines))

    def start(self) -> None:
        state = self._state
        state[0] = state[1] = 0
        state[2] = False
        if state[3]:
            state[3] = []
        state[4] = None

    def __iter__(self):
        return self._lines

    def _counted(self, lines):
        state, delimiter, max_chars, max_fields = self._state, self.delimiter, self.max_chars, self.max_fields
        first = 0  # the record's first line
        for number, line in enumerate(lines, start=1):
            chars = state[0] = state[0] + len(line)
            if chars == len(line):
                first = number
            if chars > max_chars:
                raise RecordOverLimit(f"over {max_chars:,} characters, the limit for this file")
            if number - first >= self.max_record_lines:
                raise RecordOverLimit(f"over {self.max_record_lines:,} lines (line breaks inside quotes)")
            if number > self.max_lines:
                raise RecordOverLimit(f"line {number:,}: the file has over {self.max_lines:,} lines, more than a "
                                      "table of its kind")
            self.lines = number
            d = line.count(delimiter)
            if d:
                if state[4] is not None:
                    state[4] += self._outside(line, state[2])
                    self._check(state[4])
                else:
                    state[3].append((line, state[2]))
                    state[1] += d
                    if state[1] >= max_fields:  # the bound is reached: count exactly
                        state[4] = sum(self._outside(seen, quoted) for seen, quoted in state[3])
                        self._check(state[4])
            if line.count('"') % 2:
                state[2] = not state[2]
            yield line

    def _outside(self, line: str, quoted: bool) -> int:
        """The line's delimiters outside quotes, the line starting inside quotes or not."""
        if '"' not in line:
            return 0 if quoted else line.count(self.delimiter)
        n = 0
        for i, part in enumerate(line.split('"')):
            if quoted == (i % 2 == 1):
                n += part.count(self.delimiter)
        return n

    def _check(self, fields: int) -> None:
        if fields >= self.max_fields:
            raise RecordOverLimit(f"more than {self.max_fields:,} fields, over the limit of {self.max_fields:,} columns")


class CsvTable:
    """The streamed records of a CSV whose encoding is known. `header` is read on opening."""

    def __init__(self, path: Path, encoding: str, limits: Limits) -> None:
        self.limits = limits
        self._fh = open(path, encoding=encoding, newline="")
        try:
            first = self._fh.readline(limits.max_row_chars + 1)
            if len(first) > limits.max_row_chars:
                raise Unreadable(f"the first line is over {limits.max_row_chars:,} characters, the limit for this file", row=1)
            first = first.lstrip("\ufeff")
            self.delimiter = detect_delimiter(first.splitlines()[0] if first.strip() else first)
            self._fh.seek(0)
            # detect_encoding has checked every line's length; a record (lines joined by quoted line
            # breaks) is bounded while csv parses it
            self._bound = RecordBound(self._fh, self.delimiter, limits.max_row_chars, limits.max_columns,
                                      max_lines=2 * limits.max_records)
            self._reader = csv.reader(self._bound, delimiter=self.delimiter, strict=True)
            self._iter = self._records()
            first_record = next(self._iter, None)
            self.header = None if first_record is None else first_record[1]
            if self.header and self.header[0].startswith("\ufeff"):
                self.header[0] = self.header[0][1:]
        except BaseException:
            self._fh.close()
            raise

    def close(self) -> None:
        if hasattr(self, "_iter"):
            self._iter.close()  # restores the csv module's field limit
        self._fh.close()

    def _error(self, exc: csv.Error, n: int, line: int) -> Unreadable:
        if "unexpected end of data" in str(exc):
            return Unreadable(
                f"the file ends inside a quoted field that starts on line {line}: a quote (\") is not "
                "closed, or the file is cut short (truncated)",
                row=n,
            )
        if "field larger than field limit" in str(exc):
            return Unreadable(
                f"a cell of over {self.limits.max_cell_chars:,} characters (Excel's cell limit) in the record "
                f"starting on line {line}; an unclosed quote (\") can cause this",
                row=n,
            )
        return Unreadable(f"malformed CSV in the record starting on line {line}: {exc}", row=n)

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """(record number, cells) of every record, the header (1) first, blank records included."""
        reader, limit, n, line = self._reader, self.limits.max_columns, 0, 0
        most = self.limits.max_records
        start = self._bound.start
        old = csv.field_size_limit(self.limits.max_cell_chars)
        try:
            while True:
                start()
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise self._error(exc, n + 1, line + 1) from None
                except RecordOverLimit as exc:
                    raise Unreadable(
                        f"the record starting on line {line + 1} has {exc}; an unclosed quote (\") can cause "
                        "this", row=n + 1) from None
                n += 1
                line = reader.line_num
                if n > most:  # blank records too: 100 MB of line ends is no table
                    raise Unreadable(f"over {most:,} records (blank lines included), more than a table of its kind "
                                     "has rows", row=n)
                if len(cells) > limit:
                    raise Unreadable(f"the record has {len(cells):,} fields, over the limit of {limit:,} columns", row=n)
                yield n, cells
        finally:
            csv.field_size_limit(old)

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(record number, cells) after the header (header = 1), blank records included."""
        return self._iter
