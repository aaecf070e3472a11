"""The crawl plan is pure: URL normalisation, link filters, sitemaps and breadth-first order."""

from __future__ import annotations

import pytest

from cookieaudit.errors import InputError
from cookieaudit.scanner.crawl import (
    Frontier,
    compile_pattern,
    is_skipped_link,
    normalize_url,
    parse_sitemap,
    sitemaps_in_robots,
    validate_start_url,
)

SITE = "https://www.denhaag.nl/"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.denhaag.nl/", "https://www.denhaag.nl/"),
        ("https://www.denhaag.nl", "https://www.denhaag.nl/"),
        ("HTTPS://WWW.DENHAAG.NL:443/Afval/", "https://www.denhaag.nl/Afval"),
        ("http://www.denhaag.nl:80/a?b=1#frag", "http://www.denhaag.nl/a?b=1"),
        ("https://www.denhaag.nl:8443/a/", "https://www.denhaag.nl:8443/a"),
        ("https://www.denhaag.nl/a?", "https://www.denhaag.nl/a"),
        ("https://www.denhaag.nl./a", "https://www.denhaag.nl/a"),
        ("mailto:info@denhaag.nl", None),
        ("javascript:void(0)", None),
        ("tel:14070", None),
        ("", None),
        ("https://", None),
    ],
)
def test_normalize_url(raw, expected):
    """Each spelling of a page normalises to one URL; non-page schemes give None."""
    assert normalize_url(raw) == expected


def test_normalize_relative_links():
    """Relative links resolve against the page they are on."""
    base = "https://www.denhaag.nl/nieuws/artikel"
    assert normalize_url("../contact#x", base) == "https://www.denhaag.nl/contact"
    assert normalize_url("?page=2", base) == "https://www.denhaag.nl/nieuws/artikel?page=2"
    assert normalize_url("//cdn.denhaag.nl/x/", base) == "https://cdn.denhaag.nl/x"


@pytest.mark.parametrize("bad", ["", "not a url", "ftp://www.denhaag.nl/", "https://", "https://exa mple.nl/",
                                 "file:///etc/passwd", "https://-bad-.nl/", "https://a..b.nl/"])
def test_validate_start_url_rejects(bad):
    """Start URLs that cannot be scanned are an InputError (exit code 2)."""
    with pytest.raises(InputError) as caught:
        validate_start_url(bad)
    assert caught.value.exit_code == 2


def test_internationalised_host_names_take_the_ascii_form_chromium_reports():
    """Súdwest-Fryslân's own domain is scanned, and its links match the punycode URLs the browser reports."""
    assert validate_start_url("súdwest-fryslân.nl") == "https://xn--sdwest-frysln-teb26a.nl/"
    assert validate_start_url("https://WWW.Súdwest-Fryslân.nl/Afval/") == "https://www.xn--sdwest-frysln-teb26a.nl/Afval"
    assert normalize_url("/contact", "https://www.súdwest-fryslân.nl/") == "https://www.xn--sdwest-frysln-teb26a.nl/contact"
    assert normalize_url("https://straße.de/") == "https://xn--strae-oqa.de/"  # UTS #46 keeps ß, as Chromium does
    with pytest.raises(InputError):
        validate_start_url("https://" + "é" * 70 + ".nl/")  # a label longer than 63 octets


def test_validate_start_url_adds_scheme():
    """A bare host name means its HTTPS home page."""
    assert validate_start_url("denhaag.nl") == "https://denhaag.nl/"
    assert validate_start_url(" https://www.denhaag.nl/afval/ ") == "https://www.denhaag.nl/afval"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://www.denhaag.nl/mijn/uitloggen", "logout"),
        ("https://www.denhaag.nl/account/logout?next=/", "logout"),
        ("https://www.denhaag.nl/auth?action=signout", "logout"),
        ("https://www.denhaag.nl/logout.php", "logout"),
        ("https://www.denhaag.nl/docs/jaarverslag.PDF", "download"),
        ("https://www.denhaag.nl/formulier.docx", "download"),
        ("https://www.denhaag.nl/afmeldingen-nieuwsbrief", None),
        ("https://www.denhaag.nl/nieuws/uitloggen-bij-digid-uitgelegd", None),
        ("https://www.denhaag.nl/v1.2/pagina", None),
        ("https://www.denhaag.nl/", None),
    ],
)
def test_skipped_links(url, reason):
    """Logout links and downloads are never followed; look-alike words in longer slugs are."""
    assert is_skipped_link(url) == reason


def test_patterns():
    """re: patterns search the URL, /patterns glob the path and query, others glob the URL."""
    assert compile_pattern("re:/nieuws/\\d+")("https://www.denhaag.nl/nieuws/123")
    assert not compile_pattern("re:^/nieuws")("https://www.denhaag.nl/nieuws/123")
    assert compile_pattern("/nieuws/*")("https://www.denhaag.nl/nieuws/abc?x=1")
    assert not compile_pattern("/nieuws/*")("https://www.denhaag.nl/afval")
    assert compile_pattern("*://loket.*")("https://loket.denhaag.nl/aanvraag")
    with pytest.raises(InputError):
        compile_pattern("re:(")


def test_frontier_breadth_first_same_site_only():
    """Start, fixed pages, then same-site links in document order; other sites and repeats are dropped."""
    frontier = Frontier(SITE, max_pages=10, fixed=["https://www.denhaag.nl/vaste-pagina"])
    assert [frontier.pop().url, frontier.pop().url] == [SITE, "https://www.denhaag.nl/vaste-pagina"]
    frontier.add_links(["/b", "/a", "https://www.utrecht.nl/x", "/b/", "https://loket.denhaag.nl/", "#top",
                        "/uitloggen", "/x.pdf", "mailto:a@b.nl"], SITE, 1)
    assert [p.url for p in frontier.planned[2:]] == [
        "https://www.denhaag.nl/b", "https://www.denhaag.nl/a", "https://loket.denhaag.nl/"]
    assert frontier.skipped["https://www.utrecht.nl/x"] == "other-site"
    assert frontier.skipped["https://www.denhaag.nl/uitloggen"] == "logout"
    assert frontier.skipped["https://www.denhaag.nl/x.pdf"] == "download"
    assert [p.depth for p in frontier.planned] == [0, 0, 1, 1, 1]


def test_frontier_page_limit_and_redirect_targets():
    """--pages caps the plan; a redirect target that was visited is not queued again."""
    frontier = Frontier(SITE, max_pages=3)
    frontier.mark_visited("https://www.denhaag.nl/nieuw/")
    frontier.add_links(["/nieuw", "/a", "/b", "/c"], SITE, 1)
    assert [p.url for p in frontier.planned] == [SITE, "https://www.denhaag.nl/a", "https://www.denhaag.nl/b"]
    assert frontier.full


def test_frontier_include_exclude_spare_the_start():
    """Include/exclude filter discovered links, never the start URL or fixed pages."""
    frontier = Frontier(SITE, max_pages=10, fixed=["https://www.denhaag.nl/contact"], include=["/nieuws/*"],
                        exclude=["re:archief"])
    frontier.add_links(["/nieuws/1", "/nieuws/archief/2", "/afval"], SITE, 1)
    assert [p.url for p in frontier.planned] == [SITE, "https://www.denhaag.nl/contact", "https://www.denhaag.nl/nieuws/1"]
    assert frontier.skipped["https://www.denhaag.nl/afval"] == "not-included"
    assert frontier.skipped["https://www.denhaag.nl/nieuws/archief/2"] == "excluded"


def test_parse_sitemap_and_index():
    """Sitemaps give page URLs, sitemap indexes child sitemaps, both in document order."""
    urlset = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              "<url><loc> https://www.denhaag.nl/b </loc></url><url><loc>https://www.denhaag.nl/a</loc></url></urlset>")
    assert parse_sitemap(urlset) == (["https://www.denhaag.nl/b", "https://www.denhaag.nl/a"], [])
    index = ('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://www.denhaag.nl/s1.xml'
             "</loc></sitemap></sitemapindex>")
    assert parse_sitemap(index) == ([], ["https://www.denhaag.nl/s1.xml"])


def test_parse_sitemap_refuses_hostile_xml():
    """Entity definitions and broken XML give nothing rather than expanding or crashing."""
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            "<urlset><url><loc>&lol2;</loc></url></urlset>")
    assert parse_sitemap(bomb) == ([], [])
    assert parse_sitemap("<urlset><url><loc>https://x.nl/</loc>") == ([], [])


def test_sitemaps_in_robots():
    """Sitemap: lines of robots.txt, case-insensitively, in order."""
    robots = "User-agent: *\nDisallow: /zoeken\nSitemap: https://www.denhaag.nl/s1.xml\nsitemap:https://www.denhaag.nl/s2.xml\n"
    assert list(sitemaps_in_robots(robots)) == ["https://www.denhaag.nl/s1.xml", "https://www.denhaag.nl/s2.xml"]
