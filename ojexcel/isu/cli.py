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


@isu.command("kolada")
@click.argument("arenden", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--ar", "ar", required=True, type=click.IntRange(1900, 2999), metavar="ÅR",
              help="The year counted (Kolada's period).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The Kolada CSV to write.")
@click.option("--vuxna", "vuxna", type=click.Path(dir_okay=False, path_type=Path),
              help="Inhabitants 18+ per unit and year (CSV/XLSX: enhetskod,ar,vuxna) for the rates per 10 000.")
@click.option("-q", "--quiet", is_flag=True, help="Do not print warnings or the summary.")
def kolada(arenden: Path | None, ar: int, out: Path, vuxna: Path | None, quiet: bool) -> None:
    """Kolada's three IFO key figures (U30750, U30751, U30752) for ÅR from ärende records (ARENDEN).

    Writes kpi,enhetskod,period,antal,vuxna,varde: one row per KPI and per kommun and stadsdel
    with ärenden, ordered by kpi then enhetskod. Without ARENDEN the embedded synthetic sample is used.
    """
    from ..cli import _echo_problems, reading, refuse_overwrite, writing
    from ..output import atomic_outputs, check_writable
    from ..population import load_population
    from ..problems import InputError
    from .arenden import read_arenden
    from .kodbok import load_kodbok
    from .kolada import kolada_rader, write_kolada_file
    from .vuxna import read_vuxna

    source = arenden if arenden is not None else sample_path()
    refuse_overwrite((source, vuxna), (out,))
    with reading(warnings=not quiet):
        check_writable(out)
        population = load_population()
        errors: list = []
        warnings: list = []
        tabell = data = None
        if vuxna is not None:  # both inputs are read, so one run lists the problems of both
            try:
                tabell = read_vuxna(vuxna, population)
            except InputError as exc:
                errors += exc.problems
                warnings += exc.warnings
        try:
            data = read_arenden(source, load_kodbok(), population)
        except InputError as exc:
            errors += exc.problems
            warnings += exc.warnings
        if errors:
            raise InputError(errors, warnings)
        export = kolada_rader(data, load_kodbok(), population, ar, tabell)
    if not quiet:
        _echo_problems(data.warnings + export.warnings)
    with writing(), atomic_outputs(out) as temps:
        write_kolada_file(export.rader, temps[0])
    if not quiet:
        click.echo(f"{out}: {len(export.rader)} rows for {ar} ({data.n} ärenden in {len(data.enheter)} units)"
                   + (f"; {export.utan_varde} without a varde (no population row)" if export.utan_varde else "")
                   + ("" if vuxna is not None else "; no --vuxna: vuxna and varde are empty"), err=True)
