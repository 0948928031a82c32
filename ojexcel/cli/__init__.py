"""Command line: `ojexcel build …` and friends.

Exit status: 0 success; 1 invalid input (every problem is listed on stderr, nothing is written);
2 usage errors (click's own; for `diff`, trouble reading a side, as diff(1)); 3 an internal error.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from ..problems import InputError, Problem, format_problems, printable, short_line

EXIT_INPUT = 1


def _echo_problems(problems: list[Problem] | tuple[Problem, ...], omitted: int = 0) -> None:
    """Every problem, many alike summarised with a count, at most problems.MAX_SHOWN lines."""
    for line in format_problems(problems, omitted):
        click.echo(line, err=True)


def say(text: str) -> None:
    """A line for the user on stderr, control characters (from file names) escaped."""
    click.echo(short_line(text), err=True)


def fail(message: str, problems: list[Problem] | None = None, omitted: int = 0) -> None:
    if problems:
        _echo_problems(problems, omitted)
    click.echo(f"ojexcel: {short_line(message)}", err=True)
    sys.exit(EXIT_INPUT)


@contextmanager
def reading(*more_errors: type[Exception], warnings: bool = False):
    """Input, reference and set-up problems end the command: every problem listed, exit 1.

    `more_errors` are a command's own exceptions whose message says it all; `warnings` lists the
    input's warnings beside its errors (so a misspelt column shows both messages).
    """
    from ..survey.catalogue import CatalogueError
    from ..io.output import OutputError

    try:
        yield
    except InputError as exc:
        fail(f"{exc.count} problem(s) in the input; nothing was written",
             (exc.warnings if warnings else []) + exc.problems, exc.omitted)
    except (CatalogueError, OutputError, FileNotFoundError, *more_errors) as exc:
        fail(str(exc))


@contextmanager
def writing():
    """Failures while writing: the message, exit 1 (atomic_outputs has removed its temp files)."""
    from ..io.output import OutputError

    try:
        yield
    except OutputError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"could not write the output: {exc}")


def refuse_overwrite(inputs, outputs) -> None:
    """Stop before any work when an output would replace an input (the same file, also through
    another spelling or a hard link) or two outputs are one file."""
    from ..io.output import OutputError, refuse_inputs

    try:
        refuse_inputs(list(outputs), list(inputs))
    except OutputError as exc:
        fail(str(exc))


def embedded_sample(responses: Path | None, year: int) -> Path | None:
    """The file a run reads its responses from: RESPONSES, or the embedded sample of YEAR."""
    if responses is not None:
        return responses
    from ..survey.compilation import sample_path

    try:
        return sample_path(year)
    except (FileNotFoundError, ValueError, KeyError):
        return None


class _Folder(click.Path):
    """A folder option: an empty value is refused (it would silently mean the working folder)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("an empty folder name; give a folder (use . for the working folder)", param, ctx)
        return super().convert(value, param, ctx)


class Terminated(BaseException):
    """SIGTERM or SIGHUP: the command stops and cleans up as for Ctrl-C (outputs untouched)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _install_signal_handlers() -> dict:
    """SIGTERM and SIGHUP raise Terminated in this process; returns the handlers they replace."""
    import signal

    main_pid = os.getpid()
    previous: dict = {}

    def stop(signum, frame):
        if os.getpid() != main_pid:  # a forked worker: die as the signal says
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated(signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            try:
                previous[getattr(signal, name)] = signal.signal(getattr(signal, name), stop)
            except ValueError:  # not the main thread (an embedding program): leave them
                pass
    return previous


def _restore_signal_handlers(previous: dict) -> None:
    import signal

    for signum, handler in previous.items():
        signal.signal(signum, handler)


def check_suffix(option: str, path: Path | None, allowed: tuple[str, ...], what: str, hint: str = "") -> None:
    """An output's name must say its format: `--out x.csv` for a workbook is a usage error."""
    if path is not None and path.suffix.lower() not in allowed:
        raise click.UsageError(
            f"{option} {path}: {what} is written as {' or '.join(allowed)}; name the file so{hint}"
        )


def workbook_and_tidy(out: Path, tidy: Path | None, inputs) -> list[Path]:
    """The outputs of a build (`ojexcel build`, `ojexcel isu build`): the workbook and the optional
    tidy export, checked before any work — not one file, no input among them, named for their
    format (swapped names are said to be swapped)."""
    outputs = [out] + ([tidy] if tidy else [])
    if tidy is not None and tidy.resolve() == out.resolve():
        fail("--out and --tidy name the same file")
    refuse_overwrite(inputs, outputs)
    swapped = out.suffix.lower() == ".csv" or (tidy is not None and tidy.suffix.lower() == ".xlsx")
    hint = " (are --out and --tidy swapped?)" if swapped else ""
    check_suffix("--out", out, (".xlsx",), "the workbook", hint)
    check_suffix("--tidy", tidy, (".csv",), "the tidy export", hint)
    return outputs


EXIT_INTERNAL = 3


class _Main(click.Group):
    """The last line of defence: an unexpected error is one clear line, never a traceback.

    Outputs are still safe (atomic_outputs removes its temporary files); OJEXCEL_DEBUG=1 re-raises.
    """

    def invoke(self, ctx):
        previous = _install_signal_handlers()
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Terminated as exc:
            import signal

            click.echo(f"ojexcel: stopped by {signal.Signals(exc.signum).name}; nothing was written", err=True)
            sys.exit(128 + exc.signum)
        except Exception as exc:  # noqa: BLE001
            if os.environ.get("OJEXCEL_DEBUG"):
                raise
            click.echo(
                printable(f"ojexcel: internal error ({exc.__class__.__name__}: {str(exc)[:300]}); nothing was written. ")
                + "Please report it with the command you ran (OJEXCEL_DEBUG=1 shows the traceback).",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)
        finally:
            _restore_signal_handlers(previous)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ojexcel")
def main() -> None:
    """Öppna jämförelser – Våld i nära relationer: from raw survey responses to the published workbook."""


@main.command()
@click.argument("responses", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", required=True, type=int, help="Survey year (selects codebook and indicator catalogue).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The workbook to write (.xlsx).")
@click.option("--tidy", "tidy", type=click.Path(dir_okay=False, path_type=Path), help="Also write the tidy export (CSV).")
@click.option(
    "--granskning", "granskning", type=click.Path(dir_okay=False, path_type=Path),
    help="Review overrides (CSV/XLSX: enhetskod,kolumn,nytt_varde,motivering) applied to the raw answers.",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not print warnings or the summary.")
def build(responses: Path | None, year: int, out: Path, tidy: Path | None, granskning: Path | None, quiet: bool) -> None:
    """Build the workbook (and tidy export) from RESPONSES (CSV or XLSX).

    Without RESPONSES the embedded synthetic sample of YEAR is used.
    """
    from ..io.output import atomic_outputs, check_writable
    from ..survey.compilation import build_results
    from ..survey.tidy import write_tidy_file
    from ..survey.workbook import write_workbook

    inputs = (embedded_sample(responses, year), granskning)
    outputs = workbook_and_tidy(out, tidy, inputs)
    with reading(warnings=not quiet):
        for o in outputs:
            check_writable(o)
        results = build_results(responses, year, granskning)

    if not quiet:
        _echo_problems(results.warnings)
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


KOMMUN_SUFFIXES = {"xlsx": (".xlsx",), "html": (".html", ".htm")}
RESPONSE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".txt")


def _kommun_format(out: Path | None, fmt: str | None) -> str:
    """--format, or the format --out's name says; a name that says another format is refused."""
    if out is None:
        return fmt or "xlsx"
    if fmt is None:
        fmt = next((f for f, suffixes in KOMMUN_SUFFIXES.items() if out.suffix.lower() in suffixes), None)
        if fmt is None:
            raise click.UsageError(f"--out {out}: name the file .xlsx or .html (the formats written)")
        return fmt
    check_suffix("--out", out, KOMMUN_SUFFIXES[fmt], f"--format {fmt}")
    return fmt


def _no_kod_with_all(args: tuple[str, ...], fil: str = "a response file", enheter: str = "every unit and city") -> None:
    """`kommun 0114 --all`: say that --all takes no code, not '0114: no such file'."""
    if args and not Path(args[0]).exists() and Path(args[0]).suffix.lower() not in RESPONSE_SUFFIXES:
        raise click.UsageError(
            f"--all writes {enheter}, so it takes no KOD: {args[0]!r} is not {fil} "
            "(for one unit leave out --all and give --out)"
        )


def kommun_arguments(
    args: tuple[str, ...], out: Path | None, all_units: bool, out_dir: Path | None, fmt: str | None,
    indata: str = "RESPONSES", fil: str = "a response file", enheter: str = "every unit and city",
    other_inputs: tuple[Path, ...] = (),
) -> tuple[str | None, Path | None, str]:
    """The `[KOD] [INDATA] --out FIL | --all --out-dir DIR [--format F]` arguments of a unit's own
    report (`ojexcel kommun`, `ojexcel isu kommun`): (kod, the input file or None, the format).

    One unit: KOD and --out, no --out-dir; --all: --out-dir, no KOD, no --out. The format is
    --format, or what --out's suffix says (xlsx or html); a --format that disagrees with --out's
    suffix is a usage error; --all without --format writes xlsx. An --out that is one of the
    inputs (INDATA, `other_inputs`) is refused first. `indata`, `fil` and `enheter` name the
    command's input and what --all writes, in its messages.
    """
    if all_units:
        if out is not None:
            raise click.UsageError("--all writes into --out-dir; leave out --out")
        if out_dir is None:
            raise click.UsageError("--all needs --out-dir")
        if len(args) > 1:
            raise click.UsageError(f"with --all give at most {indata} (no KOD)")
        _no_kod_with_all(args, fil, enheter)
        kod, indatafil = None, (Path(args[0]) if args else None)
    else:
        if out_dir is not None:
            raise click.UsageError("--out-dir goes with --all; for one unit give --out")
        if out is None:
            raise click.UsageError("give --out FILE (or --all --out-dir DIR)")
        if not args or len(args) > 2:
            raise click.UsageError(f"give KOD and optionally {indata}")
        kod, indatafil = args[0], (Path(args[1]) if len(args) > 1 else None)
    if out is not None:  # an input about to be overwritten is said first
        refuse_overwrite((Path(a) for a in args[1:]), (out,))
        refuse_overwrite(other_inputs, (out,))
    return kod, indatafil, _kommun_format(out, fmt)


def _check_out_dir(out_dir: Path) -> None:
    """One rule for --out and --out-dir: the output itself is created, the folder above it must exist."""
    if out_dir.exists() and not out_dir.is_dir():
        fail(f"{out_dir}: is not a folder")
    parent = out_dir.parent if str(out_dir.parent) else Path(".")
    if not parent.is_dir():
        fail(f"{out_dir}: the folder {parent} does not exist")


@main.command()
@click.argument("args", nargs=-1, metavar="[KOD] [RESPONSES]")
@click.option("--year", required=True, type=int, help="Survey year (selects codebook and indicator catalogue).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="The file to write (one unit).")
@click.option("--all", "all_units", is_flag=True, help="Write one file per unit and per big city into --out-dir.")
@click.option("--out-dir", "out_dir", type=_Folder(file_okay=False, path_type=Path), help="Folder for --all.")
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
def kommun(args: tuple[str, ...], year: int, out: Path | None, all_units: bool, out_dir: Path | None,
           fmt: str | None, jobs: int, history: tuple[str, ...], quiet: bool) -> None:
    """A municipality's own sheet: its results beside its län, riket, kommungrupp and SKL-grupp.

    KOD is a kommunkod (0114), a district code (0180-01), a city (0180, 1480, 1280) or a name
    (case-insensitive; a unique prefix will do). With --all, every unit and city is written to
    --out-dir and KOD is left out. Without RESPONSES the embedded sample of YEAR is used.
    --history 2016=TIDY16.csv adds the unit's own series (a city: its share) with comparability
    markers; YEAR's own values always come from this run.
    """
    from ..survey.kommun_report import EnhetLookupError, find_enhet
    from ..survey.kommun_report_all import write_all, write_one
    from ..io.output import check_writable
    from ..survey.compilation import build_results
    from ..population import NIVA_ENHET, NIVA_STORSTAD, load_population
    from ..survey.trend import parse_year_files

    try:
        history_files = parse_year_files(history)
    except ValueError as exc:
        raise click.UsageError(f"--history {exc}") from None
    kod, responses, fmt = kommun_arguments(args, out, all_units, out_dir, fmt,
                                           other_inputs=tuple(given for _, given in history_files))

    with reading(EnhetLookupError):
        enhet = None if kod is None else find_enhet(load_population(year), kod)
        inputs = (embedded_sample(responses, year), *(given for _, given in history_files))
        if out is not None:
            refuse_overwrite(inputs, (out,))
            check_writable(out)
        else:
            _check_out_dir(out_dir)
            from ..survey.kommun_report import all_enheter
            from ..survey.kommun_report_all import file_name

            # every file --all would write: none may be an input
            refuse_overwrite(inputs, [out_dir / file_name(e, fmt) for e in all_enheter(load_population(year))])
        results = build_results(responses, year)
        historik = None
        if history_files:
            from ..survey.kommun_report import all_enheter
            from ..survey.kommun_history import load_history

            historik = load_history(history_files, results)
            shown = (enhet,) if enhet is not None else all_enheter(results.population)
            historik_warnings = list(historik.warnings) + historik.saknade(
                (NIVA_STORSTAD if e.is_city else NIVA_ENHET, e.kod) for e in shown
            )

    if not quiet:
        _echo_problems(results.warnings)
        if historik is not None:
            _echo_problems(historik_warnings)
    with writing():
        if enhet is not None:
            write_one(results, enhet, fmt, out, historik)
            if not quiet:
                say(f"{out}: {enhet.namn} ({enhet.kod}), {len(results.catalogue)} indicators")
            return
        out_dir.mkdir(exist_ok=True)  # the folder it names, never the folders above it (as --out)
        n = len(results.population.units) + 3
        if not quiet and sys.stderr.isatty():
            with click.progressbar(length=n, label=f"Writing {n} files", file=sys.stderr) as bar:
                paths = write_all(results, out_dir, fmt, jobs, bar.update, historik)
        else:
            paths = write_all(results, out_dir, fmt, jobs, historik=historik)
    if not quiet:
        say(f"{out_dir}: {len(paths)} {fmt} files (units and cities)")


@main.command()
@click.argument("tidy", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", required=True, type=int, help="The survey year of TIDY: Kolada's period.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The Kolada CSV to write.")
@click.option("--stadsdelar", is_flag=True, help="Also export the districts of Stockholm, Göteborg and Malmö (under this project's district codes).")
@click.option("-q", "--quiet", is_flag=True, help="Do not print the summary.")
def kolada(tidy: Path, year: int, out: Path, stadsdelar: bool, quiet: bool) -> None:
    """Code the unit values of a tidy export (TIDY) as Kolada publishes them: kpi,enhetskod,period,varde."""
    from ..survey.kolada import KoladaTableError, kolada_rows, load_kpis, write_kolada_file
    from ..io.output import atomic_outputs, check_writable
    from ..population import load_population
    from ..survey.tidy import read_tidy

    refuse_overwrite((tidy,), (out,))
    check_suffix("--out", out, (".csv",), "the Kolada export")
    with reading(KoladaTableError):
        check_writable(out)
        rows = kolada_rows(
            read_tidy(tidy, year), year, load_population(year), load_kpis(), source=str(tidy), include_districts=stadsdelar
        )
    with writing(), atomic_outputs(out) as temps:
        write_kolada_file(rows, temps[0])
    if not quiet:
        say(f"{out}: {len(rows)} Kolada values for {year}")


@main.command()
@click.argument("years", nargs=-1, required=True, metavar="YEAR=TIDY.csv...")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The trend workbook to write (.xlsx).")
@click.option("-q", "--quiet", is_flag=True, help="Do not print the summary.")
def trend(years: tuple[str, ...], out: Path, quiet: bool) -> None:
    """Years side by side from tidy exports of several years, e.g. 2016=t16.csv 2017=t17.csv.

    Indicators are matched by id; a value that is not (or only partly) comparable with the
    previous year is marked, and no change is computed across a break.
    """
    from ..io.output import atomic_outputs, check_writable
    from ..survey.trend import build_trend, parse_year_files, read_inputs
    from ..survey.trend_xlsx import write_trend_workbook

    try:
        pairs = parse_year_files(years)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    refuse_overwrite([p for _, p in pairs], (out,))
    check_suffix("--out", out, (".xlsx",), "the trend workbook")
    with reading():
        check_writable(out)
        model = build_trend(read_inputs(pairs))
    with writing(), atomic_outputs(out) as temps:
        write_trend_workbook(model, temps[0])
    if not quiet:
        say(
            f"{out}: {_count(len(model.years), 'year')} ({', '.join(map(str, model.years))}), "
            f"{_count(len(model.indicators), 'indicator')}, "
            f"{len(model.breaks)} comparability break(s) marked"
        )

EXIT_DIFF_TROUBLE = 2


def _count(n: int, noun: str) -> str:
    """'1 year', '3 years'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@contextmanager
def diff_trouble(command: str, error: type[Exception]):
    """diff(1)'s convention: trouble (an unreadable side) is exit status 2."""
    try:
        yield
    except error as exc:
        click.echo(short_line(f"ojexcel {command}: {exc}"), err=True)
        sys.exit(EXIT_DIFF_TROUBLE)


def _split_multi(values: tuple[str, ...]) -> frozenset[str] | None:
    """Repeated options and comma/space separated lists both work: --only 0114,0115 --only 0117."""
    items = {v.strip() for value in values for v in value.replace(",", " ").split() if v.strip()}
    return frozenset(items) or None


def _split_names(values: tuple[str, ...]) -> frozenset[str] | None:
    """--only: repeated options and comma-separated lists; an item may be a name with spaces
    ('Upplands Väsby'). A value without commas holding only codes is split at spaces too."""
    items: set[str] = set()
    for value in values:
        for part in value.split(","):
            part = part.strip()
            words = part.split()
            if len(words) > 1 and all(any(ch.isdigit() for ch in w) for w in words):
                items.update(words)  # "0114 0115": codes separated by spaces
            elif part:
                items.add(part)
    return frozenset(items) or None


def _diff_filters(only, indicators, sides):
    """--only and --indicator resolved against both sides; an unknown item is a usage error."""
    from ..survey.diff_filter import FilterError, resolve_indicators, resolve_only

    try:
        return resolve_only(_split_names(only), sides), resolve_indicators(_split_multi(indicators), sides)
    except FilterError as exc:
        raise click.UsageError(str(exc)) from None


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--ignore-fills", is_flag=True, help="Do not report fills that changed without a value change.")
@click.option("--only", "only", multiple=True, metavar="KOD|NAME", help="Only these units/groups, by code or name (repeat, or comma-separated).")
@click.option("--indicator", "indicators", multiple=True, metavar="ID", help="Only these indicators (repeat, or comma-separated).")
@click.option("--counts", is_flag=True, help="Also report aggregates whose counts changed.")
def diff(old: Path, new: Path, fmt: str, ignore_fills: bool, only, indicators, counts: bool) -> None:
    """Semantic diff of two workbooks or tidy exports, aligned by (niva, kod, indikator).

    Exit status as diff(1): 0 identical, 1 differences, 2 trouble.
    """
    from ..survey.diff import DiffInputError, compare, load_side
    from ..survey.diff_report import FORMATS

    with diff_trouble("diff", DiffInputError):
        a, b = load_side(old), load_side(new)
    keep_codes, keep_ids = _diff_filters(only, indicators, (a, b))
    report = compare(a, b, ignore_fills=ignore_fills, only=keep_codes, indicators=keep_ids, counts=counts)
    click.echo(FORMATS[fmt](report), nl=False)
    sys.exit(0 if report.identical else 1)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
def dump(path: Path) -> None:
    """Print a workbook or tidy export as sorted canonical lines (a git textconv filter)."""
    from ..survey.diff import DiffInputError, load_side
    from ..survey.diff_report import render_dump

    with diff_trouble("dump", DiffInputError):
        side = load_side(path)
    click.echo(render_dump(side), nl=False)


def _add_isu() -> None:
    from .isu import isu

    main.add_command(isu)


_add_isu()
