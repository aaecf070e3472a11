"""A hostile site for the test web: one page per way a site can try to break, blind or flood a
scan, linked from the start page in a fixed order, and a normal page at the end.

``install(testweb)`` serves it and returns ``HostileSite`` with the URLs; what each page must
do to a scan is asserted in ``tests/scanner/test_hostile.py``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from tests.testweb import Response, html, redirect

HOST = "www.vijandig.nl"
SITE = f"https://{HOST}/"
ELSEWHERE = "www.elders-voorbeeld.nl"
TRACKER = "meet.vijandig-analytics.nl"

# Site strings a terminal must never receive raw: ANSI escape, C1 CSI, bidi overrides, markup.
NASTY_TITLE = "<b>vet</b>\x1b[31mrood\x9b31m\u202egnirts\u2066x\u2069"
NASTY_COOKIE_NAME = "\u202eomgekeerd"
NASTY_COOKIE_VALUE = "<script>alert(1)</script>\u202e"

COOKIE_FLOOD = 3000
LINKS = 20_000
POPUPS = 20_000
WIDE_FRAMES = 120
BIG_PAGE_BYTES = 20 * 1024 * 1024
HUGE_TITLE = "T" * 1_000_000
STORAGE_KEYS = 2000

# (path, what it does) in link order. Two scans: pages that are slow by design get a tight
# per-page timeout (each costs one), heavy pages a generous one (they finish long before it,
# unless the machine is starved), so neither kind makes the other flaky.
SLOW_CASES = (
    ("eindeloos", "a page that never finishes loading"),
    ("onrustig", "a network that is never quiet"),
    ("lus", "a redirect loop"),
    ("weg", "a redirect to another site"),
    ("popups", f"{POPUPS} pop-ups"),
    ("dialogen", "an endless alert() loop"),
    ("verlaten", "a beforeunload handler"),
    ("bestand", "a download"),
    ("geheugen", "allocates memory without limit"),
    ("hangt", "a script that never yields, right after load"),
    ("hangt-later", "a script that never yields when the page is left"),
    ("reset", "a connection reset"),
    ("ververs", "a meta-refresh loop"),
    ("iframes", f"an iframe bomb: endless nesting and {WIDE_FRAMES} frames side by side"),
    ("na", "an ordinary page after all of them"),
)
HEAVY_CASES = (
    ("opmaak", "markup, ANSI, C1 and bidi characters in the title, cookie names and values"),
    ("koekjes", f"{COOKIE_FLOOD} cookies from script"),
    ("groot", "a 20 MB page"),
    ("links", f"{LINKS} links, a 1 MB title and {STORAGE_KEYS} localStorage keys"),
    ("scroll", "infinite scroll"),
    ("sw", "a service worker"),
    ("knoeien", "overrides querySelectorAll, the title and href getters, JSON.stringify and defineProperty"),
    ("na", "an ordinary page after all of them"),
)
CASES = tuple(dict.fromkeys(SLOW_CASES + HEAVY_CASES))


@dataclass(frozen=True)
class HostileSite:
    slow_start: str  # links to SLOW_CASES
    heavy_start: str  # links to HEAVY_CASES


def install(testweb) -> HostileSite:
    """Serve the hostile site on ``testweb``."""
    for start, cases in (("/traag", SLOW_CASES), ("/zwaar", HEAVY_CASES)):
        links = "".join(f'<a href="/{path}">{path}</a> ' for path, _ in cases)
        testweb.route(HOST, start, html(f"<h1>Vijandig</h1>{links}", title="Vijandig",
                                        set_cookies=["eerste=1; Path=/; Max-Age=600; Secure"]))
    testweb.route(TRACKER, "/px", Response(b"GIF89a", content_type="image/gif"))
    testweb.route(TRACKER, "/ping", Response(b"ok", content_type="text/plain"))
    testweb.route(ELSEWHERE, "/", html("<p>elders</p>", title="Elders"))
    testweb.route(ELSEWHERE, "/frame", html("<p>frame</p>"))

    testweb.route(HOST, "/opmaak", Response(
        f"<!doctype html><title>{NASTY_TITLE}</title><p>opmaak</p>"
        f"<script>document.cookie = {_js(NASTY_COOKIE_NAME + '_js=' + NASTY_COOKIE_VALUE)};"
        f"localStorage.setItem({_js(NASTY_COOKIE_NAME)}, {_js(NASTY_COOKIE_VALUE)});</script>",
        raw_set_cookies=[f"{NASTY_COOKIE_NAME}=1; Path=/; Secure".encode(),
                         b"\x1b[31mansi=1; Path=/", "c1\u009b=x; Path=/".encode()]))
    testweb.route(HOST, "/koekjes", html(
        f"<p>koekjes</p><script>for (let i = 0; i < {COOKIE_FLOOD}; i++) "
        "document.cookie = 'k' + i + '=' + i + '; max-age=3600; path=/';</script>", title="Koekjes"))
    filler = b"<p>" + b"vulling " * 1000 + b"</p>\n"
    body = b"<!doctype html><title>Groot</title>" + filler * (BIG_PAGE_BYTES // len(filler))
    testweb.route(HOST, "/groot", Response(body))
    testweb.route(HOST, "/lus", redirect("/lus2"))
    testweb.route(HOST, "/lus2", redirect("/lus"))
    testweb.route(HOST, "/weg", redirect(f"https://{ELSEWHERE}/"))
    testweb.route(HOST, "/eindeloos", Response(
        "<!doctype html><title>Eindeloos</title><p>begin</p>",
        stream=(b"<p>nog meer</p>\n" for _ in itertools.count()), chunk_delay=0.2))
    testweb.route(HOST, "/onrustig", html(
        f"<p>onrustig</p><script>setInterval(() => fetch('https://{TRACKER}/ping?t=' + Date.now()), 100)</script>",
        title="Onrustig"))
    testweb.route(HOST, "/popups", html(
        f"<p>popups</p><script>for (let i = 0; i < {POPUPS}; i++) window.open('/reclame' + i);</script>",
        title="Popups"))
    testweb.route(HOST, "/dialogen", html("<p>dialogen</p><script>for (let i = 0; ; i++) alert('melding ' + i);</script>",
                                          title="Dialogen"))
    testweb.route(HOST, "/verlaten", html(
        "<p>verlaten</p><script>addEventListener('beforeunload', e => { e.preventDefault(); e.returnValue = 'blijf'; });"
        "</script>", title="Verlaten"))
    testweb.route(HOST, "/bestand", Response(b"%PDF-1.4 nep", content_type="application/octet-stream",
                                             headers=[("Content-Disposition", 'attachment; filename="nep.pdf"')]))
    testweb.route(HOST, "/geheugen", html(
        "<p>geheugen</p><script>const hoop = []; setTimeout(() => { for (;;) hoop.push(new Array(1e6).fill(hoop.length)); }, 50);"
        "</script>", title="Geheugen"))
    testweb.route(HOST, "/hangt", html("<p>hangt</p><script>setTimeout(() => { for (;;) {} }, 50);</script>",
                                       title="Hangt", set_cookies=["hangt=1; Path=/; Secure"]))
    testweb.route(HOST, "/hangt-later", html(
        "<p>hangt later</p><script>addEventListener('pagehide', () => { for (;;) {} });</script>", title="Hangt later"))
    testweb.route(HOST, "/reset", Response(reset=True))
    testweb.route(HOST, "/links", html(
        "".join(f'<a href="/p{i}">p{i}</a>' for i in range(LINKS))
        + f"<script>for (let i = 0; i < {STORAGE_KEYS}; i++) localStorage.setItem('k' + i, 'x'.repeat(200));</script>",
        title=HUGE_TITLE))
    testweb.route(HOST, "/scroll", html(
        "<div id=lijst style='height:3000px'>start</div><script>addEventListener('scroll', () => {"
        " const d = document.createElement('div'); d.style.height = '3000px'; d.textContent = 'meer';"
        " document.body.appendChild(d); });</script>", title="Scroll"))
    testweb.route(HOST, "/sw", html(
        "<p>sw</p><script>navigator.serviceWorker && navigator.serviceWorker.register('/sw.js').catch(() => {});</script>",
        title="Service worker"))
    testweb.route(HOST, "/sw.js", Response("self.addEventListener('fetch', () => {});",
                                           content_type="application/javascript"))
    testweb.route(HOST, "/knoeien", html(
        f'<p>knoeien</p><a href="https://{ELSEWHERE}/verborgen">verborgen link</a>'
        "<script>"
        "Document.prototype.querySelectorAll = function () { return []; };"
        "Element.prototype.querySelectorAll = function () { return []; };"
        "Object.defineProperty(Document.prototype, 'title', { get() { return 'nep'; }, configurable: true });"
        "Object.defineProperty(HTMLAnchorElement.prototype, 'href', { get() { return 'about:blank'; } });"
        "JSON.stringify = () => '{}'; Object.defineProperty = function (o) { return o; };"
        "</script>", title="Echte titel"))
    testweb.route(HOST, "/ververs", html("<p>ververs</p>", title="Ververs",
                                         head='<meta http-equiv="refresh" content="0;url=/ververs2">'))
    testweb.route(HOST, "/ververs2", html("<p>ververs 2</p>", title="Ververs 2",
                                          head='<meta http-equiv="refresh" content="0;url=/ververs">'))
    wide = "".join(f'<iframe src="https://{ELSEWHERE}/frame?n={i}" width=20 height=20></iframe>'
                   for i in range(WIDE_FRAMES))
    testweb.route(HOST, "/iframes", html(f'<p>iframes</p><iframe src="/nest?d=1"></iframe>{wide}', title="Iframes"))
    testweb.route(HOST, "/nest", lambda request: html(
        f'<iframe src="/nest?d={int(request.query.get("d", ["0"])[0]) + 1}"></iframe>'
        f'<iframe src="/nest?d={int(request.query.get("d", ["0"])[0]) + 1}&b=1"></iframe>'))
    testweb.route(HOST, "/na", html(
        f'<p>na</p><img src="https://{TRACKER}/px?e=na">', title="Na alles",
        set_cookies=["na=1; Path=/; Max-Age=600; Secure"]))
    return HostileSite(SITE + "traag", SITE + "zwaar")


def _js(text: str) -> str:
    """A JavaScript string literal, safe inside an inline <script> (no literal ``</``)."""
    import json

    return json.dumps(text).replace("</", "<\\/")
