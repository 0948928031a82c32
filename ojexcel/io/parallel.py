"""Write a set of files in parallel, as one all-or-nothing output set (`--all` of `kommun` commands).

`write_files(paths, render, jobs, progress)` opens `output.atomic_outputs(*paths)` and calls
`render(i, tmp)` for every file — in forked worker processes when `jobs` > 1 and the system can
fork, else in this process. `render` and whatever it reads (computed results, compiled templates)
are set before the workers are forked, so they inherit them without pickling. Every file depends
only on its own index, so the bytes do not depend on the number of workers or the order they
finish in. Nothing is renamed into place unless every file was written: an error in a worker is
raised here, inside `atomic_outputs`, which then discards the set.
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
                with multiprocessing.get_context("fork").Pool(min(jobs, len(chunks)), worker_signals) as pool:
                    for done in pool.imap_unordered(_render, chunks):
                        if progress:
                            progress(done)
            else:
                for chunk in chunks:
                    done = _render(chunk)
                    if progress:
                        progress(done)
        finally:
            _RENDER = None


def worker_signals() -> None:
    """A worker dies at SIGTERM/SIGHUP (the pool stops it so); the parent cleans up."""
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
