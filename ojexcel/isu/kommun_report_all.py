"""Every unit's ISU report (`ojexcel isu kommun --all`): one file per kommun and stadsdel with ärenden.

Named by code (`0114.xlsx`, `0180-01.html`, `0180.xlsx`), kommuner first, then stadsdelar, each in
the results' order. Written as one all-or-nothing output set by `io.parallel.write_files`:
the compiled results are computed once, the templates and catalogues loaded once, and then the
files are rendered by forked worker processes (`jobs`; 0 = one per available core). Every file
depends only on its own unit, so the bytes do not depend on the number of workers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..io.parallel import by_format, file_name, write_files
from ..population import Population
from .kommun_report import KommunReport, build_kommun_report, table_selection
from .model import KOMMUN, STADSDEL, IsuResults


def enheter_with_arenden(resultat: IsuResults) -> list[tuple[str, str]]:
    """(niva, kod) of every kommun and stadsdel with ärenden: kommuner first."""
    return [(KOMMUN, k) for k in resultat.enheter(KOMMUN)] + [(STADSDEL, k) for k in resultat.enheter(STADSDEL)]


def writer(fmt: str) -> Callable[[KommunReport, Path], None]:
    """The report's writer for `fmt` (xlsx or html)."""

    def xlsx():
        from .kommun_report_xlsx import write_kommun_report_xlsx

        return write_kommun_report_xlsx

    def html():
        from .kommun_report_html import write_kommun_report_html

        return write_kommun_report_html

    return by_format(fmt, {"xlsx": xlsx, "html": html})


def _warm_up(fmt: str) -> None:
    """Load the catalogues and compile the templates once, before the workers are forked."""
    from ..io.templating import environment
    from .chart_catalogue import load_chart_catalogue
    from .kommun_report_text import HTML_PAGE, TEXTER

    table_selection()
    load_chart_catalogue()
    environment(False).get_template(TEXTER)
    if fmt == "html":
        environment(True).get_template(HTML_PAGE)


def write_all(
    resultat: IsuResults,
    population: Population,
    out_dir: Path,
    fmt: str,
    jobs: int = 0,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """Write every unit's report into `out_dir`; returns the paths in `enheter_with_arenden` order."""
    write = writer(fmt)
    units = enheter_with_arenden(resultat)
    paths = [out_dir / file_name(k, fmt) for _, k in units]
    _warm_up(fmt)

    def render(i: int, tmp: Path) -> None:
        niva, kod = units[i]
        write(build_kommun_report(resultat, population, niva, kod), tmp)

    write_files(paths, render, jobs, progress)
    return paths
