"""`python -m tests.isu_oracle RECORDS.csv (--nyckelfil K | --utan-brus) [--minsta-antal N] [--period FRÅN:TILL] [--compare T.csv] > tidy.csv`

Writes the oracle's tidy export (CONTRACT §6) of a valid record CSV to stdout, perturbed with the
key file's bytes (§2) or the truth; the warnings and a summary to stderr; exit 1 (one line on
stderr) when the file is not valid under §1.
"""
from __future__ import annotations

import argparse
import sys

from .oracle import OracleInputError, Stats, apply_period, compile_unmasked, parse_period, read_records, tidy_text


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.isu_oracle", description=__doc__.splitlines()[0])
    p.add_argument("records", help="a record CSV (CONTRACT §1)")
    p.add_argument("--minsta-antal", type=int, default=5, help="item 4's N (default 5; 1 shows every row)")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--nyckelfil", metavar="K", help="the key file (§2 item 1)")
    g.add_argument("--utan-brus", action="store_true", help="the truth, without noise")
    p.add_argument("--period", default=None, metavar="FRÅN:TILL", help="ISO dates, inclusive")
    p.add_argument("--stats", action="store_true", help="print how often each publication rule fired (stderr)")
    p.add_argument("--compare", metavar="TIDY.csv", default=None,
                   help="instead of printing, compare with this tidy export (e.g. production's); exit 1 on a difference")
    args = p.parse_args(argv)
    if args.minsta_antal < 1:
        p.error("--minsta-antal must be at least 1")
    try:
        las = apply_period(read_records(args.records), parse_period(args.period))
    except (OracleInputError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stats = Stats()
    key = None if args.utan_brus else open(args.nyckelfil, "rb").read()
    text = tidy_text(compile_unmasked(las, key=key), args.minsta_antal, key is not None, stats)
    for w in las.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(f"{len(las.arenden)} ärenden; {las.utanfor_period} outside the period; "
          f"{text.count(chr(10)) - 1} rows", file=sys.stderr)
    if args.stats:
        for k, v in sorted(stats.c.items()):
            print(f"  {k}: {v}", file=sys.stderr)
    if args.compare:
        from .compare import describe_difference

        with open(args.compare, encoding="utf-8", newline="") as f:
            report = describe_difference(text, f.read())
        print(report or "identical", file=sys.stderr)
        return 1 if report else 0
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
