"""The tidy export (CONTRACT isu §6) and its reader.

    niva,kod,tabell,delgrupp,kategori,antal,bas,andel,medel

UTF-8 without BOM, `\\n` line ends, fields quoted as the csv module quotes them (only when they
hold a comma, a quote or a line break); a masked or non-existent value is empty. Rows in
`IsuResultat.rader()` order (level, code, table, delgrupp, category).

At national breadth the export has millions of rows, so for the column-wise `IsuTabeller` the
text is assembled with numpy, one unit at a time: each row is the unit's `niva,kod,` + the slot's
pre-encoded `tabell,delgrupp,kategori,` + the numbers' digits, laid out in a byte matrix and
compacted with one boolean mask. Any other `IsuResultat` is written row by row.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
from functools import cache
from pathlib import Path
from typing import Iterator

import numpy as np

from ..problems import InputError, Problem
from .modell import NIVAER, SAMTLIGA, Rad
from .resultat import MASK_ANTAL, MASK_MEDEL, MASK_RAD, IsuTabeller, andelar, medel_text
from .tabellplan import MEDEL_KATEGORI, MEDELRAD, Plan

TIDY_HEADER = ("niva", "kod", "tabell", "delgrupp", "kategori", "antal", "bas", "andel", "medel")


def falt(text: str) -> str:
    """One CSV field as csv.writer (QUOTE_MINIMAL) writes it."""
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_isu_tidy(resultat, path: Path | str) -> None:
    with open(path, "wb") as fh:
        fh.write((",".join(TIDY_HEADER) + "\n").encode("utf-8"))
        if isinstance(resultat, IsuTabeller):
            for chunk in _tidy_bytes(resultat):
                fh.write(chunk)
        else:
            text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
            writer = csv.writer(text, lineterminator="\n")
            writer.writerows(tidy_falt(r) for r in resultat.rader())
            text.flush()
            text.detach()


def tidy_falt(r: Rad) -> tuple:
    def s(v) -> str:
        return "" if v is None else str(v)

    return (r.niva, r.kod, r.tabell, r.delgrupp, r.kategori, s(r.antal), s(r.bas), s(r.andel), s(r.medel))


# ---------------------------------------------------------------------------------------------
# Fast path


@cache
def _prefix(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Every slot's `tabell,delgrupp,kategori,` as UTF-8, concatenated in slot order, and their
    lengths."""
    texts = [
        (f"{falt(t.namn)},{falt(plan.delgrupper[d])},{falt(t.kategorier[r])},").encode("utf-8")
        for t, d, r in zip((plan.tabeller[i] for i in plan.slot_tabell.tolist()), plan.slot_delgrupp.tolist(),
                           plan.slot_rad.tolist())
    ]
    return np.frombuffer(b"".join(texts), dtype=np.uint8), np.array([len(b) for b in texts], dtype=np.int64)


_FYRA = np.frombuffer("".join(f"{i:04d}" for i in range(10_000)).encode("ascii"), dtype=np.uint8).reshape(10_000, 4)


_TIOPOTENSER = 10 ** np.arange(1, 19, dtype=np.int64)
_KOLUMN = np.arange(64)


def _grupper(v: np.ndarray) -> int:
    """Four-digit groups needed for the largest of v (≥ 1)."""
    storst = int(v.max()) if v.size else 0
    return max(1, -(-len(str(storst)) // 4))


def _skriv_tal(mat: np.ndarray, giltig: np.ndarray, off: int, grupper: int, v: np.ndarray,
               tom: np.ndarray) -> np.ndarray:
    """Whole numbers v ≥ 0 as ASCII digits, right-aligned and zero-padded in columns
    off … off + 4·grupper of `mat` (four digits per table look-up); `giltig` marks the digits
    that belong to the text (no leading zeros; none for an empty field). Returns the digit counts."""
    bredd = 4 * grupper
    v0 = np.where(tom, 0, v)
    rest = v0
    for g in range(grupper - 1, -1, -1):
        mat[:, off + 4 * g: off + 4 * g + 4] = _FYRA[rest % 10_000 if g else rest]
        if g:
            rest = rest // 10_000
    nd = np.searchsorted(_TIOPOTENSER[:bredd - 1], v0, side="right") + 1
    nd[tom] = 0
    giltig[:, off:off + bredd] = _KOLUMN[:bredd][None, :] >= (bredd - nd)[:, None]
    return nd


def _tidy_bytes(res: IsuTabeller) -> Iterator:
    """One unit's rows at a time. A row is `niva,kod,` + the slot's prefix + `antal,bas,andel,` +
    `\n` (medel is empty on these rows). The written slots' prefixes are cut from the concatenated
    prefixes with one mask; after each, its numbers, the line end and the next row's `niva,kod,`
    are inserted (their bytes built in a narrow [rows × width] matrix)."""
    plan = res.plan
    pool, pre_len = _prefix(plan)
    pre_start = np.concatenate([[0], np.cumsum(pre_len)])
    medelrad = plan.slot_typ == MEDELRAD
    komma = ord(",")
    for u, (niva, kod) in enumerate(res.enhetslista):
        b_all = res.bas[u]
        skriv = (b_all >= 0) & ~medelrad
        idx = np.flatnonzero(skriv)
        delar: list = []  # bytes-like pieces, written in order
        enhet = f"{niva},{kod},".encode("utf-8")
        if idx.size:
            a, b = res.antal[u, idx], b_all[idx]
            mb, mc = res.mask_bas[u, idx], res.mask_antal[u, idx]
            andel = andelar(a, b)
            dolj_a = mb | mc
            r = idx.size
            bas_bytes = _utvalda(pool, pre_start, skriv)
            slut = np.frombuffer(b"\n" + enhet, dtype=np.uint8)
            ga, gb = _grupper(np.where(dolj_a, 0, a)), _grupper(np.where(mb, 0, b))
            # antal digits , bas digits , andel digits (≤ 100: one group) , \n niva,kod,
            bredd = 4 * ga + 1 + 4 * gb + 1 + 4 + 1 + slut.size
            mat = np.empty((r, bredd), dtype=np.uint8)
            giltig = np.empty((r, bredd), dtype=bool)
            n_ins = 3 + slut.size
            off = 0
            for v, tom, g in ((a, dolj_a, ga), (b, mb, gb), (andel, dolj_a | (andel < 0), 1)):
                n_ins = n_ins + _skriv_tal(mat, giltig, off, g, v, tom)
                off += 4 * g
                mat[:, off] = komma
                giltig[:, off] = True
                off += 1
            mat[:, off:] = slut
            giltig[:, off:] = True
            ins = mat[giltig]
            lu = len(enhet)
            dest = np.repeat(np.cumsum(pre_len[idx]) + lu, n_ins) + np.arange(ins.size)
            out = np.empty(lu + bas_bytes.size + ins.size, dtype=np.uint8)
            out[:lu] = np.frombuffer(enhet, dtype=np.uint8)
            ovrigt = np.ones(out.size, dtype=bool)
            ovrigt[:lu] = False
            ovrigt[dest] = False
            out[dest] = ins
            out[ovrigt] = bas_bytes
            delar.append(out[: out.size - lu])  # the last row's trailing `niva,kod,` cut off
        # The means are the last tables of every unit: their few rows are formatted one by one.
        for s in np.flatnonzero((b_all >= 0) & medelrad).tolist():
            delar.append(enhet + pool[pre_start[s]:pre_start[s + 1]].tobytes() + _medel_tal(res, u, s))
        yield from delar


def _utvalda(pool: np.ndarray, start: np.ndarray, skriv: np.ndarray) -> np.ndarray:
    """The concatenated prefixes of the slots in `skriv`, cut from `pool` run by run (the written
    slots come in whole tables × delgrupper)."""
    kant = np.flatnonzero(np.diff(np.concatenate([[False], skriv, [False]]).astype(np.int8)))
    return np.concatenate([pool[start[a]:start[b]] for a, b in zip(kant[0::2].tolist(), kant[1::2].tolist())])


def _medel_tal(res: IsuTabeller, u: int, s: int) -> bytes:
    """`antal,bas,,medel\n` of a medel row (all empty when masked)."""
    if res.mask_bas[u, s]:
        return b",,,\n"
    a, b = int(res.antal[u, s]), int(res.bas[u, s])
    return f"{a},{b},,{medel_text(a, b)}\n".encode("ascii")


# ---------------------------------------------------------------------------------------------
# Reader


class IsuTidy:
    """A tidy export read back: the `IsuResultat` interface over its rows (what a masked file
    says; `maskerad` follows from which values are empty). Attributes the file does not carry
    (period, minsta_antal, warnings) are left empty."""

    def __init__(self, kalla: str, rader: list[Rad]):
        self.kalla = kalla
        self.period: tuple[_dt.date | None, _dt.date | None] = (None, None)
        self.minsta_antal = 0
        self.utanfor_period = 0
        self.warnings: list[Problem] = []
        self._rader = rader
        self._tabeller: dict[tuple[str, str, str, str], list[Rad]] = {}
        for r in rader:
            self._tabeller.setdefault((r.niva, r.kod, r.tabell, r.delgrupp), []).append(r)
        fas = self._tabeller.get((SAMTLIGA, "", "faser", ""))
        self.n = fas[0].antal or 0 if fas else 0

    def enheter(self, niva: str) -> tuple[str, ...]:
        if niva == SAMTLIGA:
            return ("",)
        return tuple(dict.fromkeys(r.kod for r in self._rader if r.niva == niva))

    def tabell(self, niva: str, kod: str, tabell: str, delgrupp: str = "") -> list[Rad]:
        return list(self._tabeller.get((niva, kod, tabell, delgrupp), ()))

    def rader(self) -> Iterator[Rad]:
        return iter(self._rader)

    def tabellnamn(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.tabell for r in self._rader))

    def delgrupper(self) -> tuple[str, ...]:
        return tuple(sorted(dict.fromkeys(r.delgrupp for r in self._rader), key=lambda d: d != ""))


MAX_TIDY_BYTES = 2 * 1024**3


def read_isu_tidy(path: Path | str) -> IsuTidy:
    """Read an ISU tidy export, checking header, levels, numbers and duplicates. Raises InputError."""
    path = Path(path)
    problems: list[Problem] = []

    def fel(msg: str, row: int | None = None, column: str | None = None, value: object = None) -> None:
        problems.append(Problem(msg, file=str(path), row=row, column=column, value=value))
        if len(problems) >= 100:
            raise InputError(problems)

    try:
        if path.stat().st_size > MAX_TIDY_BYTES:
            raise InputError([Problem("file too large for a tidy export", file=str(path))])
        fh = open(path, encoding="utf-8", newline="")
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise InputError([Problem(f"unreadable: {exc.__class__.__name__}", file=str(path))]) from None
    rader: list[Rad] = []
    seen: set[tuple[str, ...]] = set()
    try:
        with fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None or tuple(h.strip().lstrip("\ufeff") for h in header) != TIDY_HEADER:
                fel(f"not an ISU tidy export: the header must be {','.join(TIDY_HEADER)}", row=1)
                raise InputError(problems)
            for n, cells in enumerate(reader, start=2):
                if len(cells) != len(TIDY_HEADER):
                    fel(f"{len(cells)} fields, expected {len(TIDY_HEADER)}", row=n)
                    continue
                rad = _tolka(cells, n, fel)
                if rad is None:
                    continue
                key = (rad.niva, rad.kod, rad.tabell, rad.delgrupp, rad.kategori)
                if key in seen:
                    fel("duplicate row", row=n, value=",".join(key))
                    continue
                seen.add(key)
                rader.append(rad)
    except UnicodeDecodeError:
        fel("not UTF-8")
    except csv.Error as exc:
        fel(f"malformed CSV: {exc}")
    if problems:
        raise InputError(problems)
    return IsuTidy(path.name, rader)


def _tolka(cells: list[str], n: int, fel) -> Rad | None:
    niva, kod, tabell, delgrupp, kategori, *tal = cells
    if niva not in NIVAER:
        fel("unknown niva", row=n, column="niva", value=niva)
        return None
    varden: list[int | None] = []
    for namn, text in zip(("antal", "bas", "andel"), tal[:3]):
        if text == "":
            varden.append(None)
        elif text.isascii() and text.isdigit() and len(text) <= 18:
            varden.append(int(text))
        else:
            fel("not a whole number", row=n, column=namn, value=text)
            return None
    antal, bas, andel = varden
    medel = tal[3] or None
    if kategori == MEDEL_KATEGORI and tabell.startswith("medel_"):
        if andel is not None:
            fel("a medel row has no andel", row=n, column="andel", value=tal[2])
            return None
        if medel is None:
            return Rad(niva, kod, tabell, delgrupp, kategori, None, None, None, None, MASK_MEDEL)
        return Rad(niva, kod, tabell, delgrupp, kategori, antal, bas, None, medel)
    if medel is not None:
        fel("only medel rows have a medel", row=n, column="medel", value=medel)
        return None
    if bas is None:
        return Rad(niva, kod, tabell, delgrupp, kategori, None, None, None, None, MASK_RAD)
    if antal is None:
        return Rad(niva, kod, tabell, delgrupp, kategori, None, bas, None, None, MASK_ANTAL)
    return Rad(niva, kod, tabell, delgrupp, kategori, antal, bas, andel, None)
