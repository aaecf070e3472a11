"""Custom banners (no known CMP): found by the heuristic, answered by their words, in NL/EN/DE."""

from __future__ import annotations

import json

import pytest

import consent_banner
from tests.consent_banner.conftest import TRACKER_COOKIE, cookie_jar

pytestmark = pytest.mark.browser

@pytest.mark.parametrize("action, value", [("accept", "ja"), ("reject", "nee")])
def test_dutch_municipal_bar_is_answered_and_its_more_information_link_never_followed(page, testweb, custom_sites, action, value):
    """A plain Dutch bar: Accepteren/Weigeren by their words; "Meer informatie" is seen but not clicked."""
    page.goto(custom_sites["www.proefdorp.nl"])
    outcome = getattr(consent_banner, action)(page)
    assert outcome.verified, outcome
    assert outcome.cmp == "generic" and outcome.detection.method == "generic-heuristic"
    assert cookie_jar(page)["cookie_toestemming"] == value
    assert (TRACKER_COOKIE in cookie_jar(page)) == (action == "accept")
    roles = {b.role: b for b in outcome.detection.buttons}
    assert roles["more-info"].text == "Meer informatie" and roles["more-info"].href.endswith("/privacyverklaring")
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Accepteren" if action == "accept" else "Weigeren"]
    assert outcome.reject_on_first_layer is True and outcome.clicks == 1
    assert outcome.final_url == custom_sites["www.proefdorp.nl"]
    assert not [r for r in testweb.requests_to("www.proefdorp.nl") if r.path == "/privacyverklaring"]


def test_dutch_banner_detection_reports_text_selector_and_buttons(page, custom_sites):
    """detect() describes the banner without touching it."""
    page.goto(custom_sites["www.proefdorp.nl"])
    detection = consent_banner.detect(page)
    assert detection.found and detection.cmp == "generic"
    assert detection.text.startswith("Wij gebruiken cookies om de website te verbeteren")
    assert detection.selector == "div.cookiemelding"
    assert [(b.role, b.text) for b in detection.buttons] == [
        ("accept", "Accepteren"), ("reject", "Weigeren"), ("more-info", "Meer informatie")]
    assert page.locator(".cookiemelding").is_visible()


@pytest.mark.parametrize("action, analytics", [("accept", True), ("reject", False)])
def test_english_dialog_stores_choice_in_local_storage(page, custom_sites, action, analytics):
    """An English <dialog>: "Accept all cookies" / "Necessary cookies only", recorded in localStorage."""
    page.goto(custom_sites["www.eastfield.gov.uk"])
    outcome = getattr(consent_banner, action)(page)
    assert outcome.verified, outcome
    assert "localStorage cookie-preferences" in outcome.verification
    stored = json.loads(page.evaluate("localStorage.getItem('cookie-preferences')"))
    assert stored["analytics"] is analytics
    assert (TRACKER_COOKIE in cookie_jar(page)) == analytics


def test_late_banner_is_waited_for(page, custom_sites):
    """A banner drawn 2.5 s after load is still found and answered within the timeout."""
    page.goto(custom_sites["www.bibliotheekproefdorp.nl"])
    outcome = consent_banner.reject(page, timeout=6)
    assert outcome.verified, outcome
    assert cookie_jar(page)["cookiebar"] == "declined"
    assert outcome.steps[0].text == "Niet akkoord"


def test_banner_without_reject_option(page, custom_sites):
    """Only "Akkoord": reject is not verified, says why, and nothing was clicked (not even "Lees meer")."""
    page.goto(custom_sites["www.sportclub-proefdorp.nl"])
    outcome = consent_banner.reject(page)
    assert outcome.detected and not outcome.verified
    assert outcome.reason == "no reject option"
    assert outcome.reject_on_first_layer is False
    assert outcome.steps == [] and outcome.clicks == 0
    assert "cookies_ok" not in cookie_jar(page)
    assert page.url == custom_sites["www.sportclub-proefdorp.nl"]
    assert page.locator("#cookie-notice").is_visible()


def test_banner_without_reject_option_can_still_be_accepted(page, custom_sites):
    """The same banner's "Akkoord" accepts."""
    page.goto(custom_sites["www.sportclub-proefdorp.nl"])
    outcome = consent_banner.accept(page)
    assert outcome.verified and cookie_jar(page)["cookies_ok"] == "1"


def test_reject_through_settings_switches_off_preticked_boxes(page, custom_sites):
    """No first-layer reject: open "Cookie-instellingen", untick the pre-ticked boxes, save."""
    page.goto(custom_sites["www.waterschap-proefland.nl"])
    outcome = consent_banner.reject(page)
    assert outcome.verified, outcome
    assert outcome.reject_on_first_layer is False and outcome.preticked is True
    # settings, each pre-ticked box switched off (a step with its label each), save, then the reload check
    assert [s.action for s in outcome.steps] == ["click", "toggle-off", "toggle-off", "click", "reload"]
    assert all(s.ok for s in outcome.steps)
    assert outcome.clicks == 4  # settings, two boxes, save
    assert json.loads(__import__("urllib.parse").parse.unquote(cookie_jar(page)["cc_voorkeuren"])) == {
        "statistieken": False, "media": False}
    assert TRACKER_COOKIE not in cookie_jar(page)


@pytest.mark.parametrize("action, value", [("accept", "alle"), ("reject", "keine")])
def test_german_banner_in_shadow_dom(page, custom_sites, action, value):
    """A web component's open shadow root: found, buttons read in German, clicked through the shadow root."""
    page.goto(custom_sites["www.stadtwerke-probstadt.de"])
    outcome = getattr(consent_banner, action)(page)
    assert outcome.verified, outcome
    assert outcome.detection.in_shadow_dom
    assert cookie_jar(page)["zustimmung"] == value


def test_page_without_banner(page, custom_sites):
    """No banner: detection says so and accept/reject return an outcome, never an exception."""
    page.goto(custom_sites["www.rustig-proefdorp.nl"])
    assert consent_banner.detect(page, timeout=0.5).found is False
    outcome = consent_banner.reject(page, timeout=0.5)
    assert not outcome.detected and not outcome.verified
    assert outcome.reason == "no banner" and outcome.steps == []
