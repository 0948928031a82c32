"""A municipality's own sheet, as data: which unit (or big city) it is about, and its comparison table.

`find_enhet` turns what an analyst types — a kommunkod, a district code, a city code or a name —
into an `Enhet`. `build_blad` selects from `Results` everything the sheet shows: per indicator,
the unit's value (or, for a city, each district's value), the shares of the groups it belongs to
and their Ja counts. Nothing here is new arithmetic but counting Nej per indicator area (the
"weakest areas" of the analysis guide) and ranking indicators where the unit is behind riket.

The renderers (`kommun_report_xlsx`, `kommun_report_html`) lay out a `Blad`; they compute nothing.

The table is a list of columns (`Kolumn`) and, per indicator, one cell per column. With
`--history` (`kommun_historik.Historik`) a block of HISTORIK columns follows, one per year: the
unit's own value (a city: its share) that year, with its comparability with the year before.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from ..names import close_matches, did_you_mean, normalise
from ..population import (
    NIVA_ENHET,
    NIVA_KOMMUNGRUPP,
    NIVA_LAN,
    NIVA_RIKET,
    NIVA_SKL,
    NIVA_STORSTAD,
    Population,
    Unit,
)
from ..problems import OjexcelError
from .aggregate import Aggregate
from .catalogue import Indicator
from .results import Results
from .rules import NEJ

if TYPE_CHECKING:
    from .arsgang import Texts
    from .kommun_history import Break, History

# Column kinds: a unit's value, a group's share of Ja (percent), a group's Ja count "ja av enheter".
VARDE = "varde"
ANDEL = "andel"
JA_ANTAL = "ja_antal"
HISTORIK = "historik"  # the unit's own value (a city: its share) in one year: a Historikcell

MAX_SVAGASTE = 3  # weakest indicator areas named in the analysis guide
MAX_AVVIKELSER = 5  # indicators where the unit is furthest behind riket
MAX_KANDIDATER = 15  # candidates listed in an ambiguous-name error


class EnhetLookupError(OjexcelError, LookupError):
    """KOD names no unit or city, or several (the message lists the candidates)."""


# --------------------------------------------------------------------------------------------
# Which unit: a kommunkod, district code, city code or (prefix of a) name


@dataclass(frozen=True)
class Enhet:
    """What a sheet is about: one unit of the population, or a big city with its districts."""

    kod: str
    namn: str  # full name: "Upplands Väsby", "Stockholm – Bromma", "Stockholm"
    unit: Unit | None  # None for a city
    districts: tuple[Unit, ...] = ()  # a city's districts

    @property
    def is_city(self) -> bool:
        return self.unit is None

    @property
    def is_district(self) -> bool:
        return self.unit is not None and self.unit.is_district

    @property
    def keys(self) -> Unit:
        """The unit whose sort keys (län, kommungrupp, SKL-grupp) apply: a city's first district."""
        return self.unit if self.unit is not None else self.districts[0]


def city(population: Population, kod: str) -> Enhet:
    return Enhet(kod=kod, namn=population.municipalities[kod], unit=None, districts=population.districts_of(kod))


def unit_enhet(unit: Unit) -> Enhet:
    return Enhet(kod=unit.kod, namn=unit.full_name, unit=unit)


def all_enheter(population: Population) -> tuple[Enhet, ...]:
    """Every unit (population order) and then the three cities: what `kommun --all` writes."""
    return tuple(unit_enhet(u) for u in population.units) + tuple(city(population, k) for k in population.cities)


def _norm(text: str) -> str:
    """The form names are compared in (`namn.normalise`): no case, no diacritics, dashes as spaces."""
    return normalise(text)


def _names(population: Population) -> list[tuple[Enhet, str, int]]:
    """(enhet, normalised name, minimum query length) for every name a unit or city answers to.

    A district answers to its own name and to "City – District"; the latter only once the query
    reaches past the city's name, so "Göteb" means the city Göteborg, not its ten districts.
    """
    out: list[tuple[Enhet, str, int]] = []
    for kod in population.cities:
        c = city(population, kod)
        out.append((c, _norm(c.namn), 0))
    for u in population.units:
        e = unit_enhet(u)
        out.append((e, _norm(u.namn), 0))
        if u.is_district:
            out.append((e, _norm(u.full_name), len(_norm(u.stad_namn or "")) + 1))
    return out


def find_enhet(population: Population, query: str) -> Enhet:
    """The unit or city `query` names: a code, or a name (no case, no diacritics, dashes as spaces; a
    unique prefix will do). A miss suggests the closest names."""
    q = query.strip()
    if q in population.by_kod:
        return unit_enhet(population.unit(q))
    if q in population.cities:
        return city(population, q)
    if not q:
        raise EnhetLookupError("no unit given: give a kommunkod, a district code or a name")
    nq = _norm(q)
    names = _names(population)
    exact = _unique(e for e, name, _ in names if name == nq)
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise EnhetLookupError(_ambiguous(query, exact))
    prefix = _unique(e for e, name, min_len in names if name.startswith(nq) and len(nq) >= min_len)
    if len(prefix) == 1:
        return prefix[0]
    if len(prefix) > 1:
        raise EnhetLookupError(_ambiguous(query, prefix))
    if q[:4].isdigit():
        raise EnhetLookupError(
            f"{query!r} is not a unit code: give a kommunkod (e.g. 0114), a district code (e.g. 0180-01), "
            f"a city ({', '.join(population.cities)}) or a name"
        )
    choices = {name: f"{e.namn} ({e.kod})" for e, name, _ in names}
    raise EnhetLookupError(
        f"no municipality, district or city is called {query!r}" + did_you_mean(close_matches(q, choices))
    )


def _unique(enheter) -> list[Enhet]:
    seen: dict[str, Enhet] = {}
    for e in enheter:
        seen.setdefault(e.kod, e)
    return sorted(seen.values(), key=lambda e: e.kod)


def _ambiguous(query: str, candidates: list[Enhet]) -> str:
    shown = candidates[:MAX_KANDIDATER]
    lines = [f"{query!r} matches {len(candidates)} units; give more of the name or the code:"]
    lines += [f"  {e.kod}  {e.namn}" for e in shown]
    if len(candidates) > len(shown):
        lines.append(f"  … and {len(candidates) - len(shown)} more")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The comparison table


@dataclass(frozen=True)
class Column:
    typ: str  # VARDE, ANDEL, JA_ANTAL or HISTORIK
    niva: str  # enhet, storstad, lan, riket, kommungrupp, skl_grupp
    kod: str
    namn: str  # the unit's or the group's name; for HISTORIK the year


@dataclass(frozen=True)
class Row:
    """One indicator: one cell per column — a unit value (str, None = bortfall), a share (int, None =
    suppressed), a group's Aggregate (for JA_ANTAL: its `ja` of `enheter`) or a Historikcell."""

    indikator: Indicator
    celler: tuple[str | int | Aggregate | None, ...]


@dataclass(frozen=True)
class IndicatorArea:
    namn: str
    rader: tuple[Row, ...]
    nej: int  # Nej among the unit's values (a city: among its districts' values)
    antal: int  # values counted: indicators (a city: indicators × districts)


@dataclass(frozen=True)
class QualityArea:
    namn: str
    omraden: tuple[IndicatorArea, ...]


@dataclass(frozen=True)
class Deviation:
    """An indicator where the unit is behind riket: its value is Nej (a city: its share is lower)."""

    indikator: Indicator
    varde: str | int  # the unit's value, or the city's share
    riket: int  # riket's share


@dataclass(frozen=True)
class KommunSheet:
    year: int
    title: str  # the catalogue's title
    enhet: Enhet
    kolumner: tuple[Column, ...]
    kvalitetsomraden: tuple[QualityArea, ...]
    svagaste: tuple[IndicatorArea, ...]  # most Nej first, ties in catalogue order; only areas with Nej
    deviations: tuple[Deviation, ...]
    besvarat: int  # units (of the sheet: 1, or the city's districts) that answered the survey
    besvarat_vinr: int  # … and its VINR part
    enheter: int  # 1, or the number of districts
    historik_kallor: tuple[tuple[int, str], ...] = ()  # --history: (year, tidy file) given
    brott: tuple["Break", ...] = ()  # --history: breaks in the series between the years shown
    texter: "Texts | None" = None  # the årgång's own texts (source lines, the analysis guide's)
    fanns_inte: tuple[int, ...] = ()  # --history: years shown in which the unit (city) did not exist
    kommungrupp_namn: str = ""  # the name of the unit's kommungrupp that year

    @property
    def rader(self) -> tuple[Row, ...]:
        return tuple(r for k in self.kvalitetsomraden for o in k.omraden for r in o.rader)

    @property
    def indicator_areas(self) -> tuple[IndicatorArea, ...]:
        return tuple(o for k in self.kvalitetsomraden for o in k.omraden)


def comparison_groups(enhet: Enhet) -> tuple[tuple[str, str], ...]:
    """(niva, kod) of the groups a sheet compares with, in column order."""
    u = enhet.keys
    own_city = ((NIVA_STORSTAD, u.stad),) if u.stad else ()
    return own_city + (
        (NIVA_LAN, u.lanskod),
        (NIVA_RIKET, ""),
        (NIVA_KOMMUNGRUPP, str(u.kommungrupp)),
        (NIVA_SKL, u.skl_kod),
    )


@dataclass(frozen=True, eq=False)
class Comparisons:
    """Each group's aggregates and shares, looked up once per run (every sheet reads the same)."""

    aggregates: dict[tuple[str, str], tuple[Aggregate, ...]]
    shares: dict[tuple[str, str], tuple[int | None, ...]]
    namn: dict[tuple[str, str], str]

    @classmethod
    def of(cls, results: Results) -> "Comparisons":
        aggregates = {(g.group.niva, g.group.kod): g.aggregates for g in results.groups}
        return cls(
            aggregates=aggregates,
            shares={key: tuple(a.andel for a in aggs) for key, aggs in aggregates.items()},
            namn={(g.group.niva, g.group.kod): g.group.namn for g in results.groups},
        )


def build_sheet(
    results: Results, enhet: Enhet, jamforelser: Comparisons | None = None, historik: "History | None" = None
) -> KommunSheet:
    """Select the sheet's content for `enhet` from `results` (`jamforelser`: its groups, if at hand;
    `historik`: the unit's own series, read once per run)."""
    j = jamforelser or Comparisons.of(results)
    groups = comparison_groups(enhet)
    # Ja counts for the groups the unit belongs to (riket's share is on every sheet already).
    count_groups = [key for key in groups if key[0] != NIVA_RIKET]
    value_units = enhet.districts if enhet.is_city else (enhet.unit,)

    kolumner: list[Column] = []
    if not enhet.is_city:
        kolumner.append(Column(VARDE, NIVA_ENHET, enhet.kod, enhet.namn))
    kolumner += [Column(ANDEL, niva, kod, j.namn[niva, kod]) for niva, kod in groups]
    kolumner += [Column(JA_ANTAL, niva, kod, j.namn[niva, kod]) for niva, kod in count_groups]
    if enhet.is_city:
        kolumner += [Column(VARDE, NIVA_ENHET, u.kod, u.namn) for u in value_units]

    values = [results.unit_values[u.kod] for u in value_units]
    columns = [] if enhet.is_city else [values[0]]
    columns += [j.shares[key] for key in groups]
    columns += [j.aggregates[key] for key in count_groups]
    if enhet.is_city:
        columns += values
    if historik is not None:
        niva = NIVA_STORSTAD if enhet.is_city else NIVA_ENHET
        kolumner += [Column(HISTORIK, niva, enhet.kod, str(year)) for year in historik.years]
        columns += list(zip(*historik.serie(niva, enhet.kod)))
    rader = [Row(ind, cells) for ind, cells in zip(results.catalogue.indicators, zip(*columns))]

    kvalitetsomraden: list[QualityArea] = []
    omraden: list[IndicatorArea] = []
    n_units = len(value_units)
    for k_namn, k_rows in groupby(rader, key=lambda r: r.indikator.kvalitetsomrade):
        areas = []
        for o_namn, o_rows in groupby(k_rows, key=lambda r: r.indikator.indikatoromrade):
            o_rows = tuple(o_rows)
            nej = sum(v[r.indikator.ordning - 1] == NEJ for r in o_rows for v in values)
            areas.append(IndicatorArea(o_namn, o_rows, nej, len(o_rows) * n_units))
        omraden += areas
        kvalitetsomraden.append(QualityArea(k_namn, tuple(areas)))

    # Weakest areas: most Nej first; sorted() is stable, so ties keep catalogue order.
    svagaste = tuple(sorted((o for o in omraden if o.nej), key=lambda o: -o.nej)[:MAX_SVAGASTE])

    deviations = furthest_behind(results, enhet, j, (NIVA_RIKET, ""))

    return KommunSheet(
        year=results.year,
        title=results.catalogue.title,
        enhet=enhet,
        kolumner=tuple(kolumner),
        kvalitetsomraden=tuple(kvalitetsomraden),
        svagaste=svagaste,
        deviations=tuple(Deviation(*d) for d in deviations),
        besvarat=sum(u.kod in results.answered for u in value_units),
        besvarat_vinr=sum(u.kod in results.answered_vinr_part for u in value_units),
        enheter=n_units,
        historik_kallor=historik.sources if historik is not None else (),
        brott=historik.brott if historik is not None else (),
        texter=results.arsgang.texts if results.arsgang is not None else None,
        fanns_inte=historik.missing_years(NIVA_STORSTAD if enhet.is_city else NIVA_ENHET, enhet.kod)
        if historik is not None else (),
        kommungrupp_namn=results.population.kommungrupper.get(enhet.keys.kommungrupp, ""),
    )


def furthest_behind(
    results: Results, enhet: Enhet, jamforelser: Comparisons, group: tuple[str, str], limit: int = MAX_AVVIKELSER
) -> tuple[tuple[Indicator, str | int, int], ...]:
    """(indicator, the unit's value or the city's share, the group's share) where `enhet` is furthest
    behind the group (niva, kod): a unit's Nej where the group's share of Ja is highest; a city's
    share furthest below the group's. Ties in catalogue order; indicators the group does not show
    are left out. The sheet compares with riket; `ojexcel site` with the SKL-grupp (D134)."""
    reference = jamforelser.shares[group]
    own = jamforelser.shares[NIVA_STORSTAD, enhet.kod] if enhet.is_city else None
    values = None if enhet.is_city else results.unit_values[enhet.kod]
    found: list[tuple[int, tuple[Indicator, str | int, int]]] = []
    for i, ind in enumerate(results.catalogue.indicators):
        r = reference[i]
        if r is None:
            continue
        if own is None:
            if values[i] == NEJ:
                found.append((-r, (ind, NEJ, r)))
        else:
            s = own[i]
            if s is not None and s < r:
                found.append((s - r, (ind, s, r)))
    found.sort(key=lambda pair: pair[0])  # stable: ties keep catalogue order
    return tuple(d for _, d in found[:limit])
