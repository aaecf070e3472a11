"""``cookieaudit batch`` against the local test web: several sites on their own host names (one
unreachable, one that hangs, one with a banner, one without a statement link), the summary rows
and columns, the long cookie table, the Dask LocalCluster, and resuming an interrupted batch.

The batch runs as ``python -m cookieaudit batch`` (cwd = the repository root), as a user runs it.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cookieaudit.auditing.model import FINDING_KINDS
from cookieaudit.batch.rows import COOKIE_COLUMNS, SUMMARY_COLUMNS
from cookieaudit.batch.unit import TOKEN_VARIABLE
from cookieaudit.statement.discover import discover_statement
from tests import needs
from tests.batch.websites import browser_switch, install

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SITE_TIMEOUT = 90  # the hanging site is stopped by this; every other site finishes well within it
# Not compared between two runs: times, and the page count, which on a starved machine can lose a
# page whose links could not be read in time (the crawl's own tests pin it; every cookie of these
# sites is set on the start page, so the other columns do not depend on it).
TIMING_COLUMNS = ("seconds", "started_at", "pages")


def batch(args, *, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cookieaudit", "batch", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def scan_options(testweb, sites) -> list[str]:
    return ["--pages", "2", "--insecure", "--browser-arg", browser_switch(testweb, sites),
            "--timeout", str(SITE_TIMEOUT + 30), "--site-timeout", str(SITE_TIMEOUT)]


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def unit_processes(under: Path) -> list[str]:
    """Processes of batch units (browsers included) whose work folder is under ``under``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"{TOKEN_VARIABLE}=".encode() not in (entry / "environ").read_bytes():
                continue
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if cwd.startswith(str(under)):
            found.append(f"{entry.name}: {(entry / 'cmdline').read_bytes()[:120]!r}")
    return found


@pytest.fixture(scope="module")
def sites(testweb):
    return install(testweb)


@pytest.fixture(scope="module")
def site_list(sites, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lijst") / "gemeenten.csv"
    path.write_text("name,site,pages\n"
                    f"Bannerstad,{sites.banner},3\n"
                    f"Zonderlink,{sites.no_link},\n"
                    f"Hangt,{sites.hangs},\n"
                    f"Onbereikbaar,{sites.unreachable},\n"
                    f"Rustig,{sites.quiet},\n"
                    "Kapot,niet een url,\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def two_workers(testweb, chromium_path, sites, site_list, tmp_path_factory):
    """One batch of the five sites with --workers 2: (process, output folder)."""
    out = tmp_path_factory.mktemp("batch") / "uit"
    done = batch([str(site_list), "--output-dir", str(out), "--workers", "2", *scan_options(testweb, sites)])
    return done, out


def test_summary_has_a_row_per_line_with_every_column(two_workers, sites):
    done, out = two_workers
    assert "Traceback" not in done.stderr, done.stderr
    rows = read_csv(out / "summary.csv")
    assert list(rows[0]) == list(SUMMARY_COLUMNS)
    assert [r["name"] for r in rows] == ["Bannerstad", "Zonderlink", "Hangt", "Onbereikbaar", "Rustig", "Kapot"]
    assert [r["line"] for r in rows] == ["2", "3", "4", "5", "6", "7"]
    by_name = {r["name"]: r for r in rows}
    assert {name: r["status"] for name, r in by_name.items()} == {
        "Bannerstad": "ok", "Zonderlink": "ok", "Hangt": "incomplete", "Onbereikbaar": "failed", "Rustig": "ok", "Kapot": "failed"}, rows

    banner = by_name["Bannerstad"]
    assert banner["exit_code"] in ("0", "1") and banner["error"] == "" and banner["complete"] == "true"
    assert banner["pages"] == "3"  # the list's pages column beats --pages 2
    assert banner["cmp"] == "generic"
    assert banner["trackers_before_consent"] == "0" and banner["trackers_after_reject"] == "0"
    assert int(banner["trackers_after_accept"]) >= 1
    assert banner["result_path"] == f"sites/{sites.banner}/result.json" and (out / banner["result_path"]).is_file()
    assert float(banner["seconds"]) > 0
    # --statement auto (the default): the footer's "Cookieverklaring", read and audited against
    assert banner["statement_url"] == f"https://{sites.banner}/cookieverklaring"
    assert banner["statement_link_text"] == "Cookieverklaring"
    assert banner["set-before-consent"] == "0" and banner["set-after-reject"] == "0"
    assert banner["statement-unreadable"] == "0" and banner["undeclared-cookie"] == "0"
    counts = [int(banner[f"findings_{severity}"]) for severity in ("error", "warning", "info")]
    kinds = sum(int(banner[kind]) for kind in FINDING_KINDS)
    assert sum(counts) == kinds

    no_link = by_name["Zonderlink"]
    assert no_link["cmp"] == "none" and int(no_link["trackers_before_consent"]) >= 1
    assert no_link["statement_url"] == "" and no_link["statement_link_text"] == ""
    assert int(no_link["no-banner-but-tracking"]) >= 1 and int(no_link["findings_error"]) >= 1
    assert no_link["exit_code"] == "1"  # findings at or above --fail-on (error)

    quiet = by_name["Rustig"]
    assert quiet["cookies_before_consent"] == "0" and quiet["trackers_before_consent"] == "0"
    assert quiet["statement_url"] == f"https://{sites.quiet}/privacyverklaring" and quiet["findings_error"] == "0"

    hangs = by_name["Hangt"]
    assert hangs["exit_code"] == "143" and hangs["complete"] == "false"
    assert hangs["error"] == f"site timeout: stopped after {SITE_TIMEOUT} s"
    assert float(hangs["seconds"]) >= SITE_TIMEOUT

    unreachable = by_name["Onbereikbaar"]
    assert unreachable["exit_code"] == "3" and "ERR_NAME_NOT_RESOLVED" in unreachable["error"]
    assert unreachable["result_path"] == "" and unreachable["pages"] == ""
    assert not (out / "sites" / sites.unreachable / "result.json").exists()

    broken = by_name["Kapot"]  # a bad line of the list: its row says why, the batch went on
    assert broken["site"] == "niet een url" and broken["error"].startswith("line 7: invalid URL")
    assert broken["exit_code"] == "" and broken["result_path"] == ""

    assert done.returncode == 1, done.stderr  # a site with findings at or above --fail-on beats the failed ones (3)

    jsonl = read_jsonl(out / "summary.jsonl")
    assert [r["name"] for r in jsonl] == [r["name"] for r in rows]
    assert jsonl[2]["complete"] is False and jsonl[3]["exit_code"] == 3 and jsonl[0]["pages"] == 3


def test_long_cookie_table(two_workers, sites):
    _, out = two_workers
    rows = read_csv(out / "cookies.csv")
    assert list(rows[0]) == list(COOKIE_COLUMNS)
    seen = {(r["site"], r["phase"], r["name"]) for r in rows}
    banner, no_link = f"https://{sites.banner}/", f"https://{sites.no_link}/"
    for phase in ("before_consent", "after_reject", "after_accept"):
        assert (banner, phase, "PHPSESSID") in seen
    assert (banner, "after_accept", "_ga") in seen
    assert (banner, "before_consent", "_ga") not in seen and (banner, "after_reject", "_ga") not in seen
    assert (banner, "after_reject", "cookie_toestemming") in seen
    assert (no_link, "before_consent", "_ga") in seen
    assert not [r for r in rows if sites.quiet in r["site"] or sites.unreachable in r["site"]]
    ga = next(r for r in rows if r["site"] == banner and r["name"] == "_ga")
    assert (ga["domain"], ga["party"], ga["purpose"], ga["vendor"]) == ("bannerstad.nl", "first", "analytic", "Google Analytics")
    assert float(ga["max_age_days"]) == pytest.approx(730, abs=1) and float(ga["stored_max_age_days"]) <= 400
    session = next(r for r in rows if r["site"] == banner and r["name"] == "PHPSESSID")
    assert session["session"] == "true" and session["max_age_days"] == "" and session["line"] == "2"
    summary = {r["site"]: r for r in read_csv(out / "summary.csv")}
    for site in (banner, no_link):
        assert sum(r["site"] == site and r["phase"] == "before_consent" for r in rows) == int(summary[site]["cookies_before_consent"])
    pq = needs.module("pyarrow.parquet")
    table = pq.read_table(out / "cookies.parquet")
    assert table.num_rows == len(rows) and table.column_names == list(COOKIE_COLUMNS)


def test_site_folders_and_the_start_pages_links(two_workers, sites):
    _, out = two_workers
    folder = out / "sites" / sites.banner
    assert {"result.json", "site.json", "scan.log", "report.html", "screenshots"} <= {p.name for p in folder.iterdir()}
    assert sites.banner in (folder / "report.html").read_text(encoding="utf-8")  # --report html, the default
    assert not [p for p in (out / "sites").rglob(".work-*")]
    result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    banner_phase = next(p for p in result["phases"] if p["name"] == "after_reject")["banner"]
    assert banner_phase["detected"] and banner_phase["screenshot"] and (folder / banner_phase["screenshot"]).is_file()
    start = next(p for p in result["pages"] if p["source"] == "start" and p["phase"] == "before_consent")
    links = {(link["url"], link["text"], link["area"]) for link in start["links"]}
    assert (f"https://{sites.banner}/cookieverklaring", "Meer informatie", "banner") in links
    assert (f"https://{sites.banner}/cookieverklaring", "Cookieverklaring", "footer") in links
    assert (f"https://{sites.banner}/afval", "Afval", "nav") in links
    found = discover_statement(start["links"], result["site"])
    assert (found.url, found.text, found.area) == (f"https://{sites.banner}/cookieverklaring", "Cookieverklaring", "footer")
    assert result["audit"]["statement_discovery"]["url"] == found.url and "footer link" in result["audit"]["statement_discovery"]["reason"]
    assert {c["pattern"] for c in result["declaration"]["cookies"]} >= {"PHPSESSID", "_ga"}
    no_link = json.loads((out / "sites" / sites.no_link / "result.json").read_text(encoding="utf-8"))
    assert discover_statement(no_link["pages"][0]["links"], no_link["site"]).url is None
    assert no_link["audit"]["statement_discovery"]["url"] is None and no_link["declaration"] is None
    hangs = json.loads((out / "sites" / sites.hangs / "result.json").read_text(encoding="utf-8"))
    assert hangs["complete"] is False and hangs["interrupted"] == "SIGTERM"
    record = json.loads((out / "sites" / sites.unreachable / "site.json").read_text(encoding="utf-8"))
    assert record["row"]["status"] == "failed"
    info = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert info["workers"] == 2 and info["counts"] == {"ok": 3, "failed": 2, "incomplete": 1}


def test_no_process_of_any_site_outlives_the_batch(two_workers):
    _, out = two_workers
    assert unit_processes(out.parent) == []


def test_progress_lines_without_a_terminal(two_workers, sites):
    done, _ = two_workers
    lines = [line for line in done.stderr.splitlines() if line.startswith("cookieaudit: [")]
    assert len(lines) == 5 and {line.split("]")[0] for line in lines} == {f"cookieaudit: [{n}/5" for n in range(1, 6)}
    assert any(f"incomplete https://{sites.hangs}/" in line and "site timeout" in line for line in lines)
    assert "6 sites: 3 ok, 1 incomplete, 2 failed" in done.stderr
    assert "1 line(s) of the list cannot be scanned (failed rows): line 7: invalid URL" in done.stderr


def _comparable(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in TIMING_COLUMNS} for row in rows]


def test_dask_local_cluster_gives_the_same_rows_as_two_workers(two_workers, testweb, sites, site_list, tmp_path):
    needs.module("distributed")
    local_done, local_out = two_workers
    out = tmp_path / "dask"
    done = batch([str(site_list), "--output-dir", str(out), "--dask", "local", "--workers", "2",
                  *scan_options(testweb, sites)])
    assert "Traceback" not in done.stderr, done.stderr
    assert "Dask LocalCluster: 2 worker process(es)" in done.stderr
    assert done.returncode == local_done.returncode
    assert _comparable(read_jsonl(out / "summary.jsonl")) == _comparable(read_jsonl(local_out / "summary.jsonl"))
    assert read_csv(out / "cookies.csv") == read_csv(local_out / "cookies.csv")
    assert (out / "sites" / sites.banner / "report.html").is_file()  # artefacts came back from the worker
    assert (out / "sites" / sites.banner / "screenshots").is_dir()
    assert unit_processes(out) == []


def _wait_for_records(out: Path, count: int, process: subprocess.Popen, timeout: float = 300) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = sorted(p.parent.name for p in (out / "sites").glob("*/site.json"))
        if len(records) >= count:
            return records
        assert process.poll() is None, process.communicate()
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} sites finished within {timeout} s")


def _start_requests(testweb, host: str) -> int:
    return sum(1 for request in testweb.requests_to(host) if request.path == "/")


def test_interrupted_batch_resumes_without_scanning_anything_twice(testweb, chromium_path, sites, tmp_path):
    """Ctrl-C (SIGINT) after the first site, SIGKILL after the next; each rerun skips what is complete and loses nothing."""
    hosts = [sites.banner, sites.quiet, sites.second_quiet, sites.no_link]
    listing = tmp_path / "lijst.txt"
    listing.write_text("".join(f"{host}\n" for host in hosts), encoding="utf-8")
    out = tmp_path / "uit"
    command = [sys.executable, "-m", "cookieaudit", "batch", str(listing), "--output-dir", str(out), "--workers", "1",
               *scan_options(testweb, sites)]

    # 1. SIGINT once the first site is complete: exit 130, summaries written, a row for every line.
    first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    [finished] = _wait_for_records(out, 1, first)
    first.send_signal(signal.SIGINT)
    _, stderr = first.communicate(timeout=120)
    assert first.returncode == 130, stderr
    assert "interrupted by SIGINT" in stderr and "Traceback" not in stderr
    rows = read_csv(out / "summary.csv")
    assert [r["site"] for r in rows] == [f"https://{host}/" for host in hosts]
    statuses = [r["status"] for r in rows]
    assert statuses[0] == "ok" and set(statuses[1:]) <= {"incomplete", "failed"}
    assert any("not scanned: the batch was interrupted" in r["error"] for r in rows[1:])
    complete = {r["site"] for r in rows if r["status"] == "ok"}
    assert unit_processes(out) == []

    # 2. SIGKILL (nothing can be written at that moment) once one more site is complete.
    before = {host: _start_requests(testweb, host) for host in hosts}
    second = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ok = {r["row"]["site"] for r in (json.loads(p.read_text()) for p in (out / "sites").glob("*/site.json"))
              if r["row"]["status"] == "ok"}
        if len(ok) > len(complete):
            break
        assert second.poll() is None, second.communicate()
        time.sleep(0.2)
    second.kill()
    second.communicate(timeout=60)
    for site in complete:  # complete in run 1: not visited again
        assert _start_requests(testweb, site.split("/")[2]) == before[site.split("/")[2]], site
    complete = ok
    # The running scan stops by itself once its batch is gone (SIGTERM from the kernel: it writes its
    # partial result and closes its browsers, which on a starved machine takes a while).
    deadline = time.monotonic() + 240
    while unit_processes(out) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert unit_processes(out) == []

    # 3. The rerun finishes the rest and rescans nothing complete.
    before = {host: _start_requests(testweb, host) for host in hosts}
    third = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert third.returncode == 1, third.stderr  # www.zonderlink.nl tracks without a banner
    assert f"{len(complete)} site(s) already complete" in third.stderr
    for host in hosts:
        rescanned = _start_requests(testweb, host) > before[host]
        assert rescanned == (f"https://{host}/" not in complete), host
    rows = read_csv(out / "summary.csv")
    assert [r["status"] for r in rows] == ["ok"] * 4
    assert len({r["site"] for r in read_csv(out / "cookies.csv")}) == 2  # every site but the two cookie-free ones
    assert not [p for p in (out / "sites").rglob(".work-*")]
