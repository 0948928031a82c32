"""How many numbers a unit's own ISU report shows (`ojexcel isu kommun`), per kommun, smallest first.

    .venv/bin/python bench/bench_isu_shown.py [ARENDEN] [--nyckelfil K] [--minsta-antal N] [--top 12]

Builds every kommun's report from one compilation (the demo key without --nyckelfil) and counts,
in the unit's own column only, the values shown — counts (antal, bas) and shares or means (andel,
medel) — against the 3 per row a report has room for, and the rows with at least one number and
with a withheld value, for the whole report and for its tables of all ärenden (delgrupp ''; item
6 withholds a small kommun's delgrupper). `--gamla-regler` counts the reports the old cell
suppression gave (`dev/isu_old_suppression.py`, its export read back), `--utan-brus` the truth at
N. Issue 20's figures (before and after) are in docs/performance.md. Figures, not tests.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("arenden", nargs="?", type=Path)
    ap.add_argument("--nyckelfil", type=Path)
    ap.add_argument("--minsta-antal", type=int, default=5)
    ap.add_argument("--utan-brus", action="store_true")
    ap.add_argument("--gamla-regler", action="store_true", help="the old cell suppression's reports")
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()

    from ojexcel.io.resources import isu_demo_key, isu_sample
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.isu.compilation import compile_tables
    from ojexcel.isu.kommun_report import build_kommun_report, shown_value_of
    from ojexcel.isu.kommun_report_text import value_fields
    from ojexcel.isu.reader import read_arenden
    from ojexcel.population import load_population

    pop = load_population()
    source = args.arenden or isu_sample()
    key = None if args.utan_brus else (args.nyckelfil or isu_demo_key()).read_bytes()
    t0 = time.perf_counter()
    data = read_arenden(source, load_codebook(), pop, nyckel=key)
    res = compile_tables(data, args.minsta_antal, utan_brus=args.utan_brus)
    truth = compile_tables(data, 1, utan_brus=True)
    if args.gamla_regler:
        import tempfile

        from dev.isu_old_suppression import old_export, write_export_tidy
        from ojexcel.isu.tidy import read_isu_tidy

        with tempfile.TemporaryDirectory() as d:
            write_export_tidy(old_export(data, args.minsta_antal), Path(d) / "old.csv")
            res = read_isu_tidy(Path(d) / "old.csv", minsta_antal=args.minsta_antal)
            res.utan_brus = True  # the old export shows means with their sums
    print(f"{source.name}: read and compiled in {time.perf_counter() - t0:.2f} s; "
          f"{'the old cell suppression' if args.gamla_regler else 'the truth (--utan-brus)' if args.utan_brus else 'perturbed'}, "
          f"N = {args.minsta_antal}")
    rows = []
    for kod in res.enheter("kommun"):
        r = build_kommun_report(res, pop, "kommun", kod)
        counts = shares = withheld = with_number = total = alla = alla_counts = 0
        for t in r.tabeller:
            for rad in t.rader:
                c = rad.celler[0]
                total += 1
                fields = ("antal", "bas", value_fields(rad.kategori))
                shown = [shown_value_of(c, f) for f in fields]
                counts += shown[0] + shown[1]
                shares += shown[2]
                alla += 0 if t.val.delgrupp else sum(shown)
                alla_counts += 0 if t.val.delgrupp else shown[0] + shown[1]
                with_number += any(shown)
                withheld += c is None or bool(c.maskerad)
        n = truth.rad("kommun", kod, "faser", "", "aktualiserade").antal
        rows.append((n, kod, counts, shares, with_number, withheld, total, alla, alla_counts))
    rows.sort()
    print(f"{'kommun':>7} {'ärenden':>8} {'counts':>7} {'shares':>7} {'numbers':>8} {'of all ärenden (counts)':>24} "
          f"{'rows with a number':>20} {'rows withheld':>14}")
    for n, kod, counts, shares, with_number, withheld, total, alla, alla_counts in rows[:args.top]:
        print(f"{kod:>7} {n:>8} {counts:>7} {shares:>7} {counts + shares:>8} {alla:>15} ({alla_counts:>4}) "
              f"{with_number:>9}/{total} "
              f"({100 * with_number / total:3.0f} %) {withheld:>6} ({100 * withheld / total:3.0f} %)")
    print(f"median over {len(rows)} kommuner: numbers {statistics.median(r[2] + r[3] for r in rows):.0f} "
          f"(of all ärenden {statistics.median(r[7] for r in rows):.0f}, their counts "
          f"{statistics.median(r[8] for r in rows):.0f}), "
          f"rows with a number {statistics.median(100 * r[4] / r[6] for r in rows):.0f} %, "
          f"rows withheld {statistics.median(100 * r[5] / r[6] for r in rows):.0f} %")


if __name__ == "__main__":
    main()
