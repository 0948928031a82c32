"""Benchmark `ojexcel isu build` at national scale: 100 000 and 1 000 000 ärenden.

    .venv/bin/python bench/bench_isu.py [--sample samples/isu_arenden.csv] [--sizes 100000 1000000]
                                        [--keep DIR] [--compile-only]

Whole process (default): derives N synthetic ärenden from the sample file — row i copies sample
row i mod len(sample) with a new unique arende_id and klient_id and the registration code
number i mod 319 of every kommun (290, the three cities' own codes included) and district (29),
so the output has national breadth — writes them as CSV to a temporary folder, runs
`ojexcel isu build FILE --out … --tidy …` as a subprocess and prints its wall time and peak
memory (the child's own rusage), then the ratio 1M/100k (linearity). Writing the input is not
timed. Without the sample file (not yet generated) a seed file of 3 070 random valid ärenden is
used (`dev.isu_random`, decoded to labels).

`--compile-only`: the compilation and the tidy export in a child process, on random `Arenden`
built directly with numpy (no file, no reader, no workbook): `compile_tables` (perturbed, and
under --utan-brus), the record keys' HMAC alone, `write_isu_tidy` and the gate's audit, and the
child's peak memory. The whole process builds with a key (`--nyckelfil`) unless `--utan-brus`.

Targets (2-core machine, whole process): 100 000 ≤ 15 s; 1 000 000 ≤ 90 s and ≤ 4 GB.
Timings, not tests: the test suite never times anything.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # dev/ (the random ärenden) is not installed
TARGETS = {100_000: (15.0, None), 1_000_000: (90.0, 4096.0)}
IDENTITETER = ("arende_id", "klient_id", "handlaggare")


def seed_rows(n: int = 3070, seed: int = 11) -> tuple[list[str], list[list[str]]]:
    """Random valid ärenden as a labelled CSV table (header, rows): the fallback seed."""
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.isu.model import NO_DATE, day_date
    from dev.isu_random import alla_enheter, slumpa_arenden
    from ojexcel.population import load_population

    kodbok = load_codebook()
    a = slumpa_arenden(n, alla_enheter(load_population()), seed=seed, kodbok=kodbok)
    header = ["arende_id", "enhetskod"] + [v.kolumn for v in kodbok.variabler]
    rows = []
    for i in range(n):
        row = []
        for col in header:
            if col == "arende_id":
                row.append(f"SEED-{i:05d}")
            elif col == "enhetskod":
                row.append(a.enheter[a.enhet[i]])
            else:
                v = kodbok[col]
                if v.typ == "enval":
                    k = int(a.enval[col][i])
                    row.append(v.svar[k - 1] if k else "")
                elif v.typ == "flerval":
                    bits = int(a.flerval[col][i])
                    row.append("|".join(s for j, s in enumerate(v.svar) if bits >> j & 1))
                elif v.typ == "datum":
                    d = int(a.datum[col][i])
                    row.append("" if d == int(NO_DATE) else day_date(d).isoformat())
                elif v.typ == "heltal":
                    row.append(str(int(a.alder[i])) if a.alder[i] else "")
                else:
                    row.append(f"fritext {i}" if col != "klient_id" else f"K{i}")
        rows.append(row)
    return header, rows


def read_sample(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, [r for r in reader if any(c.strip() for c in r)]


def all_codes() -> list[str]:
    from dev.isu_random import alla_enheter
    from ojexcel.population import load_population

    codes = list(alla_enheter(load_population()))
    assert len(codes) == 319, len(codes)
    return codes


def write_derived(header: list[str], rows: list[list[str]], n: int, path: Path) -> None:
    """N ärenden from the sample rows: new ids, every registration code in turn."""
    codes = all_codes()
    col = {h.strip().lower(): i for i, h in enumerate(header)}
    i_id, i_enh = col["arende_id"], col["enhetskod"]
    i_kl = col.get("klient_id")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        m = len(rows)
        for i in range(n):
            row = list(rows[i % m])
            row[i_id] = f"B{i:07d}"
            row[i_enh] = codes[i % len(codes)]
            if i_kl is not None:
                row[i_kl] = f"BK{i:07d}"
            w.writerow(row)


def run_child(cmd: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB of this child alone, exit status)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode:
        print(err[-2000:], file=sys.stderr)
    return wall, usage.ru_maxrss / 1024, p.returncode


def whole_process(args) -> None:
    if args.sample.is_file():
        header, rows = read_sample(args.sample)
        source = str(args.sample)
    else:
        header, rows = seed_rows()
        source = "generated seed (sample file absent)"
    print(f"source: {source}, {len(rows)} rows")
    exe = Path(sys.executable).with_name("ojexcel")
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_isu_"))
    folder.mkdir(parents=True, exist_ok=True)
    walls = {}
    for n in args.sizes:
        path = folder / f"arenden_{n}.csv"
        t0 = time.perf_counter()
        write_derived(header, rows, n, path)
        print(f"{n:>9} ärenden: input written in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
        out, tidy = folder / f"isu_{n}.xlsx", folder / f"isu_{n}_ej_for_publicering.csv"
        key = folder / "bench.key"
        key.write_bytes(b"bench/bench_isu.py: a benchmark key")
        brus = ["--utan-brus"] if args.utan_brus else ["--nyckelfil", str(key)]
        wall, rss, rc = run_child([str(exe), "isu", "build", str(path), "--out", str(out), "--tidy", str(tidy), "-q"]
                                  + brus)
        if rc:
            print(f"{n:>9} ärenden: ojexcel isu build failed (exit {rc})")
            continue
        walls[n] = wall
        target, mem = TARGETS.get(n, (None, None))
        verdict = "" if target is None else (" OK" if wall <= target and (mem is None or rss <= mem) else " OVER TARGET")
        print(f"{n:>9} ärenden: {wall:6.1f} s, peak {rss:6.0f} MB, tidy {tidy.stat().st_size / 1e6:.0f} MB{verdict}")
        if not args.keep:
            for p in (path, out, tidy):
                p.unlink(missing_ok=True)
    _ratio(walls)


def compile_one(n: int) -> None:
    """In this (child) process: random Arenden, then sammanstall + write_isu_tidy, timed."""
    from dev.isu_random import alla_enheter, slumpa_arenden
    from ojexcel.isu.compilation import compile_tables
    from ojexcel.isu.tidy import write_isu_tidy
    from ojexcel.population import load_population

    pop = load_population()
    a = slumpa_arenden(n, alla_enheter(pop), seed=3)
    from ojexcel.isu.cellkey import record_keys
    from ojexcel.isu.gate import check

    t_keys = time.perf_counter()
    record_keys((f"B{i:07d}" for i in range(n)), b"bench key")  # the reader's HMAC per ärende
    t_keys = time.perf_counter() - t_keys
    truth = compile_tables(a, minsta_antal=5, population=pop, utan_brus=True)
    t0, c0 = time.perf_counter(), time.process_time()
    res = compile_tables(a, minsta_antal=5, population=pop)
    t1, c1 = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as d:
        write_isu_tidy(res, Path(d) / "t.csv")
        size = (Path(d) / "t.csv").stat().st_size
    t2, c2 = time.perf_counter(), time.process_time()
    gate = check(res)
    t3 = time.perf_counter()
    t_truth = time.perf_counter()
    compile_tables(a, minsta_antal=5, population=pop, utan_brus=True)
    t_truth = time.perf_counter() - t_truth
    rows = int(res.written.sum())
    print(json.dumps({"n": n, "sammanstall_s": round(t1 - t0, 2), "sammanstall_cpu_s": round(c1 - c0, 2),
                      "utan_brus_s": round(t_truth, 2), "record_keys_s": round(t_keys, 2),
                      "tidy_s": round(t2 - t1, 2), "tidy_cpu_s": round(c2 - c1, 2), "tidy_rows": rows,
                      "truth_rows": int(truth.written.sum()), "gate_s": round(t3 - t2, 2), "pinned": gate.pinned,
                      "tidy_mb": round(size / 1e6), "units": len(res.enhetslista)}))


def compile_only(args) -> None:
    walls = {}
    for n in args.sizes:
        t0 = time.perf_counter()
        p = subprocess.Popen([sys.executable, __file__, "--compile-one", str(n)], stdout=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        out = json.loads(p.stdout.read().decode())
        walls[n] = out["sammanstall_s"] + out["tidy_s"]
        print(f"{n:>9} ärenden: compile_tables {out['sammanstall_s']:.1f} s (cpu {out['sammanstall_cpu_s']:.1f}; "
              f"--utan-brus {out['utan_brus_s']:.1f} s), record keys {out['record_keys_s']:.1f} s, "
              f"write_isu_tidy {out['tidy_s']:.1f} s (cpu {out['tidy_cpu_s']:.1f}), gate {out['gate_s']:.1f} s "
              f"({out['pinned']} pinned), {out['tidy_rows']} tidy rows ({out['truth_rows']} under --utan-brus; "
              f"{out['tidy_mb']} MB), {out['units']} units; child peak {usage.ru_maxrss / 1024:.0f} MB "
              f"(incl. generating the ärenden); child total {time.perf_counter() - t0:.1f} s")
    _ratio(walls)


def _ratio(walls: dict[int, float]) -> None:
    if 100_000 in walls and 1_000_000 in walls:
        print(f"ratio 1M/100k: {walls[1_000_000] / walls[100_000]:.1f} (linear: ≤ 10)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", type=Path, default=ROOT / "samples" / "isu_arenden.csv")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--keep", help="write inputs and outputs here and keep them")
    ap.add_argument("--compile-only", action="store_true", help="time the compilation and tidy export in-process")
    ap.add_argument("--utan-brus", action="store_true",
                    help="build the truth (no record keys, no cell keys, no gate): the cost of §2 by difference")
    ap.add_argument("--compile-one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.compile_one:
        compile_one(args.compile_one)
    elif args.compile_only:
        compile_only(args)
    else:
        whole_process(args)


if __name__ == "__main__":
    main()
