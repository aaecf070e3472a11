"""The start page's links with their words and area (for --statement auto): read in an isolated
world, so a page that rewrites the DOM API for its own scripts cannot hide or forge them; links
in open shadow roots (where consent banners often live) included."""

from __future__ import annotations

import pytest

from cookieaudit.scanner import scan
from cookieaudit.statement.discover import discover_statement
from tests.testweb import html

pytestmark = pytest.mark.browser

HOST = "www.schaduwstad.nl"

PAGE = """<header><nav><a href="/nieuws">Nieuws</a></nav></header><main><p>Welkom</p></main>
<footer><a href="/privacy">Privacyverklaring</a></footer>
<div id="cmp-host"></div>
<script>
  const root = document.getElementById("cmp-host").attachShadow({mode: "open"});
  root.innerHTML = '<div class="cookie-consent"><p>Wij gebruiken cookies.</p>' +
                   '<a href="/cookiebeleid">Lees ons cookiebeleid</a></div>';
  // What a hostile or clumsy page may do to the DOM API of its own world.
  Document.prototype.querySelectorAll = function () { return []; };
  Object.defineProperty(HTMLAnchorElement.prototype, "href", {get() { return "https://elders.example/vals"; }});
</script>"""


@pytest.fixture(scope="module")
def site(testweb):
    testweb.route(HOST, "/", html(PAGE, title="Schaduwstad"))
    for path in ("/nieuws", "/privacy", "/cookiebeleid"):
        testweb.route(HOST, path, html("<p>x</p>"))
    return testweb


def test_start_links_with_area_from_shadow_roots_despite_the_pages_own_api(site):
    result = scan(f"https://{HOST}/", consent="none", pages=1, browser_args=site.browser_args, insecure=True)
    start = result.pages[0]
    links = {(link.url, link.text, link.area) for link in start.links}
    assert (f"https://{HOST}/nieuws", "Nieuws", "nav") in links
    assert (f"https://{HOST}/privacy", "Privacyverklaring", "footer") in links
    assert (f"https://{HOST}/cookiebeleid", "Lees ons cookiebeleid", "banner") in links
    assert not [link for link in start.links if "elders.example" in link.url]
    found = discover_statement(start.links, result.site)
    assert found.url == f"https://{HOST}/cookiebeleid" and found.area == "banner"
