"""A piped input's spool never outlives its process (D169): it has no name in $TMPDIR while the run
reads it, nothing is left after kill -9, and stale spools of processes that are gone are swept."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ojexcel.io.resources import isu_demo_key
from ojexcel.io.spool import OLD_SPOOL_AGE, Spool, sweep_stale_spools
from ojexcel.io.tables import SURVEY_LIMITS, open_table
from ojexcel.problems import Report

ROOT = Path(__file__).resolve().parents[1]
ISU_SAMPLE = ROOT / "samples" / "isu_arenden.csv"

# Feeds a FIFO half of a file, then waits (the reader is then blocked with its spool open).
FEEDER = """
import sys, time
data = open(sys.argv[2], 'rb').read()
with open(sys.argv[1], 'wb') as fifo:
    fifo.write(data[: len(data) // 2])
    fifo.flush()
    time.sleep(60)
"""


def open_files(pid: int) -> list[str]:
    folder = Path(f"/proc/{pid}/fd")
    out = []
    for fd in folder.iterdir():
        try:
            out.append(os.readlink(fd))
        except OSError:
            pass
    return out


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="Linux: the spool has no name")
def test_a_spool_has_no_name_and_is_gone_after_kill_9(tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    fifo = tmp_path / "arenden.csv"
    os.mkfifo(fifo)
    feeder = subprocess.Popen([sys.executable, "-c", FEEDER, str(fifo), str(ISU_SAMPLE)])
    run = subprocess.Popen(
        [sys.executable, "-c", "from ojexcel.cli import main; main()", "isu", "build", str(fifo),
         "--out", str(tmp_path / "isu.xlsx"), "--nyckelfil", str(isu_demo_key())],
        env=dict(os.environ, TMPDIR=str(tmpdir)), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not any(str(tmpdir) in f for f in open_files(run.pid)):  # the spool is open, half written
            assert run.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        held = [f for f in open_files(run.pid) if str(tmpdir) in f]
        assert held and all(f.endswith("(deleted)") for f in held), held
        assert list(tmpdir.iterdir()) == []  # identifiers and free text under no name
        run.send_signal(signal.SIGKILL)
        run.wait(30)
    finally:
        feeder.kill()
        feeder.wait()
        if run.poll() is None:
            run.kill()
    assert run.returncode == -signal.SIGKILL
    assert list(tmpdir.iterdir()) == [] and not (tmp_path / "isu.xlsx").exists()


def test_a_spool_is_read_again_and_removed_at_close(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    spool = Spool()
    spool.write(b"a,b\n1,2\n")
    spool.flush()
    assert spool.path.read_bytes() == b"a,b\n1,2\n" and spool.path.read_bytes() == b"a,b\n1,2\n"
    spool.close()
    assert list(tmp_path.iterdir()) == []


def test_stale_spools_of_processes_that_are_gone_are_swept(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    alive = os.getpid()
    names = {
        f"ojexcel-input-{gone.pid}-abc": True,  # swept
        f"ojexcel-xlsx-{gone.pid}-def": True,
        f"ojexcel-input-{alive}-ghi": False,  # this process: kept
        f"ojexcel-input-{os.getppid()}-jkl": False,  # a live process: kept
        "ojexcel-input-old1": False,  # older versions' names: kept for a day …
        "ojexcel-input-old2": True,  # … then swept
        "other-folder": False,
    }
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / "input").write_text("enhetskod,arende_id\n0114,AR-1\n")
    old = time.time() - OLD_SPOOL_AGE - 60
    os.utime(tmp_path / "ojexcel-input-old2", (old, old))
    removed = sweep_stale_spools(str(tmp_path))
    assert sorted(removed) == sorted(n for n, swept in names.items() if swept)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n, swept in names.items() if not swept)


def test_a_piped_read_leaves_nothing_in_tmpdir(tmp_path, monkeypatch):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen([sys.executable, "-c", f"open({str(fifo)!r}, 'w').write('a,b\\n1,2\\n')"])
    try:
        with open_table(fifo, Report(file=str(fifo)), SURVEY_LIMITS) as table:
            assert list(table.rows()) == [(2, ["1", "2"])]
            assert list(tmpdir.iterdir()) == [] or not Path("/proc/self/fd").is_dir()
    finally:
        writer.wait(10)
    assert list(tmpdir.iterdir()) == []
