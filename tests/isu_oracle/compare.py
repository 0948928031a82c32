"""Compare two tidy exports (oracle vs production) and describe the differences for a human."""
from __future__ import annotations

import csv
import io
from collections import Counter

KEY = 5  # niva, kod, tabell, delgrupp, kategori


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def describe_difference(expected: str, actual: str, limit: int = 8) -> str | None:
    """None when the texts are identical; else a readable report: the first differing line, rows
    only in one of them, and value differences grouped by table."""
    if expected == actual:
        return None
    out: list[str] = []
    if actual.startswith("\ufeff"):
        out.append("actual starts with a BOM")
    if "\r\n" in actual:
        out.append("actual has \\r\\n line ends")
    el, al = expected.split("\n"), actual.split("\n")
    i = next((k for k, (a, b) in enumerate(zip(el, al)) if a != b), min(len(el), len(al)))
    out.append(f"first difference at line {i + 1} (expected {len(el) - 1} lines, actual {len(al) - 1}):")
    for k in range(max(0, i - 2), i):
        out.append(f"    {el[k]}")
    out.append(f"  - expected: {el[i] if i < len(el) else '<end of file>'}")
    out.append(f"  + actual:   {al[i] if i < len(al) else '<end of file>'}")

    er, ar = _rows(expected), _rows(actual)
    if er[:1] != ar[:1]:
        out.append(f"header differs: expected {er[:1]}, actual {ar[:1]}")
    ed = {tuple(r[:KEY]): r[KEY:] for r in er[1:]}
    ad = {tuple(r[:KEY]): r[KEY:] for r in ar[1:]}
    only_e = [k for k in ed if k not in ad]
    only_a = [k for k in ad if k not in ed]
    if only_e:
        out.append(f"{len(only_e)} rows only in expected (oracle), by table: {dict(Counter(k[2] for k in only_e).most_common(limit))}")
        out += [f"    {','.join(k)}" for k in only_e[:limit]]
    if only_a:
        out.append(f"{len(only_a)} rows only in actual (production), by table: {dict(Counter(k[2] for k in only_a).most_common(limit))}")
        out += [f"    {','.join(k)}" for k in only_a[:limit]]
    diff = [k for k in ed if k in ad and ed[k] != ad[k]]
    if diff:
        out.append(f"{len(diff)} rows with other values (antal,bas,andel,medel), by table: "
                   f"{dict(Counter(k[2] for k in diff).most_common(limit))}")
        for k in diff[:limit]:
            out.append(f"    {','.join(k)}: expected {ed[k]} actual {ad[k]}")
    if not (only_e or only_a or diff):
        same_order = [tuple(r[:KEY]) for r in er[1:]] == [tuple(r[:KEY]) for r in ar[1:]]
        out.append("same rows and values; " + ("quoting/format differs" if same_order else "row ORDER differs"))
    return "\n".join(out)
