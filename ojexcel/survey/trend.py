"""Years side by side: the trend tables built from tidy exports of several survey years.

Indicators are matched by id. Every value is the tidy export's own (nothing is recomputed); the
model adds only what a reader of a time series needs:

- the comparability of each step from one year shown to the next, read from the catalogues
  (`jamforbarhet` of year Y says how Y compares with Y-1; a step over several years takes the
  worst of them), with the catalogue's reasons (`jamforbarhet_not`);
- for shares, the change from the first to the last year in percentage points — never across an
  "ej jämförbar" step (then no number, and the reason).

The renderer (`trend_xlsx.py`) only lays this out. `unit_series` gives one unit's rows, for a
municipality's own sheet (`ojexcel kommun --history`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ..population import CITIES, NIVA_ENHET, NIVA_LAN, NIVA_RIKET, NIVA_STORSTAD, Population, load_population
from ..problems import InputError, Problem, Report
from .catalogue import Catalogue, CatalogueError, load_catalogue
from .tidy import TidyRow, iter_tidy

JAMFORBAR = "jämförbar"
DELVIS_JAMFORBAR = "delvis jämförbar"
EJ_JAMFORBAR = "ej jämförbar"
_RANK = {JAMFORBAR: 0, DELVIS_JAMFORBAR: 1, EJ_JAMFORBAR: 2}
# How catalogues may spell comparability (`jamforbarhet`); absent or empty = comparable.
_SPELLINGS = {
    "": JAMFORBAR,
    "jämförbar": JAMFORBAR,
    "delvis": DELVIS_JAMFORBAR,
    "delvis jämförbar": DELVIS_JAMFORBAR,
    "ej jämförbar": EJ_JAMFORBAR,
    "ej": EJ_JAMFORBAR,
}


@dataclass(frozen=True)
class Step:
    """How a year's value of an indicator compares with the previous year shown."""

    fran: int
    till: int
    jamforbarhet: str  # JAMFORBAR, DELVIS_JAMFORBAR or EJ_JAMFORBAR
    not_: str  # the catalogue's reasons, prefixed by their year

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

    def step_to(self, ar: int) -> Step | None:
        for s in self.steg:
            if s.till == ar:
                return s
        return None


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
    """

    kod: str
    namn: str
    varden: tuple[tuple[str | None, ...], ...]


@dataclass(frozen=True)
class Trend:
    years: tuple[int, ...]
    sources: tuple[tuple[int, str], ...]  # (year, file)
    indicators: tuple[TrendIndicator, ...]
    riket: tuple[TrendRow, ...]
    lan: tuple[TrendRow, ...]
    enheter: tuple[EnhetRow, ...]

    @property
    def breaks(self) -> tuple[tuple[TrendIndicator, Step], ...]:
        return tuple((ind, s) for ind in self.indicators for s in ind.steg if s.brott)


# -- comparability --------------------------------------------------------------------------------

def comparability(catalogue: Catalogue, indicator_id: str) -> tuple[str, str]:
    """(comparability with the previous year, reason) of an indicator in a catalogue's year."""
    ind = catalogue[indicator_id]
    raw = str(ind.meta("jamforbarhet")).strip()
    value = _SPELLINGS.get(raw.lower())
    if value is None:
        raise CatalogueError(
            f"indikatorer_{catalogue.year}.toml: {indicator_id} has jamforbarhet {raw!r}; "
            f"expected one of {', '.join(repr(k) for k in _SPELLINGS if k)}"
        )
    return value, str(ind.meta("jamforbarhet_not")).strip()


def step(indicator_id: str, fran: int, till: int, catalogues: dict[int, Catalogue]) -> Step:
    """The step from year `fran` to `till`: the worst comparability of every year after `fran`."""
    worst, notes = JAMFORBAR, []
    for year in range(fran + 1, till + 1):
        cat = catalogues.get(year)
        if cat is None or indicator_id not in cat.ids:
            continue
        value, note = comparability(cat, indicator_id)
        if _RANK[value] > _RANK[worst]:
            worst = value
        if value != JAMFORBAR:
            notes.append(f"{year} jämfört med {year - 1}: {value}" + (f" – {note}" if note else ""))
    return Step(fran, till, worst, "; ".join(notes))


def catalogues_between(years: Iterable[int]) -> dict[int, Catalogue]:
    """The catalogues of every year from the first to the last of `years` (those in between where they exist)."""
    return _catalogues(years)


def _catalogues(years: Iterable[int]) -> dict[int, Catalogue]:
    """The catalogues of every year from the first to the last, where one exists."""
    years = sorted(years)
    out = {}
    for year in range(years[0], years[-1] + 1):
        try:
            out[year] = load_catalogue(year)
        except CatalogueError:
            if year in years:
                raise
    return out


# -- reading -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrendInput:
    year: int
    source: str
    rows: dict[tuple[str, str, str], TidyRow]  # (niva, kod, indikator) -> row
    indicator_ids: tuple[str, ...]  # in file order


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


def read_inputs(pairs: Sequence[tuple[int, str | Path]], population: Population | None = None) -> list[TrendInput]:
    """Read and check the tidy exports of several years. Raises InputError with every problem.

    Each file is streamed (`tidy.iter_tidy`) and only the rows a trend shows are kept: riket, the
    population's län and cities, its units, for the indicators of the year's catalogue (D172).
    So memory follows the population and catalogues, never the files: twenty hostile exports of
    250 000 rows each cost what twenty real ones do. A file of more rows than twice what its year
    can hold (units and groups × indicators) is refused when it gets there."""
    problems: list[Problem] = []
    years = [y for y, _ in pairs]
    dupes = sorted({y for y in years if years.count(y) > 1})
    if dupes:
        raise InputError([Problem(f"year {', '.join(map(str, dupes))} given more than once")])
    population = population or load_population(max(years))
    units = population.by_kod
    shown = {NIVA_RIKET: {""}, NIVA_LAN: set(population.lan), NIVA_STORSTAD: set(CITIES)}
    keys = len(population.units) + len(population.groups())  # (niva, kod) a year's export holds
    omitted = 0
    out = []
    for year, path in sorted(pairs):
        report = Report(file=str(path))
        try:
            known = set(load_catalogue(year).ids)
        except CatalogueError as exc:
            report.error(f"year {year}: {exc}")
            known = None
        ids: dict[str, None] = {}
        unknown: dict[str, None] = {}
        by_key: dict[tuple[str, str, str], TidyRow] = {}
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
                        report.error("not a unit of the population", enhetskod=r.kod, column="kod", value=r.kod)
                        continue
                elif r.kod not in shown.get(r.niva, ()):
                    continue
                by_key[(r.niva, r.kod, ind)] = r
                if ind not in ids:
                    ids[ind] = None
        except InputError as exc:
            problems.extend(exc.problems)
            omitted += exc.omitted
            continue
        for ind in unknown:
            report.error(f"indicator not in the {year} catalogue: is this the tidy export of {year}?",
                         column="indikator", value=ind)
        problems.extend(report.errors)
        omitted += report.omitted["error"]
        out.append(TrendInput(year, str(path), by_key, tuple(ids)))
    if problems:
        raise InputError(problems, omitted=omitted)
    return out


MAX_UNKNOWN_NAMED = 100  # indicators not in the catalogue named one by one, per file
MAX_INDICATORS = 100  # a year without a catalogue (an error anyway): its file is read within this


# -- building -----------------------------------------------------------------------------------------

def trend_indicators(inputs: Sequence[TrendInput], catalogues: dict[int, Catalogue]) -> tuple[TrendIndicator, ...]:
    """Every indicator of any year, described by the newest catalogue that has it."""
    present: dict[str, list[int]] = {}
    for inp in inputs:
        for ind in inp.indicator_ids:
            present.setdefault(ind, []).append(inp.year)
    newest_first = sorted(catalogues, reverse=True)
    described = []
    for ind_id, years in present.items():
        cat = next(catalogues[y] for y in newest_first if ind_id in catalogues[y].ids)
        meta = cat[ind_id]
        steg = tuple(step(ind_id, a, b, catalogues) for a, b in zip(years, years[1:]))
        described.append(
            (
                -cat.year,
                meta.ordning,
                TrendIndicator(ind_id, meta.ordning, meta.kortnamn, meta.meta("namn") or meta.kortnamn,
                               meta.skala, tuple(years), steg),
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
        tidy = inp.rows.get((niva, kod, ind.id))
        cells.append(TrendCell(inp.year, None if tidy is None else tidy.varde, ind.step_to(inp.year)))
    cells = tuple(cells)
    return TrendRow(niva, kod, namn, ind, cells, None if niva == NIVA_ENHET else _change(ind, cells))


def build_trend(inputs: Sequence[TrendInput], population: Population | None = None) -> Trend:
    years = tuple(inp.year for inp in inputs)
    population = population or load_population(max(years))
    catalogues = _catalogues(years)
    indicators = trend_indicators(inputs, catalogues)
    riket = tuple(_row(NIVA_RIKET, "", "Riket", ind, inputs) for ind in indicators)
    lan = tuple(
        _row(NIVA_LAN, lanskod, namn, ind, inputs) for lanskod, namn in population.lan.items() for ind in indicators
    )
    enheter = tuple(
        EnhetRow(
            u.kod,
            u.full_name,
            tuple(tuple(_value(inp, (NIVA_ENHET, u.kod, ind.id)) for inp in inputs) for ind in indicators),
        )
        for u in population.units
    )
    # Only the file name: the workbook's bytes must not depend on where the inputs live.
    sources = tuple((inp.year, Path(inp.source).name) for inp in inputs)
    return Trend(years, sources, indicators, riket, lan, enheter)


def unit_series(kod: str, pairs: Sequence[tuple[int, str | Path]]) -> tuple[TrendRow, ...]:
    """One unit's values per indicator and year, with comparability, from tidy exports (YEAR, file).

    For `ojexcel kommun --history`. Raises InputError (bad files, unknown unit) or CatalogueError.
    """
    inputs = read_inputs(pairs)
    population = load_population(max(inp.year for inp in inputs))
    if kod not in population.by_kod:
        raise InputError([Problem("not a unit of the population", enhetskod=kod, value=kod)])
    unit = population.unit(kod)
    indicators = trend_indicators(inputs, _catalogues(inp.year for inp in inputs))
    return tuple(_row(NIVA_ENHET, kod, unit.full_name, ind, inputs) for ind in indicators)
