"""Named CMPs: fake sites that reproduce each platform's banner are detected, accepted and rejected."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

import consent_banner
from tests.consent_banner.conftest import FIXTURES, TRACKER_COOKIE, cookie_jar, fake_cmp_script, serve_site
from tests.testweb import Response

pytestmark = pytest.mark.browser

# cmp id → (URL its script is served from, consent cookie, text in it after accept, after reject)
CMPS = {
    "axeptio": ("https://static.axept.io/sdk.js", "axeptio_authorized_vendors", ",google_analytics,", ",,"),
    "borlabs": ("https://www.borlabs.proefsite.nl/wp-content/plugins/borlabs-cookie/assets/javascript/borlabs-cookie.min.js",
                "borlabs-cookie", '"statistics"', '"essential":["borlabs-cookie"]}'),
    "civic-cookie-control": ("https://cc.cdn.civiccomputing.com/9/cookieControl-9.x.min.js", "CookieControl",
                             '"analytics":"accepted"', '"analytics":"revoked"'),
    "complianz": ("https://www.complianz.proefsite.nl/wp-content/plugins/complianz-gdpr/cookiebanner/js/complianz.min.js",
                  "cmplz_marketing", "allow", "deny"),
    "consentmanager": ("https://cdn.consentmanager.net/delivery/js/cmp_final.min.js", "__cmpconsentx47472", "_1", "_0"),
    "cookie-notice": ("https://www.cookie-notice.proefsite.nl/wp-content/plugins/cookie-notice/js/front.min.js",
                      "cookie_notice_accepted", "true", "false"),
    "cookie-script": ("https://cdn.cookie-script.com/s/0a1b2c3d4e5f.js", "CookieScriptConsent",
                      '"action":"accept"', '"action":"reject"'),
    "cookiebot": ("https://consent.cookiebot.com/uc.js", "CookieConsent", "marketing:true", "marketing:false"),
    "cookiefirst": ("https://consent.cookiefirst.com/sites/proefsite.nl-0a1b/consent.js", "cookiefirst-consent",
                    '"advertising":true', '"advertising":false'),
    "cookieyes": ("https://cdn-cookieyes.com/client_data/0a1b2c/script.js", "cookieyes-consent",
                  "advertisement:yes", "advertisement:no"),
    "didomi": ("https://sdk.privacy-center.org/0a1b2c3d/loader.js", "euconsent-v2", "CPfakeAAAA", "CPfakeBBBB"),
    "funding-choices": ("https://fundingchoicesmessages.google.com/i/pub-1234567890?ers=1", "FCCDCF", "CPfakeAAAA", "CPfakeBBBB"),
    "iubenda": ("https://cdn.iubenda.com/cs/iubenda_cs.js", "_iub_cs-12345678", '"4":true', '"4":false'),
    "onetrust": ("https://cdn.cookielaw.org/scripttemplates/otSDKStub.js", "OptanonConsent", "C0004:1", "C0004:0"),
    "osano": ("https://cmp.osano.com/AzZfake/0a1b/osano.js", "osano_consentmanager", "fakeAccept", "fakeReject"),
    "quantcast": ("https://cmp.inmobi.com/choice/AbCdEf/www.quantcast.proefsite.nl/choice.js", "euconsent-v2",
                  "CPfakeAAAA", "CPfakeBBBB"),
    "trustarc": ("https://consent.trustarc.com/notice?domain=proefsite.nl&c=teconsent", "notice_preferences", "2:", "0:"),
    "usercentrics": ("https://web.cmp.usercentrics.eu/ui/loader.js", "uc_user_interaction", "true", "true"),
}
# CMPs whose fixture implements the IAB TCF v2 API
TCF = {"didomi", "quantcast", "consentmanager", "funding-choices"}
# CMPs configured here without a first-layer reject: settings → reject / untick → save
SECOND_LAYER_REJECT = {"cookieyes", "quantcast", "cookie-script"}


@pytest.fixture(scope="module")
def sites(testweb, tracker):
    """One fake site per CMP, keyed by CMP id."""
    urls = {}
    for cmp, (script_url, *_rest) in CMPS.items():
        urls[cmp] = serve_site(testweb, f"www.{cmp}.proefsite.nl", script_url, fake_cmp_script(f"{cmp}.js"))
    testweb.route("cdn.privacy-mgmt.com", "/index.html", Response((FIXTURES / "sourcepoint-message.html").read_text()))
    urls["sourcepoint"] = serve_site(testweb, "www.sourcepoint.proefsite.nl",
                                     "https://cdn.privacy-mgmt.com/unified/wrapperMessagingWithoutDetection.js",
                                     Response((FIXTURES / "sourcepoint.js").read_text(), content_type="application/javascript"))
    return urls


EXPECTED = {**CMPS, "sourcepoint": (None, "euconsent-v2", "CPfakeAAAA", "CPfakeBBBB")}


@pytest.mark.parametrize("action", ["accept", "reject"])
@pytest.mark.parametrize("cmp", sorted(EXPECTED))
def test_named_cmp_is_answered_with_the_right_cookies(page, sites, cmp, action, tmp_path):
    """Each CMP is recognised by id, answered, verified, and the tracker runs only after accept."""
    page.goto(sites[cmp])
    outcome = getattr(consent_banner, action)(page, screenshot_dir=tmp_path)
    assert outcome.detected and outcome.cmp == cmp, outcome
    assert outcome.verified, outcome
    _, cookie, after_accept, after_reject = EXPECTED[cmp]
    jar = cookie_jar(page)
    assert (after_accept if action == "accept" else after_reject) in unquote(jar[cookie])
    assert (TRACKER_COOKIE in jar) == (action == "accept")
    assert outcome.clicks >= 1 and outcome.steps[-1].ok
    assert outcome.reject_on_first_layer is (cmp not in SECOND_LAYER_REJECT)
    if action == "reject" and cmp in SECOND_LAYER_REJECT:
        assert outcome.clicks >= 2 and len(outcome.steps) >= 2
    assert outcome.screenshot and open(outcome.screenshot, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    if cmp in TCF:
        assert outcome.tcf["tcStringPresent"] and outcome.tcf["purposeConsents"]["1"] is (action == "accept")
        assert "TCF consent string" in outcome.verification
