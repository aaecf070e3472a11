"""Issue 13, sixth round, in a real browser: first-layer refusals without a refusal button — a
"save selection" pressed with every optional category off as the site shows it, and an icon-only
"×" the banner's own text says refuses — recorded with their evidence; a "×" that only hides a
panel stays no refusal."""

from __future__ import annotations

import pytest

import consent_banner
from tests.consent_banner.conftest import TRACKER_COOKIE, cookie_jar
from tests.testweb import html

pytestmark = pytest.mark.browser

def test_save_selection_with_every_box_off_is_a_first_layer_refusal(visitor, dev_sites):
    """A Cookie Information-style popup: its category boxes are off as the site shows them, so
    "Accepteer geselecteerde" is its refusal in one click; the evidence names the boxes."""
    visitor.goto(dev_sites["hb5-nl-cookieinformation-like-geselecteerde"])
    detection = consent_banner.detect(visitor)
    assert detection.found and not detection.buttons_with("reject"), detection
    assert "Accepteer geselecteerde" in detection.first_layer_refusal
    assert "Statistiek" in detection.first_layer_refusal and "Marketing" in detection.first_layer_refusal
    outcome = consent_banner.reject(visitor)
    assert outcome.verified and outcome.reject_on_first_layer is True, outcome
    assert outcome.clicks == 1 and [s.text for s in outcome.steps if s.action == "click"] == ["Accepteer geselecteerde"]
    checked = [s.text for s in outcome.steps if s.action == "check"]
    assert checked and "Statistiek" in checked[0] and checked[0].startswith("already off:"), outcome.steps
    assert TRACKER_COOKIE not in cookie_jar(visitor)


def test_a_close_icon_the_banner_says_refuses_is_a_first_layer_refusal(visitor, dev_sites):
    """An icon-only "×" (aria-label "Sluiten") under a text saying that closing means necessary
    cookies only: the "×" is the refusal, pressed on the first layer."""
    visitor.goto(dev_sites["hb5-nl-kruisje-is-weigeren"])
    detection = consent_banner.detect(visitor)
    assert [b.text for b in detection.buttons_with("reject")] == ["Sluiten"], detection
    assert "alleen noodzakelijke cookies" in detection.first_layer_refusal
    outcome = consent_banner.reject(visitor)
    assert outcome.verified and outcome.reject_on_first_layer is True, outcome
    assert outcome.clicks == 1 and [s.text for s in outcome.steps if s.action == "click"] == ["Sluiten"]
    assert cookie_jar(visitor)["anker_cookies"] == "noodzakelijk"
    assert TRACKER_COOKIE not in cookie_jar(visitor)


def test_a_close_icon_that_only_hides_the_panel_is_no_refusal(visitor, dev_sites):
    """A Civic-style side panel: its "×" hides the panel and answers nothing; the refusal is
    "Ik ga niet akkoord"."""
    visitor.goto(dev_sites["hb5-nl-civic-like-zijpaneel-schuifje"])
    detection = consent_banner.detect(visitor)
    assert [b.text for b in detection.buttons_with("reject")] == ["Ik ga niet akkoord"], detection
    assert [b.text for b in detection.buttons_with("close")] == ["Sluiten"]
    assert detection.first_layer_refusal is None
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Ik ga niet akkoord"]


# -- a settings link that opens a new tab ---------------------------------------------------------
BLANK_HOME = """<h1>Gemeente Nieuwtab</h1>
<div id="bar" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:16px;border-top:2px solid #333">
 <p>Wij gebruiken cookies voor statistieken.</p><button id="ok">Ik ga akkoord</button>
 <a href="/cookies/instellingen" target="_blank" rel="noopener">Wijzig instellingen</a></div>
<script>
if (/nt_keuze=/.test(document.cookie)) document.getElementById("bar").remove();
document.getElementById("ok").onclick = function () { document.cookie = "nt_keuze=alles; path=/"; document.getElementById("bar").remove(); };
</script>"""
BLANK_SETTINGS = """<h1>Cookie-instellingen</h1>
<label><input type="checkbox" id="stat" checked> Statistische cookies</label>
<button id="save">Opslaan</button>
<script>
document.getElementById("save").onclick = function () {
  document.cookie = "nt_keuze=" + (document.getElementById("stat").checked ? "alles" : "noodzakelijk") + "; path=/";
};
</script>"""


def test_a_settings_link_that_opens_a_new_tab_is_followed_in_this_tab(visitor, testweb):
    """The only refusal is a settings link with ``target=_blank``: the tab it opens is closed, the
    settings page is loaded in the page's own tab, refused there, and the engine comes back."""
    host = "www.gemeente-nieuwtab-proef.nl"
    testweb.route(host, "/", html(BLANK_HOME, title="Nieuwtab"))
    testweb.route(host, "/cookies/instellingen", html(BLANK_SETTINGS, title="Instellingen"))
    visitor.goto(f"https://{host}/")
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    navigations = [(s.text, s.url, s.ok) for s in outcome.steps if s.action == "navigate"]
    settings = f"https://{host}/cookies/instellingen"
    assert navigations[0] == ("Wijzig instellingen (opened a new tab, closed)", settings, True), navigations
    assert navigations[-1] == ("back to the page the banner was on", f"https://{host}/", True)
    assert [s.text for s in outcome.steps if s.action == "toggle-off"] == ["Statistische cookies"]
    assert cookie_jar(visitor)["nt_keuze"] == "noodzakelijk"
    assert visitor.context.pages == [visitor]  # the tab the link opened is closed
    assert visitor.url == f"https://{host}/"


# -- a panel read while it slides in -----------------------------------------------------------------
SLIDING = """<h1>Provincie Schuifland</h1>
<aside id="paneel" role="dialog" style="position:fixed;top:0;left:0;bottom:0;width:420px;background:#1b2633;color:#fff;
 padding:24px;z-index:9999;transform:translateX(-100%);transition:transform 2.5s linear">
 <button id="x" aria-label="Sluiten" style="position:absolute;top:8px;right:8px">&times;</button>
 <p>Wij gebruiken cookies. Analytische cookies plaatsen wij alleen met uw toestemming.</p>
 <div style="display:flex;justify-content:space-between"><button id="ja">Ik ga akkoord</button><button id="nee">Ik ga niet akkoord</button></div>
</aside>
<script>
var p = document.getElementById("paneel");
requestAnimationFrame(function () { requestAnimationFrame(function () { p.style.transform = "none"; }); });
function kies(v) { document.cookie = "sl_keuze=" + v + "; path=/"; p.remove(); }
document.getElementById("ja").onclick = function () { kies("ja"); };
document.getElementById("nee").onclick = function () { kies("nee"); };
document.getElementById("x").onclick = function () { p.style.transform = "translateX(-100%)"; };
</script>"""


def test_a_panel_first_read_while_sliding_in_is_read_again_once_it_stands_still(visitor, testweb):
    """A side panel slides in from the left over 2.5 s: its "×" and "Ik ga niet akkoord" come on
    screen before "Ik ga akkoord". Accepting finds the accept once the panel stands still."""
    host = "www.provincie-schuifland-proef.nl"
    testweb.route(host, "/", html(SLIDING, title="Schuifland"))
    visitor.goto(f"https://{host}/")
    visitor.wait_for_function("document.getElementById('nee').getBoundingClientRect().right > 0")
    outcome = consent_banner.accept(visitor)
    assert outcome.verified, outcome
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Ik ga akkoord"]
    assert cookie_jar(visitor)["sl_keuze"] == "ja"
