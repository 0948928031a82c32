"""pandas DataFrames of ISU results and tidy exports (the Python API only; needs the `pandas` extra).

The twin of `survey/frames.py`. One row per tidy row (CONTRACT isu §6), its columns in order, then
one mask column per measure, typed:

| column | dtype | content |
|---|---|---|
| `niva`, `kod`, `tabell`, `delgrupp`, `kategori` | `string` | keys; codes stay text (`0114`, `01`); samtliga's `kod` and the whole's `delgrupp` are `""` |
| `antal`, `bas`, `andel` | `Int64` | the numbers; `<NA>` when hidden or when the value does not exist |
| `medel` | `Float64` | the mean (one decimal, as the tidy export writes it); `<NA>` on count rows and when hidden |
| `antal_maskerad`, `bas_maskerad`, `andel_maskerad`, `medel_maskerad` | `bool` | True: the value is hidden (masked, §2) |

A hidden value and a value that does not exist are both `<NA>` in the value column and told apart
by the mask column (D131): `df.andel.isna() & ~df.andel_maskerad` is a share that does not exist (a
base of 0), `df.andel_maskerad` one that is hidden. A tidy export read back infers which is which
as `tidy.read_isu_tidy` does (D102); results built in this run know it. Nothing is computed here.
`tidy.read_tidy_frame` reads a tidy export into this frame (`ojexcel.isu.read_tidy`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .model import Row

KEYS = ("niva", "kod", "tabell", "delgrupp", "kategori")
COUNTS = ("antal", "bas", "andel")
MEASURES = (*COUNTS, "medel")
MASKS = tuple(f"{m}_maskerad" for m in MEASURES)
COLUMNS = (*KEYS, *MEASURES, *MASKS)


def _import_pandas():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("ojexcel's DataFrames need pandas: pip install 'ojexcel[pandas]'") from None
    return pd


def rows_frame(rows: Iterable[Row]) -> pd.DataFrame:
    """A DataFrame of tidy rows (`model.Row`), in their order."""
    import numpy as np

    pd = _import_pandas()
    rows = list(rows)
    data: dict[str, object] = {
        "niva": pd.array([r.niva for r in rows], dtype="string"),
        "kod": pd.array([r.kod for r in rows], dtype="string"),
        "tabell": pd.array([r.tabell for r in rows], dtype="string"),
        "delgrupp": pd.array([r.delgrupp for r in rows], dtype="string"),
        "kategori": pd.array([r.kategori for r in rows], dtype="string"),
    }
    for name, values in (("antal", [r.antal for r in rows]), ("bas", [r.bas for r in rows]),
                         ("andel", [r.andel for r in rows])):
        column = np.array(values, dtype=object)
        missing = np.equal(column, None)
        data[name] = pd.arrays.IntegerArray(np.where(missing, 0, column).astype(np.int64), missing)
    means = np.array([r.medel for r in rows], dtype=object)
    missing = np.equal(means, None)
    data["medel"] = pd.arrays.FloatingArray(np.where(missing, "0", means).astype(np.float64), missing)
    masks = np.array([r.maskerad for r in rows], dtype=object)
    kinds = set(masks.tolist())  # a few distinct sets: compare against each once
    for name, column in zip(MEASURES, MASKS):
        hidden = [m for m in kinds if name in m]
        data[column] = np.isin(masks, hidden) if hidden else np.zeros(len(rows), dtype=bool)
    return pd.DataFrame({c: data[c] for c in COLUMNS})


def results_frame(results) -> pd.DataFrame:
    """`to_frame()` of any ISU results (`IsuResults`): the rows its tidy export would have."""
    return rows_frame(results.rader())
