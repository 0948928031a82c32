"""Generate the embedded synthetic response file(s): `python samples/generate.py [YEAR ...]`.

Fixed seeds, so the committed files are reproduced byte for byte. The riket row of each sample
reproduces the national figures published for that year (published_riket.csv, beside this file);
response counts follow the guide (2017: 301 of 316 answered the survey, 295 the VINR part).
"""
from __future__ import annotations

import sys
from pathlib import Path

from ojexcel.catalogue import load_catalogue
from ojexcel.population import load_population
from ojexcel.synthetic import generate_rows, read_targets, write_rows

HERE = Path(__file__).resolve().parent

# year: (seed, answered the survey, answered the VINR part)
SAMPLES = {
    2017: (2017, 301, 295),
}


def generate(year: int, out_dir: Path = HERE) -> Path:
    seed, answered, answered_vinr = SAMPLES[year]
    catalogue = load_catalogue(year)
    rows = generate_rows(
        catalogue,
        load_population(year),
        seed=seed,
        answered=answered,
        answered_vinr=answered_vinr,
        targets=read_targets(HERE / "published_riket.csv", year),
    )
    path = out_dir / f"svar_{year}.csv"
    write_rows(rows, catalogue.codebook, path)
    return path


if __name__ == "__main__":
    for arg in sys.argv[1:] or [str(y) for y in SAMPLES]:
        print(generate(int(arg)))
