"""Outputs are one all-or-nothing set (output.atomic_outputs): a failing rename, a kill -9 at any
rename, a concurrent run, a signal — the folder holds the old set or the new set, never a mix —
and no command writes over one of its inputs."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.io.output import atomic_outputs, folder_lock, recover

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "svar_2017.csv"

# A child process writing a set of three files in two folders with atomic_outputs.
WRITER = """
import sys
from pathlib import Path
from ojexcel.io.output import atomic_outputs
paths = [Path(p) for p in sys.argv[1:]]
with atomic_outputs(*paths) as temps:
    for t, p in zip(temps, paths):
        t.write_text("new " + p.name)
"""


def make_set(tmp_path: Path) -> list[Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(exist_ok=True)
    b.mkdir(exist_ok=True)
    paths = [a / "bok.xlsx", b / "tidy.csv", a / "ny.csv"]  # ny.csv does not exist before
    paths[0].write_text("old bok.xlsx")
    paths[1].write_text("old tidy.csv")
    return paths


def state(paths: list[Path]) -> list[str | None]:
    return [p.read_text() if p.exists() else None for p in paths]


OLD = ["old bok.xlsx", "old tidy.csv", None]
NEW = ["new bok.xlsx", "new tidy.csv", "new ny.csv"]


def leftovers(paths: list[Path]) -> list[str]:
    folders = {p.parent for p in paths}
    return sorted(q.name for f in folders for q in f.iterdir() if q.name.startswith(".ojexcel"))


def write(paths: list[Path], fault: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, OJEXCEL_TEST_FAULT=fault or "")
    return subprocess.run([sys.executable, "-c", WRITER, *map(str, paths)], env=env, capture_output=True, text=True)


def test_the_set_is_written(tmp_path):
    paths = make_set(tmp_path)
    assert write(paths).returncode == 0
    assert state(paths) == NEW and leftovers(paths) == []


@pytest.mark.parametrize("k", [1, 2, 3])
def test_a_failing_rename_restores_the_old_set(tmp_path, k):
    paths = make_set(tmp_path)
    result = write(paths, f"fail-rename:{k}")
    assert result.returncode == 1 and f"injected fault before rename {k}" in result.stderr
    assert state(paths) == OLD and leftovers(paths) == []


@pytest.mark.parametrize("k", [1, 2, 3])
def test_a_kill_at_any_rename_leaves_the_old_set_after_recovery(tmp_path, k):
    paths = make_set(tmp_path)
    result = write(paths, f"kill-rename:{k}")
    assert result.returncode == -signal.SIGKILL
    assert leftovers(paths)  # the journal and the backups are still there
    for folder in {p.parent for p in paths}:  # what the next run does first, under the lock
        with folder_lock(folder):
            recover(folder)
    assert state(paths) == OLD and leftovers(paths) == []


def test_a_kill_after_the_commit_point_leaves_the_new_set(tmp_path):
    paths = make_set(tmp_path)
    assert write(paths, "kill-committed:1").returncode == -signal.SIGKILL
    for folder in {p.parent for p in paths}:
        with folder_lock(folder):
            recover(folder)
    assert state(paths) == NEW and leftovers(paths) == []


def test_the_next_run_recovers_then_writes(tmp_path):
    paths = make_set(tmp_path)
    write(paths, "kill-rename:2")
    assert state(paths) != OLD  # a mix on disk until recovery …
    assert write(paths).returncode == 0  # … which the next run does before writing
    assert state(paths) == NEW and leftovers(paths) == []


def test_a_second_run_waits_then_fails_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("OJEXCEL_LOCK_WAIT", "0.2")
    out = tmp_path / "bok.xlsx"
    with folder_lock(tmp_path):
        result = CliRunner().invoke(main, ["build", "--year", "2017", "--out", str(out)])
    assert result.exit_code == 1
    assert "another ojexcel run is writing into this folder" in result.output and not out.exists()


def test_a_block_that_fails_writes_nothing(tmp_path):
    target = tmp_path / "x.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_outputs(target, tmp_path / "y.csv") as temps:
            temps[0].write_text("new")
            raise RuntimeError("boom")
    assert target.read_text() == "old" and not (tmp_path / "y.csv").exists() and leftovers([target]) == []


# -- inputs are never outputs ------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_build_refuses_to_overwrite_the_embedded_sample():
    before = SAMPLE.read_bytes()
    result = run("build", "--year", 2017, "--out", "/tmp/ojexcel-never.xlsx", "--tidy", SAMPLE)
    assert result.exit_code == 1 and "the input would be overwritten" in result.output
    assert SAMPLE.read_bytes() == before


def test_build_refuses_an_output_that_is_a_hard_link_to_the_input(tmp_path):
    responses = tmp_path / "svar.csv"
    shutil.copy(SAMPLE, responses)
    os.link(responses, tmp_path / "link.csv")
    result = run("build", responses, "--year", 2017, "--out", tmp_path / "bok.xlsx", "--tidy", tmp_path / "link.csv")
    assert result.exit_code == 1 and "the input would be overwritten" in result.output
    assert responses.read_bytes() == SAMPLE.read_bytes()


def test_kommun_all_refuses_a_folder_holding_its_input_under_a_units_name(tmp_path):
    responses = tmp_path / "0114.html"  # read as CSV (by its content), and --all would write 0114.html
    shutil.copy(SAMPLE, responses)
    result = run("kommun", "--all", responses, "--year", 2017, "--out-dir", tmp_path, "--format", "html", "-q")
    assert result.exit_code == 1 and "the input would be overwritten" in result.output
    assert responses.read_bytes() == SAMPLE.read_bytes() and sorted(p.name for p in tmp_path.iterdir()) == ["0114.html"]


def test_kommun_all_refuses_a_history_file_under_a_units_name(tmp_path):
    tidy = tmp_path / "0115.xlsx"
    tidy.write_text("niva,kod,indikator,varde,ja,delvis,nej,ej_aktuellt,bortfall,enheter\n")
    result = run("kommun", "--all", "--year", 2017, "--out-dir", tmp_path, "--history", f"2016={tidy}", "-q")
    assert result.exit_code == 1 and "the input would be overwritten" in result.output


def test_an_empty_out_dir_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("kommun", "--all", "--year", 2017, "--out-dir", "")
    assert result.exit_code == 2 and "an empty folder name" in result.output
    assert list(tmp_path.iterdir()) == []


def test_long_output_names(tmp_path):
    name = "b" * 250 + ".csv"  # 254 bytes: the temporary name must still fit
    result = run("build", "--year", 2017, "--out", tmp_path / "bok.xlsx", "--tidy", tmp_path / name, "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).is_file()
    result = run("build", "--year", 2017, "--out", tmp_path / ("c" * 256 + ".xlsx"), "-q")
    assert result.exit_code == 1 and "longer than the system allows (255)" in result.output
    deep = tmp_path / "/".join(["d" * 200] * 25) / "bok.xlsx"
    result = run("build", "--year", 2017, "--out", deep, "-q")
    assert result.exit_code == 1 and "longer than the system allows" in result.output


# -- faults while writing ------------------------------------------------------------------------

def _cli(*args, env=None, preexec=None, **kw):
    return subprocess.Popen([sys.executable, "-c", "from ojexcel.cli import main; main()", *map(str, args)], env=env, preexec_fn=preexec,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_between_renames_restores_the_old_set(tmp_path, signum):
    (tmp_path / "bok.xlsx").write_bytes(b"the old workbook")
    proc = _cli("build", "--year", 2017, "--out", tmp_path / "bok.xlsx", "--tidy", tmp_path / "tidy.csv",
                env=dict(os.environ, OJEXCEL_TEST_FAULT="pause-rename:2"))
    deadline = time.monotonic() + 60
    while not (tmp_path / "bok.xlsx").read_bytes().startswith(b"PK"):  # the first file is in place
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    assert f"stopped by {signal.Signals(signum).name}; nothing was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bok.xlsx"]
    assert (tmp_path / "bok.xlsx").read_bytes() == b"the old workbook"


@pytest.mark.slow
def test_a_file_size_limit_fails_cleanly_and_leaves_no_temporary_files(tmp_path):
    import resource

    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    (tmp_path / "bok.xlsx").write_bytes(b"the old workbook")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    proc = _cli("build", "--year", 2017, "--out", tmp_path / "bok.xlsx", env=dict(os.environ, TMPDIR=str(tmpdir)),
                preexec=limit)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "could not write the output" in err and "Traceback" not in err
    assert (tmp_path / "bok.xlsx").read_bytes() == b"the old workbook"
    assert list(tmpdir.iterdir()) == [] and leftovers([tmp_path / "bok.xlsx"]) == []


# -- names the system or the terminal cannot take as they are ---------------------------------------

@pytest.mark.slow
def test_a_file_name_that_is_not_utf8(tmp_path):
    folder = os.fsencode(tmp_path)
    bad = os.path.join(folder, b"svar\xff\x1b[31m.csv")
    shutil.copy(SAMPLE, bad)
    out = os.path.join(folder, b"bok\xfe.xlsx")
    proc = subprocess.run([sys.executable, "-c", "from ojexcel.cli import main; main()", "build", bad, "--year", "2017",
                           "--out", out], capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert os.path.isfile(out) and b"\x1b" not in proc.stderr and b"bok\\xfe.xlsx" in proc.stderr
    broken = os.path.join(folder, b"tr\xe4sig\nfil.csv")
    with open(broken, "wb") as fh:
        fh.write(b"enhetskod\n9999\n")
    proc = subprocess.run([sys.executable, "-c", "from ojexcel.cli import main; main()", "build", broken, "--year", "2017",
                           "--out", out], capture_output=True)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    assert b"tr\\xe4sig\\nfil.csv" in proc.stderr  # one line, the undecodable byte shown as \xe4


def test_an_input_path_longer_than_the_system_allows(tmp_path):
    result = run("build", "/" + "x" * 300 + ".csv", "--year", 2017, "--out", tmp_path / "bok.xlsx")
    assert result.exit_code == 1 and "the file name or path is too long for the system" in result.output
    result = run("diff", "/" + "x" * 300 + ".csv", SAMPLE)
    assert result.exit_code == 2 and "too long" in result.output


@pytest.mark.parametrize("k", [1, 2, 3])
def test_without_hard_links_old_files_move_aside_and_come_back(tmp_path, monkeypatch, k):
    """A file system without hard links (FAT, some network shares): each old file is renamed aside
    just before its replacement, and put back when a later rename fails."""
    paths = make_set(tmp_path)

    def no_links(*args, **kwargs):
        raise OSError("hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setenv("OJEXCEL_TEST_FAULT", f"fail-rename:{k}")
    with pytest.raises(OSError, match="injected fault"):
        with atomic_outputs(*paths) as temps:
            for t, p in zip(temps, paths):
                t.write_text("new " + p.name)
    assert state(paths) == OLD and leftovers(paths) == []
    monkeypatch.setenv("OJEXCEL_TEST_FAULT", "")
    with atomic_outputs(*paths) as temps:
        for t, p in zip(temps, paths):
            t.write_text("new " + p.name)
    assert state(paths) == NEW and leftovers(paths) == []


@pytest.mark.slow
def test_kommun_all_killed_at_a_rename_keeps_the_old_319_files(tmp_path):
    """The whole command, forked workers and all: killed at the 100th of 319 renames, the folder
    holds the old set once the next run has repaired it; that run then writes the new set."""
    from ojexcel.survey.kommun_report import all_enheter
    from ojexcel.survey.kommun_report_all import file_name
    from ojexcel.population import load_population

    names = [file_name(e, "xlsx") for e in all_enheter(load_population(2017))]
    for name in names:
        (tmp_path / name).write_text(f"old {name}")
    (tmp_path / "mine.txt").write_text("not ojexcel's")
    proc = _cli("kommun", "--all", "--year", 2017, "--out-dir", tmp_path, "-q",
                env=dict(os.environ, OJEXCEL_TEST_FAULT="kill-rename:100"))
    proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL
    assert sum((tmp_path / n).read_bytes().startswith(b"PK") for n in names) == 99  # a mix, until …
    with folder_lock(tmp_path):
        recover(tmp_path)  # … what the next run does first
    assert all((tmp_path / n).read_text() == f"old {n}" for n in names)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names + ["mine.txt"])
    result = run("kommun", "--all", "--year", 2017, "--out-dir", tmp_path, "-q")
    assert result.exit_code == 0, result.output
    assert all((tmp_path / n).read_bytes().startswith(b"PK") for n in names)
    assert (tmp_path / "mine.txt").read_text() == "not ojexcel's"


# -- --all -j 2: workers die with their parent, a full disk is one clean line (D175, D176) ------------

def _children(pid: int) -> list[int]:
    out = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat_file.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_workers_die_with_a_killed_parent_and_print_nothing(tmp_path):
    proc = _cli("kommun", "--all", "--year", 2017, "--out-dir", tmp_path / "alla", "--format", "html", "-j", 2, "-q")
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        workers = _children(proc.pid)
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    deadline = time.monotonic() + 5
    while any(map(_alive, workers)):
        assert time.monotonic() < deadline, "a worker outlived its parent"
        time.sleep(0.01)
    err = proc.stderr.read()
    assert "Traceback" not in err and "Error" not in err, err
    files = sorted(p.name for p in (tmp_path / "alla").iterdir())
    assert all(name.startswith(".ojexcel-") for name in files)  # nothing in place; the next run cleans up


@pytest.mark.slow
@pytest.mark.parametrize("command", [["kommun", "--all", "--year", "2017"], ["isu", "kommun", "--all", "SMALL"]])
def test_a_full_disk_in_a_worker_is_one_line_and_the_new_folder_goes(tmp_path, command):
    """A worker's XlsxWriter zip, left open by the failure, prints no "Exception ignored" traceback.
    (ISU: two units' ärenden, so the gate's audit is quick.)"""
    import resource

    from .isu_small import KEY, sample_rows, write_records

    if "SMALL" in command:
        records = write_records(tmp_path / "arenden.csv", sample_rows())
        command = [*command[:-1], records, "--nyckelfil", KEY]

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (8000, 8000))

    out = tmp_path / "alla"
    proc = _cli(*command, "--out-dir", out, "-j", 2, "-q", preexec=limit)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err == "ojexcel: could not write the output: [Errno 27] File too large\n"
    assert not out.exists()  # the folder this run made, removed again
    existing = tmp_path / "kept"
    existing.mkdir()
    proc = _cli(*command, "--out-dir", existing, "-j", 2, "-q", preexec=limit)
    proc.communicate(timeout=120)
    assert proc.returncode == 1 and existing.is_dir() and list(existing.iterdir()) == []  # not ours: kept
