"""Write a set of files in parallel, as one all-or-nothing output set (`--all` of `kommun` commands).

`write_files(paths, render, jobs, progress)` opens `output.atomic_outputs(*paths)` and calls
`render(i, tmp)` for every file — in forked worker processes when `jobs` > 1 and the system can
fork, else in this process. `render` and whatever it reads (computed results, compiled templates)
are set before the workers are forked, so they inherit them without pickling. Every file depends
only on its own index, so the bytes do not depend on the number of workers or the order they
finish in. Nothing is renamed into place unless every file was written: an error in a worker is
raised here, inside `atomic_outputs`, which then discards the set.

Workers die with their parent (D175): on Linux the kernel kills them when it does
(`prctl(PR_SET_PDEATHSIG, SIGKILL)`), elsewhere each watches a pipe only the parent holds open. So
after a kill -9 of the parent no worker writes on, and none prints a traceback on a broken pipe.
"""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Callable, Sequence

from .output import atomic_outputs

CHUNK = 8  # files per task handed to a worker
FORMATS = ("xlsx", "html")  # the formats of a unit's own report, in both products


def file_name(kod: str, fmt: str) -> str:
    """A unit's file in an `--all` folder: its code and format (`0114.xlsx`, `0180-01.html`)."""
    return f"{kod}.{fmt}"


def by_format(fmt: str, writers: dict[str, Callable[[], Callable]]) -> Callable:
    """The writer of `fmt`: `writers` maps each format to a loader, so a format's modules are
    imported only when it is written."""
    if fmt not in FORMATS or fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return writers[fmt]()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# The render function of the running `write_files`, set before the workers are forked.
_RENDER: Callable[[int, Path], None] | None = None


def _render(tasks: list[tuple[int, str]]) -> int:
    for i, tmp in tasks:
        _RENDER(i, Path(tmp))  # type: ignore[misc]
    return len(tasks)


def _die_with_parent(parent: int, watch_fd: int | None) -> None:
    """Make this worker end when the parent `parent` does (see the module docstring)."""
    import sys

    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                watch_fd = None  # the kernel watches
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the watch was set
        os._exit(1)
    if watch_fd is not None:
        import threading

        def watch() -> None:
            try:
                os.read(watch_fd, 1)  # EOF: the parent, the only writer, is gone
            finally:
                os._exit(1)

        threading.Thread(target=watch, daemon=True).start()


def write_files(
    paths: Sequence[Path],
    render: Callable[[int, Path], None],
    jobs: int = 0,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write `paths[i]` by `render(i, tmp)`, all or nothing. `jobs`: worker processes (0: one per
    available core). `progress(n)` is called as files are done."""
    global _RENDER
    jobs = jobs or default_jobs()
    fork = "fork" in multiprocessing.get_all_start_methods()
    with atomic_outputs(*paths) as temps:
        tasks = [(i, str(tmp)) for i, tmp in enumerate(temps)]
        chunks = [tasks[n : n + CHUNK] for n in range(0, len(tasks), CHUNK)]
        _RENDER = render
        try:
            if jobs > 1 and fork and len(chunks) > 1:
                watch_fd, keep_fd = os.pipe()
                try:
                    args = (os.getpid(), watch_fd, keep_fd)
                    with multiprocessing.get_context("fork").Pool(min(jobs, len(chunks)), worker_signals, args) as pool:
                        for done in pool.imap_unordered(_render, chunks):
                            if progress:
                                progress(done)
                finally:
                    os.close(watch_fd)
                    os.close(keep_fd)
            else:
                for chunk in chunks:
                    done = _render(chunk)
                    if progress:
                        progress(done)
        finally:
            _RENDER = None


def worker_signals(parent: int | None = None, watch_fd: int | None = None, keep_fd: int | None = None) -> None:
    """A pool's initializer: a worker dies at SIGTERM/SIGHUP (the pool stops it so) and with its
    parent (D175); the parent cleans up. `write_files` passes its pid and a pipe (the write end is
    closed here, so only the parent holds it); without them (`ojexcel site`) the kernel's watch
    alone, on Linux."""
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "SIGPIPE"):  # a write to a dead parent ends the worker quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if keep_fd is not None:
        os.close(keep_fd)
    _die_with_parent(os.getppid() if parent is None else parent, watch_fd)
