"""`ojexcel site OUT_DIR`: the comparison website, as one folder of static files (issue 19)."""
from __future__ import annotations

from pathlib import Path

import click

from .common import (
    ARSGANG_HELP,
    YEAR_HELP,
    Folder,
    arsgang_files,
    echo_problems,
    history_arsgangar,
    reading,
    say,
    the_responses,
    writing,
)


def year_results(responses: Path | None, arsgang, granskning: Path | None):
    """The year's results the site lays out, for the run's årgång (an embedded year or a folder,
    loaded): the one call that computes them."""
    from ..survey.compilation import build_results

    return build_results(responses, arsgang, granskning)


@click.command()
@click.argument("out_dir", type=Folder(file_okay=False, path_type=Path))
@click.argument("responses", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, help=YEAR_HELP)
@click.option("--arsgang", "arsgang_dirs", multiple=True, metavar="[YEAR=]DIR",
              help=ARSGANG_HELP + " Repeat for the years of --history that are not embedded.")
@click.option(
    "--history", "history", multiple=True, metavar="YEAR=TIDY.csv",
    help="Add every unit's own values of that year from its tidy export (repeat, or several in one value).",
)
@click.option("--isu", "isu", type=click.Path(dir_okay=False, path_type=Path),
              help="An ISU tidy export (ojexcel isu build --tidy): its figures on the pages of the units it covers.")
@click.option("--isu-minsta-antal", "isu_minsta_antal", type=click.IntRange(min=1), default=5, show_default=True,
              help="The masking threshold the ISU export was made with (the pages say it).")
@click.option(
    "--granskning", "granskning", type=click.Path(dir_okay=False, path_type=Path),
    help="Review overrides (CSV/XLSX: enhetskod,kolumn,nytt_varde,motivering) applied to the raw answers.",
)
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Worker processes (0: one per core).")
@click.option("-q", "--quiet", is_flag=True, help="Do not print warnings or the summary.")
def site(out_dir: Path, responses: Path | None, year: int | None, arsgang_dirs: tuple[str, ...],
         history: tuple[str, ...], isu: Path | None,
         isu_minsta_antal: int, granskning: Path | None, jobs: int, quiet: bool) -> None:
    """Write the comparison website into OUT_DIR: a page per unit, indicator and group, a map,
    search, the workbook and every unit's own sheet — static files that work from a folder, a USB
    stick or any web server, offline.

    The survey year is --year (an embedded årgång) or --arsgang DIR (a year as data); without
    RESPONSES the embedded sample of YEAR is used. --history 2016=TIDY16.csv adds each unit's and
    group's series with comparability marks; a --history year that is not embedded needs its
    --arsgang YEAR=DIR too. OUT_DIR is written all or nothing; an existing OUT_DIR
    is replaced only when it holds nothing but an earlier site.
    """
    from ..io.cover_sheet import package_version
    from ..io.output import atomic_folder, check_writable, refuse_inputs_inside
    from ..site.build import SiteInput, check_replaceable, write_site
    from ..survey.trend import parse_year_files

    try:
        history_files = parse_year_files(history)
    except ValueError as exc:
        raise click.UsageError(f"--history {exc}") from None
    arsgang, given = history_arsgangar(year, arsgang_dirs, [y for y, _ in history_files])
    inputs = [the_responses(responses, arsgang), granskning, isu, *(p for _, p in history_files),
              *(f for a in given.values() for f in arsgang_files(a))]
    inputs = [p for p in inputs if p is not None]
    with reading():
        check_writable(out_dir, is_folder=True)
        refuse_inputs_inside(out_dir, inputs)
        if out_dir.is_dir():
            check_replaceable(out_dir)  # before any work; again under the lock
        results = year_results(responses, arsgang, granskning)
        historik = None
        warnings = list(results.warnings)
        if history_files:
            from ..population import NIVA_ENHET, NIVA_STORSTAD
            from ..survey.kommun_history import load_history
            from ..survey.kommun_report import all_enheter

            historik = load_history(history_files, results, given)
            warnings += list(historik.warnings) + historik.saknade(
                (NIVA_STORSTAD if e.is_city else NIVA_ENHET, e.kod) for e in all_enheter(results.population))
        isu_input = None
        if isu is not None:
            isu_input = read_isu(isu, isu_minsta_antal, results.population)
    if not quiet:
        echo_problems(warnings)
    with writing(), atomic_folder(out_dir, inputs=inputs, may_replace=check_replaceable) as tmp:
        files = write_site(tmp, SiteInput(results, historik, isu_input), package_version(), jobs)
    if not quiet:
        pages = sum(name.endswith(".html") for name in files)
        say(f"{out_dir}: {pages} pages and {len(files) - pages} other files ({len(results.population.units)} units, "
            f"{len(results.catalogue)} indicators" + (f", {len(historik.years)} years" if historik else "")
            + (f", ISU figures for {len(isu_input.results.enheter('kommun')) + len(isu_input.results.enheter('stadsdel'))} units"
               if isu_input else "") + "); open index.html")


def read_isu(path: Path, minsta_antal: int, population):
    """The ISU tidy export, read by its one reader; every kommun and stadsdel code it names must be
    one of the population's (InputError naming the file otherwise)."""
    from ..isu.model import KOMMUN, STADSDEL
    from ..isu.tidy import read_isu_tidy
    from ..problems import InputError, Problem
    from ..site.pages import IsuInput

    results = read_isu_tidy(path, minsta_antal=minsta_antal)
    problems = []
    for kod in results.enheter(KOMMUN):
        if kod not in population.municipalities:
            problems.append(Problem("not a kommun of the population", file=str(path), column="kod", value=kod))
    for kod in results.enheter(STADSDEL):
        unit = population.by_kod.get(kod)
        if unit is None or not unit.is_district:
            problems.append(Problem("not a stadsdel of the population", file=str(path), column="kod", value=kod))
    if problems:
        raise InputError(problems)
    return IsuInput(results, path.name)
