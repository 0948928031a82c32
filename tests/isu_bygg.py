"""Test builders for ISU: input (`Arenden`) and results (`Rad` rows for a `RadLista`), written by
hand so tests of one module do not depend on another.

`bygg_arenden` — an `Arenden` from a list of dicts, as `arenden.read_arenden` returns it:

    bygg_arenden([{"enhetskod": "0114", "datum_aktualisering": "2022-03-01",
                   "insatser": "Praktiskt stöd|Gruppsamtal", "maluppfoljning": 1}])

Values: a label (or its 1-based number) for `enval`; labels separated by `|` (or an iterable of
labels/numbers) for `flerval`; ISO text or a date for `datum`; an int for `alder`. Missing keys are
blank; `datum_aktualisering` defaults to 2022-01-01. Identifier and free-text columns (`arende_id`,
`klient_id`, `handlaggare`, `bu_forbattringsforslag`) are accepted and dropped, as the reader drops
them — but, as the reader, each ärende gets its record key r (CONTRACT §2 item 1) from its
`arende_id` (default `id{i}`) and `nyckel` (default `TEST_KEY`). The reader's consistency rules
are *not* applied: give consistent ärenden.

`enval_rader`, `medel_rad`, `bygg_rad` — one table's rows from counts taken as published values,
withheld as CONTRACT §2 items 4 and 5 say (a base 1..N−1 hides its row; shares and means only from
a base of 20; a mean's sum never), for `RowList.from_rows` — enough to test renderers, which never
compute; the perturbation itself is the compile engine's, tested there and against the oracle.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from ojexcel.isu.cellkey import record_keys
from ojexcel.isu.codebook import load_codebook
from ojexcel.isu.model import NO_DATE, Arenden, Row, day_number

DEFAULT_DATUM = "2022-01-01"
TEST_KEY = b"tests/isu_bygg.py: a key for tests only"
DROPPED = ("arende_id", "klient_id", "handlaggare", "bu_forbattringsforslag")


# -- input -----------------------------------------------------------------------------------------

def _nummer(var, value) -> int:
    if isinstance(value, int):
        assert 1 <= value <= len(var.svar), (var.kolumn, value)
        return value
    return var.nummer(value)


def _datum(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _flera(value) -> tuple:
    if isinstance(value, str):
        return tuple(p for p in value.split("|") if p)
    return tuple(value)


def bygg_arenden(rows: list[dict], kalla: str = "test.csv", nyckel: bytes = TEST_KEY) -> Arenden:
    kodbok = load_codebook()
    enheter = tuple(sorted({r["enhetskod"] for r in rows}))
    pos = {k: i for i, k in enumerate(enheter)}
    n = len(rows)
    enval = {v.kolumn: np.zeros(n, np.uint8) for v in kodbok.of_type("enval")}
    flerval = {v.kolumn: np.zeros(n, np.uint32) for v in kodbok.of_type("flerval")}
    datum = {v.kolumn: np.full(n, NO_DATE, np.int32) for v in kodbok.of_type("datum")}
    alder = np.zeros(n, np.int16)
    for i, r in enumerate(rows):
        for key, value in {"datum_aktualisering": DEFAULT_DATUM, **r}.items():
            if key in ("enhetskod",) + DROPPED or value is None or value == "":
                continue
            var = kodbok[key]
            if var.typ == "enval":
                enval[key][i] = _nummer(var, value)
            elif var.typ == "flerval":
                flerval[key][i] = sum(1 << (k - 1) for k in {_nummer(var, p) for p in _flera(value)})
            elif var.typ == "datum":
                datum[key][i] = day_number(_datum(value))
            elif key == "alder":
                alder[i] = int(value)
            else:
                raise KeyError(key)
    return Arenden(
        kalla=kalla,
        enheter=enheter,
        enhet=np.array([pos[r["enhetskod"]] for r in rows], dtype=np.int32),
        enval=enval,
        flerval=flerval,
        datum=datum,
        alder=alder,
        record_keys=record_keys([str(r.get("arende_id", f"id{i}")).strip() for i, r in enumerate(rows)], nyckel),
    )


# -- results ---------------------------------------------------------------------------------------

def andel(antal: int, bas: int) -> int | None:
    """100·antal/bas in whole percent, halves up; None when bas is 0 (no share exists)."""
    return None if bas == 0 else (200 * antal + bas) // (2 * bas)


SHARE_MIN = 20  # CONTRACT §2 item 5: shares and means from a published base of 20


def bygg_rad(niva: str, kod: str, tabell: str, delgrupp: str, kategori: str, antal: int, bas: int,
             minsta: int = 5) -> Row:
    """One row as §2 publishes a count and its base (taken as the published values): a base
    1..N−1 hides the row (item 4), a share only from a base of 20 (item 5)."""
    if 1 <= bas < minsta:
        return Row(niva, kod, tabell, delgrupp, kategori, None, None, None, None, frozenset({"antal", "bas", "andel"}))
    if bas >= SHARE_MIN:
        return Row(niva, kod, tabell, delgrupp, kategori, antal, bas, andel(antal, bas), None)
    return Row(niva, kod, tabell, delgrupp, kategori, antal, bas, None, None, frozenset() if bas == 0 else frozenset({"andel"}))


def enval_rader(niva: str, kod: str, tabell: str, counts: dict[str, int], saknas: int = 0,
                delgrupp: str = "", minsta: int = 5, flerval_bas: int | None = None) -> list[Row]:
    """Label rows (+ uppgift_saknas). `flerval_bas`: the flerval base (ärenden with an answer)."""
    bas = flerval_bas if flerval_bas is not None else sum(counts.values())
    scope = bas + saknas
    out = []
    if flerval_bas is not None:
        out.append(bygg_rad(niva, kod, tabell, delgrupp, "minst_ett_svar", bas, scope, minsta))
    for label, n in counts.items():
        out.append(bygg_rad(niva, kod, tabell, delgrupp, label, n, bas, minsta))
    out.append(bygg_rad(niva, kod, tabell, delgrupp, "uppgift_saknas", saknas, scope, minsta))
    return out


def medel_text(summa: int, bas: int) -> str:
    """summa/bas with one decimal, halves up (bas > 0): '2.5'."""
    t = (20 * summa + bas) // (2 * bas)
    return f"{t // 10}.{t % 10}"


def medel_rad(niva: str, kod: str, tabell: str, summa: int, bas: int, minsta: int = 5, delgrupp: str = "") -> Row:
    """A mean as §2 publishes it: its base, the mean from a base of 20, the sum never."""
    if 0 < bas < minsta:
        return Row(niva, kod, tabell, delgrupp, "medel", None, None, None, None,
                   frozenset({"antal", "bas", "medel"}))
    if bas >= SHARE_MIN:
        return Row(niva, kod, tabell, delgrupp, "medel", None, bas, None, medel_text(summa, bas), frozenset({"antal"}))
    return Row(niva, kod, tabell, delgrupp, "medel", None, bas, None, None, frozenset({"antal", "medel"}))
