"""Cookie writes as the site asked for them, refusal reasons, and URL identifier redaction."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cookieaudit.scanner.collectors.cookies import _lifetime_changed, infer_refusal
from cookieaudit.scanner.cookiewrite import from_cookie_store, parse_cookie_string
from cookieaudit.scanner.urls import redact_url

NOW = 1_800_000_000.0


def test_set_cookie_attributes():
    """Every attribute of a Set-Cookie line is read, case-insensitively."""
    write = parse_cookie_string("_ga=GA1.2.3.4; Max-Age=63072000; domain=.DenHaag.nl; Path=/; secure; HttpOnly; "
                                "SameSite=none; Partitioned", NOW)
    assert (write.name, write.value, write.domain, write.path) == ("_ga", "GA1.2.3.4", "denhaag.nl", "/")
    assert write.secure and write.http_only and write.partitioned
    assert write.same_site == "None"
    assert write.max_age_days == 730.0
    assert not write.deletes


def test_max_age_wins_over_expires():
    """Max-Age takes precedence over Expires, as in RFC 6265."""
    write = parse_cookie_string("a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Max-Age=86400", NOW)
    assert write.max_age_days == 1.0


def test_expires_counts_from_the_write():
    """Expires becomes a lifetime counted from the moment of the write."""
    written = datetime(2027, 1, 14, 8, 0, tzinfo=timezone.utc).timestamp()
    write = parse_cookie_string("a=1; expires=Fri, 15 Jan 2027 08:00:00 GMT", written)
    assert write.max_age_days == 1.0
    assert parse_cookie_string("a=1; expires=not a date", written).max_age is None


def test_session_and_deletion():
    """No lifetime is a session cookie; a lifetime of zero or an expiry in the past deletes."""
    assert parse_cookie_string("sid=abc; path=/", NOW).max_age_days is None
    assert parse_cookie_string("sid=; Max-Age=0", NOW).deletes
    assert parse_cookie_string("sid=; expires=Thu, 01 Jan 1970 00:00:00 GMT", NOW).deletes
    assert parse_cookie_string("   ", NOW) is None


def test_cookie_store_options():
    """CookieStore.set options: expires in epoch milliseconds, SameSite Strict by default, delete = zero lifetime."""
    write = from_cookie_store({"name": "pref", "value": "groot", "expires": (NOW + 30 * 86400) * 1000}, NOW)
    assert (write.name, write.value, write.max_age_days, write.same_site, write.secure) == ("pref", "groot", 30.0, "Strict", True)
    assert from_cookie_store({"name": "pref"}, NOW, deleted=True).deletes
    assert from_cookie_store({"value": "x"}, NOW) is None


def test_write_matches_stored_cookie():
    """A write with Domain matches that domain; a host-only write matches its setting host."""
    domain_write = parse_cookie_string("_ga=1; Domain=.denhaag.nl", NOW)
    assert domain_write.matches("_ga", ".denhaag.nl", "www.denhaag.nl")
    assert not domain_write.matches("_ga", "www.denhaag.nl", "www.denhaag.nl")
    host_write = parse_cookie_string("sess=1", NOW)
    assert host_write.matches("sess", "www.denhaag.nl", "www.denhaag.nl")
    assert not host_write.matches("sess", "loket.denhaag.nl", "www.denhaag.nl")


@pytest.mark.parametrize(
    ("line", "kind", "setter", "page", "blocking", "reason"),
    [
        ("id=1; Domain=facebook.com", "header", "www.denhaag.nl", "https://www.denhaag.nl/", False,
         "Domain attribute does not match the setting host"),
        ("id=1; Domain=nl", "header", "www.denhaag.nl", "https://www.denhaag.nl/", False,
         "Domain attribute is a public suffix"),
        ("__Host-id=1; Path=/; Domain=denhaag.nl; Secure", "header", "www.denhaag.nl", "https://www.denhaag.nl/", False,
         "__Host- prefix requires Secure, Path=/ and no Domain"),
        ("__Secure-id=1", "header", "www.denhaag.nl", "https://www.denhaag.nl/", False, "__Secure- prefix requires Secure"),
        ("id=1; HttpOnly", "script", "www.denhaag.nl", "https://www.denhaag.nl/", False,
         "HttpOnly cookies cannot be set from script"),
        ("fr=1; SameSite=None", "header", "www.facebook.com", "https://www.denhaag.nl/", False,
         "SameSite=None requires Secure"),
        ("IDE=1; SameSite=None; Secure", "header", "ad.doubleclick.net", "https://www.denhaag.nl/", True,
         "third-party cookies blocked by the browser's policy"),
        ("lax=1", "header", "ad.doubleclick.net", "https://www.denhaag.nl/", False,
         "set in a cross-site context without SameSite=None"),
        ("ok=1", "header", "www.denhaag.nl", "https://www.denhaag.nl/", False, "not in the cookie jar after the page"),
    ],
)
def test_inferred_refusal_reasons(line, kind, setter, page, blocking, reason):
    """Without a DevTools reason, the refusal is explained from the cookie's own attributes."""
    assert infer_refusal(parse_cookie_string(line, NOW), kind, setter, page, blocking) == reason


def test_rolling_rewrite_is_not_an_expiry_change():
    """Re-setting the same lifetime on a later page moves the expiry but is not a change; a new lifetime is."""
    first = {"expires": NOW + 400 * 86400}
    rolled = {"expires": NOW + 5 + 400 * 86400}
    shortened = {"expires": NOW + 5 + 30 * 86400}
    assert not _lifetime_changed(first, NOW, rolled, NOW + 5)
    assert _lifetime_changed(first, NOW, shortened, NOW + 5)
    assert _lifetime_changed({"expires": -1}, NOW, first, NOW)
    assert not _lifetime_changed(first, NOW, first, NOW + 3600)


def test_redact_url_identifiers():
    """Client, user and click ids in query and fragment are redacted; other parameters are kept."""
    url = "https://region1.google-analytics.com/g/collect?v=2&tid=G-1&CID=123.456&uid=u1&en=page_view#gclid=abc"
    assert redact_url(url) == ("https://region1.google-analytics.com/g/collect?v=2&tid=G-1&CID=REDACTED&uid=REDACTED"
                               "&en=page_view#gclid=REDACTED")
    assert redact_url("https://www.denhaag.nl/zoeken?q=afval&cid=") == "https://www.denhaag.nl/zoeken?q=afval&cid="
    assert redact_url("https://www.denhaag.nl/") == "https://www.denhaag.nl/"
