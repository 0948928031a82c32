"""An independent check of a survey year: an årgång folder and a response file -> the tidy rows.

Written from the documentation only (docs/arsgang.md: the rule kinds svar, rutin, nagon_av and
uppfoljning with their parameters, enheter.csv, arsgang.toml; CONTRACT §2–§5: answers and
aliases, skip logic, blank values, the groups, half-up shares and suppression). It shares no code
with ojexcel — the standard library only — so a fault in ojexcel's reading of an årgång, its rule
kinds or its aggregates shows as a difference. Plain and slow on purpose: every missing answer
is tried in every way.

    rows = tidy_rows(folder, responses_csv)   # {(niva, kod, indikator): (varde, ja, delvis, nej, ej, bortfall, enheter)}
"""
from __future__ import annotations

import csv
import tomllib
import unicodedata
from itertools import product
from pathlib import Path

JA, DELVIS, NEJ, EA = "Ja", "Delvis", "Nej", "Ej aktuellt"


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def as_list(value, default=()):
    if value is None:
        return list(default)
    return [value] if isinstance(value, str) else list(value)


# -- the codebook -----------------------------------------------------------------------------------

class Codebook:
    def __init__(self, path: Path):
        self.questions = {}
        for row in read_csv(path):
            answers = [] if row["answers"] == "(fritext)" else [a.strip() for a in row["answers"].split("|")]
            labels = {norm(a): a for a in answers}
            for part in filter(None, (p.strip() for p in row["aliases"].split(";"))):
                label, _, full = part.partition("=")
                labels[norm(full)] = label.strip()
            parent = None
            if row["asked_if"].strip():
                col, _, value = row["asked_if"].partition("=")
                parent = (col.strip(), value.strip())
            self.questions[row["column"]] = {"answers": answers, "labels": labels, "parent": parent, "part": row["part"]}

    def with_parents(self, columns):
        out: list[str] = []

        def add(col):
            if col in out:
                return
            parent = self.questions[col]["parent"]
            if parent:
                add(parent[0])
            out.append(col)

        for col in columns:
            add(col)
        return out


# -- the rule kinds (docs/arsgang.md) -----------------------------------------------------------------

def rule_of(entry: dict):
    """(the questions the rule reads, decide(world) -> outcome) for one [[indikator]]."""
    kind = entry["typ"]
    if kind == "svar":
        q, ja, ea = entry["fraga"], as_list(entry.get("ja"), [JA]), as_list(entry.get("ej_aktuellt"))

        def decide(w):
            return JA if w[q] in ja else EA if w[q] in ea else NEJ
        return [q], decide
    if kind == "rutin":
        q, f = entry["fraga"], entry["uppfoljning"]
        krav, ok = as_list(entry.get("krav")), as_list(entry.get("uppfoljning_ok"), [JA, EA])
        also, ea = as_list(entry.get("ja_aven")), as_list(entry.get("ej_aktuellt"))

        def decide(w):
            if (w[q] == JA and all(w[k] == JA for k in krav) and w[f] in ok) or w[q] in also:
                return JA
            return EA if w[q] in ea else NEJ
        return [q, *krav, f], decide
    if kind == "nagon_av":
        qs, ja = as_list(entry["fragor"]), entry.get("ja", JA)
        annan, text = entry.get("annan"), entry.get("annan_text")

        def decide(w):
            if any(w[c] == ja for c in qs):
                return JA
            if annan and w[annan] == JA and (w[text] or "").strip():
                return JA
            return NEJ
        return qs + ([annan, text] if annan else []), decide
    if kind == "uppfoljning":
        q, kon, used = entry["fraga"], entry.get("kon"), entry.get("anvant")
        delvis, ea = as_list(entry.get("delvis")), as_list(entry.get("ej_aktuellt"))

        def decide(w):
            base = w[q] == JA and (kon is None or w[kon] == JA)
            if base and (used is None or w[used] == JA):
                return JA
            if base and used is not None and w[used] in delvis:
                return DELVIS
            if ea and (w[q] in ea or (kon is not None and w[kon] in ea)):
                return EA
            return NEJ
        return [q] + [c for c in (kon, used) if c], decide
    raise ValueError(f"unknown rule kind {kind}")


def unit_value(columns, decide, answers: dict, codebook: Codebook):
    """CONTRACT §3: the value, or None when a missing answer could change it. Every completion of
    the missing answers is tried; a follow-up whose condition does not hold is not asked."""
    cols = codebook.with_parents(columns)
    missing_choices = []
    for col in cols:
        q = codebook.questions[col]
        if answers.get(col) is None:
            missing_choices.append([""] if not q["answers"] else q["answers"])
        else:
            missing_choices.append([answers[col]])
    outcomes = set()
    for combo in product(*missing_choices):
        world = {}
        for col, value in zip(cols, combo):
            parent = codebook.questions[col]["parent"]
            world[col] = None if parent and world[parent[0]] != parent[1] else value
        outcomes.add(decide(world))
        if len(outcomes) > 1:
            return None
    return outcomes.pop()


# -- the whole year -----------------------------------------------------------------------------------

def share(ja: int, den: int) -> int:
    return (200 * ja + den) // (2 * den)  # 100·ja/den, halves up, in integers


def tidy_rows(folder: Path, responses: Path) -> dict:
    meta = tomllib.loads((folder / "arsgang.toml").read_text(encoding="utf-8"))
    year = meta["ar"]
    threshold = meta.get("undertryckning_procent", 20)
    codebook = Codebook(folder / "codebook.csv")
    catalogue = tomllib.loads((folder / "indikatorer.toml").read_text(encoding="utf-8"))["indikator"]
    catalogue = sorted(catalogue, key=lambda e: e["ordning"])
    units = read_csv(folder / "enheter.csv")

    given = {}
    for row in read_csv(responses):
        kod = row["enhetskod"].strip()
        answers = {}
        for col, q in codebook.questions.items():
            raw = (row.get(col) or "").strip()
            if not raw:
                continue
            answers[col] = raw if not q["answers"] else q["labels"][norm(raw)]
        given[kod] = (row["besvarat_vinr"].strip().casefold() == "ja", answers)

    rules = [(e["id"], e["del"], *rule_of(e)) for e in catalogue]
    values = {}
    for u in units:
        kod = u["enhetskod"]
        for ind, part, columns, decide in rules:
            if kod not in given or (part == "V" and not given[kod][0]):
                values[kod, ind] = None
            else:
                values[kod, ind] = unit_value(columns, decide, given[kod][1], codebook)

    groups = []
    for city in meta.get("storstader", []):
        groups.append(("storstad", city, [u["enhetskod"] for u in units if u["kommunkod"] == city and "-" in u["enhetskod"]]))
    for lanskod in sorted({u["lanskod"] for u in units}):
        groups.append(("lan", lanskod, [u["enhetskod"] for u in units if u["lanskod"] == lanskod]))
    groups.append(("riket", "", [u["enhetskod"] for u in units]))
    for g in meta.get("kommungrupp", [{"grupp": n} for n in range(1, 6)]):
        groups.append(("kommungrupp", str(g["grupp"]), [u["enhetskod"] for u in units if int(u["kommungrupp"]) == g["grupp"]]))
    for g in meta["skl_grupp"]:
        groups.append(("skl_grupp", g["kod"], [u["enhetskod"] for u in units if u["skl_kod"] == g["kod"]]))

    out = {}
    for u in units:
        for ind, *_ in rules:
            out["enhet", u["enhetskod"], ind] = (values[u["enhetskod"], ind] or "",) + ("",) * 6
    for niva, kod, members in groups:
        for ind, *_ in rules:
            vals = [values[m, ind] for m in members]
            ja, delvis, nej = vals.count(JA), vals.count(DELVIS), vals.count(NEJ)
            ea, bortfall, n = vals.count(EA), vals.count(None), len(vals)
            den = n - ea - bortfall
            shown = "" if den <= 0 or 100 * (ea + bortfall) > threshold * n else str(share(ja, den))
            out[niva, kod, ind] = (shown, *(str(x) for x in (ja, delvis, nej, ea, bortfall, n)))
    return {"ar": str(year), "rows": out}


def read_tidy(path: Path) -> dict:
    """ojexcel's tidy export in the oracle's form."""
    rows = {}
    years = set()
    for r in read_csv(path):
        years.add(r["ar"])
        rows[r["niva"], r["kod"], r["indikator"]] = tuple(
            r[c] for c in ("varde", "ja", "delvis", "nej", "ej_aktuellt", "bortfall", "enheter"))
    return {"ar": years.pop() if len(years) == 1 else sorted(years), "rows": rows}
