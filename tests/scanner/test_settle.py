"""The settle policy on pages built to test it: late tags (1.5 s after load, on scroll, in an
idle callback, from a lazy image) are waited for and kept; timers too far away or in loops
are not waited for; a page whose network never goes quiet ends at the settle limit, and its
record says why."""

from __future__ import annotations

import pytest

from cookieaudit.scanner import scan
from tests.testweb import Response, html

pytestmark = pytest.mark.browser

HOST = "www.wachtstad.nl"
SITE = f"https://{HOST}"
TRACKER = "pixel.meetbureau.nl"
HEARTBEAT = "live.hartslag-widget.nl"
SETTLE_LIMIT = 3.0


def _beacon(name: str) -> str:
    return f"new Image().src = 'https://{TRACKER}/px?e={name}';"


PAGES = {
    "/rustig": "<p>Niets meer te doen.</p>",
    "/hartslag": (f"<script>setInterval(() => fetch('https://{HEARTBEAT}/ping', {{mode: 'no-cors'}}), 150);</script>"),
    "/laat": ("<script>addEventListener('load', () => setTimeout(() => {"
              "document.cookie = 'laat_na_load=1; max-age=86400; path=/';" + _beacon("laat") + "}, 1500));</script>"),
    "/scroll": ("<script>addEventListener('scroll', function once() { removeEventListener('scroll', once);"
                "document.cookie = 'gescrold=1; max-age=86400; path=/';" + _beacon("scroll") + "});</script>"
                '<div style="height:3000px"></div>'
                f'<img loading="lazy" src="https://{TRACKER}/lui.png?e=lazy" width=10 height=10>'),
    "/scroll-vertraagd": ("<script>addEventListener('scroll', function once() { removeEventListener('scroll', once);"
                          "setTimeout(() => { document.cookie = 'scroll_diepte=100; max-age=86400; path=/';"
                          + _beacon("diepte") + "}, 1000); });</script><div style=\"height:3000px\"></div>"),
    "/idle": ("<script>requestIdleCallback(() => { document.cookie = 'idle_tag=1; max-age=86400; path=/';"
              + _beacon("idle") + "});</script>"),
    "/ver-weg": "<script>setTimeout(() => { document.cookie = 'na_acht_seconden=1; path=/'; }, 8000);</script>",
    "/animatie": ("<div id=a></div><script>let n = 0; (function frame() { document.getElementById('a').textContent = n++;"
                  "setTimeout(frame, 16); })();</script>"),
    "/klok": ("<div id=k></div><script>setInterval(() => { document.getElementById('k').textContent = "
              "new Date().toLocaleTimeString(); }, 1000);</script>"),
}


@pytest.fixture(scope="module")
def result(testweb, chromium_path):
    links = "".join(f'<a href="{path}">{path}</a> ' for path in PAGES)
    testweb.route(HOST, "/", html(f"<h1>Wachtstad</h1>{links}", title="Wachtstad"))
    for path, body in PAGES.items():
        testweb.route(HOST, path, html(body, title=path))
    for path in ("/px", "/lui.png"):
        testweb.route(TRACKER, path, Response(b"GIF89a", content_type="image/gif",
                                              set_cookies=["mb_id=7; Path=/; Max-Age=86400; Secure; SameSite=None"]))
    testweb.route(HEARTBEAT, "/ping", Response(b"ok", content_type="text/plain", delay=0.05))
    return scan(SITE + "/", consent="none", pages=len(PAGES) + 1, settle_limit=SETTLE_LIMIT, timeout=30,
                browser_args=testweb.browser_args, insecure=True)


def _page(result, path):
    return next(page for page in result.pages if page.url == SITE + path)


def _beacons(result) -> set:
    return {record.url.split("e=")[-1] for group in result.requests for record in group.requests
            if record.host == TRACKER}


def test_nothing_pending_settles_without_waiting_for_timers(result):
    settle = _page(result, "/rustig").settle
    assert settle.settled and settle.late_timers == 0 and settle.reason is None


@pytest.mark.parametrize("path, cookie, beacon", [
    ("/laat", "laat_na_load", "laat"),
    ("/scroll", "gescrold", "scroll"),
    ("/scroll-vertraagd", "scroll_diepte", "diepte"),
    ("/idle", "idle_tag", "idle"),
])
def test_late_tags_are_kept(result, path, cookie, beacon):
    """The tag's cookie is recorded on its page, and so is its request (whose response set mb_id)."""
    found = [c for c in result.cookies if c.name == cookie]
    assert len(found) == 1 and found[0].first_seen_url == SITE + path
    assert beacon in _beacons(result)
    assert _page(result, path).settle.settled


def test_lazy_image_after_scroll_is_requested(result):
    assert "lazy" in _beacons(result)
    assert any(c.name == "mb_id" and c.party == "third" for c in result.cookies)


def test_a_timer_one_and_a_half_seconds_after_load_was_waited_for(result):
    assert _page(result, "/laat").settle.late_timers >= 1


@pytest.mark.parametrize("path", ["/ver-weg", "/animatie", "/klok"])
def test_far_timers_and_loops_do_not_hold_a_page(result, path):
    """An 8-second timer, a 16 ms animation loop and a ticking clock are not waited for."""
    settle = _page(result, path).settle
    assert settle.settled, settle
    assert not any(c.name == "na_acht_seconden" for c in result.cookies)


def test_network_that_never_goes_quiet_ends_at_the_settle_limit(result):
    """A heartbeat every 150 ms: the page is ended at the settle limit, not at --timeout, and
    the record names the busy host."""
    page = _page(result, "/hartslag")
    assert page.error is None
    settle = page.settle
    assert not settle.settled
    assert settle.reason == f"network not quiet within {SETTLE_LIMIT:.1f} s"
    assert HEARTBEAT in settle.hosts
    assert settle.waited_ms >= SETTLE_LIMIT * 1000
    following = result.pages[result.pages.index(page) + 1:]
    assert all(p.settle is not None for p in following)  # the crawl went on
