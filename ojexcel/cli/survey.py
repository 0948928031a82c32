"""The survey commands: `ojexcel build`, `kommun`, `kolada`, `trend` (`diff` and `dump`, for both
products, are in `compare.py`)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import (
    ARSGANG_HELP,
    YEAR_HELP,
    Folder,
    arsgang_files,
    arsgang_reading,
    check_out_dir,
    check_suffix,
    echo_problems,
    fail,
    history_arsgangar,
    kommun_arguments,
    load_arsgangar,
    reading,
    refuse_overwrite,
    say,
    the_arsgang,
    the_responses,
    workbook_and_tidy,
    writing,
)

@click.command()
@click.argument("responses", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, help=YEAR_HELP)
@click.option("--arsgang", "arsgang_dir", metavar="DIR", help=ARSGANG_HELP)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The workbook to write (.xlsx).")
@click.option("--tidy", "tidy", type=click.Path(dir_okay=False, path_type=Path), help="Also write the tidy export (CSV).")
@click.option(
    "--granskning", "granskning", type=click.Path(dir_okay=False, path_type=Path),
    help="Review overrides (CSV/XLSX: enhetskod,kolumn,nytt_varde,motivering) applied to the raw answers.",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not print warnings or the summary.")
def build(responses: Path | None, year: int | None, arsgang_dir: str | None, out: Path, tidy: Path | None,
          granskning: Path | None, quiet: bool) -> None:
    """Build the workbook (and tidy export) from RESPONSES (CSV or XLSX).

    The survey year is --year (an embedded årgång) or --arsgang DIR (a year as data). Without
    RESPONSES the embedded synthetic sample of YEAR is used.
    """
    from ..io.output import atomic_outputs, check_writable
    from ..survey.compilation import build_results
    from ..survey.tidy import write_tidy_file
    from ..survey.workbook import write_workbook

    with arsgang_reading():
        arsgang = the_arsgang(year, load_arsgangar((arsgang_dir,) if arsgang_dir else ()))
    inputs = (the_responses(responses, arsgang), granskning, *arsgang_files(arsgang))
    outputs = workbook_and_tidy(out, tidy, inputs)
    with reading(warnings=not quiet):
        for o in outputs:
            check_writable(o)
        results = build_results(responses, arsgang, granskning)

    if not quiet:
        echo_problems(results.warnings)
    with writing(), atomic_outputs(*outputs, inputs=inputs) as temps:
        write_workbook(results, temps[0])
        if tidy:
            write_tidy_file(results, temps[1])
    if not quiet:
        say(
            f"{out}: {len(results.population.units)} units, {results.answered_survey} answered the survey, "
            f"{results.answered_vinr} the VINR part; {len(results.catalogue)} indicators"
            + (f"; {len(results.granskning)} review override(s) applied" if results.granskning else "")
            + (f"; tidy export {tidy}" if tidy else ""),
        )


@click.command()
@click.argument("args", nargs=-1, metavar="[KOD] [RESPONSES]")
@click.option("--year", type=int, help=YEAR_HELP)
@click.option("--arsgang", "arsgang_dirs", multiple=True, metavar="[YEAR=]DIR",
              help=ARSGANG_HELP + " Repeat for the years of --history that are not embedded.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="The file to write (one unit).")
@click.option("--all", "all_units", is_flag=True, help="Write one file per unit and per big city into --out-dir.")
@click.option("--out-dir", "out_dir", type=Folder(file_okay=False, path_type=Path), help="Folder for --all.")
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "html"]), default=None,
    help="xlsx (default) or html: one self-contained page. Without it, --out's suffix decides.",
)
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Worker processes for --all (0: one per core).")
@click.option(
    "--history", "history", multiple=True, metavar="YEAR=TIDY.csv",
    help="Add the unit's own values of that year from its tidy export (repeat, or several in one value).",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not print warnings, progress or the summary.")
def kommun(args: tuple[str, ...], year: int | None, arsgang_dirs: tuple[str, ...], out: Path | None, all_units: bool,
           out_dir: Path | None, fmt: str | None, jobs: int, history: tuple[str, ...], quiet: bool) -> None:
    """A municipality's own sheet: its results beside its län, riket, kommungrupp and SKL-grupp.

    KOD is a kommunkod (0114), a district code (0180-01), a city (0180, 1480, 1280) or a name
    (case-insensitive; a unique prefix will do). With --all, every unit and city is written to
    --out-dir and KOD is left out. Without RESPONSES the embedded sample of YEAR is used.
    --history 2016=TIDY16.csv adds the unit's own series (a city: its share) with comparability
    markers; YEAR's own values always come from this run. The year is --year (embedded) or
    --arsgang DIR; a --history year that is not embedded needs its --arsgang YEAR=DIR too.
    """
    from ..io.output import check_writable
    from ..population import NIVA_ENHET, NIVA_STORSTAD
    from ..survey.compilation import build_results
    from ..survey.kommun_report import find_enhet
    from ..survey.kommun_report_all import write_all, write_one
    from ..survey.trend import parse_year_files

    try:
        history_files = parse_year_files(history)
    except ValueError as exc:
        raise click.UsageError(f"--history {exc}") from None
    kod, responses, fmt = kommun_arguments(args, out, all_units, out_dir, fmt,
                                           other_inputs=tuple(given for _, given in history_files))

    arsgang, given = history_arsgangar(year, arsgang_dirs, [y for y, _ in history_files])
    with reading():
        enhet = None if kod is None else find_enhet(arsgang.population, kod)
        inputs = (the_responses(responses, arsgang), *(given for _, given in history_files),
                  *(f for a in given.values() for f in arsgang_files(a)))
        if out is not None:
            refuse_overwrite(inputs, (out,))
            check_writable(out)
        else:
            check_out_dir(out_dir)
            from ..survey.kommun_report import all_enheter
            from ..survey.kommun_report_all import file_name

            # every file --all would write: none may be an input
            refuse_overwrite(inputs, [out_dir / file_name(e, fmt) for e in all_enheter(arsgang.population)])
        results = build_results(responses, arsgang)
        historik = None
        if history_files:
            from ..survey.kommun_history import load_history
            from ..survey.kommun_report import all_enheter

            historik = load_history(history_files, results, given)
            shown = (enhet,) if enhet is not None else all_enheter(results.population)
            historik_warnings = list(historik.warnings) + historik.saknade(
                (NIVA_STORSTAD if e.is_city else NIVA_ENHET, e.kod) for e in shown
            )

    if not quiet:
        echo_problems(results.warnings)
        if historik is not None:
            echo_problems(historik_warnings)
    with writing():
        if enhet is not None:
            write_one(results, enhet, fmt, out, historik)
            if not quiet:
                say(f"{out}: {enhet.namn} ({enhet.kod}), {len(results.catalogue)} indicators")
            return
        from ..io.output import output_folder

        with output_folder(out_dir):  # a failed run removes the folder it made (D176)
            n = len(results.population.units) + len(results.population.cities)
            if not quiet and sys.stderr.isatty():
                with click.progressbar(length=n, label=f"Writing {n} files", file=sys.stderr) as bar:
                    paths = write_all(results, out_dir, fmt, jobs, bar.update, historik)
            else:
                paths = write_all(results, out_dir, fmt, jobs, historik=historik)
    if not quiet:
        say(f"{out_dir}: {len(paths)} {fmt} files (units and cities)")


@click.command()
@click.argument("tidy", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="The survey year of TIDY (an embedded årgång): Kolada's period.")
@click.option("--arsgang", "arsgang_dir", metavar="DIR", help=ARSGANG_HELP + " Its kolada.csv codes the values.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The Kolada CSV to write.")
@click.option("--stadsdelar", is_flag=True, help="Also export the districts of Stockholm, Göteborg and Malmö (under this project's district codes).")
@click.option("-q", "--quiet", is_flag=True, help="Do not print the summary.")
def kolada(tidy: Path, year: int | None, arsgang_dir: str | None, out: Path, stadsdelar: bool, quiet: bool) -> None:
    """Code the unit values of a tidy export (TIDY) as Kolada publishes them: kpi,enhetskod,period,varde.

    The coding is the årgång's kolada.csv: --year's embedded one, or --arsgang DIR's."""
    from ..io.output import atomic_outputs, check_writable
    from ..survey.kolada import kolada_rows, write_kolada_file
    from ..survey.tidy import read_tidy

    with arsgang_reading():
        arsgang = the_arsgang(year, load_arsgangar((arsgang_dir,) if arsgang_dir else ()))
    refuse_overwrite((tidy, *arsgang_files(arsgang)), (out,))
    check_suffix("--out", out, (".csv",), "the Kolada export")
    if arsgang.kpis is None:
        fail(f"the årgång {arsgang.name} has no kolada.csv: nothing says how its indicators are coded in Kolada")
    year = arsgang.year
    with reading():
        check_writable(out)
        rows = kolada_rows(
            read_tidy(tidy, year), year, arsgang.population, arsgang.kpis, known_ids=arsgang.catalogue.ids,
            source=str(tidy), include_districts=stadsdelar,
        )
    with writing(), atomic_outputs(out) as temps:
        write_kolada_file(rows, temps[0])
    if not quiet:
        say(f"{out}: {len(rows)} Kolada values for {year}")


@click.command()
@click.argument("years", nargs=-1, required=True, metavar="YEAR=TIDY.csv...")
@click.option("--arsgang", "arsgang_dirs", multiple=True, metavar="[YEAR=]DIR",
              help="The årgång folder of a year that is not embedded (repeat: one per such year).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The trend workbook to write (.xlsx).")
@click.option("-q", "--quiet", is_flag=True, help="Do not print the summary.")
def trend(years: tuple[str, ...], arsgang_dirs: tuple[str, ...], out: Path, quiet: bool) -> None:
    """Years side by side from tidy exports of several years, e.g. 2016=t16.csv 2017=t17.csv.

    Each year is read with its årgång: the embedded one, or --arsgang [YEAR=]DIR. Indicators are
    matched by id (or a renamed one by its foregaende_indikator); a value that is not (or only
    partly) comparable with the previous year is marked, and no change is computed across a
    break. A unit that exists in some of the years only is listed, not an error.
    """
    from ..io.output import atomic_outputs, check_writable
    from ..survey.trend import build_trend, parse_year_files, read_inputs
    from ..survey.trend_xlsx import write_trend_workbook

    try:
        pairs = parse_year_files(years)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    with arsgang_reading():
        given = load_arsgangar(arsgang_dirs)
    unused = sorted(set(given) - {y for y, _ in pairs})
    if unused:
        raise click.UsageError(f"--arsgang for {', '.join(map(str, unused))}, which is not one of the years given")
    refuse_overwrite([p for _, p in pairs] + [f for a in given.values() for f in arsgang_files(a)], (out,))
    check_suffix("--out", out, (".xlsx",), "the trend workbook")
    with reading():
        check_writable(out)
        model = build_trend(read_inputs(pairs, given))
    with writing(), atomic_outputs(out) as temps:
        write_trend_workbook(model, temps[0])
    if not quiet:
        say(
            f"{out}: {_count(len(model.years), 'year')} ({', '.join(map(str, model.years))}), "
            f"{_count(len(model.indicators), 'indicator')}, "
            f"{len(model.breaks)} comparability break(s) marked"
        )
        if model.some_years:
            say(f"{len(model.some_years)} unit(s) exist in some of the years only (their other years show "
                "'uppgift saknas'):")
            for e in model.some_years[:20]:
                say(f"  {e.kod} {e.namn}: {', '.join(map(str, e.ar))}")
            if len(model.some_years) > 20:
                say(f"  … and {len(model.some_years) - 20} more (sheet 'Om tabellerna')")


def _count(n: int, noun: str) -> str:
    """'1 year', '3 years'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
