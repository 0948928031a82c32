"""Where every page and file of the site lives, relative to the site's folder.

Only relative links, and always to a file (`grupp/riket.html`, never `grupp/`): a folder opened
from `file://` or a USB stick shows no index page. Every page is at most one folder deep, so a
page links upwards with `root` = "" (the index) or "../" (everything else).
"""
from __future__ import annotations

import re

from ..population import NIVA_KOMMUNGRUPP, NIVA_LAN, NIVA_RIKET, NIVA_SKL, NIVA_STORSTAD

INDEX = "index.html"
ABOUT = "om.html"
ACCESSIBILITY = "tillganglighet.html"
GROUPS = "grupp/index.html"
INDICATORS = "indikator/index.html"
CSS = "assets/site.css"
SCRIPT = "assets/site.js"
SEARCH_INDEX = "assets/sok.js"
MANIFEST = "ojexcel-site.txt"

# Codes and ids become file names: only these characters (the population's and catalogue's are).
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def safe(name: str) -> str:
    """`name` as it is, if it can be a file name; ValueError otherwise."""
    if not _SAFE.fullmatch(name):
        raise ValueError(f"{name!r} cannot be part of a file name of the site")
    return name


def unit_page(kod: str) -> str:
    """A unit's (or a big city's) page."""
    return f"enhet/{safe(kod)}.html"


def indicator_page(indicator_id: str) -> str:
    return f"indikator/{safe(indicator_id)}.html"


def group_page(niva: str, kod: str) -> str:
    """A group's page; a big city's storstad group is its city's page."""
    if niva == NIVA_RIKET:
        return "grupp/riket.html"
    if niva == NIVA_STORSTAD:
        return unit_page(kod)
    prefix = {NIVA_LAN: "lan", NIVA_KOMMUNGRUPP: "kommungrupp", NIVA_SKL: "skl"}[niva]
    return f"grupp/{prefix}-{safe(kod)}.html"


def isu_page(kod: str) -> str:
    """A kommun's or stadsdel's ISU tables."""
    return f"isu/{safe(kod)}.html"


def sheet_file(kod: str) -> str:
    """A unit's own sheet (`ojexcel kommun`), XLSX."""
    return f"filer/{safe(kod)}.xlsx"


def rows_file(niva: str, kod: str) -> str:
    """The tidy export's rows of a unit, city or group."""
    if niva == NIVA_RIKET:
        return "filer/riket.csv"
    if niva in (NIVA_LAN, NIVA_KOMMUNGRUPP, NIVA_SKL):
        return "filer/" + group_page(niva, kod).removeprefix("grupp/").removesuffix(".html") + ".csv"
    return f"filer/{safe(kod)}.csv"


def workbook_file(year: int) -> str:
    return f"filer/vinr_{year}.xlsx"


def tidy_file(year: int) -> str:
    return f"filer/vinr_{year}_tidy.csv"
