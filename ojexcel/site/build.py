"""The whole site written into one folder (`write_site`), and the rule for replacing one.

`write_site(folder, SiteInput(...))` fills an empty folder: the pages (`pages.Site`), the style
sheet and script (package data, `assets/`), the search index, every unit's and city's own sheet
(XLSX, written by `survey.kommun_report_xlsx` as `ojexcel kommun` writes it), the workbook and
tidy export of the year, and each page's tidy rows (the tidy export's own lines, selected, D135).
The command writes it through `io.output.atomic_folder`, so the site appears whole or not at all.

Last it writes a manifest (`ojexcel-site.txt`): every file it wrote. `check_replaceable` lets a
later run replace a folder only when it holds nothing but the files a manifest lists (and their
folders), so a site never replaces a folder of someone else's files (D138).
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..io.output import OutputError
from ..population import NIVA_ENHET, NIVA_STORSTAD
from . import links
from .pages import IsuInput, Site
from .search_index import search_script

if TYPE_CHECKING:
    from ..survey.kommun_history import History
    from ..survey.results import Results

ASSETS = ("site.css", "site.js")
MANIFEST_HEAD = (
    "# Filerna som ojexcel site skrev i den här mappen (en per rad). En ny körning ersätter mappen\n"
    "# bara om den inte innehåller något annat.\n"
)
MAX_SHOWN = 5  # unrelated files named in a refusal


@dataclass(frozen=True)
class SiteInput:
    """What a site is made of: one year's results; optionally the units' history (`--history`)
    and an ISU export read back (`--isu`)."""

    results: "Results"
    history: "History | None" = None
    isu: IsuInput | None = None


FOLDERS = ("assets", "enhet", "filer", "grupp", "indikator", "isu")

# The run's site and folder, set before the workers are forked (they inherit them, unpickled).
_SITE: "Site | None" = None
_ROOT: Path | None = None


def _write_text(name: str, text: str) -> None:
    with open(_ROOT / name, "w", encoding="utf-8", newline="\n") as fh:  # type: ignore[operator]
        fh.write(text)


def _task(task: tuple[str, str, object]) -> None:
    """Render one file: (its name, what it is, which)."""
    name, kind, arg = task
    site = _SITE
    if kind == "sheet":
        from ..survey.kommun_report import build_sheet
        from ..survey.kommun_report_xlsx import write_kommun_xlsx

        write_kommun_xlsx(build_sheet(site.results, arg, site.comparisons, site.history), _ROOT / name)
        return
    page = {
        "unit": lambda: site.unit_page(arg),
        "isu": lambda: site.isu_page(arg),
        "indicator": lambda: site.indicator_page(arg),
        "group": lambda: site.group_page(*arg),
    }[kind]
    _write_text(name, page())


def _run(tasks: list[tuple[str, str, object]]) -> int:
    for t in tasks:
        _task(t)
    return len(tasks)


def write_site(folder: Path, given: SiteInput, version: str = "", jobs: int = 1) -> list[str]:
    """Write the site into the empty `folder`; returns the files written (relative, '/'-separated).

    `jobs` > 1: the pages and sheets are rendered by that many forked workers (0: one per core).
    Every file depends only on its own unit, indicator or group, so the bytes do not depend on
    the number of workers."""
    global _SITE, _ROOT
    from ..io.parallel import default_jobs
    from ..survey.tidy import write_tidy_file
    from ..survey.workbook import write_workbook

    results = given.results
    site = Site(results, given.history, given.isu, version)
    root = Path(folder)
    for name in FOLDERS:
        (root / name).mkdir()
    files: list[str] = []

    tasks: list[tuple[str, str, object]] = []
    tasks += [(links.unit_page(e.kod), "unit", e) for e in site.enheter]  # the 316 units and 3 cities (D141)
    tasks += [(links.isu_page(kod), "isu", kod) for kod in site.isu_levels]
    tasks += [(links.indicator_page(ind.id), "indicator", n) for n, ind in enumerate(site.catalogue.indicators)]
    tasks += [(links.group_page(gr.group.niva, gr.group.kod), "group", (gr.group.niva, gr.group.kod))
              for gr in results.groups if gr.group.niva != NIVA_STORSTAD]
    tasks += [(links.sheet_file(e.kod), "sheet", e) for e in site.enheter]

    _SITE, _ROOT = site, root
    try:
        site.warm_up()
        for name, text in (
            (links.INDEX, site.index_page()),
            (links.ABOUT, site.about_page()),
            (links.ACCESSIBILITY, site.accessibility_page()),
            (links.GROUPS, site.groups_index()),
            (links.INDICATORS, site.indicators_index()),
            (links.SEARCH_INDEX, search_script(*search_entries(site))),
        ):
            _write_text(name, text)
            files.append(name)
        assets = resources.files("ojexcel.site").joinpath("assets")
        for name in ASSETS:
            (root / "assets" / name).write_bytes(assets.joinpath(name).read_bytes())
            files.append(f"assets/{name}")
        _render(tasks, jobs or default_jobs())
        files += [name for name, _, _ in tasks]
    finally:
        _SITE = _ROOT = None

    write_workbook(results, root / links.workbook_file(results.year))
    write_tidy_file(results, root / links.tidy_file(results.year))
    files += [links.workbook_file(results.year), links.tidy_file(results.year)]
    for name, text in row_files(results):
        (root / name).write_text(text, encoding="utf-8", newline="\n")
        files.append(name)

    manifest = sorted(files + [links.MANIFEST])
    (root / links.MANIFEST).write_text(MANIFEST_HEAD + "".join(f"{name}\n" for name in manifest),
                                       encoding="utf-8", newline="\n")
    return manifest


CHUNK = 8  # files per task handed to a worker


def _render(tasks: list[tuple[str, str, object]], jobs: int) -> None:
    import multiprocessing

    chunks = [tasks[n:n + CHUNK] for n in range(0, len(tasks), CHUNK)]
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods() and len(chunks) > 1:
        from ..io.parallel import worker_signals

        with multiprocessing.get_context("fork").Pool(min(jobs, len(chunks)), worker_signals) as pool:
            for _ in pool.imap_unordered(_run, chunks):
                pass
    else:
        for chunk in chunks:
            _run(chunk)


def search_entries(site: Site):
    """The search index's units (with cities), indicators and groups, in the order listed."""
    from ..population import NIVA_KOMMUNGRUPP, NIVA_LAN, NIVA_RIKET, NIVA_SKL
    from .pages import group_title, swedish_key

    units = []
    for e in site.enheter:
        if e.is_city:
            context = f"{e.keys.lan}, per stadsdel"
        elif e.is_district:
            context = f"stadsdel i {e.keys.stad_namn}"
        else:
            context = e.keys.lan
        units.append((swedish_key(e.namn), e.kod, e.namn, context))
    units.sort()
    indicators = [(ind.id, ind.kortnamn, ind.meta("namn") or ind.kortnamn) for ind in site.catalogue.indicators]
    kinds = {NIVA_RIKET: "grupp", NIVA_LAN: "län", NIVA_KOMMUNGRUPP: "kommungrupp", NIVA_SKL: "SKL-grupp"}
    groups = [(links.group_page(gr.group.niva, gr.group.kod), group_title(gr.group.niva, gr.group.kod, gr.group.namn),
               kinds[gr.group.niva]) for gr in site.results.groups if gr.group.niva in kinds]
    return [u[1:] for u in units], indicators, groups


def row_files(results: "Results"):
    """(file, CSV text) of every page's tidy rows: a unit's, a city's (its storstad rows and its
    districts' rows) and each group's, the tidy export's own header and lines (D135)."""
    from ..survey.tidy import TIDY_HEADER, tidy_rows

    by_page: dict[str, list] = {}
    population = results.population
    for row in tidy_rows(results):
        niva, kod = row[1], row[2]
        if niva == NIVA_ENHET:
            by_page.setdefault(links.rows_file(NIVA_ENHET, kod), []).append(row)
            unit = population.unit(kod)
            if unit.stad in population.cities:
                by_page.setdefault(links.rows_file(NIVA_ENHET, unit.stad), []).append(row)
        else:
            by_page.setdefault(links.rows_file(niva, kod), []).append(row)
    city_files = {links.rows_file(NIVA_ENHET, c) for c in population.cities}
    for name, rows in by_page.items():
        if name in city_files:
            rows.sort(key=lambda r: r[1] != NIVA_STORSTAD)  # the city's own rows first, then its districts'
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(TIDY_HEADER)
        writer.writerows(rows)
        yield name, buf.getvalue()


def check_replaceable(folder: Path) -> None:
    """OutputError unless `folder` is empty or holds only the files its site manifest lists (the
    folder a previous `ojexcel site` wrote); never a folder holding anything else."""
    folder = Path(folder)
    entries = []
    for base, dirs, files in os.walk(folder):
        rel = Path(base).relative_to(folder).as_posix()
        prefix = "" if rel == "." else rel + "/"
        entries += [(prefix + d, True) for d in dirs]
        entries += [(prefix + f, False) for f in files]
    if not entries:
        return
    manifest = folder / links.MANIFEST
    listed: set[str] = set()
    if manifest.is_file() and not manifest.is_symlink():
        try:
            text = manifest.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        if text.startswith(MANIFEST_HEAD):
            listed = {line for line in text.splitlines() if line and not line.startswith("#")}
    if not listed:
        raise OutputError(f"{folder}: the folder is not empty and was not written by ojexcel site "
                          f"(no {links.MANIFEST}); give a new or empty folder")
    folders = {name.rpartition("/")[0] for name in listed}
    folders |= {f.rsplit("/", k)[0] for f in list(folders) for k in range(1, f.count("/") + 1)}
    unrelated = [name for name, is_dir in sorted(entries)
                 if (name not in folders if is_dir else name not in listed)
                 or os.path.islink(folder / name)]
    if unrelated:
        shown = ", ".join(unrelated[:MAX_SHOWN]) + (" …" if len(unrelated) > MAX_SHOWN else "")
        raise OutputError(f"{folder}: holds {len(unrelated)} file(s) that ojexcel site did not write ({shown}); "
                          "the folder is replaced as a whole, so move them or give another folder")
