"""Safe output: every file is written to a temporary file in its own folder and renamed into place
only when all outputs of the run are complete. A failure leaves no half file and never destroys
an existing one."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class OutputError(Exception):
    pass


def check_writable(path: Path) -> None:
    """Fail early, before any work, when an output cannot be written."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: the folder {folder} does not exist")
    if path.is_dir():
        raise OutputError(f"{path}: is a directory")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{path}: the folder {folder} is not writable")


@contextmanager
def atomic_outputs(*paths: Path) -> Iterator[list[Path]]:
    """Yield temporary paths to write; rename them all onto `paths` when the block succeeds."""
    temps: list[Path] = []
    try:
        for p in paths:
            check_writable(p)
            fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent if str(p.parent) else ".")
            os.close(fd)
            temps.append(Path(tmp))
        yield temps
        for tmp, final in zip(temps, paths):
            os.chmod(tmp, 0o644)
            os.replace(tmp, final)
        temps = []
    finally:
        for tmp in temps:
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
