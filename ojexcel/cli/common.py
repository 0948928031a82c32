"""What the commands of both products share: printing, failing, reading and writing guards, and
the argument rules of outputs (`--out`, `--tidy`, `--out-dir`) and of a unit's own report.

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


def _check_out_dir(out_dir: Path) -> None:
    """One rule for --out and --out-dir: the output itself is created, the folder above it must exist."""
    if out_dir.exists() and not out_dir.is_dir():
        fail(f"{out_dir}: is not a folder")
    parent = out_dir.parent if str(out_dir.parent) else Path(".")
    if not parent.is_dir():
        fail(f"{out_dir}: the folder {parent} does not exist")


def check_out_dir(out_dir: Path) -> None:
    """One rule for --out and --out-dir: the output itself is created, the folder above it must exist."""
    if out_dir.exists() and not out_dir.is_dir():
        fail(f"{out_dir}: is not a folder")
    parent = out_dir.parent if str(out_dir.parent) else Path(".")
    if not parent.is_dir():
        fail(f"{out_dir}: the folder {parent} does not exist")
