"""Test helper: a list-based `IsuResultat` (the compile engine's protocol) and builders of rows.

`enval_rader` builds one table's rows from label counts with a simple masking (a count 1..N-1
masked with its share; a base 1..N-1 masks everything) — enough to test renderers, which never
compute; the contract's full masking is the compile engine's, tested there.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterator

from ojexcel.isu.modell import NIVAER, Rad
from ojexcel.problems import Problem


def andel(antal: int, bas: int) -> int | None:
    return None if bas == 0 else (200 * antal + bas) // (2 * bas)


def enval_rader(niva: str, kod: str, tabell: str, counts: dict[str, int], saknas: int = 0,
                delgrupp: str = "", minsta: int = 5, flerval_bas: int | None = None) -> list[Rad]:
    """Label rows (+ uppgift_saknas). `flerval_bas`: the flerval base (ärenden with an answer)."""
    bas = flerval_bas if flerval_bas is not None else sum(counts.values())
    out = []
    bas_masked = 0 < bas < minsta
    if flerval_bas is not None:
        scope = bas + saknas
        m = bas_masked or 0 < scope < minsta
        out.append(_rad(niva, kod, tabell, delgrupp, "minst_ett_svar", bas, scope,
                        m or 0 < bas < minsta, m))
    for label, n in counts.items():
        small = 0 < n < minsta
        out.append(_rad(niva, kod, tabell, delgrupp, label, n, bas, small or bas_masked, bas_masked))
    scope = bas + saknas if flerval_bas is None else bas + saknas
    m = 0 < scope < minsta
    out.append(_rad(niva, kod, tabell, delgrupp, "uppgift_saknas", saknas, scope, m, m))
    return out


def _rad(niva, kod, tabell, delgrupp, kategori, antal, bas, mask_antal, mask_bas) -> Rad:
    maskerad = set()
    if mask_antal:
        maskerad |= {"antal", "andel"}
    if mask_bas:
        maskerad |= {"antal", "bas", "andel"}
    a = andel(antal, bas)
    return Rad(niva, kod, tabell, delgrupp, kategori,
               None if "antal" in maskerad else antal,
               None if "bas" in maskerad else bas,
               None if ("andel" in maskerad or a is None) else a,
               None, frozenset(f for f in maskerad if not (f == "andel" and a is None)))


def medel_rad(niva: str, kod: str, tabell: str, summa: int, bas: int, minsta: int = 5, delgrupp: str = "") -> Rad:
    t = (20 * summa + bas) // (2 * bas)
    if 0 < bas < minsta:
        return Rad(niva, kod, tabell, delgrupp, "medel", None, None, None, None,
                   frozenset({"antal", "bas", "medel"}))
    return Rad(niva, kod, tabell, delgrupp, "medel", summa, bas, None, f"{t // 10}.{t % 10}")


@dataclass
class RadLista:
    """`IsuResultat` over a list of rows (tidy order is the list's order)."""

    lista: list[Rad]
    kalla: str = "arenden.csv"
    period: tuple[dt.date | None, dt.date | None] = (None, None)
    minsta_antal: int = 5
    n: int = 0
    utanfor_period: int = 0
    warnings: list[Problem] = field(default_factory=list)

    def enheter(self, niva: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.kod for r in self.lista if r.niva == niva))

    def tabell(self, niva: str, kod: str, tabell: str, delgrupp: str = "") -> list[Rad]:
        return [r for r in self.lista if (r.niva, r.kod, r.tabell, r.delgrupp) == (niva, kod, tabell, delgrupp)]

    def rader(self) -> Iterator[Rad]:
        order = {n: i for i, n in enumerate(NIVAER)}
        return iter(sorted(self.lista, key=lambda r: order[r.niva]))

    def tabellnamn(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.tabell for r in self.lista))

    def delgrupper(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([""] + [r.delgrupp for r in self.lista]))
