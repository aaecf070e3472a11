"""Service workers (issue 12, item 1): cookies a service worker sets are the worker's.

The site registers a worker on its start page. Pages visited after that are controlled by it:
one asks an API the worker answers by calling ``cookieStore.set`` itself; one asks an API the
worker passes on with ``fetch``, whose response sets a cookie. Both cookies are attributed to
the worker's script, not to the page or the API response alone. The test web's certificate is
trusted by key (``TestWeb.browser_args``): with a certificate error merely ignored, Chromium
would not fetch the worker's script at all.

One tab, so the worker is registered and running before the pages it controls are visited;
the page's scripts wait for the worker to control them (events, no timers).
"""

from __future__ import annotations

import pytest

from cookieaudit.scanner import scan
from tests.testweb import Response, html

pytestmark = pytest.mark.browser

HOST = "www.werkerstad.nl"
SITE = f"https://{HOST}"
JS = "text/javascript"

# The worker: answers /api/voorkeur by keeping the answer in Cache Storage and writing a cookie
# through the Cookie Store API, and passes /api/sessie on to the network.
WORKER_JS = """
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(clients.claim()));
self.addEventListener('fetch', (event) => {
  const path = new URL(event.request.url).pathname;
  if (path === '/api/voorkeur') {
    event.respondWith(caches.open('werker-antwoorden-v1')
      .then(() => cookieStore.set({name: 'werker_voorkeur', value: 'donker', expires: Date.now() + 30 * 864e5}))
      .then(() => new Response('{"ok": true}', {headers: {'Content-Type': 'application/json'}})));
  } else if (path === '/api/sessie') {
    event.respondWith(fetch(event.request));
  }
});
"""
REGISTER_JS = "navigator.serviceWorker.register('/sw.js');"
# Once the worker controls the page (at once, or when the fresh worker claims it): the two API
# calls, one after the other.
CALLS_JS = """
const workers = navigator.serviceWorker;
(workers.controller ? Promise.resolve()
                    : new Promise((resolve) => workers.addEventListener('controllerchange', resolve, {once: true})))
  .then(() => fetch('/api/voorkeur')).then(() => fetch('/api/sessie')).then(() => { document.title = 'gedaan'; });
"""


@pytest.fixture(scope="module")
def result(testweb, chromium_path):
    testweb.route(HOST, "/", html('<a href="/binnen">binnen</a><script src="/js/registreer.js"></script>',
                                  title="start"))
    testweb.route(HOST, "/js/registreer.js", Response(REGISTER_JS, content_type=JS))
    testweb.route(HOST, "/sw.js", Response(WORKER_JS, content_type=JS))
    testweb.route(HOST, "/binnen", html('<script src="/js/aanroepen.js"></script>', title="binnen"))
    testweb.route(HOST, "/js/aanroepen.js", Response(CALLS_JS, content_type=JS))
    testweb.route(HOST, "/api/sessie", Response('{"ok": true}', content_type="application/json",
                                                set_cookies=["werker_sessie=s-4411; Path=/; Secure; Max-Age=3600"]))
    return scan(SITE + "/", consent="none", pages=2, concurrency=1, insecure=True, browser_args=testweb.browser_args,
                timeout=60)


def _cookie(result, name):
    found = [c for c in result.cookies if c.name == name]
    assert len(found) == 1, [(c.name, c.set_by) for c in result.cookies]
    return found[0]


def test_the_worker_runs_and_controls_the_next_page(result):
    assert [p.url for p in result.pages] == [SITE + "/", SITE + "/binnen"]
    assert result.pages[1].title == "gedaan"  # both calls answered
    entry = next(s for s in result.storage if s.kind == "serviceWorker")
    assert (entry.origin, entry.key, entry.script_url, entry.party) == (SITE, SITE + "/", SITE + "/sw.js", "first")


def test_a_cookie_store_write_in_the_worker_is_the_worker_scripts(result):
    cookie = _cookie(result, "werker_voorkeur")
    assert cookie.stored
    assert cookie.set_by is not None
    assert (cookie.set_by.kind, cookie.set_by.url, cookie.set_by.party) == ("cookie-store", SITE + "/sw.js", "first")
    assert cookie.first_seen_url == SITE + "/binnen"
    assert 29 <= cookie.max_age_days <= 31


def test_a_cookie_from_a_response_to_the_workers_request_is_the_workers(result):
    cookie = _cookie(result, "werker_sessie")
    assert cookie.stored
    assert cookie.set_by is not None
    assert (cookie.set_by.kind, cookie.set_by.url) == ("service-worker", SITE + "/sw.js")
    assert cookie.set_by.response_url == SITE + "/api/sessie"
    assert cookie.first_seen_url == SITE + "/binnen"


def test_storage_the_worker_writes_is_the_worker_scripts(result):
    entry = next(s for s in result.storage if (s.kind, s.key) == ("cacheStorage", "werker-antwoorden-v1"))
    assert entry.origin == SITE
    assert entry.set_by is not None and entry.set_by.url == SITE + "/sw.js"
