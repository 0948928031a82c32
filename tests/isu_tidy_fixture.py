"""A realistic tidy export (CONTRACT isu §6) for rendering tests, independent of the compile engine.

`write_tidy(path, minsta_antal)` writes rows for samtliga (every table × every delgrupp), two län,
three kommuner and a stadsdel (every table, delgrupp ""), with counts drawn from a fixed seed and
shaped per §4: labels, combined categories, minst_ett_svar / uppgift_saknas, the `faser` rows and
the means; withheld as §2 (revised) publishes them — a row on a base 1..N−1 shows nothing (item
4), a share or mean only from a base of 20, a mean's sum never (item 5) — enough for the
renderer: it shows what it is given. Counts are not consistent across tables, as published counts
need not be — the renderer must not care.
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

from ojexcel.isu.codebook import load_codebook

from .isu_bygg import andel, medel_text

HEADER = ["niva", "kod", "tabell", "delgrupp", "kategori", "antal", "bas", "andel", "medel"]

DERIVED = {
    "faser": ["aktualiserade", "minst_en_insats", "avslutade", "med_maluppfoljning", "med_brukarenkat"],
    "aldersgrupp": ["18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"],
    "antal_insatser": ["0", "1", "2", "3", "4", "5+"],
    "riskbedomning_gjord": ["Ja", "Nej"],
    "antal_samverkansparter": ["0", "1", "2", "3+"],
    "arendelangd": ["0-90", "91-180", "181-270", "271-360", "361+"],
    "har_brukarenkat": ["Ja", "Nej"],
    "toppgrupp": ["Ja", "Nej"],
}
MEANS = ["medel_antal_insatser", "medel_antal_samverkansparter", "medel_arendelangd"]
COMBINED = {
    "utovare": [("Nuvarande eller före detta partner", ["Nuvarande partner", "Före detta partner"])],
    "initiativ_kontakt": [("Annan verksamhet inom socialtjänsten", ["Försörjningsstödenhet", "Missbruksenhet"])],
    "insatser": [("Insatser som rör boende", ["Skyddat boende", "Tillfälligt boende"])],
    "risk_skattning": [("SARA, Patriark eller annan bedömningsmetod", ["SARA", "Patriark", "Annan bedömningsmetod"])],
    "valdets_grad": [("Grovt eller mycket grovt", ["Grovt", "Mycket grovt"])],
    "maluppfoljning": [("Målet helt eller delvis uppnått", None)],
    "bu_forandring_valdsutsatthet": [("Försämrats", ["Försämrats lite", "Försämrats mycket"])],
    "bu_insatsernas_betydelse": [("Stor eller helt avgörande betydelse", None), ("Liten eller ingen betydelse", None)],
    "bu_delaktighet": [("Stor eller mycket stor möjlighet", None), ("Ingen eller liten möjlighet", None)],
}
BREAKDOWNS = ["kon", "hrv", "aldersgrupp", "ursprung", "valdets_grad", "funktionsnedsattning",
              "riskbedomning_gjord", "maluppfoljning", "arendelangd", "toppgrupp", "har_brukarenkat"]
UNITS = [("samtliga", "", 3070), ("lan", "01", 1400), ("lan", "14", 60), ("kommun", "0114", 40),
         ("kommun", "0180", 1360), ("kommun", "1480", 3), ("stadsdel", "0180-01", 220)]


def delgrupper(kodbok) -> list[str]:
    out = [""]
    for b in BREAKDOWNS:
        if b == "hrv":
            values = ["Ja", "Nej"]
        elif b in DERIVED:
            values = DERIVED[b]
        else:
            values = list(kodbok[b].svar)
        out += [f"{b}={v}" for v in values]
    return out


def table_rows(rng: random.Random, niva, kod, tabell, delgrupp, scope: int, kodbok, minsta: int) -> list[list[str]]:
    rows: list[list] = []

    def add(kategori, antal, bas, mean=None):
        hidden = 1 <= bas < minsta  # item 4
        if kategori == "medel":
            if hidden:
                rows.append([niva, kod, tabell, delgrupp, kategori, "", "", "", ""])
            else:
                rows.append([niva, kod, tabell, delgrupp, kategori, "", bas, "", mean if bas >= 20 else ""])
            return
        share = andel(antal, bas) if bas >= 20 else None  # item 5
        rows.append([niva, kod, tabell, delgrupp, kategori, "" if hidden else antal,
                     "" if hidden else bas, "" if hidden or share is None else share, ""])

    if tabell in MEANS:
        n = max(0, scope - rng.randint(0, max(1, scope // 5)))
        if n:
            total = n * rng.randint(10, 40) // 10 if tabell != "medel_arendelangd" else n * rng.randint(30, 200)
            add("medel", total, n, medel_text(total, n))
        return rows
    if tabell == "faser":
        for k in DERIVED["faser"]:
            if k == "aktualiserade":
                add(k, scope, scope)
            elif k in ("minst_en_insats", "avslutade"):
                add(k, rng.randint(scope * 6 // 10, scope), scope)
            else:
                av = max(1, scope * 8 // 10)
                add(k, rng.randint(0, av), av)
        return rows
    v = kodbok[tabell] if tabell in kodbok else None
    labels = DERIVED.get(tabell) or list(v.svar)
    saknas = rng.randint(0, max(0, scope // 20))
    svarande = scope - saknas
    if v is not None and v.typ == "flerval":
        add("minst_ett_svar", svarande, scope)
        counts = [rng.choice([0, rng.randint(0, max(1, svarande // 2)), rng.randint(0, 4)]) for _ in labels]
        for k, c in zip(labels, counts):
            add(k, min(c, svarande), svarande)
    else:
        cut = sorted(rng.randint(0, svarande) for _ in range(len(labels) - 1))
        counts = [b - a for a, b in zip([0] + cut, cut + [svarande])]
        if rng.random() < 0.3:
            counts[-1], counts[0] = counts[0], 0
        for k, c in zip(labels, counts):
            add(k, c, svarande)
    for name, parts in COMBINED.get(tabell, []):
        idx = [labels.index(p) for p in parts] if parts else [0, 1]
        total = min(svarande, sum(counts[i] for i in idx))
        add(name, total, svarande)
    add("uppgift_saknas", saknas, scope)
    return rows


def write_tidy(path: Path, minsta_antal: int = 5, seed: int = 20240) -> Path:
    kodbok = load_codebook()
    rng = random.Random(seed)
    tables = [v.kolumn for v in kodbok.variabler if v.is_choice] + list(DERIVED) + MEANS
    groups = delgrupper(kodbok)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for niva, kod, n in UNITS:
            for tabell in tables:
                for g in groups if niva == "samtliga" else [""]:
                    if g.partition("=")[0] in (tabell, "hrv" if tabell == "hedersrelaterat_vald" else None):
                        continue
                    if g == "arendelangd=361+" and tabell == "avslutsorsak":
                        continue  # an empty scope: the table is not written
                    scope = n if not g else rng.randint(0, max(1, n // 3)) if rng.random() < 0.8 else rng.randint(1, 8)
                    if tabell in ("arendelangd", "har_brukarenkat", "toppgrupp", "medel_arendelangd") or \
                            tabell in kodbok and kodbok[tabell].fas in ("avslut", "brukarenkat"):
                        scope = scope * 3 // 4
                    if scope == 0:
                        continue
                    w.writerows(table_rows(rng, niva, kod, tabell, g, scope, kodbok, minsta_antal))
    return path
