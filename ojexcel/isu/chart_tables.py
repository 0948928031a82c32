"""A diagram of the catalogue laid out as a table: rows, columns and cells taken from the results.

Lays out, never computes: every cell is a value of a `Rad` (or its absence). Two layouts:
- rader = kategorier: one row per category, the chart's categories (`visa`, default the answer
  labels) first, then the others in the tidy order (minst ett svar, combined categories, uppgift
  saknas); columns Antal, Bas, Andel — each once per delgrupp, measure by measure, so the shares of
  the delgrupper stand side by side.
- rader = delgrupper: one row per delgrupp; columns Antal per category, one Bas (the categories
  share their base), Andel (or Medel) per category.
The XLSX writer, a unit's report or a test all read the same `DiagramTabell`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .chart_catalogue import (
    MEDEL,
    MINST_ETT_SVAR,
    UPPGIFT_SAKNAS,
    ChartCatalogue,
    Diagram,
    etiketter,
)
from .codebook import Codebook
from .model import SAMTLIGA, IsuResults, Row, withheld_symbol

ANTAL, BAS, ANDEL = "antal", "bas", "andel"
RUBRIK = {ANTAL: "Antal", BAS: "Bas", ANDEL: "Andel (%)", MEDEL: "Medel"}
RUBRIK_MEDEL = {ANTAL: "Summa", BAS: "Ärenden", MEDEL: "Medel"}


@dataclass(frozen=True)
class Cell:
    """A table cell: a number, or None — withheld (`maskerad`, shown as its symbol `tecken`:
    `x` a hidden row, `..` a base under 20) or not existing (blank)."""

    varde: int | float | None
    maskerad: bool = False
    tecken: str | None = None


TOM = Cell(None)


@dataclass(frozen=True)
class Column:
    rubrik: str
    matt: str  # antal, bas, andel or medel
    delgrupp: str
    kategori: str | None  # rader = delgrupper: the category; else None


@dataclass(frozen=True)
class ChartRow:
    nyckel: str  # the kategori (rader = kategorier) or the delgrupp (rader = delgrupper)
    etikett: str  # the text shown
    celler: tuple[Cell, ...]


@dataclass(frozen=True)
class Series:
    namn: str
    kolumn: int  # index into `kolumner` of the values charted
    delgrupp: str
    kategori: str | None


@dataclass(frozen=True)
class ChartTable:
    diagram: Diagram
    rubrik: str  # 'Diagram 9: Vilka är de vanligaste insatserna? (N=2 623)'
    radrubrik: str  # the header of the first column
    kolumner: tuple[Column, ...]
    rader: tuple[ChartRow, ...]
    diagramrader: int  # the first rows the chart shows
    serier: tuple[Series, ...]

    @property
    def tom(self) -> bool:
        """No table of the results behind it (every scope empty)."""
        return all(c is TOM for r in self.rader for c in r.celler) or not self.rader


def cell(rad: Row | None, matt: str) -> Cell:
    if rad is None:
        return TOM
    value = getattr(rad, matt)
    if value is None:
        tecken = withheld_symbol(rad, matt)
        return Cell(None, tecken is not None, tecken)
    if matt == MEDEL:
        return Cell(float(value))
    return Cell(value)


def thousands(n: int) -> str:
    """3006 -> '3 006' (a no-break space, as the report writes it)."""
    return f"{n:,}".replace(",", "\u00a0")


def n_text(rader: list[Row], flerval: bool, maskning: str) -> str:
    """The N of a table as the report gives it: ärenden with an answer (flerval: minst ett svar)."""
    if not rader:
        return "0"
    if flerval:
        rad = next((r for r in rader if r.kategori == MINST_ETT_SVAR), None)
        value = rad.antal if rad else None
    else:
        rad = rader[0]
        value = rad.bas
    return maskning if value is None else thousands(value)


def build(resultat: IsuResults, d: Diagram, katalog: ChartCatalogue, kodbok: Codebook, maskning: str,
         niva: str = SAMTLIGA, kod: str = "") -> ChartTable:
    grupper = katalog.expand(d.delgrupper, resultat.delgrupper())
    tabeller = {g: resultat.tabell(niva, kod, d.tabell, g) for g in grupper}
    labels = etiketter(d.tabell, kodbok)
    flerval = d.tabell in kodbok and kodbok[d.tabell].typ == "flerval"
    matt_varde = MEDEL if d.is_mean else ANDEL
    rubriker = RUBRIK_MEDEL if d.is_mean else RUBRIK
    # a mean's sum is not published under the perturbation (§2 item 5): no Summa column
    summa = not (d.is_mean and not resultat.utan_brus)
    antal_matt = (ANTAL,) if summa else ()

    # Categories in tidy order over the delgrupper; the chart's first.
    kategorier: dict[str, None] = {}
    for rows in tabeller.values():
        for r in rows:
            kategorier.setdefault(r.kategori, None)
    if d.visa:
        visa = list(d.visa)
    elif d.is_mean:
        visa = [MEDEL]
    else:
        special = (MINST_ETT_SVAR, UPPGIFT_SAKNAS)
        visa = [k for k in kategorier if (k in labels if labels is not None else k not in special)]
        if labels is not None:  # codebook order even when a label is absent from the first tables
            visa = [k for k in labels if k in kategorier]

    if d.rader == "kategorier":
        ordning = visa + [k for k in kategorier if k not in visa]
        kolumner = tuple(
            Column(rubriker[m] if len(grupper) == 1 else f"{rubriker[m]} – {katalog.group_name(g)}", m, g, None)
            for m in antal_matt + (BAS, matt_varde) for g in grupper
        )
        by_kat = {g: {r.kategori: r for r in rows} for g, rows in tabeller.items()}
        rader = tuple(
            ChartRow(k, katalog.category_name(k), tuple(cell(by_kat[c.delgrupp].get(k), c.matt) for c in kolumner))
            for k in ordning
        )
        chart_matt = d.matt if d.matt != MEDEL else MEDEL
        serier = tuple(
            Series(katalog.group_name(c.delgrupp), i, c.delgrupp, None)
            for i, c in enumerate(kolumner) if c.matt == chart_matt
        )
        diagramrader = len(visa)
        if len(grupper) == 1:
            n = f"N={n_text(tabeller[grupper[0]], flerval, maskning)}"
        else:
            n = ", ".join(f"{katalog.group_name(g)} N={n_text(tabeller[g], flerval, maskning)}" for g in grupper)
        radrubrik = d.kategorirubrik
    else:
        def kolumn(m: str, k: str) -> Column:
            if d.is_mean:
                return Column(rubriker[m], m, "", k)
            return Column(f"{rubriker[m]} – {katalog.category_name(k)}", m, "", k)

        kolumner = tuple(
            [kolumn(ANTAL, k) for k in visa if summa] + [Column(rubriker[BAS], BAS, "", visa[0] if visa else None)]
            + [kolumn(matt_varde, k) for k in visa]
        )
        rader = tuple(
            ChartRow(g, katalog.group_name(g), tuple(
                cell({r.kategori: r for r in tabeller[g]}.get(c.kategori), c.matt) for c in kolumner))
            for g in grupper
        )
        chart_matt = d.matt
        serier = tuple(
            Series(katalog.category_name(c.kategori or ""), i, "", c.kategori)
            for i, c in enumerate(kolumner) if c.matt == chart_matt
        )
        diagramrader = len(rader)
        n = ""
        if "" in tabeller:
            first = tabeller[""][0] if tabeller[""] else None
            n = f"N={maskning if first is not None and first.bas is None else thousands(first.bas if first else 0)}"
        radrubrik = "Grupp"
    rubrik = f"{d.namn}: {d.rubrik}" + (f" ({n})" if n else "")
    return ChartTable(d, rubrik, radrubrik, kolumner, rader, diagramrader, serier)
