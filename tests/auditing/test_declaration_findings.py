"""Declaration findings, browser-free: for each kind a situation that must produce it and one
that must not (undeclared cookies and third parties, unlisted cookies of a declared service,
purpose mismatches, lifetimes, unknown cookies, declared items never seen)."""

from __future__ import annotations

import pytest

from cookieaudit import audit
from tests.auditing.factory import by_kind, cookie, declaration, declared, request, scan, service

ASPNET = ("ASP.NET_SessionId", "www.voorbeeldstad.nl")


def test_undeclared_first_party_cookie():
    """A first-party cookie whose name and vendor are both undeclared is an error; declared by name it is not."""
    observed = scan([cookie(*ASPNET)])
    found = by_kind(audit(observed, declaration([declared("_ga")])), "undeclared-cookie")
    assert [(f.severity, f.cookies, f.phase) for f in found] == [("error", ["ASP.NET_SessionId"], None)]
    assert found[0].evidence.observed[0].vendor == "ASP.NET" and found[0].evidence.observed[0].first_seen_url
    assert not by_kind(audit(observed, declaration([declared("asp.net_sessionid")])), "undeclared-cookie")  # case-insensitive


def test_first_party_cookie_under_a_vendor_the_rules_do_not_know_is_declared():
    """A statement that declares the municipality's own cookie (vendor unknown to the rule set) covers it."""
    observed = scan([cookie("gemeente_voorkeur", "www.voorbeeldstad.nl", days=30)])
    result = audit(observed, declaration([declared("gemeente_voorkeur", vendor="Gemeente Voorbeeldstad",
                                                   purpose="functional", days=30)]))
    assert result.findings == []


def test_undeclared_third_party_cookie_and_host_are_one_finding_per_vendor():
    """IDE on doubleclick.net and requests to doubleclick hosts: undeclared-third-party for Google Ads, not undeclared-cookie."""
    observed = scan([cookie("IDE", ".doubleclick.net", "after_accept", days=390)],
                    requests=[request("https://googleads.g.doubleclick.net/pagead/id", "after_accept")])
    result = audit(observed, declaration([declared("_ga")]))
    found = by_kind(result, "undeclared-third-party")
    assert [(f.id, f.cookies, f.hosts, f.vendors) for f in found] == [
        ("undeclared-third-party:google-ads", ["IDE"], ["googleads.g.doubleclick.net"], ["Google Ads"])]
    assert not by_kind(result, "undeclared-cookie")
    covered = audit(observed, declaration([declared("_ga")], [service("Google Ads", vendor_id="google-ads")]))
    assert not by_kind(covered, "undeclared-third-party")


def test_first_party_cookie_of_an_undeclared_vendor_is_undeclared_cookie_not_third_party():
    """_fbp sits on the site's own domain: undeclared-cookie (the two kinds are disjoint)."""
    result = audit(scan([cookie("_fbp", days=90)]), declaration([declared("_ga")]))
    assert [f.kind for f in result.findings if f.kind.startswith("undeclared")] == ["undeclared-cookie"]


@pytest.mark.parametrize("named", ["Facebook", "Meta"])
def test_declaring_facebook_or_meta_covers_the_meta_pixel(named):
    """A statement naming Facebook (or Meta) covers the Meta Pixel's _fbp and its hosts (rule set 'covers')."""
    observed = scan([cookie("_fbp", days=90)], requests=[
        request("https://connect.facebook.net/nl_NL/fbevents.js"), request("https://www.facebook.com/tr?id=1&ev=PageView")])
    result = audit(observed, declaration(services=[service(named, purpose="marketing")]))
    assert not [f for f in result.findings if f.kind.startswith("undeclared") or f.kind.startswith("unlisted")]
    bare = audit(observed, declaration(services=[service("Hotjar", vendor_id="hotjar")]))
    assert {f.id for f in by_kind(bare, "undeclared-third-party")} == {
        "undeclared-third-party:meta-pixel", "undeclared-third-party:facebook"}


def test_bare_name_does_not_cover_a_suffixed_one_but_the_vendor_is_declared():
    """_ga declared, _ga_XYZ observed: unlisted-cookie-of-declared-service (warning), not undeclared."""
    observed = scan([cookie("_ga", days=730), cookie("_ga_XYZ123", days=730)])
    result = audit(observed, declaration([declared("_ga", vendor="Google Analytics", vendor_id="google-analytics")]))
    found = by_kind(result, "unlisted-cookie-of-declared-service")
    assert [(f.severity, f.cookies) for f in found] == [("warning", ["_ga_XYZ123"])]
    assert found[0].evidence.statement[0].text.startswith("_ga")
    assert not by_kind(result, "undeclared-cookie")
    globbed = audit(observed, declaration([declared("_ga", vendor_id="google-analytics"), declared("_ga_*", "glob")]))
    assert not by_kind(globbed, "unlisted-cookie-of-declared-service")
    prefixed = audit(observed, declaration([declared("_ga", vendor_id="google-analytics"), declared("_GA_", "prefix")]))
    assert not by_kind(prefixed, "unlisted-cookie-of-declared-service")


def test_declared_service_covers_all_of_its_vendors_cookies():
    """'Google Analytics' declared as a service (no names) covers _ga and _ga_XYZ."""
    observed = scan([cookie("_ga", days=730), cookie("_ga_XYZ123", days=730)],
                    requests=[request("https://www.googletagmanager.com/gtag/js?id=G-1")])
    result = audit(observed, declaration(services=[service("Google Analytics", vendor_id="google-analytics")]))
    assert not [f for f in result.findings if f.kind.startswith(("undeclared", "unlisted"))]


def test_purpose_mismatch_both_ways():
    """Declared functional but analytic: warning; declared analytic but functional: info; same purpose: none."""
    observed = scan([cookie("_ga", days=730), cookie(*ASPNET)])
    result = audit(observed, declaration([declared("_ga", purpose="functional"), declared("ASP.NET_SessionId", purpose="analytic")]))
    found = {f.cookies[0]: f for f in by_kind(result, "purpose-mismatch")}
    assert found["_ga"].severity == "warning" and found["_ga"].evidence.details["classified_purpose"] == "analytic"
    assert found["ASP.NET_SessionId"].severity == "info"
    fine = audit(observed, declaration([declared("_ga", purpose="analytic"), declared("ASP.NET_SessionId", purpose="functional")]))
    assert not by_kind(fine, "purpose-mismatch")


@pytest.mark.parametrize(("declared_days", "asked", "flagged"), [
    (720, 730, False),    # "24 maanden" and Google's two years
    (720, 731, False),    # two calendar years over a leap day
    (720, 734, True),
    (360, 730, True),     # "12 maanden"
    (365, 366, False),    # "1 jaar", leap year
    (730, 731, False),    # "2 jaar"
    (30, 31, False),      # "1 maand"
    (30, 33, True),
    (1, 1.0, False),      # "24 uur"
    (1, 2, True),
])
def test_lifetime_tolerance(declared_days, asked, flagged):
    """The declared lifetime is read as the calendar span it can mean; the asked-for lifetime is compared."""
    result = audit(scan([cookie("_ga", days=asked)]), declaration([declared("_ga", days=declared_days, lifetime="persistent")]))
    found = by_kind(result, "lifetime-exceeds-declared")
    assert bool(found) == flagged
    if found:
        assert found[0].evidence.details["declared_days"] == declared_days
        assert found[0].evidence.details["observed_days"] == asked


def test_lifetime_uses_what_the_site_asked_for_not_chromiums_cap():
    """A 1000-day cookie (stored for 400) against a 13-month declaration: exceeds, reported as 1000 days."""
    result = audit(scan([cookie("_ga", days=1000)]), declaration([declared("_ga", days=390)]))
    assert by_kind(result, "lifetime-exceeds-declared")[0].evidence.details["observed_days"] == 1000


def test_declared_session_but_persistent():
    """Declared session, asked to persist: error; a session cookie: none."""
    persistent = audit(scan([cookie("taalkeuze", "www.voorbeeldstad.nl", days=180)]),
                       declaration([declared("taalkeuze", lifetime="session")]))
    assert [(f.kind, f.cookies) for f in persistent.findings] == [("declared-session-but-persistent", ["taalkeuze"])]
    session = audit(scan([cookie("taalkeuze", "www.voorbeeldstad.nl")]), declaration([declared("taalkeuze", lifetime="session")]))
    assert session.findings == []


def test_unknown_cookie_is_info_with_its_first_phase():
    """A cookie the rule set does not know and the statement does not declare: unknown-cookie (info), not undeclared."""
    observed = scan([cookie("xq_widget", "www.voorbeeldstad.nl", "after_accept"), cookie("xq_widget", "www.voorbeeldstad.nl", "after_reject")])
    for result in (audit(observed), audit(observed, declaration([declared("_ga")]))):
        assert [(f.kind, f.severity, f.phase, f.cookies) for f in result.findings if f.kind != "declared-not-found"] == [
            ("unknown-cookie", "info", "after_reject", ["xq_widget"])]
    assert audit(observed, declaration([declared("xq_*", "glob", purpose="functional")])).findings == []


def test_declared_not_found_names_the_pages_visited():
    """_gid declared, never seen: declared-not-found (info) with the pages visited; _ga declared and seen: nothing."""
    result = audit(scan([cookie("_ga", days=730)]), declaration([declared("_ga"), declared("_gid"), declared("_hj*", "glob")]))
    found = by_kind(result, "declared-not-found")
    assert sorted(f.cookies[0] for f in found) == ["_gid", "_hj*"]
    assert found[0].evidence.pages_visited == ["https://www.voorbeeldstad.nl/", "https://www.voorbeeldstad.nl/afval",
                                               "https://www.voorbeeldstad.nl/contact"]
    seen = audit(scan([cookie("_ga", days=730), cookie("_hjSessionUser_1", days=365)]), declaration([declared("_hj*", "glob")]))
    assert not by_kind(seen, "declared-not-found")


def test_declared_service_not_found():
    """A declared service whose vendor never shows up is reported; one whose product shows up is not."""
    absent = audit(scan([cookie(*ASPNET)]), declaration([declared("ASP.NET_SessionId")], [service("Hotjar", vendor_id="hotjar")]))
    assert [f.id for f in by_kind(absent, "declared-not-found")] == ["declared-not-found:service:hotjar"]
    present = audit(scan([cookie("_hjSessionUser_1", days=365)]), declaration(services=[service("Hotjar", vendor_id="hotjar")]))
    assert not by_kind(present, "declared-not-found")


def test_refused_cookies_make_no_findings_but_count_as_seen():
    """A cookie the browser refused was never on the device: no finding; a declaration of it is not 'not found'."""
    result = audit(scan([cookie("datr", ".facebook.com", days=400, stored=False)]), declaration([declared("datr")]))
    assert result.findings == []


def test_allow_list_suppresses_and_records_reasons():
    """Allowed cookie names (globs) and vendors make no finding; each entry lists what it allowed."""
    observed = scan([cookie("_pk_id.1.abcd", days=395), cookie("IDE", ".doubleclick.net", days=390)],
                    requests=[request("https://googleads.g.doubleclick.net/pagead/id")])
    result = audit(observed, declaration([declared("_ga")]), allow=[
        {"cookie": "_PK_*", "reason": "Matomo, zelf gehost"}, {"vendor": "Google Ads", "reason": "contract"}])
    assert [f.kind for f in result.findings] == ["declared-not-found"]
    entries = {(e.cookie or e.vendor): e for e in result.audit.allow}
    assert entries["_PK_*"].matched == ["_pk_id.1.abcd"] and entries["_PK_*"].reason == "Matomo, zelf gehost"
    assert sorted(entries["Google Ads"].matched) == ["IDE", "googleads.g.doubleclick.net"]
