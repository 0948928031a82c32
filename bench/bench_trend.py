"""Benchmark `ojexcel trend` over the three embedded samples: `python bench/bench_trend.py`.

Builds the tidy exports of 2016, 2017 and 2018 once, then times the whole command (a fresh
process, as a user runs it) a few times and prints the best and median wall-clock time.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEARS = (2016, 2017, 2018)
RUNS = 5


def main() -> None:
    exe = Path(sys.executable).with_name("ojexcel")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for y in YEARS:
            subprocess.run([exe, "build", "--year", str(y), "--out", tmp / f"b{y}.xlsx", "--tidy", tmp / f"t{y}.csv", "-q"], check=True)
        cmd = [exe, "trend", *(f"{y}={tmp / f't{y}.csv'}" for y in YEARS), "--out", tmp / "trend.xlsx", "-q"]
        times = []
        for _ in range(RUNS):
            t = time.perf_counter()
            subprocess.run(cmd, check=True)
            times.append(time.perf_counter() - t)
        size = (tmp / "trend.xlsx").stat().st_size
    print(f"ojexcel trend, 3 years: best {min(times):.2f} s, median {statistics.median(times):.2f} s ({RUNS} runs); {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
