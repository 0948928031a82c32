"""Names as people type them: matching without case, diacritics or dash style, and suggestions.

`Goteborg`, `MALMÖ`, `upplands bro`, `Rinkeby Kista` and `stockholm bromma` all find their unit:
letters are compared without diacritics (å ä ö é → a a o e), any dash counts as a space, and runs
of spaces as one. On a miss, `close_matches` offers the nearest names ("did you mean …?").
Used by `ojexcel kommun` (KOD or name) and by `ojexcel diff --only/--indicator`.
"""
from __future__ import annotations

import difflib
import re
import unicodedata

_DASHES = re.compile(r"[-‐‑‒–—―_]")  # underscores too: indicator ids are typed with spaces sometimes


def normalise(text: str) -> str:
    """The form names are compared in: casefolded, no diacritics, dashes as spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_DASHES.sub(" ", bare).split()).casefold()


def close_matches(query: str, choices: dict[str, str], n: int = 3, cutoff: float = 0.75) -> list[str]:
    """The display texts of the `choices` (normalised name -> display) nearest to `query`."""
    found = difflib.get_close_matches(normalise(query), list(choices), n=n, cutoff=cutoff)
    shown: list[str] = []
    for key in found:
        if choices[key] not in shown:
            shown.append(choices[key])
    return shown


def did_you_mean(suggestions: list[str]) -> str:
    if not suggestions:
        return ""
    if len(suggestions) == 1:
        return f"; did you mean {suggestions[0]}?"
    return f"; did you mean {', '.join(suggestions[:-1])} or {suggestions[-1]}?"
