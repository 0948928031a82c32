"""Benchmarks (not run by pytest): medians of wall-clock times on this machine.

    .venv/bin/python bench/run.py [--reps 5] [--scale 100] [--scale-reps 1]

1. full build, whole process: `ojexcel build --year 2017 --out … --tidy …` on the embedded sample
2. full build, in-process: build_results + write_workbook + tidy export (warm caches after rep 1)
3. the floor: bench/floor_xlsxwriter.py writing the same cells (read once from the workbook
   ojexcel produced, outside the timing) in a fresh process; ratio 1 / 3 (target ≤ 2)
4. `ojexcel kommun --all` and 5. `ojexcel diff` of two workbooks — when those commands exist
6. scale: bench/scale.py with 1× and N× (default 100×: 31 600 units) in fresh processes; time of
   compute + workbook + tidy, its ratio (target ≤ N), peak RSS (target ≤ 1 GB)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def ojexcel_cmd() -> list[str]:
    script = Path(PY).parent / "ojexcel"
    return [str(script)] if script.exists() else [PY, "-c", "from ojexcel.cli import main; main()"]


def timed(cmd: list[str]) -> float:
    """Wall clock of one command, which must succeed."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
    return elapsed


def median_of(reps: int, fn) -> tuple[float, list[float]]:
    times = [fn(i) for i in range(reps)]
    return statistics.median(times), times


def line(label: str, seconds: float, times: list[float] | None = None, extra: str = "") -> None:
    spread = f"  (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})" if times else ""
    print(f"{label:<48} {seconds:8.3f} s{spread}{extra}", flush=True)


def dump_cells(book: Path, out: Path) -> int:
    """Every non-empty cell of every sheet of `book` as JSON for the floor script; the cell count."""
    from openpyxl import load_workbook

    wb = load_workbook(book, read_only=True)
    sheets, n = [], 0
    for ws in wb:
        cells = []
        for r, row in enumerate(ws.iter_rows(values_only=True)):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if not isinstance(v, (str, int, float)) or isinstance(v, bool):
                    v = str(v)
                cells.append([r, c, v])
        sheets.append([ws.title, cells])
        n += len(cells)
    wb.close()
    out.write_text(json.dumps({"sheets": sheets}), encoding="utf-8")
    return n


def available(command: str) -> bool:
    proc = subprocess.run(ojexcel_cmd() + [command, "--help"], capture_output=True, text=True)
    return proc.returncode == 0


def run_scale(factor: int, tmp: Path) -> dict:
    proc = subprocess.run([PY, str(HERE / "scale.py"), str(factor), str(tmp)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"scale {factor}: {proc.stderr.strip()[-1000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--scale", type=int, default=100, help="scale factor (0 = skip the scale run)")
    ap.add_argument("--scale-reps", type=int, default=1)
    args = ap.parse_args()
    reps = args.reps
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; {reps} repetitions, medians")

    with tempfile.TemporaryDirectory(prefix="ojexcel-bench-") as tmpdir:
        tmp = Path(tmpdir)
        cli = ojexcel_cmd()

        # 1. whole process
        def whole(i):
            return timed(cli + ["build", "--year", "2017", "--out", str(tmp / "bok.xlsx"), "--tidy", str(tmp / "tidy.csv"), "-q"])

        build_s, build_t = median_of(reps, whole)
        line("full build, whole process (ojexcel build)", build_s, build_t)

        # 2. in-process
        from ojexcel.survey.compilation import build_results
        from ojexcel.survey.tidy import write_tidy_file
        from ojexcel.survey.workbook import write_workbook

        def inproc(i):
            t = time.perf_counter()
            results = build_results(None, 2017)
            write_workbook(results, tmp / "inproc.xlsx")
            write_tidy_file(results, tmp / "inproc.csv")
            return time.perf_counter() - t

        s, ts = median_of(reps, inproc)
        line("full build, in-process (warm after rep 1)", s, ts)

        # 3. the floor
        n_cells = dump_cells(tmp / "bok.xlsx", tmp / "cells.json")

        def floor(i):
            return timed([PY, str(HERE / "floor_xlsxwriter.py"), str(tmp / "cells.json"), str(tmp / "floor.xlsx")])

        floor_s, floor_t = median_of(reps, floor)
        line(f"floor: bare XlsxWriter, same {n_cells} cells", floor_s, floor_t)
        ratio = build_s / floor_s
        print(f"{'ratio whole build / floor':<48} {ratio:8.2f}    (target ≤ 2)", flush=True)

        # 4. kommun --all
        if available("kommun"):
            def kommun(i):
                out = tmp / f"kommun{i}"
                out.mkdir()
                return timed(cli + ["kommun", "--all", "--year", "2017", "--out-dir", str(out), "-q"])

            try:
                s, ts = median_of(reps, kommun)
                line("ojexcel kommun --all (whole process)", s, ts)
            except RuntimeError as exc:
                print(f"{'ojexcel kommun --all':<48} failed: {exc}")
        else:
            print(f"{'ojexcel kommun --all':<48} skipped (not available)")

        # 5. diff of two workbooks
        if available("diff"):
            shutil.copy(tmp / "bok.xlsx", tmp / "bok_a.xlsx")

            def diff(i):
                t = time.perf_counter()
                proc = subprocess.run(cli + ["diff", str(tmp / "bok_a.xlsx"), str(tmp / "inproc.xlsx")], capture_output=True, text=True)
                if proc.returncode not in (0, 1):
                    raise RuntimeError(proc.stderr.strip()[:500])
                return time.perf_counter() - t

            try:
                s, ts = median_of(reps, diff)
                line("ojexcel diff BOOK BOOK (whole process)", s, ts)
            except RuntimeError as exc:
                print(f"{'ojexcel diff':<48} failed: {exc}")
        else:
            print(f"{'ojexcel diff':<48} skipped (not available)")

        # 6. scale
        if args.scale:
            one = [run_scale(1, tmp) for _ in range(reps)]
            big = [run_scale(args.scale, tmp) for _ in range(args.scale_reps)]
            one_s = statistics.median(r["total_s"] for r in one)
            big_s = statistics.median(r["total_s"] for r in big)
            b = big[len(big) // 2]
            line("scale 1×: compute + workbook + tidy", one_s, [r["total_s"] for r in one])
            line(
                f"scale {args.scale}× ({b['units']} units): compute + workbook + tidy", big_s,
                [r["total_s"] for r in big],
                f"  [compute {b['compute_s']:.2f}, workbook {b['workbook_s']:.2f}, tidy {b['tidy_s']:.2f}; "
                f"CPU {b['cpu_s']:.2f}]",
            )
            print(f"{f'ratio {args.scale}× / 1×':<48} {big_s / one_s:8.1f}    (target ≤ {args.scale})")
            print(f"{f'peak memory {args.scale}× (max RSS)':<48} {max(r['peak_rss_mb'] for r in big):8.0f} MB  (target ≤ 1024)")


if __name__ == "__main__":
    main()
