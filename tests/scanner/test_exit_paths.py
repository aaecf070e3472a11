"""Every way a scan can end, from the command line: normal end, SIGINT, SIGTERM, a killed
browser, a killed Playwright driver, an output that cannot be written. Each leaves no
profile or temporary folder behind (the scan runs with a TMPDIR of its own, listed after
exit) and no browser process alive 10 s later (the process table is searched for that
TMPDIR), prints no traceback, and writes what it gathered.
"""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from tests.scanner.cli_process import Run, processes_mentioning
from tests.testweb import html, redirect

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def slow_site(testweb):
    """Nine pages that each take 0.6 s, so a test can act while the scan is on page 3."""
    host = "www.trageweg.nl"
    links = "".join(f'<a href="/p{i}">p{i}</a>' for i in range(1, 10))
    testweb.route(host, "/", html(links, title="Start", set_cookies=["eerste=1; Path=/; Secure"]))
    for i in range(1, 10):
        testweb.route(host, f"/p{i}", html(f"<p>{i}</p>", title=f"Pagina {i}", delay=0.6))
    return host


def _args(testweb, host: str, *extra: str) -> list[str]:
    return [f"https://{host}/", "--consent", "none", "--insecure", "-q", "--concurrency", "1",
            "--browser-arg", testweb.browser_args[0], *extra]


def _requested(testweb, host: str, since: int) -> int:
    return len([r for r in testweb.requests_to(host)[since:] if r.path.startswith("/p")])


@pytest.mark.parametrize(("signame", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_signal_records_in_flight_page_and_cleans_up(signame, code, slow_site, testweb, tmp_path):
    """A signal to the whole process group (browser and driver included): the partial result is
    written, the page in flight is 'interrupted' (not a navigation error), nothing is left."""
    output = tmp_path / "partial.json"
    before = len(testweb.requests_to(slow_site))
    run = Run(tmp_path, _args(testweb, slow_site, "--format", "json", "-o", str(output)))
    run.wait_until(lambda: _requested(testweb, slow_site, before) >= 3, "page 3")
    time.sleep(0.2)  # page 3 is in flight (it answers after 0.6 s)
    os.killpg(run.process.pid, getattr(signal, signame))
    assert run.finish() == code, run.err
    run.assert_clean_exit()
    data = json.loads(output.read_text())
    assert json.loads(run.out) == data  # stdout and -o carry the same JSON
    assert data["complete"] is False and data["interrupted"] == signame
    assert [p["title"] for p in data["pages"][:3]] == ["Start", "Pagina 1", "Pagina 2"]
    cut = [p for p in data["pages"] if p["duration_ms"] is None]
    assert cut and all(p["error"] == "interrupted" for p in cut)
    kinds = {e["url"]: e["kind"] for e in data["errors"] if e["url"]}
    assert all(kinds.get(p["url"]) == "interrupted" for p in cut)
    assert all(e["message"] == f"the page was being visited when {signame} stopped the scan"
               for e in data["errors"] if e["kind"] == "interrupted")
    assert not [e for e in data["errors"] if e["kind"] in ("navigation", "browser", "crash")]
    assert any(c["name"] == "eerste" for c in data["cookies"])


def test_cookies_of_the_page_in_flight_are_kept_when_the_scan_stops(testweb, tmp_path):
    """A cookie set on the page the signal cut off was never read back from the jar: it is kept as
    stored by inference (with the reason), not turned into a refusal."""
    host = "www.onderbroken-eval.nl"
    testweb.route(host, "/", html('<a href="/lang">lang</a>', title="Start", set_cookies=["eerste=1; Path=/; Secure"]))
    endless = (b"<p>.</p>" for _ in range(10_000))
    testweb.route(host, "/lang", html("<p>laden</p>", title="Lang", set_cookies=["onderweg=1; Path=/; Secure; Max-Age=86400"],
                                      stream=endless, chunk_delay=0.2))
    output = tmp_path / "partial.json"
    run = Run(tmp_path, _args(testweb, host, "--format", "json", "-o", str(output)))
    run.wait_until(lambda: any(r.path == "/lang" for r in testweb.requests_to(host)), "the endless page")
    time.sleep(1.0)  # its headers (and cookie) have arrived; the body never ends
    os.killpg(run.process.pid, signal.SIGTERM)
    assert run.finish() == 143, run.err
    data = json.loads(output.read_text())
    cookies = {c["name"]: c for c in data["cookies"]}
    assert cookies["eerste"]["stored"] is True and cookies["eerste"]["reason"] is None
    onderweg = cookies["onderweg"]
    assert onderweg["stored"] is True and onderweg["reason_source"] == "inferred"
    assert onderweg["reason"].startswith("not read back") and onderweg["max_age_days"] == 1
    assert onderweg["set_by"]["kind"] == "header" and onderweg["first_seen_url"].endswith("/lang")


def test_killed_driver_writes_partial_result_and_exits_5(slow_site, testweb, tmp_path):
    """The Playwright driver dies mid-scan: one line, exit 5, the partial result on stdout and in -o."""
    output = tmp_path / "partial.json"
    before = len(testweb.requests_to(slow_site))
    run = Run(tmp_path, _args(testweb, slow_site, "--format", "json", "-o", str(output)))
    run.wait_until(lambda: _requested(testweb, slow_site, before) >= 3 and run.driver(), "page 3")
    for pid in run.driver():
        os.kill(pid, signal.SIGKILL)
    assert run.finish() == 5, run.err
    run.assert_clean_exit()
    lines = [line for line in run.err.decode().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("cookieaudit: error: ") and "driver" in lines[0]
    data = json.loads(output.read_text())
    assert json.loads(run.out) == data
    assert data["complete"] is False
    assert [p["title"] for p in data["pages"][:2]] == ["Start", "Pagina 1"]
    assert any(e["kind"] == "browser" and "driver" in e["message"] for e in data["errors"])


def test_killed_browser_is_restarted_and_leaves_nothing(testweb, tmp_path):
    """The browser is killed mid-scan: restarted on the same profile, the restart recorded, the
    scan completes (exit 0), and every profile (also the restarted one) is gone afterwards."""
    host = "www.herstartstad.nl"
    testweb.route(host, "/", html('<a href="/a">a</a><a href="/b">b</a><a href="/c">c</a>', title="Start"))
    testweb.route(host, "/a", html("<p>a</p>", title="A", delay=0.6))
    testweb.route(host, "/b", html("<p>b</p>", title="B", delay=0.6))
    testweb.route(host, "/c", html("<p>c</p>", title="C", set_cookies=["na=1; Path=/; Secure"]))
    output = tmp_path / "scan.json"
    before = len(testweb.requests_to(host))
    run = Run(tmp_path, _args(testweb, host, "-o", str(output), "--timeout", "5"))

    def browser() -> list[int]:
        return [pid for pid, cmdline in processes_mentioning(str(run.tmpdir)) if "--type=" not in cmdline and "chrom" in cmdline]

    run.wait_until(lambda: [r for r in testweb.requests_to(host)[before:] if r.path == "/a"] and browser(), "page /a")
    for pid in browser():
        os.kill(pid, signal.SIGKILL)
    assert run.finish() == 0, run.err
    run.assert_clean_exit()
    data = json.loads(output.read_text())
    assert data["complete"] is True and data["phases"][0]["browser_restarts"] == 1
    assert any(e["kind"] == "browser" for e in data["errors"])
    assert [p["title"] for p in data["pages"] if p["url"].endswith("/c")] == ["C"]


def test_unwritable_output_is_refused_before_the_scan(testweb, tmp_path):
    """-o in a folder that does not exist: one line, exit 2, and no browser was started."""
    run = Run(tmp_path, _args(testweb, "www.trageweg.nl", "-o", str(tmp_path / "nope" / "x.json")))
    assert run.finish(60) == 2
    assert run.err.decode().strip().startswith("cookieaudit: error: cannot write")
    assert len(run.err.decode().strip().splitlines()) == 1
    run.assert_clean_exit()


def test_disk_full_still_prints_the_json(testweb, tmp_path):
    """-o on a full disk with --format json: the JSON on stdout, then one line and exit 2."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    host = "www.volschijf.nl"
    testweb.route(host, "/", html("<p>vol</p>", title="Vol"))
    run = Run(tmp_path, _args(testweb, host, "--pages", "1", "--format", "json", "-o", "/dev/full"))
    assert run.finish() == 2
    assert json.loads(run.out)["pages"][0]["title"] == "Vol"
    assert run.err.decode().strip() == "cookieaudit: error: cannot write /dev/full: disk full"
    run.assert_clean_exit()


def test_output_file_is_the_same_json_whatever_the_format(testweb, tmp_path):
    """--format table prints tables, and -o still writes the full JSON result."""
    host = "www.tabelstad.nl"
    testweb.route(host, "/", html("<p>t</p>", title="Tabel", set_cookies=["t=1; Path=/; Secure"]))
    output = tmp_path / "scan.json"
    run = Run(tmp_path, _args(testweb, host, "--pages", "1", "-o", str(output)))
    assert run.finish() == 0
    assert b"www.tabelstad.nl" in run.out and not run.out.lstrip().startswith(b"{")
    data = json.loads(output.read_text())
    assert data["pages"][0]["title"] == "Tabel" and data["cookies"][0]["name"] == "t"
    run.assert_clean_exit()


def test_start_url_redirecting_to_another_site(testweb, tmp_path):
    """The start URL redirects to another site: that site is audited (its links followed, its
    cookies first-party), both sites are recorded, exit 0."""
    testweb.route("www.oudestad.nl", "/", redirect("https://www.nieuwestad.nl/welkom"))
    testweb.route("www.nieuwestad.nl", "/welkom", html('<a href="/contact">contact</a>', title="Welkom",
                                                         set_cookies=["sessie=1; Path=/; Secure"]))
    testweb.route("www.nieuwestad.nl", "/contact", html("<p>contact</p>", title="Contact"))
    output = tmp_path / "scan.json"
    run = Run(tmp_path, _args(testweb, "www.oudestad.nl", "-o", str(output)))
    assert run.finish() == 0, run.err
    data = json.loads(output.read_text())
    assert data["requested_site"] == "https://www.oudestad.nl/"
    assert data["site"] == "https://www.nieuwestad.nl/welkom"
    assert [p["title"] for p in data["pages"]] == ["Welkom", "Contact"]
    assert data["pages"][0]["redirect_chain"] == ["https://www.oudestad.nl/"]
    sessie = next(c for c in data["cookies"] if c["name"] == "sessie")
    assert sessie["party"] == "first"
    assert not [g for g in data["requests"] if g["domain"] == "nieuwestad.nl"]
    run.assert_clean_exit()


def test_redirect_to_a_listed_page_is_one_page(testweb, tmp_path):
    """A link that redirects to another page of the list: that page is visited once, shown with
    the redirect chain, whichever of the two links comes first."""
    host = "www.omleidstad.nl"
    testweb.route(host, "/", html('<a href="/oud">oud</a><a href="/nieuw">nieuw</a><a href="/ander">ander</a>'
                                  '<a href="/oud2">oud2</a>', title="Start"))
    testweb.route(host, "/oud", redirect("/nieuw"))
    testweb.route(host, "/oud2", redirect("/ander"))
    testweb.route(host, "/nieuw", html("<p>nieuw</p>", title="Nieuw"))
    testweb.route(host, "/ander", html("<p>ander</p>", title="Ander"))
    output = tmp_path / "scan.json"
    before = len(testweb.requests_to(host))
    run = Run(tmp_path, _args(testweb, host, "-o", str(output)))
    assert run.finish() == 0, run.err
    pages = json.loads(output.read_text())["pages"]
    site = f"https://{host}/"
    assert [(p["url"], p["final_url"], p["redirect_chain"]) for p in pages] == [
        (site, site, []),
        (site + "oud", site + "nieuw", [site + "oud"]),  # /nieuw comes later in the list: not visited again
        (site + "ander", site + "ander", [site + "oud2"]),  # /oud2 comes after /ander: merged into it
    ]
    fetched = [r.path for r in testweb.requests_to(host)[before:]]
    assert fetched.count("/nieuw") == 1
