"""The scan as a visitor: a normal-looking browser, the third-party policy, the sync API inside
a running event loop, parallel tabs, the sitemap, and storage/cookie evidence details."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from urllib.parse import parse_qs

import pytest

from cookieaudit.scanner import scan
from tests.sites import municipal
from tests.testweb import Response, html

pytestmark = pytest.mark.browser

HOST = "www.proefstad.nl"
SITE = f"https://{HOST}/"
PROBE_JS = """
new Image().src = "https://meet.proefstad-analytics.nl/probe?" + new URLSearchParams({
  webdriver: String(navigator.webdriver), ua: navigator.userAgent, lang: navigator.language,
  tz: Intl.DateTimeFormat().resolvedOptions().timeZone, w: String(window.innerWidth)});
"""


@pytest.fixture(scope="module")
def proefstad(testweb):
    """A one-page site: a probe of what the browser tells pages, and a cross-site iframe setting a cookie."""
    testweb.route(HOST, "/", html(
        f'<h1>Proef</h1><script>{PROBE_JS}</script><iframe src="https://widget.kaartdienst.nl/kaart"></iframe>'
        '<script>document.cookie = "weg=1; max-age=0"; document.cookie = "js_http=1; HttpOnly";'
        'setTimeout(() => { document.cookie = "voorkeur=groot; max-age=3600"; '
        'document.cookie = "voorkeur=klein; max-age=86400"; }, 50);</script>',
        title="Proefstad"))
    testweb.route("widget.kaartdienst.nl", "/kaart", html(
        "<p>kaart</p><script>localStorage.setItem('kaart-zoom', '12')</script>",
        set_cookies=["kaart_id=abc123; Path=/; Max-Age=86400; Secure; SameSite=None",
                     "kaart_chips=1; Path=/; Max-Age=3600; Secure; SameSite=None; Partitioned"]))
    testweb.route("meet.proefstad-analytics.nl", "/probe", Response(b"GIF89a", content_type="image/gif"))
    return testweb


def _probe(testweb) -> dict:
    request = testweb.requests_to("meet.proefstad-analytics.nl")[-1]
    return {key: values[0] for key, values in parse_qs(request.path.split("?", 1)[1] if "?" in request.path else
                                                       "").items()} or {k: v[0] for k, v in request.query.items()}


def test_browser_looks_like_a_normal_chrome(proefstad, chromium_path):
    """Pages see webdriver=false, a Chrome (not HeadlessChrome) UA, nl-NL, Europe/Amsterdam and the viewport."""
    result = scan(SITE, consent="none", pages=1, viewport=(1366, 768), browser_args=proefstad.browser_args, insecure=True)
    seen = _probe(proefstad)
    assert seen["webdriver"] == "false"
    assert "HeadlessChrome" not in seen["ua"] and "Chrome/" in seen["ua"]
    assert seen["ua"] == result.browser.user_agent
    assert (seen["lang"], seen["tz"], seen["w"]) == ("nl-NL", "Europe/Amsterdam", "1366")
    kaart = [c for c in result.cookies if c.name == "kaart_id"]
    assert kaart and kaart[0].stored and kaart[0].party == "third"
    storage = [s for s in result.storage if s.key == "kaart-zoom"]
    assert storage and storage[0].origin == "https://widget.kaartdienst.nl" and storage[0].party == "third"
    assert storage[0].set_by.url == "https://widget.kaartdienst.nl/kaart"


def test_js_writes_evidence(proefstad, chromium_path):
    """Deleted cookies are not refused ones; HttpOnly from script is refused (inferred); changes are kept."""
    result = scan(SITE, consent="none", pages=1, browser_args=proefstad.browser_args, insecure=True,
                  include_values=True, wait=0.2)
    by_name = {c.name: c for c in result.cookies}
    assert "weg" not in by_name
    refused = by_name["js_http"]
    assert not refused.stored
    assert (refused.reason, refused.reason_source) == ("HttpOnly cookies cannot be set from script", "inferred")
    assert refused.set_by.kind == "script" and refused.set_by.url == SITE
    voorkeur = by_name["voorkeur"]
    assert voorkeur.value == "klein"  # --include-values keeps the raw value
    assert voorkeur.max_age_days == 1.0 and voorkeur.stored_max_age_days == 1.0


def test_block_third_party_cookies(proefstad, chromium_path):
    """With --block-third-party-cookies the iframe's cookie is refused, with the DevTools reason."""
    result = scan(SITE, consent="none", pages=1, block_third_party_cookies=True,
                  browser_args=proefstad.browser_args, insecure=True)
    kaart = [c for c in result.cookies if c.name == "kaart_id"]
    assert len(kaart) == 1 and not kaart[0].stored
    assert (kaart[0].reason, kaart[0].reason_source) == ("UserPreferences", "cdp")
    chips = [c for c in result.cookies if c.name == "kaart_chips"]  # partitioned cookies survive the block
    assert len(chips) == 1 and chips[0].stored and chips[0].partitioned
    assert chips[0].partition_key == "https://proefstad.nl"
    assert result.browser.third_party_cookies == "blocked"


def test_sync_scan_inside_running_event_loop(proefstad, chromium_path):
    """scan() works when called from code that already runs an event loop."""
    async def caller():
        asyncio.get_running_loop()  # raises unless a loop runs here, as in a notebook
        return scan(SITE, consent="none", pages=1, browser_args=proefstad.browser_args, insecure=True)

    # A thread of its own, so the caller's loop is the only one (pytest-playwright's sync API
    # may already run a loop in the main thread).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(asyncio.run, caller()).result()
    assert [page.title for page in result.pages] == ["Proefstad"]


def test_parallel_tabs_same_pages_and_sitemap(testweb, chromium_path):
    """--concurrency 2 visits the same pages in the same order as a sequential crawl; --sitemap adds the rest."""
    site = municipal.install(testweb)
    result = scan(site.start_url, consent="none", concurrency=2, sitemap=True,
                  browser_args=testweb.browser_args, insecure=True)
    assert [page.url for page in result.pages] == site.page_urls + list(site.sitemap_only_urls)
    assert [page.source for page in result.pages][-1] == "sitemap"
    assert {c.name for c in result.cookies if c.stored} == {c.name for c in site.stored_cookies}


def test_har_fixed_urls_and_popups(proefstad, chromium_path, tmp_path):
    """--har saves the phase's traffic; a fixed --url page is visited right after the start page; pop-ups are recorded."""
    testweb = proefstad
    testweb.route(HOST, "/vast", html("<p>vast</p><script>window.open('/reclame', '_blank')</script>",
                                      title="Vaste pagina"))
    har = tmp_path / "scan.har"
    result = scan(SITE, consent="none", pages=2, urls=[SITE + "vast"], har=str(har),
                  browser_args=testweb.browser_args, insecure=True)
    assert [(p.url, p.source) for p in result.pages] == [(SITE, "start"), (SITE + "vast", "fixed")]
    entries = json.loads(har.read_text())["log"]["entries"]
    assert {SITE, SITE + "vast"} <= {entry["request"]["url"] for entry in entries}
    assert result.phases[0].har == str(har)
    assert result.pages[1].popups == [SITE + "reclame"]  # recorded, though the pop-up blocker stopped it
