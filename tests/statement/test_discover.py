"""--statement auto: the statement found among the start page's links, and why."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cookieaudit.models import BrowserInfo, Page, PageLink, ScanResult, ToolInfo
from cookieaudit.options import ScanOptions
from cookieaudit.statement.discover import discover_statement, discover_statement_in_result

SITE = "https://www.gemeente.nl/"


def link(path_or_url: str, text: str, area: str = "main") -> PageLink:
    url = path_or_url if "://" in path_or_url else "https://www.gemeente.nl" + path_or_url
    return PageLink(url=url, text=text, area=area)


def test_cookie_statement_before_privacy_statement():
    found = discover_statement([link("/privacy", "Privacyverklaring", "footer"),
                                link("/cookies", "Cookieverklaring", "footer")], SITE)
    assert found.url == "https://www.gemeente.nl/cookies" and found.kind == "cookie" and found.area == "footer"
    assert found.text == "Cookieverklaring"
    assert "'Cookieverklaring'" in found.reason and "cookie statement" in found.reason and "site itself" in found.reason
    assert [c.url for c in found.candidates] == ["https://www.gemeente.nl/cookies", "https://www.gemeente.nl/privacy"]


@pytest.mark.parametrize("text", ["Cookiebeleid", "Privacy- en cookieverklaring", "Cookie policy", "Cookie Notice",
                                  "Over cookies", "cookies"])
def test_cookie_statement_words(text):
    found = discover_statement([link("/p", "Privacy", "footer"), link("/c", text, "main")], SITE)
    assert found.url.endswith("/c") and found.kind == "cookie"


@pytest.mark.parametrize("text", ["Privacyverklaring", "Privacybeleid", "Privacy statement", "Privacy policy",
                                  "Privacy notice", "Privacy"])
def test_privacy_statement_words(text):
    found = discover_statement([link("/nieuws", "Nieuws"), link("/p", text, "footer")], SITE)
    assert found.url.endswith("/p") and found.kind == "privacy"


def test_a_banners_more_information_link_counts_by_its_url():
    """'Lees meer' says nothing; the path /cookieverklaring does, and the banner raises it above the footer's privacy link."""
    found = discover_statement([link("/privacyverklaring", "Privacyverklaring", "footer"),
                                link("/over-ons/cookieverklaring", "Lees meer", "banner")], SITE)
    assert found.url.endswith("/over-ons/cookieverklaring") and found.area == "banner"
    assert "path: cookieverklaring" in found.reason


def test_same_site_first():
    found = discover_statement([link("https://consent.vendor-voorbeeld.com/cookie-policy", "Cookie policy", "banner"),
                                link("/privacy", "Privacy", "footer")], SITE)
    assert found.url == "https://www.gemeente.nl/privacy"
    other = discover_statement([link("https://privacy.overheidsdienst.nl/verklaring", "Privacyverklaring", "footer")], SITE)
    assert other.url == "https://privacy.overheidsdienst.nl/verklaring" and "another site" in other.reason
    sub = discover_statement([link("https://loket.gemeente.nl/cookies", "Cookies", "footer")], SITE)
    assert sub.candidates[0].same_site  # same registrable domain


def test_settings_buttons_and_links_to_the_page_itself_are_not_statements():
    links = [link("/", "Cookies accepteren", "banner"), link("/#instellingen", "Cookie-instellingen", "banner"),
             link("/cookie-instellingen", "Cookie-instellingen", "footer"), link("/privacy", "Privacyverklaring", "footer")]
    found = discover_statement(links, SITE)
    assert found.url == "https://www.gemeente.nl/privacy"
    assert "https://www.gemeente.nl/" not in [c.url for c in found.candidates]


def test_no_statement_link():
    found = discover_statement([link("/nieuws", "Nieuws"), link("/afval", "Afval", "nav")], SITE)
    assert found.url is None and found.candidates == [] and found.links_read == 2
    assert found.reason == "none of the 2 links on the start page looks like a cookie or privacy statement"


def test_links_as_dicts_from_a_saved_result():
    found = discover_statement([{"url": "https://www.gemeente.nl/cookies", "text": "Cookies", "area": "footer"}], SITE)
    assert found.url == "https://www.gemeente.nl/cookies"


def _result(pages) -> ScanResult:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return ScanResult(site=SITE, started_at=now, tool=ToolInfo(version="0"), options=ScanOptions(),
                      browser=BrowserInfo(), pages=pages)


def test_from_a_scan_result():
    start = Page(url=SITE, final_url="https://www.gemeente.nl/home", status=200, source="start", phase="before_consent",
                 links=[link("/home", "Home", "nav"), link("/cookies", "Cookies", "footer")])
    found = discover_statement_in_result(_result([start]))
    assert found.url == "https://www.gemeente.nl/cookies" and found.page == "https://www.gemeente.nl/home"
    unreadable = Page(url=SITE, source="start", phase="before_consent", error="timeout")
    assert "could not be read" in discover_statement_in_result(_result([unreadable])).reason
    empty = Page(url=SITE, status=200, source="start", phase="before_consent")
    assert "has no links" in discover_statement_in_result(_result([empty])).reason


# -- the hook: --statement auto in the audit pipeline (cookieaudit/run.py) ---------------------
def test_statement_auto_spec_and_sources():
    from cookieaudit.errors import InputError
    from cookieaudit.run import resolve_sources, statement_discovery, statement_spec

    spec = statement_spec(["auto"])
    assert spec.mode == "auto" and spec.needs_scan
    with pytest.raises(InputError, match="auto cannot be combined"):
        statement_spec(["auto", "privacy.html"])
    start = Page(url=SITE, final_url=SITE, status=200, source="start", phase="before_consent",
                 links=[link("/cookies", "Cookieverklaring", "footer")])
    assert resolve_sources(spec, _result([start])) == ["https://www.gemeente.nl/cookies"]
    assert statement_discovery(spec, _result([start])).text == "Cookieverklaring"
    assert resolve_sources(spec, _result([Page(url=SITE, status=200, source="start", phase="before_consent")])) == []
    assert statement_discovery(statement_spec(["none"]), _result([start])) is None


def test_audit_of_a_saved_scan_records_why_no_statement_was_found(tmp_path):
    from cookieaudit.run import AuditSettings, audit_saved, statement_spec

    start = Page(url=SITE, final_url=SITE, status=200, source="start", phase="before_consent",
                 links=[link("/nieuws", "Nieuws", "nav")])
    saved = tmp_path / "scan.json"
    saved.write_text(_result([start]).to_json(), encoding="utf-8")
    outcome = audit_saved(str(saved), AuditSettings(statement=statement_spec(["auto"])))
    discovery = outcome.result.audit.statement_discovery
    assert discovery is not None and discovery.url is None and discovery.links_read == 1
    assert "looks like a cookie or privacy statement" in discovery.reason
    assert outcome.result.declaration is None


def test_malformed_link_urls_are_not_candidates_and_do_not_raise():
    found = discover_statement([link("http://[x/cookies", "Cookies"), link("/privacy", "Privacyverklaring", "footer")], SITE)
    assert found.url == "https://www.gemeente.nl/privacy"
