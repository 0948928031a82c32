"""Benchmark `ojexcel diff` / `dump` on ISU files and the ISU DataFrames: `python bench/bench_isu_diff.py [--reps 3]`.

Builds the embedded sample's workbook and tidy export once (412 617 tidy rows), and a second
build with one ärende changed, then times each command in a fresh process (as a user runs it),
with its peak RSS (the child's `ru_maxrss`), and `read_isu_tidy` → DataFrame and
`results.to_frame()` in-process. Prints medians and the machine's load average (other jobs
sharing the cores make wall clocks longer).
"""
from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def child(cmd: list) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one run in a fresh process (its own rusage, from wait4)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{cmd[1:]} failed ({code}): {proc.stderr.read().decode()[:500]}")
    proc.stderr.close()
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("ojexcel")
    from ojexcel.io.resources import isu_sample

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with open(isu_sample(), encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows, fields = list(reader), reader.fieldnames
        rows[0]["kon"] = "Man" if rows[0]["kon"] == "Kvinna" else "Kvinna"
        changed = tmp / "changed.csv"
        with open(changed, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        for name, source in (("a", None), ("b", changed)):
            subprocess.run([exe, "isu", "build", *([str(source)] if source else []), "--out", tmp / f"{name}.xlsx",
                            "--tidy", tmp / f"{name}.csv", "-q"], check=True)
        commands = {
            "diff TIDY TIDY (one ärende changed)": ["diff", tmp / "a.csv", tmp / "b.csv"],
            "diff BOOK BOOK (one ärende changed)": ["diff", tmp / "a.xlsx", tmp / "b.xlsx"],
            "diff BOOK TIDY": ["diff", tmp / "a.xlsx", tmp / "b.csv"],
            "dump TIDY": ["dump", tmp / "a.csv"],
            "dump BOOK": ["dump", tmp / "a.xlsx"],
        }
        for label, cmd in commands.items():
            runs = [child([exe, *cmd]) for _ in range(args.reps)]
            print(f"ojexcel {label}: median {statistics.median(t for t, _ in runs):.2f} s, "
                  f"peak RSS {max(m for _, m in runs):.0f} MB")
        import ojexcel

        for label, make in (("read_isu_tidy → DataFrame", lambda: ojexcel.read_isu_tidy(tmp / "a.csv")),
                            ("results.to_frame() (build excluded)", None)):
            times = []
            for _ in range(args.reps):
                if make is None:
                    results = ojexcel.isu.build()
                    t = time.perf_counter()
                    results.to_frame()
                else:
                    t = time.perf_counter()
                    make()
                times.append(time.perf_counter() - t)
            print(f"{label}: median {statistics.median(times):.2f} s")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"({args.reps} runs each; {os.cpu_count()} cores, load average {load:.2f})")


if __name__ == "__main__":
    main()
