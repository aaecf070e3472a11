"""A hostile or huge page cannot make a scan unbounded: titles, links, storage and cookies are capped."""

from __future__ import annotations

import pytest

from cookieaudit.scanner import scan
from cookieaudit.scanner.collectors.pages import MAX_TITLE
from cookieaudit.scanner.collectors.storage import MAX_KEYS
from tests.testweb import html

HOST = "www.grootstad.nl"
SITE = f"https://{HOST}/"
LINKS = 20_000


@pytest.fixture(scope="module")
def huge_result(testweb, chromium_path):
    """One scan of a page with a 1 MB title, 20,000 links and 2,000 localStorage keys."""
    links = "".join(f'<a href="/p{i}">p{i}</a>' for i in range(LINKS))
    fill_storage = "<script>for (let i = 0; i < 2000; i++) localStorage.setItem('k' + i, 'x'.repeat(200));</script>"
    testweb.route(HOST, "/", html(links + fill_storage, title="T" * 1_000_000))
    for i in range(3):
        testweb.route(HOST, f"/p{i}", html("<p>klein</p>", title=f"p{i}"))
    return scan(SITE, consent="none", pages=3, insecure=True, browser_args=testweb.browser_args)


@pytest.mark.browser
def test_huge_title_is_cut(huge_result):
    """A megabyte title is kept only up to the cap."""
    assert len(huge_result.pages[0].title) == MAX_TITLE


@pytest.mark.browser
def test_many_links_still_give_the_first_pages_in_order(huge_result):
    """20,000 links: the crawl takes the first ones in document order and stops at --pages."""
    assert [page.url for page in huge_result.pages] == [SITE, SITE + "p0", SITE + "p1"]


@pytest.mark.browser
def test_storage_keys_are_capped(huge_result):
    """2,000 localStorage keys on one origin are recorded up to the per-origin cap."""
    keys = [entry for entry in huge_result.storage if entry.kind == "localStorage" and entry.origin == SITE.rstrip("/")]
    assert 0 < len(keys) <= MAX_KEYS
