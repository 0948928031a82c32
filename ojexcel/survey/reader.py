"""Read and validate raw survey responses (CONTRACT §2, §6).

Input is CSV (UTF-8 with or without BOM; `,` or `;` detected) or XLSX (first sheet, header in
row 1); one row per unit that answered. Every problem in the file is collected and reported
together, each naming file, row (header = row 1), enhetskod, column and value.
"""
from __future__ import annotations

import difflib
import functools
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..io.cells import (
    ENHETSKOD,
    STRAY_BOM,
    NumericCodes,
    cell_text,
    column_label,
    field_count_message,
    has_stray_bom,
    normalize,
    numeric_unit_code,
    other_product,
)
from ..io.tables import SURVEY_LIMITS, open_table
from ..population import Population
from ..problems import InputError, Problem, Report
from .codebook import Codebook

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


# -- validating ---------------------------------------------------------------------------------

def _known_columns(codebook: Codebook) -> dict[str, str]:
    return {normalize(c): c for c in FIXED_COLUMNS} | {normalize(q.column): q.column for q in codebook.questions}


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.replace("\ufeff", "").strip())


def _map_header(header: list[object], codebook: Codebook, report: Report) -> dict[str, int] | None:
    """Column name -> index. Reports missing, duplicate and nameless columns; warns on unknown ones."""
    elsewhere = other_product(header, "survey")
    if elsewhere:
        report.error(elsewhere, row=1)
        return None
    known = _known_columns(codebook)
    index: dict[str, int] = {}
    unknown: list[str] = []
    ok = True
    for i, raw in enumerate(header):
        if _is_blank(raw):
            continue
        if not isinstance(raw, str):
            report.error("a column name must be text", row=1, column=column_label(i), value=raw)
            ok = False
            continue
        if has_stray_bom(raw):
            report.error(STRAY_BOM, row=1, column=column_label(i), value=raw)
            ok = False
            raw = raw.replace("\ufeff", "")
        name = known.get(normalize(raw))
        if name is None:
            report.warn("unknown column, ignored", row=1, column=raw.strip())
            unknown.append(raw.strip())
            continue
        if name in index:
            report.error(f"column {name} appears twice (columns #{index[name] + 1} and #{i + 1})", row=1, column=raw)
            ok = False
            continue
        index[name] = i
    for col in REQUIRED_FIXED + tuple(q.column for q in codebook.questions):
        if col not in index:
            close = difflib.get_close_matches(col, unknown, n=1, cutoff=0.65)
            hint = f"; the unknown column {close[0]!r} looks like a misspelling of it" if close else ""
            report.error("required column missing" + hint, row=1, column=col)
            ok = False
    return index if ok else None


def _not_a_header(table, codebook: Codebook, sheet_note: str, report: Report) -> bool:
    """True (and one clear error) when row 1 names none of the expected columns: not a response
    file, a title above the header, or the data on another sheet."""
    known = _known_columns(codebook)

    def names_columns(cells) -> int:
        return sum(isinstance(c, str) and normalize(c.replace("\ufeff", "")) in known for c in cells)

    n, header = table[0]
    if n != 1 or names_columns(header):
        return False
    later = next((m for m, cells in table[1:20] if names_columns(cells) >= 2), None)
    where = (
        f"; the header seems to be in row {later}: remove the rows above it" if later
        else "; is this a response file?"
    )
    first = next((c for c in header if not _is_blank(c)), None)
    report.error(
        f"row 1 is not the header: it names none of the expected columns ({ENHETSKOD}, {BESVARAT_VINR}, "
        f"{codebook.questions[0].column}, …){where}{sheet_note}",
        row=1, value=first,
    )
    return True


class _NamelessColumns:
    """A column without a name in row 1 that holds values (a merged header cell, a name deleted)
    would silently be ignored: an error naming the column and its first value, found as the rows
    stream by. `beyond_header`: also columns right of the header's last name (XLSX; in a CSV the
    field count catches those)."""

    def __init__(self, header: list[object], beyond_header: bool) -> None:
        self.width, self.beyond = len(header), beyond_header
        self.nameless = [i for i in range(len(header)) if _is_blank(header[i])]
        self.first: dict[int, tuple[int, object]] = {}

    def see(self, n: int, cells: list[object]) -> None:
        for i in self.nameless:
            if i < len(cells) and i not in self.first and not _is_blank(cells[i]):
                self.first[i] = (n, cells[i])
        if self.beyond and len(cells) > self.width:
            for i in range(self.width, len(cells)):
                if i not in self.first and not _is_blank(cells[i]):
                    self.first[i] = (n, cells[i])

    def report(self, report: Report) -> None:
        for i in sorted(self.first):
            n, value = self.first[i]
            report.error(
                f"the column has no name in row 1 but holds values (first in row {n}): a merged "
                "header cell, or a deleted column name? Every column needs its own name",
                row=1, column=column_label(i), value=value,
            )
        self.first.clear()


def suggest_label(raw: str, q) -> str:
    """'; did you mean …?' for a near miss of one of the question's labels or full texts."""
    candidates = {normalize(label): label for label in q.answers}
    candidates.update((normalize(text), text) for text, _ in q.aliases)
    close = close_match(normalize(raw), tuple(candidates), 0.85)
    return f"; did you mean {candidates[close]!r}?" if close else ""


@functools.lru_cache(maxsize=4096)
def close_match(word: str, candidates: tuple[str, ...], cutoff: float) -> str | None:
    """difflib's closest candidate (or None), remembered: a hostile file repeats the same miss in
    every row, and difflib costs milliseconds."""
    close = difflib.get_close_matches(word[:200], candidates, n=1, cutoff=cutoff)
    return close[0] if close else None


def _suggest_district(kod: str, population: Population) -> str:
    city = kod.partition("-")[0]
    if "-" in kod and city in population.cities:
        d = population.districts_of(city)
        return f"; the districts of {population.municipalities[city]} are {d[0].kod} … {d[-1].kod}"
    return ""


def unit_code_problem(kod: str, population: Population) -> str | None:
    """Why `kod` is not a unit of the population (with a hint), or None when it is one."""
    if kod in population.cities:
        districts = population.districts_of(kod)
        return (
            f"{population.municipalities[kod]} answers per district only: use the district codes "
            f"{districts[0].kod} … {districts[-1].kod}, not the whole city"
        )
    if kod not in population.by_kod:
        return "unknown enhetskod" + _suggest_code(kod, population) + _suggest_district(kod, population)
    return None


def _suggest_code(kod: str, population: Population) -> str:
    if kod.isdigit() and len(kod) < 4 and kod.zfill(4) in population.by_kod:
        return f"; did you mean {kod.zfill(4)} (kommunkod has 4 digits with its leading zero)?"
    return ""


def read_responses(path: str | os.PathLike, codebook: Codebook, population: Population) -> Responses:
    """Read and validate a response file. Raises InputError listing every problem."""
    path = Path(path)
    report = Report(file=str(path))
    with open_table(path, report, SURVEY_LIMITS) as opened:
        rows = _read_rows(opened, codebook, population, report)
    return Responses(source=str(path), year=codebook.year, rows=rows, warnings=report.warnings)


def _unless_damaged(stream, report: Report) -> None:
    """Before refusing a file for its first rows, read the rest: a damaged or cut-short file is
    refused for that alone (its first rows may be all that was left of it)."""
    try:
        for _ in stream:
            pass
    except InputError as exc:
        unreadable = [p for p in exc.problems if p.message.startswith("unreadable")]
        raise InputError(unreadable or exc.problems, exc.warnings) from None


def _with_last(items):
    """(item, is it the last?) for every item of a stream."""
    previous = next(items, None)
    for item in items:
        yield previous, False
        previous = item
    if previous is not None:
        yield previous, True


def _read_rows(opened, codebook: Codebook, population: Population, report: Report) -> dict[str, ResponseRow]:
    """The response rows of an opened table, streamed: only valid units are kept in memory."""
    is_xlsx, delimiter, header = opened.xlsx, opened.delimiter, opened.header
    stream = opened.rows()
    first = list(itertools.islice(stream, 19))
    sheet_note = ""
    if is_xlsx and any("only the first sheet" in p.message for p in report.warnings):
        sheet_note = " (only the workbook's first sheet is read)"
    if _not_a_header([(1, header), *first], codebook, sheet_note, report):
        _unless_damaged(stream, report)
        report.raise_if_errors()
    index = _map_header(header, codebook, report)
    nameless = _NamelessColumns(header, beyond_header=is_xlsx)
    data = itertools.chain(first, stream)
    if index is None:
        for n, cells in data:
            nameless.see(n, cells)
        nameless.report(report)
        report.raise_if_errors()

    width = len(header)
    rows: dict[str, ResponseRow] = {}
    first_seen: dict[str, int] = {}
    numeric = NumericCodes()  # XLSX rows whose enhetskod was a number (a re-saved file; D6)
    for (n, cells), last in _with_last(data):
        nameless.see(n, cells)
        if not is_xlsx and len(cells) != width:
            kod_at = index[ENHETSKOD]
            kod = cells[kod_at].strip() if kod_at < len(cells) and isinstance(cells[kod_at], str) else None
            report.error(
                field_count_message(cells, width, delimiter, last),
                row=n, enhetskod=kod if kod in population.by_kod else None,
            )
            continue
        cells = cells[:width] + [None] * (width - len(cells))
        raw_kod = cells[index[ENHETSKOD]]
        if isinstance(raw_kod, str) and normalize(raw_kod.replace("\ufeff", "")) == ENHETSKOD:
            report.error("the header row appears again here: were two files joined? Remove this row", row=n,
                         value=raw_kod)
            continue

        def cell(col: str, kod: str | None = None):
            return cell_text(cells[index[col]], report, row=n, enhetskod=kod, column=col, xlsx=is_xlsx)

        kod_raw = numeric_unit_code(raw_kod, population.by_kod) if is_xlsx else None
        if kod_raw is not None:
            numeric.note(n)
        else:
            kod_raw = cell(ENHETSKOD)
        kod = kod_raw.strip() if kod_raw else None
        if kod is None:
            if _is_blank(raw_kod):  # else: not text, already reported
                report.error("enhetskod is blank", row=n, column=ENHETSKOD)
            continue
        problem = unit_code_problem(kod, population)
        if problem is not None:
            report.error(problem, row=n, enhetskod=kod, column=ENHETSKOD, value=kod_raw)
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
                        f"unknown answer; expected one of: {', '.join(q.answers)}" + suggest_label(raw, q),
                        row=n, enhetskod=kod, column=q.column, value=raw,
                    )
                answers[q.column] = label
        _warn_not_asked(answers, besvarat_vinr, codebook, report, n, kod)
        rows[kod] = ResponseRow(row=n, enhetskod=kod, besvarat_vinr=besvarat_vinr, answers=answers)

    if numeric.count:
        report.warn(numeric.warning(), column=ENHETSKOD)
    nameless.report(report)
    if not first:
        report.error("no response rows: the file has a header only")
    report.raise_if_errors()
    return rows


def numeric_kod(value: object, population: Population) -> str | None:
    """`io.cells.numeric_unit_code` over the population's units (kept for callers of 0.1)."""
    return numeric_unit_code(value, population.by_kod)


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
