"""Fixtures for the consent_banner tests: fake-CMP sites and the tracker they gate on consent."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

import consent_banner
from tests import needs
from tests.consent_banner.eval_sites import load_manifest, npm_missing, serve
from tests.testweb import Response, html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cmps"
TRACKER_HOST = "stats.meetbureau-voorbeeld.nl"
TRACKER_COOKIE = "_ga"

PAGE_BODY = """<header><h1>{title}</h1><nav><a href="/nieuws">Nieuws</a> <a href="/contact">Contact</a></nav></header>
<main><p>Welkom op de website. Hier vindt u informatie over afval, parkeren en paspoorten.</p>
<p>Openingstijden: maandag tot en met vrijdag van 9.00 tot 17.00 uur.</p></main>"""


@pytest.fixture(scope="session")
def tracker(testweb) -> str:
    """The analytics script fixtures load only after consent; it writes the ``_ga`` cookie."""
    testweb.route(TRACKER_HOST, "/collect.js", Response(
        'document.cookie = "_ga=GA1.1.42.1700000000; path=/; max-age=63072000";',
        content_type="application/javascript"))
    return f"https://{TRACKER_HOST}/collect.js"


def fake_cmp_script(*names: str) -> Response:
    """The fake-CMP library followed by the named fixture scripts, as one JavaScript response."""
    source = (FIXTURES / "_fakecmp.js").read_text(encoding="utf-8")
    for name in names:
        source += "\n" + (FIXTURES / name).read_text(encoding="utf-8")
    return Response(source, content_type="application/javascript; charset=utf-8")


def serve_site(testweb, host: str, script_url: str, script: Response, title: str = "Gemeente Proefdorp",
               head: str = "", path: str = "/") -> str:
    """Serve a page on ``host`` that loads ``script`` from ``script_url``; return the page URL."""
    parts = urlsplit(script_url)
    testweb.route(parts.hostname, parts.path, script)
    body = PAGE_BODY.format(title=title) + f'<script src="{script_url}"></script>'
    testweb.route(host, path, html(body, title=title, head=head))
    return f"https://{host}{path}"


def cookie_jar(page) -> dict[str, str]:
    """The page context's cookies by name."""
    return {c["name"]: c["value"] for c in page.context.cookies()}


SITES = {
    "www.proefdorp.nl": "gemeente-nl.html",
    "www.eastfield.gov.uk": "council-en.html",
    "www.bibliotheekproefdorp.nl": "late-nl.html",
    "www.sportclub-proefdorp.nl": "no-reject-nl.html",
    "www.waterschap-proefland.nl": "settings-nl.html",
    "www.stadtwerke-probstadt.de": "shadow-de.html",
}


@pytest.fixture(scope="module")
def custom_sites(testweb, tracker):
    """Serve every custom-banner page at the root of its own host; return host → URL."""
    for host, name in SITES.items():
        testweb.route(host, "/", Response((FIXTURES / "custom" / name).read_text(encoding="utf-8")))
    testweb.route("www.rustig-proefdorp.nl", "/", html("<h1>Gemeente Rustig</h1><p>Geen cookies, geen banner.</p>"))
    return {host: f"https://{host}/" for host in [*SITES, "www.rustig-proefdorp.nl"]}


@pytest.fixture(scope="module")
def dev_sites(testweb):
    """The dev evaluation banners on the test web (tracker included): id -> URL."""
    dev = load_manifest("dev")[0]
    missing = npm_missing(dev)
    if missing:
        needs.missing(f"npm fixtures not installed ({', '.join(missing)})")
    serve(testweb, "dev")
    return {fx.id: fx.url for fx in dev}


@pytest.fixture
def visitor(page):
    """A Playwright page whose input looks like a person's (consent_banner's human init script)."""
    page.context.add_init_script(consent_banner.human_init_script())
    return page
