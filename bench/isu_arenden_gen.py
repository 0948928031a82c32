"""Generate a valid synthetic ISU record file (CSV) of N ärenden, for benchmarking the reader.

    python bench/isu_arenden_gen.py N OUT.csv [--seed S] [--numbers] [--id-chars C]

Every column of the codebook plus `arende_id` and `enhetskod` (31 columns), answers as labels (or,
with --numbers, as their numbers), about 80 % avslutade, brukarenkät on a third of those, spread over
all 290 kommuner and 29 districts. Values obey CONTRACT isu §1, so the file reads without errors
(warnings: none). Not a realistic sample — that is `samples/`; this is for speed and memory.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

import numpy as np


def generate(n: int, out: Path, seed: int = 1, numbers: bool = False, id_chars: int = 9) -> None:
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.population import load_population

    kodbok = load_codebook()
    pop = load_population()
    rng = np.random.default_rng(seed)
    units = sorted(set(pop.municipalities) | {u.kod for u in pop.units if u.is_district})
    cols: dict[str, np.ndarray] = {}
    cols["arende_id"] = np.array([f"A{i:0{max(8, id_chars - 1)}d}" for i in range(n)], dtype=object)
    cols["enhetskod"] = np.array(units, dtype=object)[rng.integers(0, len(units), n)]
    start = dt.date(2021, 1, 1).toordinal()
    dak = start + rng.integers(0, 3 * 365, n)
    avslutat = rng.random(n) < 0.8
    length = rng.integers(0, 500, n)
    bu = avslutat & (rng.random(n) < 0.35)

    def iso(days: np.ndarray, present: np.ndarray) -> np.ndarray:
        lo = int(days.min())
        table = np.array([dt.date.fromordinal(d).isoformat() for d in range(lo, int(days.max()) + 1)], dtype=object)
        return np.where(present, table[days - lo], "")

    def label(var, k: int) -> str:
        return str(k) if numbers else var.svar[k - 1]

    for var in kodbok.variabler:
        name = var.kolumn
        if var.typ == "fritext":
            pool = np.array([f"text {i}" for i in range(500)] + [""] * 500, dtype=object)
            cols[name] = pool[rng.integers(0, len(pool), n)]
        elif name == "datum_aktualisering":
            cols[name] = iso(dak, np.ones(n, dtype=bool))
        elif name == "datum_avslut":
            cols[name] = iso(dak + length, avslutat)
        elif name == "datum_insats_paborjad":
            cols[name] = iso(dak + length // 4, rng.random(n) < 0.7)
        elif name == "alder":
            a = rng.integers(18, 91, n).astype(object).astype(str)
            cols[name] = np.where(rng.random(n) < 0.95, a, "")
        elif var.typ == "enval":
            pool = np.array([""] + [label(var, k) for k in range(1, len(var.svar) + 1)], dtype=object)
            p = np.r_[0.05, np.full(len(var.svar), 0.95 / len(var.svar))]
            values = pool[rng.choice(len(pool), n, p=p)]
            if var.fas == "brukarenkat":
                values = np.where(bu, values, "")
            elif var.fas == "avslut" and name != "avslutsorsak":
                values = np.where(avslutat, values, "")
            elif name == "avslutsorsak":
                values = np.where(avslutat, values, "")
            elif name == "samverkan_forekommit":
                values = np.where(rng.random(n) < 0.5, label(var, 1), "")  # Ja or blank
            cols[name] = values
        elif var.typ == "flerval":
            m = len(var.svar)
            combos = [""]
            for _ in range(300):
                k = rng.integers(1, min(4, m) + 1)
                chosen = sorted(rng.choice(np.arange(1, m + 1), k, replace=False).tolist())
                if name == "funktionsnedsattning" and len(chosen) > 1:
                    chosen = [c for c in chosen if c not in (var.nummer("Nej"), var.nummer("Vet ej"))] or [1]
                combos.append("|".join(label(var, c) for c in chosen))
            pool = np.array(combos, dtype=object)
            cols[name] = pool[rng.integers(0, len(pool), n)]
    names = ["arende_id", "enhetskod"] + [v.kolumn for v in kodbok.variabler]
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(names)
        w.writerows(zip(*(cols[c].tolist() for c in names)))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--numbers", action="store_true", help="answers as their Bilaga 2 numbers")
    ap.add_argument("--id-chars", type=int, default=9, help="characters of each arende_id (at most 64 are valid)")
    args = ap.parse_args(argv)
    generate(args.n, args.out, args.seed, args.numbers, args.id_chars)
    print(f"{args.out}: {args.n} ärenden", file=sys.stderr)


if __name__ == "__main__":
    main()
