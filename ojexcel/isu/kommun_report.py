"""A unit's own ISU report, as data: its tables beside its län and samtliga (issue 11, part 2).

`enhetsrapport(resultat, enhet)` selects from the compiled, masked tables (`IsuResultat`)
everything the report shows; the renderers (`kommun_report_html`, `kommun_report_xlsx`) lay it
out and compute nothing.

- Which tables, in which chapters and under which titles is data: `enhetsrapport_tabeller.csv`
  (kapitel, the report's diagram number, tabell, delgrupp, rubrik), in the order shown.
- Levels (`Niva`), in column order: the unit (kommun or stadsdel), for a stadsdel its city
  (niva `kommun`), its län, samtliga. A city (0180) is the kommun level: its own registrations and
  its districts' together.
- Every cell is a `Row` of the results as it is — the published numbers, with the noise of
  CONTRACT §2, the same as in the workbook and the tidy export of the same key; withheld values
  stay withheld. Categories follow the samtliga table's order (every unit's table has the same
  categories, §4); a level whose table is not written (§2 items 4 and 6) has no cells.
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
from ..problems import OjexcelError
from .model import KOMMUN, LAN, SAMTLIGA, STADSDEL, IsuResults, Row

TABELLER_CSV = "enhetsrapport_tabeller.csv"
UPPGIFT_SAKNAS = "uppgift_saknas"
MEDEL = "medel"
MAX_AVVIKELSER = 5
MIN_BAS_AVVIKELSE = 20
MIN_SKILLNAD = 5  # percentage points


class EnhetWithoutArenden(OjexcelError, LookupError):
    """The unit asked for has no ärenden in the input."""


@dataclass(frozen=True)
class TableSelection:
    kapitel: str
    diagram: str  # the SKR report's diagram number, or ''
    tabell: str
    delgrupp: str
    rubrik: str


@cache
def table_selection() -> tuple[TableSelection, ...]:
    text = resources.files("ojexcel.isu").joinpath(TABELLER_CSV).read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        out.append(TableSelection(row["kapitel"], row["diagram"], row["tabell"], row["delgrupp"], row["rubrik"]))
    return tuple(out)


@dataclass(frozen=True)
class Level:
    niva: str  # samtliga, lan, kommun, stadsdel
    kod: str
    namn: str


@dataclass(frozen=True)
class ComparisonRow:
    kategori: str
    celler: tuple[Row | None, ...]  # one per level; None: the level has no such row


@dataclass(frozen=True)
class Table:
    val: TableSelection
    rader: tuple[ComparisonRow, ...]

    @property
    def medel(self) -> bool:
        return all(r.kategori == MEDEL for r in self.rader)

    @property
    def nyckel(self) -> str:
        return f"{self.val.tabell}|{self.val.delgrupp}"


@dataclass(frozen=True)
class Chapter:
    namn: str
    tabeller: tuple[Table, ...]


@dataclass(frozen=True)
class Deviation:
    tabell: Table
    kategori: str
    enhet: int  # the unit's andel
    samtliga: int  # samtliga's andel

    @property
    def difference(self) -> int:
        return self.enhet - self.samtliga


@dataclass(frozen=True)
class KommunReport:
    kalla: str
    period: tuple
    minsta_antal: int
    utan_brus: bool  # the truth (--utan-brus): marked "ej för publicering"
    demo_key: bool  # perturbed with the embedded sample's public demo key
    syntetisk: bool  # the embedded synthetic sample
    enhet: Level
    stad_namn: str | None  # a stadsdel's city
    nivaer: tuple[Level, ...]  # the unit first, samtliga last
    kapitel: tuple[Chapter, ...]
    toppgrupp: ComparisonRow | None  # the toppgrupp share (kategori Ja), if written
    arenden: ComparisonRow | None  # faser: aktualiserade
    avslutade: ComparisonRow | None  # faser: avslutade
    deviations: tuple[Deviation, ...]

    @property
    def tabeller(self) -> tuple[Table, ...]:
        return tuple(t for k in self.kapitel for t in k.tabeller)


def levels_for(population: Population, niva: str, kod: str) -> tuple[tuple[Level, ...], str | None]:
    """The levels of a report on (niva, kod): unit, [its city], län, samtliga."""
    if niva == STADSDEL:
        unit = population.unit(kod)
        stad = unit.stad or kod[:4]
        lanskod = unit.lanskod
        out = [Level(STADSDEL, kod, unit.namn), Level(KOMMUN, stad, population.municipalities[stad])]
        stad_namn: str | None = population.municipalities[stad]
    else:
        namn = population.municipalities[kod]
        unit = population.by_kod.get(kod)  # type: ignore[attr-defined]
        lanskod = unit.lanskod if unit is not None else population.districts_of(kod)[0].lanskod
        out = [Level(KOMMUN, kod, namn)]
        stad_namn = None
    out += [Level(LAN, lanskod, population.lan[lanskod]), Level(SAMTLIGA, "", "Samtliga")]
    return tuple(out), stad_namn


def _compare(resultat: IsuResults, nivaer: tuple[Level, ...], tabell: str, delgrupp: str) -> tuple[ComparisonRow, ...]:
    tabeller = [resultat.tabell(n.niva, n.kod, tabell, delgrupp) for n in nivaer]
    per_niva = [{r.kategori: r for r in t} for t in tabeller]
    order: dict[str, None] = {}
    for t in reversed(tabeller):  # samtliga's order first: it has every category any unit has
        for r in t:
            order.setdefault(r.kategori)
    return tuple(ComparisonRow(k, tuple(p.get(k) for p in per_niva)) for k in order)


def build_kommun_report(resultat: IsuResults, population: Population, niva: str, kod: str) -> KommunReport:
    """The report on the unit (niva `kommun` or `stadsdel`, its code). Raises EnhetWithoutArenden
    when the unit has no ärenden, or none of its tables is published (D164)."""
    if kod not in resultat.enheter(niva):
        raise EnhetWithoutArenden(f"{kod} has no published table (as a {niva}): no ärenden in the input, or too few "
                                  f"for any table to be written")
    nivaer, stad_namn = levels_for(population, niva, kod)
    kapitel: list[Chapter] = []
    for namn in dict.fromkeys(v.kapitel for v in table_selection()):
        tabeller = []
        for val in table_selection():
            if val.kapitel != namn:
                continue
            rader = _compare(resultat, nivaer, val.tabell, val.delgrupp)
            if rader:
                tabeller.append(Table(val, rader))
        if tabeller:
            kapitel.append(Chapter(namn, tuple(tabeller)))

    def rad(tabell: str, kategori: str) -> ComparisonRow | None:
        for r in _compare(resultat, nivaer, tabell, ""):
            if r.kategori == kategori:
                return r
        return None

    tabeller = [t for k in kapitel for t in k.tabeller]
    return KommunReport(
        kalla=resultat.kalla,
        period=resultat.period,
        minsta_antal=resultat.minsta_antal,
        utan_brus=resultat.utan_brus,
        demo_key=resultat.demo_key,
        syntetisk=resultat.syntetisk,
        enhet=nivaer[0],
        stad_namn=stad_namn,
        nivaer=nivaer,
        kapitel=tuple(kapitel),
        toppgrupp=rad("toppgrupp", "Ja"),
        arenden=rad("faser", "aktualiserade"),
        avslutade=rad("faser", "avslutade"),
        deviations=deviations(tabeller),
    )


def shown_value_of(rad: Row | None, field: str) -> bool:
    """A value of `rad` is shown: it exists and is not masked."""
    return rad is not None and field not in rad.maskerad and getattr(rad, field) is not None


def deviations(tabeller: list[Table]) -> tuple[Deviation, ...]:
    """The unit's largest differences in andel from samtliga (masked cells never used)."""
    kandidater: list[tuple[int, int, Deviation]] = []
    for n, t in enumerate(tabeller):
        if t.val.delgrupp:
            continue
        basta: Deviation | None = None
        for r in t.rader:
            egen, alla = r.celler[0], r.celler[-1]
            if r.kategori in (UPPGIFT_SAKNAS, MEDEL) or not (shown_value_of(egen, "andel") and shown_value_of(alla, "andel")):
                continue
            if not shown_value_of(egen, "bas") or egen.bas < MIN_BAS_AVVIKELSE:  # type: ignore[union-attr,operator]
                continue
            a = Deviation(t, r.kategori, egen.andel, alla.andel)  # type: ignore[union-attr,arg-type]
            if abs(a.difference) >= MIN_SKILLNAD and (basta is None or abs(a.difference) > abs(basta.difference)):
                basta = a
        if basta is not None:
            kandidater.append((-abs(basta.difference), n, basta))
    kandidater.sort(key=lambda x: (x[0], x[1]))
    return tuple(a for _, _, a in kandidater[:MAX_AVVIKELSER])
