"""Benchmark `ojexcel isu kommun --all`: every kommun's and stadsdel's own report, serial and parallel.

    .venv/bin/python bench/bench_isu_kommun.py [ARENDEN] [--format xlsx|html] [--jobs 1 2] [--runs 3]

For each `--jobs` value: the median wall-clock time of the whole process (a subprocess, as a user
runs it: start-up, reading and compiling ARENDEN, writing every file) and of the rendering alone
(in process, the results already compiled: `enhetsrapport_alla.write_all`). Without ARENDEN the
embedded sample (35 units); a national-breadth file: `bench/isu_arenden_gen.py 100000 FILE.csv`
(every kommun and district, 319 units). Checks that every run wrote the same bytes. Timings,
not tests: the test suite never times anything.
"""
from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.iterdir()):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("arenden", nargs="?", type=Path)
    ap.add_argument("--format", default="xlsx", choices=("xlsx", "html"))
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    from ojexcel.isu import reader as isu_arenden
    from ojexcel.isu import kommun_report_all as enhetsrapport_alla
    from ojexcel.cli.isu import sample_path
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.isu.compilation import compile_tables
    from ojexcel.io.parallel import default_jobs
    from ojexcel.population import load_population

    source = args.arenden or sample_path()
    pop = load_population()
    t0 = time.perf_counter()
    from ojexcel.io.resources import isu_demo_key

    key = isu_demo_key()  # the demo key serves the benchmark's inputs (never a publication)
    resultat = compile_tables(isu_arenden.read_arenden(source, load_codebook(), pop, nyckel=key.read_bytes()),
                              minsta_antal=5)
    n = len(enhetsrapport_alla.enheter_with_arenden(resultat))
    print(f"{source.name}: {n} units; read and compiled in process in {time.perf_counter() - t0:.2f} s; "
          f"cores available: {default_jobs()}; format {args.format}; runs {args.runs}")
    exe = Path(sys.executable).with_name("ojexcel")
    digests = set()
    with tempfile.TemporaryDirectory() as tmp:
        for jobs in args.jobs:
            whole, render = [], []
            for run in range(args.runs):
                out = Path(tmp) / f"p{jobs}-{run}"
                cmd = [str(exe), "isu", "kommun", "--all", str(source), "--out-dir", str(out),
                       "--format", args.format, "-j", str(jobs), "-q", "--nyckelfil", str(key)]
                start = time.perf_counter()
                subprocess.run(cmd, check=True)
                whole.append(time.perf_counter() - start)
                digests.add(digest(out))
                out2 = Path(tmp) / f"i{jobs}-{run}"
                out2.mkdir()
                start = time.perf_counter()
                enhetsrapport_alla.write_all(resultat, pop, out2, args.format, jobs)
                render.append(time.perf_counter() - start)
                digests.add(digest(out2))
            print(f"-j {jobs}: whole process {statistics.median(whole):.2f} s, rendering alone "
                  f"{statistics.median(render):.2f} s ({1000 * statistics.median(render) / n:.0f} ms per unit)")
    print("identical bytes in every run" if len(digests) == 1 else f"DIFFERENT OUTPUTS: {len(digests)} digests")
    if len(digests) != 1:
        sys.exit(1)


if __name__ == "__main__":
    main()
