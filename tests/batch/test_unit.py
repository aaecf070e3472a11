"""The per-site unit's process handling that needs no browser: leftovers by token, error lines, defaults."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest

from cookieaudit.batch.local import default_workers
from cookieaudit.batch.unit import TOKEN_VARIABLE, kill_leftovers, last_error_line

linux_only = pytest.mark.skipif(not os.path.isdir("/proc"), reason="leftovers are found through /proc")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@linux_only
def test_leftovers_in_another_session_are_killed_by_their_token():
    """A process that left the unit's process group (as Chromium does) still dies with the unit."""
    token = uuid.uuid4().hex
    stray = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True,
                             env={**os.environ, TOKEN_VARIABLE: token})
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True,
                             env={**os.environ, TOKEN_VARIABLE: uuid.uuid4().hex})
    try:
        time.sleep(0.3)  # let exec() finish, so /proc shows the new environment
        assert kill_leftovers(token) == 1
        stray.wait(timeout=10)
        assert stray.returncode == -9
        assert other.poll() is None and _alive(other.pid)  # another unit's process is left alone
        assert kill_leftovers(token) == 0
    finally:
        for process in (stray, other):
            if process.poll() is None:
                process.kill()
                process.wait()


def test_last_error_line(tmp_path):
    log = tmp_path / "scan.log"
    log.write_text("warning: something\ncookieaudit: error: cannot reach https://x.nl/: net::ERR_NAME_NOT_RESOLVED\n\n")
    assert last_error_line(log) == "cannot reach https://x.nl/: net::ERR_NAME_NOT_RESOLVED"
    log.write_text("Traceback (most recent call last):\n  ...\nRuntimeError: kapot\n")
    assert last_error_line(log) == "RuntimeError: kapot"
    log.write_text("")
    assert last_error_line(log) is None
    assert last_error_line(tmp_path / "missing.log") is None


def test_default_workers_follow_cores_and_memory():
    gib = 1024 ** 3
    assert default_workers(cores=2, available_memory=32 * gib) == 2
    assert default_workers(cores=16, available_memory=4 * gib) == 2
    assert default_workers(cores=4, available_memory=1 * gib) == 1
    assert default_workers(cores=1, available_memory=None) == 1
    assert default_workers() >= 1


def test_batch_imports_neither_playwright_nor_dask():
    """The batch process drives no browser and needs Dask only for --dask; pyarrow only for the Parquet file."""
    code = ("import sys, cookieaudit.batch, cookieaudit.batch.dask_runner, cookieaudit.cli.batch_cmd; "
            "print(sorted(m for m in ('playwright', 'distributed', 'dask', 'pyarrow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert out.stdout.strip() == "[]"


def test_a_unit_that_cannot_run_is_reported_not_lost(tmp_path):
    """The local runner reports a job whose work folder cannot be made (a full disk) and goes on."""
    import threading

    from cookieaudit.batch.local import Job, run_local
    from cookieaudit.batch.sites import parse_site_list
    from cookieaudit.batch.unit import UnitRequest

    def no_room():
        raise OSError(28, "No space left on device")

    specs = parse_site_list("www.vol.nl\nwww.ookvol.nl\n", as_csv=False)
    jobs = [Job(spec, UnitRequest(site=spec.site), no_room) for spec in specs]
    started, lost, finished = [], {}, []
    run_local(jobs, 2, on_started=lambda job: started.append(job.spec.site),
              on_finished=lambda job, outcome: finished.append(job), on_lost=lambda job, error: lost.setdefault(job.spec.site, error),
              stop=threading.Event())
    assert sorted(started) == sorted(lost) == ["https://www.ookvol.nl/", "https://www.vol.nl/"] and finished == []
    assert all("No space left on device" in error for error in lost.values())
    assert [p for p in tmp_path.iterdir()] == []
