"""A thin adapter over the one ISU oracle (`tests/isu_oracle/oracle.py`) for the hypothesis
properties: ärenden as dicts (the form `tests.isu_bygg.bygg_arenden` takes) → the oracle's tidy
export, as rows of text. The rows are written as a record CSV (labels, ISO dates; `arende_id` as
`bygg_arenden` gives it, `id{i}`) and read by the oracle, so the rule lives once in the oracle and
once in production (issue 16), never a third time here.

    referens(rows, minsta=5)                  # perturbed with tests.isu_bygg.TEST_KEY, as production
    referens(rows, minsta=1, noise=False)     # the truth (--utan-brus)
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

from tests.isu_bygg import DEFAULT_DATUM, TEST_KEY
from tests.isu_oracle import oracle


def _cell(var: oracle.Var, value) -> str:
    if value is None or value == "":
        return ""
    if var.typ == "flerval":
        parts = value.split("|") if isinstance(value, str) else list(value)
        return "|".join(var.svar[p - 1] if isinstance(p, int) else p for p in parts if p != "")
    if var.typ == "enval":
        return var.svar[value - 1] if isinstance(value, int) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def records_csv(rows: list[dict]) -> str:
    """The ärenden as a record file of CONTRACT §1 (every codebook column, labels, ISO dates)."""
    cols = ["arende_id", "enhetskod"] + [v.kolumn for v in oracle.CODEBOOK]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for i, r in enumerate(rows):
        r = {"datum_aktualisering": DEFAULT_DATUM, "arende_id": f"id{i}", **r}
        w.writerow([str(r["arende_id"]), r["enhetskod"]] + [_cell(v, r.get(v.kolumn)) for v in oracle.CODEBOOK])
    return buf.getvalue()


def referens(rows: list[dict], minsta: int, population=None, noise: bool = True,
             key: bytes = TEST_KEY) -> list[tuple[str, ...]]:
    """The oracle's tidy export rows (text) of these ärenden. `population` is accepted for the
    callers' symmetry with production; the oracle reads its own reference files."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "records.csv"
        path.write_text(records_csv(rows), encoding="utf-8")
        u = oracle.compile_unmasked(oracle.read_records(path), key=key if noise else None)
    return [tuple(r) for r in oracle.tidy_rows(u, minsta, noise)]
