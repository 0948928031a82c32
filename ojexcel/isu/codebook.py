"""The ISU codebook as data: Bilaga 2's variables (`variabler.csv`, packaged beside this module).

Columns: kolumn (the input column), suv_nr (Bilaga 2's number; empty for this contract's addition
`samverkan_forekommit`), fas (aktualisering, fore, under, avslut, brukarenkat), typ (enval, flerval,
datum, heltal, fritext), fraga (the question) and svar (the labels, `|`-separated, in Bilaga 2's
order: an answer's number is its 1-based position).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..problems import OjexcelError

FASER = ("aktualisering", "fore", "under", "avslut", "brukarenkat")
TYPER = ("enval", "flerval", "datum", "heltal", "fritext")

# Required columns (CONTRACT §1); `enhetskod` stands for Bilaga 2's "Kommun/stadsdel".
ARENDE_ID = "arende_id"
ENHETSKOD = "enhetskod"
DATUM_AKTUALISERING = "datum_aktualisering"
REQUIRED = (ARENDE_ID, ENHETSKOD, DATUM_AKTUALISERING)


class CodebookError(OjexcelError):
    """The packaged codebook is malformed (a packaging fault, not bad input)."""


@dataclass(frozen=True)
class Variable:
    kolumn: str
    suv_nr: int | None
    fas: str
    typ: str
    fraga: str
    svar: tuple[str, ...]  # labels in Bilaga 2 order; empty for datum/heltal/fritext

    @property
    def is_choice(self) -> bool:
        """An answer chosen from labels (enval or flerval)."""
        return self.typ in ("enval", "flerval")

    def nummer(self, label: str) -> int:
        """The label's 1-based number (Bilaga 2's numbering)."""
        return self.svar.index(label) + 1


@dataclass(frozen=True)
class Codebook:
    variabler: tuple[Variable, ...]  # in codebook order (the tidy export's table order)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_kolumn", {v.kolumn: v for v in self.variabler})

    def __getitem__(self, kolumn: str) -> Variable:
        return self.by_kolumn[kolumn]  # type: ignore[attr-defined]

    def __contains__(self, kolumn: str) -> bool:
        return kolumn in self.by_kolumn  # type: ignore[attr-defined]

    def of_type(self, *typer: str) -> tuple[Variable, ...]:
        return tuple(v for v in self.variabler if v.typ in typer)

    @property
    def kolumner(self) -> tuple[str, ...]:
        """Every input column the codebook knows: the required ones first, then the variables."""
        return REQUIRED[:2] + tuple(v.kolumn for v in self.variabler)


def parse_codebook(text: str) -> Codebook:
    out: list[Variable] = []
    seen: set[str] = set()
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        kolumn = row["kolumn"].strip()
        if not kolumn or kolumn in seen:
            raise CodebookError(f"variabler.csv row {n}: blank or repeated kolumn {kolumn!r}")
        seen.add(kolumn)
        if row["fas"] not in FASER or row["typ"] not in TYPER:
            raise CodebookError(f"variabler.csv row {n}: unknown fas {row['fas']!r} or typ {row['typ']!r}")
        svar = tuple(s.strip() for s in row["svar"].split("|")) if row["svar"].strip() else ()
        if (row["typ"] in ("enval", "flerval")) != bool(svar) or len(set(svar)) != len(svar):
            raise CodebookError(f"variabler.csv row {n}: {kolumn} has labels {svar!r} for typ {row['typ']}")
        if row["typ"] == "flerval" and len(svar) > 32:
            raise CodebookError(f"variabler.csv row {n}: {kolumn} has more than 32 labels")
        out.append(Variable(kolumn, int(row["suv_nr"]) if row["suv_nr"].strip() else None,
                            row["fas"], row["typ"], row["fraga"], svar))
    if DATUM_AKTUALISERING not in seen:
        raise CodebookError("variabler.csv: datum_aktualisering is missing")
    return Codebook(tuple(out))


@cache
def load_codebook() -> Codebook:
    text = resources.files("ojexcel.isu").joinpath("variabler.csv").read_text(encoding="utf-8")
    return parse_codebook(text)
