"""A before-consent scan of the municipal test site finds exactly what the site plants.

One scan (module scope) feeds every assertion; the expectations come from
tests/sites/municipal.py, so the facts are typed once.
"""

from __future__ import annotations

import pytest

from cookieaudit.scanner import scan
from tests.sites import municipal

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(testweb) -> municipal.MunicipalSite:
    """The municipal site, served on the session's test web."""
    return municipal.install(testweb)


@pytest.fixture(scope="module")
def scanned(site, testweb, chromium_path):
    """One before-consent scan of the site with the default settings (third parties allowed, three
    tabs: the expectations are those of a one-tab crawl), and the requests the test web received
    during it (the test web is shared by the whole session)."""
    before = len(testweb.requests)
    result = scan(site.start_url, consent="none", browser_args=testweb.browser_args, insecure=True)
    return result, testweb.requests[before:]


@pytest.fixture(scope="module")
def result(scanned):
    """The scan result."""
    return scanned[0]


def _cookie(result, name):
    found = [c for c in result.cookies if c.name == name]
    assert len(found) == 1, f"{name}: {len(found)} records"
    return found[0]


def test_pages_in_breadth_first_order(result, site):
    """The crawl visits exactly the linked pages, breadth first, each once."""
    assert [page.url for page in result.pages] == site.page_urls
    assert {page.phase for page in result.pages} == {"before_consent"}


def test_page_details(result, site):
    """Final URL, status, title, redirect chain and dialogs of every page are recorded."""
    for page, expected in zip(result.pages, site.pages):
        assert page.final_url == expected.final_url
        assert page.status == expected.status
        assert page.title == expected.title
        assert page.redirect_chain == [url for url, _ in expected.redirect_chain]
        assert [d.message for d in page.dialogs] == list(expected.dialogs)
    assert [d.type for d in result.pages[site.page_urls.index(municipal.SITE + "/melding")].dialogs] == ["alert"]


def test_errors_record_the_404_and_crawl_goes_on(result, site):
    """The 404 page is an error entry; pages after it are still visited."""
    assert [(e.kind, e.url) for e in result.errors] == [("http", municipal.SITE + "/werk-en-inkomen")]
    assert result.pages[-1].status == 200


def test_external_links_recorded_not_followed(scanned, site):
    """Links to other sites are recorded; logout, download, form and other-site URLs are never requested."""
    result, requests = scanned
    assert set(site.external_links) <= set(result.pages[0].external_links)
    requested = {f"https://{r.host}{r.path}" for r in requests}
    assert f"{municipal.SITE}/afval" in requested  # the scan's own requests are what we look at
    for url in site.never_requested:
        assert url not in requested, url


def test_stored_cookies_exact(result, site):
    """Every planted cookie is found with its attributes, lifetimes, party and setter."""
    stored = {c.name for c in result.cookies if c.stored}
    assert stored == {c.name for c in site.stored_cookies}
    for expected in site.stored_cookies:
        cookie = _cookie(result, expected.name)
        assert cookie.domain == expected.domain.lstrip("."), expected.name
        assert cookie.host_only == expected.host_only, expected.name
        assert cookie.path == expected.path
        assert cookie.http_only == expected.http_only, expected.name
        assert cookie.secure == expected.secure, expected.name
        assert cookie.same_site == expected.same_site, expected.name
        assert cookie.session == expected.session, expected.name
        assert cookie.party == expected.party, expected.name
        assert cookie.max_age_days == pytest.approx(expected.max_age_days, abs=1e-3), expected.name
        assert cookie.stored_max_age_days == pytest.approx(expected.stored_max_age_days, abs=1e-3), expected.name
        assert (cookie.set_by.kind, cookie.set_by.url, cookie.set_by.party) == (
            expected.set_by_kind, expected.set_by_url, expected.set_by_party), expected.name
        assert cookie.first_seen_url == expected.first_seen_url, expected.name
        assert cookie.phase == "before_consent"


def test_two_year_cookie_is_capped_at_400_days(result):
    """_ga asks for 730 days; Chromium stores 400, and both are reported."""
    ga = _cookie(result, "_ga")
    assert (ga.max_age_days, ga.stored_max_age_days) == (730.0, 400.0)
    assert (ga.expires - ga.first_seen_at).days in (399, 400)


def test_third_party_iframe_cookie_is_stored(result, site):
    """A cross-site iframe's Set-Cookie is stored (third-party cookies allowed, as in desktop Chrome)."""
    visitor = _cookie(result, "VISITOR_INFO1_LIVE")
    assert visitor.stored and visitor.party == "third" and visitor.set_by.kind == "header"
    ide = _cookie(result, "IDE")  # set by a fetch inside the cross-site (out-of-process) frame
    assert ide.stored and ide.set_by.url == municipal.DOUBLECLICK_ID_URL
    assert result.browser.third_party_cookies == "allowed"


def test_refused_cookies_with_devtools_reasons(result, site):
    """Cookies the browser refused are recorded with stored=false and Chromium's reason."""
    refused = {c.name: c for c in result.cookies if not c.stored}
    assert set(refused) == {c.name for c in site.refused_cookies}
    for expected in site.refused_cookies:
        cookie = refused[expected.name]
        assert (cookie.reason, cookie.reason_source) == (expected.refused_reason, "cdp")
        assert cookie.party == expected.party
        assert cookie.max_age_days == expected.max_age_days
        assert cookie.set_by.url == expected.set_by_url
    # a cookie refused for asking for another site's domain is classified by the host that set it
    assert (refused["datr"].domain, refused["datr"].vendor_id) == ("voorbeeldstad.nl", "facebook")


def test_values_are_redacted_by_default(result):
    """Cookie values appear as length and hash only."""
    for cookie in result.cookies:
        assert cookie.value is None or getattr(cookie.value, "redacted", False), cookie.name


def test_classification_is_filled_in(result):
    """Cookies carry the rule set's purpose and vendor."""
    ga = _cookie(result, "_ga")
    assert (ga.purpose, ga.vendor, ga.rule_id) == ("analytic", "Google Analytics", "ga-client-id")


def test_storage_exact(result, site):
    """localStorage, sessionStorage, IndexedDB and Cache Storage entries, with origin and writing script."""
    found = {(s.kind, s.origin, s.key): s for s in result.storage}
    assert set(found) == {(e.kind, e.origin, e.name) for e in site.storage}
    for expected in site.storage:
        entry = found[(expected.kind, expected.origin, expected.name)]
        assert entry.set_by.url == expected.set_by_url, expected.name
        assert entry.first_seen_url == expected.first_seen_url, expected.name
        assert entry.party == ("first" if expected.origin == municipal.SITE else "third")
        assert entry.value is None or entry.value.redacted


def test_requests_to_other_hosts(result, site):
    """Every expected request to another host is recorded with method, type, status, page and frame."""
    records = [r for group in result.requests for r in group.requests]
    for expected in site.requests:
        matches = [r for r in records if (r.url.startswith(expected.url) if expected.url_is_prefix else r.url == expected.url)]
        assert matches, expected.url
        first = matches[0]
        assert (first.method, first.resource_type) == (expected.method, expected.resource_type), expected.url
        assert first.page_url == expected.first_seen_url, expected.url
        assert first.frame_url == expected.frame_url, expected.url
        assert first.status and first.status < 400
    hosts = {r.host for r in records}
    assert site.tracker_hosts <= hosts
    assert municipal.HOST not in hosts


def test_requests_grouped_and_flagged(result):
    """Requests are grouped by registrable domain and flagged as trackers with vendor and purpose."""
    groups = {g.domain: g for g in result.requests}
    ga = groups["google-analytics.com"]
    assert ga.tracker and ga.vendor == "Google Analytics" and ga.purpose == "analytic"
    assert ga.count == len(ga.requests) == len([p for p in result.pages if p.url != "https://loket.voorbeeldstad.nl/"])
    assert groups["voorbeeldstad.nl"].party == "first"  # the e-loket host


def test_identifier_parameters_redacted(result):
    """The GA client id in collect URLs is redacted."""
    collect = [r.url for g in result.requests for r in g.requests if "/g/collect" in r.url]
    assert collect and all("cid=REDACTED" in url for url in collect)


def test_browser_recorded(result):
    """The result records the real browser version, the UA sent, locale, timezone and switches."""
    browser = result.browser
    assert browser.version and browser.version.split(".")[0] in browser.user_agent
    assert "Headless" not in browser.user_agent
    assert (browser.locale, browser.timezone) == ("nl-NL", "Europe/Amsterdam")
    assert "--disable-blink-features=AutomationControlled" in browser.switches
    assert result.tool.ruleset_hash and len(result.tool.ruleset_hash) == 64
    from cookieaudit.ruleset import RULESET_VERSION

    assert result.tool.ruleset_version == RULESET_VERSION
