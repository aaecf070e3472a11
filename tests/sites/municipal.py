"""A Dutch municipal web site on the local test web, and the exact results a scan of it must give.

``install(testweb)`` serves https://www.voorbeeldstad.nl (plus its e-loket on
loket.voorbeeldstad.nl) and returns a :class:`MunicipalSite` holding the expectations: pages in
crawl order, every cookie with its attributes and who set it, refused cookies with Chromium's
reason, storage keys and the requests to other hosts. Tests assert against those fields instead
of re-typing facts.

The site is built from two tables: ``EMBEDS`` (server cookies and tracker snippets, each with
the cookies, storage and requests it causes) and ``PAGES`` (listed in breadth-first crawl order;
on every page the links a crawler follows appear in sorted URL order, so "document order" and
"sorted" breadth-first crawls agree). Tracker scripts are our own (tests/sites/assets/), served
from the vendors' real host names and setting the vendors' real cookie names and lifetimes.

Traps a visitor-like crawler must handle: a 301 redirect whose target is also linked directly,
a 404, a page that answers after 2 s, an ``alert()``, a form (never submitted), a logout link
(clears the session if followed), a PDF download, a ``mailto:`` link, a fragment link, the same
page under ``:443`` with a trailing slash, a link to www.rijksoverheid.nl (never followed) and a
page listed only in sitemap.xml. Expectations hold for any ``--concurrency``:
``first_seen_url`` is the first page in crawl order that carries the source.

Cookie domains are given as Chromium stores them (``.voorbeeldstad.nl`` for a ``domain=``
attribute, the bare host for host-only cookies); ``same_site`` is the attribute the site asked
for (None when absent); ``max_age_days`` is the lifetime asked for and ``stored_max_age_days``
the one Chromium keeps (capped at 400 days); both are None for session cookies. ``stored`` is
what a default desktop Chrome keeps, which allows third-party cookies (the scanner's default);
under a third-party-blocking policy (pytest-playwright's contexts, ``--block-third-party-cookies``)
the cookies and storage for which ``needs_third_party_access`` is true are missing as well.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from tests.testweb import Request, Response, TestWeb, redirect

__all__ = [
    "ExpectedCookie", "ExpectedPage", "ExpectedRequest", "ExpectedStorage", "MunicipalSite", "install",
]

HOST = "www.voorbeeldstad.nl"
LOKET_HOST = "loket.voorbeeldstad.nl"
SITE = f"https://{HOST}"
ASSETS = Path(__file__).parent / "assets"

GA_MEASUREMENT_ID = "G-7QK2M9XR4T"
HOTJAR_SITE_ID = 123
VWO_ACCOUNT_ID = 654321
VIDEO_ID = "q3vBfZ2x7Lk"
FACEBOOK_PIXEL_ID = "987654321012345"
IPSOS_HOST = "survey.ipsos.nl"  # Ipsos's Dutch domain; the survey script path is our invention

GTAG_URL = f"https://www.googletagmanager.com/gtag/js?id={GA_MEASUREMENT_ID}"
HOTJAR_URL = f"https://static.hotjar.com/c/hotjar-{HOTJAR_SITE_ID}.js?sv=6"
VWO_URL = f"https://dev.visualwebsiteoptimizer.com/j.php?a={VWO_ACCOUNT_ID}&vn=2.1"
IPSOS_URL = f"https://{IPSOS_HOST}/js/survey-invite.js?site=voorbeeldstad"
SITE_JS_URL = f"{SITE}/assets/site.js"
YOUTUBE_EMBED_URL = f"https://www.youtube.com/embed/{VIDEO_ID}"
YOUTUBE_PLAYER_URL = "https://www.youtube.com/s/player/3f9c2a1b/www-embed-player.js"
YOUTUBE_THUMBNAIL_URL = f"https://i.ytimg.com/vi/{VIDEO_ID}/hqdefault.jpg"
DOUBLECLICK_ID_URL = "https://googleads.g.doubleclick.net/pagead/id"
FACEBOOK_PIXEL_URL = f"https://www.facebook.com/tr?id={FACEBOOK_PIXEL_ID}&ev=PageView&noscript=1"
GA_COLLECT_PREFIX = "https://region1.google-analytics.com/g/collect?"
EXTERNAL_LINK = "https://www.rijksoverheid.nl/"

DAY = 86400
CHROMIUM_MAX_DAYS = 400
PAGE_URL = "<page>"  # in EMBEDS: stands for the URL of the page that carries the embed


# ----------------------------------------------------------------------------------------------
# Expectations
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExpectedCookie:
    """One cookie a scan must report, with the attributes the site asked for."""

    name: str
    domain: str
    host_only: bool
    party: str                      # "first" | "third", by the cookie's registrable domain
    vendor: str
    set_by_kind: str                # "header" | "script" | "cookie-store"
    set_by_url: str
    set_by_party: str
    max_age_days: Optional[float]   # asked for; None = session cookie
    http_only: bool = False
    secure: bool = False
    same_site: Optional[str] = None  # attribute as sent: "Lax" | "Strict" | "None" | None (absent)
    path: str = "/"
    stored: bool = True
    refused_reason: Optional[str] = None  # Chromium's SetCookieBlockedReason when stored is False
    rewritten_each_page: bool = False     # the source writes it again on every page it is on
    first_seen_url: str = ""

    @property
    def session(self) -> bool:
        """True for a cookie without Expires/Max-Age."""
        return self.max_age_days is None

    @property
    def result_domain(self) -> str:
        """The domain as ScanResult reports it: without the leading dot (host_only tells them apart)."""
        return self.domain.lstrip(".")

    @property
    def needs_third_party_access(self) -> bool:
        """True when only a browser that allows third-party cookies stores it."""
        return self.stored and self.party == "third"

    @property
    def stored_max_age_days(self) -> Optional[float]:
        """The lifetime Chromium keeps: the requested one capped at 400 days (None if not stored)."""
        if not self.stored or self.max_age_days is None:
            return None
        return min(self.max_age_days, CHROMIUM_MAX_DAYS)


@dataclass(frozen=True)
class ExpectedStorage:
    """A Web Storage key, IndexedDB database or Cache Storage cache a scan must report."""

    origin: str
    kind: str          # "localStorage" | "sessionStorage" | "indexedDB" | "cacheStorage"
    name: str          # the key, database name or cache name
    set_by_url: str    # the script that wrote it
    top_level_site: str  # the site in the address bar (differs from origin inside third-party frames)
    first_seen_url: str = ""

    @property
    def needs_third_party_access(self) -> bool:
        """True for storage of a third-party frame, denied when third-party cookies are blocked."""
        return self.origin != self.top_level_site


@dataclass(frozen=True)
class ExpectedRequest:
    """A request to another host that a scan must report."""

    url: str            # exact URL, or a prefix when ``url_is_prefix``
    method: str
    resource_type: str  # Playwright's resource type: script, document, image, fetch, ping
    vendor: str
    frame_url: str = PAGE_URL  # the document that made it (PAGE_URL: the top-level page)
    url_is_prefix: bool = False
    first_seen_url: str = ""

    @property
    def host(self) -> str:
        """Host name of the request."""
        return self.url.split("/")[2]


@dataclass(frozen=True)
class ExpectedPage:
    """A page a crawl visits: the URL it asks for, where it ends, and what it finds there."""

    url: str
    final_url: str
    status: int
    title: str
    redirect_chain: tuple[tuple[str, int], ...] = ()  # (url, status) of each redirect hop
    dialogs: tuple[str, ...] = ()                    # alert() messages
    delay_seconds: float = 0.0


@dataclass(frozen=True)
class MunicipalSite:
    """Everything a scan of the municipal test site must report, from the tables that built it."""

    start_url: str
    pages: tuple[ExpectedPage, ...]
    cookies: tuple[ExpectedCookie, ...]
    storage: tuple[ExpectedStorage, ...]
    requests: tuple[ExpectedRequest, ...]
    external_links: tuple[str, ...]
    never_requested: tuple[str, ...]  # URLs a crawl must not fetch: logout, download, form, other site
    sitemap_only_urls: tuple[str, ...]
    site_hosts: tuple[str, ...] = (HOST, LOKET_HOST)

    @property
    def page_urls(self) -> list[str]:
        """Requested page URLs in breadth-first crawl order."""
        return [page.url for page in self.pages]

    @property
    def stored_cookies(self) -> list[ExpectedCookie]:
        """Cookies the browser keeps."""
        return [cookie for cookie in self.cookies if cookie.stored]

    @property
    def refused_cookies(self) -> list[ExpectedCookie]:
        """Cookies the browser refuses whatever its third-party policy (stored: false)."""
        return [cookie for cookie in self.cookies if not cookie.stored]

    @property
    def tracker_hosts(self) -> set[str]:
        """Hosts outside the site that the site's pages contact."""
        return {request.host for request in self.requests}

    def cookie(self, name: str) -> ExpectedCookie:
        """The expected cookie called ``name`` (KeyError if the site sets none)."""
        for cookie in self.cookies:
            if cookie.name == name:
                return cookie
        raise KeyError(name)

    def page(self, url: str) -> ExpectedPage:
        """The expected page requested at ``url``."""
        for page in self.pages:
            if page.url == url:
                return page
        raise KeyError(url)


# ----------------------------------------------------------------------------------------------
# Embeds: what each piece of a page sets and contacts
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Embed:
    """A server behaviour or tracker snippet, with the cookies, storage and requests it causes."""

    snippet: str = ""  # HTML placed at the end of <body>
    cookies: tuple[ExpectedCookie, ...] = ()
    storage: tuple[ExpectedStorage, ...] = ()
    requests: tuple[ExpectedRequest, ...] = ()


def _first(name, vendor, kind, url, days, domain=".voorbeeldstad.nl", **attributes) -> ExpectedCookie:
    """A first-party cookie (shorthand for the EMBEDS table)."""
    setter_party = "first" if url == PAGE_URL or url.startswith(SITE) else "third"
    return ExpectedCookie(name=name, domain=domain, host_only=not domain.startswith("."), party="first",
                          vendor=vendor, set_by_kind=kind, set_by_url=url, set_by_party=setter_party,
                          max_age_days=days, **attributes)


def _third(name, vendor, url, days, domain, **attributes) -> ExpectedCookie:
    """A third-party cookie set by a response header (shorthand for the EMBEDS table)."""
    return ExpectedCookie(name=name, domain=domain, host_only=False, party="third", vendor=vendor,
                          set_by_kind="header", set_by_url=url, set_by_party="third", max_age_days=days,
                          **attributes)


def _storage(origin, kind, name, url) -> ExpectedStorage:
    """A storage expectation on the site itself (shorthand for the EMBEDS table)."""
    return ExpectedStorage(origin=origin, kind=kind, name=name, set_by_url=url, top_level_site=SITE)


SESSION_COOKIE = "ASP.NET_SessionId"
LOAD_BALANCER_COOKIE = "BIGipServer~DMZ~pool_www.voorbeeldstad.nl_443"

EMBEDS: dict[str, Embed] = {
    # The CMS and the F5 load balancer in front of it set these on the first HTML response.
    "server": Embed(cookies=(
        _first(SESSION_COOKIE, "Microsoft ASP.NET", "header", PAGE_URL, None, domain=HOST,
               http_only=True, secure=True, same_site="Lax"),
        _first(LOAD_BALANCER_COOKIE, "F5 BIG-IP", "header", PAGE_URL, None, domain=HOST,
               http_only=True, secure=True),
    )),
    "site-script": Embed(
        snippet=f'<script src="{SITE_JS_URL}"></script>',
        cookies=(_first("tekstgrootte", "Gemeente Voorbeeldstad", "cookie-store", SITE_JS_URL, 30, domain=HOST,
                        secure=True, same_site="Strict"),),
        storage=(_storage(SITE, "cacheStorage", "voorbeeldstad-statisch-v3", SITE_JS_URL),),
    ),
    "google-analytics": Embed(
        snippet=(f'<script async src="{GTAG_URL}"></script><script>window.dataLayer=window.dataLayer||[];'
                 f"function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());"
                 f"gtag('config','{GA_MEASUREMENT_ID}');</script>"),
        cookies=(
            _first("_ga", "Google Analytics", "script", GTAG_URL, 730, rewritten_each_page=True),
            _first("_ga_" + GA_MEASUREMENT_ID[2:], "Google Analytics", "script", GTAG_URL, 730,
                   rewritten_each_page=True),
        ),
        requests=(
            ExpectedRequest(GTAG_URL, "GET", "script", "Google Analytics"),
            ExpectedRequest(GA_COLLECT_PREFIX, "POST", "ping", "Google Analytics", url_is_prefix=True),
        ),
    ),
    "hotjar": Embed(
        snippet=(f"<script>window._hjSettings={{hjid:{HOTJAR_SITE_ID},hjsv:6}};</script>"
                 f'<script async src="{HOTJAR_URL}"></script>'),
        cookies=(
            _first(f"_hjSessionUser_{HOTJAR_SITE_ID}", "Hotjar", "script", HOTJAR_URL, 365, same_site="Lax"),
            _first(f"_hjSession_{HOTJAR_SITE_ID}", "Hotjar", "script", HOTJAR_URL, 1800 / DAY, same_site="Lax",
                   rewritten_each_page=True),
        ),
        storage=(
            _storage(SITE, "localStorage", "hjActiveViewportIds", HOTJAR_URL),
            _storage(SITE, "sessionStorage", "hjViewportId", HOTJAR_URL),
        ),
        requests=(ExpectedRequest(HOTJAR_URL, "GET", "script", "Hotjar"),),
    ),
    "vwo": Embed(
        snippet=f'<script src="{VWO_URL}"></script>',
        cookies=(
            _first("_vis_opt_test_cookie", "Visual Website Optimizer", "script", VWO_URL, None),
            _first("_vwo_uuid_v2", "Visual Website Optimizer", "script", VWO_URL, 366, secure=True, same_site="None"),
            _first("_vis_opt_s", "Visual Website Optimizer", "script", VWO_URL, 100, secure=True, same_site="None"),
        ),
        requests=(ExpectedRequest(VWO_URL, "GET", "script", "Visual Website Optimizer"),),
    ),
    "ipsos-survey": Embed(
        snippet=f'<script async src="{IPSOS_URL}"></script>',
        cookies=(_first("IpsosSurveyCookie_1", "Ipsos", "script", IPSOS_URL, 365, domain=HOST),),
        requests=(ExpectedRequest(IPSOS_URL, "GET", "script", "Ipsos"),),
    ),
    # A cross-site iframe: its document response sets YouTube's cookies by header, and a fetch
    # from inside it sets doubleclick's. Stored only when third-party cookies are allowed.
    "youtube": Embed(
        snippet=(f'<iframe width="560" height="315" src="{YOUTUBE_EMBED_URL}" title="Uitleg afvalkalender" '
                 'allow="encrypted-media" allowfullscreen></iframe>'),
        cookies=(
            _third("YSC", "YouTube", YOUTUBE_EMBED_URL, None, ".youtube.com", http_only=True, secure=True,
                   same_site="None"),
            _third("VISITOR_INFO1_LIVE", "YouTube", YOUTUBE_EMBED_URL, 180, ".youtube.com", http_only=True,
                   secure=True, same_site="None"),
            _third("IDE", "Google Ads (DoubleClick)", DOUBLECLICK_ID_URL, 390, ".doubleclick.net", http_only=True,
                   secure=True, same_site="None"),
        ),
        storage=(
            ExpectedStorage("https://www.youtube.com", "localStorage", "yt-remote-device-id", YOUTUBE_PLAYER_URL, SITE),
            ExpectedStorage("https://www.youtube.com", "indexedDB", "YtIdbMeta", YOUTUBE_PLAYER_URL, SITE),
        ),
        requests=(
            ExpectedRequest(YOUTUBE_EMBED_URL, "GET", "document", "YouTube"),
            ExpectedRequest(YOUTUBE_THUMBNAIL_URL, "GET", "image", "YouTube", frame_url=YOUTUBE_EMBED_URL),
            ExpectedRequest(YOUTUBE_PLAYER_URL, "GET", "script", "YouTube", frame_url=YOUTUBE_EMBED_URL),
            ExpectedRequest(DOUBLECLICK_ID_URL, "GET", "fetch", "Google Ads (DoubleClick)",
                            frame_url=YOUTUBE_EMBED_URL),
        ),
    ),
    # A tracking pixel whose two cookies every Chromium refuses: `fr` is SameSite=None without
    # Secure, `datr` names a domain the pixel's host cannot set cookies for.
    "facebook-pixel": Embed(
        snippet=f'<img height="1" width="1" style="display:none" alt="" src="{FACEBOOK_PIXEL_URL}">',
        cookies=(
            _third("fr", "Meta (Facebook)", FACEBOOK_PIXEL_URL, 90, ".facebook.com", http_only=True,
                   same_site="None", stored=False, refused_reason="SameSiteNoneInsecure"),
            replace(_third("datr", "Meta (Facebook)", FACEBOOK_PIXEL_URL, 400, ".voorbeeldstad.nl", http_only=True,
                           secure=True, same_site="None", stored=False, refused_reason="InvalidDomain"),
                    party="first"),
        ),
        requests=(ExpectedRequest(FACEBOOK_PIXEL_URL, "GET", "image", "Meta (Facebook)"),),
    ),
}

TRACKED = ("server", "site-script", "google-analytics", "hotjar")  # on every www page


# ----------------------------------------------------------------------------------------------
# Pages, in breadth-first crawl order
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PageSpec:
    """One page of the site: where it lives, what it shows and which embeds it carries."""

    path: str
    title: str
    main: str
    embeds: tuple[str, ...] = TRACKED
    host: str = HOST
    status: int = 200
    delay: float = 0.0
    redirect_from: Optional[str] = None  # path that answers 301 to this page; the crawl requests that
    dialog: Optional[str] = None
    sitemap_only: bool = False

    @property
    def url(self) -> str:
        """Absolute URL of the page."""
        return f"https://{self.host}{self.path}"


ALERT_MESSAGE = "Storing: het meldingsformulier is tijdelijk niet beschikbaar."

PAGES: tuple[PageSpec, ...] = (
    PageSpec("/", "Home - Gemeente Voorbeeldstad",
             "<h1>Welkom bij Gemeente Voorbeeldstad</h1><ul class=tegels>"
             '<li><a href="/melding">Melding openbare ruimte</a></li>'
             '<li><a href="/nieuws">Nieuws</a></li>'
             '<li><a href="/oud-adres">Openingstijden</a></li>'
             '<li><a href="/parkeren">Parkeren</a></li>'
             '<li><a href="/vergunningen">Vergunningen</a></li>'
             '<li><a href="/werk-en-inkomen">Werk en inkomen</a></li></ul>'
             '<p><a href="/documenten/jaarverslag-2024.pdf">Jaarverslag 2024 (pdf)</a></p>',
             embeds=TRACKED + ("vwo",)),
    PageSpec("/afval", "Afval en recycling - Gemeente Voorbeeldstad",
             "<h1>Afval</h1><p>Bekijk wanneer de containers worden geleegd.</p>",
             embeds=TRACKED + ("ipsos-survey",)),
    PageSpec("/contact", "Contact - Gemeente Voorbeeldstad",
             "<h1>Contact</h1><p>Bel 14 0123 of regel het online.</p>"
             f'<p><a href="https://{LOKET_HOST}/">Naar het e-loket</a></p>'),
    PageSpec("/melding", "Melding openbare ruimte - Gemeente Voorbeeldstad",
             "<h1>Melding doen</h1><form method=post action=/melding/verstuur>"
             "<label>Omschrijving <input name=omschrijving></label><button>Versturen</button></form>"
             f"<script>alert({ALERT_MESSAGE!r});</script>",
             dialog=ALERT_MESSAGE),
    PageSpec("/nieuws", "Nieuws - Gemeente Voorbeeldstad",
             "<h1>Nieuws</h1>"
             '<article><h2><a href="/nieuws/nieuwe-afvalkalender">Nieuwe afvalkalender</a></h2></article>'
             '<div style="height:1500px"></div>',
             embeds=TRACKED + ("youtube",)),
    PageSpec("/nieuw-adres", "Openingstijden - Gemeente Voorbeeldstad",
             "<h1>Openingstijden</h1><p>Het stadhuis is open van 9.00 tot 17.00 uur.</p>",
             redirect_from="/oud-adres"),
    PageSpec("/parkeren", "Parkeren - Gemeente Voorbeeldstad",
             "<h1>Parkeren</h1><p>Vraag een parkeervergunning aan. "
             '<a href="/nieuw-adres">Openingstijden van de balie</a></p>',
             embeds=TRACKED + ("facebook-pixel",)),
    PageSpec("/vergunningen", "Vergunningen - Gemeente Voorbeeldstad",
             "<h1>Vergunningen</h1><p>Deze pagina is traag.</p>", delay=2.0),
    PageSpec("/werk-en-inkomen", "Pagina niet gevonden - Gemeente Voorbeeldstad",
             "<h1>Pagina niet gevonden</h1><p>Deze pagina bestaat niet meer.</p>", status=404),
    PageSpec("/", "E-loket - Gemeente Voorbeeldstad",
             "<h1>E-loket</h1><p>Log in met DigiD om uw aanvraag te doen.</p>",
             embeds=(), host=LOKET_HOST),
    PageSpec("/nieuws/nieuwe-afvalkalender", "Nieuwe afvalkalender - Gemeente Voorbeeldstad",
             "<h1>Nieuwe afvalkalender</h1><p>Vanaf januari wordt het restafval om de week opgehaald.</p>"),
    PageSpec("/privacyverklaring", "Privacyverklaring - Gemeente Voorbeeldstad",
             "<h1>Privacyverklaring</h1><p>Wij gebruiken analytische cookies (_ga, 2 jaar).</p>",
             sitemap_only=True),
)

LOGOUT_PATH = "/uitloggen"
DOWNLOAD_PATH = "/documenten/jaarverslag-2024.pdf"
FORM_ACTION_PATH = "/melding/verstuur"


def _layout(spec: PageSpec) -> str:
    """The full HTML of a page: skip link, header navigation, main content, footer, embeds."""
    snippets = "".join(EMBEDS[name].snippet for name in spec.embeds)
    return (
        "<!doctype html><html lang=nl><head><meta charset=utf-8>"
        f"<title>{spec.title}</title>"
        f'<link rel=stylesheet href="{SITE}/assets/huisstijl.css"></head><body>'
        '<a href="#inhoud" class=skiplink>Naar de inhoud</a>'
        f'<header><a href="{SITE}/"><img src="{SITE}/assets/logo.svg" alt="Gemeente Voorbeeldstad"></a>'
        f'<nav><a href="{SITE}/">Home</a><a href="{SITE}/afval">Afval</a><a href="{SITE}/contact">Contact</a></nav>'
        f"</header><main id=inhoud>{spec.main}</main>"
        f'<footer><a href="{SITE}{LOGOUT_PATH}">Uitloggen</a>'
        f'<a href="mailto:info@voorbeeldstad.nl">info@voorbeeldstad.nl</a>'
        f'<a href="{EXTERNAL_LINK}">Rijksoverheid.nl</a>'
        f'<a href="https://{HOST}:443/nieuws/">Alle nieuwsberichten</a>'
        f"</footer>{snippets}</body></html>"
    )


# ----------------------------------------------------------------------------------------------
# Serving
# ----------------------------------------------------------------------------------------------
def _page_handler(spec: PageSpec):
    """A route that serves ``spec``, with the server cookies when the request lacks them."""
    body = _layout(spec)

    def handle(request: Request) -> Response:
        cookies = []
        if "server" in spec.embeds:
            if SESSION_COOKIE not in request.cookies:
                cookies.append(f"{SESSION_COOKIE}={secrets.token_hex(12)}; path=/; secure; HttpOnly; SameSite=Lax")
            if LOAD_BALANCER_COOKIE not in request.cookies:
                cookies.append(f"{LOAD_BALANCER_COOKIE}=rd3o00000000000000000000ffff0a0a0a15o443; path=/; "
                               "Httponly; Secure")
        return Response(body, status=spec.status, set_cookies=cookies, delay=spec.delay)

    return handle


def _asset(name: str, content_type: str, **kwargs) -> Response:
    """A file from tests/sites/assets as a response."""
    return Response((ASSETS / name).read_bytes(), content_type=content_type, **kwargs)


def _pdf() -> bytes:
    """A one-page PDF, the annual report behind the download link."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# A 1x1 transparent GIF, as tracking pixels return.
PIXEL_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b")
JS = "application/javascript; charset=utf-8"


def _youtube_embed(request: Request) -> Response:
    """The video iframe document: sets YSC (session) and VISITOR_INFO1_LIVE (180 days) by header."""
    body = (f"<!doctype html><html><head><title>YouTube</title></head><body>"
            f'<img src="{YOUTUBE_THUMBNAIL_URL}" alt="" width=480 height=360>'
            f'<script src="{YOUTUBE_PLAYER_URL}"></script></body></html>')
    return Response(body, set_cookies=[
        f"YSC={secrets.token_urlsafe(8)}; Domain=.youtube.com; Path=/; Secure; HttpOnly; SameSite=None",
        f"VISITOR_INFO1_LIVE={secrets.token_urlsafe(8)}; Domain=.youtube.com; Max-Age={180 * DAY}; Path=/; "
        "Secure; HttpOnly; SameSite=None",
    ])


def _doubleclick_id(request: Request) -> Response:
    """The advertising id endpoint fetched from inside the iframe: sets IDE for 390 days."""
    origin = request.headers.get("origin", "https://www.youtube.com")
    return Response('{"id":"CAESEA"}', content_type="application/json",
                    headers=[("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")],
                    set_cookies=[f"IDE={secrets.token_urlsafe(16)}; Domain=.doubleclick.net; Max-Age={390 * DAY}; "
                                 "Path=/; Secure; HttpOnly; SameSite=None"])


def _facebook_pixel(request: Request) -> Response:
    """The tracking pixel: two Set-Cookie headers Chromium refuses (see EMBEDS["facebook-pixel"])."""
    return Response(PIXEL_GIF, content_type="image/gif", set_cookies=[
        f"fr={secrets.token_urlsafe(12)}; Max-Age={90 * DAY}; Domain=.facebook.com; Path=/; HttpOnly; SameSite=None",
        f"datr={secrets.token_urlsafe(12)}; Max-Age={400 * DAY}; Domain=.voorbeeldstad.nl; Path=/; Secure; HttpOnly; "
        "SameSite=None",
    ])


def _logout(request: Request) -> Response:
    """Ends the session, so a crawler that follows it loses its cookie."""
    return Response("<!doctype html><title>Uitgelogd - Gemeente Voorbeeldstad</title><p>U bent uitgelogd.</p>",
                    set_cookies=[f"{SESSION_COOKIE}=; Max-Age=0; path=/; secure; HttpOnly"])


def _sitemap() -> str:
    """sitemap.xml: every site page, including the one no link leads to."""
    urls = "".join(f"<url><loc>{spec.url}</loc></url>" for spec in PAGES if spec.host == HOST and spec.status == 200)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def _serve(testweb: TestWeb) -> None:
    """Register every route of the site and of the trackers it embeds."""
    for spec in PAGES:
        handler = _page_handler(spec)
        testweb.route(spec.host, spec.path, handler)
        if spec.redirect_from:
            testweb.route(spec.host, spec.redirect_from, redirect(spec.url, status=301))
    news = next(spec for spec in PAGES if spec.path == "/nieuws")
    testweb.route(HOST, "/nieuws/", _page_handler(news))  # the same page under a second URL
    testweb.route(HOST, LOGOUT_PATH, _logout)
    testweb.route(HOST, DOWNLOAD_PATH, Response(_pdf(), content_type="application/pdf"))
    testweb.route(HOST, FORM_ACTION_PATH, Response("<!doctype html><title>Bedankt</title>Bedankt voor uw melding."))
    testweb.route(HOST, "/sitemap.xml", Response(_sitemap(), content_type="application/xml"))
    testweb.route(HOST, "/robots.txt", Response(f"User-agent: *\nSitemap: {SITE}/sitemap.xml\n", content_type="text/plain"))
    testweb.route(HOST, "/assets/site.js", _asset("site.js", JS))
    testweb.route(HOST, "/assets/huisstijl.css", _asset("huisstijl.css", "text/css; charset=utf-8"))
    testweb.route(HOST, "/assets/logo.svg", _asset("logo.svg", "image/svg+xml"))
    testweb.route("www.googletagmanager.com", "/gtag/js", _asset("gtag.js", JS))
    testweb.route("region1.google-analytics.com", "/g/collect", Response(b"", status=204, content_type="text/plain"))
    testweb.route("static.hotjar.com", f"/c/hotjar-{HOTJAR_SITE_ID}.js", _asset("hotjar.js", JS))
    testweb.route("dev.visualwebsiteoptimizer.com", "/j.php", _asset("vwo.js", JS))
    testweb.route(IPSOS_HOST, "/js/survey-invite.js", _asset("ipsos-survey.js", JS))
    testweb.route("www.youtube.com", f"/embed/{VIDEO_ID}", _youtube_embed)
    testweb.route("www.youtube.com", YOUTUBE_PLAYER_URL.split("youtube.com", 1)[1],
                  _asset("youtube-embed-player.js", JS))
    testweb.route("i.ytimg.com", f"/vi/{VIDEO_ID}/hqdefault.jpg", Response(PIXEL_GIF, content_type="image/gif"))
    testweb.route("googleads.g.doubleclick.net", "/pagead/id", _doubleclick_id)
    testweb.route("www.facebook.com", "/tr", _facebook_pixel)
    testweb.route("www.rijksoverheid.nl", "/", Response("<!doctype html><title>Rijksoverheid</title>Rijksoverheid.nl",
                                                        set_cookies=["rijks_sessie=1; path=/; Secure"]))


# ----------------------------------------------------------------------------------------------
# Expectations from the tables
# ----------------------------------------------------------------------------------------------
def _expected_pages() -> tuple[ExpectedPage, ...]:
    """The crawled pages, from PAGES."""
    pages = []
    for spec in PAGES:
        if spec.sitemap_only:
            continue
        requested = f"https://{spec.host}{spec.redirect_from}" if spec.redirect_from else spec.url
        chain = ((requested, 301),) if spec.redirect_from else ()
        pages.append(ExpectedPage(url=requested, final_url=spec.url, status=spec.status, title=spec.title,
                                  redirect_chain=chain, dialogs=(spec.dialog,) if spec.dialog else (),
                                  delay_seconds=spec.delay))
    return tuple(pages)


def _first_pages() -> dict[str, str]:
    """For each embed, the final URL of the first crawled page that carries it."""
    first: dict[str, str] = {}
    for spec in PAGES:
        if not spec.sitemap_only:
            for name in spec.embeds:
                first.setdefault(name, spec.url)
    return first


def _expectations() -> tuple[tuple[ExpectedCookie, ...], tuple[ExpectedStorage, ...], tuple[ExpectedRequest, ...]]:
    """Cookies, storage and requests of every embed, with first-seen pages filled in."""
    cookies, storage, requests = [], [], []
    for name, page_url in _first_pages().items():
        embed = EMBEDS[name]
        for cookie in embed.cookies:
            setter = page_url if cookie.set_by_url == PAGE_URL else cookie.set_by_url
            cookies.append(replace(cookie, set_by_url=setter, first_seen_url=page_url))
        storage += [replace(item, first_seen_url=page_url) for item in embed.storage]
        for request in embed.requests:
            frame = page_url if request.frame_url == PAGE_URL else request.frame_url
            requests.append(replace(request, frame_url=frame, first_seen_url=page_url))
    return tuple(cookies), tuple(storage), tuple(requests)


def install(testweb: TestWeb) -> MunicipalSite:
    """Serve the municipal site on ``testweb`` and return what a scan of it must report."""
    _serve(testweb)
    cookies, storage, requests = _expectations()
    return MunicipalSite(
        start_url=f"{SITE}/",
        pages=_expected_pages(),
        cookies=cookies,
        storage=storage,
        requests=requests,
        external_links=(EXTERNAL_LINK,),
        never_requested=(f"{SITE}{LOGOUT_PATH}", f"{SITE}{DOWNLOAD_PATH}", f"{SITE}{FORM_ACTION_PATH}", EXTERNAL_LINK),
        sitemap_only_urls=tuple(spec.url for spec in PAGES if spec.sitemap_only),
    )
