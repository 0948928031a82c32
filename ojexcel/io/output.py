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
   Recovery acts only on what it can prove is its own (D167): a staging folder and journal owned
   by this user, names rebuilt inside the locked folder and that staging folder (never a path the
   journal spells out), and each output still the very file (device, inode, size, mtime) the run
   put there.
   A set spanning folders is recovered folder by folder; the main journal's folder marks the
   others' staging folders when it rolls the set back. Anything else is left alone, with a warning.
6. Permissions: a replaced file keeps its mode; a new file gets what the umask allows (D168).

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
import stat
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
def output_folder(path: Path) -> Iterator[Path]:
    """An `--out-dir`: created when missing (the folder itself, never the folders above it, as for
    `--out`); when the block fails, removed again if this run created it and it is still empty, so
    a failed run leaves no folder it made (D176)."""
    path = Path(path)
    try:
        path.mkdir()
        created = True
    except FileExistsError:
        created = False
    try:
        yield path
    except BaseException:
        if created:
            try:
                os.rmdir(path)  # only an empty folder: anything someone put there since stays
            except OSError:
                pass
        raise


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


def _identity(path: str) -> list[int] | None:
    """What tells one file from another over a crash: (device, inode, size, mtime) of the name
    itself (a symlink is not followed; the size and mtime because a freed inode is soon reused);
    None when it does not exist."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISDIR(st.st_mode):  # a folder output: moving it changes its '..', so its mtime
        return [st.st_dev, st.st_ino, 0, 0]
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def _umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux), else by
    setting and restoring it."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(final: str, umask: int, folder: bool = False) -> int:
    """A replaced file keeps its permissions; a new one gets what the umask allows (as any file
    the user creates): ISU outputs describe victims of violence, so `umask 077` must hold. A
    folder output (`atomic_folder`) likewise, with its search bits."""
    try:
        return stat.S_IMODE(os.stat(final).st_mode) & 0o777
    except OSError:
        return (0o777 if folder else 0o666) & ~umask


def _commit(paths: tuple[Path, ...], temps: list[Path], staging: dict[str, Path]) -> None:
    main_key = os.path.realpath(_folder(paths[0]))
    main = staging[main_key] / JOURNAL
    entries = []
    umask = _umask()
    for i, (final, tmp) in enumerate(zip(paths, temps)):
        os.chmod(tmp, _mode_for(os.fspath(final), umask, os.path.isdir(tmp)))
        entries.append({
            "final": os.path.abspath(final),
            "new": os.path.abspath(tmp),
            "backup": os.path.abspath(tmp.with_name(f"old-{i}")),
            "existed": os.path.lexists(final),
            # what recovery checks before it touches a name: the file it wrote, the file it kept
            "new_id": _identity(os.fspath(tmp)),
            "old_id": _identity(os.fspath(final)),
        })
    doc = {"version": JOURNAL_VERSION, "main": os.path.abspath(main), "entries": entries}
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


def _roll_back(entries: list[dict], notes: list[str] | None = None) -> None:
    """Put every old file back and remove new outputs that had no old file (idempotent). A name is
    touched only when it is still the file this set wrote or kept (`_identity`, as journalled):
    a file someone put there since is left alone (noted in `notes`)."""
    for e in reversed(entries):
        final, backup, new = e["final"], e["backup"], e["new"]
        new_id, old_id = e.get("new_id"), e.get("old_id")
        if os.path.lexists(new):
            # not renamed into place; an old file moved aside (no hard links) goes back
            if not os.path.lexists(final) and old_id is not None and _identity(backup) == old_id:
                os.replace(backup, final)
            continue
        now = _identity(final)
        if now is not None and now != new_id and now != old_id:
            if notes is not None:
                notes.append(f"{_shown(final)}: changed since the interrupted run; left as it is")
            continue
        if e["existed"]:
            if old_id is not None and _identity(backup) == old_id and now != old_id:
                if now is not None and os.path.isdir(backup):
                    _remove(final)  # a folder output: a folder cannot be replaced by rename
                os.replace(backup, final)
        elif now is not None and now == new_id:
            _remove(final)


# -- recovery ----------------------------------------------------------------------------------------
# A journal found in an output folder may have been planted there: recovery acts only on names it
# can prove are its own (D167). Every name it touches is built from the locked output folder or the
# staging folder being recovered plus one name component (`new-K`, `old-K`, an output's name): never
# a path the journal spells out. The staging folder and its journal must be a real folder and a
# regular file owned by this user; each output to undo must still be the very file the run renamed
# there (`_identity` in the journal). Anything else is left alone with a warning.

JOURNAL_VERSION = 2
MAX_JOURNAL_BYTES = 16 * 2**20  # a journal of --all's 319 files is ~100 KB


def warn(text: str) -> None:
    """A warning of the output layer (recovery), escaped, on stderr."""
    import sys

    from ..problems import short_line

    print(short_line(f"ojexcel: warning: {text}"), file=sys.stderr)


class _NotOurs(Exception):
    """Recovery cannot prove a staging folder or journal is this program's: left alone."""


def _owned(st: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


def _one_name(text: object) -> str:
    """The last component of a journalled path: one plain name, never '', '.' or '..'."""
    if not isinstance(text, str) or "\x00" in text:
        raise _NotOurs("a name that is not text")
    name = os.path.basename(text)
    if name in ("", ".", "..") or name != os.path.basename(os.path.normpath(text)):
        raise _NotOurs(f"the name {text[:200]!r}")
    return name


def _same_folder(path: str, folder: str) -> bool:
    """True when `path`'s folder is `folder` (both resolved: no symlink leads elsewhere)."""
    return os.path.realpath(os.path.dirname(path)) == folder


def _read_journal(staging: Path) -> dict | None:
    """The journal of a staging folder proven ours, None when it has none; _NotOurs otherwise."""
    st = os.lstat(staging)
    if not stat.S_ISDIR(st.st_mode) or not _owned(st):
        raise _NotOurs("not a folder owned by this user" if stat.S_ISDIR(st.st_mode) else "not a folder")
    journal = staging / JOURNAL
    try:
        jst = os.lstat(journal)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(jst.st_mode) or not _owned(jst):
        raise _NotOurs("its journal is not a file owned by this user")
    if jst.st_size > MAX_JOURNAL_BYTES:
        raise _NotOurs(f"its journal is {jst.st_size:,} bytes")
    fd = os.open(journal, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(MAX_JOURNAL_BYTES + 1)
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _NotOurs("its journal is not one ojexcel writes") from None
    if (not isinstance(doc, dict) or doc.get("version") != JOURNAL_VERSION or not isinstance(doc.get("main"), str)
            or not isinstance(doc.get("entries"), list)):
        raise _NotOurs("its journal is not one this version of ojexcel writes")
    doc["_bytes"] = data
    return doc


def _plan(doc: dict, staging: Path, folder: str) -> tuple[list[dict], list[dict], bool]:
    """(this folder's entries with the names rebuilt inside it and its staging folder, the other
    folders' entries, is the main journal this staging folder's?)."""
    here = os.path.realpath(staging)
    mine, others = [], []
    for i, e in enumerate(doc["entries"]):
        if not isinstance(e, dict) or not isinstance(e.get("existed"), bool):
            raise _NotOurs("an entry that is not one ojexcel writes")
        for key in ("new_id", "old_id"):
            v = e.get(key)
            if v is not None and not (isinstance(v, list) and len(v) == 4 and all(type(x) is int for x in v)):
                raise _NotOurs("an entry that is not one ojexcel writes")
        final, new, backup = e.get("final"), e.get("new"), e.get("backup")
        name = _one_name(final)
        if (_one_name(new), _one_name(backup)) != (f"new-{i}", f"old-{i}"):
            raise _NotOurs(f"the temporary names {new[:200]!r}, {backup[:200]!r}")
        if _same_folder(final, folder) and _same_folder(new, here):
            mine.append(dict(e, final=os.path.join(folder, name), new=os.path.join(here, f"new-{i}"),
                             backup=os.path.join(here, f"old-{i}")))
        elif (_one_name(os.path.dirname(new)).startswith(STAGING_PREFIX)
              and _same_folder(os.path.dirname(new), os.path.realpath(os.path.dirname(final)))):
            others.append(e)  # an output of the same set in another folder: that folder's own recovery
        else:
            raise _NotOurs(f"it names {final[:200]!r} outside the folder")
    main = doc["main"]
    if _one_name(main) != JOURNAL or not _one_name(os.path.dirname(main)).startswith(STAGING_PREFIX):
        raise _NotOurs(f"its main journal {main[:200]!r}")
    return mine, others, os.path.realpath(os.path.dirname(main)) == here


def _mark_rolled_back(others: list[dict], data: bytes, notes: list[str]) -> None:
    """Tell the other folders' staging folders of the set that it was rolled back (the main journal
    is about to go): only a staging folder proven ours — a real folder owned by this user holding
    this very journal — gets the mark."""
    for staging in sorted({os.path.dirname(e["new"]) for e in others}):
        try:
            st = os.lstat(staging)
            if not stat.S_ISDIR(st.st_mode) or not _owned(st):
                continue
            fd = os.open(os.path.join(staging, JOURNAL), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as fh:
                if fh.read(len(data) + 1) != data:
                    continue
            fd = os.open(os.path.join(staging, ROLLED_BACK), os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
            os.close(fd)
        except OSError:
            continue  # gone already (its folder recovered first), or not reachable: nothing to mark


ROLLED_BACK = "rolled-back"  # in a staging folder: the main journal's folder rolled the set back


def recover(folder: Path) -> list[str]:
    """Finish what a killed run left in `folder` (call with the folder's lock held): roll back a
    set whose main journal is still there, complete one whose commit point was passed, and
    remove every staging folder proven ours. Returns (and prints) the warnings about what was
    left alone."""
    notes: list[str] = []
    try:
        real = os.path.realpath(folder)
        stale = sorted(p for p in Path(folder).iterdir() if p.name.startswith(STAGING_PREFIX))
    except OSError:
        return notes
    for staging in stale:
        try:
            doc = _read_journal(staging)
            if doc is None:  # a run killed before its commit: only its temporary files
                shutil.rmtree(staging, ignore_errors=True)
                continue
            mine, others, main_here = _plan(doc, staging, real)
            main = os.path.join(os.path.realpath(staging), JOURNAL) if main_here else doc["main"]
            rolled_back = os.path.isfile(main) or os.path.lexists(staging / ROLLED_BACK)
            if rolled_back:
                _roll_back(mine, notes)
                if main_here and others:
                    _mark_rolled_back(others, doc["_bytes"], notes)
            shutil.rmtree(staging, ignore_errors=True)
        except _NotOurs as exc:
            notes.append(f"{_shown(staging)}: left alone: ojexcel cannot prove it is its own ({exc})")
        except OSError as exc:
            notes.append(f"{_shown(staging)}: left alone: {exc.strerror or exc}")
    for note in notes:
        warn(note)
    return notes
