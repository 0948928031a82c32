"""Benchmark `ojexcel diff` of two workbooks: `python bench/bench_diff.py [--reps 5]`.

Builds the 2017 sample workbook once, copies it, and times the whole command in a fresh process
(as a user runs it), printing the median and the machine's load average (other jobs sharing the
cores make wall clocks longer). Target (issue 5): ≤ 1 s. Also times `read_workbook` in-process.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("ojexcel")
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a.xlsx", Path(tmp) / "b.xlsx"
        subprocess.run([exe, "build", "--year", "2017", "--out", a, "-q"], check=True)
        shutil.copy(a, b)
        times = []
        for _ in range(args.reps):
            t = time.perf_counter()
            proc = subprocess.run([exe, "diff", a, b], capture_output=True, text=True)
            times.append(time.perf_counter() - t)
            if proc.returncode != 0:
                sys.exit(f"ojexcel diff failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
        from ojexcel.survey.workbook_read import read_workbook

        read_times = []
        for _ in range(args.reps):
            t = time.perf_counter()
            read_workbook(a)
            read_times.append(time.perf_counter() - t)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"ojexcel diff BOOK BOOK (whole process): median {statistics.median(times):.2f} s, "
        f"best {min(times):.2f} s ({args.reps} runs; {os.cpu_count()} cores, load average {load:.2f})"
    )
    print(f"read_workbook (in-process, one workbook): median {statistics.median(read_times):.3f} s")


if __name__ == "__main__":
    main()
