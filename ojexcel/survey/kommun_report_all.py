"""Write municipality sheets: one, or all of them (`ojexcel kommun --all`).

`--all` writes one file per unit (316) and per big city (3), named by code (`0114.xlsx`,
`0180-01.xlsx`, `0180.xlsx`), all through `output.atomic_outputs`: nothing is renamed into place
unless every file was written. On a machine with several cores the files are rendered by forked
worker processes that share the already computed `Results` (`parallel_outputs.write_files`, shared
with `ojexcel isu kommun --all`); every file depends only on its own unit, so the bytes do not
depend on the number of workers or the order they finish in.

With `--history` the tidy exports of the other years are read once (`kommun_historik.Historik`)
before the workers are forked, and every sheet takes its unit's series from it.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..io.output import atomic_outputs
from ..io.parallel import by_format, write_files
from ..io.parallel import file_name as unit_file_name
from .kommun_report import Comparisons, Enhet, KommunSheet, all_enheter, build_sheet
from .results import Results

if TYPE_CHECKING:
    from .kommun_history import History

def writer(fmt: str) -> Callable[[KommunSheet, Path], None]:
    """The sheet's writer for `fmt` (xlsx or html)."""

    def xlsx():
        from .kommun_report_xlsx import write_kommun_xlsx

        return write_kommun_xlsx

    def html():
        from .kommun_report_html import write_kommun_html

        return write_kommun_html

    return by_format(fmt, {"xlsx": xlsx, "html": html})


def write_one(results: Results, enhet: Enhet, fmt: str, path: Path, historik: History | None = None) -> None:
    write = writer(fmt)
    with atomic_outputs(path) as (tmp,):
        write(build_sheet(results, enhet, historik=historik), tmp)


def file_name(enhet: Enhet, fmt: str) -> str:
    return unit_file_name(enhet.kod, fmt)


def write_all(
    results: Results,
    out_dir: Path,
    fmt: str,
    jobs: int = 0,
    progress: Callable[[int], None] | None = None,
    historik: History | None = None,
) -> list[Path]:
    """Write every unit's and city's sheet into `out_dir`; returns the paths, in population order.

    `jobs` = number of worker processes (0: one per available core). `progress(n)` is called as
    files are done. `historik`: the units' own series (`--history`), read once.
    """
    write = writer(fmt)
    enheter = all_enheter(results.population)
    jamforelser = Comparisons.of(results)
    _warm_up(fmt, results, jamforelser, enheter, historik)
    paths = [out_dir / file_name(e, fmt) for e in enheter]

    def render(i: int, tmp: Path) -> None:
        write(build_sheet(results, enheter[i], jamforelser, historik), tmp)

    write_files(paths, render, jobs, progress)
    return paths


def _warm_up(
    fmt: str, results: Results, jamforelser: Comparisons, enheter: tuple[Enhet, ...], historik: History | None
) -> None:
    """Compile the templates and build the XLSX frames once, before workers are forked."""
    from .kommun_report_text import ANALYSGUIDE, HTML_PAGE, TEXTER, template

    for name in (TEXTER, ANALYSGUIDE) + ((HTML_PAGE,) if fmt == "html" else ()):
        template(name)
    if fmt == "xlsx":
        from .kommun_report_xlsx import frame_book, layout

        seen = set()
        for e in enheter:  # one sheet of each column layout: municipality, district, each city
            kind = (e.is_city, e.is_district, len(e.districts))
            if kind not in seen:
                seen.add(kind)
                frame_book(tuple(sheet.frame for sheet in layout(build_sheet(results, e, jamforelser, historik))[1]))
