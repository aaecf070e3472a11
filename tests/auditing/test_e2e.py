"""The audit end to end, in Chromium against the local test web and the built-in demo site:
the demo's exact findings (and `audit` on its saved scan giving the same), the exit codes of
`scan` (3 for a 500 start page, every page failing, an unsafe port; 0 for a start page that
never fires load; 5 with a partial result for an internal error; 0 for a plain scan whatever it
saw), a statement that cannot be fetched, cookies carried over or rewritten after a refusal on
the second layer, and stable ids over two scans of a site with random cookie names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cookieaudit.auditing.model import AuditedResult
from cookieaudit.cli import main
from cookieaudit.options import ScanOptions
from cookieaudit.run import AuditSettings, scan_and_audit, statement_spec
from tests.testweb import Response, html

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
HOST = "www.auditstad.nl"
SITE = f"https://{HOST}/"

# The demo site's findings: (kind, severity, phase, sorted names). Pinned: a change here is a
# change of the demo (cookieaudit/demo) or of the audit, to be made on purpose.
DEMO_FINDINGS = sorted([
    ("undeclared-cookie", "error", None, ("BIGipServer~DEMO~pool_www.demodorp.nl_443",)),
    ("undeclared-cookie", "error", None, ("_fbp",)),
    ("undeclared-third-party", "error", None, ("www.facebook.com",)),
    ("undeclared-third-party", "error", None, ("IDE", "googleads.g.doubleclick.net", "stats.g.doubleclick.net")),
    ("undeclared-third-party", "error", None, ("connect.facebook.net",)),
    ("lifetime-exceeds-declared", "error", None, ("tekstgrootte",)),
    ("declared-session-but-persistent", "error", None, ("taalkeuze",)),
    ("claim-violated", "error", "before_consent", ("_fbp", "connect.facebook.net", "stats.g.doubleclick.net", "www.facebook.com")),
    ("set-before-consent", "error", "before_consent", ("www.facebook.com",)),
    ("set-before-consent", "error", "before_consent", ("stats.g.doubleclick.net",)),
    ("set-before-consent", "error", "before_consent", ("connect.facebook.net",)),
    ("set-before-consent", "error", "before_consent", ("_fbp",)),
    ("set-after-reject", "error", "after_reject", ("www.facebook.com",)),
    ("set-after-reject", "error", "after_reject", ("stats.g.doubleclick.net",)),
    ("set-after-reject", "error", "after_reject", ("connect.facebook.net",)),
    ("set-after-reject", "error", "after_reject", ("_fbp",)),
    ("unlisted-cookie-of-declared-service", "warning", None, ("_ga_DEMO12345",)),
    ("purpose-mismatch", "warning", None, ("VISITOR_INFO1_LIVE",)),
    ("purpose-mismatch", "warning", None, ("YSC",)),
    ("set-before-consent", "warning", "before_consent", ("_ga",)),
    ("set-before-consent", "warning", "before_consent", ("_ga_DEMO12345",)),
    ("set-before-consent", "warning", "before_consent", ("region1.google-analytics.com",)),
    ("set-before-consent", "warning", "before_consent", ("www.googletagmanager.com",)),
    ("set-after-reject", "warning", "after_reject", ("_ga",)),
    ("set-after-reject", "warning", "after_reject", ("_ga_DEMO12345",)),
    ("set-after-reject", "warning", "after_reject", ("region1.google-analytics.com",)),
    ("set-after-reject", "warning", "after_reject", ("www.googletagmanager.com",)),
    ("analytics-not-privacy-friendly", "warning", "before_consent", ("stats.g.doubleclick.net",)),
    ("analytics-not-privacy-friendly", "warning", "after_reject", ("stats.g.doubleclick.net",)),
    ("reject-not-on-first-layer", "warning", "after_reject", ()),
    ("unknown-cookie", "info", "before_consent", ("peiling_afvalkalender",)),
    ("declared-not-found", "info", None, ("_gid",)),
])


def _view(findings) -> list[tuple]:
    return sorted((f.kind, f.severity, f.phase, tuple(sorted(f.cookies + f.storage + f.hosts))) for f in findings)


def _run(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# -- the demo ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(chromium_path, tmp_path_factory):
    """`cookieaudit demo` once, as a user runs it: (exit code, stdout JSON, stderr, output dir)."""
    output_dir = tmp_path_factory.mktemp("demo") / "uitvoer"
    done = subprocess.run([sys.executable, "-m", "cookieaudit", "demo", "--output-dir", str(output_dir), "--format", "json",
                           "-q"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr, output_dir


def test_demo_gives_its_exact_findings(demo):
    code, out, err, output_dir = demo
    assert code == 1, err  # the demo site has errors: a CI job would fail
    result = AuditedResult.model_validate_json(out)
    assert _view(result.findings) == DEMO_FINDINGS
    assert result.complete and result.site == "https://www.demodorp.nl/"
    assert f"Result written to {output_dir / 'result.json'}" in err and "Traceback" not in err
    saved = AuditedResult.model_validate_json((output_dir / "result.json").read_text())
    assert [f.id for f in saved.findings] == [f.id for f in result.findings]
    assert sorted(p.name for p in (output_dir / "statement").iterdir()) == ["cookieverklaring.pdf", "privacyverklaring.html"]
    screenshot = next(p.banner.screenshot for p in saved.phases if p.name == "after_reject")
    assert (output_dir / screenshot).read_bytes()[:4] == b"\x89PNG"


def test_demo_evidence_is_complete(demo):
    result = AuditedResult.model_validate_json(demo[1])
    by_id = {f.id: f for f in result.findings}
    lifetime = by_id["lifetime-exceeds-declared:tekstgrootte"]
    assert lifetime.evidence.details["declared_days"] == 30 and lifetime.evidence.details["observed_days"] == 365
    assert lifetime.evidence.statement[0].source.endswith("privacyverklaring.html") and "tekstgrootte" in lifetime.evidence.statement[0].text
    fbp = by_id["set-after-reject:meta-pixel-fbp:after_reject"].evidence.observed[0]
    assert fbp.first_seen_url == "https://www.demodorp.nl/" and fbp.set_by.url.startswith("https://connect.facebook.net/")
    assert fbp.set_by.party == "third" and fbp.vendor == "Meta Pixel" and fbp.rule_id == "meta-pixel-fbp"
    banner = by_id["reject-not-on-first-layer:after_reject"].evidence.details
    assert banner["verified"] is True and [s.get("text") for s in banner["steps"]][:2] == ["Instellingen", "Alles weigeren"]
    assert result.audit.lang == "nl" and result.declaration.language == "nl"


def test_audit_of_the_saved_scan_gives_the_live_findings(demo, capsys):
    """`audit` on the saved result with the same statement files: the same findings, ids and messages."""
    _, out, _, output_dir = demo
    live = AuditedResult.model_validate_json(out)
    statement = output_dir / "statement"
    code, again_out, _ = _run(["audit", str(output_dir / "result.json"), "--statement", str(statement / "privacyverklaring.html"),
                               "--statement", str(statement / "cookieverklaring.pdf"), "--format", "json"], capsys)
    again = AuditedResult.model_validate_json(again_out)
    assert code == 1
    assert [(f.id, f.cookies, f.hosts, f.message) for f in again.findings] == [
        (f.id, f.cookies, f.hosts, f.message) for f in live.findings]


# -- exit codes of scan ---------------------------------------------------------------------
def test_500_start_page_is_exit_3_with_an_incomplete_result(testweb, chromium_path, tmp_path, capsys):
    testweb.route(HOST, "/", html("<h1>Storing</h1>", status=500, set_cookies=["sessie=1; Path=/; Secure"]))
    output = tmp_path / "result.json"
    code, out, err = _run(["scan", SITE, "--consent", "none", "--insecure", "-q", "--browser-arg", testweb.browser_args[0],
                           "-o", str(output), "--format", "json"], capsys)
    assert code == 3
    assert "the start page answered HTTP 500" in _one_line(err)
    data = json.loads(output.read_text())
    assert data["complete"] is False and any(e["kind"] == "site" and "HTTP 500" in e["message"] for e in data["errors"])


def test_every_page_failing_is_exit_3(testweb, chromium_path, tmp_path, capsys):
    host = "www.lusstad.nl"
    testweb.route(host, "/", Response(status=302, headers=[("Location", "/rond")]))
    testweb.route(host, "/rond", Response(status=302, headers=[("Location", "/")]))
    output = tmp_path / "result.json"
    code, _, err = _run(["scan", f"https://{host}/", "--consent", "none", "--insecure", "-q", "--browser-arg",
                         testweb.browser_args[0], "-o", str(output)], capsys)
    assert code == 3 and "every page failed" in _one_line(err)
    assert json.loads(output.read_text())["complete"] is False


def test_unsafe_port_is_exit_3_in_one_line(testweb, chromium_path, tmp_path, capsys):
    code, out, err = _run(["scan", f"https://{HOST}:6000/", "--consent", "none", "--insecure", "-q", "--browser-arg",
                           testweb.browser_args[0], "-o", str(tmp_path / "r.json")], capsys)
    assert code == 3 and "unsafe" in _one_line(err) and out == ""
    assert not (tmp_path / "r.json").exists()


def test_start_page_that_never_fires_load_is_scanned_as_far_as_rendered(testweb, chromium_path, tmp_path, capsys):
    host = "www.traagstad.nl"
    testweb.route(host, "/", html('<h1>Traag</h1><img src="/kaart.png">', set_cookies=["sessie=1; Path=/; Secure; HttpOnly"]))
    testweb.route(host, "/kaart.png", Response(b"", content_type="image/png", delay=20))
    output = tmp_path / "result.json"
    code, _, err = _run(["scan", f"https://{host}/", "--consent", "none", "--insecure", "-q", "--timeout", "3",
                         "--browser-arg", testweb.browser_args[0], "-o", str(output)], capsys)
    data = json.loads(output.read_text())
    assert code == 0, err
    assert data["complete"] is True and any(e["kind"] == "timeout" for e in data["errors"])
    assert "sessie" in {c["name"] for c in data["cookies"]}


def test_plain_scan_exits_0_whatever_it_saw_and_fail_on_asks_for_an_audit(testweb, chromium_path, tmp_path, capsys):
    host = "www.meetstad.nl"
    testweb.route(host, "/", html('<h1>Meetstad</h1><script>document.cookie = "_ga=GA1.1.1.1; max-age=63072000; path=/";</script>'))
    argv = ["scan", f"https://{host}/", "--consent", "none", "--insecure", "-q", "--browser-arg", testweb.browser_args[0],
            "--format", "json"]
    code, out, _ = _run(argv, capsys)
    result = AuditedResult.model_validate_json(out)
    assert code == 0 and result.audit.enforced is False
    assert [f.id for f in result.findings] == ["set-before-consent:ga-client-id:before_consent"]
    assert _run(argv + ["--fail-on", "error"], capsys)[0] == 1


def test_unfetchable_statement_is_a_finding_not_a_failure(testweb, chromium_path, tmp_path, capsys):
    host = "www.zonderverklaring.nl"
    testweb.route(host, "/", html("<h1>Welkom</h1>", set_cookies=["ASP.NET_SessionId=1; Path=/; Secure; HttpOnly"]))
    testweb.route(host, "/privacy", html("<h1>Niet gevonden</h1>", status=404))
    code, out, err = _run(["scan", f"https://{host}/", "--consent", "none", "--insecure", "-q", "--browser-arg",
                           testweb.browser_args[0], "--statement", f"https://{host}/privacy", "--format", "json"], capsys)
    result = AuditedResult.model_validate_json(out)
    found = [f for f in result.findings if f.kind == "statement-unreadable"]
    assert code == 0, err  # a warning: below --fail-on error
    assert [f.evidence.details["source"] for f in found] == [f"https://{host}/privacy"]
    assert "404" in found[0].evidence.details["reason"]
    assert result.declaration is None and result.audit.enforced is True


def test_internal_error_is_exit_5_with_the_partial_result(testweb, chromium_path, tmp_path, capsys, monkeypatch):
    """An unexpected exception inside the scan: the partial result is written, complete: false, exit 5, one line."""
    from cookieaudit.scanner import phase as phase_module

    host = "www.breukstad.nl"
    testweb.route(host, "/", html('<a href="/a">a</a><a href="/b">b</a>', title="Start", set_cookies=["eerste=1; Path=/; Secure"]))
    testweb.route(host, "/a", html("<p>a</p>", title="A"))
    testweb.route(host, "/b", html("<p>b</p>", title="B"))
    original = phase_module.Phase._collect_finished
    calls = []

    def breaks_on_the_second_page(self, done):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("kapot")
        return original(self, done)

    monkeypatch.setattr(phase_module.Phase, "_collect_finished", breaks_on_the_second_page)
    output = tmp_path / "partial.json"
    code, _, err = _run(["scan", f"https://{host}/", "--consent", "none", "--insecure", "-q", "--browser-arg",
                         testweb.browser_args[0], "-o", str(output)], capsys)
    assert code == 5
    assert "the scan broke off: RuntimeError: kapot; partial result written" in _one_line(err)
    data = json.loads(output.read_text())
    assert data["complete"] is False and any(e["kind"] == "internal" for e in data["errors"])
    assert "eerste" in {c["name"] for c in data["cookies"]} and data["findings"] is not None


# -- consent: a refusal on the second layer -----------------------------------------------
BANNER = """
<section id="melding" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:1em;z-index:999">
  <div class="een"><p>Wij gebruiken cookies voor statistieken.</p>
    <button id="ja">Accepteren</button> <button id="meer">Instellingen</button></div>
  <div class="twee" style="display:none"><p>Cookie-instellingen</p>
    <label><input type="checkbox" checked> Statistieken</label>
    <button id="nee">Alles weigeren</button></div>
</section>
<script>
  (function () {
    var box = document.getElementById("melding");
    if (/keuze=/.test(document.cookie)) { box.remove(); return; }
    function kies(w) { document.cookie = "keuze=" + w + "; max-age=31536000; path=/"; box.remove(); }
    document.getElementById("ja").onclick = function () { kies("ja"); };
    document.getElementById("meer").onclick = function () {
      box.querySelector(".een").style.display = "none"; box.querySelector(".twee").style.display = "block"; };
    document.getElementById("nee").onclick = function () { kies("nee"); };
  })();
</script>"""
# _ga is written on every page whatever the choice; _hjSessionUser_7 only when it is missing.
TRACKERS = """<script>
  document.cookie = "_ga=GA1.1.5.5; max-age=63072000; path=/";
  if (!/_hjSessionUser_7=/.test(document.cookie)) document.cookie = "_hjSessionUser_7=x; max-age=31536000; path=/";
</script>"""


def test_second_layer_refusal_and_cookies_rewritten_or_carried_over(testweb, chromium_path, tmp_path):
    host = "www.weigerstad.nl"
    testweb.route(host, "/", html(f'<h1>Weigerstad</h1><a href="/afval">Afval</a>{TRACKERS}{BANNER}', title="Home"))
    testweb.route(host, "/afval", html(f"<h1>Afval</h1>{TRACKERS}{BANNER}", title="Afval"))
    options = ScanOptions(consent="reject", insecure=True, browser_args=tuple(testweb.browser_args), pages=2,
                          output_dir=str(tmp_path))
    outcome = scan_and_audit(f"https://{host}/", options, AuditSettings())
    result = outcome.result
    kinds = {(f.kind, tuple(f.cookies)) for f in result.findings}
    assert ("reject-not-on-first-layer", ()) in kinds
    after = [f for f in result.findings if f.kind == "set-after-reject"]
    assert [f.cookies for f in after] == [["_ga"]]  # rewritten after the click; _hjSessionUser_7 only carried over
    assert result.phases[0].banner.verified is True and result.phases[0].banner.reject_on_first_layer is False


# -- stable ids ----------------------------------------------------------------------------
def test_ids_are_stable_over_two_scans_with_random_cookie_names(testweb, chromium_path):
    host = "www.willekeurstad.nl"
    testweb.route(host, "/", html("""<h1>Peiling</h1><script>
      var r = Math.random().toString(16).slice(2, 12);
      document.cookie = "poll_" + r + "=1; path=/";
      document.cookie = "_hjSession_" + Math.floor(Math.random() * 1e6) + "=x; max-age=1800; path=/";
    </script>"""))
    options = ScanOptions(consent="none", insecure=True, browser_args=tuple(testweb.browser_args), pages=1)
    runs = [scan_and_audit(f"https://{host}/", options, AuditSettings(statement=statement_spec(["none"]))).result
            for _ in range(2)]
    names = [sorted(c.name for c in r.cookies) for r in runs]
    assert names[0] != names[1]
    assert [f.id for f in runs[0].findings] == [f.id for f in runs[1].findings] == [
        "set-before-consent:hotjar-session:before_consent", "unknown-cookie:poll_#:before_consent"]
