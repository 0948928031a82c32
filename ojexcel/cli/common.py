"""What the commands of both products share: printing, failing, reading and writing guards, and
the argument rules of outputs (`--out`, `--tidy`, `--out-dir`) and of a unit's own report; and
the survey year of a run (`--year` / `--arsgang`), which `build`, `kommun`, `kolada`, `trend` and
`site` take alike.

Every failure a user can act on is an `OjexcelError` carrying its exit status; `reading()` and
`writing()` turn the other expected failures (a missing file, an OS error while writing) into one.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click

from ..problems import InputError, OjexcelError, Problem, format_problems, short_line


class Failure(OjexcelError):
    """A command ends: its `problems` are listed, then the message (exit status 1)."""

    def __init__(self, message: str, problems: list[Problem] | tuple[Problem, ...] = (), omitted: int = 0):
        super().__init__(message)
        self.problems = list(problems)
        self.omitted = omitted


def echo_problems(problems: list[Problem] | tuple[Problem, ...], omitted: int = 0) -> None:
    """Every problem, many alike summarised with a count, at most problems.MAX_SHOWN lines."""
    for line in format_problems(problems, omitted):
        click.echo(line, err=True)


def say(text: str) -> None:
    """A line for the user on stderr; control characters (from file names) escaped, and a text of
    several lines printed line by line (never a literal \\n)."""
    for line in str(text).split("\n"):
        click.echo(short_line(line), err=True)


def fail(message: str, problems: list[Problem] | tuple[Problem, ...] = (), omitted: int = 0):
    """End the command: `problems` listed, then `message` (exit status 1)."""
    raise Failure(message, problems, omitted)


def report_failure(exc: OjexcelError, command: str = "ojexcel") -> None:
    """Print a failure as the command line does: its problems, then `ojexcel: message`."""
    if isinstance(exc, Failure):
        echo_problems(exc.problems, exc.omitted)
    first, *rest = str(exc).split("\n")
    say(f"{command}: {first}")
    for line in rest:
        say(f"  {line}" if line and not line.startswith(" ") else line)


@contextmanager
def reading(warnings: bool = False):
    """Input, reference and set-up problems end the command: every problem listed, exit 1.

    `warnings` lists the input's warnings beside its errors (so a misspelt column shows both
    messages). Every other `OjexcelError` passes with its own message and exit status.
    """
    try:
        yield
    except InputError as exc:
        fail(f"{exc.count} problem(s) in the input; nothing was written",
             (exc.warnings if warnings else []) + exc.problems, exc.omitted)
    except FileNotFoundError as exc:
        fail(str(exc))


@contextmanager
def writing():
    """Failures while writing: the message, exit 1 (atomic_outputs has removed its temp files)."""
    try:
        yield
    except OSError as exc:
        fail(f"could not write the output: {exc}")


def refuse_overwrite(inputs, outputs) -> None:
    """Stop before any work when an output would replace an input (the same file, also through
    another spelling or a hard link) or two outputs are one file."""
    from ..io.output import refuse_inputs

    refuse_inputs(list(outputs), list(inputs))


def embedded_sample(responses: Path | None, year: int) -> Path | None:
    """The file a run reads its responses from: RESPONSES, or the embedded sample of YEAR."""
    if responses is not None:
        return responses
    from ..survey.compilation import sample_path

    try:
        return sample_path(year)
    except (FileNotFoundError, ValueError, KeyError):
        return None


class Folder(click.Path):
    """A folder option: an empty value is refused (it would silently mean the working folder)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("an empty folder name; give a folder (use . for the working folder)", param, ctx)
        return super().convert(value, param, ctx)


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


KOMMUN_SUFFIXES = {"xlsx": (".xlsx",), "html": (".html", ".htm")}
RESPONSE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".txt")


def kommun_format(out: Path | None, fmt: str | None) -> str:
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


def no_kod_with_all(args: tuple[str, ...], fil: str = "a response file", enheter: str = "every unit and city") -> None:
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
        no_kod_with_all(args, fil, enheter)
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
    return kod, indatafil, kommun_format(out, fmt)


def check_out_dir(out_dir: Path) -> None:
    """One rule for --out and --out-dir: the output itself is created, the folder above it must exist."""
    if out_dir.exists() and not out_dir.is_dir():
        fail(f"{out_dir}: is not a folder")
    parent = out_dir.parent if str(out_dir.parent) else Path(".")
    if not parent.is_dir():
        fail(f"{out_dir}: the folder {parent} does not exist")


# -- the survey year of a run (build, kommun, kolada, trend, site) ------------------------------

YEAR_HELP = "Survey year: an embedded årgång (2016, 2017, 2018). With --arsgang, its year (a check)."
ARSGANG_HELP = "An årgång folder: the survey year as data (docs/arsgang.md), instead of an embedded --year."


def arsgang_files(arsgang) -> list[Path]:
    """An årgång's files, as inputs no output may replace."""
    from ..survey.arsgang import FILES

    return [arsgang.folder / name for name in FILES if (arsgang.folder / name).exists()]


def parse_arsgang_values(values: tuple[str, ...], option: str = "--arsgang") -> list[tuple[int | None, Path]]:
    """`DIR` or `YEAR=DIR` (several allowed): (the year written or None, the folder)."""
    out = []
    for value in values:
        year, sep, folder = value.partition("=")
        if sep and year.strip().isdigit() and folder:
            out.append((int(year), Path(folder)))
        elif sep and year.strip().isdigit():
            raise click.UsageError(f"{option} {value!r}: expected DIR or YEAR=DIR")
        else:
            out.append((None, Path(value)))
    return out


@contextmanager
def arsgang_reading():
    """An årgång with problems ends the command: its problems listed, then what to run."""
    from ..survey.arsgang import ArsgangError

    try:
        yield
    except ArsgangError as exc:
        fail(f"{exc}; nothing was written", exc.problems + exc.warnings, exc.omitted)


def load_arsgangar(values: tuple[str, ...], option: str = "--arsgang") -> dict:
    """Every --arsgang given, loaded, by its year."""
    from ..survey.arsgang import ArsgangError, load_arsgang
    from ..problems import Problem

    out: dict = {}
    for written, folder in parse_arsgang_values(values, option):
        if not folder.is_dir():
            raise ArsgangError(str(folder), [Problem(
                "no such folder" if not folder.exists() else "is not a folder: an årgång is a folder of files (docs/arsgang.md)",
                file=str(folder))])
        arsgang = load_arsgang(folder)
        if written is not None and written != arsgang.year:
            raise ArsgangError(str(folder), [Problem(
                f"{option} {written}={folder}: the årgång's arsgang.toml says ar = {arsgang.year}", file=str(folder))])
        if arsgang.year in out:
            raise click.UsageError(f"{option}: two årgångar for {arsgang.year} ({out[arsgang.year].folder} and {folder})")
        out[arsgang.year] = arsgang
    return out


def the_arsgang(year: int | None, given: dict, single: bool = True):
    """The run's årgång: --year's embedded one, or the --arsgang of that year (or the only one).
    `single`: the command takes one årgång, so --year must be its year (D147)."""
    from ..survey.arsgang import load_arsgang

    if single and year is not None and given and year not in given:
        (other,) = given.values()
        raise click.UsageError(f"--year {year}, but the årgång {other.folder} is {other.year} (arsgang.toml); "
                               "leave out --year, or give the årgång of that year")
    if year is None:
        if not given:
            raise click.UsageError("give --year YEAR (an embedded year: 2016, 2017, 2018) or --arsgang DIR")
        if len(given) > 1:
            raise click.UsageError(f"several --arsgang ({', '.join(map(str, sorted(given)))}): give --year to say which is this run's year")
        return next(iter(given.values()))
    return given.get(year) or load_arsgang(year)


def the_responses(responses: Path | None, arsgang) -> Path | None:
    """RESPONSES, or the embedded sample of an embedded year (an årgång folder has none)."""
    if responses is None and not arsgang.embedded:
        raise click.UsageError(f"give RESPONSES: the årgång {arsgang.folder} has no embedded sample")
    return embedded_sample(responses, arsgang.year)


def history_arsgangar(year: int | None, values: tuple[str, ...], history_years) -> tuple:
    """(the run's årgång, every --arsgang by its year) of a command with --history (`kommun`,
    `site`): --arsgang may be given for the run's year and for each --history year that is not
    embedded, and for nothing else (a usage error)."""
    with arsgang_reading():
        given = load_arsgangar(values)
        arsgang = the_arsgang(year, given, single=False)
        unused = sorted(set(given) - {arsgang.year} - set(history_years))
        if unused:
            raise click.UsageError(f"--arsgang for {', '.join(map(str, unused))}: neither --year nor a --history year")
    return arsgang, given
