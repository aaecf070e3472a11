"""The fixture sites behave in a real Chromium as their expectations say.

These tests drive pytest-playwright's ``page`` (a context that blocks third-party cookies) and,
for the default desktop-Chrome policy, a persistent profile that allows them. They check the
fixtures, not the scanner: if one fails, the expectations in tests/sites/ are wrong.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ElementTree
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest

from tests.sites import benchsite, municipal

pytestmark = pytest.mark.browser

LINKS_JS = "anchors => anchors.map(a => a.href)"


@pytest.fixture(scope="module")
def site(testweb) -> municipal.MunicipalSite:
    """The municipal site, served on the session's test web."""
    return municipal.install(testweb)


def _normalized(url: str) -> str:
    """The page a link leads to: no fragment, no default port, no trailing slash but the root's."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.hostname or "", path, parts.query, ""))


def _visit(page, url: str):
    """Open ``url`` and wait until its network is idle; returns the main response."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response


def _jar(context) -> dict[str, dict]:
    """The context's cookies by name."""
    return {cookie["name"]: cookie for cookie in context.cookies()}


def _assert_stored_as_expected(stored: dict, expected: municipal.ExpectedCookie) -> None:
    """One jar entry matches an expected cookie's attributes and stored lifetime."""
    assert stored["domain"] == expected.domain, expected.name
    assert stored["path"] == expected.path, expected.name
    assert stored["httpOnly"] == expected.http_only, expected.name
    assert stored["secure"] == expected.secure, expected.name
    assert stored["sameSite"] == (expected.same_site or "Lax"), expected.name  # Chromium's default is Lax
    if expected.session:
        assert stored["expires"] == -1, expected.name
    else:
        days = (stored["expires"] - time.time()) / 86400
        assert days == pytest.approx(expected.stored_max_age_days, abs=0.01), expected.name


def _blocked_cookie_reasons(context, page) -> dict[str, list[str]]:
    """Collect, from now on, the Set-Cookie lines Chromium refuses on ``page``, by cookie name."""
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    reasons: dict[str, list[str]] = {}

    def record(event):
        for blocked in event.get("blockedCookies", []):
            name = blocked["cookieLine"].split("=", 1)[0]
            reasons[name] = blocked["blockedReasons"]

    session.on("Network.responseReceivedExtraInfo", record)
    return reasons


def test_pages_answer_with_expected_status_title_redirects_and_dialogs(page, site):
    """Every crawled page gives its status, final URL, title, redirect hops and alert() messages."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for expected in site.pages:
        dialogs.clear()
        response = page.goto(expected.url)
        hops, request = [], response.request.redirected_from
        while request is not None:
            hops.insert(0, (request.url, request.response().status))
            request = request.redirected_from
        assert (response.status, page.url, page.title()) == (expected.status, expected.final_url, expected.title)
        assert tuple(hops) == expected.redirect_chain, expected.url
        assert tuple(dialogs) == expected.dialogs, expected.url
    assert any(expected.status == 404 for expected in site.pages)
    assert any(expected.redirect_chain for expected in site.pages)
    assert any(expected.dialogs for expected in site.pages)


def test_slow_page_answers_after_its_delay(page, site):
    """The slow page's response takes at least its configured delay."""
    slow = max(site.pages, key=lambda expected: expected.delay_seconds)
    assert slow.delay_seconds >= 2
    started = time.monotonic()
    response = page.goto(slow.url)
    assert response.ok and time.monotonic() - started >= slow.delay_seconds


def test_breadth_first_crawl_of_links_gives_expected_pages(page, site, testweb):
    """Following same-site links breadth first (document or sorted order) yields exactly site.pages."""
    mark = len(testweb.requests)
    site_hosts = set(site.site_hosts)
    queue, seen, visited, external = [site.start_url], {site.start_url}, [], set()
    while queue:
        url = queue.pop(0)
        page.goto(url)
        visited.append(url)
        seen.add(_normalized(page.url))  # the redirect target counts as visited
        followed = []
        for link in page.eval_on_selector_all("a[href]", LINKS_JS):
            if not link.startswith("https://"):
                continue  # mailto:
            target = _normalized(link)
            if urlsplit(target).hostname not in site_hosts:
                external.add(link)
            elif target not in seen and target not in site.never_requested:
                followed.append(target)
                seen.add(target)
        assert followed == sorted(followed), f"links on {url} are not in sorted order"
        queue += followed
    assert visited == site.page_urls
    assert set(site.external_links) <= external
    served = {f"https://{request.host}{request.path}" for request in testweb.requests[mark:]}
    assert not served & set(site.never_requested)
    assert not served & set(site.sitemap_only_urls)


def test_sitemap_lists_the_page_no_link_leads_to(page, site):
    """sitemap.xml lists the sitemap-only page (which the link crawl above never reaches)."""
    page.goto(site.start_url)
    sitemap = page.evaluate("fetch('/sitemap.xml').then(response => response.text())")
    locations = {element.text for element in ElementTree.fromstring(sitemap).iter()
                 if element.tag.endswith("loc")}
    assert set(site.sitemap_only_urls) <= locations
    assert site.start_url in locations


def test_same_page_under_default_port_and_trailing_slash(page, site):
    """The footer's https://host:443/nieuws/ link shows the same page as /nieuws."""
    news = site.page(municipal.SITE + "/nieuws")
    page.goto(f"https://{municipal.HOST}:443/nieuws/")
    assert page.title() == news.title


def test_first_party_cookies_stored_with_expected_attributes(page, site):
    """Server, CMS and tracker-script cookies land in the jar as expected, `_ga` capped at 400 days."""
    first_party = [cookie for cookie in site.stored_cookies if cookie.party == "first"]
    for url in dict.fromkeys(cookie.first_seen_url for cookie in first_party):
        _visit(page, url)
    jar = _jar(page.context)
    assert {name for name, cookie in jar.items() if "voorbeeldstad.nl" in cookie["domain"]} == \
        {cookie.name for cookie in first_party}
    for expected in first_party:
        _assert_stored_as_expected(jar[expected.name], expected)
    ga = site.cookie("_ga")
    assert (ga.max_age_days, ga.stored_max_age_days) == (730, 400)


def test_third_party_cookies_blocked_by_playwright_default_context(page, site, testweb):
    """pytest-playwright's context refuses the iframe's and the pixel's third-party cookies."""
    reasons = _blocked_cookie_reasons(page.context, page)
    mark = len(testweb.requests)
    for url in dict.fromkeys(cookie.first_seen_url for cookie in site.cookies if cookie.party == "third"):
        _visit(page, url)
    served_hosts = {request.host for request in testweb.requests[mark:]}
    third_party = [cookie for cookie in site.cookies if cookie.party == "third"]
    assert {urlsplit(cookie.set_by_url).hostname for cookie in third_party} <= served_hosts
    assert not set(_jar(page.context)) & {cookie.name for cookie in third_party}
    assert reasons["YSC"] == ["UserPreferences"]
    assert reasons["datr"] == [site.cookie("datr").refused_reason]


def test_default_chrome_profile_stores_third_party_cookies_and_refuses_bad_ones(
        browser_type, browser_type_launch_args, tmp_path, site):
    """With third-party cookies allowed (a default desktop Chrome), iframe cookies and storage are kept."""
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(
        json.dumps({"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False}}))
    context = browser_type.launch_persistent_context(str(profile), **browser_type_launch_args,
                                                     ignore_https_errors=True)
    try:
        page = context.pages[0]
        reasons = _blocked_cookie_reasons(context, page)
        for url in dict.fromkeys(cookie.first_seen_url for cookie in site.cookies if cookie.party == "third"):
            _visit(page, url)
        jar = _jar(context)
        for expected in site.cookies:
            if expected.needs_third_party_access:
                _assert_stored_as_expected(jar[expected.name], expected)
        for expected in site.refused_cookies:
            assert expected.name not in jar
            assert reasons[expected.name] == [expected.refused_reason], expected.name
        _visit(page, next(item for item in site.storage if item.needs_third_party_access).first_seen_url)
        frame = next(frame for frame in page.frames if frame.url.startswith("https://www.youtube.com/"))
        keys = frame.evaluate("Object.keys(localStorage)")
        databases = frame.evaluate("indexedDB.databases().then(list => list.map(db => db.name))")
        for expected in site.storage:
            if expected.needs_third_party_access:
                assert expected.name in (keys if expected.kind == "localStorage" else databases)
    finally:
        context.close()


def test_first_party_storage_written_by_scripts(page, site):
    """Hotjar's localStorage/sessionStorage keys and the CMS's cache are exactly what site.storage says."""
    _visit(page, site.start_url)
    found = {
        "localStorage": page.evaluate("Object.keys(localStorage)"),
        "sessionStorage": page.evaluate("Object.keys(sessionStorage)"),
        "cacheStorage": page.evaluate("caches.keys()"),
        "indexedDB": page.evaluate("indexedDB.databases().then(list => list.map(db => db.name))"),
    }
    expected = {kind: sorted(item.name for item in site.storage if item.kind == kind and item.origin == municipal.SITE)
                for kind in found}
    assert {kind: sorted(names) for kind, names in found.items()} == expected


def _initiating_frame_url(request) -> str:
    """The document that made a request (the parent, for an iframe's own document)."""
    frame = request.frame
    if request.is_navigation_request() and frame.parent_frame is not None:
        return frame.parent_frame.url
    return frame.url


def test_tracker_requests_match_expectations(page, site):
    """Each expected request to another host is made, by the expected frame, with the expected type."""
    seen: list[tuple[str, str, str, str, str]] = []
    page.on("request", lambda request: seen.append(
        (page.url, request.url, request.method, request.resource_type, _initiating_frame_url(request))))
    for url in dict.fromkeys(request.first_seen_url for request in site.requests):
        _visit(page, url)
    for expected in site.requests:
        matches = [item for item in seen if item[0] == expected.first_seen_url
                   and (item[1].startswith(expected.url) if expected.url_is_prefix else item[1] == expected.url)]
        assert matches, expected.url
        assert {item[2:] for item in matches} == {(expected.method, expected.resource_type, expected.frame_url)}
    other_hosts = {urlsplit(item[1]).hostname for item in seen} - set(site.site_hosts)
    assert other_hosts == site.tracker_hosts
    collect = next(item[1] for item in seen if item[1].startswith(municipal.GA_COLLECT_PREFIX))
    client_id = _jar(page.context)["_ga"]["value"].split(".", 2)[2]
    assert parse_qs(urlsplit(collect).query)["cid"] == [client_id]


def test_logout_link_ends_the_session(page, site):
    """Following the logout link (which a crawl must skip) deletes the session cookie."""
    _visit(page, site.start_url)
    assert municipal.SESSION_COOKIE in _jar(page.context)
    logout = next(url for url in site.never_requested if url.endswith(municipal.LOGOUT_PATH))
    page.goto(logout)
    assert municipal.SESSION_COOKIE not in _jar(page.context)


def test_benchsite_pages_reachable_breadth_first_with_trackers(page, testweb):
    """Every bench page is reachable by links from the start, in the planned order, and trackers set cookies."""
    bench = benchsite.install(testweb, pages=12, latency=0.0)
    queue, seen, order = [bench.start_url], {bench.start_url}, []
    while queue:
        url = queue.pop(0)
        page.goto(url)
        order.append(url)
        for link in page.eval_on_selector_all("a[href]", LINKS_JS):
            target = _normalized(link)
            if urlsplit(target).hostname == bench.host and target not in seen:
                seen.add(target)
                queue.append(target)
    assert order == bench.page_urls
    page.wait_for_load_state("networkidle")
    assert set(bench.cookie_names) <= set(_jar(page.context))
