"""Review overrides (granskning): the statistician's documented changes to the raw answers.

The guide leaves some judgements to the statistician (an "Annan" assessment method must meet the
definition). `ojexcel build … --granskning FILE.csv` applies them before anything is computed:

    enhetskod,kolumn,nytt_varde,motivering
    0114,V1_annan,Nej,"Den angivna metoden är ingen strukturerad bedömningsmetod"

- `enhetskod` — a unit that has a row in the response file. An override changes an answer that
  was given; a unit without a row is refused (to add a unit, add its row to the response file).
- `kolumn` — a codebook column, or `besvarat_vinr`.
- `nytt_varde` — validated like input: a label or its full survey text, any case; free text for a
  free-text column; **blank removes the answer**.
- `motivering` — required: why. Every override is listed on the workbook's "Granskning" sheet
  with the raw file's value, the new value and this reason.

The file is read like a response file (CSV or XLSX, encodings, delimiters) and every problem is
reported with file, row, enhetskod, column and value; a (enhetskod, kolumn) may appear once.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..io.cells import ENHETSKOD, cell_text, normalize
from ..io.tables import SURVEY_LIMITS, open_table
from ..population import Population
from ..problems import Problem, Report
from .codebook import PART_VINR, Codebook
from .reader import (
    BESVARAT_VINR,
    YES_NO,
    ResponseRow,
    Responses,
    close_match,
    suggest_label,
    unit_code_problem,
)

KOLUMN = "kolumn"
NYTT_VARDE = "nytt_varde"
MOTIVERING = "motivering"
HEADER = (ENHETSKOD, KOLUMN, NYTT_VARDE, MOTIVERING)


@dataclass(frozen=True)
class Granskning:
    """One override: the raw file's value (`gammalt`) replaced by `nytt` (None = no answer)."""

    enhetskod: str
    kolumn: str
    gammalt: str | None
    nytt: str | None
    motivering: str
    rad: int  # row in the overrides file (header = 1)
    fil: str


def read_granskning(path: str | os.PathLike, responses: Responses, codebook: Codebook,
                    population: Population) -> tuple[tuple[Granskning, ...], Responses, list[Problem]]:
    """Read and validate an overrides file against the responses it changes: (the overrides in
    file order, the responses with them applied, warnings). Raises InputError listing every problem."""
    path = Path(path)
    report = Report(file=str(path))
    with open_table(path, report, SURVEY_LIMITS) as opened:
        xlsx, header = opened.xlsx, opened.header
        index = _map_header(header, report)
        if index is None:
            report.raise_if_errors()
        out, seen = _read_rows(opened.rows(), header, index, xlsx, responses, codebook, population, report, str(path))
    if not seen:
        report.warn("the file has a header only: no overrides")

    report.raise_if_errors()
    reviewed = apply_granskning(responses, out)
    _warn_not_asked(out, reviewed, codebook, report)
    return tuple(out), reviewed, report.warnings


def _read_rows(rows, header, index, xlsx, responses, codebook, population, report, path) -> tuple[list[Granskning], int]:
    """The valid overrides of the streamed rows (problems on `report`), and how many rows there were."""
    count = 0
    columns = {normalize(c): c for c in (BESVARAT_VINR, *(q.column for q in codebook.questions))}
    seen: dict[tuple[str, str], int] = {}
    out: list[Granskning] = []
    for n, cells in rows:
        count += 1
        cells = list(cells) + [None] * (len(header) - len(cells))

        def cell(col: str, kod: str | None = None, column: str | None = None) -> str | None:
            return cell_text(cells[index[col]], report, xlsx=xlsx, row=n, enhetskod=kod, column=column or col)

        kod = (cell(ENHETSKOD) or "").strip()
        raw_kolumn = (cell(KOLUMN, kod) or "").strip()
        if not kod:
            report.error("enhetskod is blank", row=n, column=ENHETSKOD)
            continue
        problem = unit_code_problem(kod, population)
        if problem is not None:
            report.error(problem, row=n, enhetskod=kod, column=ENHETSKOD, value=kod)
            continue
        kolumn = columns.get(normalize(raw_kolumn)) if raw_kolumn else None
        if kolumn is None:
            close = close_match(raw_kolumn, tuple(columns.values()), 0.8)
            hint = f"; did you mean {close!r}?" if close else ""
            report.error(
                ("kolumn is blank" if not raw_kolumn else "unknown kolumn: not a codebook column or besvarat_vinr")
                + hint,
                row=n, enhetskod=kod, column=KOLUMN, value=raw_kolumn or None,
            )
            continue
        raw_value = cell(NYTT_VARDE, kod, column=NYTT_VARDE)
        nytt, ok = _validate_value(raw_value, kolumn, codebook, report, row=n, enhetskod=kod)
        motivering = (cell(MOTIVERING, kod) or "").strip()
        if not motivering:
            report.error("motivering is blank: every override needs its reason", row=n, enhetskod=kod, column=MOTIVERING)
            ok = False
        if (kod, kolumn) in seen:
            report.error(
                f"a second override of {kolumn} for this unit (the first is in row {seen[(kod, kolumn)]})",
                row=n, enhetskod=kod, column=KOLUMN, value=kolumn,
            )
            continue
        seen[(kod, kolumn)] = n
        row = responses.rows.get(kod)
        if row is None:
            report.error(
                "the response file has no row for this unit, so there is no answer to change; "
                "to add a unit, add its row to the response file",
                row=n, enhetskod=kod, column=ENHETSKOD, value=kod,
            )
            continue
        if not ok:
            continue
        gammalt = _current(row, kolumn)
        if gammalt == nytt:
            report.warn("the new value equals the response file's value: the override changes nothing",
                        row=n, enhetskod=kod, column=kolumn, value=raw_value)
        out.append(Granskning(kod, kolumn, gammalt, nytt, motivering, n, path))
    return out, count


def _map_header(header: list[object], report: Report) -> dict[str, int] | None:
    index: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = normalize(str(raw).replace("\ufeff", "")) if raw is not None else ""
        if name in HEADER:
            if name in index:
                report.error(f"column {name} appears twice", row=1, column=name)
            index[name] = i
        elif name:
            report.warn("unknown column, ignored", row=1, column=str(raw).strip())
    for col in HEADER:
        if col not in index:
            report.error(f"required column missing; the header must be {','.join(HEADER)}", row=1, column=col)
    return None if report.errors else index


def _validate_value(raw: str | None, kolumn: str, codebook: Codebook, report: Report, **where) -> tuple[str | None, bool]:
    """(the canonical new value, valid?); blank = remove the answer."""
    if raw is None:
        return None, True
    if kolumn == BESVARAT_VINR:
        label = {normalize(a): a for a in YES_NO}.get(normalize(raw))
        if label is None:
            report.error("not a valid value for besvarat_vinr; expected Ja or Nej (or blank)",
                         column=NYTT_VARDE, value=raw, **where)
            return None, False
        return label, True
    q = codebook[kolumn]
    if q.free_text:
        return raw, True
    label = q.label_for(raw)
    if label is None:
        report.error(
            f"not a valid answer for {kolumn}; expected one of: {', '.join(q.answers)} (or blank to remove "
            "the answer)" + suggest_label(raw, q),
            column=NYTT_VARDE, value=raw, **where,
        )
        return None, False
    return label, True


def _current(row: ResponseRow, kolumn: str) -> str | None:
    if kolumn == BESVARAT_VINR:
        return "Ja" if row.besvarat_vinr else "Nej"
    return row.answers[kolumn]


def _warn_not_asked(overrides, changed: Responses, codebook: Codebook, report: Report) -> None:
    """Skip logic after the overrides (`changed`: the responses with them applied): a value that
    is not asked is ignored, as in input."""
    for g in overrides:
        if g.kolumn == BESVARAT_VINR:
            continue
        row = changed.rows[g.enhetskod]
        if codebook[g.kolumn].part == PART_VINR and not row.besvarat_vinr:
            report.warn(
                "the unit has not answered the VINR part (besvarat_vinr is not Ja), so this value is "
                "ignored: its VINR indicators stay bortfall (override besvarat_vinr too if that is wrong)",
                row=g.rad, enhetskod=g.enhetskod, column=g.kolumn, value=g.nytt,
            )
        cond = codebook[g.kolumn].asked_if
        if g.nytt is not None and cond is not None:
            parent = row.answers[cond.column]
            if parent is not None and parent != cond.value:
                report.warn(
                    f"after the overrides {g.kolumn} is not asked ({cond.column} is {parent!r}, asked only if "
                    f"{cond}), so the new value is ignored", row=g.rad, enhetskod=g.enhetskod, column=g.kolumn,
                    value=g.nytt,
                )
        for q in codebook.questions:
            if q.asked_if is not None and q.asked_if.column == g.kolumn and row.answers[q.column] is not None:
                if g.nytt is not None and g.nytt != q.asked_if.value:
                    report.warn(
                        f"after this override the follow-up {q.column} is not asked (asked only if {q.asked_if}), "
                        f"so its answer {row.answers[q.column]!r} is ignored",
                        row=g.rad, enhetskod=g.enhetskod, column=g.kolumn, value=g.nytt,
                    )


def apply_granskning(responses: Responses, overrides) -> Responses:
    """New Responses with the overrides applied (the input is not changed)."""
    rows = dict(responses.rows)
    for g in overrides:
        row = rows[g.enhetskod]
        if g.kolumn == BESVARAT_VINR:
            rows[g.enhetskod] = replace(row, besvarat_vinr=g.nytt == "Ja")
        else:
            rows[g.enhetskod] = replace(row, answers=row.answers | {g.kolumn: g.nytt})
    return Responses(source=responses.source, year=responses.year, rows=rows, warnings=list(responses.warnings))
