"""Benchmark the outsider's audit (`ojexcel.isu.audit`): the sample and a national-scale export.

    .venv/bin/python bench/bench_isu_audit.py [--sizes 100000] [--cases sample-old sample-perturbed
                                              national-old national-perturbed]

Each case runs in a child process, which builds its export (not timed) and then times `audit`; it
reports the audit's time (building the system, propagation), the child's peak RSS before the audit
and at its end (`resource.getrusage`, the child's own), and what the audit found.

- `sample-old`: the embedded sample as the build wrote it before issue 20 (the old suppression
  rules, N = 5: `dev/isu_old_suppression.py`), audited with `suppression_prior` — the exposure;
- `sample-perturbed`: the sample as `ojexcel isu build` publishes it now (§2's cell key method,
  the demo key), audited with `perturbed_prior` — what the build's gate runs;
- `national-*`: N random ärenden (`isu.slump`) over all 290 kommuner and 29 districts (341 output
  units: the national breadth of the export, ≈ 2.7 million tidy rows), old and perturbed.

Targets: the audit runs in every build — ≤ 3 s on the sample (the issue's ceiling: 30 s).
Timings, not tests.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # dev/ is not installed


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _national(n: int):
    from dev.isu_random import alla_enheter, slumpa_arenden
    from ojexcel.population import load_population

    a = slumpa_arenden(n, alla_enheter(load_population()), seed=1)
    # CONTRACT §1 (the reader): a blank samverkan_forekommit with partners reads as Ja (slump skips it)
    f = a.enval["samverkan_forekommit"]
    f[(f == 0) & (a.flerval["samverkan"] != 0)] = 1
    return a


def _sample():
    from ojexcel.cli.isu import sample_path
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.isu.reader import read_arenden
    from ojexcel.population import load_population

    from ojexcel.io.resources import isu_demo_key

    return read_arenden(sample_path(), load_codebook(), load_population(), nyckel=isu_demo_key().read_bytes())


def child(case: str, n: int) -> dict:
    from dev.isu_old_suppression import old_export
    from ojexcel.isu.audit import (
        audit,
        export_from_tabeller,
        perturbed_prior,
        suppression_prior,
    )
    from ojexcel.isu.compilation import compile_tables

    data = _sample() if case.startswith("sample") else _national(n)  # record keys: the demo key's, random
    if case.endswith("old"):
        export, prior = old_export(data, 5), suppression_prior(5)
    else:
        export, prior = export_from_tabeller(compile_tables(data, minsta_antal=5)), perturbed_prior(5)
    rss_before = _rss_mb()
    t0 = time.perf_counter()
    res = audit(export, prior)
    seconds = time.perf_counter() - t0
    out = {"case": case, "aerenden": int(data.n), "units": len(export.units), "audit_s": round(seconds, 2),
           "build_s": round(res.seconds["build"], 2), "propagate_s": round(res.seconds["propagate"], 2),
           "rows": res.seconds["rows"], "entries": res.seconds["entries"], "unknowns": res.seconds["unknowns"],
           "rss_before_mb": round(rss_before), "rss_peak_mb": round(_rss_mb()), "summary": res.summary()}
    if case.endswith("old"):
        out["hidden"] = res.hidden_summary()
    else:  # the outsider who also uses the perturbation table (stronger than item 7's prior)
        out["ptable_pinned"] = audit(export, perturbed_prior(5, ptable=True)).summary()["pinned_1_to_N-1"]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    ap.add_argument("--cases", nargs="+",
                    default=["sample-old", "sample-perturbed", "national-old", "national-perturbed"])
    ap.add_argument("--child", nargs=2, metavar=("CASE", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return 0
    for case in args.cases:
        for n in (args.sizes if case.startswith("national") else [0]):
            t0 = time.perf_counter()
            p = subprocess.run([sys.executable, __file__, "--child", case, str(n)], capture_output=True, text=True,
                               cwd=ROOT, check=False)
            if p.returncode:
                print(p.stderr, file=sys.stderr)
                return 1
            r = json.loads(p.stdout.strip().splitlines()[-1])
            s = r["summary"]
            line = (f"{case:20s} {r['aerenden']:>8} ärenden {r['units']:>4} units: audit {r['audit_s']:6.2f} s "
                    f"(system {r['build_s']:.2f} s, propagation {r['propagate_s']:.2f} s, {s['rounds']} rounds; "
                    f"{r['entries']:,} entries, {r['unknowns']:,} unknowns), peak RSS {r['rss_peak_mb']} MB "
                    f"(before the audit {r['rss_before_mb']} MB); pinned 1..N−1: {s['pinned_1_to_N-1']}, "
                    f"infeasible {s['infeasible']}, truth outside {s.get('truth_outside_interval')}")
            if "hidden" in r:
                h = r["hidden"]
                n_h = max(h["counts_hidden_1_to_N-1"], 1)
                line += (f"; hidden counts true 1..4: {h['counts_hidden_1_to_N-1']:,}, pinned {h['counts_pinned']:,} "
                         f"({100 * h['counts_pinned'] / n_h:.1f} %), < 5 {100 * h['counts_upper_below_N'] / n_h:.1f} %"
                         f" (sets of ärenden: {h['classes_pinned']:,} of {h['classes_hidden_1_to_N-1']:,})")
            if "ptable_pinned" in r:
                line += f"; with the perturbation table's preimages: {r['ptable_pinned']} pinned"
            print(line + f"  [child {time.perf_counter() - t0:.1f} s]", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
