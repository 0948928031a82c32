"""Read and validate raw survey responses (CONTRACT §2, §6).

Input is CSV (UTF-8 with or without BOM; `,` or `;` detected) or XLSX (first sheet, header in
row 1); one row per unit that answered. Every problem in the file is collected and reported
together, each naming file, row (header = row 1), enhetskod, column and value.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from .codebook import Codebook, normalize
from .population import CITIES, Population
from .problems import Problem, Report

ENHETSKOD = "enhetskod"
ENHET = "enhet"
BESVARAT_VINR = "besvarat_vinr"
FIXED_COLUMNS = (ENHETSKOD, ENHET, BESVARAT_VINR)
REQUIRED_FIXED = (ENHETSKOD, BESVARAT_VINR)
YES_NO = ("Ja", "Nej")


@dataclass(frozen=True)
class ResponseRow:
    row: int  # spreadsheet row number (header = 1)
    enhetskod: str
    besvarat_vinr: bool
    answers: dict[str, str | None]  # column -> canonical label / free text; None = no answer


@dataclass
class Responses:
    source: str
    year: int
    rows: dict[str, ResponseRow]  # by enhetskod, in file order
    warnings: list[Problem] = field(default_factory=list)

    @property
    def answered_survey(self) -> int:
        return len(self.rows)

    @property
    def answered_vinr(self) -> int:
        return sum(r.besvarat_vinr for r in self.rows.values())


# -- reading tables -----------------------------------------------------------------------------

class _Unreadable(Exception):
    pass


def _decode(data: bytes, report: Report) -> str:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if b"\xc3" in data[: exc.start]:
            # Valid UTF-8 before, an invalid byte here: a damaged or mixed-encoding file.
            raise _Unreadable(
                f"not valid UTF-8: byte 0x{data[exc.start]:02X} on line {line} (the file mixes encodings)"
            ) from None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise _Unreadable("not UTF-8 text (and not Windows-1252 either)") from None
    report.warn(
        f"the file is not UTF-8 (first non-UTF-8 byte on line {line}); it was read as Windows-1252 "
        "(Latin-1). Save it as UTF-8 to silence this warning"
    )
    return text


def _detect_delimiter(first_line: str) -> str:
    """`,` or `;`: the one that splits the header into more fields (the header holds no quotes)."""
    counts = {d: len(next(csv.reader([first_line], delimiter=d))) for d in (",", ";")}
    return ";" if counts[";"] > counts[","] else ","


def _read_csv(path: Path, report: Report) -> list[tuple[int, list[object]]]:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Unreadable("binary data, not a CSV text file")
    text = _decode(data, report)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise _Unreadable("the file is empty")
    first_line = text.splitlines()[0]
    delimiter = _detect_delimiter(first_line)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        return [(n, row) for n, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise _Unreadable(f"malformed CSV near record {reader.line_num}: {exc}") from None


def _read_xlsx(path: Path, report: Report) -> list[tuple[int, list[object]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _Unreadable(f"not a readable XLSX workbook ({exc.__class__.__name__}: {exc})") from None
    try:
        sheets = wb.sheetnames
        if not sheets:
            raise _Unreadable("the workbook has no sheets")
        if len(sheets) > 1:
            report.warn(f"only the first sheet {sheets[0]!r} is read; ignored: {', '.join(map(repr, sheets[1:]))}")
        ws = wb[sheets[0]]
        rows = []
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            rows.append((n, list(values)))
        return rows
    finally:
        wb.close()


def read_table(path: Path, report: Report) -> list[tuple[int, list[object]]]:
    """(row number, cells) for every row of a CSV or XLSX file."""
    with open(path, "rb") as fh:
        magic = fh.read(4)
    suffix = path.suffix.lower()
    if magic.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        if not magic.startswith(b"PK"):
            raise _Unreadable("has an .xlsx name but is not an XLSX (zip) file")
        return _read_xlsx(path, report)
    if suffix in (".xls",) or magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Unreadable("old binary Excel (.xls) is not supported; save as .xlsx or UTF-8 CSV")
    return _read_csv(path, report)


# -- validating ---------------------------------------------------------------------------------

def _cell_text(value: object, report: Report, **where) -> str | None:
    """A cell as text, None when blank. Formulas and non-text values are errors."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.startswith("=") and where.get("xlsx"):
            report.error("a formula where an answer is expected; enter the answer as text", **_w(where, value))
            return None
        return value if value.strip() else None
    report.error(
        f"a {type(value).__name__} where text is expected; enter the answer as text",
        **_w(where, value),
    )
    return None


def _w(where: dict, value: object) -> dict:
    return {k: v for k, v in where.items() if k != "xlsx"} | {"value": value}


def _map_header(header: list[object], codebook: Codebook, report: Report) -> dict[str, int] | None:
    """Column name -> index. Reports missing, duplicate and nameless columns; warns on unknown ones."""
    known = {normalize(c): c for c in FIXED_COLUMNS} | {normalize(q.column): q.column for q in codebook.questions}
    index: dict[str, int] = {}
    ok = True
    for i, raw in enumerate(header):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if not isinstance(raw, str):
            report.error("a column name must be text", row=1, column=f"#{i + 1}", value=raw)
            ok = False
            continue
        name = known.get(normalize(raw))
        if name is None:
            report.warn("unknown column, ignored", row=1, column=raw.strip())
            continue
        if name in index:
            report.error(f"column {name} appears twice (columns #{index[name] + 1} and #{i + 1})", row=1, column=raw)
            ok = False
            continue
        index[name] = i
    for col in REQUIRED_FIXED + tuple(q.column for q in codebook.questions):
        if col not in index:
            report.error("required column missing", row=1, column=col)
            ok = False
    return index if ok else None


def _suggest_code(kod: str, population: Population) -> str:
    if kod.isdigit() and len(kod) < 4 and kod.zfill(4) in population.by_kod:
        return f"; did you mean {kod.zfill(4)} (kommunkod has 4 digits with its leading zero)?"
    return ""


def read_responses(path: str | os.PathLike, codebook: Codebook, population: Population) -> Responses:
    """Read and validate a response file. Raises InputError listing every problem."""
    path = Path(path)
    report = Report(file=str(path))
    try:
        table = read_table(path, report)
    except FileNotFoundError:
        report.error("no such file")
        report.raise_if_errors()
    except IsADirectoryError:
        report.error("is a directory, not a response file")
        report.raise_if_errors()
    except PermissionError:
        report.error("permission denied")
        report.raise_if_errors()
    except _Unreadable as exc:
        report.error(f"unreadable: {exc}")
        report.raise_if_errors()

    is_xlsx = path.suffix.lower() in (".xlsx", ".xlsm") or _is_zip(path)
    # Drop blank rows (common at the end of spreadsheets).
    table = [(n, cells) for n, cells in table if any(c is not None and str(c).strip() for c in cells)]
    if not table:
        report.error("the file is empty: no header row")
        report.raise_if_errors()
    header_row, header = table[0]
    if header_row != 1:
        report.error("the header must be in row 1 (row 1 is blank)", row=1)
        report.raise_if_errors()
    index = _map_header(header, codebook, report)
    if index is None:
        report.raise_if_errors()
    if len(table) == 1:
        report.error("no response rows: the file has a header only")
        report.raise_if_errors()

    width = len(header)
    rows: dict[str, ResponseRow] = {}
    first_seen: dict[str, int] = {}
    for n, cells in table[1:]:
        if not is_xlsx and len(cells) != width:
            report.error(
                f"the row has {len(cells)} fields but the header has {width} "
                "(a stray delimiter, or mixed ',' and ';')",
                row=n,
                value=None,
            )
            continue
        cells = cells + [None] * (width - len(cells))

        def cell(col: str, kod: str | None = None):
            return _cell_text(cells[index[col]], report, row=n, enhetskod=kod, column=col, xlsx=is_xlsx)

        kod_raw = cell(ENHETSKOD)
        kod = kod_raw.strip() if kod_raw else None
        if kod is None:
            report.error("enhetskod is blank", row=n, column=ENHETSKOD)
            continue
        if kod in CITIES:
            districts = population.districts_of(kod)
            report.error(
                f"{population.municipalities[kod]} answers per district only: use the district codes "
                f"{districts[0].kod} … {districts[-1].kod}, not the whole city",
                row=n, enhetskod=kod, column=ENHETSKOD, value=kod_raw,
            )
            continue
        if kod not in population.by_kod:
            report.error(
                "unknown enhetskod" + _suggest_code(kod, population),
                row=n, enhetskod=kod, column=ENHETSKOD, value=kod_raw,
            )
            continue
        if kod in first_seen:
            report.error(
                f"duplicate enhetskod: already given in row {first_seen[kod]}",
                row=n, enhetskod=kod, column=ENHETSKOD, value=kod_raw,
            )
            continue
        first_seen[kod] = n

        vinr_raw = cell(BESVARAT_VINR, kod)
        besvarat_vinr = False
        if vinr_raw is None:
            report.warn(
                "besvarat_vinr is blank: the VINR part counts as not answered (its indicators are bortfall)",
                row=n, enhetskod=kod, column=BESVARAT_VINR,
            )
        else:
            label = {normalize(a): a for a in YES_NO}.get(normalize(vinr_raw))
            if label is None:
                report.error("unknown answer; expected Ja or Nej", row=n, enhetskod=kod, column=BESVARAT_VINR, value=vinr_raw)
            besvarat_vinr = label == "Ja"

        answers: dict[str, str | None] = {}
        for q in codebook.questions:
            raw = cell(q.column, kod)
            if raw is None:
                answers[q.column] = None
            elif q.free_text:
                answers[q.column] = raw
            else:
                label = q.label_for(raw)
                if label is None:
                    report.error(
                        f"unknown answer; expected one of: {', '.join(q.answers)}",
                        row=n, enhetskod=kod, column=q.column, value=raw,
                    )
                answers[q.column] = label
        _warn_not_asked(answers, besvarat_vinr, codebook, report, n, kod)
        rows[kod] = ResponseRow(row=n, enhetskod=kod, besvarat_vinr=besvarat_vinr, answers=answers)

    report.raise_if_errors()
    return Responses(source=str(path), year=codebook.year, rows=rows, warnings=report.warnings)


def _warn_not_asked(answers, besvarat_vinr, codebook, report, n, kod) -> None:
    """Warn (CONTRACT §6) for answers the survey did not ask; they are ignored."""
    for q in codebook.questions:
        if q.asked_if is None or answers[q.column] is None:
            continue
        parent = answers[q.asked_if.column]
        if parent is not None and parent != q.asked_if.value:
            report.warn(
                f"answer given to a follow-up that was not asked ({q.asked_if.column} is {parent!r}, "
                f"asked only if {q.asked_if}); ignored",
                row=n, enhetskod=kod, column=q.column, value=answers[q.column],
            )
    if not besvarat_vinr:
        given = [q.column for q in codebook.questions if q.part == "V" and answers[q.column] is not None]
        if given:
            report.warn(
                f"besvarat_vinr is not Ja, so the {len(given)} VINR-part answers ({given[0]} …) are ignored",
                row=n, enhetskod=kod, column=BESVARAT_VINR,
            )


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False
