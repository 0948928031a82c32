"""The embedded years moved from code into årgång folders (issue 18), and their outputs did not
change by one byte: the digests in `tests/spec/embedded_outputs.sha256` were made by the code
before the move (commit dbc5e2b, `python -m dev.embedded_outputs OUT --quick --manifest F`), and
this test rebuilds a part of them — workbooks and tidy exports of 2016–2018, kommun sheets (xlsx
and html: a municipality, a district, a city), `kommun --history`, the trend, Kolada, `diff` and
`dump` — and compares. `python -m dev.embedded_outputs OUT --compare OLD` compares every output,
the `kommun --all` sets included, against a folder built before a change.

When an output is meant to change, rebuild the manifest with the command above and say so in the
commit.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from dev.embedded_outputs import MANIFEST_VERSION, UNITS, build_all, digests

MANIFEST = Path(__file__).parent / "spec" / "embedded_outputs.sha256"


@pytest.mark.slow
def test_embedded_outputs_are_byte_identical_to_before_the_move(tmp_path):
    expected = dict(reversed(line.split("  ", 1)) for line in MANIFEST.read_text(encoding="utf-8").splitlines())
    build_all(tmp_path, version=MANIFEST_VERSION, every=False, kommun_years=(2017,), units=UNITS[:3],
              diff_formats=("json",), kolada_years=(2017,), both_trends=False)
    got = digests(tmp_path)
    assert len(got) == 25
    differ = sorted(name for name, digest in got.items() if expected.get(name) != digest)
    assert not differ, f"outputs that changed: {differ}"
