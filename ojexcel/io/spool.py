"""Private temporary files that cannot outlive the process (D169).

A piped ISU input holds identifiers and free text, so its copy (the spool `tables.open_table`
reads a pipe into) must be gone when the process is, even after kill -9 or an OOM kill:

- On Linux the spool has no name in any folder (`O_TMPFILE`, or a name removed at once) and is
  opened again through `/proc/self/fd/N`; the kernel frees it with the last descriptor.
- Elsewhere it lives in a private folder named with the process id (`ojexcel-input-<pid>-…`), and
  every run that spools first sweeps the spools of this user's processes that are gone.

XlsxWriter's temporary folders (`xlsx_writer`) are named the same way (`ojexcel-xlsx-<pid>-…`)
and swept too.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

SPOOL_PREFIXES = ("ojexcel-input-", "ojexcel-xlsx-")
OLD_SPOOL_AGE = 24 * 3600  # a spool named without a process id (older versions): swept after a day


def private_temp_name(prefix: str) -> str:
    """`prefix` + this process's id + '-': the name of a private temporary folder that
    `sweep_stale_spools` removes once the process is gone."""
    return f"{prefix}{os.getpid()}-"


class Spool:
    """A private temporary file for a pipe's bytes: `write`, `flush`, `path` (to open again, as
    many times as a reader needs), `close` (removes it). On Linux it has no name in any folder."""

    def __init__(self) -> None:
        self._folder: str | None = None
        self._fh = None
        folder = tempfile.gettempdir()
        sweep_stale_spools(folder)
        if os.path.isdir("/proc/self/fd"):
            fd = None
            if hasattr(os, "O_TMPFILE"):
                try:
                    fd = os.open(folder, os.O_TMPFILE | os.O_RDWR, 0o600)
                except OSError:  # a file system without unnamed files
                    fd = None
            if fd is None:
                fd, name = tempfile.mkstemp(prefix=private_temp_name(SPOOL_PREFIXES[0]), dir=folder)
                os.unlink(name)
            self._fh = os.fdopen(fd, "w+b")
            self.path = Path(f"/proc/self/fd/{fd}")
        else:  # pragma: no cover - not Linux
            self._folder = tempfile.mkdtemp(prefix=private_temp_name(SPOOL_PREFIXES[0]), dir=folder)
            self.path = Path(self._folder) / "input"
            self._fh = open(self.path, "w+b")

    def write(self, data: bytes) -> None:
        self._fh.write(data)

    def flush(self) -> None:
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        return False  # alive (another user's), or cannot tell: kept
    return False


def sweep_stale_spools(folder: str | None = None) -> list[str]:
    """Remove the spools and XlsxWriter folders (`SPOOL_PREFIXES`) in `folder` (the temporary
    folder) that belong to this user and to a process that is gone. Returns the names removed."""
    folder = folder or tempfile.gettempdir()
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(SPOOL_PREFIXES)]
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    for name in names:
        rest = name[next(len(p) for p in SPOOL_PREFIXES if name.startswith(p)):]
        pid_text, sep, _ = rest.partition("-")
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if uid is not None and st.st_uid != uid:
            continue
        if sep and pid_text.isascii() and pid_text.isdigit() and 0 < int(pid_text) < 2**31:
            if int(pid_text) == os.getpid() or not _process_gone(int(pid_text)):
                continue
        elif time.time() - st.st_mtime < OLD_SPOOL_AGE:
            continue
        if stat.S_ISDIR(st.st_mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                continue
        removed.append(name)
    return removed
