"""Generate the embedded synthetic ISU sample: `python samples/generate_isu.py [OUT.csv]`.

A fixed seed (`ojexcel.isu.syntetisk.SEED`), so the committed `samples/isu_arenden.csv` is
reproduced byte for byte (tests/test_isu_sample.py checks it). 3 070 ärenden in 34 units of the
report's Bilaga 1; compiled with `--minsta-antal 1` they reproduce every figure of
`../shared/spec/isu/published_isu.csv`. How the figures are met: the module docstring and the
target tables of `ojexcel/isu/syntetisk.py`.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ojexcel.isu.syntetisk import write_sample

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "isu_arenden.csv"


def generate(path: Path = SAMPLE) -> Path:
    return write_sample(path)


if __name__ == "__main__":
    print(generate(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE))
