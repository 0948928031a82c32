"""Generate the embedded synthetic response file(s): `python -m dev.generate_samples [YEAR ...]`.

Fixed seeds, so the committed files are reproduced byte for byte. The riket row of each sample
reproduces the national figures published for that year (published_riket.csv, beside this file).

Response counts (of 316 units):
- 2016: the guide 2017 says 91 % answered the survey in 2016 -> 288 (287 would round to 91 % too).
  The count for the VINR part in 2016 is not published; 282 is chosen (answered the survey less a
  few, as in 2017: 301 -> 295).
- 2017: the guide (Bilaga 1, Tabell 2): 301 answered the survey, 295 the VINR part.
- 2018: the 2018 fact sheet gives percentages only: 95 % the general part -> 300, 92 % the VINR
  part -> 291 (chosen; 290 would also round to 92 %).
2016 and 2018 use the 2017 codebook and indicators (dev/derive_arsgangar.py). So that the
synthetic series looks like a series, an indicator without a published figure for 2016 or 2018 is
drawn within +/- 4 points of the 2017 sample's riket share (published figures always win).
"""
from __future__ import annotations

import sys
from pathlib import Path

from ojexcel.survey.arsgang import load_catalogue
from ojexcel.survey.arsgang import load_arsgang
from dev.synthetic import Target, generate_rows, read_targets, write_rows

HERE = Path(__file__).resolve().parents[1] / "samples"  # the data this script writes
ANCHOR_YEAR = 2017  # the sample the other years' unpublished figures stay close to
DRIFT = 4  # percentage points

# year: (seed, answered the survey, answered the VINR part)
SAMPLES = {
    2016: (2016, 288, 282),
    2017: (2017, 301, 295),
    2018: (2018, 300, 291),
}


def anchored_targets(year: int) -> dict[str, Target]:
    """Published figures of `year`; other indicators near the anchor sample's riket share."""
    targets = read_targets(HERE / "published_riket.csv", year)
    if year == ANCHOR_YEAR:
        return targets
    from ojexcel.survey.compilation import build_results

    anchor = build_results(HERE / f"svar_{ANCHOR_YEAR}.csv", ANCHOR_YEAR)
    for ind, agg in zip(anchor.catalogue.ids, anchor.riket.aggregates):
        if ind not in targets and agg.andel is not None:
            targets[ind] = Target(ind, max(0, agg.andel - DRIFT), min(100, agg.andel + DRIFT))
    return targets


def generate(year: int, out_dir: Path = HERE) -> Path:
    seed, answered, answered_vinr = SAMPLES[year]
    catalogue = load_catalogue(year)
    rows = generate_rows(
        catalogue,
        load_arsgang(year).population,
        seed=seed,
        answered=answered,
        answered_vinr=answered_vinr,
        targets=anchored_targets(year),
    )
    path = out_dir / f"svar_{year}.csv"
    write_rows(rows, catalogue.codebook, path)
    return path


if __name__ == "__main__":
    for arg in sys.argv[1:] or [str(y) for y in SAMPLES]:
        print(generate(int(arg)))
