"""A banner whose only refusal is the site's own settings page, through the scanner: the
after_reject phase follows the banner's "Wijzig instellingen" link, refuses there, comes back to
the start page and still crawls its page list (the navigation neither ends the phase nor counts as
a page or a loop)."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from cookieaudit.cli import main
from tests.testweb import Response, html

pytestmark = pytest.mark.browser

HOST = "www.instellingendorp-proef.nl"
SITE = f"https://{HOST}/"
GTAG = "https://www.googletagmanager.com/gtag/js?id=G-INSTDORP1"

BANNER = f"""
<div id="balk" style="position:fixed;bottom:0;left:0;right:0;z-index:9999;background:#fff;padding:1em;border-top:2px solid #333">
  <p>Wij gebruiken cookies om de website te verbeteren. Geen statistiekcookies? Wijzig dan uw instellingen.</p>
  <button id="akkoord">Ik ga akkoord</button> <a href="/cookie-instellingen">Wijzig instellingen</a>
</div>
<script>
  const laad = () => {{ const s = document.createElement("script"); s.src = "{GTAG}"; document.head.append(s); }};
  const keuze = document.cookie.match(/dorp_cookies=(ja|nee)/);
  if (keuze) {{ document.getElementById("balk").remove(); if (keuze[1] === "ja") laad(); }}
  document.getElementById("akkoord").onclick = () => {{
    document.cookie = "dorp_cookies=ja; max-age=31536000; path=/"; document.getElementById("balk").remove(); laad(); }};
</script>"""

SETTINGS = """<h1>Cookie-instellingen</h1>
<form id="f"><fieldset><legend>Statistiekcookies</legend>
<label><input type="radio" name="stat" value="ja" checked> Ja</label> <label><input type="radio" name="stat" value="nee"> Nee</label>
</fieldset><button type="submit">Opslaan</button></form>
<script>
document.getElementById("f").addEventListener("submit", (e) => {
  e.preventDefault();
  document.cookie = "dorp_cookies=" + document.querySelector("input[name=stat]:checked").value + "; max-age=31536000; path=/";
});
</script>"""


@pytest.fixture(scope="module")
def result(testweb, chromium_path, tmp_path_factory):
    """`cookieaudit scan --consent reject` of the site, once: the JSON result."""
    testweb.route(HOST, "/", html(f'<h1>Instellingendorp</h1><a href="/afval">Afval</a> <a href="/parkeren">Parkeren</a>{BANNER}',
                                  title="Home"))
    testweb.route(HOST, "/afval", html(f"<h1>Afval</h1>{BANNER}", title="Afval"))
    testweb.route(HOST, "/parkeren", html(f"<h1>Parkeren</h1>{BANNER}", title="Parkeren"))
    # the site's template shows the banner on its settings page too, until a choice is stored
    testweb.route(HOST, "/cookie-instellingen", html(SETTINGS + BANNER, title="Cookie-instellingen"))
    testweb.route("www.googletagmanager.com", "/gtag/js", Response(
        'document.cookie = "_ga=GA1.1.42.42; max-age=63072000; path=/; domain=instellingendorp-proef.nl";',
        content_type="application/javascript"))
    out_dir = tmp_path_factory.mktemp("scan-settings-page")
    output = out_dir / "result.json"
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(SystemExit):
        main(["scan", SITE, "--insecure", "-q", "--consent", "reject", "--pages", "3",
              "--browser-arg", testweb.browser_args[0], "-o", str(output), "--format", "json"])
    return json.loads(output.read_text())


def test_after_reject_refuses_on_the_settings_page_and_crawls_its_pages(result):
    phase = next(p for p in result["phases"] if p["name"] == "after_reject")
    banner = phase["banner"]
    assert banner["detected"] and banner["verified"], banner
    navigations = [(s["text"], s["url"], s["ok"]) for s in banner["steps"] if s["action"] == "navigate"]
    assert navigations == [("Wijzig instellingen", SITE + "cookie-instellingen", True),
                           ("back to the page the banner was on", SITE, True)]
    # on the settings page (which shows the banner too) the category is set off and saved; nothing accepts
    assert [(s["action"], s["text"]) for s in banner["steps"] if s["action"] in ("click", "toggle-off")] == [
        ("toggle-off", "Statistiekcookies"), ("click", "Opslaan")]
    pages = [p["url"] for p in result["pages"] if p["phase"] == "after_reject"]
    assert pages[0] == SITE and set(pages) == {SITE, SITE + "afval", SITE + "parkeren"}
    start = next(p for p in result["pages"] if p["phase"] == "after_reject" and p["url"] == SITE)
    assert (start.get("final_url") or SITE) == SITE
    cookies = {c["name"] for c in result["cookies"] if c["phase"] == "after_reject"}
    assert "dorp_cookies" in cookies and "_ga" not in cookies
    assert not [e for e in result.get("errors", []) if e.get("kind") in ("navigation", "banner")], result.get("errors")
