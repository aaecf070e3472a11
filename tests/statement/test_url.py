"""Statements fetched from the local HTTPS test web in Chromium: JavaScript rendering,
the consent banner left out, delegation and --follow, an unreachable site."""

from __future__ import annotations

import pytest

from cookieaudit.errors import SiteUnreachableError
from cookieaudit.statement import parse_statement
from tests.testweb import Response

pytestmark = pytest.mark.browser

HOST = "www.statement-test.nl"

PRIVACY_PAGE = """<!doctype html><html lang=nl><head><meta charset=utf-8><title>Privacyverklaring</title></head><body>
<div id="banner" style="position:fixed;bottom:0">Wij willen tracking cookies (_fbp) plaatsen.
  <button>Alles accepteren</button><button>Weigeren</button></div>
<h1>Privacyverklaring</h1>
<p>Wij gaan zorgvuldig om met uw gegevens.</p>
<h2>Cookies</h2>
<div id="cookies">Laden…</div>
<p>Meer weten? Zie onze cookieverklaring: <a href="/cookieverklaring">cookieverklaring</a>.</p>
<script>
setTimeout(() => {
  document.getElementById('cookies').innerHTML =
    '<ul><li>Cookie voor Google Analytics (_ga): statistieken, 24 maanden.</li></ul>';
}, 150);
</script>
</body></html>"""

COOKIE_PAGE = """<!doctype html><html lang=nl><head><meta charset=utf-8><title>Cookieverklaring</title></head><body>
<h1>Cookieverklaring</h1>
<table><tr><th>Naam</th><th>Doel</th><th>Bewaartermijn</th></tr>
<tr><td>_hjid</td><td>Analytische cookie van Hotjar</td><td>1 jaar</td></tr></table>
</body></html>"""


@pytest.fixture(scope="module")
def statement_site(testweb):
    """The privacy page (rendered by JavaScript, with a banner) and the cookie page it delegates to."""
    testweb.route(HOST, "/privacy", Response(PRIVACY_PAGE))
    testweb.route(HOST, "/cookieverklaring", Response(COOKIE_PAGE))
    return testweb


def _fetch(site, *urls, **options):
    """parse_statement through the test web's Chromium switches."""
    return parse_statement(list(urls), insecure=True, browser_args=site.browser_args, timeout=20, **options)


def test_url_statement_is_rendered_and_banner_removed(chromium_path, statement_site):
    """The cookie list written by JavaScript is read; the banner's _fbp is not; the delegation is a warning."""
    declaration = _fetch(statement_site, f"https://{HOST}/privacy")
    assert [(c.pattern, c.vendor, c.max_age_days) for c in declaration.cookies] == [("_ga", "Google Analytics", 720)]
    assert declaration.sources[0].kind == "url"
    assert declaration.sources[0].url == f"https://{HOST}/privacy"
    assert declaration.warnings == [
        f"delegates to another page: https://{HOST}/cookieverklaring (\u201cZie onze cookieverklaring\u201d); use --follow to read it"
    ]


def test_follow_reads_the_delegated_page(chromium_path, statement_site):
    """With follow, the cookie page is read too and its items keep their own source."""
    declaration = _fetch(statement_site, f"https://{HOST}/privacy", follow=True)
    sources = {c.pattern: c.source for c in declaration.cookies}
    assert sources == {"_ga": f"https://{HOST}/privacy", "_hjid": f"https://{HOST}/cookieverklaring"}
    assert declaration.sources[1].followed_from == f"https://{HOST}/privacy"
    assert declaration.warnings[0].endswith("; followed")


def test_unreachable_url_is_one_clear_error(chromium_path):
    """A refused connection is a SiteUnreachableError (exit code 3), not a traceback."""
    with pytest.raises(SiteUnreachableError, match="unreachable") as caught:
        parse_statement("https://127.0.0.1:9/privacy", timeout=10)
    assert caught.value.exit_code == 3
