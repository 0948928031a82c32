"""Generate the embedded synthetic ISU sample: `python -m dev.generate_isu_sample [OUT.csv]`.

A fixed seed (`dev.isu_synthetic.SEED`), so the committed `samples/isu_arenden.csv` is
reproduced byte for byte (tests/test_isu_sample.py checks it). 3 070 ärenden in 34 units of the
report's Bilaga 1; compiled with `--minsta-antal 1` they reproduce every figure of
`../shared/spec/isu/published_isu.csv`. How the figures are met: the module docstring and the
target tables of `dev/isu_synthetic.py`.
"""
from __future__ import annotations

import sys
from pathlib import Path

from dev.isu_synthetic import write_sample

HERE = Path(__file__).resolve().parents[1] / "samples"  # the data this script writes
SAMPLE = HERE / "isu_arenden.csv"


def generate(path: Path = SAMPLE) -> Path:
    return write_sample(path)


if __name__ == "__main__":
    print(generate(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE))
