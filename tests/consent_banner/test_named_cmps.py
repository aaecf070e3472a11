"""Named CMPs: fake sites that reproduce each platform's banner are detected, accepted and rejected."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

import consent_banner
from tests.consent_banner.conftest import TRACKER_COOKIE, cookie_jar, fake_cmp_script, serve_site
from tests.testweb import Response

pytestmark = pytest.mark.browser

# cmp id → (URL its script is served from, consent cookie, text in it after accept, after reject)
CMPS = {
    "cookiebot": ("https://consent.cookiebot.com/uc.js", "CookieConsent", "marketing:true", "marketing:false"),
    "onetrust": ("https://cdn.cookielaw.org/scripttemplates/otSDKStub.js", "OptanonConsent", "C0004:1", "C0004:0"),
    "cookieyes": ("https://cdn-cookieyes.com/client_data/0a1b2c/script.js", "cookieyes-consent",
                  "advertisement:yes", "advertisement:no"),
    "usercentrics": ("https://web.cmp.usercentrics.eu/ui/loader.js", "uc_user_interaction", "true", "true"),
    "complianz": ("https://www.complianz.proefsite.nl/wp-content/plugins/complianz-gdpr/cookiebanner/js/complianz.min.js",
                  "cmplz_marketing", "allow", "deny"),
}


@pytest.fixture(scope="module")
def sites(testweb, tracker):
    """One fake site per CMP, keyed by CMP id."""
    urls = {}
    for cmp, (script_url, *_rest) in CMPS.items():
        urls[cmp] = serve_site(testweb, f"www.{cmp}.proefsite.nl", script_url, fake_cmp_script(f"{cmp}.js"))
    testweb.route("cdn.privacy-mgmt.com", "/index.html", Response((FIXTURES_DIR / "sourcepoint-message.html").read_text()))
    urls["sourcepoint"] = serve_site(testweb, "www.sourcepoint.proefsite.nl",
                                     "https://cdn.privacy-mgmt.com/unified/wrapperMessagingWithoutDetection.js",
                                     Response((FIXTURES_DIR / "sourcepoint.js").read_text(), content_type="application/javascript"))
    return urls


from tests.consent_banner.conftest import FIXTURES as FIXTURES_DIR  # noqa: E402

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
    assert outcome.screenshot and open(outcome.screenshot, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
