"""A small, dependency-free reader of an XLSX workbook's cell values and fills.

    book = read_cells("vinr_2017.xlsx")           # raises XlsxError naming the file
    book.sheetnames                               # ('Information', 'Kommuner och stadsdelar', …)
    sheet = book.sheet("Kommuner och stadsdelar")
    sheet.values[7][8]                            # row 8, column I (0-based indexes): 'Ja'
    sheet.fill(7, 8)                              # 'C6EFCE'

It reads exactly what `workbook_read.py` needs, about ten times faster than openpyxl's read-only
mode (which builds a Python object per cell and is most of `ojexcel diff`'s time). It agrees with
``openpyxl.load_workbook(path, read_only=True, data_only=True)`` followed by
``ws.reset_dimensions()`` and ``ws.iter_rows()`` (tests/test_xlsx_cells.py checks it cell for cell):

* ``values[i]`` is spreadsheet row ``i + 1``: a tuple as long as the row's last cell's column,
  ``None`` for a missing cell; a row without cells (or missing) is ``()``. The sheet's declared
  ``<dimension>`` is ignored. Row and column come from the ``r`` attributes, or by counting
  when a writer omits them.
* Values by cell type: ``s`` shared string (rich-text runs joined), ``str`` formula string,
  ``inlineStr`` (``<is>`` text), ``b`` bool, ``e`` the error text (``#N/A``), ``n`` or none an
  ``int`` when written without a decimal point or exponent, else ``float``; ``d`` the ISO 8601
  text as written. Formulas give their cached result. Unlike openpyxl, numbers in date formats
  are not turned into datetimes (ojexcel workbooks have none).
* Fills: style index ``s`` → ``styles.xml`` ``cellXfs/xf/@fillId`` → ``fills/fill``: a solid
  ``patternFill``'s ``fgColor`` as ``RRGGBB`` (``FFC6EFCE`` → ``C6EFCE``), a theme or palette
  colour as ``"theme:N"`` / ``"indexed:N"`` (stable, never mistaken for an RGB); ``None`` for no
  fill, a non-solid pattern or a gradient. ``applyFill`` is ignored, as openpyxl and Excel do.

Cells are found with a regular-expression tokenizer over the sheet's ``<sheetData>`` (namespace
prefixes, self-closing cells, entities and character references handled). It also checks the
structure: every non-blank stretch of ``<sheetData>`` must be a row tag, a cell or a comment,
values must hold no stray ``&``, and the part must end with ``</worksheet>`` (truncation); a
cell in an unusual layout (formula, rich inline text, attributes in another order) is parsed
with expat first. A full expat pass over each sheet would cost a sixth of the reading time; XML
outside ``<sheetData>`` is therefore not checked. Small parts (workbook, relationships, styles)
are parsed by ElementTree; shared strings are tokenized like the sheets (ElementTree only for a
part with comments or CDATA), and only when a cell first uses one.

Bounded (issue 12): every part is read within `limits.Limits` (uncompressed size per part and
in total, checked against the zip's declaration and counted while reading), a DOCTYPE is refused,
sheets are decompressed and tokenized piece by piece (`Workbook.rows` streams a sheet's rows;
`Workbook.sheet` collects them, refusing rows and columns beyond Excel's maximum and sheets that
would be mostly empty space), and a character reference that is not an XML character fails.
Issue 17 (D178, D170): the zip's directory is bounded before zipfile reads it (10 000 members,
2 MB), small parts by their elements, number formats by Excel's 255 characters (each distinct
code classified once), cell styles by Excel's 64 000, shared strings by `limits` (strings and
characters), merged ranges counted (the first 100 kept), a row by its 16 384 cells; a value no
spreadsheet writes (a number of superscript digits, 5 000 digits or beyond a double, shared
string -1, an XML declaration's other encoding, a zip member of a newer zip version) fails
naming its part and cell, never an internal error.
"""
from __future__ import annotations

import codecs
import functools
import math
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat
from zlib import error as zlib_error

from ..problems import OjexcelError, shown_value
from .limits import EXCEL_MAX_COLUMNS, EXCEL_MAX_ROWS, WORKBOOK_LIMITS, Limits

# Parts bounded by what a workbook can hold, not only by their size (D178): a 4 KB file once hung
# every reader on one long number format, 2 MB of merged ranges took 2.8 GB.
SMALL_PART = 16 * 2**20  # workbook, relationships, styles: a few KB in any real file
MAX_SMALL_ELEMENTS = 500_000  # XML elements in one such part (Excel's 64 000 styles need ~200 000)
MAX_ZIP_MEMBERS = 10_000  # a workbook has tens of parts; a thousand sheets some 3 000
MAX_ZIP_DIRECTORY = 2 * 2**20  # bytes of the zip's central directory (~100 bytes per member)
MAX_FORMAT_CHARS = 255  # Excel's limit on a number format code
MAX_CELL_STYLES = 65_536  # Excel holds at most 64 000 cell formats
MAX_MERGED_KEPT = 100  # merged ranges named one by one; the rest are counted
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_REL_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
OFFICE_DOCUMENT = "/officeDocument"


class XlsxError(OjexcelError):
    """The file cannot be read as an XLSX workbook (not a zip, a missing part, malformed XML, a
    value no spreadsheet writes). `row`, `column` and `value` name the cell when there is one."""

    def __init__(self, path: str | Path, reason: str, *, row: int | None = None, column: str | None = None,
                 value: object = None) -> None:
        self.path, self.reason = str(path), reason
        self.row, self.column, self.value = row, column, value
        super().__init__(f"{self.path}: {reason}")


class _BadCell(ValueError):
    """A cell's value that no spreadsheet writes (raised while tokenizing, named with its cell)."""

    def __init__(self, why: str, value: object = None) -> None:
        super().__init__(why)
        self.why, self.value = why, value


@dataclass
class Sheet:
    name: str
    values: list[tuple] = field(default_factory=list)  # values[i][j]: row i + 1, column j + 1
    styles: list[tuple] = field(default_factory=list)  # each cell's style index as written ("" = 0)
    style_fills: dict[str, str | None] = field(default_factory=dict)  # style index -> fill

    def fill(self, i: int, j: int) -> str | None:
        """The fill of row i + 1, column j + 1 (0-based indexes, as `values`); None for no cell."""
        styles = self.styles[i] if i < len(self.styles) else ()
        return _style_fill(self.style_fills, styles[j]) if j < len(styles) else None

    def row_fills(self, i: int) -> list[str | None]:
        """The fill of every cell of row i + 1, as `values[i]`."""
        styles = self.styles[i] if i < len(self.styles) else ()
        get = self.style_fills.get
        fills = [get(s, _UNKNOWN) for s in styles]
        if _UNKNOWN in fills:
            fills = [_style_fill(self.style_fills, s) for s in styles]
        return fills


_UNKNOWN = object()


def _style_fill(style_fills: dict[str, str | None], s: str | None) -> str | None:
    if s is None:  # no cell
        return None
    if s not in style_fills and s.isascii() and s.isdigit() and len(s) <= 9:
        s = str(int(s))  # written with leading zeros
    return style_fills.get(s)  # None for an index beyond cellXfs, as for no style


class Workbook:
    """An opened XLSX file: sheet names and, on demand, each sheet's cells.

    Every part is read within `limits` (uncompressed size per part and in total), streamed where
    it can be big (sheets, shared strings); a DOCTYPE (entity declarations) is refused."""

    def __init__(self, path: str | Path, limits: Limits = WORKBOOK_LIMITS) -> None:
        self.path = Path(path)
        self.limits = limits
        self._total = 0  # uncompressed bytes read so far
        try:
            size = self.path.stat().st_size
        except (OSError, ValueError) as exc:
            raise XlsxError(path, f"cannot be read ({exc.__class__.__name__}: {exc})") from None
        if size > limits.max_file_bytes:
            raise XlsxError(path, f"the file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} for this input")
        _check_zip_directory(self.path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except NotImplementedError as exc:  # "zip file version 9.9": a member no zip reader can open
            raise XlsxError(path, f"not an XLSX workbook (a zip member needs a newer zip reader: {exc})") from None
        except Exception as exc:  # zipfile's failures on a damaged directory (BadZipFile, struct.error, …)
            raise XlsxError(path, f"not an XLSX workbook ({exc.__class__.__name__}: {exc})") from None
        try:
            infos = self._zip.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                raise XlsxError(path, f"not an XLSX workbook: {len(infos):,} zip members, over the {MAX_ZIP_MEMBERS:,} "
                                      "a workbook can hold")
            self._members = {info.filename: info for info in infos}
            self._parts = self._sheet_parts()
            self.sheetnames: tuple[str, ...] = tuple(self._parts)
            self._strings: list[str] | None = None
            self._fills: dict[str, str | None] | None = None
            self._dates: frozenset[str] | None = None
        except BaseException:
            self._zip.close()
            raise

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- parts ---------------------------------------------------------------------------------

    def _chunks(self, name: str, required: bool = True, size: int = 1 << 20):
        """The part's uncompressed bytes in pieces, within the part and total limits (XlsxError)."""
        info = self._members.get(name)
        if info is None:
            if not required:
                return
            raise XlsxError(self.path, f"not an XLSX workbook (missing part {name})")
        limit = self.limits.max_xlsx_part_bytes
        if info.file_size > limit:
            raise XlsxError(self.path, f"part {name} inflates to {info.file_size:,} bytes, over the limit of {limit:,}")
        read = 0
        try:
            with self._zip.open(info) as fh:
                while True:
                    piece = fh.read(size)
                    if not piece:
                        return
                    read += len(piece)
                    self._total += len(piece)
                    if read > limit:
                        raise XlsxError(self.path, f"part {name} inflates to over {limit:,} bytes, the limit")
                    if self._total > self.limits.max_xlsx_total_bytes:
                        raise XlsxError(
                            self.path, f"the parts read inflate to over {self.limits.max_xlsx_total_bytes:,} bytes, the limit"
                        )
                    yield piece
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError, zlib_error) as exc:
            raise XlsxError(
                self.path, f"the file is damaged or cut short (part {name}: {exc.__class__.__name__}: {exc})"
            ) from None

    def _text(self, name: str, required: bool = True):
        """The part as text pieces (UTF-8, a BOM dropped); a DOCTYPE is refused."""
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        first = True
        try:
            for piece in self._chunks(name, required):
                text = decoder.decode(piece)
                if first and text:
                    head = text[:4096]
                    if "<!DOCTYPE" in head or "<!ENTITY" in head:
                        raise XlsxError(self.path, f"part {name} declares a DOCTYPE or entities, which XLSX never does")
                    declared = _DECLARED_ENCODING.match(head)
                    if declared is not None and declared.group(1).lower() not in ("utf-8", "utf8"):
                        # parts are read as UTF-8; a parser would look the name up (an unknown one fails)
                        raise XlsxError(self.path, f"part {name} declares the encoding {shown_value(declared.group(1), 40)}, "
                                                   "not UTF-8, which every spreadsheet writes", value=declared.group(1)[:40])
                    first = False
                yield text
            yield decoder.decode(b"", True)
        except UnicodeDecodeError as exc:
            raise XlsxError(self.path, f"not an XLSX workbook ({name} is not UTF-8 text: {exc.reason})") from None

    def _read(self, name: str, required: bool = True) -> bytes | None:
        """A small part (workbook, relationships, styles) whole: at most SMALL_PART bytes."""
        if name not in self._members and not required:
            return None
        info = self._members.get(name)
        if info is not None and info.file_size > SMALL_PART:
            raise XlsxError(self.path, f"part {name} inflates to {info.file_size:,} bytes, over the limit of {SMALL_PART:,}")
        text, size = [], 0
        for piece in self._text(name, required):
            size += len(piece)
            if size > SMALL_PART:
                raise XlsxError(self.path, f"part {name} inflates to over {SMALL_PART:,} bytes, the limit")
            text.append(piece)
        data = "".join(text).encode("utf-8")
        if data.count(b"<") > MAX_SMALL_ELEMENTS:
            raise XlsxError(self.path, f"part {name} holds over {MAX_SMALL_ELEMENTS:,} XML elements, more than a "
                                       "workbook's styles or sheet list ever need")
        return data

    def _xml(self, name: str, required: bool = True) -> ET.Element | None:
        data = self._read(name, required)
        if data is None:
            return None
        try:
            return ET.fromstring(data)
        except (ET.ParseError, LookupError, ValueError, RecursionError) as exc:
            raise XlsxError(self.path, f"not an XLSX workbook (malformed XML in {name}: {exc})") from None

    def _workbook_part(self) -> str:
        root = self._xml("_rels/.rels", required=False)
        if root is not None:
            for rel in root:
                if rel.get("Type", "").endswith(OFFICE_DOCUMENT) and rel.get("Target"):
                    return _resolve("", rel.get("Target"))
        return "xl/workbook.xml"

    def _sheet_parts(self) -> dict[str, str]:
        part = self._workbook = self._workbook_part()
        folder = posixpath.dirname(part)
        root = self._xml(part)
        rels = self._xml(posixpath.join(folder, "_rels", posixpath.basename(part) + ".rels"))
        targets: dict[str, str] = {}
        self._strings_part = posixpath.join(folder, "sharedStrings.xml")
        self._styles_part = posixpath.join(folder, "styles.xml")
        for rel in rels:
            target = _resolve(folder, rel.get("Target", ""))
            targets[rel.get("Id", "")] = target
            kind = rel.get("Type", "")
            if kind.endswith("/sharedStrings"):
                self._strings_part = target
            elif kind.endswith("/styles"):
                self._styles_part = target
        parts: dict[str, str] = {}
        for sheets in root:
            if _local(sheets.tag) != "sheets":
                continue
            for sheet in sheets:
                name = sheet.get("name")
                rid = sheet.get(f"{{{NS_REL}}}id") or sheet.get(f"{{{NS_REL_STRICT}}}id")
                if name is None or rid not in targets:
                    raise XlsxError(self.path, f"not an XLSX workbook (sheet {name!r} has no part in {part})")
                if targets[rid] not in self._members:
                    outside = targets[rid].startswith("../") or targets[rid] == ".."
                    raise XlsxError(
                        self.path,
                        f"not an XLSX workbook (missing part {targets[rid]}: the sheet {name!r} links to it"
                        + (", outside the package" if outside else "") + ")",
                    )
                parts[name] = targets[rid]
        return parts

    def _shared_strings(self) -> list[str]:
        """The shared strings, parsed when a cell first uses one (a file whose cells use none may
        hold any: they are never read), within `limits.max_shared_strings` strings and
        `limits.max_shared_chars` characters. Tokenized like the sheets (each `<si>`, its `<t>`
        texts, phonetic runs left out); a part with comments or CDATA goes through ElementTree."""
        if self._strings is None:
            part = self._strings_part
            self._strings = []
            if part in self._members:
                try:
                    self._strings = self._tokenized_strings(part)
                except _Unusual:
                    self._strings = self._parsed_strings(part)
        return self._strings

    def _too_many(self) -> XlsxError:
        most, most_chars = self.limits.max_shared_strings, self.limits.max_shared_chars
        return XlsxError(self.path, f"part {self._strings_part} holds over {most:,} strings or {most_chars:,} "
                                    "characters, the limit for this input")

    def _keep(self, strings: list[str], text: str, chars: int) -> int:
        strings.append(text)
        chars += len(text)
        if len(strings) > self.limits.max_shared_strings or chars > self.limits.max_shared_chars:
            raise self._too_many()
        return chars

    def _tokenized_strings(self, part: str) -> list[str]:
        strings: list[str] = []
        add = strings.append
        chars = 0
        most, most_chars = self.limits.max_shared_strings, self.limits.max_shared_chars
        buf = ""
        fail = functools.partial(self._bad, part)

        def gap(text: str) -> None:  # between strings: only the sst tags and white space
            if text.strip() and not _SST_TAGS.fullmatch(text.strip()):
                fail(f"unexpected {text.strip()[:40]!r}")

        for piece in self._text(part):
            buf += piece
            if "<!" in buf:
                raise _Unusual
            at = 0
            for m in _SI.finditer(buf):
                if m.start() != at:
                    gap(buf[at:m.start()])
                at = m.end()
                text, inner = m.group(1, 2)
                if text is None:  # not the common <si><t>…</t></si>
                    text = ""
                    if inner:
                        if "rPh" in inner:
                            inner = _RPH.sub("", inner)
                        text = "".join(_T.findall(inner))
                if "&" in text or "\r" in text:
                    if _BAD_AMP.search(text):
                        fail(f"a stray '&' in {shown_value(text)}")
                    try:
                        text = _unescape(text)
                    except _BadReference as exc:
                        fail(str(exc))
                if "x005F_" in text:  # openpyxl's partial unescaping of "_x005F_" (an escaped "_"), kept
                    text = text.replace("x005F_", "")
                add(text)
                chars += len(text)
            if len(strings) > most or chars > most_chars:
                raise self._too_many()
            buf = buf[at:]
            if len(buf) > max(self.limits.max_row_chars, 1 << 20) + len(piece):
                fail(f"a string of over {self.limits.max_row_chars:,} characters of XML")
        if re.search(r"<(?:[\w.-]+:)?si\b", buf):
            fail("the part ends inside a string (truncated?)")
        gap(buf)
        return strings

    def _parsed_strings(self, part: str) -> list[str]:
        strings: list[str] = []
        chars = 0
        parser = ET.XMLPullParser(events=("start", "end"))
        root = None
        try:
            for piece in self._text(part):
                parser.feed(piece)
                for event, el in parser.read_events():
                    if root is None:
                        root = el
                    elif event == "end" and _local(el.tag) == "si":
                        chars = self._keep(strings, _text_of(el).replace("x005F_", ""), chars)
                if root is not None:
                    root.clear()  # the strings read are kept as text only
            parser.close()
        except (ET.ParseError, LookupError, ValueError, RecursionError) as exc:
            raise XlsxError(self.path, f"not an XLSX workbook (malformed XML in {part}: {exc})") from None
        return strings

    def date_styles(self) -> frozenset[str]:
        """The style indexes (as written in a cell's s attribute) whose number format is a date."""
        if self._dates is None:
            from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

            part = self._styles_part
            root = self._xml(part, required=False)
            formats: dict[int, str] = dict(BUILTIN_FORMATS)
            xfs: list[ET.Element] = []
            for child in () if root is None else root:
                tag = _local(child.tag)
                if tag == "numFmts":
                    for fmt in child:
                        code = fmt.get("formatCode", "")
                        if len(code) > MAX_FORMAT_CHARS:  # openpyxl's is_date_format is quadratic in it
                            raise XlsxError(self.path, f"part {part}: the number format {shown_value(fmt.get('numFmtId'), 20)} "
                                                       f"has a code of {len(code):,} characters, over Excel's "
                                                       f"{MAX_FORMAT_CHARS}", value=code[:80])
                        formats[self._style_number(part, "numFmt numFmtId", fmt.get("numFmtId", ""))] = code
                elif tag == "cellXfs":
                    xfs = list(child)
            if len(xfs) > MAX_CELL_STYLES:
                raise XlsxError(self.path, f"part {part}: {len(xfs):,} cell styles, over Excel's {MAX_CELL_STYLES:,}")
            dates = set()
            is_date: dict[str, bool] = {}  # each distinct code classified once
            for i, xf in enumerate(xfs):
                code = formats.get(self._style_number(part, f"cellXfs xf {i} numFmtId", xf.get("numFmtId", "0")), "")
                date = is_date.get(code)
                if date is None:
                    date = is_date[code] = is_date_format(code)
                if date:
                    dates.add(str(i))
            if "0" in dates:
                dates.add("")
            self._dates = frozenset(dates)
        return self._dates

    def _style_number(self, part: str, what: str, text: str) -> int:
        """An index in styles.xml (numFmtId, fillId): ASCII digits, else the file is refused."""
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            raise XlsxError(self.path, f"part {part}: {what} {shown_value(text, 20)} is not a number", value=text[:40])
        return int(text)

    def date1904(self) -> bool:
        root = self._xml(self._workbook)
        for child in root:
            if _local(child.tag) == "workbookPr":
                return child.get("date1904", "").lower() in ("1", "true")
        return False

    def _style_fills(self) -> dict[str, str | None]:
        """Style index (cellXfs) -> fill, as described in the module docstring."""
        if self._fills is None:
            root = self._xml(self._styles_part, required=False)
            fills: list[str | None] = []
            xfs: list[ET.Element] = []
            for child in () if root is None else root:
                tag = _local(child.tag)
                if tag == "fills":
                    fills = [_fill_of(f) for f in child]
                elif tag == "cellXfs":
                    xfs = list(child)
            result: dict[str, str | None] = {}
            for i, xf in enumerate(xfs[:MAX_CELL_STYLES]):
                fid = xf.get("fillId", "0")
                fid = int(fid) if fid.isascii() and fid.isdigit() and len(fid) <= 9 else -1
                result[str(i)] = fills[fid] if 0 <= fid < len(fills) else None
            if "0" in result:
                result[""] = result["0"]  # no s attribute: style 0
            self._fills = result
        return self._fills

    # -- sheets --------------------------------------------------------------------------------

    def sheet(self, name: str) -> Sheet:
        """The whole sheet (`values`, `styles`), within the limits; see `_collect_rows`."""
        rows = self.rows(name)

        def over(why: str):
            raise XlsxError(self.path, f"sheet {name!r}: {why}")

        values, styles = _collect_rows(rows, self.limits, over)
        return Sheet(name, values, styles, self._style_fills())

    def rows(self, name: str, formulas: bool = False) -> SheetRows:
        """The sheet's rows streamed: (row number, [(column, value, style index), …]) in file order,
        only the cells the file holds. `formulas`: a formula cell gives '=' + its formula (as
        openpyxl with data_only=False) instead of its cached value. The merged ranges are in
        `.merged` once the rows are read."""
        if name not in self._parts:
            raise KeyError(name)
        part = self._parts[name]
        return SheetRows(self._text(part), lambda: self._shared_strings(), lambda why, **cell: self._bad(part, why, **cell),
                         self.limits, formulas)

    def _bad(self, part: str, why: str, row: int | None = None, column: str | None = None, value: object = None):
        if row is not None and column is not None:  # a cell's value no spreadsheet writes
            raise XlsxError(self.path, f"{part}, cell {column}{row}: {why}", row=row, column=column, value=value)
        raise XlsxError(self.path, f"not an XLSX workbook (malformed XML in {part}: {why})")


def read_cells(path: str | Path, limits: Limits = WORKBOOK_LIMITS) -> Workbook:
    """Open an XLSX file; read its sheets with `.sheet(name)`. Use as a context manager or close()."""
    return Workbook(path, limits)


# -- helpers ---------------------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _resolve(folder: str, target: str) -> str:
    """A relationship target as a zip member name: absolute from the package root, else relative."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _text_of(si: ET.Element) -> str:
    """A shared or inline string: its <t> and every rich-text run's <t>; phonetic runs left out."""
    parts = []
    for child in si:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            for t in child:
                if _local(t.tag) == "t":
                    parts.append(t.text or "")
    return "".join(parts)


def _fill_of(fill: ET.Element) -> str | None:
    for pattern in fill:
        if _local(pattern.tag) != "patternFill" or pattern.get("patternType") != "solid":
            return None
        for colour in pattern:
            if _local(colour.tag) == "fgColor":
                return _colour(colour)
        return "000000"  # openpyxl's default foreground colour
    return None


def _colour(el: ET.Element) -> str | None:
    if el.get("indexed") is not None:
        return f"indexed:{el.get('indexed')}"
    if el.get("theme") is not None:
        return f"theme:{el.get('theme')}"
    if el.get("auto") is not None:
        return None
    rgb = el.get("rgb", "00000000")
    return rgb[-6:].upper()


class _Unusual(Exception):
    """Shared strings the tokenizer leaves to ElementTree (comments, CDATA)."""


# Shared strings, tokenized: each <si> (or <si/>), its <t> texts, its phonetic runs (<rPh>) left out.
_SI = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>'
                 r"|<(?:[\w.-]+:)?si\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?si\s*>)", re.S)
_T = re.compile(r"<(?:[\w.-]+:)?t\b[^>]*?(?:/>|>([^<]*)</(?:[\w.-]+:)?t\s*>)")
_RPH = re.compile(r"<(?:[\w.-]+:)?rPh\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?rPh\s*>)", re.S)
_SST_TAGS = re.compile(r"(?:<\?xml[^>]*\?>|<(?:[\w.-]+:)?sst\b[^>]*>|</(?:[\w.-]+:)?sst\s*>|\s)+")
_DECLARED_ENCODING = re.compile(r"""\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")


def _check_zip_directory(path: Path) -> None:
    """Refuse a zip whose central directory is bigger than a workbook's (MAX_ZIP_MEMBERS,
    MAX_ZIP_DIRECTORY) before zipfile reads it: zipfile builds an object per member, so 4 million
    empty members would cost gigabytes. Read from the end-of-directory records (zip64 too); a
    file without them is left to zipfile, which says it is not a zip."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            tail_at = max(0, size - (65_535 + 22 + 20))
            fh.seek(tail_at)
            tail = fh.read()
            at = tail.rfind(b"PK\x05\x06")
            if at < 0 or len(tail) - at < 22:
                return
            _, _, _, _, members, directory, _, _ = struct.unpack("<4s4H2LH", tail[at:at + 22])
            locator = at - 20
            if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
                (record_at,) = struct.unpack("<Q", tail[locator + 8:locator + 16])
                if record_at < size:
                    fh.seek(record_at)
                    record = fh.read(56)
                    if len(record) == 56 and record[:4] == b"PK\x06\x06":
                        members, directory = struct.unpack("<QQ", record[32:48])
    except (OSError, struct.error):
        return
    if members > MAX_ZIP_MEMBERS or directory > MAX_ZIP_DIRECTORY:
        raise XlsxError(path, f"not an XLSX workbook: its zip directory lists {members:,} members in {directory:,} bytes, "
                              f"more than a workbook holds ({MAX_ZIP_MEMBERS:,} members)")


# Tokens of <sheetData>, for the namespace prefix the sheet uses ("" or e.g. "x:").
_SHEET_DATA = re.compile(r"<([\w.-]+:)?sheetData\b[^>]*?(/?)>")
_ATTR = re.compile(r"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(r"([A-Za-z]+)([0-9]+)")


@functools.lru_cache(maxsize=8)
def _patterns(p: str):
    p = re.escape(p)
    token = re.compile(
        # 1-2: a row's start tag: "row" and its attributes
        rf"<{p}(row)\b([^<>]*?)/?>"
        # 3-8: a cell in the common layout: "c", column letters (or none: the next column), style,
        # type, value or inline text
        rf'|<{p}(c)(?: r="([A-Z]+)[0-9]+")?(?: s="([0-9]+)")?(?: t="(\w+)")?\s*(?:/>|><{p}v>([^<]*)</{p}v></{p}c>'
        rf'|><{p}is><{p}t(?: xml:space="preserve")?>([^<]+)</{p}t></{p}is></{p}c>)'
        # 9-11: any other cell: "c", attributes, contents
        rf"|<{p}(c)\b([^<>]*?)(?:/>|>(.*?)</{p}c\s*>)"
        # a row's end tag, a comment: nothing to read
        rf"|</{p}row\s*>|<!--.*?-->"
        # 12: anything else but white space: not well-formed sheetData
        r"|(\S[^<]{0,40})",
        re.S,
    )
    v = re.compile(rf"<{p}v(?:\s[^>]*)?(?:/>|>([^<]*)</{p}v\s*>)")
    inline = re.compile(rf"<{p}is\b[^>]*?(?:/>|>(.*?)</{p}is\s*>)", re.S)
    phonetic = re.compile(rf"<{p}rPh\b[^>]*?(?:/>|>.*?</{p}rPh\s*>)", re.S)
    t = re.compile(rf"<{p}t\b[^>]*?(?:/>|>([^<]*)</{p}t\s*>)")
    end = re.compile(rf"</{p}worksheet\s*>\s*\Z")
    return token, v, inline, phonetic, t, end


_BAD_AMP = re.compile(r"&(?!(?:#[xX][0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);)")


_ENTITY = re.compile(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class _BadReference(ValueError):
    pass


def _entity(m: re.Match) -> str:
    name = m.group(1)
    if name[0] == "#":
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF):
            raise _BadReference(f"the character reference &{name[:20]}; is not an XML character")
        return chr(code)
    return _ENTITIES[name]


def _unescape(s: str) -> str:
    """XML character data as a parser gives it: line ends normalised, entities replaced."""
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in s:
        s = _ENTITY.sub(_entity, s)
    return s


def _attr_unescape(s: str) -> str:
    return _ENTITY.sub(_entity, s) if "&" in s else s


_COLUMNS: dict[str, int] = {}


def _column(letters: str) -> int:
    n = _COLUMNS.get(letters)
    if n is None:
        n = 0
        for ch in letters.upper():
            n = n * 26 + ord(ch) - 64
        _COLUMNS[letters] = n
    return n


# A number cell's <v>: xsd:double as spreadsheets write it (ASCII; Excel writes at most 17
# significant digits and an exponent), finite (D170). A longer text, a superscript digit or a
# value beyond a double's range is no spreadsheet's number: never a Python int of 5 000 digits.
MAX_NUMBER_CHARS = 40
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?\Z")
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")


def _number(text: str, fail=None) -> int | float:
    """The number of a cell's <v> (see MAX_NUMBER_CHARS); `_BadCell` for anything else."""
    if len(text) > MAX_NUMBER_CHARS or _NUMBER.match(text) is None:
        raise _BadCell(f"not a number a spreadsheet holds: {shown_value(text, 40)}", text)
    if _INTEGER.match(text):
        return int(text)
    value = float(text)
    if not math.isfinite(value):
        raise _BadCell(f"a number beyond the range of a spreadsheet's numbers: {shown_value(text, 40)}", text)
    return value


def _value(t: str | None, body: str | None, strings: list[str], prefix: str, fail):
    """A cell's value from its type and its contents (the text between <c …> and </c>)."""
    if body is None:
        return None
    _, v_pattern, inline, phonetic, t_pattern, _ = _patterns(prefix)
    if t == "inlineStr":
        m = inline.search(body)
        if m is None:
            return None
        inner = phonetic.sub("", m.group(1) or "")
        return "".join(_unescape(tm.group(1) or "") for tm in t_pattern.finditer(inner))
    m = v_pattern.search(body)
    return _typed(t, m.group(1) if m else None, strings, fail)


def _typed(t: str | None, raw: str | None, strings: list[str], fail):
    """The value of a cell of type t whose <v> holds raw."""
    if not raw or t == "inlineStr":  # openpyxl: an empty <v> is no value, an inline string is in <is>
        return None
    if t is None or t == "n":
        return _number(raw.strip())
    if t == "s":
        index = raw.strip()
        if index.isascii() and index.isdigit() and len(index) <= 10:
            table = strings() if callable(strings) else strings
            if int(index) < len(table):
                return table[int(index)]
        raise _BadCell(f"shared string {shown_value(raw, 20)} does not exist", raw)  # never -1: the last one
    if t == "b":
        if raw.strip() in ("0", "1"):
            return raw.strip() == "1"
        raise _BadCell(f"not a boolean: {shown_value(raw, 20)}", raw)
    if "&" in raw and _BAD_AMP.search(raw):
        fail(f"a stray '&' in {shown_value(raw)}")
    return _unescape(raw)  # str, e, d


class SheetRows:
    """A sheet's rows, streamed from its XML pieces: iterate for (row number, cells), where cells
    is [(column, value, style index), …], only the cells the file holds (a row without cells is
    not given). Row numbers come from the r attributes, or by counting when a writer omits them;
    a row or column beyond Excel's maximum (1 048 576 × 16 384) and a row's XML over
    `limits.max_row_chars` fail. After the iteration `merged` holds the merged ranges ("D1:E1")."""

    def __init__(self, pieces, strings, fail, limits: Limits, formulas: bool = False) -> None:
        self._pieces, self._strings, self._fail = iter(pieces), strings, fail
        self._limits, self._formulas = limits, formulas
        self.merged: list[str] = []  # the first MAX_MERGED_KEPT merged ranges …
        self.merged_count = 0  # … and how many there are

    def _more(self) -> str | None:
        return next(self._pieces, None)

    def __iter__(self):
        fail, limits = self._fail, self._limits
        buf = ""
        while True:  # up to <sheetData>
            m = _SHEET_DATA.search(buf)
            if m is not None:
                break
            piece = self._more()
            if piece is None:
                fail("no <sheetData>")
            buf = buf[-64:] + piece if len(buf) > limits.max_row_chars else buf + piece
        prefix = m.group(1) or ""
        buf = buf[m.end():]
        if not m.group(2):
            end_marker, row_start = f"</{prefix}sheetData", f"<{prefix}row"
            state = _RowState(prefix, self._strings, fail, self._formulas)
            while True:
                e = buf.find(end_marker)
                if e >= 0:
                    yield from state.feed(buf[:e])
                    buf = buf[e:]
                    break
                cut = buf.rfind(row_start)
                if cut > 0:
                    yield from state.feed(buf[:cut])
                    buf = buf[cut:]
                piece = self._more()
                if piece is None:
                    fail("<sheetData> is not closed (the sheet is cut short)")
                if len(buf) > limits.max_row_chars:
                    fail(f"a row of over {limits.max_row_chars:,} characters of XML, the limit")
                buf += piece
            yield from state.finish()
        self._tail(buf, prefix)

    def _tail(self, buf: str, prefix: str) -> None:
        """The XML after the cells: merged ranges, and the end tag (a truncated part fails)."""
        limit = max(self._limits.max_row_chars, 1 << 20)
        last = ""  # the end of the text up to its last '>'
        while True:
            cut = buf.rfind(">") + 1
            if cut:
                found = _MERGED.findall(buf, 0, cut)
                self.merged_count += len(found)
                if len(self.merged) < MAX_MERGED_KEPT:
                    self.merged += found[: MAX_MERGED_KEPT - len(self.merged)]
                last = buf[max(0, cut - 256):cut]
            buf = buf[cut:]
            piece = self._more()
            if piece is None:
                break
            if len(buf) > limit:
                self._fail(f"an XML tag of over {limit:,} characters after the cells")
            buf += piece
        if _patterns(prefix)[5].search(last + buf) is None:
            self._fail(f"the file does not end with </{prefix}worksheet> (truncated?)")


_MERGED = re.compile(r"<(?:[\w.-]+:)?mergeCell\s+ref=\"([A-Z]+\d+:[A-Z]+\d+)\"")


class _RowState:
    """The tokenizer's state across pieces of <sheetData>: the current row and its cells."""

    def __init__(self, prefix: str, strings, fail, formulas: bool) -> None:
        self.prefix, self.load_strings, self.fail, self.formulas = prefix, strings, fail, formulas
        self.table: list[str] | None = None  # the shared strings, read when a cell first needs them
        self.token = _patterns(prefix)[0]
        self.number = 0  # the current row's number (0: before the first row)
        self.cells: list[tuple] = []
        self.f = re.compile(rf"<{re.escape(prefix)}f\b[^>]*?(?:/>|>([^<]*)</{re.escape(prefix)}f\s*>)")

    def strings(self) -> list[str]:
        if self.table is None:
            self.table = self.load_strings()
        return self.table

    def finish(self):
        if len(self.cells) > EXCEL_MAX_COLUMNS:  # one row holds one cell per column at most
            self.fail(f"row {self.number:,} holds {len(self.cells):,} cells, more than Excel's {EXCEL_MAX_COLUMNS:,} "
                      "columns")
        if self.cells and self.number >= 1:
            yield self.number, self.cells
        self.cells = []

    def feed(self, text: str):
        """Tokenize a stretch of complete rows; yields every row finished in it."""
        strings, fail, columns = self.strings, self.fail, _COLUMNS
        col = self.cells[-1][0] if self.cells else 0
        add = self.cells.append
        row_number = _ROW_NUMBER.match
        try:
            tokens = self.token.findall(text)
        except RecursionError:  # pragma: no cover - the regex engine is not recursive
            fail("unreadable sheet XML")
        # findall gives "" for a group that did not take part; "" and a missing value mean the same.
        unusual: list[str] = []  # cells in another layout: checked by one expat pass per piece
        for is_row, row_attrs, fast, letters, s, t, raw, inline, is_cell, attrs, body, junk in tokens:
            try:
                if fast:  # a cell in the common layout
                    col = (columns.get(letters) or _column(letters)) if letters else col + 1
                    if inline:
                        if "&" in inline or "\r" in inline:
                            if _BAD_AMP.search(inline):
                                fail(f"a stray '&' in {inline[:80]!r}")
                            inline = _unescape(inline)
                        v = inline if t == "inlineStr" else None
                    elif not t:
                        v = (int(raw) if raw.isdigit() and raw.isascii() and len(raw) < 16 else _number(raw.strip())
                             ) if raw else None
                    elif t == "s":
                        table = self.table if self.table is not None else strings()
                        k = int(raw) if raw.isdigit() and raw.isascii() and len(raw) < 10 else -1
                        v = table[k] if 0 <= k < len(table) else _typed(t, raw, strings, fail)
                    else:
                        v = _typed(t, raw, strings, fail)
                elif is_row:
                    yield from self.finish()
                    add = self.cells.append
                    col = 0
                    rm = row_number(row_attrs)
                    r = rm.group(1) if rm is not None else _attrs(row_attrs).get("r")
                    if r is not None:
                        try:
                            number = int(r) if r.isascii() and r.isdigit() and len(r) < 16 else int(_number(r.strip()))
                        except (_BadCell, ValueError, OverflowError):
                            fail(f"row number {shown_value(r, 40)}")
                    else:
                        number = self.number + 1
                    if not 1 <= number <= EXCEL_MAX_ROWS:
                        fail(f"row number {number:,} is outside Excel's rows 1 … {EXCEL_MAX_ROWS:,}")
                    self.number = number
                    continue
                elif is_cell:  # any other cell
                    unusual.append(f"<c{attrs}>{body}</c>")
                    a = _attrs(attrs)
                    ref = a.get("r")
                    ref_m = _REF.fullmatch(ref) if ref else None
                    col = _column(ref_m.group(1)) if ref_m is not None else col + 1
                    s, t = a.get("s", ""), a.get("t")
                    f = self.f.search(body) if self.formulas and body else None
                    if f is not None:
                        v = "=" + _unescape(f.group(1) or "")
                    else:
                        v = _value(t, body, strings, self.prefix, fail)
                elif junk:
                    fail(f"unexpected {junk!r}")
                else:  # a row's end tag, a comment
                    continue
            except _BadReference as exc:
                fail(str(exc))
            except _BadCell as exc:
                fail(exc.why, row=self.number, column=column_letters(min(col, EXCEL_MAX_COLUMNS + 1)), value=exc.value)
            if col > EXCEL_MAX_COLUMNS:
                fail(f"a cell in column {column_letters(col)}, beyond Excel's last column XFD ({EXCEL_MAX_COLUMNS:,})")
            add((col, v, s))
        if unusual:
            try:
                expat.ParserCreate().Parse("<cells>" + "".join(unusual) + "</cells>", True)
            except expat.ExpatError:
                for fragment in unusual:  # the failure path: name the cell
                    _check_xml(fragment, fail)
                fail("malformed cells")


def column_letters(n: int) -> str:
    """A spreadsheet column's letters from its 1-based number: 1 → 'A', 27 → 'AA', 16384 → 'XFD'."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _collect_rows(rows: SheetRows, limits: Limits, fail) -> tuple[list[tuple], list[tuple]]:
    """Every row of a sheet: (values, style indexes), row i + 1 at index i (see the module
    docstring). Memory follows the cells the file holds: the empty slots a sparse sheet needs
    (row gaps, cells far apart) may not exceed the cells themselves by much, else it fails."""
    values: list[tuple] = []
    styles: list[tuple] = []
    cells = padding = 0
    for number, row in rows:
        if number > len(values):
            padding += number - 1 - len(values)
            values.extend(() for _ in range(number - 1 - len(values)))
            styles.extend(() for _ in range(number - 1 - len(styles)))
        elif values[number - 1]:  # a second row with the same number: openpyxl keeps the first
            continue
        cols, vals, sts = zip(*row)
        width = max(cols)
        cells += len(row)
        if len(values) > limits.max_rows:
            fail(f"over {limits.max_rows:,} rows, the limit for this file")
        if len(cols) == width and cols[-1] == width:  # every cell present, in order
            value_row, style_row = vals, sts
        else:
            padding += width - len(row)
            if padding > 4 * cells + 1_000_000:
                fail(f"cells far apart (row {number:,}, column {column_letters(width)}): the sheet would be mostly empty space")
            lv: list = [None] * width
            ls: list = [None] * width
            for c, v, s in row:
                if c >= 1:
                    lv[c - 1], ls[c - 1] = v, s
            value_row, style_row = tuple(lv), tuple(ls)
        if number > len(values):
            values.append(value_row)
            styles.append(style_row)
        else:
            values[number - 1], styles[number - 1] = value_row, style_row
    return values, styles


_ROW_NUMBER = re.compile(r'\s+r="([0-9]+)"')


def _check_xml(fragment: str, fail) -> None:
    """Fail unless the fragment is well-formed XML (namespace prefixes are not checked)."""
    try:
        expat.ParserCreate().Parse(fragment, True)
    except expat.ExpatError as exc:
        fail(f"{exc} in {fragment[:80]!r}")


def _attrs(text: str) -> dict[str, str]:
    return {k: _attr_unescape(v1 or v2) for k, v1, v2 in _ATTR.findall(text)}
