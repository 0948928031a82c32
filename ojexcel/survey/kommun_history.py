"""A unit's own series over the years, for `ojexcel kommun --history 2016=TIDY16.csv …`.

The tidy exports of earlier (or later) years are read once per run (`load_historik`; with `--all`
once for all 319 sheets) with the trend's reader and comparability rules (`trend.read_inputs`,
`trend.trend_indicators`): indicators are matched by id, and the step into each year takes the
worst comparability of the years it spans. The sheet's own year is always part of the series,
taken from this run's `Results`, so a break into the current year is marked too; if its tidy
export is also given, it must hold the same values (otherwise a warning: the file is not from the
same data, and the sheet shows this run's values).

Each year's file is read with its own årgång (embedded, or `--arsgang` for that year), so a unit
that exists in some years only (districts merged or split) is not an error: in a year whose
population does not have it, its cells show the "no data" symbol (`styles.SAKNAS`), the sheet
says the unit did not exist that year, and a warning names the unit and the year (D145). A unit
that existed but has no rows in a trimmed file shows the same symbol, with a warning naming the
file. An indicator of the sheet's catalogue that a year does not have shows the same symbol; an
indicator renamed between the years (`foregaende_indikator`) is followed by its link.

Values are the tidy exports' own; a unit's is its value ('' = bortfall), a city's its storstad
share ('' = not shown). Nothing is recomputed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from ..population import NIVA_ENHET, NIVA_STORSTAD
from ..problems import WARNING, Problem
from .catalogue import Indicator
from .results import Results
from .tidy import TidyRow
from .trend import (
    DELVIS_JAMFORBAR,
    EJ_JAMFORBAR,
    JAMFORBAR,
    Step,
    TrendInput,
    arsgangar_between,
    read_inputs,
    trend_indicators,
)

if TYPE_CHECKING:
    from .arsgang import Arsgang

__all__ = ["DELVIS_JAMFORBAR", "EJ_JAMFORBAR", "JAMFORBAR", "Break", "History", "HistoryCell", "load_history"]

MAX_EXEMPEL = 5  # differing values / missing units named in a warning


@dataclass(frozen=True, slots=True)
class HistoryCell:
    """One year's value of one indicator for the sheet's unit (or city)."""

    varde: str | int | None  # unit value (None = bortfall) or the city's share (None = not shown)
    saknas: bool  # no row that year (unit or indicator absent from the year's file)
    jamforbarhet: str  # of the step from the previous year shown; JAMFORBAR for the first year or no value


@dataclass(frozen=True)
class Break:
    """A break in an indicator's series: the step into `steg.till` is not (fully) comparable."""

    indikator: Indicator
    steg: Step


@dataclass(frozen=True, eq=False)
class History:
    year: int  # the sheet's year (its values come from Results)
    years: tuple[int, ...]  # every year shown, ascending; includes `year`
    sources: tuple[tuple[int, str], ...]  # the files given, by year (file name only: the sheet shows it)
    inputs: tuple[TrendInput, ...]  # one per year of `years`
    steg: tuple[tuple[Step | None, ...], ...]  # per indicator of the sheet's catalogue, per year
    ids: tuple[str, ...]  # the sheet's catalogue's indicator ids
    marks: tuple[tuple[str, ...], ...]  # per indicator, per year: comparability of the step into it
    brott: tuple[Break, ...]  # every break between the years shown, catalogue order
    warnings: tuple[Problem, ...]
    year_ids: tuple[tuple[str, ...], ...] = ()  # per indicator, per year: its id that year (renamed ones)
    populations: tuple = ()  # per year of `years`: its population (units, cities)

    def missing_years(self, niva: str, kod: str) -> tuple[int, ...]:
        """The years shown whose population has no such unit (or city): it did not exist then."""
        out = []
        for year, pop in zip(self.years, self.populations):
            if pop is None:
                continue
            exists = kod in pop.cities if niva == NIVA_STORSTAD else kod in pop.by_kod
            if not exists:
                out.append(year)
        return tuple(out)

    def serie(self, niva: str, kod: str) -> tuple[tuple[HistoryCell, ...], ...]:
        """Per indicator of the sheet's catalogue, one cell per year of `years`."""
        city = niva == NIVA_STORSTAD
        rows_by_year = [inp.rows for inp in self.inputs]
        made = _CELLS  # the few distinct cells, shared by every sheet
        out = []
        year_ids = self.year_ids or tuple((ind_id,) * len(self.years) for ind_id in self.ids)
        for ind_ids, marks in zip(year_ids, self.marks):
            cells = []
            for rows, mark, ind_id in zip(rows_by_year, marks, ind_ids):
                row = rows.get((niva, kod, ind_id))
                if row is None:
                    cells.append(_SAKNAS)
                    continue
                v = row.varde
                cell = made.get((city, v, mark))
                if cell is None:
                    varde = (int(v) if v else None) if city else (v or None)
                    cell = made[city, v, mark] = HistoryCell(varde, False, mark if varde is not None else JAMFORBAR)
                cells.append(cell)
            out.append(tuple(cells))
        return tuple(out)


    def saknade(self, keys: Iterable[tuple[str, str]]) -> list[Problem]:
        """Warnings for the units/cities (niva, kod) that have no rows in a given year's file."""
        keys = list(keys)
        problems = []
        for year, inp, pop in zip(self.years, self.inputs, self.populations or (None,) * len(self.years)):
            if inp.source is None:
                continue
            present = {(niva, kod) for niva, kod, _ in inp.rows}
            absent = [(niva, kod) for niva, kod in keys if (niva, kod) not in present]
            gone = [kod for niva, kod in absent if year in self.missing_years(niva, kod)]
            if gone:
                shown = ", ".join(gone[:MAX_EXEMPEL]) + (" …" if len(gone) > MAX_EXEMPEL else "")
                problems.append(Problem(
                    f"year {inp.year}: {len(gone)} unit(s) did not exist in {inp.year} ({shown}: not in that year's "
                    f"population); the sheet says so and shows their {inp.year} values as 'uppgift saknas'",
                    file=inp.source, severity=WARNING,
                ))
            missing = [kod for niva, kod in absent if year not in self.missing_years(niva, kod)]
            if missing:
                shown = ", ".join(missing[:MAX_EXEMPEL]) + (" …" if len(missing) > MAX_EXEMPEL else "")
                problems.append(Problem(
                    f"year {inp.year}: no rows for {len(missing)} unit(s) ({shown}); "
                    f"their {inp.year} values are shown as 'uppgift saknas'",
                    file=inp.source, severity=WARNING,
                ))
        return problems


_SAKNAS = HistoryCell(None, True, JAMFORBAR)
_CELLS: dict[tuple[bool, str, str], HistoryCell] = {}


def current_input(results: Results) -> TrendInput:
    """This run's unit values and city shares as one year of the series (the tidy export's rows)."""
    ids = results.catalogue.ids
    rows: dict[tuple[str, str, str], TidyRow] = {}
    for kod, values in results.unit_values.items():
        for ind, value in zip(ids, values):
            rows[NIVA_ENHET, kod, ind] = TidyRow(NIVA_ENHET, kod, ind, value or "", None)
    for gr in results.groups:
        if gr.group.niva == NIVA_STORSTAD:
            kod = gr.group.kod
            for ind, agg in zip(ids, gr.aggregates):
                andel = "" if agg.andel is None else str(agg.andel)  # as the tidy export writes it
                rows[NIVA_STORSTAD, kod, ind] = TidyRow(NIVA_STORSTAD, kod, ind, andel, None)
    return TrendInput(results.year, None, rows, ids, results.arsgang)


def load_history(pairs: Sequence[tuple[int, str | Path]], results: Results,
                 arsgangar: "Mapping[int, Arsgang] | None" = None) -> History:
    """Read the tidy exports (YEAR, file) once, each with its year's årgång (`arsgangar`, else the
    embedded one). Raises InputError (every problem, naming the file) or ArsgangError."""
    inputs = read_inputs(pairs, arsgangar)
    now = current_input(results)
    warnings: list[Problem] = []
    series: list[TrendInput] = []
    for inp in inputs:
        if inp.year == results.year:
            warnings += _compare(inp, now)
        else:
            series.append(inp)
    series.append(now)
    series.sort(key=lambda inp: inp.year)
    years = tuple(inp.year for inp in series)

    every = arsgangar_between(years, {inp.year: inp.arsgang for inp in series if inp.arsgang is not None})  # all given
    by_id = {ti.id_in(results.year): ti for ti in trend_indicators(series, every)}
    steg = []
    brott = []
    year_ids = []
    for ind in results.catalogue.indicators:
        ti = by_id[ind.id]
        steps = tuple(ti.step_to(y) if y in ti.ar else None for y in years)
        steg.append(steps)
        year_ids.append(tuple(ti.id_in(y) for y in years))
        brott += [Break(ind, s) for s in steps if s is not None and s.brott]
    return History(
        year=results.year,
        years=years,
        sources=tuple((inp.year, Path(inp.source).name) for inp in inputs),
        inputs=tuple(series),
        steg=tuple(steg),
        ids=results.catalogue.ids,
        marks=tuple(tuple(JAMFORBAR if st is None else st.jamforbarhet for st in steps) for steps in steg),
        brott=tuple(brott),
        warnings=tuple(warnings),
        year_ids=tuple(year_ids) if any(len(set(ids)) > 1 for ids in year_ids) else (),
        populations=tuple(every[y].population if y in every else None for y in years),
    )


def _compare(given: TrendInput, now: TrendInput) -> list[Problem]:
    """A warning when the tidy export given for the sheet's own year differs from this run's values."""
    differing = []
    for key, row in now.rows.items():
        other = given.rows.get(key)
        if other is not None and other.varde != row.varde:
            differing.append((key, other.varde, row.varde))
    if not differing:
        return []
    examples = "; ".join(
        f"{kod} {ind}: {old or '(blank)'} in the file, {new or '(blank)'} now" for (_, kod, ind), old, new in differing[:MAX_EXEMPEL]
    )
    return [Problem(
        f"year {given.year} is the sheet's own year, but {len(differing)} value(s) differ from this run's results "
        f"({examples}): the history file is not from the same data; the sheet shows this run's values",
        file=given.source, severity=WARNING,
    )]
