"""What reading a survey year as data costs: `python bench/bench_arsgang.py [VENV_BIN]`.

CPU seconds (user + system, the least of 5 runs, each a fresh process — wall-clock time on the
shared machine varies too much) of:
- loading the embedded 2017 årgång (`load_arsgang(2017)`: every file read and checked, the rules
  run over every answer combination), and `ojexcel arsgang check` of a folder copy of it;
- the survey commands that read a year: `build`, `kommun` (one html sheet), `trend` (three years),
  `kolada`, and `ojexcel --version` (the interpreter and click, the floor).

Give another installation's `bin/` (e.g. a checkout of the commit before issue 18 in its own
virtual environment) to measure the same commands there; docs/performance.md has both.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

RUNS = 5


CWD = tempfile.gettempdir()  # not a source tree: `python -c` must import the installation measured


def cpu(argv: list[str], runs: int = RUNS) -> float:
    best = float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, check=True, capture_output=True, cwd=CWD)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return round(best, 3)


def main(bin_dir: Path) -> dict:
    python, ojexcel = str(bin_dir / "python"), str(bin_dir / "ojexcel")
    tmp = Path(tempfile.mkdtemp(prefix="bench-arsgang-"))
    out: dict[str, float] = {}
    try:
        for year in (2016, 2017, 2018):
            subprocess.run([ojexcel, "build", "--year", str(year), "--out", str(tmp / f"{year}.xlsx"),
                            "--tidy", str(tmp / f"{year}.csv"), "-q"], check=True)
        has_arsgang = subprocess.run([python, "-c", "import ojexcel.survey.arsgang"], capture_output=True, cwd=CWD).returncode == 0
        if has_arsgang:
            out["import ojexcel.survey.arsgang"] = cpu([python, "-c", "import ojexcel.survey.arsgang"])
            out["load_arsgang(2017), import included"] = cpu(
                [python, "-c", "from ojexcel.survey.arsgang import load_arsgang; load_arsgang(2017)"])
            folder = tmp / "kopia"
            code = "from ojexcel.survey.arsgang import embedded_folder; print(embedded_folder(2017))"
            shutil.copytree(subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, cwd=CWD).stdout.strip(),
                            folder)
            out["ojexcel arsgang check (a folder copy of 2017)"] = cpu([ojexcel, "arsgang", "check", str(folder)])
        out["ojexcel build --year 2017 (workbook + tidy)"] = cpu(
            [ojexcel, "build", "--year", "2017", "--out", str(tmp / "a.xlsx"), "--tidy", str(tmp / "a.csv"), "-q"])
        out["ojexcel kommun 0114 --year 2017 (html)"] = cpu([ojexcel, "kommun", "0114", "--year", "2017", "--out", str(tmp / "k.html"), "-q"])
        out["ojexcel trend 2016–2018"] = cpu([ojexcel, "trend", *(f"{y}={tmp / f'{y}.csv'}" for y in (2016, 2017, 2018)),
                                              "--out", str(tmp / "t.xlsx"), "-q"])
        out["ojexcel kolada --year 2017"] = cpu([ojexcel, "kolada", str(tmp / "2017.csv"), "--year", "2017",
                                                "--out", str(tmp / "k.csv"), "-q"])
        out["ojexcel --version"] = cpu([ojexcel, "--version"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


if __name__ == "__main__":
    where = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(sys.executable).parent
    print(json.dumps(main(where), indent=1, ensure_ascii=False))
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
