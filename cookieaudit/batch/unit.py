"""The per-site unit: ``cookieaudit scan`` for one site as a child process in its own process group.

Every runner (local threads, Dask workers) runs a site the same way: a child process in a
new session, so the site's Playwright driver and browsers can be stopped together without
touching the batch. At ``--site-timeout`` the group gets SIGTERM (the scan then writes its
partial result, ``complete: false``) and, after a grace period, SIGKILL. Chromium starts in a
session of its own (Playwright launches it detached), so every process of the unit also
carries a token in its environment; whatever still carries it when the unit ends is killed
too. A hung browser can therefore never stall a batch, and no browser outlives its site.

The unit runs the scan in a work folder, which is also its ``--output-dir``: ``result.json``
(the scan's ``-o``), its artefacts (banner screenshots, ``--report`` files) and ``scan.log``
(its stderr). Chromium profiles and Playwright's temporary files go to a private ``TMPDIR``
that is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

__all__ = ["DEFAULT_GRACE", "DEFAULT_SITE_TIMEOUT", "TOKEN_VARIABLE", "UnitOutcome", "UnitRequest", "run_unit"]

DEFAULT_SITE_TIMEOUT = 900.0
DEFAULT_GRACE = 15.0  # seconds between SIGTERM (write the partial result) and SIGKILL
TOKEN_VARIABLE = "COOKIEAUDIT_BATCH_UNIT"
RESULT_NAME = "result.json"
LOG_NAME = "scan.log"
MAX_ERROR = 500
POLL = 0.25


@dataclass(frozen=True)
class UnitRequest:
    """What one unit runs: the scan of ``site`` with ``scan_args`` (options after the URL)."""

    site: str
    scan_args: tuple[str, ...] = ()
    site_timeout: float = DEFAULT_SITE_TIMEOUT
    grace: float = DEFAULT_GRACE
    env: dict = field(default_factory=dict)  # extra environment (tests, proxies); None removes a variable


@dataclass
class UnitOutcome:
    """How the child ended and where its output is."""

    exit_code: Optional[int]      # None when it could not be started
    seconds: float
    workdir: Path
    timed_out: bool = False
    cancelled: bool = False        # stopped because the batch was interrupted
    error: Optional[str] = None    # the child's own one-line error, or why it was stopped
    leftovers_killed: int = 0      # processes of the unit still alive after its child ended

    @property
    def result_path(self) -> Path:
        return self.workdir / RESULT_NAME


    @property
    def log_path(self) -> Path:
        return self.workdir / LOG_NAME


def scan_command(request: UnitRequest) -> list[str]:
    """The child's command line; it runs in the work folder, its output folder, so the paths in
    its result and reports (screenshots) stay true once the folder's content is moved."""
    return [sys.executable, "-m", "cookieaudit", "scan", request.site, *request.scan_args,
            "--format", "json", "-o", RESULT_NAME, "--output-dir", ".", "-q"]


def run_unit(request: UnitRequest, workdir: Path, cancel: Optional[threading.Event] = None) -> UnitOutcome:
    """Run one site's scan in ``workdir`` (created) and wait for it, its timeout, or ``cancel``."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    private_tmp = Path(tempfile.mkdtemp(prefix="cookieaudit-unit-"))
    env = _child_env(request, token, private_tmp)
    started = time.monotonic()
    outcome = UnitOutcome(exit_code=None, seconds=0.0, workdir=workdir)
    try:
        with open(workdir / LOG_NAME, "wb") as log:
            try:
                # stdout would repeat the result (--format json); the log keeps what the scan says on stderr
                child = subprocess.Popen(scan_command(request), cwd=workdir, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=log, env=env, **_new_group())
            except OSError as exc:
                outcome.error = f"cannot start the scan: {exc.strerror or exc}"
                return outcome
            try:
                _wait(child, request, outcome, started, cancel)
            finally:
                _stop_group(child, signal.SIGKILL)
                child.wait()
                outcome.leftovers_killed = kill_leftovers(token)
        # A signal death as a shell reports it (SIGTERM 143, SIGKILL 137), not Popen's negative number.
        outcome.exit_code = child.returncode if child.returncode >= 0 else 128 - child.returncode
        if outcome.error is None and child.returncode != 0:
            outcome.error = last_error_line(workdir / LOG_NAME)
        return outcome
    finally:
        outcome.seconds = round(time.monotonic() - started, 3)
        shutil.rmtree(private_tmp, ignore_errors=True)


def _wait(child: subprocess.Popen, request: UnitRequest, outcome: UnitOutcome, started: float,
          cancel: Optional[threading.Event]) -> None:
    """Wait for the child; past the site timeout (or on cancel) SIGTERM its group, then SIGKILL."""
    deadline = started + request.site_timeout
    while child.poll() is None:
        if cancel is not None and cancel.is_set():
            outcome.cancelled = True
            outcome.error = "the batch was interrupted"
            break
        if time.monotonic() >= deadline:
            outcome.timed_out = True
            outcome.error = f"site timeout: stopped after {request.site_timeout:g} s"
            break
        try:
            child.wait(timeout=POLL)
        except subprocess.TimeoutExpired:
            pass
    if child.poll() is not None:
        return
    _stop_group(child, signal.SIGTERM)
    try:
        child.wait(timeout=request.grace)
    except subprocess.TimeoutExpired:
        outcome.error = (outcome.error or "") + f"; killed {request.grace:g} s after SIGTERM"


def _child_env(request: UnitRequest, token: str, private_tmp: Path) -> dict:
    env = dict(os.environ)
    for name, value in request.env.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    env[TOKEN_VARIABLE] = token
    for name in ("TMPDIR", "TEMP", "TMP"):
        env[name] = str(private_tmp)
    # The child runs the same cookieaudit as this process, installed or from a source tree.
    package_parent = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _new_group() -> dict:
    if os.name != "posix":
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    options: dict = {"start_new_session": True}
    if _prctl():
        options["preexec_fn"] = _terminate_with_parent
    return options


_PR_SET_PDEATHSIG = 1
_prctl_function = None


def _prctl():
    """Linux's prctl, looked up before any fork (a child must not load libraries), or False."""
    global _prctl_function
    if _prctl_function is None:
        _prctl_function = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                _prctl_function = ctypes.CDLL(None, use_errno=True).prctl
            except (OSError, AttributeError):
                pass
    return _prctl_function


def _terminate_with_parent() -> None:
    """In the child, before exec: SIGTERM when the thread that started it dies (a batch killed
    with SIGKILL, a Dask worker that is lost), so the scan stops and closes its browsers."""
    _prctl_function(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop_group(child: subprocess.Popen, sig: int) -> None:
    """Signal the child's whole process group (it leads its own session)."""
    try:
        if os.name == "posix":
            os.killpg(child.pid, sig)
        elif sig == signal.SIGTERM:
            child.terminate()
        else:
            child.kill()
    except (ProcessLookupError, PermissionError):
        pass


def kill_leftovers(token: str) -> int:
    """SIGKILL every process still carrying the unit's token (Linux ``/proc``); how many there were.

    Chromium runs in a session of its own, so the process group does not reach it; a browser
    whose driver died usually exits by itself, a hung one does not.
    """
    proc = Path("/proc")
    if not proc.is_dir():
        return 0
    needle = f"{TOKEN_VARIABLE}={token}".encode()
    killed: set[int] = set()
    for _ in range(3):  # a dying browser may still fork a helper; look again
        found = 0
        for entry in proc.iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if needle in environ.split(b"\0"):
                try:
                    os.kill(int(entry.name), signal.SIGKILL)
                    killed.add(int(entry.name))
                    found += 1
                except (ProcessLookupError, PermissionError):
                    pass
        if not found:
            break
        time.sleep(0.2)
    return len(killed)


def last_error_line(log_path: Path) -> Optional[str]:
    """The child's error in one line: its ``cookieaudit: error:`` line, else its last line."""
    try:
        with open(log_path, "rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - 16384))
            lines = [line.strip() for line in log.read().decode("utf-8", "replace").splitlines() if line.strip()]
    except OSError:
        return None
    if not lines:
        return None
    for line in reversed(lines):
        if line.startswith("cookieaudit: error:"):
            return line[len("cookieaudit: error:"):].strip()[:MAX_ERROR]
    return lines[-1][:MAX_ERROR]
