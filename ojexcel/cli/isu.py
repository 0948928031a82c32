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
                                   show_default=True,
                                   help="A row whose published base is 1 to N-1 shows no number (1 shows every row).")
nyckelfil_option = click.option("--nyckelfil", "nyckelfil", metavar="FILE", type=click.Path(path_type=Path),
                                help="The publication's secret key file: its bytes key the noise (CONTRACT §2). "
                                     "Required unless --utan-brus; keep it, and use the same file for every output "
                                     "of one publication. The embedded sample has a demo key.")
utan_brus_option = click.option("--utan-brus", "utan_brus", is_flag=True,
                                help="The true numbers, without noise, for the publisher's own checks: NOT for "
                                     "publication. Every output says so; the tidy export's name must contain "
                                     "ej_for_publicering.")

UTAN_BRUS_MARK = "ej_for_publicering"  # in the name of a tidy export of the truth (D155)
UTAN_BRUS_WARNING = ("--utan-brus: the outputs hold the true numbers, without noise, and are marked "
                     "\"ej för publicering\"; never publish them")
DEMO_KEY_WARNING = ("NOT FOR PUBLICATION: the noise comes from the project's public demo key "
                    "(samples/isu_demo.key), so it protects nothing; the outputs say so. A publication "
                    "needs a secret key of its own: --nyckelfil FILE (D153, D180)")


class NoiseKey:
    """How a build perturbs: K (None under --utan-brus), the key file read (an input no output may
    replace), whether it is the embedded sample's demo key, and the key file's warnings."""

    def __init__(self, key: bytes | None, path: Path | None, demo: bool, warnings: list):
        self.key, self.path, self.demo, self.warnings = key, path, demo, warnings

    @property
    def inputs(self) -> tuple[Path, ...]:
        return () if self.path is None else (self.path,)


def noise_key(arenden: Path | None, nyckelfil: Path | None, utan_brus: bool, tidy: Path | None = None) -> NoiseKey:
    """§2 item 1's K for a build: --nyckelfil, nothing under --utan-brus, the demo key for the
    embedded sample alone (D153). Usage errors (exit 2) for a missing or contradictory choice; a
    key file that cannot be used is an input error (exit 1) — never a byte of it printed."""
    if utan_brus and nyckelfil is not None:
        raise click.UsageError("give --nyckelfil (a publication, with noise) or --utan-brus (the truth), not both")
    if utan_brus:
        if tidy is not None and UTAN_BRUS_MARK not in _mark_text(tidy.name):
            raise click.UsageError(f"--utan-brus: the tidy export holds the true numbers and its header cannot say so; "
                                   f"name it so that the name does (it must contain {UTAN_BRUS_MARK}), "
                                   f"e.g. --tidy {tidy.with_name(tidy.stem + '_' + UTAN_BRUS_MARK + tidy.suffix)}")
        return NoiseKey(None, None, False, [])
    from ..isu.cellkey import read_key_file

    if nyckelfil is None:
        if arenden is not None:
            raise click.UsageError("a publication needs its key file: --nyckelfil FILE (the secret that keys the "
                                   "noise, CONTRACT §2; make one with `head -c 32 /dev/urandom > isu.key` and keep it), "
                                   "or --utan-brus for the true numbers (not for publication)")
        from ..io.resources import isu_demo_key

        demo = isu_demo_key()
        key, warnings = read_key_file(demo)
        return NoiseKey(key, demo, True, warnings)
    from ..io.resources import isu_demo_key

    key, warnings = read_key_file(nyckelfil)
    # the public demo key given by name is still the demo key: its outputs must say so (D180)
    return NoiseKey(key, nyckelfil, key == read_key_file(isu_demo_key())[0], warnings)


def _mark_text(name: str) -> str:
    return name.lower().replace("-", "_").replace("ö", "o")


def run_gate(resultat, quiet: bool) -> None:
    """§2 item 7: audit the export before anything is written; refuse (exit 1) an export in which
    an outsider can pin a small count (D162)."""
    if resultat.utan_brus:
        return
    from ..isu.gate import check
    from .common import fail, say

    result = check(resultat)
    if result.ok:
        if not quiet:
            s = result.summary
            say(f"audit (CONTRACT §2 item 7): no count of 1–{resultat.minsta_antal - 1} can be pinned "
                f"({s['unknowns']} counts audited, {result.seconds:.1f} s)")
        return
    shown = "; ".join(f"{niva} {kod} {tabell} {delgrupp or '(alla)'} {kategori} ({measure})".replace("  ", " ")
                      for niva, kod, tabell, delgrupp, kategori, measure, _ in result.cells[:5])
    fail(f"the audit (CONTRACT §2 item 7) finds {result.pinned} count(s) of 1–{resultat.minsta_antal - 1} ärenden "
         f"that an outsider could work out exactly from the export ({len(result.cells)} cells, e.g. {shown}); "
         f"nothing was written. Raise --minsta-antal, or report it: the rules must close it. Do not try other "
         f"keys until one passes — that choice itself tells an outsider something.")


@click.group()
def isu() -> None:
    """Case-level follow-up (ISU, SU-Kvinnofrid): ärende records → the national tables."""


@isu.command("build")
@click.argument("arenden", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The workbook to write (.xlsx).")
@click.option("--tidy", "tidy", type=click.Path(dir_okay=False, path_type=Path), help="Also write the tidy export (CSV).")
@period_option
@minsta_antal_option
@nyckelfil_option
@utan_brus_option
@click.option("-q", "--quiet", is_flag=True, help="Do not print warnings or the summary.")
def build(arenden: Path | None, out: Path, tidy: Path | None, period: str | None, minsta_antal: int,
          nyckelfil: Path | None, utan_brus: bool, quiet: bool) -> None:
    """Compile ärende records (ARENDEN: CSV or XLSX) into the workbook and the tidy export.

    Every count is published with the noise of CONTRACT §2 (a cell key method keyed by
    --nyckelfil), and the export is audited before it is written. Without ARENDEN the embedded
    synthetic sample is used, with its demo key.
    """
    from ..io.output import atomic_outputs, check_writable
    from ..isu.codebook import load_codebook
    from ..isu.reader import read_arenden
    from ..population import load_population
    from .common import echo_problems, reading, say, workbook_and_tidy, writing

    fran_till = parse_period(period)
    source = arenden if arenden is not None else sample_path()
    with reading(warnings=not quiet):
        brus = noise_key(arenden, nyckelfil, utan_brus, tidy)
    outputs = workbook_and_tidy(out, tidy, (source,) + brus.inputs)
    if utan_brus:
        say(f"warning: {UTAN_BRUS_WARNING}")
    elif brus.demo and not quiet:
        say(f"warning: {DEMO_KEY_WARNING}")
    with reading(warnings=not quiet):
        for o in outputs:
            check_writable(o)
        data = read_arenden(source, load_codebook(), load_population(), period=fran_till, nyckel=brus.key)
        # The compilation and the writers are imported once the input is known to be valid.
        from ..isu.compilation import compile_tables

        resultat = compile_tables(data, minsta_antal=minsta_antal, utan_brus=utan_brus, demo_key=brus.demo)
    if not quiet:
        echo_problems(brus.warnings + data.warnings)
    run_gate(resultat, quiet)
    from ..isu.tidy import write_isu_tidy
    from ..isu.workbook import write_isu_workbook

    with writing(), atomic_outputs(*outputs, inputs=(source,) + brus.inputs) as temps:
        write_isu_workbook(resultat, temps[0])
        if tidy:
            write_isu_tidy(resultat, temps[1])
    if not quiet:
        left = f"; {data.utanfor_period} outside the period" if data.utanfor_period else ""
        how = ("the true numbers (--utan-brus)" if utan_brus else
               "perturbed with the demo key" if brus.demo else "perturbed (cell key)")
        say(f"{out}: {data.n} ärenden in {len(data.enheter)} units{left}; {how}, rows under {minsta_antal} hidden"
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
@nyckelfil_option
@utan_brus_option
@click.option("-q", "--quiet", is_flag=True, help="Do not print warnings, progress or the summary.")
def kommun(args: tuple[str, ...], out: Path | None, all_units: bool, out_dir: Path | None, fmt: str | None,
           jobs: int, period: str | None, minsta_antal: int, nyckelfil: Path | None, utan_brus: bool, quiet: bool) -> None:
    """A kommun's or stadsdel's own report: its tables beside its län and samtliga.

    KOD is a kommunkod (0114), a district code (0180-01), a city (0180) or a name, as for
    `ojexcel kommun`. With --all, every kommun and stadsdel with a published table is written to
    --out-dir (named by code) and KOD is left out. The numbers are those of the workbook and the
    tidy export built with the same --nyckelfil. Without ARENDEN the embedded synthetic sample is
    used, with its demo key.
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
        brus = noise_key(arenden, nyckelfil, utan_brus)
        enhet = None if kod is None else find_enhet(population, kod)
        source = arenden if arenden is not None else sample_path()
        if out is not None:
            refuse_overwrite((source,) + brus.inputs, (out,))
            check_writable(out)
        else:
            check_out_dir(out_dir)
    if utan_brus:
        say(f"warning: {UTAN_BRUS_WARNING}")
    elif brus.demo and not quiet:
        say(f"warning: {DEMO_KEY_WARNING}")
    with reading(warnings=not quiet):
        data = read_arenden(source, load_codebook(), population, period=fran_till, nyckel=brus.key)
        from ..isu.compilation import (
            compile_tables,  # once the input is known to be valid
        )

        resultat = compile_tables(data, minsta_antal=minsta_antal, utan_brus=utan_brus, demo_key=brus.demo)
        if enhet is not None:
            niva = STADSDEL if enhet.is_district else KOMMUN
            rapport = build_kommun_report(resultat, population, niva, enhet.kod)
        else:  # every file --all writes: none may be an input
            from ..isu.kommun_report_all import enheter_with_arenden, file_name

            refuse_overwrite((source,) + brus.inputs,
                             [out_dir / file_name(k, fmt) for _, k in enheter_with_arenden(resultat)])
    if not quiet:
        echo_problems(brus.warnings + data.warnings)
    run_gate(resultat, quiet)
    from ..isu.kommun_report_all import writer

    write = writer(fmt)
    with writing():
        if enhet is not None:
            with atomic_outputs(out) as (tmp,):
                write(rapport, tmp)
            if not quiet:
                how = ("the true numbers (--utan-brus)" if utan_brus else
                       "perturbed with the demo key" if brus.demo else "perturbed")
                say(f"{out}: {enhet.namn} ({enhet.kod}), {len(rapport.tabeller)} tables; {how}, rows under "
                    f"{minsta_antal} hidden")
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
        say(f"{out_dir}: {len(paths)} {fmt} reports (kommuner and stadsdelar with a published table)")


EXIT_AUDIT_PINNED = 1  # `isu audit`: counts pinned
EXIT_AUDIT_TROUBLE = 2  # `isu audit`: the file cannot be audited (as diff(1)'s trouble)


@isu.command("audit")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--minsta-antal", "minsta_antal", type=click.IntRange(min=1), default=5, show_default=True,
              help="The N the export was built with: the small counts are 1 to N-1.")
@click.option("--regler", "regler", type=click.Choice(["brus", "brus-tabell", "maskning"]), default="brus",
              show_default=True,
              help="The rules the export was made by: brus (CONTRACT §2, the cell key method, audited as item 7 "
                   "says), brus-tabell (the same, by an outsider who also uses the perturbation table's "
                   "preimages: a shown 1 or more means at least 1, a shown 2, 3 or 5 at least 2 — stronger "
                   "than item 7 asks) or maskning (the cell suppression used before it).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing; the exit status says it.")
def audit(export: Path, minsta_antal: int, regler: str, quiet: bool) -> None:
    """Audit a tidy export (EXPORT.csv, from anywhere) as an outsider would (CONTRACT §2 item 7).

    Puts an interval on every count from the published numbers, the rules and the relations of
    Appendix A, narrowed by bound propagation to its fixpoint, and reports the counts of 1 to N-1
    it pins to one value. Exit 0: none; 1: some; 2: the file cannot be audited (every problem
    listed).
    """
    import sys

    from ..isu.gate import check_file
    from ..problems import InputError
    from .common import echo_problems, say

    try:
        result = check_file(export, minsta_antal, kind={"brus": "perturbed", "brus-tabell": "perturbed-ptable",
                                                                    "maskning": "suppression"}[regler])
    except InputError as exc:
        echo_problems(exc.problems, exc.omitted)
        say(f"ojexcel isu audit: {export}: not an ISU tidy export that can be audited ({exc.count} problem(s))")
        sys.exit(EXIT_AUDIT_TROUBLE)
    except ValueError as exc:  # the numbers contradict the rules given
        say(f"ojexcel isu audit: {export}: {exc}; was it made by other rules than --regler {regler}?")
        sys.exit(EXIT_AUDIT_TROUBLE)
    if not quiet:
        s = result.summary
        say(f"{export}: {s['unknowns']} counts audited in {result.seconds:.1f} s (rules: {regler}, N = {minsta_antal}); "
            f"{result.pinned} count(s) of 1–{minsta_antal - 1} pinned to one value"
            + (f" ({len(result.cells)} cells)" if result.pinned else "")
            + f"; {s['upper_below_N_nonzero']} bounded within 1–{minsta_antal - 1}")
        for niva, kod, tabell, delgrupp, kategori, measure, value in result.cells[:10]:
            say(f"  pinned: {niva} {kod} {tabell} {delgrupp or '(alla)'} {kategori} {measure} = {value}")
        if len(result.cells) > 10:
            say(f"  … and {len(result.cells) - 10} more cells")
    sys.exit(0 if result.ok else EXIT_AUDIT_PINNED)
