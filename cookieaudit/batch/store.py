"""The batch's output folder: a folder per site, the summaries and the long cookie table.

Layout of ``--output-dir DIR``::

    DIR/batch.json            the run: list, options, started/finished, counts
    DIR/summary.csv           one row per input line (failures included), rewritten as sites finish
    DIR/summary.jsonl         the same rows as JSON lines
    DIR/cookies.csv           every observed cookie across sites, one row per cookie and phase
    DIR/cookies.parquet       the same (with pyarrow installed)
    DIR/sites/<folder>/result.json   the site's result (AuditedResult), written atomically
    DIR/sites/<folder>/report.html   its reports (--report), screenshots/ and other artefacts
    DIR/sites/<folder>/scan.log      the scan's stderr
    DIR/sites/<folder>/site.json     the batch record (row, cookie rows, exit code); written last,
                                     so its presence means the site's output is whole

Every file is written to a temporary name and renamed, so an interrupted batch never leaves a
half-written result or summary behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..errors import InputError
from ..safety import csv_safe
from .rows import COOKIE_COLUMNS, SUMMARY_COLUMNS, cookie_rows, summary_row
from .sites import SiteSpec
from .unit import LOG_NAME, RESULT_NAME, UnitOutcome

__all__ = ["RECORD_NAME", "BatchStore", "atomic_write"]

RECORD_NAME = "site.json"
RECORD_VERSION = 1
WORK_PREFIX = ".work-"
LOCK_NAME = ".batch.lock"


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


class BatchStore:
    """Reads and writes everything under the output folder."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.sites_dir = self.root / "sites"
        self._lock_fd: Optional[int] = None

    # -- set-up ---------------------------------------------------------------------------
    def prepare(self) -> None:
        """Create the folder and prove it is writable, before any site is scanned."""
        try:
            self.sites_dir.mkdir(parents=True, exist_ok=True)
            atomic_write(self.root / ".write-test", b"ok")
            (self.root / ".write-test").unlink()
        except OSError as exc:
            raise InputError(f"cannot write to the output folder {self.root}: {exc.strerror or exc}") from None

    def lock(self) -> None:
        """Take the folder's lock (``flock`` on ``.batch.lock``, held until :meth:`release` or the
        process ends, also by SIGKILL), so that a second batch — a rerun started while the first still
        runs — cannot clear the first one's work folders and rewrite its summaries: InputError (exit 2)."""
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one batch per folder is up to the user
            return
        path = self.root / LOCK_NAME
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise InputError(f"cannot write to the output folder {self.root}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip()
            os.close(fd)
            raise InputError(f"another batch is writing into {self.root}"
                             + (f" (process {holder})" if holder.isdigit() else "")
                             + ": wait for it to end, or stop it; a rerun then resumes") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._lock_fd = fd

    def release(self) -> None:
        """Give up the folder's lock (the file stays: removing it would race a batch starting now)."""
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)

    def site_dir(self, spec: SiteSpec) -> Path:
        return self.sites_dir / spec.folder

    def new_workdir(self, spec: SiteSpec) -> Path:
        """An empty work folder for one attempt, beside the site's folder (same file system: renames are atomic)."""
        site_dir = self.site_dir(spec)
        site_dir.mkdir(parents=True, exist_ok=True)
        self.clear_workdirs(spec)
        return Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=site_dir))

    def clear_workdirs(self, spec: SiteSpec) -> None:
        """Remove work folders that an interrupted earlier attempt left behind."""
        site_dir = self.site_dir(spec)
        if site_dir.is_dir():
            for entry in site_dir.iterdir():
                if entry.name.startswith(WORK_PREFIX):
                    shutil.rmtree(entry, ignore_errors=True)

    # -- records ----------------------------------------------------------------------------
    def load_record(self, spec: SiteSpec) -> Optional[dict]:
        """The site's batch record, or None when there is none (or it is unreadable)."""
        try:
            record = json.loads((self.site_dir(spec) / RECORD_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) and isinstance(record.get("row"), dict) else None

    def is_complete(self, spec: SiteSpec, record: Optional[dict]) -> bool:
        """True when the site's complete result is on disk and belongs to this line of the list."""
        if record is None or record.get("key") != spec.key or record["row"].get("status") != "ok":
            return False
        return (self.site_dir(spec) / RESULT_NAME).is_file()

    def install(self, spec: SiteSpec, outcome: UnitOutcome, *, options_digest: str = "") -> dict:
        """Move one attempt's output into the site's folder and write its record; returns the record."""
        site_dir = self.site_dir(spec)
        site_dir.mkdir(parents=True, exist_ok=True)
        result, result_error = _read_result(outcome.result_path)
        error = outcome.error
        if result is None and outcome.exit_code == 0:
            error = error or f"the scan ended without a result ({result_error or 'no file'})"
        relative_result = f"sites/{spec.folder}/{RESULT_NAME}"
        row = summary_row(spec, result, exit_code=outcome.exit_code, error=error, seconds=outcome.seconds,
                          result_path=relative_result)
        # The folder describes the latest attempt only: the earlier one goes, record first.
        for entry in site_dir.iterdir():
            if not entry.name.startswith(WORK_PREFIX):
                _remove(entry)
        for entry in outcome.workdir.iterdir():
            if entry.name != RESULT_NAME and not entry.name.endswith(".partial"):  # .partial: a write cut short
                os.replace(entry, site_dir / entry.name)
        if result is not None:
            os.replace(outcome.result_path, site_dir / RESULT_NAME)
        if outcome.workdir.name.startswith(WORK_PREFIX):  # only ever a work folder of ours
            shutil.rmtree(outcome.workdir, ignore_errors=True)
        record = {
            "cookieaudit_batch_record": RECORD_VERSION,
            "key": spec.key,
            "line": spec.line,
            "site": spec.site,
            "options": options_digest,
            "finished_at": _now(),
            "timed_out": outcome.timed_out,
            "leftovers_killed": outcome.leftovers_killed,
            "row": row,
            "cookies": cookie_rows(spec, result),
        }
        atomic_write(site_dir / RECORD_NAME, json.dumps(record, ensure_ascii=False))
        return record

    def record_failure(self, spec: SiteSpec, row: dict, *, options_digest: str = "") -> dict:
        """A record for a site that produced nothing to install (e.g. a lost Dask worker)."""
        site_dir = self.site_dir(spec)
        site_dir.mkdir(parents=True, exist_ok=True)
        for entry in site_dir.iterdir():
            if not entry.name.startswith(WORK_PREFIX):
                _remove(entry)
        record = {"cookieaudit_batch_record": RECORD_VERSION, "key": spec.key, "line": spec.line, "site": spec.site,
                  "options": options_digest, "finished_at": _now(), "row": row, "cookies": []}
        atomic_write(site_dir / RECORD_NAME, json.dumps(record, ensure_ascii=False))
        return record

    # -- tables -----------------------------------------------------------------------------
    def write_summaries(self, rows: Iterable[dict]) -> None:
        """summary.csv and summary.jsonl, rows in list order, each written atomically."""
        rows = list(rows)
        atomic_write(self.root / "summary.jsonl",
                     "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
        atomic_write(self.root / "summary.csv", _csv_text(SUMMARY_COLUMNS, rows))

    def write_cookie_tables(self, specs: Iterable[SiteSpec]) -> Optional[str]:
        """cookies.csv (and cookies.parquet when pyarrow is installed), streamed site by site.

        Returns a note when the Parquet file could not be written, else None.
        """
        specs = list(specs)
        target = self.root / "cookies.csv"
        descriptor, temporary = tempfile.mkstemp(prefix=".cookies.csv.", suffix=".tmp", dir=self.root)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(COOKIE_COLUMNS)
                for rows in self._cookie_rows_by_site(specs):
                    writer.writerows([_csv_cell(row.get(column)) for column in COOKIE_COLUMNS] for row in rows)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return self._write_parquet(specs)

    def _cookie_rows_by_site(self, specs: list[SiteSpec]) -> Iterator[list[dict]]:
        for spec in specs:
            record = self.load_record(spec)
            if record is not None and record.get("key") == spec.key:
                yield list(record.get("cookies") or [])

    def _write_parquet(self, specs: list[SiteSpec]) -> Optional[str]:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            (self.root / "cookies.parquet").unlink(missing_ok=True)  # never leave a stale one beside a new CSV
            return "cookies.parquet not written: pip install 'cookieaudit[dask]' (or pyarrow) for it"
        schema = pa.schema([(column, getattr(pa, _ARROW_TYPES.get(column, "string"))()) for column in COOKIE_COLUMNS])
        target = self.root / "cookies.parquet"
        descriptor, temporary = tempfile.mkstemp(prefix=".cookies.parquet.", suffix=".tmp", dir=self.root)
        os.close(descriptor)
        try:
            with pq.ParquetWriter(temporary, schema) as writer:
                for rows in self._cookie_rows_by_site(specs):
                    if rows:
                        columns = {column: [_arrow_value(row.get(column), column) for row in rows]
                                   for column in COOKIE_COLUMNS}
                        writer.write_table(pa.table(columns, schema=schema))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return None

    def write_run_info(self, info: dict) -> None:
        atomic_write(self.root / "batch.json", json.dumps(info, indent=2, ensure_ascii=False) + "\n")

    def load_run_info(self) -> Optional[dict]:
        try:
            return json.loads((self.root / "batch.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


# Parquet column types other than string (pyarrow type names).
_ARROW_TYPES = {"max_age_days": "float64", "stored_max_age_days": "float64", "line": "int64", "session": "bool_",
                "stored": "bool_", "http_only": "bool_", "secure": "bool_"}


def _arrow_value(value, column: str):
    if value is None:
        return None
    if column in ("max_age_days", "stored_max_age_days"):
        return float(value)
    return value if column in _ARROW_TYPES else str(value)


def _csv_cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_safe(value) if isinstance(value, str) else value


def _csv_text(columns: tuple[str, ...], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def _read_result(path: Path) -> tuple[Optional[dict], Optional[str]]:
    """The result JSON as a dict, or (None, why not)."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError) as exc:
        return None, f"unreadable result: {exc}"[:200]
    if not isinstance(data, dict) or "site" not in data:
        return None, "the result is not a cookieaudit result"
    return data, None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
