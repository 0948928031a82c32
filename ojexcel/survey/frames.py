"""pandas DataFrames of tidy rows (the Python API only; needs the `pandas` extra).

One row per tidy row, the tidy export's columns in its order, typed:

| column | dtype | content |
|---|---|---|
| `ar` | `Int64` | survey year (<NA> for a file written before `ar` was added) |
| `niva`, `kod`, `indikator` | `string` | keys; codes stay text (`0114`, `01`) |
| `varde` | `string` | unit value (Ja, Delvis, Nej, Ej aktuellt) or the share as text; <NA> = bortfall / not shown |
| `andel` | `Int64` | the share as a number on aggregate rows; <NA> on unit rows and when not shown |
| `ja` … `enheter` | `Int64` | counts on aggregate rows; <NA> on unit rows |

`andel` is `varde` parsed (nothing is computed), so shares can be compared and plotted directly.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..population import NIVA_ENHET
from .tidy import COUNT_COLUMNS, TidyRow

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

COLUMNS = ("ar", "niva", "kod", "indikator", "varde", "andel", *COUNT_COLUMNS)


def _import_pandas():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "ojexcel's DataFrames need pandas: pip install 'ojexcel[pandas]'"
        ) from None
    return pd


def tidy_frame(rows: Iterable[TidyRow]) -> pd.DataFrame:
    pd = _import_pandas()
    rows = list(rows)
    none6 = (None,) * len(COUNT_COLUMNS)
    data: dict[str, list] = {
        "ar": [r.ar for r in rows],
        "niva": [r.niva for r in rows],
        "kod": [r.kod for r in rows],
        "indikator": [r.indikator for r in rows],
        "varde": [r.varde or None for r in rows],
        "andel": [int(r.varde) if r.varde and r.niva != NIVA_ENHET else None for r in rows],
    }
    counts = list(zip(*[r.counts or none6 for r in rows])) if rows else [[] for _ in COUNT_COLUMNS]
    for name, values in zip(COUNT_COLUMNS, counts):
        data[name] = list(values)
    dtypes = {"niva": "string", "kod": "string", "indikator": "string", "varde": "string"}
    return pd.DataFrame(
        {c: pd.array(data[c], dtype=dtypes.get(c, "Int64")) for c in COLUMNS}
    )


def results_frame(results) -> pd.DataFrame:
    """`Results.to_frame()`: the tidy export's rows of one run."""
    from .tidy import tidy_rows

    def parsed():
        for ar, niva, kod, ind, varde, *counts in tidy_rows(results):
            yield TidyRow(niva, kod, ind, varde, None if niva == NIVA_ENHET else tuple(map(int, counts)), int(ar))

    return tidy_frame(parsed())
