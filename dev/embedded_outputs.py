"""Every output of the three embedded survey years, built into one folder, so that a change can be
checked byte for byte: `python -m dev.embedded_outputs OUT_DIR [--compare OLD_DIR] [--manifest F]`.

Builds, through the command line (in-process, click's runner), for 2016, 2017 and 2018: the
workbook and tidy export, kommun sheets (xlsx and html) for a municipality, a district, a city
and a name, `kommun --all` (xlsx and html for 2017, xlsx for the others), `kommun --history`,
the trend of the three years, Kolada (with and without --stadsdelar), `diff` between years in
every format and `dump` of a workbook and a tidy export.

- `--compare OLD_DIR`: compare every file with the one of the same name in OLD_DIR (built
  before a change); exit 1 listing each file that differs or is missing.
- `--manifest F`: write the SHA-256 of every file to F. The cover sheets' package version is fixed
  to `MANIFEST_VERSION` while building, so a version bump does not change the manifest.
  `tests/spec/embedded_outputs.sha256` holds the digests of the outputs as they were before issue
  18 (built by the code of main at 1a05bcd, the last commit before the move), less the `--all` sets (`--quick`);
  `tests/test_arsgang_embedded.py` rebuilds them and compares.
- `--quick`: leave out the `kommun --all` sets.

Used for issue 18 (a survey year as data): the embedded years moved from code to årgång folders,
and their outputs had to stay byte-identical.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from contextlib import contextmanager
from pathlib import Path

YEARS = (2016, 2017, 2018)
UNITS = ("0114", "0180-01", "0180", "1480", "Upplands Väsby", "1280-05")
MANIFEST_VERSION = "0.0.0-manifest"


@contextmanager
def fixed_version(version: str | None):
    """The cover sheets' "Framställd med ojexcel X" with a fixed X (None: leave it)."""
    if version is None:
        yield
        return
    from ojexcel.survey import workbook

    old = workbook.package_version
    workbook.package_version = lambda: version
    try:
        yield
    finally:
        workbook.package_version = old


@contextmanager
def inside(folder: Path):
    """Run with `folder` as the working folder (diff names its inputs as given)."""
    import os

    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def run_cli(args: list[str], out: Path | None = None) -> bytes:
    """`ojexcel ARGS` in this process; its stdout. Any exit but 0 (or diff's 1) stops the script."""
    from click.testing import CliRunner

    from ojexcel.cli import main

    result = CliRunner().invoke(main, args, catch_exceptions=False)
    if result.exit_code not in (0, 1) or (result.exit_code == 1 and args[0] not in ("diff",)):
        raise SystemExit(f"ojexcel {' '.join(args)}: exit {result.exit_code}\n{result.output}")
    return result.stdout_bytes


def build_all(out: Path, jobs: int = 1, version: str | None = None, every: bool = True,
              kommun_years: tuple[int, ...] = YEARS, units: tuple[str, ...] = UNITS,
              diff_formats: tuple[str, ...] = ("text", "markdown", "json"), kolada_years: tuple[int, ...] = YEARS,
              both_trends: bool = True) -> list[Path]:
    """Every output into `out` (created); returns the files written, sorted. `every=False` leaves
    out the `kommun --all` sets (the same renderers as the single sheets, 319 files each);
    `kommun_years`, `units`, `diff_formats`, `kolada_years` and `both_trends` choose fewer of the
    other outputs (a test builds a part)."""
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    with fixed_version(version):
        for year in YEARS:
            run_cli(["build", "--year", str(year), "--out", str(out / f"vinr_{year}.xlsx"),
                  "--tidy", str(out / f"tidy_{year}.csv"), "-q"])
        for year in YEARS:
            for n, unit in enumerate(UNITS):
                if year not in kommun_years or unit not in units:
                    continue
                for fmt in ("xlsx", "html"):
                    run_cli(["kommun", unit, "--year", str(year), "--out", str(out / f"kommun_{year}_{n}.{fmt}"), "-q"])
            formats = ("xlsx", "html") if year == 2017 else ("xlsx",)
            for fmt in formats if every else ():
                run_cli(["kommun", "--all", "--year", str(year), "--format", fmt, "--out-dir",
                      str(out / f"alla_{year}_{fmt}"), "-j", str(jobs), "-q"])
            if year in kolada_years:
                run_cli(["kolada", str(out / f"tidy_{year}.csv"), "--year", str(year),
                      "--out", str(out / f"kolada_{year}.csv"), "-q"])
                run_cli(["kolada", str(out / f"tidy_{year}.csv"), "--year", str(year), "--stadsdelar",
                      "--out", str(out / f"kolada_{year}_stadsdelar.csv"), "-q"])
        history = [f"{y}={out / f'tidy_{y}.csv'}" for y in YEARS]
        for n, unit in enumerate(UNITS[:4]):
            if unit not in units:
                continue
            for fmt in ("xlsx", "html"):
                run_cli(["kommun", unit, "--year", "2017", "--out", str(out / f"historik_{n}.{fmt}"),
                      "--history", history[0], "--history", history[2], "-q"])
        if every:
            run_cli(["kommun", "--all", "--year", "2018", "--format", "html", "--out-dir", str(out / "alla_historik"),
                  "--history", ",".join(history[:2]), "-j", str(jobs), "-q"])
        run_cli(["trend", *history, "--out", str(out / "trend.xlsx"), "-q"])
        if both_trends:
            run_cli(["trend", history[0], history[2], "--out", str(out / "trend_2016_2018.xlsx"), "-q"])
        with inside(out):  # diff names its inputs: relative names keep the bytes independent of OUT_DIR
            for fmt in diff_formats:
                Path(f"diff_2016_2017.{fmt}").write_bytes(
                    run_cli(["diff", "tidy_2016.csv", "tidy_2017.csv", "--format", fmt, "--counts"]))
                Path(f"diff_book_2017_2018.{fmt}").write_bytes(
                    run_cli(["diff", "vinr_2017.xlsx", "vinr_2018.xlsx", "--format", fmt]))
            Path("dump_vinr_2017.txt").write_bytes(run_cli(["dump", "vinr_2017.xlsx"]))
            Path("dump_tidy_2018.txt").write_bytes(run_cli(["dump", "tidy_2018.csv"]))
    return sorted(p for p in out.rglob("*") if p.is_file())


def digests(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def compare(new: Path, old: Path) -> list[str]:
    """The files that differ between two output folders (missing on either side included)."""
    a, b = digests(old), digests(new)
    return [f"{name}: {'missing now' if name not in b else 'new' if name not in a else 'differs'}"
            for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]


def write_manifest(out: Path, path: Path) -> None:
    lines = [f"{digest}  {name}" for name, digest in digests(out).items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--compare", type=Path, help="an output folder built before the change")
    parser.add_argument("--manifest", type=Path, help="write the SHA-256 manifest here")
    parser.add_argument("-j", "--jobs", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="leave out the kommun --all sets")
    args = parser.parse_args(argv)
    files = build_all(args.out, args.jobs, MANIFEST_VERSION if args.manifest else None, every=not args.quick)
    print(f"{args.out}: {len(files)} files")
    if args.manifest:
        write_manifest(args.out, args.manifest)
        print(f"{args.manifest}: written")
    if args.compare:
        differences = compare(args.out, args.compare)
        for line in differences:
            print(line)
        print(f"{len(differences)} difference(s) against {args.compare}")
        return 1 if differences else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
