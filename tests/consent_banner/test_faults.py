"""Faults: navigation, a banner that comes back, a CMP script that 404s, a frame that detaches, early clicks."""

from __future__ import annotations

import pytest

import consent_banner
from tests.consent_banner.conftest import FIXTURES, cookie_jar, fake_cmp_script, serve_site
from tests.testweb import Response, html

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fault_sites(testweb, tracker):
    """Sites that misbehave."""
    for host, name in {"www.webwinkel-proefdorp.nl": "navigates-nl.html", "www.camping-proefdorp.nl": "reappears-nl.html"}.items():
        testweb.route(host, "/", Response((FIXTURES / "custom" / name).read_text(encoding="utf-8")))
    testweb.route("www.webwinkel-proefdorp.nl", "/welkom", html("<h1>Welkom!</h1>"))
    # A consentmanager.net script that is not there.
    testweb.route("www.bakkerij-proefdorp.nl", "/", html(
        '<h1>Bakkerij</h1><script src="https://cdn.consentmanager.net/delivery/autoblocking/5f3e2a1b.js"></script>'))
    # A first-party copy of a Sourcepoint message whose frame removes itself as the mouse goes down.
    testweb.route("www.krant-proefdorp.nl", "/sp/index.html", Response((FIXTURES / "sourcepoint-message.html").read_text()))
    testweb.route("www.krant-proefdorp.nl", "/sp/wrapper.js", Response(
        'window.spMessageUrl = "/sp/index.html?message_id=903655&detach=1";\n' + (FIXTURES / "sourcepoint.js").read_text(),
        content_type="application/javascript"))
    testweb.route("www.krant-proefdorp.nl", "/", html('<h1>Krant</h1><script src="/sp/wrapper.js"></script>'))
    # tarteaucitron whose handlers are not attached yet at the first click: that click is lost, however
    # late it comes (a time window alone let a loaded machine's first click arrive after it).
    late = fake_cmp_script("tarteaucitron.js")
    late.body = late.body.replace("ignoreClicksFor: 1800,", "ignoreFirstClicks: 1,")
    assert "ignoreFirstClicks" in late.body
    serve_site(testweb, "www.tarteaucitron.proefsite.nl", "https://tarteaucitron.io/load.js?domain=proefsite.nl", late)
    return {"navigates": "https://www.webwinkel-proefdorp.nl/", "reappears": "https://www.camping-proefdorp.nl/",
            "missing-script": "https://www.bakkerij-proefdorp.nl/", "detaches": "https://www.krant-proefdorp.nl/",
            "slow-handlers": "https://www.tarteaucitron.proefsite.nl/"}


def test_click_that_navigates_away(page, fault_sites):
    """Accepting sends the visitor to another page: the outcome says so instead of raising."""
    page.goto(fault_sites["navigates"])
    outcome = consent_banner.accept(page)
    assert outcome.detected and not outcome.verified
    assert outcome.reason.startswith("navigation: the click led away to https://www.webwinkel-proefdorp.nl/welkom")
    assert outcome.final_url.endswith("/welkom?bron=cookiewall")
    assert cookie_jar(page)["consent"] == "yes"


def test_click_that_reloads_the_same_page_is_verified(page, fault_sites):
    """Rejecting reloads the page; the banner is gone after the reload and the record is there."""
    page.goto(fault_sites["navigates"])
    outcome = consent_banner.reject(page)
    assert outcome.verified, outcome
    assert cookie_jar(page)["consent"] == "no"


def test_banner_that_reappears(page, fault_sites):
    """A banner that draws itself again after the answer is not verified."""
    page.goto(fault_sites["reappears"])
    outcome = consent_banner.reject(page)
    assert not outcome.verified
    # It comes back 300 ms after the answer: a loaded machine's first look after the click may
    # already find it back (never seen gone); either way the answer is not taken as verified.
    assert outcome.reason in ("banner reappeared after it was answered", "banner still visible after clicking")
    assert outcome.steps[0].ok and outcome.steps[0].text == "Alles weigeren"


def test_cmp_script_that_fails_to_load(page, fault_sites):
    """A CMP whose script 404s: no banner, and the reason names the failed script."""
    page.goto(fault_sites["missing-script"])
    outcome = consent_banner.accept(page, timeout=1)
    assert not outcome.detected
    assert outcome.detection.cmp == "consentmanager" and outcome.detection.method == "script-host"
    assert outcome.reason == ("no banner: consentmanager.net script failed to load or did not run "
                              "(https://cdn.consentmanager.net/delivery/autoblocking/5f3e2a1b.js)")


def test_frame_detached_mid_click(page, fault_sites):
    """The banner's iframe disappears under the mouse: the outcome says so."""
    page.goto(fault_sites["detaches"])
    outcome = consent_banner.reject(page)
    assert outcome.detected and outcome.detection.in_iframe
    assert not outcome.verified
    assert outcome.reason.startswith("frame detached mid-click")
    assert "euconsent-v2" not in cookie_jar(page)


def test_banner_that_ignores_early_clicks_is_clicked_again(page, fault_sites):
    """tarteaucitron-style late handlers: the first click is lost, the second one counts."""
    page.goto(fault_sites["slow-handlers"])
    outcome = consent_banner.accept(page)
    assert outcome.verified, outcome
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Tout accepter", "Tout accepter"]
    assert "!gtag=true" in cookie_jar(page)["tarteaucitron"]


BLOCKING_BANNER = """<h1>Gemeente Vastloop</h1>
<div id="melding" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:16px;border-top:2px solid #333">
<p>Wij gebruiken cookies om onze website te verbeteren.</p>
<button id="ja">Accepteren</button> <button id="nee">Weigeren</button></div>
<script>
// Refusing asks the server synchronously, and the server never answers in time: the page's main
// thread is blocked, so the click and every look at the page after it get no answer.
document.getElementById("nee").addEventListener("click", function () {
  var request = new XMLHttpRequest();
  request.open("POST", "/toestemming", false);
  request.send("nee");
  document.getElementById("melding").remove();
});
document.getElementById("ja").addEventListener("click", function () {
  document.cookie = "vl_cookies=ja; path=/"; document.getElementById("melding").remove();
});
</script>"""


def test_an_operation_that_never_answers_ends_the_phase_with_a_reason(page, testweb, monkeypatch):
    """The page blocks in a synchronous request as the reject is clicked: the operations on it get
    no answer; each has a budget, so reject() returns (not verified, the reason says what timed out)
    instead of hanging. Without the budget this waits the whole minute the server takes, then is verified."""
    testweb.route("www.vastloop-proefdorp.nl", "/", html(BLOCKING_BANNER, title="Vastloop"))
    testweb.route("www.vastloop-proefdorp.nl", "/toestemming", Response("ok", content_type="text/plain", delay=60))
    monkeypatch.setattr(consent_banner.ops, "OP_BUDGET_S", 10.0)
    page.goto("https://www.vastloop-proefdorp.nl/")
    outcome = consent_banner.reject(page)
    assert outcome.detected and not outcome.verified
    assert "timed out after" in outcome.reason, outcome.reason
    assert outcome.reason.startswith("the browser gave no answer") or "; the browser gave no answer" in outcome.reason
