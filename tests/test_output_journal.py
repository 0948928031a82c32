"""Recovery acts only on what it can prove is its own (D167), and outputs keep private modes (D168).

A journal planted in an output folder (`.ojexcel-*/journal.json`) names files outside the folder,
`..`, symlinks that lead elsewhere, another main journal: the next run leaves every file outside
the folder untouched, byte for byte and mtime, and says so in a warning."""
from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.io.output import JOURNAL_VERSION, atomic_outputs, folder_lock, recover

WRITER = """
import sys
from pathlib import Path
from ojexcel.io.output import atomic_outputs
paths = [Path(p) for p in sys.argv[1:]]
with atomic_outputs(*paths) as temps:
    for t, p in zip(temps, paths):
        t.write_text("new " + p.name)
"""


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every name under `folder` with its bytes (or link target) and mtime, symlinks not followed."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = Path(root) / name
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                out[str(p)] = ("link", os.readlink(p), st.st_mtime_ns)
            elif stat.S_ISREG(st.st_mode):
                out[str(p)] = ("file", p.read_bytes(), st.st_mtime_ns, stat.S_IMODE(st.st_mode))
            else:
                out[str(p)] = ("dir",)
    return out


@pytest.fixture
def world(tmp_path):
    """An output folder `out` and, beside it, a folder `elsewhere` whose files must never change."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (elsewhere / "victim.txt").write_text("the victim's own file")
    (elsewhere / "planted.txt").write_text("the planter's content")
    (elsewhere / ".ojexcel-other").mkdir()
    (elsewhere / ".ojexcel-other" / "journal.json").write_text("{}")
    (out / "mine.txt").write_text("a file of the output folder")
    return out, elsewhere


def plant(out: Path, entries: list[dict], main: str | None = None, name: str = ".ojexcel-planted",
          version: int = JOURNAL_VERSION) -> Path:
    staging = out / name
    staging.mkdir()
    journal = staging / "journal.json"
    doc = {"version": version, "main": main or str(journal), "entries": entries}
    journal.write_text(json.dumps(doc))
    return staging


class Ran:
    def __init__(self, exit_code: int, output: str):
        self.exit_code, self.output = exit_code, output


def run_build(out: Path, capsys=None):
    """The next run writing into `out`: a whole command, or (with capsys) just its output set."""
    if capsys is None:
        return CliRunner().invoke(main, ["build", "--year", "2017", "--out", str(out / "bok.xlsx"), "-q"])
    with atomic_outputs(out / "bok.xlsx") as (tmp,):
        tmp.write_text("new")
    return Ran(0, capsys.readouterr().err)


def entry(final, new, backup, existed, new_id=None, old_id=None) -> dict:
    return {"final": str(final), "new": str(new), "backup": str(backup), "existed": existed,
            "new_id": new_id, "old_id": old_id}


def identity(path: Path) -> list[int] | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:  # (collecting the parameters)
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def attacks(out: Path, elsewhere: Path) -> dict[str, tuple[list[dict], str | None]]:
    victim, planted = elsewhere / "victim.txt", elsewhere / "planted.txt"
    staging = out / ".ojexcel-planted"
    return {
        # the first review's finding: absolute paths elsewhere, deleted or replaced by the planter's file
        "absolute, delete": ([entry(victim, elsewhere / "new-0", elsewhere / "old-0", False, identity(victim))], None),
        "absolute, replace": ([entry(victim, staging / "new-0", planted, True, None, identity(planted))], None),
        "temporary names elsewhere": ([entry(out / "bok.xlsx", planted, victim, True, None, identity(victim))], None),
        "dot-dot": ([entry(out / ".." / "elsewhere" / "victim.txt", staging / "new-0", staging / "old-0", False,
                           identity(victim))], None),
        "dot-dot name": ([entry(out / "..", staging / "new-0", staging / "old-0", False)], None),
        "symlinked folder": ([entry(out / "link" / "victim.txt", staging / "new-0", staging / "old-0", False,
                                    identity(victim))], None),
        "symlinked output": ([entry(out / "to-victim.txt", staging / "new-0", staging / "old-0", False,
                                    identity(victim))], None),
        "main journal elsewhere": ([], str(elsewhere / ".ojexcel-other" / "journal.json")),
        "main journal any file": ([], str(victim)),
        "another staging elsewhere": ([entry(victim, elsewhere / ".ojexcel-other" / "new-0",
                                             elsewhere / ".ojexcel-other" / "old-0", False, identity(victim))], None),
    }


@pytest.mark.parametrize("attack", list(attacks(Path("o"), Path("e"))))
def test_a_planted_journal_touches_nothing_outside_the_folder(world, attack, capsys):
    out, elsewhere = world
    (out / "link").symlink_to(elsewhere, target_is_directory=True)
    (out / "to-victim.txt").symlink_to(elsewhere / "victim.txt")
    entries, main_journal = attacks(out, elsewhere)[attack]
    plant(out, entries, main_journal)
    before = snapshot(elsewhere)
    result = run_build(out, None if attack == "absolute, delete" else capsys)
    assert result.exit_code == 0, result.output
    assert snapshot(elsewhere) == before
    assert (out / "mine.txt").read_text() == "a file of the output folder"
    assert os.readlink(out / "to-victim.txt") == str(elsewhere / "victim.txt")
    if attack == "symlinked output":  # the link is in the folder, but not the file the run wrote
        assert "to-victim.txt: changed since the interrupted run; left as it is" in result.output
    elif attack not in ("main journal elsewhere", "another staging elsewhere"):
        assert "cannot prove it is its own" in result.output  # left alone, with a warning
        assert (out / ".ojexcel-planted").is_dir()


def test_a_staging_folder_that_is_a_symlink_is_left_alone(world, capsys):
    out, elsewhere = world
    target = elsewhere / "dir"
    target.mkdir()
    (target / "journal.json").write_text(json.dumps({
        "version": JOURNAL_VERSION, "main": str(target / "journal.json"),
        "entries": [entry(elsewhere / "victim.txt", target / "new-0", target / "old-0", False,
                          identity(elsewhere / "victim.txt"))]}))
    (target / "precious").write_text("not ojexcel's")
    (out / ".ojexcel-evil").symlink_to(target, target_is_directory=True)
    before = snapshot(elsewhere)
    result = run_build(out, capsys)
    assert result.exit_code == 0, result.output
    assert snapshot(elsewhere) == before
    assert ".ojexcel-evil: left alone" in result.output


def test_a_journal_of_another_format_is_left_alone(world, capsys):
    out, elsewhere = world
    victim = elsewhere / "victim.txt"
    plant(out, [entry(out / "x.csv", out / ".ojexcel-planted" / "new-0", out / ".ojexcel-planted" / "old-0", False)],
          version=1)
    (out / "x.csv").write_text("kept")
    before = snapshot(elsewhere)
    result = run_build(out, capsys)
    assert result.exit_code == 0 and "left alone" in result.output
    assert (out / "x.csv").read_text() == "kept" and snapshot(elsewhere) == before and victim.exists()


def test_an_output_changed_since_the_kill_is_left_as_it_is(tmp_path):
    """Recovery undoes a rename only while the file is still the one the run put there."""
    paths = [tmp_path / "a.csv", tmp_path / "b.csv"]
    paths[0].write_text("old a")
    env = dict(os.environ, OJEXCEL_TEST_FAULT="kill-rename:2")
    proc = subprocess.run([sys.executable, "-c", WRITER, *map(str, paths)], env=env, capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert paths[0].read_text() == "new a.csv"
    paths[0].unlink()
    paths[0].write_text("someone's own file, written since")  # another inode
    with folder_lock(tmp_path):
        notes = recover(tmp_path)
    assert paths[0].read_text() == "someone's own file, written since"
    assert any("changed since the interrupted run" in n for n in notes)
    assert not any(p.name.startswith(".ojexcel") for p in tmp_path.iterdir())


@pytest.mark.parametrize("order", ["main first", "main last"])
def test_a_set_over_two_folders_is_rolled_back_in_either_order(tmp_path, order):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    paths = [a / "bok.xlsx", b / "tidy.csv", b / "ny.csv"]
    paths[0].write_text("old bok")
    paths[1].write_text("old tidy")
    env = dict(os.environ, OJEXCEL_TEST_FAULT="kill-rename:3")
    proc = subprocess.run([sys.executable, "-c", WRITER, *map(str, paths)], env=env, capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    for folder in ([a, b] if order == "main first" else [b, a]):
        with folder_lock(folder):
            assert recover(folder) == []
    assert [p.read_text() if p.exists() else None for p in paths] == ["old bok", "old tidy", None]
    assert not [q for f in (a, b) for q in f.iterdir() if q.name.startswith(".ojexcel")]


# -- modes (D168) ---------------------------------------------------------------------------------

def _build(out: Path, umask: int, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from ojexcel.cli import main; main()", "build", "--year", "2017",
         "--out", str(out / "bok.xlsx"), "--tidy", str(out / "tidy.csv"), "-q", *extra],
        preexec_fn=lambda: os.umask(umask), capture_output=True, text=True)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("umask, want", [(0o077, 0o600), (0o027, 0o640), (0o022, 0o644)])
def test_new_outputs_follow_the_umask(tmp_path, umask, want):
    old = os.umask(umask)
    try:
        with atomic_outputs(tmp_path / "a.csv", tmp_path / "b.xlsx") as temps:
            for t in temps:
                t.write_text("new")
    finally:
        os.umask(old)
    assert (mode(tmp_path / "a.csv"), mode(tmp_path / "b.xlsx")) == (want, want)


@pytest.mark.slow
def test_build_under_umask_077_new_files_private_a_replaced_one_keeps_its_mode(tmp_path):
    (tmp_path / "tidy.csv").write_text("old")
    os.chmod(tmp_path / "tidy.csv", 0o640)
    result = _build(tmp_path, 0o077)
    assert result.returncode == 0, result.stderr
    assert (mode(tmp_path / "bok.xlsx"), mode(tmp_path / "tidy.csv")) == (0o600, 0o640)
    assert (tmp_path / "tidy.csv").read_text().startswith("ar,niva")


@pytest.mark.slow
def test_isu_kommun_all_under_umask_077_writes_private_files(tmp_path):
    from .isu_small import KEY, sample_rows, write_records

    records = write_records(tmp_path / "arenden.csv", sample_rows())  # two units: a quick gate
    out = tmp_path / "rapporter"
    proc = subprocess.run(
        [sys.executable, "-c", "from ojexcel.cli import main; main()", "isu", "kommun", "--all", str(records),
         "--nyckelfil", str(KEY), "--out-dir", str(out), "--format", "html", "-j", "2", "-q"],
        preexec_fn=lambda: os.umask(0o077), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    files = list(out.iterdir())
    assert files and {mode(f) for f in files} == {0o600}


def test_atomic_outputs_in_process_keep_modes(tmp_path):
    target = tmp_path / "x.csv"
    target.write_text("old")
    os.chmod(target, 0o604)
    with atomic_outputs(target) as (tmp,):
        tmp.write_text("new")
    assert mode(target) == 0o604 and target.read_text() == "new"
