"""Write the ISU sample's example population file: `python -m dev.generate_isu_vuxna [OUT.csv]`.

`samples/isu_vuxna_exempel.csv` (`enhetskod,ar,vuxna`, the `--vuxna` file of `ojexcel isu kolada`)
holds *synthetic* numbers of inhabitants aged 18 or more for every unit of the embedded ISU sample
(`samples/isu_arenden.csv`) and every year its ärenden are aktualiserade in, so that the README's
`isu kolada` example shows rates. They are made up, not SCB's (D132): a kommun's SCB population
of 31 December 2016 (`municipality_groups/folkmangd_2016.csv`) times an adult share of 79.5 %,
grown 0.8 % a year; the sample's one district (Stockholm's Enskede-Årsta-Vantör, 0180-02) a tenth
of Stockholm's. Integer arithmetic only, so the file is reproduced byte for byte
(tests/test_isu_api.py checks it).
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "isu_arenden.csv"
OUT = ROOT / "samples" / "isu_vuxna_exempel.csv"
POPULATION = ROOT / "municipality_groups" / "folkmangd_2016.csv"

ADULT_SHARE = (795, 1000)  # adults (18+) of all inhabitants: a round synthetic figure
GROWTH = (1008, 1000)  # a year
DISTRICT_SHARE = {"0180-02": (1, 10)}  # the sample's districts, as a share of their city


def _population() -> dict[str, int]:
    with open(POPULATION, encoding="utf-8", newline="") as fh:
        return {r["kommunkod"]: int(r["folkmangd_2016_12_31"]) for r in csv.DictReader(fh)}


def _sample_units_and_years() -> tuple[list[str], list[int]]:
    with open(SAMPLE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return sorted({r["enhetskod"] for r in rows}), sorted({int(r["datum_aktualisering"][:4]) for r in rows})


def adults(total_2016: int, year: int) -> int:
    """Adults in `year` from the population of 2016, rounded half up, in integers."""
    num, den = total_2016 * ADULT_SHARE[0], ADULT_SHARE[1]
    for _ in range(year - 2016):
        num, den = num * GROWTH[0], den * GROWTH[1]
    return (2 * num + den) // (2 * den)


def rows() -> list[tuple[str, int, int]]:
    population = _population()
    units, years = _sample_units_and_years()
    out = []
    for kod in units:
        total = population[kod.split("-")[0]]
        if kod in DISTRICT_SHARE:
            part, whole = DISTRICT_SHARE[kod]
            total = total * part // whole
        elif "-" in kod:
            raise ValueError(f"{kod}: a district of the sample without a share in DISTRICT_SHARE")
        out += [(kod, year, adults(total, year)) for year in years]
    return out


def generate(path: Path = OUT) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("enhetskod", "ar", "vuxna"))
        writer.writerows(rows())
    return path


if __name__ == "__main__":
    print(generate(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
