"""The local runner: ``--workers N`` sites at a time on this machine, each in its own unit.

A thread per worker starts the site's child process and waits for it; everything else
(installing results, rows, progress) happens in the calling thread, which receives events
in the order sites finish. On an interrupt the running units are stopped (SIGTERM, so each
writes its partial result, then SIGKILL) and their outcomes are still delivered.
"""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path
from typing import Callable, Optional, Sequence

from .unit import UnitRequest, run_unit

__all__ = ["PER_SITE_MEMORY", "Job", "default_workers", "run_local"]

# Peak memory of one site's unit (three Chromium profiles side by side, the driver, Python),
# measured with benchmarks/batch_bench.py; the default leaves room for the system.
PER_SITE_MEMORY = 1_500 * 1024 * 1024
MEMORY_RESERVE = 1_000 * 1024 * 1024


class Job:
    """One site to run: its spec, the unit request, a way to get a fresh work folder, and a key
    that names this unit of work (the line of the list and the options: Dask's task key)."""

    def __init__(self, spec, request: UnitRequest, workdir: Callable[[], Path], key: Optional[str] = None):
        self.spec = spec
        self.request = request
        self.workdir = workdir
        self.key = key or spec.key


def default_workers(cores: Optional[int] = None, available_memory: Optional[int] = None) -> int:
    """Sites at a time: one per core, fewer when memory for ``PER_SITE_MEMORY`` each runs out.

    >>> default_workers(cores=8, available_memory=4 * 1024**3)
    2
    >>> default_workers(cores=2, available_memory=64 * 1024**3)
    2
    """
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if available_memory is None:
        available_memory = _available_memory()
    workers = max(1, cores)
    if available_memory:
        workers = min(workers, max(1, (available_memory - MEMORY_RESERVE) // PER_SITE_MEMORY))
    return int(workers)


def _available_memory() -> Optional[int]:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def run_local(jobs: Sequence[Job], workers: int, *, on_started: Callable, on_finished: Callable,
              on_lost: Callable, stop: threading.Event) -> None:
    """Run ``jobs`` with ``workers`` threads; callbacks run in this thread as sites start and end.

    ``on_finished(job, outcome)`` gets the :class:`UnitOutcome` of every unit that ran;
    ``on_lost(job, error)`` a job whose unit could not run at all. Jobs not yet started when
    ``stop`` is set are never run. An exception in this thread (KeyboardInterrupt) sets
    ``stop``, waits for the running units to end, delivers them, and is re-raised.
    """
    pending: "queue.Queue" = queue.Queue()
    for job in jobs:
        pending.put(job)
    events: "queue.Queue" = queue.Queue()

    def work() -> None:
        while not stop.is_set():
            try:
                job = pending.get_nowait()
            except queue.Empty:
                return
            events.put(("started", job, None))
            try:
                outcome = run_unit(job.request, job.workdir(), cancel=stop)
            except BaseException as exc:  # never lose a site to a bug or a full disk: report it as failed
                events.put(("lost", job, f"the site's unit could not run: {type(exc).__name__}: {exc}"[:300]))
            else:
                events.put(("finished", job, outcome))

    threads = [threading.Thread(target=work, name=f"cookieaudit-site-{n}", daemon=True)
               for n in range(max(1, min(workers, len(jobs))))]
    for thread in threads:
        thread.start()
    interrupt: Optional[BaseException] = None
    while True:
        try:
            if not any(thread.is_alive() for thread in threads) and events.empty():
                break
            try:
                kind, job, outcome = events.get(timeout=0.2)
            except queue.Empty:
                continue
            if kind == "started":
                on_started(job)
            elif kind == "lost":
                on_lost(job, outcome)
            else:
                on_finished(job, outcome)
        except BaseException as exc:  # Ctrl-C, SIGTERM: stop the units, keep what they wrote
            stop.set()
            if interrupt is None:
                interrupt = exc
    if interrupt is not None:
        raise interrupt
