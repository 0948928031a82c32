"""The site's search index: a small classic script (`assets/sok.js`) that sets `window.OJSOK`.

A classic `<script src>` works from `file://`, where `fetch` and modules do not. Every name is
stored with its search form, `names.normalise` (no case, no diacritics, dashes as spaces), so the
page's script only folds what is typed, by the same rule (`fold` in `assets/site.js`), and tests
check that the two foldings agree on every name (D140).

    window.OJSOK = {e: [[kod, name, search form, context], …],   units and cities → enhet/KOD.html
                    i: [[id, short name, search form], …],          indicators → indikator/ID.html
                    g: [[page, name, search form, kind], …]}        groups
"""
from __future__ import annotations

import json

from ..names import normalise


def _js(value) -> str:
    """JSON as a JavaScript literal that cannot end its script or break a line: `<`, `>`, `&` and
    U+2028/U+2029 escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def search_script(units, indicators, groups) -> str:
    """`units`: (kod, name, context); `indicators`: (id, short name, full name); `groups`:
    (page, name, kind), each in the order results are listed for equal matches."""
    doc = {
        "e": [[kod, name, normalise(name), context] for kod, name, context in units],
        "i": [[ind_id, short, normalise(short if short == full else f"{short} {full}")]
              for ind_id, short, full in indicators],
        "g": [[page, name, normalise(name), kind] for page, name, kind in groups],
    }
    return "window.OJSOK=" + _js(doc) + ";\n"
