"""Several tabs give the same result as one in everything that identifies and attributes.

The same site (tests/sites/parallel.py: late tags, a scroll tag, cookies written by several
pages, cross-site iframes, storage, pages of different speeds) is scanned with one tab and
with three; the cookies, storage entries and tracker hosts must agree field by field, first
pages, setters, party, purpose and lifetimes included (values, changes and times may differ:
the tabs share one cookie jar). Both runs are also checked against the site's own plan, so
they cannot agree on something wrong.
"""

from __future__ import annotations

import pytest

from cookieaudit.scanner import scan
from tests.sites import parallel

pytestmark = pytest.mark.browser

TABS = 3


@pytest.fixture(scope="module")
def site(testweb) -> parallel.ParallelSite:
    return parallel.install(testweb)


@pytest.fixture(scope="module")
def runs(site, testweb, chromium_path):
    """(one-tab result, three-tab result) of a before-consent scan."""
    common = dict(consent="none", pages=20, browser_args=testweb.browser_args, insecure=True, timeout=60)
    return scan(site.start_url, concurrency=1, **common), scan(site.start_url, concurrency=TABS, **common)


def _cookie_facts(result) -> dict:
    """Cookie key -> the fields that identify and attribute it."""
    facts = {}
    for c in result.cookies:
        key = (c.name, c.domain, c.path, c.partition_key, c.stored)
        assert key not in facts, f"{key} recorded twice"
        facts[key] = dict(
            first_seen_url=c.first_seen_url, set_by=c.set_by.model_dump() if c.set_by else None, party=c.party,
            purpose=c.purpose, vendor=c.vendor, rule_id=c.rule_id, session=c.session, max_age_days=c.max_age_days,
            stored_max_age_days=c.stored_max_age_days, host_only=c.host_only, http_only=c.http_only, secure=c.secure,
            same_site=c.same_site, reason=c.reason, reason_source=c.reason_source,
        )
    return facts


def _storage_facts(result) -> dict:
    return {(s.kind, s.origin, s.key): dict(first_seen_url=s.first_seen_url, party=s.party,
                                           set_by=s.set_by.model_dump() if s.set_by else None)
            for s in result.storage}


def _tracker_facts(result) -> dict:
    """Request group -> what the rule set says of it, its hosts, and each host's first page."""
    facts = {}
    for group in result.requests:
        first_page: dict[str, str] = {}
        for record in group.requests:
            first_page.setdefault(record.host, record.page_url)
        facts[group.domain] = dict(party=group.party, tracker=group.tracker, vendor=group.vendor,
                                   purpose=group.purpose, first_page=first_page)
    return facts


def _finished(page) -> float:
    return page.visited_at.timestamp() + page.duration_ms / 1000


def test_tabs_really_ran_out_of_crawl_order(runs, site):
    """The three-tab run must overlap pages and finish a later page before an earlier one
    (the slow /wonen is the likely one), or the comparison below would prove nothing."""
    _, tabs = runs
    pages = tabs.pages
    overtaken = [(early.url, late.url) for i, early in enumerate(pages) for late in pages[i + 1:]
                 if _finished(late) < _finished(early) and late.visited_at.timestamp() < _finished(early)]
    assert overtaken, "no page finished before an earlier one: the tabs did not run side by side"


def test_same_pages_in_the_same_order(runs, site):
    one, tabs = runs
    assert [p.url for p in one.pages] == [p.url for p in tabs.pages] == site.page_urls
    assert [(p.final_url, p.status, p.title) for p in one.pages] == [(p.final_url, p.status, p.title) for p in tabs.pages]


def test_cookies_identical(runs):
    one, tabs = runs
    one_facts, tab_facts = _cookie_facts(one), _cookie_facts(tabs)
    assert set(one_facts) == set(tab_facts)
    for key, facts in one_facts.items():
        assert tab_facts[key] == facts, key


def test_storage_identical(runs):
    one, tabs = runs
    assert _storage_facts(one) == _storage_facts(tabs)


def test_trackers_identical(runs):
    one, tabs = runs
    assert _tracker_facts(one) == _tracker_facts(tabs)


@pytest.mark.parametrize("run", [0, 1], ids=["one-tab", "three-tabs"])
def test_each_run_matches_the_site(runs, site, run):
    """Every planted cookie (late and scroll tags included) is found, first seen on the earliest
    page in crawl order that sets it; the same for storage; the refused cookie is refused."""
    result = runs[run]
    stored = {c.name: c for c in result.cookies if c.stored}
    assert set(stored) == set(site.first_pages)
    for name, page in site.first_pages.items():
        assert stored[name].first_seen_url == page, name
    weergave = stored["weergave"]  # written by /werken 1.2 s after load, by /nieuws at once
    assert weergave.set_by.url == parallel.SITE + "/scripts/weergave-laat.js"
    assert weergave.max_age_days == weergave.stored_max_age_days == 30.0
    assert stored["_fbp"].set_by.url == "https://connect.facebook.net/en_US/fbevents.js"
    assert stored["_fbp"].purpose == "marketing" and stored["_clck"].purpose == "analytic"
    refused = [c for c in result.cookies if not c.stored]
    assert [(c.name, c.first_seen_url, c.reason_source) for c in refused] == [
        (site.refused_cookie, parallel.SITE + "/contact", "cdp")]
    storage = {(s.kind, s.origin, s.key): s.first_seen_url for s in result.storage}
    assert storage == site.storage_first_pages
    trackers = {group.domain for group in result.requests if group.tracker}
    assert {"google-analytics.com", "facebook.com", "facebook.net", "clarity.ms", "hotjar.com"} <= trackers


@pytest.mark.parametrize("run", [0, 1], ids=["one-tab", "three-tabs"])
def test_late_tags_were_waited_for(runs, site, run):
    """Every page settled; the requests of tags firing after load or after the scroll are there,
    from their own pages; at least one page had to wait for a pending late timer to get them."""
    result = runs[run]
    assert all(page.settle is not None and page.settle.settled for page in result.pages)
    made = {(record.page_url, record.host) for group in result.requests for record in group.requests}
    for page_url, host in site.late_requests:
        assert (page_url, host) in made, (page_url, host)
    assert any(page.settle.late_timers for page in result.pages)
