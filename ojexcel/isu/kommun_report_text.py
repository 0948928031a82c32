"""The texts and cell texts of a unit's ISU report, shared by its HTML and XLSX renderers.

Words live in the template `templates/isu_enhet_texter.j2` (title, headings, the noise in plain
Swedish, the summary naming the largest differences, the legend); the names of categories and
delgrupper are the workbook catalogue's (`diagram.toml`), never a variable's name; here only how
a value is shown (the symbols of `styles.py`, D160):

- a row hidden by CONTRACT isu §2 item 4 (its published base is 1..N−1) shows `styles.MASKERAD`
  (`x`) — "visas inte: färre än N ärenden" — for its count, base and share;
- a share or mean on a published base under 20 (item 5) shows `styles.OSAKER` (`..`);
- a value that does not exist (a share of a base of 0) shows `styles.FINNS_INTE` (`–`);
- a level whose table is not written shows `styles.EJ_REDOVISAD` ("redovisas inte") once;
- counts with a space between thousands (3 070), shares as whole percent, means with a decimal
  comma (2,4), as in the report.
"""
from __future__ import annotations

from ..styles import (
    EJ_REDOVISAD,
    EJ_REDOVISAD_MEANING,
    FINNS_INTE,
    FINNS_INTE_MEANING,
    MASKERAD,
    OSAKER,
    OSAKER_MEANING,
    maskerad_meaning,
)
from .cellkey import DELGRUPP_MIN, NOISE, SHARE_MIN_BAS
from .chart_catalogue import load_chart_catalogue
from .kommun_report import MEDEL, KommunReport, Table
from .model import Row, withheld_symbol

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
    """The symbol shown for one value of a row (antal, bas, andel or medel) — `EJ_REDOVISAD` when
    the level's table is not written, `MASKERAD` or `OSAKER` when the value is withheld,
    `FINNS_INTE` when it does not exist — or None when the row has the value."""
    if rad is None:
        return EJ_REDOVISAD
    withheld = withheld_symbol(rad, field)
    if withheld is not None:
        return withheld
    return FINNS_INTE if getattr(rad, field) is None else None


def hidden_row(rad: Row | None) -> bool:
    """The whole row is withheld (§2 item 4): the HTML says so in words, across its cells."""
    return rad is not None and "bas" in rad.maskerad


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


def level_fields(rapport: KommunReport, tabell: Table) -> tuple[str, ...]:
    """The values shown per level: antal, bas and andel; for a table of means bas and medel (and
    the sum, `antal`, only under --utan-brus: it is never published, §2 item 5)."""
    if tabell.medel:
        return ("antal", "bas", "medel") if rapport.utan_brus else ("bas", "medel")
    return ("antal", "bas", "andel")


FIELD_HEADER = {"antal": "Antal", "bas": "Bas", "andel": "Andel (%)", "medel": "Medel"}
FIELD_HEADER_MEDEL = {"antal": "Summa", "bas": "Ärenden", "medel": "Medel"}


def field_header(tabell: Table, field: str) -> str:
    return (FIELD_HEADER_MEDEL if tabell.medel else FIELD_HEADER)[field]


def texts(rapport: KommunReport):
    """The report's texts as a template module: `t.titel`, `t.sammanfattning`, …"""
    from ..io.templating import environment

    ctx = {"r": rapport, "category_text": category_text, "group_text": group_text, "tal": tal, "cell": cell,
           "MASKERAD": MASKERAD, "MASKERAD_MEANING": maskerad_meaning(rapport.minsta_antal),
           "OSAKER": OSAKER, "OSAKER_MEANING": OSAKER_MEANING,
           "FINNS_INTE": FINNS_INTE, "FINNS_INTE_MEANING": FINNS_INTE_MEANING,
           "EJ_REDOVISAD": EJ_REDOVISAD, "EJ_REDOVISAD_MEANING": EJ_REDOVISAD_MEANING,
           "BRUS": NOISE, "ANDEL_MIN": SHARE_MIN_BAS, "DELGRUPP_MIN": DELGRUPP_MIN}
    return environment(False).get_template(TEXTER).make_module(ctx)
