"""Safe output: a run's files are written as one all-or-nothing set.

    with atomic_outputs(workbook, tidy, inputs=(responses,)) as temps:
        write_workbook(results, temps[0]); write_tidy_file(results, temps[1])

1. Before any work: every output's folder exists and is writable, its name fits the system
   (255 bytes; the path 4096), no output is one of the run's `inputs` (the same file, also
   through another path or a hard link), no two outputs are the same file.
2. An exclusive lock on each output folder (`flock` on the folder itself: no lock file is left
   behind) for the whole run: a second run writing into the same folder waits up to
   OJEXCEL_LOCK_WAIT seconds (default 30) and then fails with a clear message; runs never interleave.
3. The files are written into a private staging folder `.ojexcel-XXXX` inside each output folder
   (short names, so an output name of 255 bytes works; the same file system, so renames are atomic).
4. Commit: a journal listing every output is written into the staging folders; each existing
   output is kept as a backup (a hard link, or a rename where hard links are not supported); the
   new files are renamed into place one by one; removing the main journal is the commit point.
   A failure during the renames restores every old file (and removes outputs that did not exist
   before) before the error is reported.
5. After a kill -9 (or a power cut) during step 4, the staging folder and its journal stay behind,
   and the next run that writes into that folder finds them, under the lock, before it does
   anything else: with the main journal present it restores the old set, else (the commit point
   was passed) it completes the new set. Either way the folder then holds the old set or the new
   set, never a mix. Staging folders of runs killed before step 4 are simply removed.

A folder can be one output too (`atomic_folder`, for `ojexcel site`): the whole tree is written
into the staging folder and renamed into place as one entry of the set, replacing the old folder
as a whole (the old one moves aside until the commit point, then goes with the staging folder).

`OJEXCEL_TEST_FAULT` (tests only): `fail-rename:K` makes the K-th rename (1-based) fail with an
OSError, `kill-rename:K` kills the process with SIGKILL just before it, `kill-committed:1` just
after the commit point, `pause-rename:K` sleeps a minute before it (to send a signal then).
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..problems import OjexcelError

NAME_MAX = 255  # bytes of one file name (Linux, macOS, Windows)
PATH_MAX = 4096
STAGING_PREFIX = ".ojexcel-"
JOURNAL = "journal.json"


class OutputError(OjexcelError):
    """An output that cannot be written, or would replace an input (nothing is written)."""


def _shown(path: Path | str) -> str:
    from ..problems import printable

    return printable(str(path))


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def check_writable(path: Path, is_folder: bool = False) -> None:
    """Fail early, before any work, when an output cannot be written (`is_folder`: the output is a
    folder, which may exist as a folder)."""
    if str(path) in ("", "."):
        raise OutputError("an empty output file name")
    name = os.fsencode(path.name)
    if len(name) > NAME_MAX:
        raise OutputError(f"{_shown(path)}: the file name is {len(name)} bytes, longer than the system allows ({NAME_MAX})")
    if len(os.fsencode(os.path.abspath(path))) >= PATH_MAX:
        raise OutputError(f"{_shown(path)}: the path is longer than the system allows ({PATH_MAX} bytes)")
    folder = _folder(path)
    try:
        if not folder.is_dir():
            raise OutputError(f"{_shown(path)}: the folder {_shown(folder)} does not exist")
        if is_folder:
            if path.is_symlink() or (path.exists() and not path.is_dir()):
                raise OutputError(f"{_shown(path)}: is not a folder")
        elif path.is_dir():
            raise OutputError(f"{_shown(path)}: is a directory")
    except OSError as exc:
        raise OutputError(f"{_shown(path)}: cannot be written ({exc.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{_shown(path)}: the folder {_shown(folder)} is not writable")


def same_file(a: Path, b: Path) -> bool:
    """True when a and b name the same file: the same existing file (links, other spellings), or
    the same resolved path."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        pass
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):
        return os.path.abspath(a) == os.path.abspath(b)


def _identities(path: Path) -> list[tuple]:
    """What makes two names one file (as `same_file`): the existing file's (device, inode), and
    the resolved path (for a file not yet there)."""
    keys: list[tuple] = []
    try:
        st = os.stat(path)
        keys.append(("inode", st.st_dev, st.st_ino))
    except OSError:
        pass
    try:
        keys.append(("path", str(Path(path).resolve())))
    except (OSError, RuntimeError):
        keys.append(("path", os.path.abspath(path)))
    return keys


def refuse_inputs(outputs: Iterable[Path], inputs: Iterable[Path | None]) -> None:
    """OutputError when an output would replace one of the run's inputs or two outputs are one file.

    Each name is looked at once (its identities in a dict), so `--all`'s hundreds of outputs cost
    one stat and one resolve each, not one comparison per pair."""
    seen_inputs: dict[tuple, Path] = {}
    for given in inputs:
        if given is not None:
            for key in _identities(given):
                seen_inputs.setdefault(key, given)
    seen_outputs: dict[tuple, Path] = {}
    for o in outputs:
        keys = _identities(o)
        given = next((seen_inputs[k] for k in keys if k in seen_inputs), None)
        if given is not None:
            raise OutputError(f"{_shown(given)}: the input would be overwritten by the output {_shown(o)}")
        twice = next((seen_outputs[k] for k in keys if k in seen_outputs), None)
        if twice is not None:
            raise OutputError(f"{_shown(twice)}: named twice as an output")
        for k in keys:
            seen_outputs[k] = o


def _lock_wait() -> float:
    try:
        return float(os.environ.get("OJEXCEL_LOCK_WAIT", "30"))
    except ValueError:
        return 30.0


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder (flock on the folder itself), waiting up to OJEXCEL_LOCK_WAIT s."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not a POSIX system: no lock
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + _lock_wait()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputError(
                        f"{_shown(folder)}: another ojexcel run is writing into this folder; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def atomic_outputs(*paths: Path, inputs: Iterable[Path | None] = (), folder_outputs: bool = False,
                   under_lock: Callable[[], None] | None = None) -> Iterator[list[Path]]:
    """Yield temporary paths to write; put them all in place as one set when the block succeeds.

    `folder_outputs`: the outputs are folders (`atomic_folder`). `under_lock()` is called once the folder
    locks are held, before anything is staged: a last check that may raise OutputError."""
    paths = tuple(Path(p) for p in paths)
    for p in paths:
        check_writable(p, folder_outputs)
    refuse_inputs(paths, inputs)
    folders: dict[str, Path] = {}
    for p in paths:
        folders.setdefault(os.path.realpath(_folder(p)), _folder(p))
    with ExitStack() as stack:
        for key in sorted(folders):
            stack.enter_context(folder_lock(folders[key]))
        for folder in folders.values():
            recover(folder)
        if under_lock is not None:
            under_lock()
        staging: dict[str, Path] = {}
        try:
            for key, folder in folders.items():
                staging[key] = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
            temps = [staging[os.path.realpath(_folder(p))] / f"new-{i}" for i, p in enumerate(paths)]
            yield temps
            missing = [p for p, t in zip(paths, temps) if not t.exists()]
            if missing:
                raise OutputError(f"{_shown(missing[0])}: nothing was written for it")
            _commit(paths, temps, staging)
        finally:
            for folder in staging.values():
                shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def atomic_folder(path: Path, inputs: Iterable[Path | None] = (),
                  may_replace: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Yield an empty staging folder to fill; rename it into place as `path` when the block
    succeeds, all or nothing (the old folder, if any, is replaced as a whole).

    No input may be the folder or lie inside it. An existing `path` must be a folder (not a
    symbolic link); `may_replace(path)` is called on it under the lock and raises OutputError to
    refuse (without it, only an empty folder is replaced)."""
    path = Path(path)
    inputs = [Path(i) for i in inputs if i is not None]
    check_writable(path, is_folder=True)
    refuse_inputs_inside(path, inputs)

    def check() -> None:
        refuse_inputs_inside(path, inputs)
        if os.path.lexists(path):
            if may_replace is not None:
                may_replace(path)
            elif any(Path(path).iterdir()):
                raise OutputError(f"{_shown(path)}: the folder is not empty")

    with atomic_outputs(path, inputs=inputs, folder_outputs=True, under_lock=check) as (tmp,):
        tmp.mkdir()
        yield tmp


def refuse_inputs_inside(folder: Path, inputs: Iterable[Path]) -> None:
    """OutputError when an input is `folder` or lies inside it (replacing the folder would remove it)."""
    try:
        root = Path(folder).resolve()
    except (OSError, RuntimeError):
        root = Path(os.path.abspath(folder))
    for given in inputs:
        try:
            resolved = Path(given).resolve()
        except (OSError, RuntimeError):
            resolved = Path(os.path.abspath(given))
        if resolved == root or root in resolved.parents:
            raise OutputError(f"{_shown(given)}: the input lies in the output folder {_shown(folder)}, "
                              "which is replaced as a whole; write the output elsewhere")


def _remove(path: str) -> None:
    """Remove an output this run put in place (a file, or a folder output's tree)."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _fault(kind: str, k: int) -> None:
    fault = os.environ.get("OJEXCEL_TEST_FAULT")
    if fault and fault == f"{kind}:{k}":
        if kind == "pause-rename":
            time.sleep(60)
            return
        if kind.startswith("kill-"):
            os.kill(os.getpid(), signal.SIGKILL)
        raise OSError(errno.EIO, f"injected fault before rename {k}")


def _write_json(path: Path, doc: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _commit(paths: tuple[Path, ...], temps: list[Path], staging: dict[str, Path]) -> None:
    main_key = os.path.realpath(_folder(paths[0]))
    main = staging[main_key] / JOURNAL
    entries = []
    for i, (final, tmp) in enumerate(zip(paths, temps)):
        os.chmod(tmp, 0o755 if os.path.isdir(tmp) else 0o644)
        entries.append({
            "final": os.path.abspath(final),
            "new": os.path.abspath(tmp),
            "backup": os.path.abspath(tmp.with_name(f"old-{i}")),
            "existed": os.path.lexists(final),
        })
    doc = {"main": os.path.abspath(main), "entries": entries}
    for key, folder in staging.items():  # the main journal last: its presence means "roll back"
        if key != main_key:
            _write_json(folder / JOURNAL, doc)
    _write_json(main, doc)
    try:
        for e in entries:  # keep every old file until the whole new set is in place
            if e["existed"]:
                try:
                    os.link(e["final"], e["backup"], follow_symlinks=False)
                except OSError:
                    e["renamed"] = True  # no hard links here: the old file moves aside at its rename
        for k, e in enumerate(entries, start=1):
            _fault("kill-rename", k)
            _fault("pause-rename", k)
            _fault("fail-rename", k)
            if e.get("renamed"):
                os.rename(e["final"], e["backup"])
            os.replace(e["new"], e["final"])
        os.unlink(main)  # the commit point
        _fault("kill-committed", 1)
    except BaseException:
        _roll_back(entries)
        try:
            os.unlink(main)
        except FileNotFoundError:
            pass
        raise


def _roll_back(entries: list[dict]) -> None:
    """Put every old file back and remove new outputs that had no old file (idempotent)."""
    for e in reversed(entries):
        final, backup = e["final"], e["backup"]
        if os.path.lexists(e["new"]):
            # not renamed into place; an old file moved aside (no hard links) goes back
            if os.path.lexists(backup) and not os.path.lexists(final):
                os.replace(backup, final)
            continue
        if e["existed"]:
            if os.path.lexists(backup):
                if os.path.isdir(backup) and os.path.lexists(final):
                    _remove(final)  # a folder output: a folder cannot be replaced by rename
                os.replace(backup, final)
        elif os.path.lexists(final):
            _remove(final)


def recover(folder: Path) -> None:
    """Finish what a killed run left in `folder` (call with the folder's lock held): roll back a
    set whose main journal is still there, complete one whose commit point was passed, and
    remove every staging folder."""
    try:
        stale = [p for p in Path(folder).iterdir() if p.name.startswith(STAGING_PREFIX) and p.is_dir()]
    except OSError:
        return
    for staging in stale:
        journal = staging / JOURNAL
        if journal.is_file():
            try:
                doc = json.loads(journal.read_text(encoding="utf-8"))
                main = Path(doc["main"])
                if main.is_file():
                    _roll_back(doc["entries"])
                    main.unlink()
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not ours, or unreadable: left alone
        shutil.rmtree(staging, ignore_errors=True)
