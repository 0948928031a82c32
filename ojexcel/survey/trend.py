"""Years side by side: the trend tables built from tidy exports of several survey years.

Each year's export is read with its own årgång (an embedded year, or the folder given with
`--arsgang`): its units and indicators are that year's. Indicators are matched by id — or, where
a year's jamforbarhet.csv says an indicator continues one of the previous year's under another id
(`foregaende_indikator`), by that link. Every value is the tidy export's own (nothing is
recomputed); the model adds only what a reader of a time series needs:

- the comparability of each step from one year shown to the next, from the årgångar (year Y's
  jamforbarhet.csv says how Y compares with its previous year; a step over several years takes
  the worst of them), with their reasons;
- for shares, the change from the first to the last year in percentage points — never across an
  "ej jämförbar" step (then no number, and the reason);
- the units that exist in some of the years only (districts merged or split): their other years
  show "uppgift saknas", and the model lists them, and the groups (riket, län) whose number of
  units changed, so a reader knows a share is over that year's own units (D145).

The renderer (`trend_xlsx.py`) only lays this out. `unit_series` gives one unit's rows, for a
municipality's own sheet (`ojexcel kommun --history`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..population import NIVA_ENHET, NIVA_LAN, NIVA_RIKET, NIVA_STORSTAD, Population
from ..problems import InputError, Problem, Report
from .arsgang import Arsgang, ArsgangError, embedded_years, load_arsgang
from .comparability import DELVIS_JAMFORBAR, EJ_JAMFORBAR, JAMFORBAR
from .comparability import RANK as _RANK
from .tidy import TidyRow, iter_tidy

__all__ = ["DELVIS_JAMFORBAR", "EJ_JAMFORBAR", "JAMFORBAR", "Step", "Trend", "TrendIndicator", "TrendInput",
           "arsgangar_between", "build_trend", "chain", "comparability", "id_back", "parse_year_files", "read_inputs",
           "trend_indicators", "unit_series"]


@dataclass(frozen=True)
class Step:
    """How a year's value of an indicator compares with the previous year shown."""

    fran: int
    till: int
    jamforbarhet: str  # JAMFORBAR, DELVIS_JAMFORBAR or EJ_JAMFORBAR
    not_: str  # the årgångar's reasons, prefixed by their year

    @property
    def brott(self) -> bool:
        return self.jamforbarhet != JAMFORBAR


@dataclass(frozen=True)
class TrendIndicator:
    id: str
    ordning: int  # in the newest catalogue that has it; older-only indicators follow
    kortnamn: str
    namn: str
    skala: str
    ar: tuple[int, ...]  # the years shown in which the indicator is present
    steg: tuple[Step, ...]  # one per year in `ar` after the first
    ids: tuple[tuple[int, str], ...] = ()  # (year, its id that year) where it differs from `id`

    def step_to(self, ar: int) -> Step | None:
        for s in self.steg:
            if s.till == ar:
                return s
        return None

    def id_in(self, ar: int) -> str:
        """The indicator's id in year `ar` (its own, unless renamed since)."""
        for year, other in self.ids:
            if year == ar:
                return other
        return self.id


@dataclass(frozen=True)
class TrendCell:
    ar: int
    varde: str | None  # the tidy value; '' = blank (bortfall / not shown); None = no row that year
    steg: Step | None  # comparability with the previous year shown; None for the indicator's first year


@dataclass(frozen=True)
class TrendChange:
    """Change of a share from the first to the last year shown, in percentage points."""

    fran: int
    till: int
    procentenheter: int | None  # None: not computed (see orsak)
    jamforbarhet: str  # the worst step between
    orsak: str = ""  # why not computed: EJ_JAMFORBAR or "värde saknas"


@dataclass(frozen=True)
class TrendRow:
    niva: str
    kod: str
    namn: str
    indikator: TrendIndicator
    cells: tuple[TrendCell, ...]  # one per year of the trend
    forandring: TrendChange | None  # aggregate rows only


@dataclass(frozen=True)
class EnhetRow:
    """One unit's values: per indicator (Trend.indicators order), per year (Trend.years order).

    A value is the tidy value ('' = bortfall) or None when the year has no row for it. The
    comparability of a value is its indicator's step into that year (`TrendIndicator.steg_till`).
    `ar`: the years shown in which the unit is one of the population's (all of them, usually).
    """

    kod: str
    namn: str
    varden: tuple[tuple[str | None, ...], ...]
    ar: tuple[int, ...] = ()


@dataclass(frozen=True)
class GroupSize:
    """A group (riket, a län) whose number of units differs between the years shown."""

    niva: str
    kod: str
    namn: str
    enheter: tuple[tuple[int, int], ...]  # (year, units)


@dataclass(frozen=True)
class Trend:
    years: tuple[int, ...]
    sources: tuple[tuple[int, str], ...]  # (year, file)
    indicators: tuple[TrendIndicator, ...]
    riket: tuple[TrendRow, ...]
    lan: tuple[TrendRow, ...]
    enheter: tuple[EnhetRow, ...]
    some_years: tuple[EnhetRow, ...] = ()  # the units that exist in some of the years only
    group_sizes: tuple[GroupSize, ...] = ()
    embedded_only: bool = True  # every year from an embedded årgång

    @property
    def breaks(self) -> tuple[tuple[TrendIndicator, Step], ...]:
        return tuple((ind, s) for ind in self.indicators for s in ind.steg if s.brott)


# -- comparability --------------------------------------------------------------------------------

def comparability(arsgang: Arsgang, indicator_id: str) -> tuple[str, str]:
    """(comparability with the previous year, reason) of an indicator in an årgång's year;
    (JAMFORBAR, "") when it has nothing to compare with (the first year, or a new indicator)."""
    found = arsgang.comparability_of(indicator_id)
    if found is None:
        return JAMFORBAR, ""
    return found.jamforbarhet, found.not_


def chain(arsgang: Arsgang, fran: int) -> list[Arsgang]:
    """The årgångar from `arsgang` back through their previous years (foregaende) while after
    `fran`: the links whose comparability a step from `fran` to `arsgang.year` crosses."""
    out: list[Arsgang] = []
    current: Arsgang | None = arsgang
    while current is not None and current.year > fran:
        out.append(current)
        try:
            current = current.load_previous()
        except ArsgangError:  # checked when it was loaded; a previous year gone since: the chain ends
            break
    return out


def step(ind_id: str, fran: int, till: int, arsgangar: Mapping[int, Arsgang]) -> Step:
    """The step from year `fran` to `till` of indicator `ind_id` (its id in `till`): the worst
    comparability of every link back from `till` to `fran`, following a renamed indicator to its
    previous id (`foregaende_indikator`)."""
    worst, notes = JAMFORBAR, []
    for arsgang in reversed(_links(ind_id, till, fran, arsgangar)):
        link, found = arsgang
        if _RANK[found.jamforbarhet] > _RANK[worst]:
            worst = found.jamforbarhet
        if found.jamforbarhet != JAMFORBAR:
            before = link.previous_year or link.year - 1
            notes.append(f"{link.year} jämfört med {before}: {found.jamforbarhet}" + (f" – {found.not_}" if found.not_ else ""))
    return Step(fran, till, worst, "; ".join(notes))


def _links(ind_id: str, year: int, target: int, arsgangar: Mapping[int, Arsgang]):
    """(årgång, its comparability of the indicator) along the chain from `year` back to `target`."""
    out = []
    arsgang = arsgangar.get(year)
    if arsgang is None:
        return out
    for link in chain(arsgang, target):
        if ind_id not in link.catalogue.ids:
            break
        found = link.comparability_of(ind_id)
        if found is None:  # new that year (or the first year): nothing before it to follow
            break
        out.append((link, found))
        ind_id = found.foregaende
    return out


def id_back(ind_id: str, year: int, target: int, arsgangar: Mapping[int, Arsgang]) -> str:
    """The id in year `target` of indicator `ind_id` of `year`: its `foregaende_indikator` followed
    back as far as the årgångar say, else the same id (indicators are matched by id)."""
    for _, found in _links(ind_id, year, target, arsgangar):
        ind_id = found.foregaende
    return ind_id


def arsgangar_between(years: Iterable[int], given: Mapping[int, Arsgang] | None = None) -> dict[int, Arsgang]:
    """The årgång of each of `years`: the given one, else the embedded one. A year without one is
    an ArsgangError."""
    out: dict[int, Arsgang] = {}
    missing = []
    for year in sorted(set(years)):
        if given and year in given:
            out[year] = given[year]
        elif year in embedded_years():
            out[year] = load_arsgang(year)
        else:
            missing.append(year)
    if missing:
        raise ArsgangError(", ".join(map(str, missing)), [Problem(
            f"no årgång for {year} (embedded: {', '.join(map(str, embedded_years()))}); give its folder with "
            f"--arsgang {year}=DIR") for year in missing])
    return out


# -- reading -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrendInput:
    year: int
    source: str
    rows: dict[tuple[str, str, str], TidyRow]  # (niva, kod, indikator) -> row
    indicator_ids: tuple[str, ...]  # in file order
    arsgang: Arsgang | None = field(default=None, compare=False)


def parse_year_file(text: str) -> tuple[int, Path]:
    """'2017=TIDY17.csv' -> (2017, Path('TIDY17.csv')). Raises ValueError."""
    year, sep, path = text.partition("=")
    if not sep or not year.strip().isdigit() or not path:
        raise ValueError(f"{text!r}: expected YEAR=TIDY.csv, e.g. 2017=vinr_2017_tidy.csv")
    return int(year), Path(path)


# Several YEAR=FILE in one value: split at commas/whitespace that precede "YEAR=", so a file name
# may itself hold spaces or commas ("2017=Våra filer/tidy 2017.csv").
_NEXT_YEAR_FILE = re.compile(r"[\s,]+(?=\d+=)")


def parse_year_files(values: Iterable[str]) -> list[tuple[int, Path]]:
    """Every YEAR=FILE of `values`, each of which may hold several ('2016=a.csv,2017=b.csv').

    Raises ValueError naming the bad item."""
    out = []
    for value in values:
        for item in _NEXT_YEAR_FILE.split(value.strip(" ,\t\n")):
            out.append(parse_year_file(item))
    return out


# The levels a trend or a unit's history shows; rows of other levels (kommungrupp, SKL group) are
# checked by the reader and not kept.
KEPT_LEVELS = (NIVA_RIKET, NIVA_LAN, NIVA_STORSTAD, NIVA_ENHET)


def read_inputs(pairs: Sequence[tuple[int, str | Path]], arsgangar: Mapping[int, Arsgang] | None = None) -> list[TrendInput]:
    """Read and check the tidy exports of several years, each against its year's årgång (`arsgangar`,
    else the embedded one). Raises InputError with every problem.

    Each file is streamed (`tidy.iter_tidy`) and only the rows a trend shows are kept: riket, the
    year's län and cities, its units, for the indicators of the year's catalogue (D172). So memory
    follows the populations and catalogues, never the files: twenty hostile exports of 250 000 rows
    each cost what twenty real ones do. A file of more rows than twice what its year can hold (units
    and groups × indicators) is refused when it gets there."""
    problems: list[Problem] = []
    years = [y for y, _ in pairs]
    dupes = sorted({y for y in years if years.count(y) > 1})
    if dupes:
        raise InputError([Problem(f"year {', '.join(map(str, dupes))} given more than once")])
    given = dict(arsgangar or {})
    omitted = 0
    out = []
    for year, path in sorted(pairs):
        report = Report(file=str(path))
        arsgang = given.get(year)
        if arsgang is None:
            try:
                arsgang = load_arsgang(year)
            except ArsgangError:
                report.error(f"year {year}: no embedded årgång (embedded: {', '.join(map(str, embedded_years()))}); "
                             f"give the year's folder with --arsgang {year}=DIR")
        if arsgang is not None:
            population = arsgang.population
            known: set[str] | None = set(arsgang.catalogue.ids)
            units = population.by_kod
            shown = {NIVA_RIKET: {""}, NIVA_LAN: set(population.lan), NIVA_STORSTAD: set(population.cities)}
            keys = len(population.units) + len(population.groups())  # (niva, kod) a year's export holds
        else:  # an error already: the file is still read within bounds, for its own problems
            known, units, shown, keys = None, {}, {}, 2_000
        ids: dict[str, None] = {}
        unknown: dict[str, None] = {}
        by_key: dict[tuple[str, str, str], TidyRow] = {}
        strangers: dict[str, None] = {}
        try:
            # one row per (niva, kod, indikator): twice that is more than any export of the year
            most = 2 * keys * (len(known) if known else MAX_INDICATORS)
            for r in iter_tidy(path, year, max_rows=most):
                ind = r.indikator
                if known is not None and ind not in known:
                    if ind not in unknown and len(unknown) < MAX_UNKNOWN_NAMED:
                        unknown[ind] = None
                    continue
                if r.niva == NIVA_ENHET:
                    if r.kod not in units:
                        if arsgang is not None and r.kod not in strangers and len(strangers) < MAX_UNKNOWN_NAMED:
                            strangers[r.kod] = None
                            report.error(f"not a unit of the {year} population ({arsgang.name}): "
                                         f"is this the tidy export of {year}?",
                                         enhetskod=r.kod, column="kod", value=r.kod)
                        continue
                elif r.kod not in shown.get(r.niva, ()):
                    continue
                by_key[(r.niva, r.kod, ind)] = r
                if ind not in ids:
                    ids[ind] = None
        except InputError as exc:
            problems.extend(report.errors + exc.problems)
            omitted += exc.omitted
            continue
        for ind in unknown:
            report.error(f"indicator not in the {year} catalogue: is this the tidy export of {year}?",
                         column="indikator", value=ind)
        problems.extend(report.errors)
        omitted += report.omitted["error"]
        out.append(TrendInput(year, str(path), by_key, tuple(ids), arsgang))
    if problems:
        raise InputError(problems, omitted=omitted)
    return out


MAX_UNKNOWN_NAMED = 100  # indicators not in the catalogue named one by one, per file
MAX_INDICATORS = 100  # a year without a catalogue (an error anyway): its file is read within this


# -- building -----------------------------------------------------------------------------------------

def _series(inputs: Sequence[TrendInput], arsgangar: Mapping[int, Arsgang]) -> dict[str, dict[int, str]]:
    """Every indicator series: its key -> {year shown: its id that year}. Newest year first; an
    older year's indicator joins the series that leads back to it (through `foregaende_indikator`
    and the years in between), else it starts its own series."""
    by_year = {inp.year: inp.indicator_ids for inp in inputs}
    series: dict[str, dict[int, str]] = {}
    for year in sorted(by_year, reverse=True):
        present = set(by_year[year])
        claimed: set[str] = set()
        for ids in series.values():
            oldest = min(ids)
            ind_id = id_back(ids[oldest], oldest, year, arsgangar)
            if ind_id in present and ind_id not in claimed:
                ids[year] = ind_id
                claimed.add(ind_id)
        for ind_id in by_year[year]:
            if ind_id not in claimed:
                key = ind_id if ind_id not in series else f"{ind_id}@{year}"  # an id reused for another indicator
                series[key] = {year: ind_id}
    return series


def trend_indicators(inputs: Sequence[TrendInput], arsgangar: Mapping[int, Arsgang]) -> tuple[TrendIndicator, ...]:
    """Every indicator of any year, described by the newest årgång that has it."""
    described = []
    for ids in _series(inputs, arsgangar).values():
        years = sorted(ids)
        newest = years[-1]
        meta = arsgangar[newest].catalogue[ids[newest]]
        steg = tuple(step(ids[b], a, b, arsgangar) for a, b in zip(years, years[1:]))
        renamed = tuple((y, i) for y, i in sorted(ids.items()) if i != ids[newest])
        described.append(
            (
                -newest,
                meta.ordning,
                TrendIndicator(ids[newest], meta.ordning, meta.kortnamn, meta.meta("namn") or meta.kortnamn,
                               meta.skala, tuple(years), steg, renamed),
            )
        )
    described.sort(key=lambda t: (t[0], t[1]))
    return tuple(t[2] for t in described)


def _change(ind: TrendIndicator, cells: tuple[TrendCell, ...]) -> TrendChange | None:
    if len(ind.ar) < 2:
        return None
    fran, till = ind.ar[0], ind.ar[-1]
    worst = max((s.jamforbarhet for s in ind.steg), key=_RANK.__getitem__)
    by_year = {c.ar: c.varde for c in cells}
    a, b = by_year.get(fran), by_year.get(till)
    if worst == EJ_JAMFORBAR:
        return TrendChange(fran, till, None, worst, EJ_JAMFORBAR)
    if not a or not b:
        return TrendChange(fran, till, None, worst, "värde saknas")
    return TrendChange(fran, till, int(b) - int(a), worst)


def _value(inp: TrendInput, key: tuple[str, str, str]) -> str | None:
    row = inp.rows.get(key)
    return None if row is None else row.varde


def _row(niva: str, kod: str, namn: str, ind: TrendIndicator, inputs: Sequence[TrendInput]) -> TrendRow:
    cells = []
    for inp in inputs:
        tidy = inp.rows.get((niva, kod, ind.id_in(inp.year)))
        cells.append(TrendCell(inp.year, None if tidy is None else tidy.varde, ind.step_to(inp.year)))
    cells = tuple(cells)
    return TrendRow(niva, kod, namn, ind, cells, None if niva == NIVA_ENHET else _change(ind, cells))


def _arsgangar_of(inputs: Sequence[TrendInput]) -> dict[int, Arsgang]:
    return arsgangar_between((inp.year for inp in inputs),
                             {inp.year: inp.arsgang for inp in inputs if inp.arsgang is not None})


def all_units(populations: Sequence[tuple[int, Population]]) -> list[tuple[str, str, tuple[int, ...]]]:
    """Every unit of any year: (kod, name in the newest year that has it, the years it exists).
    In the newest population's order; a unit of older years only follows the unit before it in
    its own year (a merged district stays beside its city's other districts)."""
    years_of: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    order: list[str] = []
    for year, pop in sorted(populations, key=lambda t: -t[0]):
        previous = None
        for u in pop.units:
            if u.kod not in years_of:
                years_of[u.kod] = []
                names[u.kod] = u.full_name
                at = order.index(previous) + 1 if previous in years_of and previous in order else len(order)
                order.insert(at, u.kod)
            years_of[u.kod].append(year)
            previous = u.kod
    return [(kod, names[kod], tuple(sorted(years_of[kod]))) for kod in order]


def _group_sizes(inputs: Sequence[TrendInput], populations: Sequence[tuple[int, Population]],
                 lan: dict[str, str]) -> tuple[GroupSize, ...]:
    out = []
    riket = tuple((year, len(pop.units)) for year, pop in populations)
    if len({n for _, n in riket}) > 1:
        out.append(GroupSize(NIVA_RIKET, "", "Riket", riket))
    for lanskod, namn in lan.items():
        sizes = tuple((year, sum(u.lanskod == lanskod for u in pop.units)) for year, pop in populations)
        if len({n for _, n in sizes}) > 1:
            out.append(GroupSize(NIVA_LAN, lanskod, namn, sizes))
    return tuple(out)


def build_trend(inputs: Sequence[TrendInput], arsgangar: Mapping[int, Arsgang] | None = None) -> Trend:
    years = tuple(inp.year for inp in inputs)
    arsgangar = dict(arsgangar) if arsgangar is not None else _arsgangar_of(inputs)
    indicators = trend_indicators(inputs, arsgangar)
    populations = [(inp.year, arsgangar[inp.year].population) for inp in inputs]
    newest = arsgangar[max(years)].population
    lan = dict(newest.lan)
    for _, pop in populations:
        for lanskod, namn in pop.lan.items():
            lan.setdefault(lanskod, namn)
    lan = dict(sorted(lan.items()))
    riket = tuple(_row(NIVA_RIKET, "", "Riket", ind, inputs) for ind in indicators)
    lan_rows = tuple(_row(NIVA_LAN, lanskod, namn, ind, inputs) for lanskod, namn in lan.items() for ind in indicators)
    enheter = tuple(
        EnhetRow(
            kod,
            namn,
            tuple(tuple(_value(inp, (NIVA_ENHET, kod, ind.id_in(inp.year))) for inp in inputs) for ind in indicators),
            present,
        )
        for kod, namn, present in all_units(populations)
    )
    # Only the file name: the workbook's bytes must not depend on where the inputs live.
    sources = tuple((inp.year, Path(inp.source).name) for inp in inputs)
    some_years = tuple(e for e in enheter if len(e.ar) != len(years))
    return Trend(years, sources, indicators, riket, lan_rows, enheter, some_years,
                 _group_sizes(inputs, populations, lan), all(arsgangar[y].embedded for y in years))


def unit_series(kod: str, pairs: Sequence[tuple[int, str | Path]],
                arsgangar: Mapping[int, Arsgang] | None = None) -> tuple[TrendRow, ...]:
    """One unit's values per indicator and year, with comparability, from tidy exports (YEAR, file).

    For `ojexcel kommun --history`. Raises InputError (bad files, a unit of no year) or ArsgangError."""
    inputs = read_inputs(pairs, arsgangar)
    every = _arsgangar_of(inputs)
    unit = next((g.population.by_kod[kod] for y, g in sorted(every.items(), reverse=True)
                 if y in {i.year for i in inputs} and kod in g.population.by_kod), None)
    if unit is None:
        raise InputError([Problem("not a unit of the population of any year given", enhetskod=kod, value=kod)])
    indicators = trend_indicators(inputs, every)
    return tuple(_row(NIVA_ENHET, kod, unit.full_name, ind, inputs) for ind in indicators)
