"""The Python API behind `import ojexcel` (the package's __init__ imports this on first use).

Every function is a thin layer over what the command line uses, so a notebook gets the same
numbers, checks and files as `ojexcel build`. Bad input raises `ojexcel.InputError`, whose
`.problems` name file, row, column and value, as the command line prints them.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .isu.model import IsuResults
    from .survey.results import Results


def build(responses: str | Path | None = None, year: int = 2017, granskning: str | Path | None = None,
          arsgang: str | Path | None = None) -> Results:
    """Compute one survey year from a response file (CSV or XLSX); None = the embedded sample.

    `year`: an embedded year; `arsgang`: an årgång folder instead (a survey year as data,
    docs/arsgang.md). `granskning`: review overrides (CSV/XLSX) applied to the raw answers first.
    Warnings about the input are in `results.warnings`. Raises `ojexcel.InputError` for invalid
    input (an årgång with problems: its subclass `ArsgangError`) and `FileNotFoundError` for a
    year without an embedded sample.
    """
    from .survey.compilation import build_results

    return build_results(responses, year if arsgang is None else arsgang, granskning)


def load_arsgang(source: int | str | Path):
    """A survey year as data: an embedded year (2017) or an årgång folder, checked
    (`survey.arsgang.Arsgang`: `.catalogue`, `.population`, `.codebook`, `.texts` …)."""
    from .survey.arsgang import load_arsgang as load

    return load(source)


def write_workbook(results: Results, path: str | Path) -> Path:
    """Write the workbook, atomically (a temporary file renamed into place). Returns the path."""
    from .io.output import atomic_outputs
    from .survey.workbook import write_workbook as render

    path = Path(path)
    with atomic_outputs(path) as temps:
        render(results, temps[0])
    return path


def write_tidy(results: Results, path: str | Path) -> Path:
    """Write the tidy export (CONTRACT §5), atomically. Returns the path."""
    from .io.output import atomic_outputs
    from .survey.tidy import write_tidy_file

    path = Path(path)
    with atomic_outputs(path) as temps:
        write_tidy_file(results, temps[0])
    return path


def read_tidy(path: str | Path) -> pd.DataFrame:
    """A tidy export as a DataFrame, checked row by row as the command line checks it.

    One year's export or several concatenated; a file without `ar` (an earlier version's) gets
    `ar` = <NA>. Column types: see `frames.py`.
    """
    from .survey.frames import tidy_frame
    from .survey.tidy import read_tidy as read_checked

    return tidy_frame(read_checked(path, several_years=True))


# -- ISU (case-level follow-up). `ojexcel.isu.build` and `ojexcel.isu.read_tidy` are the same
# functions; these are the top-level names, and the writers.

def build_isu(arenden: str | Path | None = None, *, period=None, minsta_antal: int = 5, nyckelfil=None,
              utan_brus: bool = False) -> IsuResults:
    """Compile an ärende file (CSV or XLSX; None = the embedded synthetic sample) as `ojexcel isu
    build` does. `period` = (FRÅN, TILL), dates or ISO texts, inclusive, None for an open side.
    `nyckelfil`: the publication's key file (CONTRACT isu §2), needed for a file of one's own
    unless `utan_brus=True` (the true numbers, not for publication); the embedded sample uses its
    demo key. Returns the results (`.to_frame()`, `.tabell(niva, kod, tabell, delgrupp)`,
    `.warnings`). Raises `ojexcel.InputError` for invalid input, ValueError without a key."""
    from .isu.compilation import build_results

    return build_results(arenden, period=period, minsta_antal=minsta_antal, nyckelfil=nyckelfil, utan_brus=utan_brus)


def read_isu_tidy(path: str | Path) -> pd.DataFrame:
    """An ISU tidy export (CONTRACT isu §6) as a DataFrame, checked row by row. A hidden value and
    a value that does not exist are both <NA>, told apart by the `…_maskerad` columns (D131).
    Column types: `isu/frames.py`."""
    from .isu.tidy import read_tidy_frame

    return read_tidy_frame(path)


def write_isu_workbook(results: IsuResults, path: str | Path) -> Path:
    """Write the ISU workbook, atomically. Returns the path."""
    from .io.output import atomic_outputs
    from .isu.workbook import write_isu_workbook as render

    path = Path(path)
    with atomic_outputs(path) as temps:
        render(results, temps[0])
    return path


def write_isu_tidy(results: IsuResults, path: str | Path) -> Path:
    """Write the ISU tidy export (CONTRACT isu §6), atomically. Returns the path."""
    from .io.output import atomic_outputs
    from .isu.tidy import write_isu_tidy as render

    path = Path(path)
    with atomic_outputs(path) as temps:
        render(results, temps[0])
    return path
