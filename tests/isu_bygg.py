"""Test helper: an `Arenden` built directly from a list of dicts (labels as in the codebook).

    bygg_arenden([{"enhetskod": "0114", "datum_aktualisering": "2022-03-01",
                   "insatser": "Praktiskt stöd|Gruppsamtal", "maluppfoljning": 1}])

Values: a label (or its 1-based number) for `enval`; labels separated by `|` (or a list of
labels/numbers) for `flerval`; ISO dates for `datum`; an int for `alder`. Missing keys are blank.
The reader's consistency rules are *not* applied: give consistent ärenden.
Identifier columns (`arende_id`, `klient_id`, `handlaggare`) are accepted and dropped, as the
reader drops them.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from ojexcel.isu.kodbok import load_kodbok
from ojexcel.isu.modell import NO_DATE, Arenden, day_number

DROPPED = ("arende_id", "klient_id", "handlaggare", "bu_forbattringsforslag")


def _nummer(var, value) -> int:
    if isinstance(value, int):
        assert 1 <= value <= len(var.svar), (var.kolumn, value)
        return value
    return var.nummer(value)


def bygg_arenden(rows: list[dict], kalla: str = "test.csv") -> Arenden:
    kodbok = load_kodbok()
    enheter = tuple(sorted({r["enhetskod"] for r in rows}))
    pos = {k: i for i, k in enumerate(enheter)}
    n = len(rows)
    enval = {v.kolumn: np.zeros(n, np.uint8) for v in kodbok.av_typ("enval")}
    flerval = {v.kolumn: np.zeros(n, np.uint32) for v in kodbok.av_typ("flerval")}
    datum = {v.kolumn: np.full(n, NO_DATE, np.int32) for v in kodbok.av_typ("datum")}
    alder = np.zeros(n, np.int16)
    for i, r in enumerate(rows):
        for key, value in r.items():
            if key in ("enhetskod",) + DROPPED or value in (None, ""):
                continue
            var = kodbok[key]
            if var.typ == "enval":
                enval[key][i] = _nummer(var, value)
            elif var.typ == "flerval":
                parts = value.split("|") if isinstance(value, str) else list(value)
                bits = 0
                for p in parts:
                    bits |= 1 << (_nummer(var, p) - 1)
                flerval[key][i] = bits
            elif var.typ == "datum":
                datum[key][i] = day_number(dt.date.fromisoformat(value))
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
    )
