"""The cell key method of CONTRACT isu §2 items 1–3: the key file, record keys, cell keys, noise.

- `read_key_file(path)`: K, the bytes of `--nyckelfil FILE` — bounded, every problem an
  `InputError` naming the file and never a byte of its content.
- `record_keys(ids, K)`: r = the first 4 bytes, big-endian, of HMAC-SHA256(K, UTF-8 of the trimmed
  `arende_id`), one uint32 per ärende (the reader calls it while it still holds the identifiers;
  the model keeps only r).
- A cell key is c = (Σ_{a∈S} r(a)) mod 2^32 over the set S a published count n counts; the
  compilation sums r with the same vectorised counting as the counts (`counting.Tally`), exactly.
- `perturb(n, c)`: item 3's table, in integers only: v = 0 when n = 0, else the first value m of
  n's row for which 24·c < 2^32·W(m), W(m) = the weights (in 24ths) of the row's values ≤ m.

The same set gives the same c, hence the same v, in every table, delgrupp, level and output of one
publication (one K); a build with another K is another publication.
"""
from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import numpy as np

from ..problems import WARNING, InputError, Problem

# Item 3: each row's values (for n ≥ 3 as offsets from n) and weights in 24ths, smallest first.
TABLE_N1 = ((0, 1, 4), (12, 8, 4))
TABLE_N2 = ((0, 1, 2, 3, 4, 5), (5, 2, 10, 4, 1, 2))
TABLE_N3 = ((-3, -2, -1, 0, 1, 2, 3), (1, 3, 3, 10, 3, 3, 1))
NOISE = 3  # |v − n| ≤ 3 (n = 1 can become 4: +3)
SHARE_MIN_BAS = 20  # item 5: `andel` only where v_bas ≥ 20 (and `medel`: D157)
DELGRUPP_MIN = 20  # item 6: at kommun and stadsdel a delgrupp needs v of its every-ärende scope ≥ 20

MAX_KEY_BYTES = 4096  # a key is tens of bytes; more is another file given by mistake (D152)
SHORT_KEY_BYTES = 16  # fewer than this: a warning (a short key can be guessed)
MODULUS = 1 << 32


def _thresholds(weights: tuple[int, ...]) -> np.ndarray:
    """2^32·W(m) for each value m of a row: the cumulative weights, scaled (int64, exact)."""
    return np.cumsum(np.array(weights, dtype=np.int64)) << 32


_ROWS = tuple((np.array(values, dtype=np.int64), _thresholds(weights))
              for values, weights in (TABLE_N1, TABLE_N2, TABLE_N3))


def perturb(n, c) -> np.ndarray:
    """Item 3, vectorised: the published v of true counts n (≥ 0) with cell keys c (0 ≤ c < 2^32).
    Integer arithmetic only; v = 0 exactly when n = 0."""
    n = np.asarray(n, dtype=np.int64)
    c = np.asarray(c, dtype=np.int64)
    if n.shape != c.shape:
        raise ValueError("perturb: n and c differ in shape")
    if n.size and (int(n.min()) < 0 or int(c.min()) < 0 or int(c.max()) >= MODULUS):
        raise ValueError("perturb: n must be ≥ 0 and c in 0 .. 2^32 − 1")
    u = 24 * c  # < 24·2^32 < 2^37
    out = np.zeros(n.shape, dtype=np.int64)
    for row, (values, thresholds) in enumerate(_ROWS):
        pick = (n == row + 1) if row < 2 else (n >= 3)
        if not pick.any():
            continue
        # the first m with 24·c < 2^32·W(m): how many thresholds are ≤ 24·c
        m = values[np.searchsorted(thresholds, u[pick], side="right")]
        out[pick] = m if row < 2 else n[pick] + m
    return out


def perturb_one(n: int, c: int) -> int:
    """`perturb` for one count (the cover's counts, tests)."""
    return int(perturb(np.array([n]), np.array([c]))[0])


# ---------------------------------------------------------------------------------------------
# Record keys

def _hmac_pads(key: bytes):
    """HMAC-SHA256's inner and outer hash states for K (RFC 2104): `hmac.digest` per ärende costs
    ~4 µs, these two copies ~1.3 µs (a million ärenden in about a second)."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key)))


def record_keys(ids, key: bytes) -> np.ndarray:
    """Item 1: r for each identifier (already trimmed, as the reader compares them), uint32."""
    inner, outer = _hmac_pads(key)
    out = bytearray()
    for aid in ids:
        h = inner.copy()
        h.update(aid.encode("utf-8"))
        o = outer.copy()
        o.update(h.digest())
        out += o.digest()[:4]
    return np.frombuffer(bytes(out), dtype=">u4").astype(np.uint32)


def key_sum(r: np.ndarray) -> int:
    """c of one set of ärenden given by their record keys: Σ r mod 2^32 (exact: int64 partial sums
    of at most 2^31 values below 2^32)."""
    r = np.asarray(r, dtype=np.uint64)
    return int(r.sum(dtype=np.uint64) % np.uint64(MODULUS)) if r.size else 0


# ---------------------------------------------------------------------------------------------
# The key file


def read_key_file(path: Path | str) -> tuple[bytes, list[Problem]]:
    """K, the bytes of the key file, and its warnings. Raises InputError (exit 1) when the file is
    missing, a folder, unreadable, empty or larger than MAX_KEY_BYTES. A pipe or process
    substitution (`--nyckelfil <(…)`) is read once, so the key need not lie on disk. No message
    ever holds a byte of the key."""
    path = Path(path)
    name = str(path)

    def problem(reason: str) -> InputError:
        return InputError([Problem(f"the key file (--nyckelfil) {reason}", file=name)])

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise problem(_reason(exc)) from None
    try:
        with os.fdopen(fd, "rb") as fh:
            data = bytearray()
            while len(data) <= MAX_KEY_BYTES:
                chunk = fh.read(MAX_KEY_BYTES + 1 - len(data))
                if not chunk:
                    break
                data += chunk
    except OSError as exc:
        raise problem(_reason(exc)) from None
    if not data:
        raise problem("is empty: a key is a file of secret bytes, e.g. `head -c 32 /dev/urandom > isu.key`")
    if len(data) > MAX_KEY_BYTES:
        raise problem(f"is larger than {MAX_KEY_BYTES} bytes: not a key file (another file given by mistake?)")
    warnings = []
    if len(data) < SHORT_KEY_BYTES:
        warnings.append(Problem(f"the key file (--nyckelfil) has only {len(data)} bytes: a short key can be guessed, "
                                f"and with it the noise removed; use at least {SHORT_KEY_BYTES} random bytes",
                                file=name, severity=WARNING))
    return bytes(data), warnings


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    if isinstance(exc, IsADirectoryError) or exc.errno == errno.EISDIR:
        return "is a folder, not a file"
    if isinstance(exc, PermissionError):
        return "cannot be read: permission denied"
    return f"cannot be read ({exc.strerror or type(exc).__name__})"
