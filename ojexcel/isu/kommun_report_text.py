"""The texts and cell texts of a unit's ISU report, shared by its HTML and XLSX renderers.

Words live in the template `templates/isu_enhet_texter.j2` (title, headings, the summary naming
the largest differences, the legend); the names of categories and delgrupper are the workbook
catalogue's (`diagram.toml`), never a variable's name; here only how a value is shown:

- a masked value (CONTRACT isu §2) shows `styles.MASKERAD` (`x`) — the count is never shown, nor
  anything computed from it;
- a value that does not exist (a share on a base of 0, a level without the table) shows
  `styles.FINNS_INTE` (`–`);
- counts with a space between thousands (3 070), shares as whole percent, means with a decimal
  comma (2,4), as in the report.
"""
from __future__ import annotations

from ..styles import FINNS_INTE, FINNS_INTE_MEANING, MASKERAD, MASKERAD_MEANING
from .chart_catalogue import load_chart_catalogue
from .kommun_report import MEDEL, KommunReport
from .model import Row

TEXTER = "isu_enhet_texter.j2"
HTML_PAGE = "isu_enhet.html.j2"

def category_text(kategori: str) -> str:
    """The text shown for a category: the workbook catalogue's name for a key (`uppgift_saknas` →
    'Uppgift saknas'), an answer label as it is, a numeric range with an en dash (18–24)."""
    namn = load_chart_catalogue().category_name(kategori)
    return namn.replace("-", "–") if namn[:1].isdigit() else namn


def group_text(delgrupp: str) -> str:
    """The text shown for a delgrupp (`hrv=Ja` → 'Hedersrelaterat våld: ja'), from the workbook
    catalogue (`diagram.toml`, [grupper] and [gruppmonster]): one place for the names."""
    return load_chart_catalogue().group_name(delgrupp)


def tal(n: int) -> str:
    """3070 → '3 070' (a no-break space between thousands)."""
    return f"{n:,}".replace(",", "\u00a0")


def medel_text(medel: str) -> str:
    """'2.4' → '2,4'."""
    return medel.replace(".", ",")


def symbol(rad: Row | None, field: str) -> str | None:
    """The symbol shown for one value of a row (antal, bas, andel or medel) — `MASKERAD` when it is
    masked, `FINNS_INTE` when it does not exist — or None when the row has the value."""
    if rad is None:
        return FINNS_INTE
    if field in rad.maskerad:
        return MASKERAD
    return FINNS_INTE if getattr(rad, field) is None else None


def cell(rad: Row | None, field: str) -> str:
    """The text of one value of a row: antal, bas, andel or medel."""
    tecken = symbol(rad, field)
    if tecken is not None:
        return tecken
    value = getattr(rad, field)
    if field == "medel":
        return medel_text(value)
    return tal(value) if field in ("antal", "bas") else str(value)


def value_fields(kategori: str) -> str:
    """The third value of a row: `medel` on medel rows, else `andel`."""
    return "medel" if kategori == MEDEL else "andel"


def texts(rapport: KommunReport):
    """The report's texts as a template module: `t.titel`, `t.sammanfattning`, …"""
    from ..io.templating import environment

    ctx = {"r": rapport, "category_text": category_text, "group_text": group_text, "tal": tal, "cell": cell,
           "MASKERAD": MASKERAD, "MASKERAD_MEANING": MASKERAD_MEANING,
           "FINNS_INTE": FINNS_INTE, "FINNS_INTE_MEANING": FINNS_INTE_MEANING}
    return environment(False).get_template(TEXTER).make_module(ctx)
