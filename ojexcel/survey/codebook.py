"""The codebook of one survey year: every raw column, its answer labels, aliases and skip logic.

An answer matches a label, or that label's full survey text (alias), compared case-insensitively
after trimming and collapsing whitespace (CONTRACT §2). `asked_if` is the survey's skip logic.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..io.cells import normalize
from ..io.resources import KATALOG, read_csv_rows

FREE_TEXT = "(fritext)"
PART_GENERAL = "G"
PART_VINR = "V"

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


def _parse_aliases(text: str, answers: tuple[str, ...], column: str) -> tuple[tuple[str, str], ...]:
    """'Label=full text;Label=full text' -> ((full text, Label), ...). Full texts may hold commas."""
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        label, sep, full = part.partition("=")
        if not sep or label not in answers:
            raise ValueError(f"codebook: column {column}: alias {part!r} does not name one of {answers}")
        out.append((full, label))
    return tuple(out)


def _parse_condition(text: str, column: str) -> Condition | None:
    if not text.strip():
        return None
    parent, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"codebook: column {column}: asked_if {text!r} is not of the form COLUMN=VALUE")
    return Condition(parent.strip(), value.strip())


@cache
def load_codebook(year: int) -> Codebook:
    try:
        rows = read_csv_rows(KATALOG, f"codebook_{year}.csv")
    except FileNotFoundError:
        raise ValueError(f"no codebook for survey year {year}") from None
    questions = []
    for row in rows:
        answers = () if row["answers"] == FREE_TEXT else tuple(a.strip() for a in row["answers"].split("|"))
        questions.append(
            Question(
                column=row["column"],
                question=row["question"],
                part=row["part"],
                area=row["area"],
                item=row["item"],
                answers=answers,
                aliases=_parse_aliases(row["aliases"], answers, row["column"]),
                asked_if=_parse_condition(row["asked_if"], row["column"]),
            )
        )
    cb = Codebook(year, tuple(questions))
    for q in questions:
        if q.asked_if:
            parent = cb.by_column.get(q.asked_if.column)
            if parent is None or q.asked_if.value not in parent.answers:
                raise ValueError(f"codebook: column {q.column}: asked_if {q.asked_if} names no known answer")
    return cb
