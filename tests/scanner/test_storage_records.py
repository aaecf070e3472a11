"""Storage, complete (issue 12, item 1): writes recorded as they happen, merged with the init
script's attribution and the profile read after each page.

The site writes storage in the ways a real site does and then makes the writes hard to see
afterwards: a third-party widget iframe writes and is removed by the page at once; a page
writes sessionStorage and redirects away with ``location.replace``; a script writes
``localStorage.x = 1`` and ``localStorage['y'] = 2`` (no function call to wrap); a store too
big for the init script's property-write check still has its property write recorded; a page
registers a service worker.
"""

from __future__ import annotations

import pytest

from cookieaudit.scanner import scan
from tests.testweb import Response, html

pytestmark = pytest.mark.browser

HOST = "www.opslagstad.nl"
SITE = f"https://{HOST}"
WIDGET = "https://widget.kaartdienst-voorbeeld.com"
GROOT = "https://archief.opslagstad.nl"  # an origin of the site with a big store
JS = "text/javascript"

WIDGET_JS = """
localStorage.setItem('kaart-id', 'kid-7731');
localStorage.kaartZoom = '12';
localStorage['kaart laag'] = 'satelliet';
indexedDB.open('kaart-tegels');
caches.open('kaart-cache-v1');
"""
PROPERTY_JS = "localStorage.voorkeurTaal = 'nl'; localStorage['thema'] = 'donker';"
BIG_STORE_JS = ("for (let i = 0; i < 320; i++) localStorage.setItem('regel' + i, 'x');"
                "localStorage.naDeLijst = 'ja';")

# A site that replaces built-ins the instrumentation could depend on, then writes: its own code
# must keep working (the title it sets) and the writes must still be attributed.
SABOTAGE_JS = """
const realStringify = JSON.stringify;
JSON.stringify = function () { throw new Error('geen JSON'); };
JSON.parse = function () { throw new Error('geen JSON'); };
Object.defineProperty = function () { throw new Error('geen defineProperty'); };
Function.prototype.apply = function () { throw new Error('geen apply'); };
Array.prototype.push = function () { throw new Error('geen push'); };
localStorage.setItem('na-sabotage', 'ja');
localStorage.naSabotageEigenschap = 'ook';
document.cookie = 'sabotage_cookie=1; path=/; max-age=3600';
setTimeout(function () { document.title = realStringify({werkt: 'nog'}); }, 20);
"""


@pytest.fixture(scope="module")
def result(testweb, chromium_path):
    testweb.route(WIDGET.split("//")[1], "/frame", html('<script src="/kaart.js"></script>', title="kaart"))
    testweb.route(WIDGET.split("//")[1], "/kaart.js", Response(WIDGET_JS, content_type=JS))
    links = "".join(f'<a href="{path}">{path}</a>' for path in ("/verder", "/instellingen", GROOT + "/groot", "/werker",
                                                                  "/sabotage", "/speler"))
    testweb.route(HOST, "/", html(
        links + f'<iframe id="kaart" src="{WIDGET}/frame"></iframe>'
        "<script>const f = document.getElementById('kaart'); f.onload = () => f.remove();</script>", title="start"))
    testweb.route(HOST, "/verder", html(
        "<script>sessionStorage.setItem('stap', 'twee'); location.replace('https://doel.opslagstad.nl/klaar');</script>"))
    testweb.route("doel.opslagstad.nl", "/klaar", html("klaar", title="klaar"))
    testweb.route(HOST, "/instellingen", html('<script src="/js/voorkeur.js"></script>', title="instellingen"))
    testweb.route(HOST, "/js/voorkeur.js", Response(PROPERTY_JS, content_type=JS))
    testweb.route(GROOT.split("//")[1], "/groot", html('<script src="/js/groot.js"></script>', title="groot"))
    testweb.route(GROOT.split("//")[1], "/js/groot.js", Response(BIG_STORE_JS, content_type=JS))
    testweb.route(HOST, "/werker", html('<script src="/js/registreer.js"></script>', title="werker"))
    testweb.route(HOST, "/js/registreer.js", Response("navigator.serviceWorker.register('/sw.js');", content_type=JS))
    testweb.route(HOST, "/sw.js", Response("self.addEventListener('install', () => self.skipWaiting());",
                                           content_type=JS))
    testweb.route(HOST, "/sabotage", html('<script src="/js/sabotage.js"></script>', title="voor"))
    testweb.route(HOST, "/js/sabotage.js", Response(SABOTAGE_JS, content_type=JS))
    testweb.route(HOST, "/speler", html('<iframe src="https://media.opslagstad.nl/speler"></iframe>', title="speler"))
    testweb.route("media.opslagstad.nl", "/speler", html('<script src="/speler.js"></script>'))
    testweb.route("media.opslagstad.nl", "/speler.js", Response(
        "cookieStore.set({name: 'speler_volume', value: '80', domain: 'opslagstad.nl', expires: Date.now() + 864e5});",
        content_type=JS))
    return scan(SITE + "/", consent="none", pages=10, insecure=True, browser_args=testweb.browser_args, timeout=60)


def _entry(result, kind, origin, key):
    found = [s for s in result.storage if (s.kind, s.origin, s.key) == (kind, origin, key)]
    assert len(found) == 1, f"{kind} {origin} {key}: {[(s.kind, s.origin, s.key) for s in result.storage]}"
    return found[0]


def test_a_removed_third_party_frame_keeps_its_writes(result):
    for kind, key in (("localStorage", "kaart-id"), ("indexedDB", "kaart-tegels"), ("cacheStorage", "kaart-cache-v1")):
        entry = _entry(result, kind, WIDGET, key)
        assert entry.party == "third"
        assert entry.partition == "https://opslagstad.nl"  # the top-level site, a field of its own
        assert entry.frame_url == WIDGET + "/frame"
        assert entry.set_by is not None and entry.set_by.url == WIDGET + "/kaart.js"
        assert entry.first_seen_url == SITE + "/"
    assert _entry(result, "localStorage", WIDGET, "kaart-id").value != "kid-7731"  # redacted by default


def test_property_style_writes_are_attributed_like_set_item(result):
    for origin, key, script in ((WIDGET, "kaartZoom", WIDGET + "/kaart.js"),
                                (WIDGET, "kaart laag", WIDGET + "/kaart.js"),
                                (SITE, "voorkeurTaal", SITE + "/js/voorkeur.js"),
                                (SITE, "thema", SITE + "/js/voorkeur.js")):
        entry = _entry(result, "localStorage", origin, key)
        assert entry.set_by is not None and entry.set_by.url == script, key
        assert entry.set_by.kind == "script"
        assert "script" in entry.recorded_by


def test_a_page_that_redirects_away_keeps_its_session_storage(result):
    entry = _entry(result, "sessionStorage", SITE, "stap")
    assert "devtools" in entry.recorded_by  # written as it happened, gone from the final page's origin
    assert entry.frame_url == SITE + "/verder"
    assert entry.set_by is not None and entry.set_by.url == SITE + "/verder"  # the inline script's document


def test_devtools_records_what_the_page_script_check_skips(result):
    """A store of more than 300 keys is too big for the init script's property-write check;
    the DevTools record still has the write (its writer is unknown, not guessed)."""
    entry = _entry(result, "localStorage", GROOT, "naDeLijst")
    assert entry.recorded_by[:1] == ["devtools"] or "devtools" in entry.recorded_by
    assert "script" not in entry.recorded_by
    assert entry.set_by is None


def test_service_worker_registration_is_a_storage_kind(result):
    entry = _entry(result, "serviceWorker", SITE, SITE + "/")
    assert entry.script_url == SITE + "/sw.js"
    assert entry.party == "first"
    assert entry.set_by is not None and entry.set_by.url == SITE + "/js/registreer.js"
    assert entry.first_seen_url == SITE + "/werker"


def test_every_entry_is_recorded_once_per_partition(result):
    keys = [(s.kind, s.origin, s.partition, s.key, s.phase) for s in result.storage]
    assert len(keys) == len(set(keys))


def test_a_site_that_replaces_builtins_keeps_working_and_is_recorded(result):
    page = next(p for p in result.pages if p.url == SITE + "/sabotage")
    assert page.title == '{"werkt":"nog"}'  # its own timer ran, with its own JSON
    script = SITE + "/js/sabotage.js"
    for key in ("na-sabotage", "naSabotageEigenschap"):
        entry = _entry(result, "localStorage", SITE, key)
        assert entry.set_by is not None and entry.set_by.url == script, key
    cookie = next(c for c in result.cookies if c.name == "sabotage_cookie")
    assert cookie.set_by is not None and cookie.set_by.url == script


def test_cookie_store_inside_a_frame_is_attributed_to_the_frame_script(result):
    cookie = next(c for c in result.cookies if c.name == "speler_volume")
    assert cookie.set_by is not None
    assert (cookie.set_by.kind, cookie.set_by.url) == ("cookie-store", "https://media.opslagstad.nl/speler.js")
    assert cookie.first_seen_url == SITE + "/speler"
