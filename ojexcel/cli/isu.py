"""`ojexcel isu …`: the case-level follow-up commands (CONTRACT isu §1–§7).

Shares the survey commands' conventions (`ojexcel.cli`): every input problem listed with exit 1
and nothing written; usage errors exit 2; an unexpected error is one line, exit 3; outputs are
written atomically.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

def sample_path() -> Path:
    """The embedded synthetic sample (`samples/isu_arenden.csv`)."""
    from ..io.resources import isu_sample

    return isu_sample()


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


# The options `build` and `kommun` share.
period_option = click.option("--period", "period", metavar="FRÅN:TILL",
                             help="Keep ärenden with datum_aktualisering in this period (ISO dates, inclusive).")
minsta_antal_option = click.option("--minsta-antal", "minsta_antal", type=click.IntRange(min=1), default=5,
                                   show_default=True, help="Counts and bases below this are masked (1 shows everything).")


@click.group()
def isu() -> None:
    """Case-level follow-up (ISU, SU-Kvinnofrid): ärende records → the national tables."""


@isu.command("build")
@click.argument("arenden", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The workbook to write (.xlsx).")
@click.option("--tidy", "tidy", type=click.Path(dir_okay=False, path_type=Path), help="Also write the tidy export (CSV).")
@period_option
@minsta_antal_option
@click.option("-q", "--quiet", is_flag=True, help="Do not print warnings or the summary.")
def build(arenden: Path | None, out: Path, tidy: Path | None, period: str | None, minsta_antal: int, quiet: bool) -> None:
    """Compile ärende records (ARENDEN: CSV or XLSX) into the workbook and the tidy export.

    Without ARENDEN the embedded synthetic sample is used.
    """
    from ..io.output import atomic_outputs, check_writable
    from ..isu.codebook import load_codebook
    from ..isu.reader import read_arenden
    from ..population import load_population
    from .common import echo_problems, reading, say, workbook_and_tidy, writing

    fran_till = parse_period(period)
    source = arenden if arenden is not None else sample_path()
    outputs = workbook_and_tidy(out, tidy, (source,))
    with reading(warnings=not quiet):
        for o in outputs:
            check_writable(o)
        data = read_arenden(source, load_codebook(), load_population(), period=fran_till)
        # The compilation and the writers are imported once the input is known to be valid.
        from ..isu.compilation import compile_tables

        resultat = compile_tables(data, minsta_antal=minsta_antal)
    if not quiet:
        echo_problems(data.warnings)
    from ..isu.tidy import write_isu_tidy
    from ..isu.workbook import write_isu_workbook

    with writing(), atomic_outputs(*outputs, inputs=(source,)) as temps:
        write_isu_workbook(resultat, temps[0])
        if tidy:
            write_isu_tidy(resultat, temps[1])
    if not quiet:
        left = f"; {data.utanfor_period} outside the period" if data.utanfor_period else ""
        say(f"{out}: {data.n} ärenden in {len(data.enheter)} units{left}; masking below {minsta_antal}"
            + (f"; tidy export {tidy}" if tidy else ""))


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
    from ..io.output import atomic_outputs, check_writable
    from ..population import load_population
    from ..problems import InputError
    from .common import check_suffix, echo_problems, reading, refuse_overwrite, say, writing

    check_suffix("--out", out, (".csv",), "the Kolada export")
    from ..isu.adults import read_adult_population
    from ..isu.codebook import load_codebook
    from ..isu.kolada import kolada_rows, write_kolada_file
    from ..isu.reader import read_arenden

    with reading(warnings=not quiet):
        source = arenden if arenden is not None else sample_path()
        refuse_overwrite((source, vuxna), (out,))
        check_writable(out)
        population = load_population()
        errors: list = []
        warnings: list = []
        tabell = data = None
        if vuxna is not None:  # both inputs are read, so one run lists the problems of both
            try:
                tabell = read_adult_population(vuxna, population)
            except InputError as exc:
                errors += exc.problems
                warnings += exc.warnings
        try:
            data = read_arenden(source, load_codebook(), population)
        except InputError as exc:
            errors += exc.problems
            warnings += exc.warnings
        if errors:
            raise InputError(errors, warnings)
        export = kolada_rows(data, load_codebook(), population, ar, tabell)
    if not quiet:
        echo_problems(data.warnings + export.warnings)
    with writing(), atomic_outputs(out) as temps:
        write_kolada_file(export.rader, temps[0])
    if not quiet:
        say(f"{out}: {len(export.rader)} rows for {ar} ({data.n} ärenden in {len(data.enheter)} units)"
            + (f"; {export.without_value} without a varde (no population row)" if export.without_value else "")
            + ("" if vuxna is not None else "; no --vuxna: vuxna and varde are empty"))


@isu.command("kommun")
@click.argument("args", nargs=-1, metavar="[KOD] [ARENDEN]")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="The report to write (.xlsx or .html).")
@click.option("--all", "all_units", is_flag=True, help="Write one report per kommun and stadsdel with ärenden into --out-dir.")
@click.option("--out-dir", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Folder for --all.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "html"]), default=None,
              help="xlsx or html (one self-contained page). Without it, --out's suffix decides; --all: xlsx. "
                   "A --format that disagrees with --out's suffix is refused.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Worker processes for --all (0: one per core).")
@period_option
@minsta_antal_option
@click.option("-q", "--quiet", is_flag=True, help="Do not print warnings, progress or the summary.")
def kommun(args: tuple[str, ...], out: Path | None, all_units: bool, out_dir: Path | None, fmt: str | None,
           jobs: int, period: str | None, minsta_antal: int, quiet: bool) -> None:
    """A kommun's or stadsdel's own report: its tables beside its län and samtliga.

    KOD is a kommunkod (0114), a district code (0180-01), a city (0180) or a name, as for
    `ojexcel kommun`. With --all, every kommun and stadsdel with ärenden is written to --out-dir
    (named by code) and KOD is left out. Without ARENDEN the embedded synthetic sample is used.
    """
    import sys

    from ..io.output import atomic_outputs, check_writable
    from ..isu.codebook import load_codebook
    from ..isu.kommun_report import build_kommun_report
    from ..isu.model import KOMMUN, STADSDEL
    from ..isu.reader import read_arenden
    from ..population import load_population
    from ..survey.kommun_report import find_enhet
    from .common import check_out_dir, echo_problems, kommun_arguments, reading, refuse_overwrite, say, writing

    fran_till = parse_period(period)
    kod, arenden, fmt = kommun_arguments(args, out, all_units, out_dir, fmt, indata="ARENDEN", fil="an ärende file",
                                         enheter="every kommun and stadsdel with ärenden")
    population = load_population()
    with reading(warnings=not quiet):
        enhet = None if kod is None else find_enhet(population, kod)
        source = arenden if arenden is not None else sample_path()
        if out is not None:
            refuse_overwrite((source,), (out,))
            check_writable(out)
        else:
            check_out_dir(out_dir)
        data = read_arenden(source, load_codebook(), population, period=fran_till)
        from ..isu.compilation import (
            compile_tables,  # once the input is known to be valid
        )

        resultat = compile_tables(data, minsta_antal=minsta_antal)
        if enhet is not None:
            niva = STADSDEL if enhet.is_district else KOMMUN
            rapport = build_kommun_report(resultat, population, niva, enhet.kod)
        else:  # every file --all writes: none may be the input
            from ..isu.kommun_report_all import enheter_with_arenden, file_name

            refuse_overwrite((source,), [out_dir / file_name(k, fmt) for _, k in enheter_with_arenden(resultat)])
    if not quiet:
        echo_problems(data.warnings)
    from ..isu.kommun_report_all import writer

    write = writer(fmt)
    with writing():
        if enhet is not None:
            with atomic_outputs(out) as (tmp,):
                write(rapport, tmp)
            if not quiet:
                say(f"{out}: {enhet.namn} ({enhet.kod}), {len(rapport.tabeller)} tables; masking below {minsta_antal}")
            return
        from ..isu.kommun_report_all import write_all

        n = len(enheter_with_arenden(resultat))
        from ..io.output import output_folder

        with output_folder(out_dir):  # a failed run removes the folder it made (D176)
            if not quiet and sys.stderr.isatty():
                with click.progressbar(length=n, label=f"Writing {n} files", file=sys.stderr) as bar:
                    paths = write_all(resultat, population, out_dir, fmt, jobs, bar.update)
            else:
                paths = write_all(resultat, population, out_dir, fmt, jobs)
    if not quiet:
        say(f"{out_dir}: {len(paths)} {fmt} reports (kommuner and stadsdelar with ärenden)")
