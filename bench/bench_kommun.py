"""Benchmark `ojexcel kommun --all`: 316 units + 3 cities, target ≤ 3 s for the whole process.

    .venv/bin/python bench/bench_kommun.py [--runs 5] [--format xlsx|html] [--jobs 0] [--history]

Prints the median wall-clock time of N whole-process runs (a subprocess, as a user runs it:
start-up, reading and computing the sample, writing every file) and of the in-process rendering
alone (Results already built). `--history` adds `--history 2016=… 2017=… 2018=…` (the tidy
exports of the three embedded samples, built before the timing). Timings, not tests: the test
suite never times anything.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 3.0


HISTORY_YEARS = (2016, 2017, 2018)


def history_files(folder: Path) -> list[str]:
    """YEAR=FILE arguments: the tidy exports of the embedded samples (built once, not timed)."""
    exe = Path(sys.executable).with_name("ojexcel")
    out = []
    for year in HISTORY_YEARS:
        tidy = folder / f"tidy_{year}.csv"
        subprocess.run([str(exe), "build", "--year", str(year), "--out", str(folder / f"b{year}.xlsx"),
                        "--tidy", str(tidy), "-q"], check=True)
        out.append(f"{year}={tidy}")
    return out


def whole_process(out_dir: Path, fmt: str, jobs: int, history: list[str]) -> float:
    exe = Path(sys.executable).with_name("ojexcel")
    cmd = [str(exe), "kommun", "--all", "--year", "2017", "--out-dir", str(out_dir), "--format", fmt, "-j", str(jobs), "-q"]
    cmd += [f"--history={h}" for h in history]
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - start


def in_process(results, out_dir: Path, fmt: str, jobs: int, historik=None) -> float:
    from ojexcel.survey.kommun_report_all import write_all

    start = time.perf_counter()
    paths = write_all(results, out_dir, fmt, jobs, historik=historik)
    elapsed = time.perf_counter() - start
    assert len(paths) == 319
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--format", default="xlsx", choices=("xlsx", "html"))
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (0: one per core)")
    parser.add_argument("--history", action="store_true", help="with --history for 2016, 2017 and 2018")
    args = parser.parse_args()

    from ojexcel.io.parallel import default_jobs
    from ojexcel.survey.compilation import build_results

    jobs = args.jobs or default_jobs()
    print(f"cores available: {default_jobs()}, workers: {jobs}, format: {args.format}, runs: {args.runs}"
          + (f", history: {', '.join(map(str, HISTORY_YEARS))}" if args.history else ""))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        history = history_files(tmp) if args.history else []
        walls = [whole_process(tmp / f"cli{n}", args.format, jobs, history) for n in range(args.runs)]
        start = time.perf_counter()
        results = build_results(None, 2017)
        build = time.perf_counter() - start
        historik = None
        if history:
            from ojexcel.survey.kommun_history import load_history
            from ojexcel.survey.trend import parse_year_files

            start = time.perf_counter()
            historik = load_history(parse_year_files(history), results)
            print(f"reading the history (3 tidy exports, once): {time.perf_counter() - start:.2f} s")
        renders = []
        for n in range(args.runs):
            (tmp / f"api{n}").mkdir()
            renders.append(in_process(results, tmp / f"api{n}", args.format, jobs, historik))
        serial = []
        for n in range(min(args.runs, 3)):
            (tmp / f"serial{n}").mkdir()
            serial.append(in_process(results, tmp / f"serial{n}", args.format, 1, historik))
    wall = statistics.median(walls)
    print(f"whole process, ojexcel kommun --all (median of {len(walls)}): {wall:.2f} s "
          f"[{', '.join(f'{w:.2f}' for w in walls)}] — target ≤ {TARGET_SECONDS:.0f} s: {'met' if wall <= TARGET_SECONDS else 'NOT met'}")
    print(f"in process: build_results {build:.2f} s; rendering 319 files with {jobs} worker(s) "
          f"(median of {len(renders)}): {statistics.median(renders):.2f} s; "
          f"in one process: {statistics.median(serial):.2f} s ({1000 * statistics.median(serial) / 319:.1f} ms a file)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
