"""`RadLista`: the compiled results (`IsuResultat`) held as a list of rows.

Two uses: a tidy export (CONTRACT isu §6) read back (`tidy.read_isu_tidy` returns one) — to render
it again, to compare runs, or in a notebook — and results built by hand in tests, independently of
the compile engine.

    resultat = RadLista.from_rows(rows, kalla="arenden.csv", minsta_antal=5, n=3070)

`from_rows` keeps the rows' order (give them in the tidy export's order) and rejects a repeated
key.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..problems import InputError, Problem
from .model import NIVAER, SAMTLIGA, Row

Key = tuple[str, str, str, str]  # (niva, kod, tabell, delgrupp)


class RowListError(InputError):
    """Rows that cannot be results: a repeated key, or a tidy file that does not follow §6. An
    `InputError` (every problem naming file, row, column and value), so commands report it as
    they report any bad input."""

    def __init__(self, problems: list[Problem] | str, *, file: str | None = None, row: int | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, file=file, row=row)]
        super().__init__(problems)


@dataclass
class RowList:
    """`IsuResultat` over a list of `Rad`, in the order given (the tidy export's order)."""

    rows: list[Row]
    kalla: str = ""
    period: tuple[_dt.date | None, _dt.date | None] = (None, None)
    minsta_antal: int = 5
    n: int = 0
    utanfor_period: int = 0
    warnings: list[Problem] = field(default_factory=list)
    utan_brus: bool = False  # a tidy export does not say; the caller may
    demo_key: bool = False
    syntetisk: bool = False  # a tidy export does not say whether its data were synthetic

    def __post_init__(self) -> None:
        # One dict per table (kategori -> Rad): lookups and the repeated-row check in one place.
        self._tables: dict[Key, dict[str, Row]] = {}
        enheter: dict[str, dict[str, None]] = {niva: {} for niva in NIVAER}
        tabeller: dict[str, None] = {}
        delgrupper: dict[str, None] = {"": None}
        last_key: Key | None = None
        table: dict[str, Row] = {}
        for i, rad in enumerate(self.rows):
            key = (rad.niva, rad.kod, rad.tabell, rad.delgrupp)
            if key != last_key:
                if rad.niva not in enheter:
                    raise RowListError([Problem("unknown niva", row=i + 1, column="niva", value=rad.niva)])
                table = self._tables.setdefault(key, {})
                last_key = key
                enheter[rad.niva].setdefault(rad.kod, None)
                tabeller.setdefault(rad.tabell, None)
                delgrupper.setdefault(rad.delgrupp, None)
            if rad.kategori in table:
                raise RowListError([Problem("occurs twice", row=i + 1, value="/".join(key + (rad.kategori,)))])
            table[rad.kategori] = rad
        self._enheter = {niva: tuple(kods) for niva, kods in enheter.items()}
        self._tabellnamn = tuple(tabeller)
        self._delgrupper = tuple(delgrupper)

    @classmethod
    def from_rows(cls, rows: Iterable[Row], *, kalla: str = "", period=(None, None), minsta_antal: int = 5,
                  n: int | None = None, utanfor_period: int = 0, warnings: list[Problem] | None = None,
                  utan_brus: bool = False) -> "RowList":
        """Results from rows in tidy order. `n` defaults to the samtliga `faser` table's
        `aktualiserade` count (None when it is masked or missing: then pass it). `utan_brus`: the
        rows are the truth (a tidy export does not say so; its name does, D155)."""
        lista = cls(list(rows), kalla=kalla, period=period, minsta_antal=minsta_antal, n=0,
                    utanfor_period=utanfor_period, warnings=list(warnings or []), utan_brus=utan_brus)
        if n is None:
            aktualiserade = [r.antal for r in lista.tabell(SAMTLIGA, "", "faser") if r.kategori == "aktualiserade"]
            n = aktualiserade[0] if aktualiserade and aktualiserade[0] is not None else 0
        lista.n = n
        return lista

    # -- IsuResultat -------------------------------------------------------------------------------

    def enheter(self, niva: str) -> tuple[str, ...]:
        return self._enheter.get(niva, ())

    def tabell(self, niva: str, kod: str, tabell: str, delgrupp: str = "") -> list[Row]:
        return list(self._tables.get((niva, kod, tabell, delgrupp), {}).values())

    def rader(self) -> Iterator[Row]:
        return iter(self.rows)

    def tabellnamn(self) -> tuple[str, ...]:
        return self._tabellnamn

    def delgrupper(self) -> tuple[str, ...]:
        return self._delgrupper

    def to_frame(self):
        """The rows as a pandas DataFrame (needs pandas; columns: `frames.py`)."""
        from .frames import rows_frame

        return rows_frame(self.rows)
