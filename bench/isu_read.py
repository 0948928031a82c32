"""Time and peak memory of reading one ISU record file (`isu.arenden.read_arenden`), in this process.

    python bench/isu_read.py FILE.csv [--stream-stub]      (prints one JSON line)

Make a file with `bench/isu_arenden_gen.py N FILE.csv`. `--stream-stub` replaces `tables.open_table`
with a minimal streaming CSV reader (csv.reader over the open file, no limits, no encoding checks):
the reader's own cost while `tables.py` still loads the whole file (before the hardening work).
Peak memory is the process's max RSS (numpy and the codebook included).
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import time
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def _stream_csv(path, report, limits=None):
    from ojexcel.io.tables import Table

    fh = open(path, encoding="utf-8-sig", newline="")
    try:
        first = fh.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=delimiter))

        def rows():
            for n, cells in enumerate(csv.reader(fh, delimiter=delimiter), start=2):
                if cells:
                    yield n, cells

        yield Table(Path(path), header, rows(), False, delimiter)
    finally:
        fh.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--stream-stub", action="store_true")
    args = ap.parse_args()
    import numpy  # noqa: F401  (imported before timing, as the CLI has)

    from ojexcel.isu import reader as arenden
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.population import load_population

    kodbok, pop = load_codebook(), load_population()
    if args.stream_stub:
        arenden.open_table = _stream_csv
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0, c0 = time.perf_counter(), time.process_time()
    data = arenden.read_arenden(args.file, kodbok, pop)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "file": str(args.file), "bytes": args.file.stat().st_size, "arenden": data.n, "units": len(data.enheter),
        "warnings": len(data.warnings), "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(peak / 1024),
        "rss_before_mb": round(base / 1024), "stream_stub": args.stream_stub,
    }))


if __name__ == "__main__":
    main()
