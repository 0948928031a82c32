"""The committed copies of `../shared` are current (where `../shared` exists beside the project).

A plain clone tests green from its own files (`tests/shared/`, `docs/contracts/`, the reference
data in `municipality_groups/`); this check catches a copy that fell behind its source.
"""
from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared"
MIRROR = ROOT / "tests" / "shared"

# copy (in the repository) -> source (below ../shared), beside the mirror tests/shared/**.
COPIES = {
    "docs/contracts/survey.md": "spec/CONTRACT.md",
    "docs/contracts/isu.md": "spec/isu/CONTRACT.md",
    "samples/published_riket.csv": "spec/published_riket.csv",
    "ojexcel/isu/variabler.csv": "spec/isu/variabler.csv",
    "municipality_groups/kommuner.csv": "reference/kommuner.csv",
    "municipality_groups/folkmangd_2016.csv": "reference/folkmangd_2016.csv",
    "municipality_groups/skl_grupp_2017.csv": "reference/skl_grupp_2017.csv",
    "municipality_groups/stadsdelar_2017.csv": "reference/stadsdelar_2017.csv",
    "municipality_groups/storleksgrupp_2017.csv": "reference/storleksgrupp_2017.csv",
    # the survey's Kolada coding is the årgång's (issue 18): 2016 and 2018 are derived from 2017's
    "ojexcel/survey/arsgangar/2017/kolada.csv": "reference/kolada_kpi_vinr.csv",
    "municipality_groups/kolada/kolada_kpi_meta_vinr.csv": "reference/kolada/kolada_kpi_meta_vinr.csv",
}
COPIES |= {
    str(p.relative_to(ROOT)): str(p.relative_to(MIRROR))
    for p in sorted(MIRROR.rglob("*")) if p.is_file() and p != MIRROR / "README.md"  # the mirror's own note
}


def test_every_copy_is_in_the_repository():
    missing = [copy for copy in COPIES if not (ROOT / copy).is_file()]
    assert not missing, missing
    assert len([c for c in COPIES if c.startswith("tests/shared/")]) >= 8


@pytest.mark.skipif(not SOURCE.is_dir(), reason="../shared is not beside the project (a plain clone): nothing to compare")
@pytest.mark.parametrize("copy", sorted(COPIES))
def test_the_copy_equals_its_source(copy):
    source = SOURCE / COPIES[copy]
    assert source.is_file(), f"{copy}: its source {source} is gone from ../shared"
    assert filecmp.cmp(ROOT / copy, source, shallow=False), f"{copy} is stale: copy {source} over it"
