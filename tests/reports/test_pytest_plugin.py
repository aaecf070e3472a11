"""The pytest plugin, run by pytester in a subprocess against the local test web.

The plugin is loaded with ``-p cookieaudit.pytest_plugin`` unless the installed package already
registers it through its ``pytest11`` entry point; the subprocess imports this source tree.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import chromium_switches
from tests.testweb import Response, html

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
HOST = "www.plugintest.nl"
SITE = f"https://{HOST}/"
GTAG = "https://www.googletagmanager.com/gtag/js?id=G-PLUGIN01"

BANNER = """
<div class="cookiemelding" style="position:fixed;bottom:0;left:0;right:0;z-index:9999;background:#fff;padding:1em">
  <p>Wij gebruiken cookies. Mogen wij analytische cookies plaatsen?</p>
  <button id="ja">Accepteren</button> <button id="nee">Weigeren</button>
</div>
<script>
  const kies = (waarde) => {
    document.cookie = "cookie_toestemming=" + waarde + "; max-age=31536000; path=/";
    document.querySelector(".cookiemelding").remove();
    if (waarde === "ja") { const s = document.createElement("script"); s.src = "/assets/ads.js"; document.head.append(s); }
  };
  if (document.cookie.includes("cookie_toestemming")) document.querySelector(".cookiemelding").remove();
  document.getElementById("ja").onclick = () => kies("ja");
  document.getElementById("nee").onclick = () => kies("nee");
</script>"""


@pytest.fixture(scope="module")
def site(testweb):
    """A site whose analytics run before consent (a header cookie, a script cookie, a tracker request)."""
    testweb.route(HOST, "/", html(f'<h1>Plugintest</h1><a href="/schoon">Schoon</a><script src="{GTAG}"></script>'
                                  f'<script>localStorage.setItem("voorkeur", "1")</script>{BANNER}', title="Home",
                                  set_cookies=["PHPSESSID=1; Path=/; Secure; HttpOnly"]))
    testweb.route(HOST, "/schoon", html("<h1>Schoon</h1>", title="Schoon"))
    testweb.route(HOST, "/assets/ads.js", Response('document.cookie = "_fbp=fb.1.1.1; max-age=7776000; path=/";',
                                                   content_type="application/javascript"))
    testweb.route("www.googletagmanager.com", "/gtag/js", Response(
        'document.cookie = "_ga=GA1.1.42.42; max-age=63072000; path=/";',
        content_type="application/javascript"))
    return testweb


def _plugin_installed() -> bool:
    return any(ep.value == "cookieaudit.pytest_plugin" for ep in importlib.metadata.entry_points(group="pytest11"))


@pytest.fixture
def runner(pytester, site, chromium_path, monkeypatch):
    """Run pytest in a subprocess with the plugin and a conftest pointing pytest-playwright at our Chromium."""
    pytester.makeconftest(f"""
import pytest

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {{**browser_type_launch_args, "executable_path": {chromium_path!r}, "args": {chromium_switches(site)!r}}}

@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {{**browser_context_args, "ignore_https_errors": True}}
""")
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    plugin = [] if _plugin_installed() else ["-p", "cookieaudit.pytest_plugin"]

    def run(*args):
        return pytester.runpytest_subprocess(*plugin, "-p", "no:cacheprovider", *args, timeout=300)

    return run


def test_entry_point_is_declared():
    """pyproject registers the plugin in the pytest11 group, and importing it loads nothing heavy."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["entry-points"]["pytest11"] == {"cookieaudit": "cookieaudit.pytest_plugin"}
    import subprocess

    code = ("import sys, cookieaudit.pytest_plugin; "
            "heavy = [m for m in ('playwright', 'cookieaudit.scanner.phase', 'cookieaudit.testing', 'jinja2', 'yaml') if m in sys.modules]; "
            "print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_fixture_reports_tracking_before_consent(runner, pytester):
    """assert_no_tracking_before_consent fails with the offending cookies, their setters and the tracker;
    cookies(), trackers(), storage() and accept() work on the team's own page."""
    pytester.makepyfile(test_site=f"""
import pytest

def test_tracking_before_consent(page, cookie_audit):
    page.goto({SITE!r})
    cookie_audit.assert_no_tracking_before_consent()

def test_clean_page(page, cookie_audit):
    page.goto({SITE + "schoon"!r})
    cookie_audit.assert_no_tracking_before_consent()
    assert cookie_audit.cookies(purpose="analytic") == []

def test_queries(page, cookie_audit):
    page.goto({SITE!r})
    names = {{c.name: c for c in cookie_audit.cookies(phase="before_consent")}}
    assert set(names) >= {{"PHPSESSID", "_ga"}}
    assert names["_ga"].purpose == "analytic" and names["_ga"].set_by.kind == "script"
    assert names["_ga"].set_by.url == {GTAG!r}
    assert names["_ga"].max_age_days == 730
    assert names["PHPSESSID"].set_by.kind == "header" and names["PHPSESSID"].purpose == "functional"
    assert [c.name for c in cookie_audit.cookies(purpose="analytic")] == ["_ga"]
    trackers = cookie_audit.trackers(phase="before_consent")
    assert [g.domain for g in trackers] == ["googletagmanager.com"] and trackers[0].count == 1
    assert [(e.kind, e.key) for e in cookie_audit.storage()] == [("localStorage", "voorkeur")]
    outcome = cookie_audit.accept()
    assert outcome.verified
    page.reload()
    after = {{c.name for c in cookie_audit.cookies(phase="after_accept")}}
    assert "_fbp" in after and "cookie_toestemming" in after
    assert cookie_audit.cookies(purpose="marketing", phase="before_consent") == []
""")
    result = runner("-q", "test_site.py")
    result.assert_outcomes(passed=2, failed=1)
    text = result.stdout.str()
    assert "tracking before consent on https://www.plugintest.nl/" in text
    assert "cookie _ga (" in text and f"set by script {GTAG}" in text
    assert "tracker googletagmanager.com" in text
    assert "cookie PHPSESSID" not in text  # functional: not tracking


STATEMENT = """<html><body><h1>Privacyverklaring</h1><h2>Cookies</h2>
<table><tr><th>Naam</th><th>Doel</th><th>Bewaartermijn</th></tr>
<tr><td>PHPSESSID</td><td>Functioneel: houdt uw sessie bij</td><td>Sessie</td></tr>
<tr><td>_ga</td><td>Analytisch: Google Analytics</td><td>2 jaar</td></tr>
<tr><td>cookie_toestemming</td><td>Functioneel: onthoudt uw keuze</td><td>1 jaar</td></tr>
</table></body></html>"""


def test_full_audit_as_test_items(runner, pytester, site):
    """--cookieaudit-url runs scan + statement + audit once and adds one item per check; the check that
    found analytics before consent fails with its evidence, the others pass; results and reports are kept."""
    statement = pytester.path / "privacy.html"
    statement.write_text(STATEMENT, encoding="utf-8")
    pytester.makepyfile(test_nothing="def test_own():\n    assert True\n")
    output = pytester.path / "audit-out"
    args = ["-q", "-rf", f"--cookieaudit-url={SITE}", f"--cookieaudit-statement={statement}", "--cookieaudit-insecure",
            f"--cookieaudit-browser-arg={site.browser_args[0]}", "--cookieaudit-pages=2", "--cookieaudit-consent=none",
            "--cookieaudit-lang=en", f"--cookieaudit-output-dir={output}"]
    result = runner(*args)
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 1 and outcomes.get("passed", 0) >= 5, result.stdout.str()
    text = result.stdout.str()
    failed = [line for line in text.splitlines() if line.startswith("FAILED ")]
    assert any("before_consent::set-before-consent[" in line for line in failed), failed
    assert "set-before-consent (error)" in text and "_ga" in text
    assert not any("PHPSESSID" in line for line in failed)
    assert (output / "result.json").is_file() and (output / "report.html").is_file()
    listed = runner("--collect-only", "-q", *args[2:]).stdout.str()
    assert f"cookieaudit[{SITE}]::before_consent::set-before-consent[" in listed


def test_full_audit_of_an_unreachable_site_is_one_collection_error(runner, pytester):
    """A site that cannot be reached: one collection error naming it, no traceback."""
    pytester.makepyfile(test_nothing="def test_own():\n    assert True\n")
    result = runner("-q", "--cookieaudit-url=https://unreachable.invalid/", "--cookieaudit-consent=none",
                    "--cookieaudit-browser-arg=--host-resolver-rules=MAP * ~NOTFOUND")
    text = result.stdout.str()
    assert result.ret != 0 and "cookieaudit: cannot reach https://unreachable.invalid/" in text, text
    assert "Traceback" not in text


def test_full_audit_output_dir_is_checked_before_the_scan(runner, pytester, tmp_path):
    """An --cookieaudit-output-dir that cannot be made is one collection error before any browser starts
    (the scan ran first and its result was lost to an OSError traceback)."""
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map", encoding="utf-8")
    pytester.makepyfile(test_nothing="def test_own():\n    assert True\n")
    result = runner("-q", f"--cookieaudit-url={SITE}", "--cookieaudit-consent=none",
                    f"--cookieaudit-output-dir={blocker / 'audit'}",
                    "--cookieaudit-browser-arg=--host-resolver-rules=MAP * ~NOTFOUND")  # a scan would fail otherwise
    text = result.stdout.str()
    assert result.ret != 0 and "cookieaudit: cannot create --cookieaudit-output-dir" in text, text
    assert "Traceback" not in text and "cannot reach" not in text
