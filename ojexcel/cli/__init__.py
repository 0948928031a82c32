"""The command line: `ojexcel build …` (the survey, `cli/survey.py`), `ojexcel isu …` (`cli/isu.py`),
and `ojexcel diff` / `dump` for both (`cli/compare.py`).

Exit status, for every command (docs/reference/cli.md):
"""
from __future__ import annotations

import os
import sys

import click

from ..problems import OjexcelError, printable
from . import arsgang, compare, isu, site, survey
from .common import report_failure

EXIT_OK = 0
EXIT_INPUT = 1  # invalid input, or an output that cannot be written: every problem listed, nothing written
EXIT_USAGE = 2  # a usage error (click's); for `diff`/`dump`, trouble reading a side, as diff(1)
EXIT_DIFF_TROUBLE = compare.EXIT_DIFF_TROUBLE
EXIT_INTERNAL = 3  # an unexpected error: one line, never a traceback (OJEXCEL_DEBUG=1 shows it)
# A signal (SIGTERM, SIGHUP): 128 + its number, as a shell says it; nothing written.


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
        except OjexcelError as exc:
            report_failure(exc)
            sys.exit(exc.exit_code)
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




for command in (survey.build, survey.kommun, survey.kolada, survey.trend, compare.diff, compare.dump, isu.isu,
                site.site, arsgang.arsgang):
    main.add_command(command)
