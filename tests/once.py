"""Expensive, read-only test artefacts built once per test session — once for all pytest-xdist
workers, not once per worker.

`shared_folder(tmp_path_factory, name, build)` returns a folder in the session's common temporary
folder; the first process to take its lock calls `build(folder)`, the others wait and reuse it. A
half-built folder (a worker killed mid-build) is built again. Tests only read what is in it.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path
from typing import Callable

_DONE = ".built"
_BUILT: dict[str, Path] = {}


def session_root(tmp_path_factory) -> Path:
    """The temporary folder every worker of this test session shares."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def shared_folder(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    if name in _BUILT:
        return _BUILT[name]
    root = session_root(tmp_path_factory)
    folder = root / f"once-{name}"
    with open(root / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / _DONE).exists():
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir()
            build(folder)
            (folder / _DONE).write_text("", encoding="utf-8")
    _BUILT[name] = folder
    return folder
