"""The hostile-site suite: scans of a site whose every page attacks the scanner in its own
way (tests/sites/hostile.py). Each page must finish, have its problem recorded on that page
(not on the next one), and leave what was found elsewhere intact; the scan ends complete.

Pages that are slow by design run with a tight per-page timeout (each costs one), heavy pages
with a generous one they do not need unless the machine is starved. Nothing here measures
time: the bounds are structural — a timeout, a cap, a closed tab.
"""

from __future__ import annotations

import re

import pytest

from cookieaudit.reports import render
from cookieaudit.scanner import scan
from cookieaudit.scanner.collectors.pages import MAX_TITLE
from cookieaudit.scanner.limits import MAX_DIALOGS, MAX_LINKS, MAX_POPUPS, MAX_STORAGE_KEYS
from tests.sites import hostile

pytestmark = pytest.mark.browser

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def site(testweb):
    return hostile.install(testweb)


@pytest.fixture(scope="module")
def slow(site, chromium_path, testweb):
    """The pages that are slow by design, in link order, then an ordinary page. One tab: these pages
    share the site's renderer process, so a script that never yields in one tab can keep the next
    page's facts from being read beside it (recorded as a page-read error, with the HTML fallback);
    this fixture checks that each page costs only itself when visited in turn."""
    # A small JavaScript heap, so the page that allocates without limit dies quickly.
    return scan(site.slow_start, consent="none", pages=len(hostile.SLOW_CASES) + 1, timeout=3, quiet_window=0.2,
                insecure=True, browser_args=testweb.browser_args + ["--js-flags=--max-old-space-size=128"],
                concurrency=1)


@pytest.fixture(scope="module")
def heavy(site, chromium_path, testweb):
    """The heavy pages, in link order, then an ordinary page. One tab: the 3,000-cookie page makes
    Chromium evict the host's other cookies, so pages open beside it would lose theirs (as evicted)."""
    return scan(site.heavy_start, consent="none", pages=len(hostile.HEAVY_CASES) + 1, timeout=20, quiet_window=0.2,
                insecure=True, browser_args=testweb.browser_args, concurrency=1)


def _page(result, path):
    return next(page for page in result.pages if page.url == hostile.SITE + path)


def _errors(result, path, kind=None):
    return [e for e in result.errors if e.url == hostile.SITE + path and (kind is None or e.kind == kind)]


@pytest.mark.parametrize(("which", "cases"), [("slow", hostile.SLOW_CASES), ("heavy", hostile.HEAVY_CASES)])
def test_every_page_visited_in_order_and_scan_complete(which, cases, request):
    """Every case page is visited once, in link order, each visit ends, and the scan is complete."""
    result = request.getfixturevalue(which)
    assert result.complete is True
    assert [page.url for page in result.pages] == [result.site] + [hostile.SITE + path for path, _ in cases]
    assert all(page.duration_ms is not None for page in result.pages)


@pytest.mark.parametrize("which", ["slow", "heavy"])
def test_what_was_found_elsewhere_is_kept(which, request):
    """The first and the last page are read normally, with their cookies and tracker requests."""
    result = request.getfixturevalue(which)
    first, last = result.pages[0], _page(result, "na")
    assert (first.title, first.error) == ("Vijandig", None)
    assert (last.title, last.status, last.error) == ("Na alles", 200, None)
    stored = {c.name: c for c in result.cookies if c.stored}
    assert stored["eerste"].first_seen_url == result.site
    assert stored["na"].first_seen_url == hostile.SITE + "na"
    tracked = [r for group in result.requests for r in group.requests if r.host == hostile.TRACKER]
    assert any(r.page_url == hostile.SITE + "na" and "/px" in r.url for r in tracked)
    assert not _errors(result, "na")


def test_control_and_bidi_characters_kept_in_data_escaped_on_terminal(heavy):
    """Markup, ANSI, C1 and bidi characters stay in the data, are \\u-escaped in JSON and replaced in tables."""
    page = _page(heavy, "opmaak")
    assert page.title.startswith("<b>vet</b>") and "\x9b31m\u202egnirts\u2066x\u2069" in page.title  # as the DOM reports it
    stored = {c.name for c in heavy.cookies if c.stored}
    assert {hostile.NASTY_COOKIE_NAME, hostile.NASTY_COOKIE_NAME + "_js", "c1\x9b"} <= stored
    refused = {c.name: c for c in heavy.cookies if not c.stored}
    assert (refused["\x1b[31mansi"].reason, refused["\x1b[31mansi"].reason_source) == ("DisallowedCharacter", "cdp")
    assert any(s.key == hostile.NASTY_COOKIE_NAME for s in heavy.storage)
    text = heavy.to_json()
    assert not UNSAFE.search(text) and "\\u202e" in text and "\\u009b" in text
    for color in (False, True):  # plain text when piped, ANSI colours on a terminal
        out = render(heavy, "table", verbose=True, color=color)  # verbose: the pages with their titles
        assert "Vijandig" in out and not UNSAFE.search(re.sub("\x1b\\[[0-9;]*m", "", out) if color else out)


def test_names_in_any_encoding_match_the_jar(heavy):
    """A cookie the browser stored is never also reported refused, whatever bytes its name had."""
    stored = {(c.name, c.domain) for c in heavy.cookies if c.stored}
    refused = {(c.name, c.domain) for c in heavy.cookies if not c.stored}
    assert not stored & refused


def test_cookie_flood_is_evicted_not_refused(heavy):
    """3,000 cookies on one domain: Chromium keeps at most 180 at a time; the rest are evicted (inferred).

    "Stored" means seen in some jar read. Script cookie writes reach the jar asynchronously, so on a
    loaded machine a read can fall in the middle of the flood and the next one sees other survivors:
    the union can pass 180, but most of the flood is never kept."""
    flood = [c for c in heavy.cookies if re.fullmatch(r"k\d+", c.name)]
    kept = [c for c in flood if c.stored]
    assert len(flood) == hostile.COOKIE_FLOOD
    assert 0 < len(kept) < hostile.COOKIE_FLOOD // 2
    assert {(c.reason, c.reason_source) for c in flood if not c.stored} == {("evicted", "inferred")}


def test_big_pages_infinite_scroll_service_worker(heavy):
    """A 20 MB page, an infinite-scroll page and a service worker are read as ordinary pages."""
    assert _page(heavy, "groot").title == "Groot"
    for path, title in (("scroll", "Scroll"), ("sw", "Service worker")):
        page = _page(heavy, path)
        assert (page.title, page.error) == (title, None), path


def test_endless_pages(slow):
    """A page that never finishes and one whose network is never quiet are read as far as they
    got; the endless one has its timeout recorded on it, and its requests stay on it."""
    endless = _page(slow, "eindeloos")
    assert endless.title == "Eindeloos"
    assert [e.kind for e in _errors(slow, "eindeloos")] == ["timeout"]
    busy = _page(slow, "onrustig")
    assert busy.title == "Onrustig"
    pings = [r for g in slow.requests for r in g.requests if "/ping" in r.url]
    assert pings and {r.page_url for r in pings} == {hostile.SITE + "onrustig"}  # none leak onto later pages


def test_redirects(slow):
    """A redirect loop is a navigation error on its page; a redirect to another site is followed and recorded."""
    assert any("ERR_TOO_MANY_REDIRECTS" in e.message or e.kind == "timeout" for e in _errors(slow, "lus"))
    away = _page(slow, "weg")
    assert away.final_url == f"https://{hostile.ELSEWHERE}/" and away.title == "Elders"
    assert not any(page.url.startswith(f"https://{hostile.ELSEWHERE}") for page in slow.pages)


def test_popup_storm_is_capped(slow):
    """20,000 pop-ups: the first 100 recorded, the rest counted as dropped, on that page only."""
    page = _page(slow, "popups")
    assert len(page.popups) == MAX_POPUPS and page.dropped.popups > 0
    assert all(not p.popups for p in slow.pages if p is not page)


def test_dialog_storm_costs_its_own_page(slow):
    """An endless alert() loop: at most 100 dialogs kept, the tab closed and that recorded on the
    page; the next page's dialogs are its own (a beforeunload of its own, if any)."""
    page = _page(slow, "dialogen")
    assert 0 < len(page.dialogs) <= MAX_DIALOGS
    assert {d.message.split()[0] for d in page.dialogs} == {"melding"}
    assert _errors(slow, "dialogen", "page-read")
    after = _page(slow, "verlaten")
    assert after.title == "Verlaten" and {d.type for d in after.dialogs} <= {"beforeunload"}


def test_download_reset_and_crashing_pages(slow):
    """A download, a reset connection and a page that exhausts its memory: each an error on that page."""
    assert [e.kind for e in _errors(slow, "bestand")] == ["download"]
    assert any("ERR_CONNECTION_RESET" in e.message for e in _errors(slow, "reset", "navigation"))
    assert {e.kind for e in _errors(slow, "geheugen")} & {"crash", "hang", "page-read"}
    assert _page(slow, "hangt").status == 200  # the page after the dead one starts clean


def test_hangs_are_blamed_on_the_page_that_hung(slow):
    """A script that never yields after load, and one that hangs when the page is left: both
    recorded on their own page, with what they set; the next page is unaffected."""
    assert _errors(slow, "hangt", "hang")
    assert _page(slow, "hangt").title == "Hangt"  # stopped, then read
    assert any(c.name == "hangt" and c.first_seen_url == hostile.SITE + "hangt" for c in slow.cookies)
    assert _errors(slow, "hangt-later", "hang")
    assert not [e for e in _errors(slow, "reset") if e.kind != "navigation"]


def test_links_title_and_storage_are_capped(heavy):
    """20,000 links, a 1 MB title and 2,000 localStorage keys: each kept up to its cap, the rest
    counted in the page's dropped object."""
    page = _page(heavy, "links")
    assert len(page.title) == MAX_TITLE
    assert page.dropped.links == hostile.LINKS - MAX_LINKS
    keys = [s for s in heavy.storage if s.kind == "localStorage" and s.origin == hostile.SITE.rstrip("/")]
    assert len(keys) == MAX_STORAGE_KEYS  # the cap is per origin: the other page's key counts too
    # storage outlives the page: the keys past the cap count on the page whose read first saw them all
    assert sum(p.dropped.storage_keys for p in heavy.pages) >= hostile.STORAGE_KEYS - MAX_STORAGE_KEYS


def test_dom_tampering_cannot_hide_links_or_title(heavy):
    """A page that overrides querySelectorAll, the title and href getters, JSON.stringify and
    Object.defineProperty still gives its real title and links (read in an isolated world)."""
    page = _page(heavy, "knoeien")
    assert page.title == "Echte titel"
    assert page.external_links == [f"https://{hostile.ELSEWHERE}/verborgen"]
    assert not _errors(heavy, "knoeien")


def test_refresh_loop(slow):
    """A meta-refresh loop is recorded as a navigation loop on its page."""
    assert any("by itself" in e.message for e in _errors(slow, "ververs", "navigation"))


def test_iframe_bomb_is_bounded(slow):
    """Endless nesting plus 120 frames side by side: the page is read, frames beyond the cap are
    counted as dropped (or the page's timeout stopped them), and the scan goes on."""
    page = _page(slow, "iframes")
    assert page.title == "Iframes"
    assert page.dropped.frames > 0 or _errors(slow, "iframes", "timeout")
