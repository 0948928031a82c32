"""A unit's own ISU report, as data: its tables beside its län and samtliga (issue 11, part 2).

`enhetsrapport(resultat, enhet)` selects from the compiled, masked tables (`IsuResultat`)
everything the report shows; the renderers (`kommun_report_html`, `kommun_report_xlsx`) lay it
out and compute nothing.

- Which tables, in which chapters and under which titles is data: `enhetsrapport_tabeller.csv`
  (kapitel, the report's diagram number, tabell, delgrupp, rubrik), in the order shown.
- Levels (`Niva`), in column order: the unit (kommun or stadsdel), for a stadsdel its city
  (niva `kommun`), its län, samtliga. A city (0180) is the kommun level: its own registrations and
  its districts' together.
- Every cell is a `Rad` of the results as it is — masked values stay masked (a small kommun sees
  symbols, not counts). Categories follow the samtliga table's order (every unit's table has the
  same categories, §4); a level whose table is not written (empty scope) has no cells.
- `avvikelser`: the unit's largest differences in `andel` from samtliga, named in the report's
  text. Only rows where both shares are shown (never a masked cell), not `uppgift_saknas` rows,
  only tables of all ärenden (delgrupp empty), and only where the unit's base is at least
  `MIN_BAS_AVVIKELSE` ärenden (a difference on a handful of ärenden is noise); one per table (its
  largest: a Ja/Nej table would otherwise be named twice, mirrored); at most `MAX_AVVIKELSER`,
  largest absolute difference first, ties in table order; differences under `MIN_SKILLNAD`
  percentage points are not named.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..population import Population
from .model import KOMMUN, LAN, SAMTLIGA, STADSDEL, IsuResultat, Rad

TABELLER_CSV = "enhetsrapport_tabeller.csv"
UPPGIFT_SAKNAS = "uppgift_saknas"
MEDEL = "medel"
MAX_AVVIKELSER = 5
MIN_BAS_AVVIKELSE = 20
MIN_SKILLNAD = 5  # percentage points


class EnhetUtanArenden(LookupError):
    """The unit asked for has no ärenden in the input."""


@dataclass(frozen=True)
class Tabellval:
    kapitel: str
    diagram: str  # the SKR report's diagram number, or ''
    tabell: str
    delgrupp: str
    rubrik: str


@cache
def tabellval() -> tuple[Tabellval, ...]:
    text = resources.files("ojexcel.isu").joinpath(TABELLER_CSV).read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        out.append(Tabellval(row["kapitel"], row["diagram"], row["tabell"], row["delgrupp"], row["rubrik"]))
    return tuple(out)


@dataclass(frozen=True)
class Niva:
    niva: str  # samtliga, lan, kommun, stadsdel
    kod: str
    namn: str


@dataclass(frozen=True)
class Jamforelserad:
    kategori: str
    celler: tuple[Rad | None, ...]  # one per level; None: the level has no such row


@dataclass(frozen=True)
class Tabell:
    val: Tabellval
    rader: tuple[Jamforelserad, ...]

    @property
    def medel(self) -> bool:
        return all(r.kategori == MEDEL for r in self.rader)

    @property
    def nyckel(self) -> str:
        return f"{self.val.tabell}|{self.val.delgrupp}"


@dataclass(frozen=True)
class Kapitel:
    namn: str
    tabeller: tuple[Tabell, ...]


@dataclass(frozen=True)
class Avvikelse:
    tabell: Tabell
    kategori: str
    enhet: int  # the unit's andel
    samtliga: int  # samtliga's andel

    @property
    def skillnad(self) -> int:
        return self.enhet - self.samtliga


@dataclass(frozen=True)
class Enhetsrapport:
    kalla: str
    period: tuple
    minsta_antal: int
    enhet: Niva
    stad_namn: str | None  # a stadsdel's city
    nivaer: tuple[Niva, ...]  # the unit first, samtliga last
    kapitel: tuple[Kapitel, ...]
    toppgrupp: Jamforelserad | None  # the toppgrupp share (kategori Ja), if written
    arenden: Jamforelserad | None  # faser: aktualiserade
    avslutade: Jamforelserad | None  # faser: avslutade
    avvikelser: tuple[Avvikelse, ...]

    @property
    def tabeller(self) -> tuple[Tabell, ...]:
        return tuple(t for k in self.kapitel for t in k.tabeller)


def nivaer_for(population: Population, niva: str, kod: str) -> tuple[tuple[Niva, ...], str | None]:
    """The levels of a report on (niva, kod): unit, [its city], län, samtliga."""
    if niva == STADSDEL:
        unit = population.unit(kod)
        stad = unit.stad or kod[:4]
        lanskod = unit.lanskod
        out = [Niva(STADSDEL, kod, unit.namn), Niva(KOMMUN, stad, population.municipalities[stad])]
        stad_namn: str | None = population.municipalities[stad]
    else:
        namn = population.municipalities[kod]
        unit = population.by_kod.get(kod)  # type: ignore[attr-defined]
        lanskod = unit.lanskod if unit is not None else population.districts_of(kod)[0].lanskod
        out = [Niva(KOMMUN, kod, namn)]
        stad_namn = None
    out += [Niva(LAN, lanskod, population.lan[lanskod]), Niva(SAMTLIGA, "", "Samtliga")]
    return tuple(out), stad_namn


def _jamfor(resultat: IsuResultat, nivaer: tuple[Niva, ...], tabell: str, delgrupp: str) -> tuple[Jamforelserad, ...]:
    tabeller = [resultat.tabell(n.niva, n.kod, tabell, delgrupp) for n in nivaer]
    per_niva = [{r.kategori: r for r in t} for t in tabeller]
    order: dict[str, None] = {}
    for t in reversed(tabeller):  # samtliga's order first: it has every category any unit has
        for r in t:
            order.setdefault(r.kategori)
    return tuple(Jamforelserad(k, tuple(p.get(k) for p in per_niva)) for k in order)


def enhetsrapport(resultat: IsuResultat, population: Population, niva: str, kod: str) -> Enhetsrapport:
    """The report on the unit (niva `kommun` or `stadsdel`, its code). Raises EnhetUtanArenden."""
    if kod not in resultat.enheter(niva):
        raise EnhetUtanArenden(f"{kod} has no ärenden in the input (as a {niva})")
    nivaer, stad_namn = nivaer_for(population, niva, kod)
    kapitel: list[Kapitel] = []
    for namn in dict.fromkeys(v.kapitel for v in tabellval()):
        tabeller = []
        for val in tabellval():
            if val.kapitel != namn:
                continue
            rader = _jamfor(resultat, nivaer, val.tabell, val.delgrupp)
            if rader:
                tabeller.append(Tabell(val, rader))
        if tabeller:
            kapitel.append(Kapitel(namn, tuple(tabeller)))

    def rad(tabell: str, kategori: str) -> Jamforelserad | None:
        for r in _jamfor(resultat, nivaer, tabell, ""):
            if r.kategori == kategori:
                return r
        return None

    tabeller = [t for k in kapitel for t in k.tabeller]
    return Enhetsrapport(
        kalla=resultat.kalla,
        period=resultat.period,
        minsta_antal=resultat.minsta_antal,
        enhet=nivaer[0],
        stad_namn=stad_namn,
        nivaer=nivaer,
        kapitel=tuple(kapitel),
        toppgrupp=rad("toppgrupp", "Ja"),
        arenden=rad("faser", "aktualiserade"),
        avslutade=rad("faser", "avslutade"),
        avvikelser=avvikelser(tabeller),
    )


def visad(rad: Rad | None, falt: str) -> bool:
    """A value of `rad` is shown: it exists and is not masked."""
    return rad is not None and falt not in rad.maskerad and getattr(rad, falt) is not None


def avvikelser(tabeller: list[Tabell]) -> tuple[Avvikelse, ...]:
    """The unit's largest differences in andel from samtliga (masked cells never used)."""
    kandidater: list[tuple[int, int, Avvikelse]] = []
    for n, t in enumerate(tabeller):
        if t.val.delgrupp:
            continue
        basta: Avvikelse | None = None
        for r in t.rader:
            egen, alla = r.celler[0], r.celler[-1]
            if r.kategori in (UPPGIFT_SAKNAS, MEDEL) or not (visad(egen, "andel") and visad(alla, "andel")):
                continue
            if not visad(egen, "bas") or egen.bas < MIN_BAS_AVVIKELSE:  # type: ignore[union-attr,operator]
                continue
            a = Avvikelse(t, r.kategori, egen.andel, alla.andel)  # type: ignore[union-attr,arg-type]
            if abs(a.skillnad) >= MIN_SKILLNAD and (basta is None or abs(a.skillnad) > abs(basta.skillnad)):
                basta = a
        if basta is not None:
            kandidater.append((-abs(basta.skillnad), n, basta))
    kandidater.sort(key=lambda x: (x[0], x[1]))
    return tuple(a for _, _, a in kandidater[:MAX_AVVIKELSER])
