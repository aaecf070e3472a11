"""Statements written for these tests, in Markdown, HTML (tables), run-together CMP text and PDF."""

from __future__ import annotations

import pytest

from cookieaudit.errors import InputError
from cookieaudit.statement import parse_statement, parse_text

from .pdfmaker import image_only_pdf, text_pdf


def _by_pattern(declaration) -> dict:
    """Cookies keyed by (pattern, match)."""
    return {(c.pattern, c.match): c for c in declaration.cookies}


def _facts(cookie) -> tuple:
    """The fields a cookie test compares."""
    return (cookie.vendor, cookie.purpose, cookie.lifetime, cookie.max_age_days)


def test_english_markdown_policy(fixtures_dir):
    """Bullets with code names, a pipe table, prefixes and globs, durations in several forms, claims."""
    declaration = parse_statement(fixtures_dir / "en_cookie_policy.md")
    cookies = _by_pattern(declaration)
    assert declaration.language == "en"
    assert set(cookies) == {
        ("sessionid", "exact"), ("csrftoken", "exact"), ("cookie_consent_level", "exact"),
        ("_pk_id.", "prefix"), ("_pk_ses.", "prefix"), ("_hjSession_", "prefix"),
        ("_vis_opt_", "prefix"), ("_vwo_", "prefix"),
    }
    assert _facts(cookies["sessionid", "exact"])[1:3] == ("functional", "session")
    assert cookies["csrftoken", "exact"].max_age_days == 365  # "Max. 1 year"
    assert cookies["cookie_consent_level", "exact"].max_age_days == 390  # 13 months
    assert _facts(cookies["_pk_id.", "prefix"]) == ("Matomo", "analytic", "persistent", 390)
    assert cookies["_pk_ses.", "prefix"].max_age_days == pytest.approx(30 / 1440, abs=1e-6)  # 30 minutes
    assert cookies["_hjSession_", "prefix"].max_age_days == 390  # "1 day – 13 months": the longest
    assert cookies["_vis_opt_", "prefix"].lifetime == "both"  # "both session and persistent"
    claims = declaration.claims
    assert claims.only_purposes == ["analytic", "functional"]
    assert claims.excluded_purposes == ["marketing"]  # "We do not use advertising cookies"
    assert claims.consent_required_for == ["analytic"]
    assert claims.analytics_privacy_friendly is True
    # the server-log retention (6 months), "last 6 digits" and "within 4 weeks" are no cookie lifetimes
    assert all(c.max_age_days != 180 for c in declaration.cookies)
    assert declaration.warnings == []


def test_general_explanation_is_not_a_declaration(fixtures_dir):
    """A statement that only explains what cookies are and what websites in general do declares nothing."""
    declaration = parse_statement(fixtures_dir / "nl_algemeen.txt")
    assert declaration.cookies == [] and declaration.services == []
    assert declaration.claims.declared_purposes is None
    assert declaration.warnings == ["no cookie section"]


def test_dutch_html_tables_and_prose(fixtures_dir):
    """HTML tables under category headings, names in prose and list items; banner and general parts left out."""
    declaration = parse_statement(fixtures_dir / "nl_cookieverklaring.html")
    cookies = _by_pattern(declaration)
    assert list(cookies) == [
        ("PHPSESSID", "exact"), ("CookieConsent", "exact"), ("lb_route", "exact"), ("lb_sticky", "exact"),
        ("_ga", "exact"), ("_ga_", "prefix"), ("_gid", "exact"), ("IpsosSurveyCookie", "prefix"),
        ("VISITOR_INFO1_LIVE", "exact"), ("YSC", "exact"),
    ]
    assert _facts(cookies["PHPSESSID", "exact"])[1:] == ("functional", "session", None)  # "Tot het sluiten van de browser"
    assert _facts(cookies["CookieConsent", "exact"]) == ("Cookiebot", "functional", "persistent", 730)  # "twee jaar"
    assert _facts(cookies["_ga", "exact"]) == ("Google Analytics", "analytic", "persistent", 720)
    assert cookies["_ga", "exact"].vendor_id == "google-analytics"
    assert _facts(cookies["IpsosSurveyCookie", "prefix"]) == ("Ipsos", "analytic", "persistent", 100)
    assert _facts(cookies["YSC", "exact"]) == ("YouTube", "marketing", "both", 180)
    assert [(s.name, s.purpose, s.lifetime) for s in declaration.services] == [("kaarten op de website", "functional", "session")]
    assert "_fbp" not in {c.pattern for c in declaration.cookies}  # only in the consent banner
    assert "_xyz_cookie" not in {c.pattern for c in declaration.cookies}  # only under "Cookies blokkeren"
    assert declaration.claims.excluded_purposes == ["marketing"]
    assert declaration.claims.consent_required_for is None  # "vragen wij geen toestemming"
    assert declaration.claims.analytics_privacy_friendly is True
    assert len(declaration.warnings) == 1 and "duration not understood: 'onbepaald'" in declaration.warnings[0]
    row = cookies["CookieConsent", "exact"].evidence
    assert row.text == "CookieConsent | Cookiebot | Slaat uw cookievoorkeuren op | twee jaar"


def test_run_together_cmp_table(fixtures_dir):
    """A Cookiebot-style table whose cells came out run together is cut back into name, vendor, purpose, expiry."""
    declaration = parse_statement(fixtures_dir / "nl_cmp_runtogether.txt")
    facts = {(c.pattern, c.match): _facts(c) for c in declaration.cookies}
    assert facts == {
        # a domain or a bare company in the provider column stands for the rule set's vendor of the name
        ("CookieConsent", "exact"): ("Cookiebot", "functional", "persistent", 365),
        ("lb_session", "exact"): ("www.voorbeeldstad.nl", "functional", "session", None),
        ("_ga", "exact"): ("Google Analytics", "analytic", "persistent", 730),
        ("_hjIncludedInSample", "exact"): ("Hotjar", "analytic", "session", None),
        ("IpsosSurveyCookie", "prefix"): ("Ipsos", "analytic", "persistent", 100),
        ("_fbp", "exact"): ("Meta Pixel", "marketing", "persistent", 90),
    }
    assert declaration.claims.declared_purposes == ["analytic", "functional", "marketing"]
    assert declaration.warnings == []  # "7 jaar" data retention and "binnen vier weken" are not lifetimes


def test_pdf_statement(tmp_path):
    """A PDF's text (lines without blank lines between them) is read with headings, bullets and claims."""
    pdf = tmp_path / "privacyverklaring.pdf"
    pdf.write_bytes(text_pdf([
        ["Privacyverklaring gemeente Voorbeeld", "Wij verwerken uw gegevens zorgvuldig.", "Cookies",
         "Wij gebruiken alleen functionele en analytische cookies:",
         "- Google Analytics (_ga en _gid): statistieken, maximaal 2 jaar.",
         "- Cookies voor DigiD: houden uw inlog bij tot het sluiten van de browser."],
        ["Uw rechten", "Wij reageren binnen 4 weken op uw verzoek."],
    ]))
    declaration = parse_statement(pdf)
    assert declaration.sources[0].kind == "pdf"
    assert [(c.pattern, c.vendor, c.max_age_days) for c in declaration.cookies] == [
        ("_ga", "Google Analytics", 730), ("_gid", "Google Analytics", 730)]
    assert [(s.name, s.vendor, s.purpose, s.lifetime) for s in declaration.services] == [("DigiD", "DigiD", "functional", "session")]
    assert declaration.claims.only_purposes == ["analytic", "functional"]


def test_image_only_pdf_is_refused_in_one_line(tmp_path):
    """A scanned PDF (an image, no text) is an input error that says so."""
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(image_only_pdf())
    with pytest.raises(InputError, match=r"no text in PDF \(scanned image\?\)"):
        parse_statement(pdf)


def test_several_sources_merge_keeping_their_source(fixtures_dir, tmp_path):
    """A privacy statement and a cookie statement make one declaration; each item names where it came from."""
    privacy = tmp_path / "privacy.txt"
    privacy.write_text("Cookies\n\nDe gemeente gebruikt alleen functionele cookies en Google Analytics (_ga).\n", encoding="utf-8")
    cookie_page = fixtures_dir / "nl_cmp_runtogether.txt"
    declaration = parse_statement([privacy, cookie_page])
    assert [s.source for s in declaration.sources] == [str(privacy), str(cookie_page)]
    ga = _by_pattern(declaration)["_ga", "exact"]
    assert ga.source == str(privacy)
    assert ga.max_age_days == 730  # filled in from the cookie statement's row
    assert _by_pattern(declaration)["_fbp", "exact"].source == str(cookie_page)
    assert declaration.claims.only_purposes == ["functional"]


@pytest.mark.parametrize("text, expected", [
    ("Cookies\n\nWe use _ga, _gid and _gat (Google Analytics), kept for 13 months.", [("_ga", "exact"), ("_gid", "exact"), ("_gat", "exact")]),
    ("Cookies\n\nWij plaatsen cookies beginnend met _pk_ en wp-settings-#.", [("_pk_", "prefix"), ("wp-settings-", "prefix")]),
    ("Cookies\n\nThe cookie _hjSession_*_x and __utm* are set.", [("_hjSession_*_x", "glob"), ("__utm", "prefix")]),
    ("Cookies\n\nGoogle and the Cookie are words; DigiD and HotJar are brands.", []),
    ("Cookies\n\nCookie voor de enquête (IpsosSurveyCookie): 1 jaar.", [("IpsosSurveyCookie", "exact")]),
])
def test_names_in_prose(text, expected):
    """Several names in one phrase, prefixes, globs; brand names and plain words are no cookie names."""
    assert [(c.pattern, c.match) for c in parse_text(text).cookies] == expected


@pytest.mark.parametrize("phrase, lifetime, days", [
    ("24 maanden na het laatste bezoek", "persistent", 720),
    ("100 dagen", "persistent", 100),
    ("twee jaar", "persistent", 730),
    ("13 months", "persistent", 390),
    ("30 minutes", "persistent", 0.020833),
    ("Max. 2 years", "persistent", 730),
    ("1 day – 13 months", "persistent", 390),
    ("sessie", "session", None),
    ("session", "session", None),
    ("tot het sluiten van de browser", "session", None),
    ("both session and persistent (1 year)", "both", 365),
])
def test_durations(phrase, lifetime, days):
    """Durations in digits and words; the longest counts; session phrasing."""
    cookie = parse_text(f"Cookies\n\nWe use the cookie _example_id: {phrase}.").cookies[0]
    assert (cookie.lifetime, cookie.max_age_days) == (lifetime, days)


def test_numbers_that_are_not_lifetimes():
    """Log retention, a reply term and IP digits next to a cookie are not its lifetime."""
    text = ("Cookies\n\n- _session_id: keeps you logged in. Our server logs are kept for 6 months. "
            "We reply within 4 weeks. The last 6 digits of the IP address are removed.")
    cookie = parse_text(text).cookies[0]
    assert cookie.max_age_days is None


def test_delegating_statement_warns_and_names_the_link(fixtures_dir):
    """'see our cookie policy' with a link: a warning naming the linked file; nothing is read from it."""
    declaration = parse_statement(fixtures_dir / "en_privacy_delegating.html")
    target = fixtures_dir / "cookie-policy.html"
    assert declaration.cookies == []
    assert declaration.warnings == [
        f"delegates to another page: {target} (\u201csee our cookie policy\u201d); use --follow to read it"]


def test_follow_reads_a_linked_local_file(fixtures_dir):
    """With follow, a relative link from a file source is resolved next to the file and read too."""
    source = fixtures_dir / "en_privacy_delegating.html"
    declaration = parse_statement(source, follow=True)
    target = str(fixtures_dir / "cookie-policy.html")
    assert [(c.pattern, c.source) for c in declaration.cookies] == [("_ga", target), ("session_id", target)]
    assert [(s.source, s.followed_from) for s in declaration.sources] == [(str(source), None), (target, str(source))]
    assert declaration.warnings[0].endswith("; followed")


def test_delegation_without_a_link_in_plain_text():
    """A delegation phrase with no link still warns, saying no link was found."""
    declaration = parse_text("Cookies\n\nWij gebruiken cookies; zie onze cookieverklaring op de website.", source="p.txt")
    assert declaration.warnings == ["delegates to another page: \u201czie onze cookieverklaring\u201d (p.txt; no link found)"]


def test_malformed_links_in_a_statement_are_warned_about_not_raised(tmp_path):
    """An href a hostile page wrote ("http://[x/…", an unclosed IPv6 host) is a delegation without a host, not a crash."""
    html = ("<h1>Cookieverklaring</h1><p>Meer leest u in onze <a href='http://[x/cookies'>cookieverklaring</a>.</p>"
            "<table><tr><th>Naam</th><th>Doel</th><th>Bewaartermijn</th></tr>"
            "<tr><td>_ga</td><td>statistiek</td><td>2 jaar</td></tr></table>")
    path = tmp_path / "hostile.html"
    path.write_text(html, encoding="utf-8")
    declaration = parse_statement(path, follow=True)
    assert [c.pattern for c in declaration.cookies] == ["_ga"]
    assert any("http://[x/cookies" in warning for warning in declaration.warnings)
