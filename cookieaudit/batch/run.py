"""A whole batch: read the list, decide what to (re)scan, run the units, write every output.

``run_batch(config)`` is what ``cookieaudit batch`` calls. Resumability comes from the output
folder itself: a site whose record says ``ok`` (and whose result is there) is kept, anything
else is scanned again (``force`` rescans all). Rows are written as sites finish, so the
summaries are current while the batch runs and whole when it ends or is interrupted.
"""

from __future__ import annotations

import hashlib
import json
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from .._version import __version__
from ..errors import InputError
from ..safety import strip_credentials
from .local import Job, default_workers, run_local
from .progress import BatchProgress
from .rows import failed_row
from .sites import SiteSpec, read_site_list, repeated_lines
from .store import BatchStore
from .unit import DEFAULT_GRACE, DEFAULT_SITE_TIMEOUT, UnitRequest

__all__ = ["BatchConfig", "BatchOutcome", "EXIT_ON_SIGNAL", "batch_exit_code", "run_batch"]

EXIT_ON_SIGNAL = {"SIGINT": 130, "SIGTERM": 143}
SUMMARY_INTERVAL = 5.0  # seconds between rewrites of the summaries while sites finish


@dataclass(frozen=True)
class BatchConfig:
    """Everything one batch run needs (the CLI builds it from its options)."""

    sites_file: Path
    output_dir: Path
    scan_args: tuple[str, ...] = ()      # scan options passed to every site (not --pages, not --statement)
    pages: Optional[int] = None          # --pages for sites whose line gives none (None: the scan's default)
    statement_default: str = "auto"      # for lines without a statement: auto | none
    statement_supported: bool = True     # whether this build's scan reads statements (--statement)
    workers: Optional[int] = None        # None: default_workers()
    site_timeout: float = DEFAULT_SITE_TIMEOUT
    grace: float = DEFAULT_GRACE
    force: bool = False
    dask: Optional[str] = None           # scheduler address, "local", or None for the local runner
    quiet: bool = False
    env: dict = field(default_factory=dict)

    @property
    def options_digest(self) -> str:
        """Identifies the options results were made with (a resumed batch warns when they differ)."""
        text = json.dumps([list(self.scan_args), self.pages, self.statement_default])
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class BatchOutcome:
    """The rows of every line, in list order, and how the batch ended."""

    rows: list[dict]
    exit_code: int
    kept: int = 0
    scanned: int = 0
    interrupted: Optional[str] = None
    notes: list[str] = field(default_factory=list)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so the batch stops the way Ctrl-C stops it."""


def run_batch(config: BatchConfig) -> BatchOutcome:
    """Run the batch; returns its rows and exit code. Bad input raises InputError before any scan."""
    specs = read_site_list(config.sites_file)
    store = BatchStore(config.output_dir)
    store.prepare()
    store.lock()  # one batch at a time writes into a folder
    try:
        return _run_prepared(config, specs, store)
    finally:
        store.release()


def _run_prepared(config: BatchConfig, specs: list[SiteSpec], store: BatchStore) -> BatchOutcome:
    if config.dask:
        from .dask_runner import require_dask

        require_dask()
    workers = config.workers or default_workers()
    rows: dict[int, dict] = {}
    to_run: list[SiteSpec] = []
    stale = 0
    invalid = [spec for spec in specs if spec.invalid]
    for spec in invalid:  # never scanned, never recorded: its row says why, a rerun reads the line again
        rows[spec.index] = failed_row(spec, exit_code=None, error=spec.invalid)
    for spec in specs:
        if spec.invalid:
            continue
        record = store.load_record(spec)
        if not config.force and store.is_complete(spec, record):
            rows[spec.index] = record["row"]
            stale += record.get("options") != config.options_digest
        else:
            to_run.append(spec)
    notes: list[str] = []
    started_at = _now()
    run_info = {"cookieaudit_batch": 1, "tool_version": __version__, "sites_file": str(config.sites_file),
                "sites": len(specs), "options": [strip_credentials(arg) for arg in config.scan_args],  # no proxy password
                "pages": config.pages,
                "statement": config.statement_default, "workers": workers,
                "runner": f"dask {config.dask}" if config.dask else "local", "site_timeout": config.site_timeout,
                "started_at": started_at, "finished_at": None, "interrupted": None}
    store.write_run_info(run_info)
    writer = _RowWriter(store, specs, rows)
    writer.write(force=True)
    interrupted: Optional[str] = None
    stop = threading.Event()
    with BatchProgress(len(to_run), kept=len(rows) - len(invalid), enabled=not config.quiet) as progress, \
            _sigterm_raises():
        if invalid:
            progress.note(f"{len(invalid)} line(s) of the list cannot be scanned (failed rows): "
                          + "; ".join(spec.invalid for spec in invalid[:3]) + ("; …" if len(invalid) > 3 else ""))
        repeats = repeated_lines(specs) if to_run else []
        if repeats:
            progress.note(f"{len(repeats)} line(s) repeat an earlier site: " + "; ".join(repeats[:3])
                          + ("; …" if len(repeats) > 3 else ""))
        if stale:
            progress.note(f"{stale} complete result(s) were made with other options and are kept; --force rescans them")
        if to_run and not config.statement_supported and any(
                spec.statement_mode(config.statement_default) != ("none",) for spec in to_run):
            progress.note("this build's scan does not read statements yet: sites are scanned without one")

        def started(job: Job) -> None:
            progress.started(job.spec.site)

        def finished(job: Job, outcome) -> None:
            record = store.install(job.spec, outcome, options_digest=config.options_digest)
            rows[job.spec.index] = record["row"]
            progress.finished(record["row"])
            writer.write()

        def lost(job: Job, error: str) -> None:
            row = failed_row(job.spec, exit_code=None, error=error)
            rows[job.spec.index] = store.record_failure(job.spec, row, options_digest=config.options_digest)["row"]
            progress.finished(row)
            writer.write()

        # The task key names the line and the options, so two batches with other options never share a task.
        jobs = [Job(spec, _request(spec, config), _workdir_factory(store, spec),
                    key=f"{spec.key}-{config.options_digest[:8]}") for spec in to_run]
        try:
            if not jobs:
                pass
            elif config.dask:
                from .dask_runner import run_dask

                run_dask(jobs, config.dask, workers, on_started=started, on_finished=finished, on_lost=lost,
                         on_note=progress.note, stop=stop)
            else:
                run_local(jobs, workers, on_started=started, on_finished=finished, on_lost=lost, stop=stop)
        except KeyboardInterrupt as exc:
            interrupted = "SIGTERM" if isinstance(exc, _Terminated) else "SIGINT"
        except OSError as exc:  # the output folder stopped taking writes (disk full, removed)
            stop.set()
            raise InputError(f"cannot write to the output folder {config.output_dir}: {exc.strerror or exc}; "
                             "a rerun resumes from what was written") from None
    for spec in specs:
        if spec.index not in rows:  # never started: a row says so, but no record (a rerun scans it)
            rows[spec.index] = failed_row(spec, exit_code=None, error=f"not scanned: the batch was interrupted ({interrupted})")
    writer.write(force=True)
    parquet_note = store.write_cookie_tables(specs)
    if parquet_note:
        notes.append(parquet_note)
    ordered = [rows[spec.index] for spec in specs]
    run_info.update(finished_at=_now(), interrupted=interrupted,
                    counts={status: sum(row["status"] == status for row in ordered) for status in ("ok", "failed", "incomplete")})
    store.write_run_info(run_info)
    exit_code = EXIT_ON_SIGNAL[interrupted] if interrupted else batch_exit_code(ordered)
    return BatchOutcome(rows=ordered, exit_code=exit_code, kept=len(specs) - len(to_run) - len(invalid), scanned=len(to_run),
                        interrupted=interrupted, notes=notes)


def batch_exit_code(rows: list[dict]) -> int:
    """1 when a site has findings at or above --fail-on, else 3 when a site could not be
    (completely) scanned, else 0."""
    if any(row.get("status") == "ok" and row.get("exit_code") == 1 for row in rows):
        return 1
    if any(row.get("status") != "ok" for row in rows):
        return 3
    return 0


def scan_args_for(spec: SiteSpec, config: BatchConfig) -> tuple[str, ...]:
    """The scan options of one site: the batch's, its own page count, its statement."""
    args = list(config.scan_args)
    pages = spec.pages or config.pages
    if pages:
        args += ["--pages", str(pages)]
    if config.statement_supported:
        args += statement_args(spec.statement_mode(config.statement_default))
    return tuple(args)


def statement_args(mode: tuple[str, ...]) -> list[str]:
    """``scan`` arguments for a statement mode: ``auto``, ``none`` or sources."""
    args: list[str] = []
    for source in mode:
        args += ["--statement", source]
    return args


def _request(spec: SiteSpec, config: BatchConfig) -> UnitRequest:
    return UnitRequest(site=spec.site, scan_args=scan_args_for(spec, config), site_timeout=config.site_timeout,
                       grace=config.grace, env=dict(config.env))


def _workdir_factory(store: BatchStore, spec: SiteSpec):
    return lambda: store.new_workdir(spec)


class _RowWriter:
    """Rewrites the summaries with the rows so far, at most every SUMMARY_INTERVAL seconds."""

    def __init__(self, store: BatchStore, specs: list[SiteSpec], rows: dict[int, dict]):
        self.store, self.specs, self.rows = store, specs, rows
        self._last = 0.0

    def write(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._last < SUMMARY_INTERVAL:
            return
        self.store.write_summaries(self.rows[spec.index] for spec in self.specs if spec.index in self.rows)
        self._last = time.monotonic()


class _sigterm_raises:
    """While active (in the main thread), SIGTERM raises _Terminated like Ctrl-C raises KeyboardInterrupt."""

    def __enter__(self):
        self._previous = None
        if threading.current_thread() is threading.main_thread():
            def handler(signum, frame):
                raise _Terminated()

            self._previous = signal.signal(signal.SIGTERM, handler)
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
        return False


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
