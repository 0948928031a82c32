"""A catalogue rule (`regel`, the guide's rule restated in a compact if/else notation) said in
Swedish words, for the workbook's Indikatorer sheet:

    Ja if G1=Ja; else Nej
    -> Ja om G1 är Ja. Annars Nej.
    Ja if G7=Ja and G7a in {Ja, Ej aktuellt}; Ej aktuellt if G7=Ej aktuellt; else Nej
    -> Ja om G7 är Ja och G7a är Ja eller Ej aktuellt. Ej aktuellt om G7 är Ej aktuellt. Annars Nej.

The notation has a small vocabulary (if, else, and, or, in {…}, any of … = X, is not blank, =,
quoted answers); `svensk_regel` raises ValueError for anything else, so a new word in a catalogue
is noticed rather than shown half translated.
"""
from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(
    r"\s*(?:(?P<quoted>'[^']*')|(?P<set>\{[^}]*\})|(?P<punct>[();,=])|(?P<word>[^\s();,={}']+))"
)
_WORDS = {"if": "om", "and": "och", "or": "eller", "in": "är", "else": "Annars"}
_ENGLISH = frozenset(("if", "else", "and", "or", "in", "any", "of", "is", "not", "blank"))


def _answer(text: str) -> str:
    return f"”{text.strip(chr(39))}”" if text.startswith("'") else text


def _clause(text: str) -> str:
    """One `X if COND` or `else X` clause, translated."""
    text = text.strip()
    if not re.fullmatch(r"(?:[\w ]+? if .+|else [\w ]+)", text):
        raise ValueError(f"expected 'VALUE if CONDITION' or 'else VALUE', found {text!r}")
    text = re.sub(r"\bany of ([^=]+?)\s*=\s*(\w[\w ]*?)(?=,|\)|$| or| and)",
                  lambda m: f"något av {m.group(1).strip()} är {m.group(2).strip()}", text)
    text = re.sub(r"\bis not blank\b", "är ifyllt", text)
    out: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot read the rule at {text[pos:]!r}")
        pos = m.end()
        if m.group("quoted"):
            out.append(_answer(m.group("quoted")))
        elif m.group("set"):
            items = [_answer(i.strip()) for i in m.group("set")[1:-1].split(",")]
            out.append(" eller ".join(items))
        elif m.group("punct") == "=":
            out.append("är")
        elif m.group("punct"):
            out.append(m.group("punct"))
        else:
            word = m.group("word")
            out.append(_WORDS.get(word, word))
    sentence = " ".join(out)
    sentence = re.sub(r"\s+([,)])", r"\1", sentence).replace("( ", "(")
    sentence = sentence.replace("är är", "är")
    left = [w for w in re.findall(r"[A-Za-z]+", sentence) if w in _ENGLISH]
    if left:
        raise ValueError(f"untranslated word(s) {', '.join(left)} in {text!r}")
    return sentence


@lru_cache(maxsize=1024)
def swedish_rule(regel: str) -> str:
    """The rule in Swedish words: one sentence per clause (remembered: the check and the
    Indikatorer sheet say the same rules)."""
    sentences = []
    for part in regel.split(";"):
        if part.strip():
            s = _clause(part)
            sentences.append(s[0].upper() + s[1:] + ".")
    return " ".join(sentences)
