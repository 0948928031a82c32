"""`ojexcel arsgang check DIR` and `ojexcel arsgang new DIR --from 2018`: a survey year as data."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import Folder, fail, say, writing

SHOWN = 2000  # problems printed by `check`: all of them, as far as anyone reads


@click.group()
def arsgang() -> None:
    """A survey year as data (årgång): check one, or start next year's from one (docs/arsgang.md)."""


@arsgang.command()
@click.argument("folder", metavar="DIR|YEAR")
def check(folder: str) -> None:
    """Check an årgång folder (or an embedded YEAR): every problem, each naming its file, row or
    key and value. Exit status 0 when there is no error (warnings are listed), 1 otherwise."""
    from ..problems import ERROR, format_problems
    from ..survey.arsgang import check_arsgang

    result, problems = check_arsgang(folder)
    for line in format_problems(problems, limit=SHOWN):
        click.echo(line, err=True)
    errors = sum(p.severity == ERROR for p in problems)
    warnings = len(problems) - errors
    if errors or result is None:
        say(f"ojexcel arsgang check: {folder}: {errors} error(s), {warnings} warning(s); the årgång cannot be used yet")
        sys.exit(1)
    say(f"{folder}: årgång {result.year}, no errors" + (f", {warnings} warning(s)" if warnings else "") + ".")
    for line in summary(result):
        say(f"  {line}")


def summary(a) -> list[str]:
    """What the årgång holds, in a few lines (after a check without errors)."""
    pop = a.population
    districts = [u for u in pop.units if u.is_district]
    cities = ", ".join(f"{pop.municipalities[c]} {len(pop.districts_of(c))}" for c in pop.cities)
    lines = [
        f"{a.title}",
        f"{len(pop.units)} units: {len(pop.units) - len(districts)} municipalities, {len(districts)} districts"
        + (f" ({cities})" if cities else ""),
        f"{len(a.catalogue)} indicators over {len(a.codebook.questions)} questions; a share is not shown above "
        f"{a.undertryckning} % ej aktuellt + bortfall",
        f"kommungrupper: {', '.join(f'{k} {sum(u.kommungrupp == k for u in pop.units)}' for k in pop.kommungrupper)}"
        + (" (checked against folkmangd.csv)" if a.folkmangd is not None else " (no folkmangd.csv: not checked)"),
    ]
    if a.previous_year is not None:
        ids = a.previous_ids or frozenset()
        new = [i for i in a.catalogue.ids if a.comparability_of(i) is None]
        broken = [i for i in a.catalogue.ids if (c := a.comparability_of(i)) is not None and c.jamforbarhet != "jämförbar"]
        gone = sorted(ids - {c.foregaende for i in a.catalogue.ids if (c := a.comparability_of(i)) is not None})
        lines.append(f"compared with {a.previous_year}: {len(broken)} not (fully) comparable, {len(new)} new"
                     + (f" ({', '.join(new[:5])}{' …' if len(new) > 5 else ''})" if new else "")
                     + f", {len(gone)} of {a.previous_year}'s not continued")
    else:
        lines.append("the first year of a series (no foregaende)")
    lines.append(f"Kolada: {len(a.kpis)} KPIs" if a.kpis is not None else "Kolada: no kolada.csv")
    return lines


@arsgang.command()
@click.argument("folder", type=Folder(path_type=Path), metavar="DIR")
@click.option("--from", "source", required=True, metavar="YEAR|DIR",
              help="The årgång to start from: an embedded year (2018) or an årgång folder.")
@click.option("--ar", "year", type=int, help="The new årgång's year (default: the source's year + 1).")
@click.option("-q", "--quiet", is_flag=True, help="Do not print the summary.")
def new(folder: Path, source: str, year: int | None, quiet: bool) -> None:
    """Start next year's årgång in DIR (new, or an empty folder) as an editable copy of --from,
    with a guide (LASMIG.md) on what to change each year."""
    from ..survey.arsgang import ArsgangError
    from ..survey.arsgang_new import create_arsgang

    try:
        with writing():
            made_from, paths = create_arsgang(folder, source, year)
    except ArsgangError as exc:
        fail(f"--from {source}: {exc}; nothing was written", exc.problems, exc.omitted)
    if not quiet:
        say(f"{folder}: årgång {year or made_from.year + 1} from {made_from.name}: "
            f"{', '.join(p.name for p in paths)}")
        say(f"Edit the files (see {folder / 'LASMIG.md'}), then: ojexcel arsgang check {folder}")


__all__ = ["arsgang", "check", "new", "summary"]
