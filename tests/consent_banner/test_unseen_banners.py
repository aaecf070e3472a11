"""Banners the engine had never seen (issue 13), one path each, in a real browser: settings
layers with pre-ticked switches of every kind, tabs, shadow roots (open and closed), banners
known only by text and position, the consent record told apart from tracking cookies, and a
refusal that must hold after a reload. Pages are the dev evaluation banners
(tests/fixtures/banners_eval/dev) or small pages written here."""

from __future__ import annotations

import pytest

import consent_banner
from tests.consent_banner.conftest import TRACKER_COOKIE, cookie_jar
from tests.testweb import html

pytestmark = pytest.mark.browser

def _steps(outcome, action):
    return [(s.text, s.ok) for s in outcome.steps if s.action == action]


def test_settings_layer_five_preticked_switches_are_each_switched_off_and_saved_by_a_link(visitor, dev_sites):
    """No refusal on the first layer: open "Voorkeuren", switch off each pre-ticked category (its
    checkbox hidden behind a styled track, clicked as a person would), leave "Noodzakelijk", then
    the "Opslaan" link. Every switch is a step with its label."""
    visitor.goto(dev_sites["nl-settings-five-preticked-save-link"])
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert _steps(outcome, "toggle-off") == [(label, True) for label in
                                             ("Voorkeuren", "Statistieken", "Marketing", "Sociale media", "Video")]
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Voorkeuren", "Opslaan"]
    assert outcome.preticked is True and outcome.reject_on_first_layer is False
    assert cookie_jar(visitor)["hb_cc"] == "nodig"  # only the necessary category stayed on
    assert TRACKER_COOKIE not in cookie_jar(visitor)
    assert "still refused after a reload" in outcome.verification


def test_settings_in_nested_open_shadow_roots_with_tabs_and_a_closing_button(visitor, dev_sites):
    """Toggle buttons (aria-pressed) in a component nested in the banner's shadow root, one per
    tab: each tab is opened, each toggle switched off, and "Sluiten" on the settings saves."""
    visitor.goto(dev_sites["nl-open-shadow-nested-toggles-close"])
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert [t for t, _ in _steps(outcome, "toggle-off")] == ["Analytische cookies", "Kaarten"]
    assert ("Kaarten", True) in _steps(outcome, "tab")  # the second tab was opened to find its toggle
    assert [s.text for s in outcome.steps if s.action == "click"][-1] == "Sluiten"
    assert visitor.evaluate("JSON.parse(localStorage.getItem('pd-consent'))") == {"analytics": False, "maps": False}


def test_custom_switch_whose_state_is_a_class(visitor, dev_sites):
    """German sticky bar: switches are spans whose class says on ("is-on"); the locked one stays."""
    visitor.goto(dev_sites["de-sticky-custom-switch-class"])
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert [t for t, ok in _steps(outcome, "toggle-off") if ok] == ["Statistik", "Komfort"]
    assert cookie_jar(visitor)["swl_zustimmung"] == "notwendig"


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_closed_shadow_root_banner_is_found_and_clicked_at_its_box(visitor, dev_sites, action):
    """A banner in a closed shadow root is seen through the DevTools protocol's pierced DOM and
    clicked with real mouse input; the page's attachShadow is left untouched."""
    visitor.goto(dev_sites["en-closed-shadow-fixed-cookie"])
    outcome = getattr(consent_banner, action)(visitor)
    assert outcome.detected and outcome.verified, outcome
    assert outcome.detection.in_shadow_dom
    assert cookie_jar(visitor)["hdc_cookie_pref"] == ("all" if action == "accept" else "essential")
    assert (TRACKER_COOKIE in cookie_jar(visitor)) == (action == "accept")
    assert visitor.evaluate("Element.prototype.attachShadow.toString()").endswith("{ [native code] }")


@pytest.mark.parametrize("fixture, text", [
    ("nl-absolute-bottom-span-controls", "Nee, niet toestaan"),  # position: absolute at the bottom, span controls
    ("cookies-eu-banner-links-localstorage", "Weigeren"),        # a strip at the top in the normal flow, links
])
def test_banners_known_only_by_text_and_position(visitor, dev_sites, fixture, text):
    visitor.goto(dev_sites[fixture])
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert [s.text for s in outcome.steps if s.action == "click"] == [text]


def test_late_banner_behind_a_tcf_stub_and_the_tcf_state_confirms_the_refusal(visitor, dev_sites):
    """The TCF stub is a signal to wait (the banner comes at 3 s); TCF then reports the refusal."""
    visitor.goto(dev_sites["tcf-stub-late-banner"])
    outcome = consent_banner.reject(visitor, timeout=8)
    assert outcome.verified, outcome
    assert "with no purpose consented" in outcome.verification


# -- verification: the record, the CMP's state, a reload --------------------------------------------
BAR = """<div id="bar" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:12px">
<p>Wij gebruiken cookies om het gebruik van de website te meten.</p>
<button id="ja">Accepteren</button> <button id="nee">Weigeren</button></div>
<script>
var bar = document.getElementById('bar');
function tracker() { var s = document.createElement('script'); s.src = 'https://stats.meetbureau-voorbeeld.nl/collect.js'; document.head.appendChild(s); }
SCRIPT
</script>"""


def _bar_site(testweb, host: str, script: str) -> str:
    testweb.route(host, "/", html(BAR.replace("SCRIPT", script), title="Gemeente Proef"))
    return f"https://{host}/"


def test_a_tracking_cookie_set_on_the_click_is_not_taken_for_the_consent_record(visitor, testweb, tracker):
    """On accept the site writes an A/B-testing cookie and its own record: the verification names
    the record, never the analytic cookie."""
    url = _bar_site(testweb, "www.abtest-proef.nl", """
document.getElementById('ja').onclick = function () {
  document.cookie = '_vis_opt_test_cookie=1; path=/'; document.cookie = 'gp_keuze=ja; path=/'; bar.remove(); tracker(); };
document.getElementById('nee').onclick = function () { document.cookie = 'gp_keuze=nee; path=/'; bar.remove(); };""")
    visitor.goto(url)
    outcome = consent_banner.accept(visitor)
    assert outcome.verified, outcome
    assert "cookie gp_keuze (new on the click, not a tracking cookie)" in outcome.verification
    assert "_vis_opt_test_cookie" not in outcome.verification
    assert any(s.action == "wait" and "_ga" in (s.text or "") for s in outcome.steps)  # waited for the gated tag


def test_only_a_tracking_cookie_on_the_click_is_no_record(visitor, testweb, tracker):
    url = _bar_site(testweb, "www.alleen-ab-proef.nl", """
document.getElementById('ja').onclick = function () { document.cookie = '_vis_opt_test_cookie=1; path=/'; bar.remove(); };
document.getElementById('nee').onclick = function () { bar.remove(); };""")
    visitor.goto(url)
    outcome = consent_banner.accept(visitor)
    assert not outcome.verified and outcome.reason == "banner gone but no consent record was written"


def test_refusal_that_does_not_hold_after_a_reload_is_not_verified(visitor, testweb, tracker):
    """The site records "nee" but loads its tracker on the next page view anyway."""
    url = _bar_site(testweb, "www.lek-proef.nl", """
if (/gp_keuze=/.test(document.cookie)) { bar.remove(); tracker(); }
document.getElementById('nee').onclick = function () { document.cookie = 'gp_keuze=nee; path=/'; bar.remove(); };
document.getElementById('ja').onclick = function () { document.cookie = 'gp_keuze=ja; path=/'; bar.remove(); tracker(); };""")
    visitor.goto(url)
    outcome = consent_banner.reject(visitor)
    assert not outcome.verified
    assert outcome.reason == f"after a reload, new tracking cookies: {TRACKER_COOKIE}"
    assert any(s.action == "reload" for s in outcome.steps)


def test_banner_that_comes_back_after_a_refusal_is_caught(visitor, testweb, tracker):
    """The refusal is kept in a variable only: after a reload the banner is there again."""
    url = _bar_site(testweb, "www.vergeet-proef.nl", """
document.getElementById('nee').onclick = function () { window.__keuze = 'nee'; sessionStorage.clear(); bar.remove(); };
document.getElementById('ja').onclick = function () { document.cookie = 'gp_keuze=ja; path=/'; bar.remove(); tracker(); };""")
    visitor.goto(url)
    outcome = consent_banner.reject(visitor)
    assert not outcome.verified
    # either no record at all, or (had it written one) the banner back after the reload
    assert outcome.reason in ("banner gone but no consent record was written", "banner shown again after a reload")


def test_refusal_contradicted_by_consent_mode_is_not_verified(visitor, testweb, tracker):
    """"Weigeren" that sends a consent-mode update "granted" is not a refusal."""
    url = _bar_site(testweb, "www.consentmode-proef.nl", """
window.dataLayer = window.dataLayer || [];
dataLayer.push(['consent', 'default', {analytics_storage: 'denied', ad_storage: 'denied'}]);
document.getElementById('nee').onclick = function () {
  document.cookie = 'gp_keuze=nee; path=/'; dataLayer.push(['consent', 'update', {analytics_storage: 'granted'}]); bar.remove(); };
document.getElementById('ja').onclick = function () { document.cookie = 'gp_keuze=ja; path=/'; bar.remove(); };""")
    visitor.goto(url)
    outcome = consent_banner.reject(visitor)
    assert not outcome.verified
    assert outcome.reason == "consent mode updated to granted (analytics_storage) after the refusal"


def test_more_information_button_opens_the_settings_when_nothing_else_refuses(visitor, testweb, tracker):
    """Only "Akkoord" and a "Meer informatie" *button* (not a link): that button opens the settings."""
    testweb.route("www.meerinfo-proef.nl", "/", html("""
<div id="c" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:12px">
 <div id="l1"><p>Deze website gebruikt cookies voor statistieken.</p>
  <button id="ok">Akkoord</button> <button id="info">Meer informatie</button></div>
 <div id="l2" hidden><p>Cookievoorkeuren</p><label>Statistieken <input type="checkbox" id="st" checked></label>
  <button id="save">Voorkeuren opslaan</button></div></div>
<script>
var c = document.getElementById('c');
document.getElementById('ok').onclick = function () { document.cookie = 'mi_keuze=alles; path=/'; c.remove(); };
document.getElementById('info').onclick = function () { document.getElementById('l1').hidden = true; document.getElementById('l2').hidden = false; };
document.getElementById('save').onclick = function () {
  document.cookie = 'mi_keuze=' + (document.getElementById('st').checked ? 'alles' : 'noodzakelijk') + '; path=/'; c.remove(); };
</script>""", title="Meer info"))
    visitor.goto("https://www.meerinfo-proef.nl/")
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert cookie_jar(visitor)["mi_keuze"] == "noodzakelijk"
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Meer informatie", "Voorkeuren opslaan"]


def test_radio_pairs_per_category_are_set_to_no(visitor, testweb, tracker):
    """Settings with a yes/no radio pair per category, "ja" pre-selected: each is set to "nee"."""
    testweb.route("www.radio-proef.nl", "/", html("""
<div id="c" role="dialog" style="position:fixed;inset:20% 20%;background:#fff;padding:12px">
 <p>Wij gebruiken cookies. Kies per soort.</p>
 <fieldset><legend>Statistieken</legend><label><input type="radio" name="st" value="ja" checked> Ja</label>
  <label><input type="radio" name="st" value="nee"> Nee</label></fieldset>
 <fieldset><legend>Marketing</legend><label><input type="radio" name="mk" value="ja" checked> Ja</label>
  <label><input type="radio" name="mk" value="nee"> Nee</label></fieldset>
 <button id="save">Keuze opslaan</button> <button id="all">Alles accepteren</button></div>
<script>
var c = document.getElementById('c');
function v(n) { return document.querySelector('input[name=' + n + ']:checked').value; }
document.getElementById('save').onclick = function () { document.cookie = 'rp=' + v('st') + '-' + v('mk') + '; path=/'; c.remove(); };
document.getElementById('all').onclick = function () { document.cookie = 'rp=ja-ja; path=/'; c.remove(); };
</script>""", title="Radio"))
    visitor.goto("https://www.radio-proef.nl/")
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert cookie_jar(visitor)["rp"] == "nee-nee"


SETTINGS_ONLY = """<h1>Gemeente Keuzeland</h1>
<div id="balk" role="region" aria-label="Cookies" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:16px;border-top:2px solid #333">
<p>Wij gebruiken cookies. Kies zelf welke cookies u toestaat.</p><button id="kies">Cookie-instellingen</button></div>
<div id="laag" role="dialog" aria-modal="true" hidden style="position:fixed;top:10%;left:20%;right:20%;background:#fff;padding:16px;border:2px solid #333">
<h2>Cookie-instellingen</h2>
<label><input type="checkbox" checked disabled> Noodzakelijke cookies</label><br>
<label><input type="checkbox" id="stat"> Statistische cookies</label><br>
<label><input type="checkbox" id="mkt"> Marketingcookies</label><br>
<button id="opslaan">Keuze opslaan</button></div>
<script>
document.getElementById("kies").addEventListener("click", function () { document.getElementById("laag").hidden = false; });
document.getElementById("opslaan").addEventListener("click", function () {
  var stat = document.getElementById("stat").checked, mkt = document.getElementById("mkt").checked;
  document.cookie = "kl_keuze=stat:" + (stat ? 1 : 0) + "|mkt:" + (mkt ? 1 : 0) + "; path=/";
  document.getElementById("balk").remove(); document.getElementById("laag").remove();
});
</script>"""


@pytest.mark.parametrize("action, record", [("accept", "stat:1|mkt:1"), ("reject", "stat:0|mkt:0")])
def test_a_banner_whose_only_option_is_its_settings_is_accepted_by_ticking_every_category(visitor, testweb, action, record):
    """Only "Cookie-instellingen" on the first layer, unticked boxes and "Keuze opslaan" on the
    settings: accepting ticks each category (a step each) and saves; refusing saves them unticked."""
    testweb.route("www.keuzeland-proefdorp.nl", "/", html(SETTINGS_ONLY, title="Keuzeland"))
    visitor.goto("https://www.keuzeland-proefdorp.nl/")
    outcome = getattr(consent_banner, action)(visitor)
    assert outcome.verified, outcome
    assert cookie_jar(visitor)["kl_keuze"] == record
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Cookie-instellingen", "Keuze opslaan"]
    if action == "accept":
        assert _steps(outcome, "toggle-on") == [("Statistische cookies", True), ("Marketingcookies", True)]
