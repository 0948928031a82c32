"""The workbook's layout contract: sheet names, header labels and level labels.

The writer (`workbook.py`) and the reader (`workbook_read.py`) both use these names, so what one
writes the other finds. The reader never relies on a fixed row or column: it finds each sheet by
name, each header row by its labels, each column by its header text and each row by its key
columns — so a user may sort, filter, widen or re-order rows and the workbook still reads back.

Sheets, in order:

* ``Information`` — the cover sheet: title, year, source, counts, contents, colours, symbols,
  how to sort, the rules and notes (text from ``templates/arbetsbok.txt.j2``).
* ``Kommuner och stadsdelar`` — one row per unit, plus a row per big city (Nivå = Storstad) right
  before its districts. Above the header row: band rows labelled ``LABEL_BAND_OMRADE``,
  ``LABEL_BAND_INDIKATOROMRADE`` and ``LABEL_ID`` (the indicator ids, one per indicator column; the
  row is hidden: it is for programs); the header row holds ``UNIT_FROZEN_COLUMNS``, each
  indicator's column header (``Indicator.rubrik``, its full short name in the cell's note), then
  ``UNIT_TRAILING_COLUMNS``. The label of each band row is in the ``Namn`` column. (Workbooks
  written before had all ``UNIT_KEY_COLUMNS`` first and a visible id row: the reader needs neither
  order nor visibility.) Unit cells hold the value text (Ja, Delvis,
  Nej, Ej aktuellt, or ``styles.BORTFALL``); city cells hold the share (a number) or
  ``styles.SUPPRESSED``.
* ``Län och riket`` and ``Kommungrupper`` — long format: one row per (group, indicator) with
  ``GROUP_COLUMNS``: the share (number or ``styles.SUPPRESSED``) and every count behind it.
* ``Svarsfrekvens`` — one row per group (riket, län, storstad) with ``RESPONSE_COLUMNS``.
* ``Indikatorer`` — the catalogue, one row per indicator with ``INDICATOR_COLUMNS``.
"""
from __future__ import annotations

from ..population import (
    NIVA_ENHET,
    NIVA_KOMMUNGRUPP,
    NIVA_LAN,
    NIVA_RIKET,
    NIVA_SKL,
    NIVA_STORSTAD,
)

SHEET_INFORMATION = "Information"
SHEET_ENHETER = "Kommuner och stadsdelar"
SHEET_LAN = "Län och riket"
SHEET_GRUPPER = "Kommungrupper"
SHEET_SVARSFREKVENS = "Svarsfrekvens"
SHEET_INDIKATORER = "Indikatorer"
SHEETS = (SHEET_INFORMATION, SHEET_ENHETER, SHEET_LAN, SHEET_GRUPPER, SHEET_SVARSFREKVENS, SHEET_INDIKATORER)

# -- "Kommuner och stadsdelar" -------------------------------------------------------------------
COL_LAN = "Län"
COL_LANSKOD = "Länskod"
COL_KOMMUNGRUPP = "Kommungrupp"
COL_SKL = "SKL-grupp"
COL_SKL_NAMN = "SKL-gruppens namn"
COL_NIVA = "Nivå"
COL_KOD = "Kod"
COL_NAMN = "Namn"
UNIT_KEY_COLUMNS = (COL_LAN, COL_LANSKOD, COL_KOMMUNGRUPP, COL_SKL, COL_SKL_NAMN, COL_NIVA, COL_KOD, COL_NAMN)
# Where they stand: the narrow keys left of the indicators (frozen), the long names right of them.
UNIT_FROZEN_COLUMNS = (COL_LANSKOD, COL_KOMMUNGRUPP, COL_SKL, COL_NIVA, COL_KOD, COL_NAMN)
UNIT_TRAILING_COLUMNS = (COL_LAN, COL_SKL_NAMN)
LABEL_BAND_OMRADE = "Kvalitetsdimension – kvalitetsområde"
LABEL_BAND_INDIKATOROMRADE = "Indikatorområde"
LABEL_ID = "Indikator-id"

# The Nivå column: what a row is. Unit rows are "enhet" in the tidy export.
NIVA_KOMMUN_LABEL = "Kommun"
NIVA_STADSDEL_LABEL = "Stadsdel"
NIVA_LABELS = {
    NIVA_RIKET: "Riket",
    NIVA_LAN: "Län",
    NIVA_STORSTAD: "Storstad",
    NIVA_KOMMUNGRUPP: "Kommungrupp",
    NIVA_SKL: "SKL-grupp",
}
# Label shown -> tidy niva.
NIVA_FROM_LABEL = {NIVA_KOMMUN_LABEL: NIVA_ENHET, NIVA_STADSDEL_LABEL: NIVA_ENHET} | {
    label: niva for niva, label in NIVA_LABELS.items()
}

# -- "Län och riket", "Kommungrupper" (long format) ----------------------------------------------
COL_NR = "Nr"
COL_INDIKATOR_ID = "Indikator-id"
COL_INDIKATOR = "Indikator"
COL_ANDEL = "Andel Ja (%)"
COL_JA = "Ja"
COL_DELVIS = "Delvis"
COL_NEJ = "Nej"
COL_EJ_AKTUELLT = "Ej aktuellt"
COL_BORTFALL = "Bortfall"
COL_NAMNARE = "Nämnare"
COL_ENHETER = "Antal enheter"
COL_DIMENSION = "Kvalitetsdimension"
COL_OMRADE = "Kvalitetsområde"
COL_INDIKATOROMRADE = "Indikatorområde"
COL_KORTNAMN = "Kortnamn"
COUNT_COLUMNS = (COL_JA, COL_DELVIS, COL_NEJ, COL_EJ_AKTUELLT, COL_BORTFALL, COL_NAMNARE, COL_ENHETER)
GROUP_COLUMNS = (
    COL_NIVA,
    COL_KOD,
    COL_NAMN,
    COL_NR,
    COL_INDIKATOR_ID,
    COL_INDIKATOR,
    COL_ANDEL,
    *COUNT_COLUMNS,
    COL_DIMENSION,
    COL_OMRADE,
    COL_INDIKATOROMRADE,
    COL_KORTNAMN,
)
GROUP_SHEET_LEVELS = {
    SHEET_LAN: (NIVA_RIKET, NIVA_LAN, NIVA_STORSTAD),
    SHEET_GRUPPER: (NIVA_KOMMUNGRUPP, NIVA_SKL),
}

# Each data table is an Excel table (a ListObject) with these names, for Power Query, screen
# readers and structured references.
TABLE_NAMES = {
    SHEET_ENHETER: "Enheter",
    SHEET_LAN: "Lan_och_riket",
    SHEET_GRUPPER: "Kommungrupper",
    SHEET_SVARSFREKVENS: "Svarsfrekvens",
    SHEET_INDIKATORER: "Indikatorer",
}

# -- "Svarsfrekvens" ------------------------------------------------------------------------------
COL_BESVARAT = "Besvarat enkäten"
COL_SVARSFREKVENS = "Svarsfrekvens enkäten (%)"
COL_BESVARAT_VINR = "Besvarat delen om våld i nära relationer"
COL_SVARSFREKVENS_VINR = "Svarsfrekvens delen om våld i nära relationer (%)"
RESPONSE_COLUMNS = (
    COL_NIVA,
    COL_KOD,
    COL_NAMN,
    COL_ENHETER,
    COL_BESVARAT,
    COL_SVARSFREKVENS,
    COL_BESVARAT_VINR,
    COL_SVARSFREKVENS_VINR,
)
RESPONSE_LEVELS = (NIVA_RIKET, NIVA_LAN, NIVA_STORSTAD)

# -- "Indikatorer" --------------------------------------------------------------------------------
INDICATOR_COLUMNS = (
    COL_NR,
    COL_INDIKATOR_ID,
    "Kortnamn (i Excelfilen)",
    "Kolumnrubrik",
    "Indikatornamn",
    "Mått",
    "Typ av indikator",
    COL_DIMENSION,
    COL_OMRADE,
    COL_INDIKATOROMRADE,
    "Målvärde",
    "Redovisas som",
    "Enkätdel",
    "Enkätfrågor",
    "Beräkning (regel)",
    "Jämförbarhet",
    "Jämförbarhet – kommentar",
)
