"""The codebook of one survey year: every raw column, its answer labels, aliases and skip logic.

An answer matches a label, or that label's full survey text (alias), compared case-insensitively
after trimming and collapsing whitespace (CONTRACT §2). `asked_if` is the survey's skip logic.

The codebook is the årgång's `codebook.csv` (columns as `codebook_2017.csv`):

    column,question,part,area,item,answers,aliases,asked_if

`codebook_from_rows` checks it row by row and reports every problem (a duplicate column, an
answer list that cannot be read, a follow-up whose condition names an unknown question or answer,
conditions that make a cycle), so `ojexcel arsgang check` lists them all at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..io.cells import normalize
from ..problems import Report

FREE_TEXT = "(fritext)"
PART_GENERAL = "G"
PART_VINR = "V"
PARTS = (PART_GENERAL, PART_VINR)
COLUMNS = ("column", "question", "part", "area", "item", "answers", "aliases", "asked_if")
# Columns of a response file that are not questions (survey/reader.py): no question may take them.
RESERVED = ("enhetskod", "enhet", "besvarat_vinr")

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Condition:
    """`column=value`: the follow-up is asked only when the parent answer is `value`."""

    column: str
    value: str

    def __str__(self) -> str:
        return f"{self.column}={self.value}"


@dataclass(frozen=True)
class Question:
    column: str
    question: str  # survey question number, e.g. 'G7a'
    part: str  # 'G' general part, 'V' the VINR part
    area: str
    item: str
    answers: tuple[str, ...]  # canonical labels; empty for free text
    aliases: tuple[tuple[str, str], ...]  # (full survey text, label)
    asked_if: Condition | None
    row: int = 0  # the row of codebook.csv (header = 1), for messages

    def __post_init__(self) -> None:
        labels = {normalize(label): label for label in self.answers}
        labels.update((normalize(text), label) for text, label in self.aliases)
        object.__setattr__(self, "_labels", labels)
        object.__setattr__(self, "_seen", {})  # raw text -> label: a file repeats a few spellings

    @property
    def free_text(self) -> bool:
        return not self.answers

    def label_for(self, raw: str) -> str | None:
        """The canonical label for a non-blank raw answer, or None when it matches nothing."""
        try:
            return self._seen[raw]
        except KeyError:
            label = self._seen[raw] = self._labels.get(normalize(raw))
            return label


@dataclass(frozen=True, eq=False)
class Codebook:
    year: int
    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_column", {q.column: q for q in self.questions})

    def __getitem__(self, column: str) -> Question:
        return self.by_column[column]

    def __contains__(self, column: str) -> bool:
        return column in self.by_column


def _parse_answers(text: str, report: Report, n: int, column: str) -> tuple[str, ...] | None:
    if text == FREE_TEXT:
        return ()
    if not text:
        report.error(f"no answers: write the labels separated by | (Ja|Nej), or {FREE_TEXT} for free text",
                     row=n, column="answers")
        return None
    labels = tuple(a.strip() for a in text.split("|"))
    ok = True
    if any(not a for a in labels):
        report.error(f"an empty label between | in the answers of {column}", row=n, column="answers", value=text)
        ok = False
    twice = sorted({a for a in labels if a and labels.count(a) > 1})
    for a in twice:
        report.error(f"the label {a!r} appears twice in the answers of {column}", row=n, column="answers", value=text)
        ok = False
    return labels if ok else None


def _parse_aliases(text: str, answers: tuple[str, ...], report: Report, n: int, column: str) -> tuple[tuple[str, str], ...]:
    """'Label=full text;Label=full text' -> ((full text, Label), ...). Full texts may hold commas."""
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        label, sep, full = part.partition("=")
        label, full = label.strip(), full.strip()
        if not sep or not full:
            report.error(f"an alias of {column} must be LABEL=full survey text", row=n, column="aliases", value=part)
        elif label not in answers:
            report.error(f"the alias names {label!r}, which is not one of the answers of {column} ({' | '.join(answers) or FREE_TEXT})",
                         row=n, column="aliases", value=part)
        else:
            out.append((full, label))
    return tuple(out)


def _parse_condition(text: str, report: Report, n: int, column: str) -> Condition | None:
    if not text:
        return None
    parent, sep, value = text.partition("=")
    if not sep or not parent.strip() or not value.strip():
        report.error(f"asked_if of {column} must be QUESTION=ANSWER (e.g. G7=Ja), or blank", row=n, column="asked_if", value=text)
        return None
    return Condition(parent.strip(), value.strip())


def codebook_from_rows(rows, year: int, report: Report) -> Codebook:
    """The codebook from the rows of `codebook.csv` (`arsgang_files.TableRow`), every problem
    reported on `report`. A row with an error is left out or loses its faulty part, so the
    catalogue can still be checked against the rest."""
    questions: list[Question] = []
    first_row: dict[str, int] = {}
    for r in rows:
        n, column = r.row, r["column"]
        if not column:
            report.error("the column name is blank", row=n, column="column")
            continue
        if _SPACE.search(column) or "=" in column or "|" in column:
            report.error("a column name has no spaces, = or |", row=n, column="column", value=column)
            continue
        if column in RESERVED:
            report.error(f"{column} is a column of every response file, not a question", row=n, column="column", value=column)
            continue
        if column in first_row:
            report.error(f"the column {column} appears twice (first in row {first_row[column]})", row=n, column="column", value=column)
            continue
        first_row[column] = n
        part = r["part"]
        if part not in PARTS:
            report.error(f"part must be {PART_GENERAL} (the general part) or {PART_VINR} (the part on våld i nära relationer)",
                         row=n, column="part", value=part)
            continue
        if not r["question"]:
            report.error(f"the question number of {column} is blank (e.g. G7a)", row=n, column="question")
        answers = _parse_answers(r["answers"], report, n, column)
        if answers is None:
            continue
        questions.append(
            Question(
                column=column,
                question=r["question"],
                part=part,
                area=r["area"],
                item=r["item"],
                answers=answers,
                aliases=_parse_aliases(r["aliases"], answers, report, n, column),
                asked_if=_parse_condition(r["asked_if"], report, n, column),
                row=n,
            )
        )
    by_column = {q.column: q for q in questions}
    checked: list[Question] = []
    for q in questions:
        cond = q.asked_if
        if cond is not None:
            parent = by_column.get(cond.column)
            where = dict(row=q.row, column="asked_if", value=str(cond))
            if parent is None:
                report.error(f"the follow-up {q.column} is asked if {cond.column}, which is not a question of the codebook", **where)
                q = _without_condition(q)
            elif parent.free_text:
                report.error(f"the follow-up {q.column} depends on {cond.column}, which is free text: a condition needs an answer label", **where)
                q = _without_condition(q)
            elif cond.value not in parent.answers:
                report.error(f"{cond.column} has no answer {cond.value!r} (its answers: {' | '.join(parent.answers)})", **where)
                q = _without_condition(q)
        checked.append(q)
    checked = _break_cycles(checked, report)
    if not checked and not report.errors:
        report.error("the codebook has no questions")
    return Codebook(year, tuple(checked))


def _without_condition(q: Question) -> Question:
    return Question(q.column, q.question, q.part, q.area, q.item, q.answers, q.aliases, None, q.row)


def _break_cycles(questions: list[Question], report: Report) -> list[Question]:
    """Conditions that lead back to their own question: each cycle reported once, and its
    questions kept without a condition (so that nothing downstream loops)."""
    by_column = {q.column: q for q in questions}
    in_cycle: set[str] = set()
    for q in questions:
        path, seen = [q.column], {q.column}
        cond = q.asked_if
        while cond is not None and cond.column in by_column:
            if cond.column in seen:
                cycle = path[path.index(cond.column):] + [cond.column]
                if not in_cycle & set(cycle):
                    first = by_column[cycle[0]]
                    report.error("asked_if makes a cycle: " + " → ".join(cycle)
                                 + " (a follow-up cannot depend, through its conditions, on itself)",
                                 row=first.row, column="asked_if", value=str(first.asked_if))
                in_cycle.update(cycle)
                break
            path.append(cond.column)
            seen.add(cond.column)
            cond = by_column[cond.column].asked_if
    return [(_without_condition(q) if q.column in in_cycle else q) for q in questions]
