"""An independent, deliberately plain reference implementation of the ISU contract's counting.

CONTRACT isu §3–§5 (levels, scopes, tables, derived variables, delgrupper, numbers), written as
straightforward loops over dict records — no numpy, nothing shared with `ojexcel.isu` — so the
tests can check the sample and the real pipeline against it. Masking (§2) is not implemented: the
published figures are compared with `--minsta-antal 1`.

A record is a dict of canonical values: `enhetskod`; every `enval` column a label or None;
every `flerval` column a frozenset of labels (empty = no answer); every `datum` column a
`datetime.date` or None; `alder` an int or None. `read_csv` turns a record file written with
labels (as the embedded sample is) into such records, applying CONTRACT §1's consistency rules.
"""
from __future__ import annotations

import csv
import datetime as _dt
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARIABLER = ROOT / "ojexcel" / "isu" / "variabler.csv"
KOMMUNER = ROOT / "municipality_groups" / "kommuner.csv"
STADSDELAR = ROOT / "municipality_groups" / "stadsdelar_2017.csv"


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# -- the codebook --------------------------------------------------------------------------------

TYP: dict[str, str] = {}
FAS: dict[str, str] = {}
SVAR: dict[str, list[str]] = {}
for _row in _read(VARIABLER):
    TYP[_row["kolumn"]] = _row["typ"]
    FAS[_row["kolumn"]] = _row["fas"]
    SVAR[_row["kolumn"]] = [s.strip() for s in _row["svar"].split("|")] if _row["svar"].strip() else []

BU_ENVAL = [k for k in TYP if FAS[k] == "brukarenkat" and TYP[k] == "enval"]

# Derived tables (§4): name -> (labels, scope)
DERIVED = {
    "aldersgrupp": (["18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"], "alla"),
    "antal_insatser": (["0", "1", "2", "3", "4", "5+"], "alla"),
    "riskbedomning_gjord": (["Ja", "Nej"], "alla"),
    "antal_samverkansparter": (["0", "1", "2", "3+"], "alla"),
    "arendelangd": (["0-90", "91-180", "181-270", "271-360", "361+"], "avslutade"),
    "har_brukarenkat": (["Ja", "Nej"], "avslutade"),
    "toppgrupp": (["Ja", "Nej"], "avslutade"),
}
MEDEL = ["medel_antal_insatser", "medel_antal_samverkansparter", "medel_arendelangd"]
FASER = ["aktualiserade", "minst_en_insats", "avslutade", "med_maluppfoljning", "med_brukarenkat"]

# Combined categories (§4): table -> {category: parts}
KOMBINERADE = {
    "utovare": {"Nuvarande eller före detta partner": ["Nuvarande partner", "Före detta partner"]},
    "initiativ_kontakt": {"Annan verksamhet inom socialtjänsten": [
        "Försörjningsstödenhet", "Missbruksenhet", "Barn- och ungdomsenhet", "Social omsorgsenhet",
        "Äldreomsorgsenhet"]},
    "insatser": {"Insatser som rör boende": [
        "Skyddat boende", "Hjälp med ny bostad (ej skyddat boende)", "Byte av kommun", "Tillfälligt boende"]},
    "risk_skattning": {"SARA, Patriark eller annan bedömningsmetod": ["SARA", "Patriark", "Annan bedömningsmetod"]},
    "valdets_grad": {"Grovt eller mycket grovt": ["Grovt", "Mycket grovt"]},
    "maluppfoljning": {"Målet helt eller delvis uppnått": SVAR["maluppfoljning"][:2]},
    "bu_forandring_valdsutsatthet": {"Försämrats": ["Försämrats lite", "Försämrats mycket"]},
    "bu_insatsernas_betydelse": {
        "Stor eller helt avgörande betydelse": SVAR["bu_insatsernas_betydelse"][3:5],
        "Liten eller ingen betydelse": SVAR["bu_insatsernas_betydelse"][0:2]},
    "bu_delaktighet": {
        "Stor eller mycket stor möjlighet": SVAR["bu_delaktighet"][3:5],
        "Ingen eller liten möjlighet": SVAR["bu_delaktighet"][0:2]},
}


# -- geography -----------------------------------------------------------------------------------

LAN_AV_KOMMUN = {r["kommunkod"]: r["lanskod"] for r in _read(KOMMUNER)}
KOMMUN_AV_STADSDEL = {r["stadsdelskod"]: r["kommunkod"] for r in _read(STADSDELAR)}


def kommun_av(enhetskod: str) -> str:
    return KOMMUN_AV_STADSDEL.get(enhetskod, enhetskod)


def pa_niva(r: dict, niva: str, kod: str) -> bool:
    e = r["enhetskod"]
    if niva == "samtliga":
        return True
    if niva == "lan":
        return LAN_AV_KOMMUN[kommun_av(e)] == kod
    if niva == "kommun":
        return kommun_av(e) == kod
    if niva == "stadsdel":
        return e == kod
    raise ValueError(niva)


def koder(records: list[dict], niva: str) -> list[str]:
    out = set()
    for r in records:
        e = r["enhetskod"]
        if niva == "lan":
            out.add(LAN_AV_KOMMUN[kommun_av(e)])
        elif niva == "kommun":
            out.add(kommun_av(e))
        elif niva == "stadsdel" and e in KOMMUN_AV_STADSDEL:
            out.add(e)
    return sorted(out)


# -- reading -------------------------------------------------------------------------------------

def read_csv(path: Path, consistent: bool = True) -> list[dict]:
    """A record file with labels as text (the embedded sample's format) as canonical records.

    With `consistent` (the default) CONTRACT §1's consistency rules are applied (`normalise`).
    """
    out = []
    for row in _read(path):
        r: dict = {"enhetskod": row["enhetskod"].strip()}
        for kolumn, typ in TYP.items():
            cell = (row.get(kolumn) or "").strip()
            if typ == "enval":
                if cell and cell not in SVAR[kolumn]:
                    raise ValueError(f"{kolumn}: unknown label {cell!r}")
                r[kolumn] = cell or None
            elif typ == "flerval":
                parts = frozenset(p.strip() for p in cell.split("|") if p.strip())
                if not parts <= set(SVAR[kolumn]):
                    raise ValueError(f"{kolumn}: unknown labels {sorted(parts - set(SVAR[kolumn]))}")
                r[kolumn] = parts
            elif typ == "datum":
                r[kolumn] = _dt.date.fromisoformat(cell) if cell else None
            elif typ == "heltal":
                r[kolumn] = int(cell) if cell else None
        out.append(normalise(r) if consistent else r)
    return out


def normalise(r: dict) -> dict:
    """CONTRACT §1's consistency rules on one canonical record (a new dict)."""
    r = dict(r)
    if not avslutat(r):
        for kolumn in ("genomforande_insatser", "maluppfoljning", *BU_ENVAL):
            r[kolumn] = None
    if r.get("samverkan"):
        if r.get("samverkan_forekommit") is None:
            r["samverkan_forekommit"] = "Ja"
        elif r["samverkan_forekommit"] == "Nej":
            r["samverkan"] = frozenset()
    return r


# -- derived variables ---------------------------------------------------------------------------

def avslutat(r: dict) -> bool:
    return r.get("datum_avslut") is not None or r.get("avslutsorsak") is not None


def har_brukarenkat(r: dict) -> bool:
    return avslutat(r) and any(r.get(k) is not None for k in BU_ENVAL)


def derived(r: dict, name: str):
    """The value of a derived variable (None = blank)."""
    if name == "aldersgrupp":
        a = r.get("alder")
        if a is None:
            return None
        for label, top in (("18-24", 24), ("25-34", 34), ("35-44", 44), ("45-54", 54), ("55-64", 64), ("65-74", 74)):
            if a <= top:
                return label
        return "75+"
    if name == "antal_insatser":
        n = len(r.get("insatser") or ())
        return str(n) if n < 5 else "5+"
    if name == "riskbedomning_gjord":
        return "Ja" if r.get("risk_skattning") else "Nej"
    if name == "antal_samverkansparter":
        if r.get("samverkan_forekommit") == "Nej":
            return "0"
        n = len(r.get("samverkan") or ())
        if n == 0:
            return None
        return str(n) if n < 3 else "3+"
    if name == "arendelangd":
        if not avslutat(r) or r.get("datum_avslut") is None:
            return None
        d = (r["datum_avslut"] - r["datum_aktualisering"]).days
        for label, top in (("0-90", 90), ("91-180", 180), ("181-270", 270), ("271-360", 360)):
            if d <= top:
                return label
        return "361+"
    if name == "har_brukarenkat":
        return ("Ja" if har_brukarenkat(r) else "Nej") if avslutat(r) else None
    if name == "toppgrupp":
        if not avslutat(r):
            return None
        topp = (r.get("maluppfoljning") == SVAR["maluppfoljning"][0]
                and r.get("bu_forandring_valdsutsatthet") == "Förbättrats mycket")
        return "Ja" if topp else "Nej"
    raise ValueError(name)


def i_delgrupp(r: dict, delgrupp: str) -> bool:
    if not delgrupp:
        return True
    var, _, value = delgrupp.partition("=")
    if var == "hrv":
        return r.get("hedersrelaterat_vald") == value
    if var == "funktionsnedsattning":
        return value in (r.get("funktionsnedsattning") or ())
    if var in DERIVED:
        return derived(r, var) == value
    return r.get(var) == value


def i_scope(r: dict, tabell: str) -> bool:
    if tabell in DERIVED:
        return DERIVED[tabell][1] == "alla" or avslutat(r)
    if tabell in ("faser", "medel_antal_insatser", "medel_antal_samverkansparter"):
        return True
    if tabell == "medel_arendelangd":
        return avslutat(r)  # and, per ärende, both dates (medel_varde)
    fas = FAS[tabell]
    if fas == "avslut":
        return avslutat(r)
    if fas == "brukarenkat":
        return har_brukarenkat(r)
    return True


def answers(r: dict, tabell: str) -> frozenset:
    """The answers of a record in a table, as a set (empty = no answer)."""
    if tabell in DERIVED:
        v = derived(r, tabell)
        return frozenset() if v is None else frozenset([v])
    v = r.get(tabell)
    if TYP[tabell] == "flerval":
        return frozenset(v or ())
    return frozenset() if v is None else frozenset([v])


# -- numbers -------------------------------------------------------------------------------------

def andel(antal: int, bas: int) -> int | None:
    """Whole percent, halves up, exact."""
    if bas == 0:
        return None
    return int(Fraction(100 * antal, bas) + Fraction(1, 2)) if antal >= 0 else None


def medel(summa: int, n: int) -> Fraction | None:
    """One decimal, halves up, exact: a Fraction with denominator 10 (or 1)."""
    if n == 0:
        return None
    tenths = int(Fraction(10 * summa, n) + Fraction(1, 2))
    return Fraction(tenths, 10)


def medel_varde(r: dict, tabell: str) -> int | None:
    """The value a mean table averages for one record in its scope (None = not averaged)."""
    if tabell == "medel_antal_insatser":
        return len(r.get("insatser") or ())
    if tabell == "medel_antal_samverkansparter":
        n = len(r.get("samverkan") or ())
        return n if n > 0 else None
    if tabell == "medel_arendelangd":
        if r.get("datum_avslut") is None:
            return None
        return (r["datum_avslut"] - r["datum_aktualisering"]).days
    raise ValueError(tabell)


def labels(tabell: str) -> list[str]:
    if tabell in DERIVED:
        return DERIVED[tabell][0]
    if tabell == "faser":
        return FASER
    if tabell in MEDEL:
        return []
    return SVAR[tabell]


def split_kategori(tabell: str, kategori: str) -> list[str]:
    """`A+B` into its known categories (labels may themselves contain '+', as `75+`)."""
    known = set(labels(tabell)) | set(KOMBINERADE.get(tabell, {})) | {"minst_ett_svar", "uppgift_saknas", "medel"}
    if kategori in known:
        return [kategori]

    def splits(text: str) -> list[str] | None:
        for i, ch in enumerate(text):
            if ch == "+" and text[:i] in known:
                rest = text[i + 1:]
                if rest in known:
                    return [text[:i], rest]
                tail = splits(rest)
                if tail:
                    return [text[:i]] + tail
        return None

    parts = splits(kategori)
    if parts is None:
        raise ValueError(f"{tabell}: unknown kategori {kategori!r}")
    return parts


def varde(records: list[dict], niva: str, kod: str, tabell: str, delgrupp: str, kategori: str) -> dict:
    """antal, bas, andel, medel of one tidy row (kategori may be `A+B`); kod `max` is not handled here."""
    scope = [r for r in records if pa_niva(r, niva, kod) and i_scope(r, tabell) and i_delgrupp(r, delgrupp)]
    if kategori == "medel":
        values = [v for v in (medel_varde(r, tabell) for r in scope) if v is not None]
        return {"antal": sum(values), "bas": len(values), "andel": None, "medel": medel(sum(values), len(values))}
    if tabell == "faser":
        avsl = [r for r in scope if avslutat(r)]
        test = {
            "aktualiserade": (scope, lambda r: True),
            "minst_en_insats": (scope, lambda r: bool(r.get("insatser"))),
            "avslutade": (scope, avslutat),
            "med_maluppfoljning": (avsl, lambda r: r.get("maluppfoljning") is not None),
            "med_brukarenkat": (avsl, har_brukarenkat),
        }
        base, pred = test[kategori]
        antal = sum(1 for r in base if pred(r))
        return {"antal": antal, "bas": len(base), "andel": andel(antal, len(base)), "medel": None}
    answered = [r for r in scope if answers(r, tabell)]
    if kategori == "uppgift_saknas":
        antal, bas = len(scope) - len(answered), len(scope)
    elif kategori == "minst_ett_svar":
        antal, bas = len(answered), len(scope)
    else:
        parts: list[str] = []
        for k in split_kategori(tabell, kategori):
            parts.extend(KOMBINERADE.get(tabell, {}).get(k, [k]))
        wanted = set(parts)
        antal = sum(1 for r in answered if answers(r, tabell) & wanted)
        bas = len(answered)
    return {"antal": antal, "bas": bas, "andel": andel(antal, bas), "medel": None}


def published_value(records: list[dict], row: dict):
    """The value (int or Fraction, or None) of one row of published_isu.csv."""
    matt = row["matt"]
    if row["niva"] == "kommun" and row["kod"] == "max":
        values = [varde(records, "kommun", k, row["tabell"], row["delgrupp"], row["kategori"])[matt]
                  for k in koder(records, "kommun")]
        values = [v for v in values if v is not None]
        return max(values) if values else None
    return varde(records, row["niva"], row["kod"], row["tabell"], row["delgrupp"], row["kategori"])[matt]


def in_range(value, row: dict) -> bool:
    if value is None:
        return False
    return Fraction(row["min"]) <= Fraction(value) <= Fraction(row["max"])


def read_published(path: Path) -> list[dict[str, str]]:
    return _read(path)
