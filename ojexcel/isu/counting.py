"""Counting for the compilation: per (registration code, delgrupp, category), every delgrupp at once.

`Raknare` is built once per run from each ärende's registration code and its value of every
breakdown (CONTRACT isu §4's delgrupper). `kategorier` counts one per-ärende category code with one
`np.bincount` per breakdown over (code × breakdown value × category); `kategorier_samlat` packs
several tables' codes into one joint code first (at most `GRANS` combinations), so one pass serves
them all; `par` counts (ärende, category) pairs (flerval labels). A multi-valued breakdown
(funktionsnedsattning: an ärende belongs to each of its answers) is counted value by value.

Every counting method also sums per-ärende weights, exactly while a bin's sum of whole numbers
stays below 2^53. The compilation uses that for CONTRACT §2 item 2's cell keys: Σ r over the same
bins — r itself as the weight while a registration code (a bin's ärenden) has fewer than 2^21
ärenden, else r's 16-bit halves (`key_halves`, `join_halves`), each exact up to 2^37 ärenden. A
set counted in two tables is summed over the same ärenden, so it gets the same key.
"""
from __future__ import annotations

import numpy as np

from .table_plan import Plan

GRANS = 256  # joint codes of several tables counted in one pass: at most this many combinations
MOD32 = (1 << 32) - 1


def key_halves(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """r's low and high 16 bits as float64 weights (each bin's sum exact)."""
    r = np.asarray(r, dtype=np.uint32)
    return (r & 0xFFFF).astype(np.float64), (r >> 16).astype(np.float64)


def join_halves(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """(Σ lo + 2^16 · Σ hi) mod 2^32, in int64 (both sums are exact whole numbers)."""
    return (lo + (hi << 16)) & MOD32


class Tally:
    """Counts per (registration unit, delgrupp, category) for every delgrupp at once."""

    def __init__(self, enh: np.ndarray, antal_enheter: int, plan: Plan, nedbrytningskoder: list[np.ndarray]):
        self.E = antal_enheter
        self.enh = enh
        self.D = len(plan.delgrupper)
        self.grupper: list[tuple] = []
        self._buf: np.ndarray | None = None
        for nb, kod in zip(plan.nedbrytningar, nedbrytningskoder):
            v = len(nb.svar)
            if nb.flera:  # kod: bits; one membership list per value
                masker = [(kod >> k) & 1 != 0 for k in range(v)]
                idx = [np.flatnonzero(m) for m in masker]
                self.grupper.append(("flera", v, masker, idx, [enh[i] for i in idx]))
            else:
                self.grupper.append(("en", v, enh * (v + 1) + kod.astype(np.intp)))

    def _buffer(self, n: int) -> np.ndarray:
        """A reused work array (fresh large arrays cost page faults on every call)."""
        if self._buf is None or self._buf.size < n:
            self._buf = np.empty(n, dtype=np.intp)
        return self._buf[:n]

    def kategorier(self, c: np.ndarray, C: int, vikter: np.ndarray | None = None) -> np.ndarray:
        """[E, D, C]: ärenden (or the sum of `vikter`) per category; c = C drops an ärende."""
        E, D = self.E, self.D
        out = np.empty((E, D, C), dtype=np.int64)
        c = c.astype(np.intp, copy=False)
        key = self._buffer(c.size)

        def count(bins: int, k: np.ndarray, w: np.ndarray | None) -> np.ndarray:
            r = np.bincount(k, weights=w, minlength=bins)
            return r if w is None else np.rint(r).astype(np.int64)

        np.multiply(self.enh, C + 1, out=key)
        key += c
        out[:, 0, :] = count(E * (C + 1), key, vikter).reshape(E, C + 1)[:, :C]
        d = 1
        for g in self.grupper:
            v = g[1]
            if g[0] == "en":
                np.multiply(g[2], C + 1, out=key)
                key += c
                r = count(E * (v + 1) * (C + 1), key, vikter).reshape(E, v + 1, C + 1)
                out[:, d:d + v, :] = r[:, 1:, :C]
            else:
                for k in range(v):
                    i = g[3][k]
                    w = None if vikter is None else vikter[i]
                    kk = key[:i.size]
                    np.multiply(g[4][k], C + 1, out=kk)
                    kk += c[i]
                    out[:, d + k, :] = count(E * (C + 1), kk, w).reshape(E, C + 1)[:, :C]
            d += v
        return out

    def categories_joint(self, jobb: list[tuple[np.ndarray, int]], grans: int = GRANS,
                         vikter: np.ndarray | None = None) -> list[np.ndarray]:
        """`kategorier` for many (c, C) at once: jobs are packed into joint codes of at most
        `grans` combinations, so one bincount pass serves several tables; each table's counts
        (or sums of `vikter`, whole numbers) are then the joint counts summed over the other
        tables' codes."""
        ut: list[np.ndarray] = [np.empty(0)] * len(jobb)
        ordning = sorted(range(len(jobb)), key=lambda i: jobb[i][1])
        grupper: list[list[int]] = []
        prod = grans + 1
        for i in ordning:
            storlek = jobb[i][1] + 1
            if prod * storlek > grans:
                grupper.append([])
                prod = 1
            grupper[-1].append(i)
            prod *= storlek
        for grupp in grupper:
            if len(grupp) == 1:
                ut[grupp[0]] = self.kategorier(*jobb[grupp[0]], vikter=vikter)
                continue
            storlekar = [jobb[i][1] + 1 for i in grupp]
            gemensam = np.zeros(self.enh.size, dtype=np.intp)
            for i, st in zip(grupp, storlekar):
                gemensam *= st
                gemensam += jobb[i][0]
            J = int(np.prod(storlekar))
            raw = self.kategorier(gemensam, J, vikter=vikter).reshape(self.E * self.D, J)
            # Each table's counts: the joint counts summed over the other tables' codes, as one
            # product with a 0/1 projection (float64 is exact for sums below 2**53).
            projektion = np.concatenate([np.kron(np.kron(np.ones((int(np.prod(storlekar[:x])), 1)), np.eye(st)),
                                                 np.ones((int(np.prod(storlekar[x + 1:])), 1)))
                                         for x, st in enumerate(storlekar)], axis=1)
            marginaler = np.rint(raw.astype(np.float64) @ projektion).astype(np.int64)
            start = 0
            for i, st in zip(grupp, storlekar):
                ut[i] = marginaler[:, start:start + st - 1].reshape(self.E, self.D, st - 1)
                start += st
        return ut

    def par(self, pi: np.ndarray, pk: np.ndarray, P: int, vikter: np.ndarray | None = None) -> np.ndarray:
        """[E, D, P]: ärenden (or the sum of their `vikter`, per ärende) per pair category from
        (ärende, category) pairs."""
        E, D = self.E, self.D
        out = np.empty((E, D, P), dtype=np.int64)
        pk = pk.astype(np.intp, copy=False)
        enh_p = self.enh[pi]
        w = None if vikter is None else vikter[pi]
        key = self._buffer(pi.size)

        def count(k: np.ndarray, bins: int, ww: np.ndarray | None) -> np.ndarray:
            r = np.bincount(k, weights=ww, minlength=bins)
            return r if ww is None else np.rint(r).astype(np.int64)

        np.multiply(enh_p, P, out=key)
        key += pk
        out[:, 0, :] = count(key, E * P, w).reshape(E, P)
        d = 1
        for g in self.grupper:
            v = g[1]
            if g[0] == "en":
                np.take(g[2], pi, out=key)
                key *= P
                key += pk
                r = count(key, E * (v + 1) * P, w).reshape(E, v + 1, P)
                out[:, d:d + v, :] = r[:, 1:, :]
            else:
                for k in range(v):
                    sel = g[2][k][pi]
                    out[:, d + k, :] = count(enh_p[sel] * P + pk[sel], E * P, None if w is None else w[sel]).reshape(E, P)
            d += v
        return out
