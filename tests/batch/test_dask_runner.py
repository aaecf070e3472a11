"""The Dask runner without a browser: results come back as bytes and are written by the client;
a lost worker (KilledWorker) becomes that site's failed row; files named on the command line travel."""

from __future__ import annotations

import json
import threading

import pytest

from cookieaudit.batch.dask_runner import shipped_files, unpack_outcome
from cookieaudit.batch.local import Job
from cookieaudit.batch.sites import parse_site_list
from cookieaudit.batch.store import BatchStore
from cookieaudit.batch.unit import UnitRequest
from tests import needs
from tests.batch.dask_tasks import fake_or_dying_task

distributed = needs.module("distributed")


def test_killed_worker_is_a_failed_row_and_the_rest_is_written(tmp_path):
    import dask

    from cookieaudit.batch.dask_runner import run_dask

    specs = parse_site_list("www.goed.nl\nwww.sterft.nl\nwww.ookgoed.nl\n", as_csv=False)
    store = BatchStore(tmp_path)
    store.prepare()
    statement = tmp_path / "verklaring.html"
    statement.write_text("<h1>Cookies</h1>")
    jobs = [Job(spec, UnitRequest(site=spec.site, scan_args=("--statement", str(statement))),
                (lambda s=spec: store.new_workdir(s))) for spec in specs]
    finished, lost, notes = {}, {}, []
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        run_dask(jobs, "local", 2, on_started=lambda job: None,
                 on_finished=lambda job, outcome: finished.setdefault(job.spec.site, store.install(job.spec, outcome)),
                 on_lost=lambda job, error: lost.setdefault(job.spec.site, error), on_note=notes.append,
                 stop=threading.Event(), task=fake_or_dying_task)
    assert set(finished) == {"https://www.goed.nl/", "https://www.ookgoed.nl/"}
    assert list(lost) == ["https://www.sterft.nl/"] and "KilledWorker" in lost["https://www.sterft.nl/"]
    assert "LocalCluster: 2 worker process(es)" in notes[0]
    for spec in (specs[0], specs[2]):
        folder = store.site_dir(spec)
        assert json.loads((folder / "result.json").read_text())["site"] == spec.site
        assert (folder / "screenshots" / "after_reject" / "banner.png").read_bytes() == b"\x89PNG fake"
        assert finished[spec.site]["row"]["status"] == "ok"
        assert (folder / "scan.log").read_text() == f"received {statement}: 16 bytes"  # the statement file travelled
    assert not list(tmp_path.parent.glob("ontsnapt.txt")) and not list(tmp_path.rglob("ontsnapt.txt"))


def test_files_named_on_the_command_line_travel_with_the_task(tmp_path):
    statement = tmp_path / "verklaring.html"
    statement.write_bytes(b"<h1>Cookies</h1>")
    request = UnitRequest(site="https://www.goed.nl/", scan_args=("--statement", str(statement), "--pages", "5"))
    assert shipped_files(request) == {str(statement): b"<h1>Cookies</h1>"}
    assert shipped_files(UnitRequest(site="https://www.goed.nl/", scan_args=("--statement", "auto"))) == {}


def test_unpacked_outcome_is_what_a_local_unit_leaves(tmp_path):
    payload = fake_or_dying_task(UnitRequest(site="https://www.goed.nl/"))
    outcome = unpack_outcome(payload, tmp_path / "work")
    assert outcome.exit_code == 0 and outcome.seconds == 1.5
    assert json.loads(outcome.result_path.read_text())["site"] == "https://www.goed.nl/"
    assert (outcome.workdir / "screenshots" / "after_reject" / "banner.png").is_file()
    assert outcome.log_path.read_text() == ""
    assert not (tmp_path / "ontsnapt.txt").exists() and not (tmp_path.parent / "ontsnapt.txt").exists()


def test_the_nannys_numeric_tuning_is_not_passed_to_the_scan(monkeypatch):
    from cookieaudit.batch.dask_runner import _nanny_environ

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    monkeypatch.setenv("OMP_NUM_THREADS", "4")  # the user's own value: kept
    removed = _nanny_environ()
    assert removed.get("MALLOC_TRIM_THRESHOLD_", "kept") is None
    assert "OMP_NUM_THREADS" not in removed


def test_a_variable_set_to_none_is_removed_from_the_childs_environment(monkeypatch, tmp_path):
    from cookieaudit.batch.unit import _child_env

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    env = _child_env(UnitRequest(site="https://www.goed.nl/", env={"MALLOC_TRIM_THRESHOLD_": None, "EXTRA": "1"}),
                     "token", tmp_path)
    assert "MALLOC_TRIM_THRESHOLD_" not in env and env["EXTRA"] == "1" and env["TMPDIR"] == str(tmp_path)


def _fake_jobs(store, text):
    specs = parse_site_list(text, as_csv=False)
    return specs, [Job(spec, UnitRequest(site=spec.site), (lambda s=spec: store.new_workdir(s))) for spec in specs]


def test_a_running_scheduler_by_its_address(tmp_path):
    """--dask ADDRESS: the tasks go to the cluster behind the address, results come back to this disk."""
    from distributed import LocalCluster

    from cookieaudit.batch.dask_runner import run_dask

    store = BatchStore(tmp_path / "uit")
    store.prepare()
    specs, jobs = _fake_jobs(store, "www.goed.nl\nwww.ookgoed.nl\n")
    finished, notes = {}, []
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        run_dask(jobs, cluster.scheduler_address, 4, on_started=lambda job: None,
                 on_finished=lambda job, outcome: finished.setdefault(job.spec.site, store.install(job.spec, outcome)),
                 on_lost=lambda job, error: pytest.fail(error), on_note=notes.append, stop=threading.Event(),
                 task=fake_or_dying_task)
    assert notes[0] == f"Dask scheduler {cluster.scheduler_address}: 1 worker(s), 1 thread(s)"
    assert {site: record["row"]["status"] for site, record in finished.items()} == {s.site: "ok" for s in specs}
    assert all((store.site_dir(spec) / "result.json").is_file() for spec in specs)


def test_a_scheduler_that_does_not_answer_is_one_clear_error(tmp_path, monkeypatch):
    import socket

    from cookieaudit.batch import dask_runner
    from cookieaudit.errors import InputError

    monkeypatch.setattr(dask_runner, "CONNECT_TIMEOUT", "2s")
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{unused.getsockname()[1]}"
    store = BatchStore(tmp_path)
    _, jobs = _fake_jobs(store, "www.goed.nl\n")
    with pytest.raises(InputError, match=f"cannot connect to the Dask scheduler at {address}"):
        dask_runner.run_dask(jobs, address, 1, on_started=lambda job: None, on_finished=lambda *a: None,
                             on_lost=lambda *a: None, on_note=lambda note: None, stop=threading.Event(),
                             task=fake_or_dying_task)
