"""The embedded years moved from code into årgång folders (issue 18), and their outputs did not
change by one byte: the digests in `tests/spec/embedded_outputs.sha256` were made by the code
before the move (main at 1a05bcd, `python -m dev.embedded_outputs OUT --quick --manifest F`). This
test rebuilds a part of them — the 2017 workbook, the tidy exports of 2016–2018, kommun sheets
(xlsx and html, a municipality and a city), `kommun --history`, the trend of the three years,
Kolada, `diff` and `dump` — and compares. `python -m dev.embedded_outputs OUT --compare OLD`
compares every output (1 661 files, the `kommun --all` sets included) against a folder built
before a change.

When an output is meant to change, rebuild the manifest with the command above and say so in the
commit.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dev.embedded_outputs import MANIFEST_VERSION, inside, run_cli, digests, fixed_version

MANIFEST = Path(__file__).parent / "spec" / "embedded_outputs.sha256"


@pytest.mark.slow
def test_embedded_outputs_are_byte_identical_to_before_the_move(tidy_files, tmp_path):
    expected = dict(reversed(line.split("  ", 1)) for line in MANIFEST.read_text(encoding="utf-8").splitlines())
    out = tmp_path
    for year in (2016, 2018):
        shutil.copyfile(tidy_files[year], out / f"tidy_{year}.csv")
    history = [f"2016={out / 'tidy_2016.csv'}", f"2018={out / 'tidy_2018.csv'}"]
    with fixed_version(MANIFEST_VERSION):
        run_cli(["build", "--year", "2017", "--out", str(out / "vinr_2017.xlsx"), "--tidy", str(out / "tidy_2017.csv"), "-q"])
        run_cli(["kommun", "0114", "--year", "2017", "--out", str(out / "kommun_2017_0.xlsx"), "-q"])
        run_cli(["kommun", "0180", "--year", "2017", "--out", str(out / "kommun_2017_2.html"), "-q"])
        run_cli(["kommun", "0114", "--year", "2017", "--out", str(out / "historik_0.html"), *sum((["--history", h] for h in history), []), "-q"])
        run_cli(["trend", history[0], f"2017={out / 'tidy_2017.csv'}", history[1], "--out", str(out / "trend.xlsx"), "-q"])
        run_cli(["kolada", str(out / "tidy_2017.csv"), "--year", "2017", "--stadsdelar", "--out", str(out / "kolada_2017_stadsdelar.csv"), "-q"])
        with inside(out):
            Path("diff_2016_2017.json").write_bytes(run_cli(["diff", "tidy_2016.csv", "tidy_2017.csv", "--format", "json", "--counts"]))
            Path("dump_tidy_2018.txt").write_bytes(run_cli(["dump", "tidy_2018.csv"]))
    got = digests(out)
    assert len(got) == 11
    differ = sorted(name for name, digest in got.items() if expected.get(name) != digest)
    assert not differ, f"outputs that changed: {differ}"
