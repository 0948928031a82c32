"""The ISU workbook's layout contract: the names that `workbook.py` writes and `diff.py` reads back.

Sheet names, the header of the *Per kommun* table and the names of the levels in its Nivå column.
The chapter sheets and their diagram tables are data (`diagram.toml`, `chart_catalogue.py`); how a
diagram table is laid out is `chart_tables.py`. This module imports nothing, so the command line
can tell an ISU workbook from a survey workbook without loading the ISU product (and numpy).
"""
from __future__ import annotations

INFORMATION = "Information"
PER_KOMMUN = "Per kommun"
PER_KOMMUN_TABLE = "Per_kommun"  # the Excel table's name
PER_KOMMUN_KEYS = ("Nivå", "Kod", "Namn", "Län")  # the first columns; the key figures follow
# The levels (model.NIVAER, in their order) as the Nivå column names them.
NIVA_NAMN = {"samtliga": "Samtliga", "lan": "Län", "kommun": "Kommun", "stadsdel": "Stadsdel"}
