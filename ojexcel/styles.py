"""Shared presentation constants: colours and symbols every rendered output uses.

The workbook, a municipality's own sheet (XLSX and HTML) and the diff all read these, so a colour
or symbol means the same everywhere. Colours follow Excel's built-in Good/Neutral/Bad cell styles;
the cell text always says the value too, so colour is never the only carrier of meaning.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Colour:
    name: str  # Excel's built-in style name
    fill: str  # background, RRGGBB
    font: str  # text, RRGGBB
    meaning: str  # in Swedish, for the cover sheet and legends


# Table cells: a thin grey border; header rows filled light blue (every workbook).
BORDER = "#BFBFBF"
HEADER_FILL = "#DDEBF7"

GOOD = Colour("Good", "C6EFCE", "006100", "grönt – önskvärt resultat")
NEUTRAL = Colour("Neutral", "FFEB9C", "9C5700", "gult – delvis önskvärt resultat")
BAD = Colour("Bad", "FFC7CE", "9C0006", "rött – ett utvecklingsområde")

# Symbols for what is not a value. Explained on every cover sheet and legend.
BORTFALL = ".."
BORTFALL_MEANING = (
    "Bortfall: kommunen eller stadsdelen har inte besvarat enkäten eller delen om våld i nära "
    "relationer, eller ett svar saknas som kan ändra resultatet."
)
SUPPRESSED = "x"
SUPPRESSED_MEANING = (
    "Redovisas inte: andelen Ej aktuellt och bortfall i gruppen överstiger 20 procent, "
    "eller ingen enhet finns kvar i nämnaren."
)


def unit_text(value: str | None) -> str:
    """The text a cell shows for a unit value (None = bortfall)."""
    return BORTFALL if value is None else value


def share_text(andel: int | None) -> str:
    return SUPPRESSED if andel is None else str(andel)


# Comparability between years (the trend and a unit's history). A marked value is shown but a
# line drawn from the previous year would mislead; no change is computed across "ej jämförbar".
EJ_JAMFORBAR_MARK = "†"
EJ_JAMFORBAR_MEANING = (
    "Ej jämförbar med föregående år: indikatorn, frågan eller definitionen har ändrats. "
    "Ingen förändring beräknas över ett sådant brott."
)
DELVIS_JAMFORBAR_MARK = "*"
DELVIS_JAMFORBAR_MEANING = (
    "Delvis jämförbar med föregående år: svarsalternativ eller definitioner har justerats. "
    "Jämför med försiktighet."
)
# The catalogue's `jamforbarhet` value -> the marker shown beside a value.
COMPARABILITY_MARKS = {
    "jämförbar": "",
    "delvis jämförbar": DELVIS_JAMFORBAR_MARK,
    "ej jämförbar": EJ_JAMFORBAR_MARK,
}
SAKNAS = "–"
SAKNAS_MEANING = "Uppgift saknas: indikatorn eller enheten finns inte i det årets underlag."

# ISU (case-level follow-up, CONTRACT isu §2: a cell key method), one set of symbols for every ISU
# output (workbook, a unit's report in XLSX and HTML), explained on every cover sheet and legend
# (D160). Every count is published with a small noise (at most ±3), so a shown 0 may be 0–3.
# - MASKERAD `x`: a row hidden by item 4 — its published base is 1..N−1 — with its count, base and
#   share: "visas inte: färre än N ärenden", as Swedish official statistics mark "uppgift får inte
#   lämnas". Never a zero, and never the number.
# - OSAKER `..`: a share or mean not shown because its published base is under 20 (item 5), as
#   official statistics mark a value too uncertain to give.
# - FINNS_INTE `–`: a value that does not exist (a share of a base of 0). Where the workbook's
#   diagram tables need blanks for their charts' gaps, the cell is left blank instead (a text in a
#   charted cell would not be a gap in every program).
# - EJ_REDOVISAD: a table not written for a level or group (its published scope is 0, or at kommun
#   and stadsdel a delgrupp of under 20): said in words where a table would stand.
MASKERAD = SUPPRESSED
OSAKER = ".."
FINNS_INTE = SAKNAS
EJ_REDOVISAD = "redovisas inte"
OSAKER_MEANING = "Visas inte: basen är under 20 ärenden, för få för en andel eller ett medelvärde."
FINNS_INTE_MEANING = "Finns inte: basen är 0, så det finns ingen andel."
EJ_REDOVISAD_MEANING = ("Tabellen redovisas inte: inga eller mycket få ärenden (0–3), eller, för en delgrupp i en "
                        "kommun eller stadsdel, färre än 20 ärenden i gruppen.")


def maskerad_meaning(minsta_antal: int) -> str:
    """The meaning of MASKERAD for a run's N."""
    return f"Visas inte: färre än {minsta_antal} ärenden (raden bygger på en bas under {minsta_antal})."
