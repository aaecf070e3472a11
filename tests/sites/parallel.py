"""A site whose scan must come out the same with one tab or several: late tags, scroll tags,
cookies set by several pages, cross-site iframes and storage, on pages that answer at
different speeds so parallel tabs finish out of crawl order.

``install(testweb)`` serves https://www.parallelstad.nl and returns a :class:`ParallelSite`
with the pages in crawl order and the page on which each planted cookie and storage entry
must be first seen (the earliest page in crawl order that sets it). The traps:

* ``/wonen`` answers slowly and fires a Meta-pixel-like tag 1.5 s after ``load`` (``_fbp``
  by script, ``fr`` by the pixel's response), so with three tabs ``/werken``, ``/nieuws`` and
  ``/contact`` finish before it;
* ``/werken`` loads a Clarity-like tag 0.8 s after the first scroll (``_clck``, ``_clsk`` by
  script, ``MUID`` by a response) and writes ``weergave`` from ``weergave-laat.js`` 1.2 s after
  load; ``/nieuws`` writes the same ``weergave`` at once from ``weergave.js``, so with tabs the
  later page in crawl order writes it first in time;
* ``/nieuws`` and ``/werken/vacatures`` embed a cross-site map iframe that sets a third-party
  cookie and a localStorage key in its own origin;
* ``/contact`` writes sessionStorage and opens an IndexedDB database 1 s after load, and its
  response sets a cookie Chromium refuses (``SameSite=None`` without ``Secure``);
* every page carries the gtag-like tag (``_ga``, ``_ga_<id>``, a beacon) and a session cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.testweb import Request, Response, TestWeb

__all__ = ["ParallelSite", "install"]

HOST = "www.parallelstad.nl"
SITE = f"https://{HOST}"
WIDGET_HOST = "widgets.kaartviewer.nl"
ASSETS = Path(__file__).parent / "assets"
JS = "application/javascript; charset=utf-8"
GA_ID = "G-PARALLEL01"
SESSION_COOKIE = "PARALLELSESSION"
LATE_TAG_SECONDS = 1.5
SCROLL_TAG_SECONDS = 0.8

# Inline tag-manager snippets: what each embed adds to a page.
_SNIPPETS = {
    "ga": f'<script async src="https://www.googletagmanager.com/gtag/js?id={GA_ID}"></script>',
    "late-meta": ("<script>addEventListener('load', () => setTimeout(() => {"
                  "const s = document.createElement('script'); s.src = 'https://connect.facebook.net/en_US/fbevents.js';"
                  f"document.head.appendChild(s); }}, {int(LATE_TAG_SECONDS * 1000)}));</script>"),
    "scroll-clarity": ("<script>addEventListener('scroll', function once() { removeEventListener('scroll', once);"
                       "setTimeout(() => { const s = document.createElement('script');"
                       "s.src = 'https://www.clarity.ms/tag/parallel01'; document.head.appendChild(s); }, "
                       f"{int(SCROLL_TAG_SECONDS * 1000)}); }}, {{passive: true}});</script>"
                       '<div style="height:2600px"></div>'),
    "weergave-late": ("<script>addEventListener('load', () => setTimeout(() => {"
                      "const s = document.createElement('script'); s.src = '/scripts/weergave-laat.js';"
                      "document.head.appendChild(s); }, 1200));</script>"),
    "weergave-direct": '<script src="/scripts/weergave.js"></script>',
    "kaart": f'<iframe src="https://{WIDGET_HOST}/kaart" width=400 height=300></iframe>',
    "contact-storage": ("<script>setTimeout(() => { sessionStorage.setItem('contactformulier', 'stap-1');"
                        "indexedDB.open('formulieren'); }, 1000);</script>"),
    "refused": "",  # a response header only
}

FBEVENTS_JS = """(function () {
  var fbp = document.cookie.match(/(?:^|; )_fbp=([^;]*)/);
  if (!fbp) {
    document.cookie = "_fbp=fb.1." + Date.now() + "." + Math.floor(Math.random() * 1e9) +
      "; max-age=7776000; path=/; domain=.parallelstad.nl; SameSite=Lax";
  }
  new Image().src = "https://www.facebook.com/tr?id=112233445566778&ev=PageView&dl=" + encodeURIComponent(location.href);
})();"""

CLARITY_JS = """(function () {
  document.cookie = "_clck=" + Math.random().toString(36).slice(2) + "|2|f|0|; max-age=31536000; path=/; domain=.parallelstad.nl";
  document.cookie = "_clsk=" + Math.random().toString(36).slice(2) + "|" + Date.now() + "|1|1; max-age=86400; path=/; domain=.parallelstad.nl";
  new Image().src = "https://c.clarity.ms/c.gif?ctld=parallelstad";
})();"""

WEERGAVE_JS = 'document.cookie = "weergave=lijst; max-age=2592000; path=/; SameSite=Lax";'
WEERGAVE_LATE_JS = 'document.cookie = "weergave=tegels; max-age=2592000; path=/; SameSite=Lax";'

WIDGET_HTML = ("<!doctype html><title>Kaart</title><p>kaart</p>"
               "<script>localStorage.setItem('kaart-positie', '52.07,4.30');</script>")


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    links: tuple[str, ...]
    embeds: tuple[str, ...]
    delay: float  # seconds before the HTML is answered


PAGES = (  # in breadth-first crawl order
    PageSpec("/", "Home", ("/wonen", "/werken", "/nieuws", "/contact"), ("ga",), 0.05),
    PageSpec("/wonen", "Wonen", ("/wonen/huren", "/wonen/kopen"), ("ga", "late-meta"), 1.2),
    PageSpec("/werken", "Werken", ("/werken/vacatures",), ("ga", "scroll-clarity", "weergave-late"), 0.3),
    PageSpec("/nieuws", "Nieuws", ("/nieuws/archief",), ("ga", "weergave-direct", "kaart"), 0.02),
    PageSpec("/contact", "Contact", (), ("ga", "contact-storage", "refused"), 0.02),
    PageSpec("/wonen/huren", "Huren", (), ("ga", "late-meta"), 0.1),
    PageSpec("/wonen/kopen", "Kopen", (), ("ga", "hotjar"), 0.05),
    PageSpec("/werken/vacatures", "Vacatures", (), ("ga", "kaart", "scroll-clarity"), 0.2),
    PageSpec("/nieuws/archief", "Archief", (), ("ga", "weergave-direct"), 0.02),
)

# What each embed plants: cookie names and storage (kind, origin, key).
COOKIES_OF = {
    "ga": ("_ga", "_ga_" + GA_ID[2:]),
    "late-meta": ("_fbp", "fr"),
    "scroll-clarity": ("_clck", "_clsk", "MUID"),
    "weergave-late": ("weergave",),
    "weergave-direct": ("weergave",),
    "kaart": ("kaartsessie",),
    "hotjar": ("_hjSessionUser_777", "_hjSession_777"),
}
STORAGE_OF = {
    "kaart": (("localStorage", f"https://{WIDGET_HOST}", "kaart-positie"),),
    "contact-storage": (("sessionStorage", SITE, "contactformulier"), ("indexedDB", SITE, "formulieren")),
    "hotjar": (("localStorage", SITE, "hjActiveViewportIds"), ("sessionStorage", SITE, "hjViewportId")),
}
REFUSED_COOKIE = "oud_formaat"


@dataclass(frozen=True)
class ParallelSite:
    """What the tests need to know about the installed site."""

    start_url: str
    page_urls: list[str]  # crawl order
    first_pages: dict[str, str]  # cookie name -> URL of the earliest page in crawl order that sets it
    storage_first_pages: dict[tuple[str, str, str], str]  # (kind, origin, key) -> that page's URL
    refused_cookie: str
    late_requests: tuple[tuple[str, str], ...]  # (page URL, host) a tag firing after load or the scroll requests


def _page_route(spec: PageSpec):
    links = "".join(f'<li><a href="{link}">{link}</a></li>' for link in spec.links)
    snippets = "".join(_SNIPPETS.get(embed, "") for embed in spec.embeds)
    if "hotjar" in spec.embeds:
        snippets += ("<script>window._hjSettings={hjid:777,hjsv:6};</script>"
                     '<script async src="https://static.hotjar.com/c/hotjar-777.js?sv=6"></script>')
    body = (f"<!doctype html><html lang=nl><head><meta charset=utf-8><title>{spec.title} - Parallelstad</title></head>"
            f'<body><nav><a href="/">Home</a></nav><h1>{spec.title}</h1><ul>{links}</ul>{snippets}</body></html>')

    def handle(request: Request) -> Response:
        cookies = []
        if SESSION_COOKIE not in request.cookies:
            cookies.append(f"{SESSION_COOKIE}=s{abs(hash(spec.path)) % 10**6}; Path=/; Secure; HttpOnly; SameSite=Lax")
        if "refused" in spec.embeds:
            cookies.append(f"{REFUSED_COOKIE}=1; Path=/; Max-Age=3600; SameSite=None")  # None needs Secure
        return Response(body, set_cookies=cookies, delay=spec.delay)

    return handle


def _widget(request: Request) -> Response:
    cookies = [] if "kaartsessie" in request.cookies else [
        "kaartsessie=k1; Path=/; Max-Age=86400; Secure; SameSite=None"]
    return Response(WIDGET_HTML, set_cookies=cookies, delay=0.05)


def install(testweb: TestWeb) -> ParallelSite:
    """Serve the site on ``testweb``; return its plan and expectations."""
    for spec in PAGES:
        testweb.route(HOST, spec.path, _page_route(spec))
    testweb.route(HOST, "/scripts/weergave.js", Response(WEERGAVE_JS, content_type=JS))
    testweb.route(HOST, "/scripts/weergave-laat.js", Response(WEERGAVE_LATE_JS, content_type=JS))
    testweb.route("www.googletagmanager.com", "/gtag/js", Response((ASSETS / "gtag.js").read_bytes(), content_type=JS))
    testweb.route("region1.google-analytics.com", "/g/collect", Response(b"", status=204, content_type="text/plain"))
    testweb.route("static.hotjar.com", "/c/hotjar-777.js", Response((ASSETS / "hotjar.js").read_bytes(), content_type=JS))
    testweb.route("connect.facebook.net", "/en_US/fbevents.js", Response(FBEVENTS_JS, content_type=JS, delay=0.05))
    testweb.route("www.facebook.com", "/tr", Response(
        b"GIF89a", content_type="image/gif",
        set_cookies=["fr=0pixel..; Domain=.facebook.com; Path=/; Max-Age=7776000; Secure; HttpOnly; SameSite=None"]))
    testweb.route("www.clarity.ms", "/tag/parallel01", Response(CLARITY_JS, content_type=JS, delay=0.05))
    testweb.route("c.clarity.ms", "/c.gif", Response(
        b"GIF89a", content_type="image/gif",
        set_cookies=["MUID=1A2B3C; Domain=.clarity.ms; Path=/; Max-Age=34128000; Secure; SameSite=None"]))
    testweb.route(WIDGET_HOST, "/kaart", _widget)

    first_pages: dict[str, str] = {SESSION_COOKIE: SITE + "/"}
    storage_first: dict[tuple[str, str, str], str] = {}
    for spec in PAGES:
        for embed in spec.embeds:
            for name in COOKIES_OF.get(embed, ()):
                first_pages.setdefault(name, SITE + spec.path)
            for item in STORAGE_OF.get(embed, ()):
                storage_first.setdefault(item, SITE + spec.path)
    late_hosts = {"late-meta": ("connect.facebook.net", "www.facebook.com"), "scroll-clarity": ("www.clarity.ms", "c.clarity.ms")}
    late = tuple((SITE + spec.path, host) for spec in PAGES for embed in spec.embeds for host in late_hosts.get(embed, ()))
    return ParallelSite(start_url=SITE + "/", page_urls=[SITE + spec.path for spec in PAGES],
                        first_pages=first_pages, storage_first_pages=storage_first,
                        refused_cookie=REFUSED_COOKIE, late_requests=late)
