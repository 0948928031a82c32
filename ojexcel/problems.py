"""Problems found in input: each names file, row, enhetskod, column and value (CONTRACT §6).

Readers collect every problem in a file before giving up, so a statistician sees them all in
one run; `InputError` carries the whole list.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    message: str
    file: str | None = None
    row: int | None = None  # spreadsheet row number: the header is row 1
    enhetskod: str | None = None
    column: str | None = None
    value: object = None
    severity: str = ERROR
    arende_id: str | None = None  # ISU: the ärende (terminal messages only, never an output file)

    def where(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.arende_id is not None:
            parts.append(f"arende_id {self.arende_id!r}")
        if self.enhetskod:
            parts.append(f"enhetskod {self.enhetskod}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        label = "error" if self.severity == ERROR else "warning"
        return f"{label}: {where}: {self.message}" if where else f"{label}: {self.message}"


class InputError(Exception):
    """Invalid input: one or more problems, all reported together. `warnings`: the warnings found
    on the way (shown beside the errors: a misspelt column is a warning *and* a missing column)."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | tuple[Problem, ...] = ()):
        self.problems = list(problems)
        self.warnings = list(warnings)
        super().__init__("\n".join(str(p) for p in self.problems))


class ReferenceDataError(Exception):
    """The packaged reference data (municipality_groups/) failed its start-up checks."""


@dataclass
class Report:
    """Collects problems while reading; raises them all at the end."""

    file: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def error(self, message: str, **where) -> None:
        self.problems.append(Problem(message, file=where.pop("file", self.file), **where))

    def warn(self, message: str, **where) -> None:
        self.problems.append(
            Problem(message, file=where.pop("file", self.file), severity=WARNING, **where)
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.errors, self.warnings)
