"""Consent, banner, claim and analytics findings, browser-free: for each kind a situation that
must produce it and one that must not."""

from __future__ import annotations

from cookieaudit import audit
from tests.auditing.factory import (banner, by_kind, claims, cookie, declaration, declared, request, scan, service,
                                    storage)

GA4_HIT = "https://region1.google-analytics.com/g/collect?v=2&tid=G-1&cid=REDACTED&en=page_view"
UA_HIT = "https://www.google-analytics.com/collect?v=1&tid=UA-1-1&cid=REDACTED&t=pageview"


# -- set-before-consent --------------------------------------------------------------------
def test_set_before_consent_cookie_storage_and_request():
    """Analytic and marketing cookies, storage and tracker requests before consent are errors, one per family."""
    observed = scan([cookie("_ga", days=730), cookie("ASP.NET_SessionId", "www.voorbeeldstad.nl")],
                    storage=[storage("yt-remote-device-id", "https://www.youtube.com")],
                    requests=[request(GA4_HIT)])
    found = {f.id: f for f in by_kind(audit(observed), "set-before-consent")}
    assert set(found) == {"set-before-consent:ga-client-id:before_consent",
                          "set-before-consent:youtube-storage-remote:before_consent",
                          "set-before-consent:host:google-analytics:before_consent"}
    assert all(f.severity == "error" and f.phase == "before_consent" for f in found.values())
    assert found["set-before-consent:host:google-analytics:before_consent"].hosts == ["region1.google-analytics.com"]
    assert found["set-before-consent:youtube-storage-remote:before_consent"].storage == ["yt-remote-device-id"]


def test_functional_cookies_before_consent_are_fine():
    assert not by_kind(audit(scan([cookie("ASP.NET_SessionId", "www.voorbeeldstad.nl")])), "set-before-consent")


def test_unknown_cookie_takes_the_declared_purpose():
    """Where the rule set says unknown, the declared purpose decides: declared analytic -> set-before-consent."""
    observed = scan([cookie("stat_bezoek", "www.voorbeeldstad.nl", days=30)])
    analytic = audit(observed, declaration([declared("stat_bezoek", purpose="analytic")]))
    assert [f.cookies for f in by_kind(analytic, "set-before-consent")] == [["stat_bezoek"]]
    functional = audit(observed, declaration([declared("stat_bezoek", purpose="functional")]))
    assert functional.findings == []
    undeclared = audit(observed)
    assert [f.kind for f in undeclared.findings] == ["unknown-cookie"]  # not an accusation


def test_privacy_friendly_claim_downgrades_to_warning_with_the_claim_quoted():
    """A privacy-friendly analytics claim naming Google Analytics: the finding stays, as a warning, quoting the claim."""
    observed = scan([cookie("_ga", days=730), cookie("_fbp", days=90)], requests=[request(GA4_HIT)])
    claim = claims(analytics_privacy_friendly=True,
                   quotes=["Wij gebruiken Google Analytics privacyvriendelijk: IP-adressen worden gemaskeerd."])
    result = audit(observed, declaration([declared("_ga"), declared("_fbp")], claims=claim))
    found = {f.id: f for f in by_kind(result, "set-before-consent")}
    ga = found["set-before-consent:ga-client-id:before_consent"]
    assert ga.severity == "warning" and ga.evidence.details["privacy_friendly_claim"] is True
    assert "Google Analytics privacyvriendelijk" in ga.evidence.statement[0].text
    assert found["set-before-consent:host:google-analytics:before_consent"].severity == "warning"
    assert found["set-before-consent:meta-pixel-fbp:before_consent"].severity == "error"  # marketing is never exempt


def test_privacy_friendly_claim_for_another_vendor_does_not_cover_ga():
    observed = scan([cookie("_ga", days=730), cookie("_pk_id.1.ab12", days=395)])
    claim = claims(analytics_privacy_friendly=True, quotes=["Matomo is privacyvriendelijk ingesteld."])
    result = audit(observed, declaration([declared("_ga"), declared("_pk_id*", "glob")], claims=claim))
    severities = {f.cookies[0]: f.severity for f in by_kind(result, "set-before-consent")}
    assert severities == {"_ga": "error", "_pk_id.1.ab12": "warning"}


# -- set-after-reject ----------------------------------------------------------------------
def test_cookie_carried_over_from_before_the_refusal_counts_only_if_rewritten():
    """_ga written on the first page before the reject click: no finding; written again after it: an error."""
    carried = scan([cookie("_ga", phase="after_reject", days=730, seen=1, written=2)])
    assert not by_kind(audit(carried), "set-after-reject")
    rewritten = scan([cookie("_ga", phase="after_reject", days=730, seen=1, written=9)])
    assert [(f.severity, f.cookies) for f in by_kind(audit(rewritten), "set-after-reject")] == [("error", ["_ga"])]
    fresh = scan([cookie("_hjSessionUser_1", phase="after_reject", days=365, seen=9)])
    assert [f.cookies for f in by_kind(audit(fresh), "set-after-reject")] == [["_hjSessionUser_1"]]


def test_requests_after_the_refusal():
    before = scan(requests=[request(GA4_HIT, "after_reject", seen=2)])
    assert not by_kind(audit(before), "set-after-reject")
    after = scan(requests=[request(GA4_HIT, "after_reject", seen=8)])
    assert [f.hosts for f in by_kind(audit(after), "set-after-reject")] == [["region1.google-analytics.com"]]


def test_unverified_refusal_is_noted_in_set_after_reject():
    observed = scan([cookie("_ga", phase="after_reject", days=730, seen=9)],
                    banners={"after_reject": banner(verified=False, reason="no consent record appeared")})
    found = by_kind(audit(observed), "set-after-reject")
    assert found and found[0].evidence.details["banner_verified"] is False
    assert "could not be verified" in found[0].message


# -- the banner ----------------------------------------------------------------------------
def test_no_reject_option_only_when_every_layer_was_explored():
    """'no reject option' (no path at all) or a settings layer without refusal: no-reject-option with the steps."""
    first_layer_only = scan(banners={"after_reject": banner(verified=False, reason="no reject option", first_layer=False)})
    found = by_kind(audit(first_layer_only), "no-reject-option")
    assert [(f.severity, f.phase) for f in found] == [("error", "after_reject")]
    assert found[0].evidence.details["screenshot"] == "screenshots/banner.png"
    assert not by_kind(audit(first_layer_only), "reject-not-on-first-layer")
    steps = [{"action": "click", "text": "Instellingen", "ok": True},
             {"action": "wait-for", "text": "settings with a reject or save option", "ok": False,
              "error": "the settings showed no reject or save option"}]
    second = scan(banners={"after_reject": banner(verified=False, reason="could not complete the reject path",
                                                  first_layer=False, steps=steps)})
    assert by_kind(audit(second), "no-reject-option")[0].evidence.details["steps"] == steps


def test_unverified_click_is_consent_not_verified_not_no_reject_option():
    observed = scan(banners={"after_reject": banner(verified=False, reason="banner reappeared after it was answered")})
    result = audit(observed)
    assert not by_kind(result, "no-reject-option")
    found = by_kind(result, "consent-not-verified")
    assert [(f.severity, f.phase) for f in found] == [("warning", "after_reject")]
    assert "reappeared" in found[0].message
    assert not by_kind(audit(scan()), "consent-not-verified")


def test_reject_not_on_first_layer():
    second_layer = scan(banners={"after_reject": banner(first_layer=False)})
    assert [f.severity for f in by_kind(audit(second_layer), "reject-not-on-first-layer")] == ["warning"]
    assert not by_kind(audit(scan(banners={"after_reject": banner(first_layer=True)})), "reject-not-on-first-layer")


def test_no_banner_but_tracking():
    none_found = {"after_reject": banner(False, reason="no banner", action="reject"),
                  "after_accept": banner(False, reason="no banner", action="accept")}
    tracking = scan([cookie("_ga", days=730), cookie("_ga", phase="after_reject", days=730, seen=9)], banners=none_found)
    result = audit(tracking)
    found = by_kind(result, "no-banner-but-tracking")
    assert [(f.severity, f.cookies) for f in found] == [("error", ["_ga"])]
    assert not by_kind(result, "set-after-reject")  # nothing was refused
    functional_only = scan([cookie("ASP.NET_SessionId", "www.voorbeeldstad.nl")], banners=none_found)
    assert not by_kind(audit(functional_only), "no-banner-but-tracking")
    with_banner = scan([cookie("_ga", days=730)])
    assert not by_kind(audit(with_banner), "no-banner-but-tracking")


# -- claims ----------------------------------------------------------------------------------
def test_claim_only_functional_violated_per_phase():
    observed = scan([cookie("_ga", days=730), cookie("_ga", phase="after_accept", days=730),
                     cookie("ASP.NET_SessionId", "www.voorbeeldstad.nl")])
    result = audit(observed, declaration([declared("_ga")], claims=claims(only_purposes=["functional"])))
    found = by_kind(result, "claim-violated")
    assert sorted((f.id, tuple(f.cookies)) for f in found) == [
        ("claim-violated:only_purposes:after_accept", ("_ga",)), ("claim-violated:only_purposes:before_consent", ("_ga",))]
    assert found[0].evidence.statement[0].text == "Wij gebruiken alleen functionele cookies."
    fine = audit(scan([cookie("ASP.NET_SessionId", "www.voorbeeldstad.nl")]),
                 declaration([declared("ASP.NET_SessionId")], claims=claims(only_purposes=["functional"])))
    assert not by_kind(fine, "claim-violated")


def test_claims_excluded_all_session_and_consent_required():
    observed = scan([cookie("_fbp", days=90), cookie("_ga", phase="after_accept", days=730)],
                    requests=[request("https://www.facebook.com/tr?id=1")])
    decl = declaration([declared("_fbp"), declared("_ga")], claims=claims(
        excluded_purposes=["marketing"], all_session=True, consent_required_for=["analytic", "marketing"]))
    found = {f.id: f for f in by_kind(audit(observed, decl), "claim-violated")}
    assert set(found) == {"claim-violated:excluded_purposes:before_consent", "claim-violated:all_session:before_consent",
                          "claim-violated:all_session:after_accept", "claim-violated:consent_required_for:before_consent"}
    assert found["claim-violated:consent_required_for:before_consent"].hosts == ["www.facebook.com"]
    assert found["claim-violated:excluded_purposes:before_consent"].cookies == ["_fbp"]
    # analytics only after consent: the consent claim holds
    only_after = audit(scan([cookie("_ga", phase="after_accept", days=730)]),
                       declaration([declared("_ga")], claims=claims(consent_required_for=["analytic"])))
    assert not by_kind(only_after, "claim-violated")


# -- privacy-friendly analytics on the wire -----------------------------------------------
def _friendly():
    return claims(analytics_privacy_friendly=True, quotes=["Google Analytics is privacyvriendelijk ingesteld."])


def test_ua_hits_without_aip():
    without = scan(requests=[request(UA_HIT)])
    found = by_kind(audit(without, declaration(services=[service("Google Analytics")], claims=_friendly())),
                    "analytics-not-privacy-friendly")
    assert [(f.id, f.severity) for f in found] == [("analytics-not-privacy-friendly:ua-without-aip:before_consent", "warning")]
    assert "niet aan verzoeken te zien" in found[0].message  # the verdict is left to the reader where the wire cannot tell
    masked = scan(requests=[request(UA_HIT + "&aip=1")])
    assert not by_kind(audit(masked, declaration(claims=_friendly())), "analytics-not-privacy-friendly")
    assert not by_kind(audit(without, declaration()), "analytics-not-privacy-friendly")  # no claim, nothing to contradict


def test_ga4_consent_mode_and_advertising_features():
    granted = scan(requests=[request(GA4_HIT + "&gcs=G111")])
    found = by_kind(audit(granted, declaration(claims=_friendly())), "analytics-not-privacy-friendly")
    assert [f.id for f in found] == ["analytics-not-privacy-friendly:ads-storage-granted:before_consent"]
    assert found[0].evidence.details["gcs"] == ["G111"]
    denied = scan(requests=[request(GA4_HIT + "&gcs=G100")])
    assert not by_kind(audit(denied, declaration(claims=_friendly())), "analytics-not-privacy-friendly")
    ads = scan(requests=[request(GA4_HIT), request("https://stats.g.doubleclick.net/g/collect?v=2&tid=G-1")])
    assert [f.hosts for f in by_kind(audit(ads, declaration(claims=_friendly())), "analytics-not-privacy-friendly")] == [
        ["stats.g.doubleclick.net"]]
    with_consent = scan(requests=[request(GA4_HIT, "after_accept"),
                                  request("https://stats.g.doubleclick.net/g/collect?v=2", "after_accept")])
    assert not by_kind(audit(with_consent, declaration(claims=_friendly())), "analytics-not-privacy-friendly")


# -- statement-unreadable ------------------------------------------------------------------
def test_statement_unreadable():
    result = audit(scan([cookie("_ga", days=730)]), unreadable=[("https://www.voorbeeldstad.nl/privacy", "HTTP 404")])
    found = by_kind(result, "statement-unreadable")
    assert [(f.severity, f.evidence.details["source"]) for f in found] == [("warning", "https://www.voorbeeldstad.nl/privacy")]
    assert by_kind(result, "set-before-consent")  # the observed side is still audited
    assert not by_kind(audit(scan()), "statement-unreadable")
