"""The whole site written into one folder (`write_site`), and the rule for replacing one.

`write_site(folder, SiteInput(...))` fills an empty folder: the pages (`pages.Site`), the style
sheet and script (package data, `assets/`), the search index, every unit's and city's own sheet
(XLSX, written by `survey.kommun_report_xlsx` as `ojexcel kommun` writes it), the workbook and
tidy export of the year, and each page's tidy rows (the tidy export's own lines, selected, D128).
The command writes it through `io.output.atomic_folder`, so the site appears whole or not at all.

Last it writes a manifest (`ojexcel-site.txt`): every file it wrote. `check_replaceable` lets a
later run replace a folder only when it holds nothing but the files a manifest lists (and their
folders), so a site never replaces a folder of someone else's files (D131).
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
from ..population import CITIES, NIVA_ENHET, NIVA_STORSTAD
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


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: list[str] = []
        self.made: set[str] = set()

    def path(self, name: str) -> Path:
        folder = name.rpartition("/")[0]
        if folder and folder not in self.made:
            (self.root / folder).mkdir(parents=True, exist_ok=True)
            self.made.add(folder)
        self.files.append(name)
        return self.root / name

    def text(self, name: str, text: str) -> None:
        with open(self.path(name), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)

    def data(self, name: str, data: bytes) -> None:
        with open(self.path(name), "wb") as fh:
            fh.write(data)


def write_site(folder: Path, given: SiteInput, version: str = "") -> list[str]:
    """Write the site into the empty `folder`; returns the files written (relative, '/'-separated)."""
    from ..survey.kommun_report import Comparisons, build_sheet
    from ..survey.kommun_report_xlsx import write_kommun_xlsx
    from ..survey.tidy import write_tidy_file
    from ..survey.workbook import write_workbook

    results = given.results
    site = Site(results, given.history, given.isu, version)
    out = _Writer(Path(folder))

    out.text(links.INDEX, site.index_page())
    out.text(links.ABOUT, site.about_page())
    out.text(links.ACCESSIBILITY, site.accessibility_page())
    out.text(links.GROUPS, site.groups_index())
    out.text(links.INDICATORS, site.indicators_index())
    for e in site.enheter:
        out.text(links.unit_page(e.kod), site.unit_page(e))
    for kod in site.isu_levels:
        out.text(links.isu_page(kod), site.isu_page(kod))
    for n in range(len(site.catalogue)):
        out.text(links.indicator_page(site.catalogue.indicators[n].id), site.indicator_page(n))
    for gr in results.groups:
        g = gr.group
        if g.niva != NIVA_STORSTAD:
            out.text(links.group_page(g.niva, g.kod), site.group_page(g.niva, g.kod))

    assets = resources.files("ojexcel.site").joinpath("assets")
    for name in ASSETS:
        out.data(f"assets/{name}", assets.joinpath(name).read_bytes())
    out.text(links.SEARCH_INDEX, search_script(*search_entries(site)))

    comparisons = Comparisons.of(results)
    for e in site.enheter:
        write_kommun_xlsx(build_sheet(results, e, comparisons, given.history), out.path(links.sheet_file(e.kod)))
    write_workbook(results, out.path(links.workbook_file(results.year)))
    write_tidy_file(results, out.path(links.tidy_file(results.year)))
    for name, text in row_files(results):
        out.text(name, text)

    manifest = sorted(out.files + [links.MANIFEST])
    out.text(links.MANIFEST, MANIFEST_HEAD + "".join(f"{name}\n" for name in manifest))
    return manifest


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
    districts' rows) and each group's, the tidy export's own header and lines (D128)."""
    from ..survey.tidy import TIDY_HEADER, tidy_rows

    by_page: dict[str, list] = {}
    population = results.population
    for row in tidy_rows(results):
        niva, kod = row[1], row[2]
        if niva == NIVA_ENHET:
            by_page.setdefault(links.rows_file(NIVA_ENHET, kod), []).append(row)
            unit = population.unit(kod)
            if unit.stad in CITIES:
                by_page.setdefault(links.rows_file(NIVA_ENHET, unit.stad), []).append(row)
        else:
            by_page.setdefault(links.rows_file(niva, kod), []).append(row)
    for name, rows in by_page.items():
        if name.endswith(tuple(f"/{c}.csv" for c in CITIES)):
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
