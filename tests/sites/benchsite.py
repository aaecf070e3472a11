"""A many-page municipal site for benchmarks: deterministic links, realistic latency, trackers.

``install(testweb, pages=50, latency=0.03)`` serves https://www.meetstad.nl with ``pages``
pages (home ``/`` and ``/onderwerp/<i>``). Page *i* links to the three nav pages, to its
"children" 2i+1 and 2i+2 (so a breadth-first crawl reaches every page) and to two
pseudo-random pages (fixed by *i*). Every HTML page and first-party asset answers after
``latency`` to 2x ``latency`` seconds; each page carries three images, a stylesheet, an
analytics tag and a session-recording tag served from Google's and Hotjar's host names, and a
read-aloud script that answers after 250 ms; every third page adds a map widget (150 ms) and
every fifth a form script (300 ms). The returned :class:`BenchSite` gives the pages in
breadth-first (document-order) crawl order and the cookie names the trackers set.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from tests.testweb import Request, Response, TestWeb

__all__ = ["BenchSite", "install"]

HOST = "www.meetstad.nl"
SITE = f"https://{HOST}"
ASSETS = Path(__file__).parent / "assets"
JS = "application/javascript; charset=utf-8"

GA_MEASUREMENT_ID = "G-MEETSTAD01"
HOTJAR_SITE_ID = 4242
GTAG_URL = f"https://www.googletagmanager.com/gtag/destination?id={GA_MEASUREMENT_ID}"
HOTJAR_URL = f"https://static.hotjar.com/c/hotjar-{HOTJAR_SITE_ID}.js?sv=6"
READSPEAKER_URL = "https://cdn-eu.readspeaker.com/script/10042/webReader/webReader.js?pids=wr"
IMAGE_COUNT = 20           # distinct images, shared between pages
IMAGES_PER_PAGE = 3
SESSION_COOKIE = "JSESSIONID"
COOKIE_NAMES = (SESSION_COOKIE, "_ga", "_ga_" + GA_MEASUREMENT_ID[2:], f"_hjSessionUser_{HOTJAR_SITE_ID}",
                f"_hjSession_{HOTJAR_SITE_ID}", "_rspkrLoadCore")

# (host, path, asset file, delay in seconds): slower scripts, as real widgets are.
SLOW_SCRIPTS = {
    "readspeaker": ("cdn-eu.readspeaker.com", "/script/10042/webReader/webReader.js", "readspeaker.js", 0.25),
    "kaart": (HOST, "/scripts/kaart.js", "kaart.js", 0.15),
    "formulier": (HOST, "/scripts/formulier.js", "formulier.js", 0.30),
}

PARAGRAPH = ("<p>De gemeente Meetstad werkt aan een schone, veilige en bereikbare stad. Op deze pagina leest u "
             "wat u kunt regelen, welke regels gelden en hoe u contact opneemt met de juiste afdeling. "
             "Heeft u vragen? Bel dan 14 0123 of kom langs bij de balie in het stadskantoor.</p>")


@dataclass(frozen=True)
class BenchSite:
    """What the benchmark needs to know about the installed site."""

    host: str
    start_url: str
    page_urls: list[str]        # breadth-first, document order: the order a crawl visits them
    cookie_names: tuple[str, ...]

    @property
    def pages(self) -> int:
        """Number of pages on the site."""
        return len(self.page_urls)


def page_path(index: int) -> str:
    """Path of page ``index`` (0 is the home page)."""
    return "/" if index == 0 else f"/onderwerp/{index}"


def links_of(index: int, pages: int) -> list[int]:
    """Pages that page ``index`` links to, in document order (nav first, then the body)."""
    nav = [0, 1, 2]
    body = [2 * index + 1, 2 * index + 2, (index * 7 + 3) % pages, (index * 13 + 5) % pages]
    return [target for target in nav + body if target < pages]


def crawl_order(pages: int) -> list[int]:
    """Page indexes in the order a breadth-first, document-order crawl from the home page visits them."""
    order, seen = [], {0}
    queue = [0]
    while queue:
        index = queue.pop(0)
        order.append(index)
        for target in links_of(index, pages):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return order


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height))
            + chunk(b"IEND", b""))


def _page_html(index: int, pages: int) -> str:
    """The HTML of page ``index``."""
    links = "".join(f'<li><a href="{page_path(target)}">Onderwerp {target}</a></li>'
                    for target in links_of(index, pages)[3:])
    images = "".join(f'<img src="/afbeeldingen/{(index + k) % IMAGE_COUNT}.png" alt="" width=320 height=180>'
                     for k in range(IMAGES_PER_PAGE))
    widgets = ""
    if index % 3 == 0:
        widgets += f'<script src="{SITE}/scripts/kaart.js"></script>'
    if index % 5 == 0:
        widgets += f'<script src="{SITE}/scripts/formulier.js"></script>'
    title = "Home" if index == 0 else f"Onderwerp {index}"
    return (
        f"<!doctype html><html lang=nl><head><meta charset=utf-8><title>{title} - Gemeente Meetstad</title>"
        '<link rel=stylesheet href="/assets/huisstijl.css">'
        f'<script async src="{GTAG_URL}"></script>'
        f"<script>window._hjSettings={{hjid:{HOTJAR_SITE_ID},hjsv:6}};</script>"
        f'<script async src="{HOTJAR_URL}"></script></head><body>'
        '<header><nav><a href="/">Home</a><a href="/onderwerp/1">Wonen</a><a href="/onderwerp/2">Werken</a></nav>'
        f"</header><main><h1>{title}</h1>{images}{PARAGRAPH * 8}<ul>{links}</ul>{widgets}</main>"
        f'<script async src="{READSPEAKER_URL}"></script></body></html>'
    )


def _page_route(index: int, pages: int, latency: float):
    """A handler for page ``index``: its HTML after its latency, with a session cookie when missing."""
    body = _page_html(index, pages)
    delay = latency * (1 + (index % 3) / 2)

    def handle(request: Request) -> Response:
        cookies = []
        if SESSION_COOKIE not in request.cookies:
            cookies.append(f"{SESSION_COOKIE}=bench{index:05d}; Path=/; Secure; HttpOnly; SameSite=Lax")
        return Response(body, set_cookies=cookies, delay=delay)

    return handle


def install(testweb: TestWeb, pages: int = 50, latency: float = 0.03) -> BenchSite:
    """Serve a ``pages``-page site on ``testweb`` with ``latency`` seconds per response; return its plan."""
    if pages < 3:
        raise ValueError("the bench site needs at least 3 pages (its navigation links to pages 0-2)")
    for index in range(pages):
        testweb.route(HOST, page_path(index), _page_route(index, pages, latency))
    for k in range(IMAGE_COUNT):
        colour = (40 + 9 * k, 90 + 5 * k, 160 - 4 * k)
        testweb.route(HOST, f"/afbeeldingen/{k}.png",
                      Response(_png(320, 180, colour), content_type="image/png", delay=latency))
    testweb.route(HOST, "/assets/huisstijl.css",
                  Response((ASSETS / "huisstijl.css").read_bytes(), content_type="text/css; charset=utf-8", delay=latency))
    for host, path, asset, delay in SLOW_SCRIPTS.values():
        testweb.route(host, path, Response((ASSETS / asset).read_bytes(), content_type=JS, delay=delay))
    testweb.route("www.googletagmanager.com", "/gtag/destination",
                  Response((ASSETS / "gtag.js").read_bytes(), content_type=JS, delay=latency))
    testweb.route("static.hotjar.com", f"/c/hotjar-{HOTJAR_SITE_ID}.js",
                  Response((ASSETS / "hotjar.js").read_bytes(), content_type=JS, delay=latency))
    testweb.route("region1.google-analytics.com", "/g/collect", Response(b"", status=204, content_type="text/plain"))
    return BenchSite(host=HOST, start_url=f"{SITE}/", page_urls=[SITE + page_path(i) for i in crawl_order(pages)],
                     cookie_names=COOKIE_NAMES)
