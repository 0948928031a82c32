"""One cell of an input table, as both products' readers see it: comparison keys, text cells,
column labels, field-count messages, the stray-BOM rule and numeric unit codes (the survey reader
and the ISU reader share these, so both take the same decisions: D6, D174)."""
from __future__ import annotations

import re
import unicodedata

from ..problems import Report
from .xlsx_cells import column_letters

ENHETSKOD = "enhetskod"  # the unit-code column of both products' inputs
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Comparison key of an answer or column name: NFC, trimmed, single spaces, case-folded."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def column_label(i: int) -> str:
    """'#5 (E)': a column's position (0-based i) and its spreadsheet letter, as problems name a
    column without a usable name (the survey and ISU readers)."""
    return f"#{i + 1} ({column_letters(i + 1)})"


STRAY_BOM = (
    "a stray byte order mark (BOM, U+FEFF) inside the file: were two files joined, or text pasted "
    "from another file? Remove it"
)


def has_stray_bom(text: str) -> bool:
    """True when a cell's text holds a byte order mark: never part of a value (a code, an
    arende_id), in either product's reader (D174)."""
    return "\ufeff" in text


def cell_text(value: object, report: Report, **where) -> str | None:
    """A cell as text, None when blank. Formulas (in XLSX: `xlsx=True` among `where`), non-text
    values and stray BOMs are errors, reported with `where` (row, enhetskod, column …)."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.startswith("=") and where.get("xlsx"):
            report.error("a formula where an answer is expected; enter the answer as text", **_w(where, value))
            return None
        if has_stray_bom(value):
            report.error(STRAY_BOM, **_w(where, value))
            value = value.replace("\ufeff", "")
        return value if value.strip() else None
    report.error(_not_text_message(value, where.get("column")), **_w(where, value))
    return None


def unit_code_number_message(value: int | float) -> str:
    """Why a number in the enhetskod column is an error (it is no kommunkod once zero-padded):
    the "lost leading zero" hint only where a zero can have been lost (1–999; D6)."""
    if float(value).is_integer() and 0 < value < 1000:
        return (
            f"enhetskod is a number ({value}), and a number loses the leading zero, but "
            f"{int(value):04d} is not a kommunkod either: check the code, and format the column as Text"
        )
    return f"enhetskod is a number ({value}) that is not a kommunkod: format the column as Text and enter the code as text"


def numeric_unit_code(value: object, codes) -> str | None:
    """A whole number whose 4-digit zero-padded form is one of `codes` (114 -> "0114", 2583 ->
    "2583"): what a spreadsheet makes of a code column (D6, both readers: D174). None for anything
    else (then checked as text, or an error)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not float(value).is_integer() or not 0 < value < 10000:
        return None
    kod = f"{int(value):04d}"
    return kod if kod in codes else None


class NumericCodes:
    """The rows whose enhetskod was a number read as its kommunkod (`numeric_unit_code`): one
    warning for all of them (D6), however many; memory bounded (the first rows, the last, a count)."""

    SHOWN = 5

    def __init__(self) -> None:
        self.count = 0
        self.first: list[int] = []
        self.last = 0
        self.contiguous = True

    def note(self, row: int) -> None:
        if self.count and row != self.last + 1:
            self.contiguous = False
        self.count += 1
        self.last = row
        if len(self.first) < self.SHOWN:
            self.first.append(row)

    def rows(self) -> str:
        if self.count == 1:
            return f"row {self.last}"
        if self.contiguous:
            return f"rows {self.first[0]}–{self.last}"
        return "rows " + ", ".join(map(str, self.first)) + (" …" if self.count > len(self.first) else "")

    def warning(self) -> str | None:
        """The warning's message, or None when no code was a number."""
        if not self.count:
            return None
        return (
            f"enhetskod is a number, not text, in {self.count} row(s) ({self.rows()}), as when a spreadsheet "
            "re-saves the file: each was read as the kommunkod with its leading zero (114 → 0114); format the "
            "column as Text to keep the codes as typed"
        )


def _not_text_message(value: object, column: str | None) -> str:
    import datetime

    if isinstance(value, bool):
        kind = "a TRUE/FALSE value"
    elif isinstance(value, (int, float)):
        if column == ENHETSKOD:
            return unit_code_number_message(value)
        kind = f"a number ({value})"
    elif isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        kind = f"a date or time ({value})"
    else:
        kind = f"a {type(value).__name__} value"
    return f"{kind} where text is expected; enter the answer as text (format the cell as Text)"


def _w(where: dict, value: object) -> dict:
    return {k: v for k, v in where.items() if k != "xlsx"} | {"value": value}


def field_count_message(cells: list, width: int, delimiter: str | None, last: bool) -> str:
    """Why a CSV row has another number of fields than the header (mixed delimiters, a cut file)."""
    n = len(cells)
    msg = f"the row has {n} field{'s' if n != 1 else ''} but the header has {width}"
    other = {",": ";", ";": ","}.get(delimiter or "")
    if other and n < width and sum(str(c).count(other) for c in cells) + n >= width:
        return msg + f": the row is separated by {other!r} but the header by {delimiter!r} (mixed delimiters)"
    if last and n < width:
        return msg + ": the last row is cut short; is the file truncated?"
    return msg + " (a stray delimiter, or mixed ',' and ';')"


# The columns that mark each product's input, to say in one line which commands a file given to
# the other product belongs to (instead of a hundred "column missing" lines).
PRODUCT_INPUTS = {
    "survey": ("survey responses", "the survey commands (`ojexcel build`, `ojexcel kommun`)", ("besvarat_vinr",)),
    "isu": ("ISU ärende records", "the ISU commands (`ojexcel isu build|kommun|kolada`)",
            ("arende_id", "datum_aktualisering")),
}


def other_product(header: list[object], product: str) -> str | None:
    """The one-line reason why `header` is the input of the other product, or None."""
    names = {normalize(c.replace("\ufeff", "")) for c in header if isinstance(c, str)}
    for other, (what, commands, markers) in PRODUCT_INPUTS.items():
        if other != product and all(m in names for m in markers):
            return (f"this file looks like {what} (it has the column{'s' if len(markers) > 1 else ''} "
                    f"{', '.join(markers)}), not {PRODUCT_INPUTS[product][0]}: give it to {commands}")
    return None
