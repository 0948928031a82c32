"""Benchmark `ojexcel site`: the whole site for the 2017 sample, target ≤ 20 s for the process;
and the page budgets (gzipped): HTML before the first content ≤ 14 KB, a unit page ≤ 50 KB, an
indicator page with its map ≤ 80 KB, all JavaScript ≤ 15 KB.

    .venv/bin/python bench/bench_site.py [--runs 3] [--jobs 0] [--full]

Prints the median wall-clock time of N whole-process runs (a subprocess, as a user runs it), for
the sample alone and, with `--full`, with `--history 2016=… --history 2018=…` (the embedded
samples' tidy exports) and `--isu` (the embedded ISU sample's tidy export, 412 617 rows; both built
before the timing), then the largest gzipped page of each kind and the site's size. Timings, not
tests: the test suite checks the budgets on the test site, never a time.
"""
from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 20.0
BUDGETS = {"before the first content": 14_000, "unit page": 50_000, "indicator page": 80_000, "JavaScript": 15_000}


def exe() -> str:
    return str(Path(sys.executable).with_name("ojexcel"))


def inputs(folder: Path) -> list[str]:
    """--history and --isu arguments (built once, not timed)."""
    args = []
    for year in (2016, 2018):
        tidy = folder / f"tidy_{year}.csv"
        subprocess.run([exe(), "build", "--year", str(year), "--out", str(folder / f"b{year}.xlsx"),
                        "--tidy", str(tidy), "-q"], check=True)
        args += ["--history", f"{year}={tidy}"]
    isu = folder / "isu_tidy.csv"
    subprocess.run([exe(), "isu", "build", "--out", str(folder / "isu.xlsx"), "--tidy", str(isu), "-q"], check=True)
    return args + ["--isu", str(isu)]


def whole_process(out: Path, jobs: int, extra: list[str]) -> float:
    if out.exists():
        shutil.rmtree(out)
    start = time.perf_counter()
    subprocess.run([exe(), "site", str(out), "--year", "2017", "-j", str(jobs), "-q", *extra], check=True)
    return time.perf_counter() - start


def gz(path: Path, upto: str | None = None) -> int:
    data = path.read_bytes()
    if upto is not None:
        data = data[: data.index(upto.encode())]
    return len(gzip.compress(data, 9, mtime=0))


def sizes(site: Path) -> dict[str, tuple[int, str]]:
    pages = sorted(site.rglob("*.html"))
    out = {
        "before the first content": max((gz(p, "<main"), p.relative_to(site).as_posix()) for p in pages),
        "unit page": max((gz(p), p.relative_to(site).as_posix()) for p in pages if p.parent.name == "enhet"),
        "indicator page": max((gz(p), p.relative_to(site).as_posix()) for p in pages
                              if p.parent.name == "indikator" and p.name != "index.html"),
        "JavaScript": (gz(site / "assets/site.js") + gz(site / "assets/sok.js"), "site.js + sok.js"),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--full", action="store_true", help="also time with --history (2 years) and --isu")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = [("2017 sample", [])]
        if args.full:
            cases.append(("2017 sample + 2 history years + ISU sample", inputs(folder)))
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"load average at start: {load:.1f}; jobs {args.jobs or 'one per core'}")
        for label, extra in cases:
            times = [whole_process(folder / "site", args.jobs, extra) for _ in range(args.runs)]
            median = statistics.median(times)
            verdict = "ok" if median <= TARGET_SECONDS else "OVER"
            print(f"{label}: median {median:.2f} s of {args.runs} ({', '.join(f'{t:.2f}' for t in times)}); "
                  f"target ≤ {TARGET_SECONDS:.0f} s: {verdict}")
            site = folder / "site"
            for what, (size, page) in sizes(site).items():
                print(f"  {what}: {size / 1000:.1f} KB gzipped at most ({page}); budget ≤ {BUDGETS[what] // 1000} KB: "
                      + ("ok" if size <= BUDGETS[what] else "OVER"))
            files = [p for p in site.rglob("*") if p.is_file()]
            print(f"  {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
