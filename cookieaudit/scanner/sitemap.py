"""Reading a site's sitemap through the browser (so it goes through the same network,
proxy and host mapping as the pages): robots.txt ``Sitemap:`` lines, else /sitemap.xml."""

from __future__ import annotations

from urllib.parse import urljoin

from .crawl import MAX_SITEMAP_BYTES, parse_sitemap, sitemaps_in_robots

__all__ = ["fetch_sitemap_urls"]

MAX_SITEMAP_FILES = 10

_FETCH_JS = """async ([url, max]) => {
  try {
    const response = await fetch(url, {credentials: "same-origin", redirect: "follow"});
    if (!response.ok) return null;
    const text = await response.text();
    return text.length > max ? null : text;
  } catch (e) { return null; }
}"""


async def fetch_sitemap_urls(tab, site: str) -> list[str]:
    """Page URLs from the site's sitemap(s), in document order (sitemap indexes followed)."""
    robots = await tab.evaluate(_FETCH_JS, [urljoin(site, "/robots.txt"), 512 * 1024])
    queue = list(sitemaps_in_robots(robots or "")) or [urljoin(site, "/sitemap.xml")]
    pages: list[str] = []
    fetched = 0
    while queue and fetched < MAX_SITEMAP_FILES:
        url = queue.pop(0)
        fetched += 1
        text = await tab.evaluate(_FETCH_JS, [url, MAX_SITEMAP_BYTES])
        if not text:
            continue
        found, children = parse_sitemap(text)
        pages += found
        queue += children
    return pages
