"""`ojexcel isu …`: the case-level follow-up commands (CONTRACT isu §1–§7).

Shares the survey commands' conventions (`ojexcel.cli`): every input problem listed with exit 1
and nothing written; usage errors exit 2; an unexpected error is one line, exit 3; outputs are
written atomically.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

SAMPLE_NAME = "isu_arenden.csv"


def sample_path() -> Path:
    """The embedded synthetic sample (`samples/isu_arenden.csv`)."""
    from ..resources import SAMPLES, resource

    node = resource(SAMPLES, SAMPLE_NAME)
    if not node.is_file():
        raise FileNotFoundError("the embedded ISU sample is missing from the installation")
    return Path(str(node))


def parse_period(text: str | None) -> tuple[_dt.date | None, _dt.date | None]:
    """`FRÅN:TILL`, ISO dates, inclusive; either side may be left open (`2022-01-01:`)."""
    if text is None:
        return (None, None)
    if text.count(":") != 1:
        raise click.BadParameter("give FRÅN:TILL as ISO dates, e.g. 2021-01-01:2023-12-31", param_hint="--period")
    parts = []
    for side in text.split(":"):
        side = side.strip()
        if not side:
            parts.append(None)
            continue
        try:
            if len(side) != 10:
                raise ValueError
            parts.append(_dt.date.fromisoformat(side))
        except ValueError:
            raise click.BadParameter(f"{side!r} is not an ISO date ÅÅÅÅ-MM-DD", param_hint="--period") from None
    if parts[0] is not None and parts[1] is not None and parts[0] > parts[1]:
        raise click.BadParameter(f"the period starts after it ends ({text})", param_hint="--period")
    return (parts[0], parts[1])


@click.group()
def isu() -> None:
    """Case-level follow-up (ISU, SU-Kvinnofrid): ärende records → the national tables."""


@isu.command("build")
@click.argument("arenden", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The workbook to write (.xlsx).")
@click.option("--tidy", "tidy", type=click.Path(dir_okay=False, path_type=Path), help="Also write the tidy export (CSV).")
@click.option("--period", "period", metavar="FRÅN:TILL", help="Keep ärenden with datum_aktualisering in this period (ISO dates, inclusive).")
@click.option("--minsta-antal", "minsta_antal", type=click.IntRange(min=1), default=5, show_default=True,
              help="Counts and bases below this are masked (1 shows everything).")
@click.option("-q", "--quiet", is_flag=True, help="Do not print warnings or the summary.")
def build(arenden: Path | None, out: Path, tidy: Path | None, period: str | None, minsta_antal: int, quiet: bool) -> None:
    """Compile ärende records (ARENDEN: CSV or XLSX) into the workbook and the tidy export.

    Without ARENDEN the embedded synthetic sample is used.
    """
    from ..cli import _echo_problems, fail, reading, refuse_overwrite, writing
    from ..output import atomic_outputs, check_writable
    from ..population import load_population
    from .arbetsbok import write_isu_workbook
    from .arenden import read_arenden
    from .kodbok import load_kodbok
    from .tabeller import sammanstall
    from .tidy import write_isu_tidy

    fran_till = parse_period(period)
    outputs = [out] + ([tidy] if tidy else [])
    if tidy is not None and tidy.resolve() == out.resolve():
        fail("--out and --tidy name the same file")
    source = arenden if arenden is not None else sample_path()
    refuse_overwrite((source,), outputs)
    with reading(warnings=not quiet):
        for o in outputs:
            check_writable(o)
        data = read_arenden(source, load_kodbok(), load_population(), period=fran_till)
        resultat = sammanstall(data, minsta_antal=minsta_antal)
    if not quiet:
        _echo_problems(data.warnings)
    with writing(), atomic_outputs(*outputs) as temps:
        write_isu_workbook(resultat, temps[0])
        if tidy:
            write_isu_tidy(resultat, temps[1])
    if not quiet:
        left = f"; {data.utanfor_period} outside the period" if data.utanfor_period else ""
        click.echo(f"{out}: {data.n} ärenden in {len(data.enheter)} units{left}; masking below {minsta_antal}"
                   + (f"; tidy export {tidy}" if tidy else ""), err=True)
