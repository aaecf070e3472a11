"""The Dask runner: the same per-site unit as Dask tasks, on a running cluster or a LocalCluster.

Each site is one ``client.submit(scan_site_task, ...)`` with a stable key and ``pure=False``;
``as_completed`` hands results back as they arrive and the client writes each one at once, so
an interrupted client loses nothing that completed and a rerun resumes. Workers do not share
the client's disk: the task runs the unit in a temporary folder on the worker and returns that
folder (result JSON, reports, screenshots, log) as one compressed archive; statement and rule
files named on the command line travel with the task. One browser per worker: a LocalCluster runs single-
threaded workers with a ``browser=1`` resource; on a cluster of your own, start workers with
``--nthreads 1`` (or ``--resources browser=1``, which the runner then asks for). A worker lost
while running a site (``KilledWorker``) becomes that site's failed row.

Dask is an optional extra: ``pip install 'cookieaudit[dask]'``.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import socket
import tarfile
import tempfile
import threading
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Callable, Optional, Sequence

from ..errors import InputError
from .local import Job
from .unit import UnitOutcome, UnitRequest, run_unit

__all__ = ["DASK_MISSING", "require_dask", "run_dask", "scan_site_task"]

DASK_MISSING = "--dask needs Dask: pip install 'cookieaudit[dask]'"
BROWSER_RESOURCE = "browser"
MAX_SHIPPED_FILE = 64 * 1024 * 1024
CONNECT_TIMEOUT = "30s"  # for --dask ADDRESS: a scheduler that does not answer by then is bad input


def require_dask() -> None:
    """Raise InputError with what to install when dask.distributed is missing."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise InputError(DASK_MISSING) from None


# -- on the worker -------------------------------------------------------------------------
def scan_site_task(request: UnitRequest, files: Optional[dict] = None) -> dict:
    """Run one site's unit on this worker; return its outcome with the output as compressed bytes.

    ``files`` maps a path named in ``request.scan_args`` (on the client) to its bytes; they are
    written to the work folder and the arguments point there instead.
    """
    workdir = Path(tempfile.mkdtemp(prefix="cookieaudit-dask-site-"))
    try:
        if files:
            inputs = workdir / "inputs"
            inputs.mkdir()
            mapping = {}
            for number, (original, data) in enumerate(sorted(files.items())):
                local = inputs / f"{number}-{PurePosixPath(original.replace(os.sep, '/')).name or 'file'}"
                local.write_bytes(data)
                mapping[original] = str(local)
            request = replace(request, scan_args=tuple(mapping.get(arg, arg) for arg in request.scan_args))
        request = replace(request, env={**_nanny_environ(), **request.env})
        unit_dir = workdir / "unit"
        outcome = run_unit(request, unit_dir)
        return {
            "exit_code": outcome.exit_code,
            "seconds": outcome.seconds,
            "timed_out": outcome.timed_out,
            "error": outcome.error,
            "leftovers_killed": outcome.leftovers_killed,
            "worker": socket.gethostname(),
            "archive": _tar_dir(unit_dir),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _nanny_environ() -> dict:
    """The variables a Dask nanny set for its worker (``distributed.nanny.pre-spawn-environ``:
    MALLOC_TRIM_THRESHOLD_, OMP_NUM_THREADS, …), to be removed again for the scan: they tune a
    numeric worker, not a browser. A value the user set otherwise is kept."""
    try:
        import dask

        preset = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    except Exception:
        return {}
    return {name: None for name, value in preset.items() if os.environ.get(name) == str(value)}


def _tar_dir(path: Path) -> Optional[bytes]:
    if not path.is_dir() or not any(path.iterdir()):
        return None
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(path, arcname=".")
    return buffer.getvalue()


# -- on the client -------------------------------------------------------------------------
def unpack_outcome(payload: dict, workdir: Path) -> UnitOutcome:
    """Unpack a task's archive into ``workdir``: what a local unit leaves there."""
    workdir.mkdir(parents=True, exist_ok=True)
    if payload.get("archive") is not None:
        _untar(payload["archive"], workdir)
    return UnitOutcome(exit_code=payload.get("exit_code"), seconds=float(payload.get("seconds") or 0.0),
                       workdir=workdir, timed_out=bool(payload.get("timed_out")), error=payload.get("error"),
                       leftovers_killed=int(payload.get("leftovers_killed") or 0))


def _untar(data: bytes, target: Path) -> None:
    """Extract an artefact archive; only plain files and folders inside ``target`` are written."""
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            destination = (target / member.name).resolve()
            if destination != root and root not in destination.parents:
                continue
            if member.isdir():
                destination.mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                destination.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                if source is not None:
                    with open(destination, "wb") as handle:
                        shutil.copyfileobj(source, handle)


def shipped_files(request: UnitRequest) -> dict:
    """Local files named in the scan arguments (statements, rule files), read to travel with the task."""
    files = {}
    for arg in request.scan_args:
        if os.path.isabs(arg) and os.path.isfile(arg):
            if os.path.getsize(arg) > MAX_SHIPPED_FILE:
                raise InputError(f"{arg}: larger than {MAX_SHIPPED_FILE // (1024 * 1024)} MB, too large to send to Dask workers")
            with open(arg, "rb") as handle:
                files[arg] = handle.read()
    return files


def run_dask(jobs: Sequence[Job], address: str, workers: int, *, on_started: Callable, on_finished: Callable,
             on_lost: Callable, on_note: Callable[[str], None], stop: threading.Event,
             task: Optional[Callable] = None) -> None:
    """Submit every job to Dask (``address``, or ``"local"`` for a LocalCluster of ``workers``
    single-threaded processes) and deliver each outcome as it arrives.

    ``on_finished(job, outcome)`` for a task that returned; ``on_lost(job, error)`` for one that
    did not (``KilledWorker``, an exception in the task, a cancelled future). ``task`` replaces
    :func:`scan_site_task` (same signature and return value), e.g. to wrap it.
    """
    require_dask()
    from distributed import Client, KilledWorker, LocalCluster, as_completed

    cluster = None
    if address == "local":
        dashboard = (":8787" if _port_free(8787) else ":0") if _has_bokeh() else None  # never Dask's port warning
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               resources={BROWSER_RESOURCE: 1}, dashboard_address=dashboard,
                               silence_logs=logging.CRITICAL)  # its shutdown chatter is no news to the user
        client = Client(cluster)
        on_note(f"Dask LocalCluster: {workers} worker process(es), one browser each"
                + (f"; dashboard {client.dashboard_link}" if dashboard else
                   " (pip install bokeh for Dask's dashboard)"))
    else:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot connect to the Dask scheduler at {address}: {exc}") from None
        on_note(f"Dask scheduler {address}: {_describe_workers(client)}")
    try:
        resources = _resources(client, local=cluster is not None, on_note=on_note)
        futures = {}
        for job in jobs:
            files = shipped_files(job.request)
            future = client.submit(task or scan_site_task, job.request, files, key=job.key, pure=False,
                                   resources=resources)
            futures[future] = job
        # Dask says when a task ends, not when it starts: count the first ``slots`` as running,
        # and one more each time one ends.
        slots = max(1, workers if cluster is not None else _slots(client))
        waiting = list(jobs)
        for job in waiting[:slots]:
            on_started(job)
        waiting = waiting[slots:]
        completed = as_completed(list(futures))
        try:
            for future in completed:
                job = futures.pop(future)
                try:
                    payload = future.result()
                except KilledWorker as exc:
                    on_lost(job, f"Dask worker lost while scanning this site (KilledWorker: {exc})"[:500])
                    payload = None
                except Exception as exc:  # the task raised, or the future was cancelled
                    on_lost(job, f"Dask task failed: {type(exc).__name__}: {exc}"[:500])
                    payload = None
                finally:
                    future.release()
                if payload is None:
                    if waiting:
                        on_started(waiting.pop(0))
                    continue
                on_finished(job, unpack_outcome(payload, job.workdir()))
                if stop.is_set():
                    break
                if waiting:
                    on_started(waiting.pop(0))
        except BaseException:
            stop.set()
            raise
        finally:
            if futures:
                client.cancel(list(futures))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _resources(client, *, local: bool, on_note: Callable[[str], None]) -> Optional[dict]:
    """Ask for the ``browser`` resource where workers offer it; otherwise rely on one thread per worker."""
    if local:
        return {BROWSER_RESOURCE: 1}
    workers = client.scheduler_info().get("workers", {}).values()
    if any(BROWSER_RESOURCE in (info.get("resources") or {}) for info in workers):
        return {BROWSER_RESOURCE: 1}
    threaded = [info for info in workers if (info.get("nthreads") or 1) > 1]
    if threaded:
        on_note("some Dask workers run several threads, so several browsers share them; "
                "start workers with --nthreads 1 or --resources browser=1")
    return None


def _slots(client) -> int:
    workers = client.scheduler_info().get("workers", {}).values()
    with_resource = sum(int((info.get("resources") or {}).get(BROWSER_RESOURCE, 0)) for info in workers)
    return with_resource or sum(int(info.get("nthreads") or 0) for info in workers)


def _describe_workers(client) -> str:
    workers = client.scheduler_info().get("workers", {})
    threads = sum(int(info.get("nthreads") or 0) for info in workers.values())
    return f"{len(workers)} worker(s), {threads} thread(s)" if workers else "no workers yet (tasks wait for them)"


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("", port))
        except OSError:
            return False
    return True


def _has_bokeh() -> bool:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return False
    return True
