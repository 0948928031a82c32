"""The site of the embedded 2017 sample, built once per test session by the command itself.

`built_site(tmp_path_factory, tidy_files)` runs `ojexcel site OUT --year 2017 --history
2016=… --history 2018=… --isu ISU.csv -j 2` (the ISU export is `isu_tidy_fixture`'s: four units,
masked values, independent of the compile engine) and returns (OUT, ISU file). The test modules
share it, and so do pytest-xdist's workers: the first to get the lock builds it in the session's
common temporary folder, the others wait and read it. Tests only read it.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from click.testing import CliRunner

from ojexcel.cli import main

from .isu_tidy_fixture import write_tidy

_BUILT: dict[str, tuple[Path, Path]] = {}


def run_site(*args: str):
    return CliRunner().invoke(main, ["site", *map(str, args)], catch_exceptions=False)


def built_site(tmp_path_factory, tidy_files) -> tuple[Path, Path]:
    if "site" not in _BUILT:
        root = tmp_path_factory.getbasetemp()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            root = root.parent  # the folder all workers of this session share
        base = root / "site-fixture"
        out, isu = base / "webbplats", base / "isu_tidy.csv"
        with open(root / "site-fixture.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (base / "built").exists():
                base.mkdir(exist_ok=True)
                write_tidy(isu, 5)
                result = run_site(out, "--year", "2017", "--history", f"2016={tidy_files[2016]}",
                                  "--history", f"2018={tidy_files[2018]}", "--isu", isu, "-j", "2", "-q")
                assert result.exit_code == 0, result.output
                (base / "built").write_text("", encoding="utf-8")
        _BUILT["site"] = (out, isu)
    return _BUILT["site"]
