"""Statements fetched from the local HTTPS test web in Chromium: JavaScript rendering,
the consent banner left out, delegation and --follow, an unreachable site."""

from __future__ import annotations

import pytest

from pathlib import Path

from cookieaudit.errors import StatementUnreadableError
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
    """A refused connection is a StatementUnreadableError (exit code 3, the audit's
    statement-unreadable finding), not a traceback."""
    with pytest.raises(StatementUnreadableError, match="unreachable") as caught:
        parse_statement("https://127.0.0.1:9/privacy", timeout=10)
    assert caught.value.exit_code == 3
    assert caught.value.source == "https://127.0.0.1:9/privacy"


def test_http_error_is_statement_unreadable(chromium_path, statement_site):
    """A statement URL that answers 404 cannot be read: StatementUnreadableError naming the status."""
    statement_site.route(HOST, "/verdwenen", Response("<h1>Niet gevonden</h1>", status=404))
    with pytest.raises(StatementUnreadableError, match="HTTP 404"):
        _fetch(statement_site, f"https://{HOST}/verdwenen")


PDF_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "eval" / "nl_wrapped_cells_pdf.pdf"


@pytest.mark.parametrize("content_type", ["application/pdf", "application/octet-stream"])
def test_pdf_by_url_is_read_as_pdf(chromium_path, statement_site, content_type):
    """A PDF behind a URL (recognised by %PDF-, whatever its Content-Type) arrives through the
    browser's own download and reads like the same file on disk."""
    path = f"/cookieverklaring-{content_type.split('/')[1]}.pdf"
    statement_site.route(HOST, path, Response(PDF_FIXTURE.read_bytes(), content_type=content_type))
    declaration = _fetch(statement_site, f"https://{HOST}{path}")
    on_disk = parse_statement(PDF_FIXTURE)
    assert declaration.sources[0].kind == "pdf"
    assert [(c.pattern, c.lifetime, c.max_age_days) for c in declaration.cookies] == \
        [(c.pattern, c.lifetime, c.max_age_days) for c in on_disk.cookies]
    assert len(declaration.cookies) == 5


def test_privacy_statement_delegation_is_followed(chromium_path, statement_site):
    """"leest u in onze privacyverklaring" with a link: warned about, and read with --follow."""
    statement_site.route(HOST, "/cookies-kort", Response(
        "<!doctype html><html lang=nl><head><meta charset=utf-8><title>Cookies</title></head><body><h1>Cookies</h1>"
        "<p>Wij plaatsen de functionele cookie kort_sessie, die verdwijnt als u uw browser sluit.</p>"
        "<p>Welke cookies wij verder gebruiken, leest u in onze <a href='/privacy-lang#cookies'>privacyverklaring</a>.</p>"
        "</body></html>"))
    statement_site.route(HOST, "/privacy-lang", Response(
        "<!doctype html><html lang=nl><head><meta charset=utf-8><title>Privacyverklaring</title></head><body>"
        "<h1>Privacyverklaring</h1><h2>Cookies</h2><table><tr><th>Naam</th><th>Doel</th><th>Bewaartermijn</th></tr>"
        "<tr><td>_pk_id</td><td>Statistiek</td><td>13 maanden</td></tr></table></body></html>"))
    alone = _fetch(statement_site, f"https://{HOST}/cookies-kort")
    assert alone.warnings == [f"delegates to another page: https://{HOST}/privacy-lang#cookies "
                              f"(\u201cleest u in onze privacyverklaring\u201d); use --follow to read it"]
    followed = _fetch(statement_site, f"https://{HOST}/cookies-kort", follow=True)
    assert [c.pattern for c in followed.cookies] == ["kort_sessie", "_pk_id"]
    assert followed.warnings[0].endswith("; followed")


def test_a_followed_page_that_cannot_be_read_is_a_warning(chromium_path, statement_site):
    """--follow to a page that answers 404: the statement itself is still read, and the warning says why."""
    statement_site.route(HOST, "/cookies-verwijst", Response(
        "<!doctype html><html lang=nl><head><meta charset=utf-8><title>Cookies</title></head><body><h1>Cookies</h1>"
        "<p>Wij plaatsen de cookie eigen_sessie, die verdwijnt als u uw browser sluit.</p>"
        "<p>Zie onze cookieverklaring: <a href='/cookieverklaring-weg'>cookieverklaring</a>.</p></body></html>"))
    statement_site.route(HOST, "/cookieverklaring-weg", Response("<h1>Weg</h1>", status=404))
    declaration = _fetch(statement_site, f"https://{HOST}/cookies-verwijst", follow=True)
    assert [c.pattern for c in declaration.cookies] == ["eigen_sessie"]
    assert declaration.warnings[0].endswith("; not followed: the server answered HTTP 404")
