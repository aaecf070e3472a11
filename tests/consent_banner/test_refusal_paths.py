"""The last refusal paths of issue 13 (round 4), each by its general cause: category switches
hidden in collapsed sections of a settings layer (whose section headers are disclosures, never
answers), a save button that stays disabled until a switch changes (waited for, never skipped),
and a refusal that asks "are you sure?" before it is stored (answered with its confirming
control, never the one that goes back). Small pages written here in other languages and words
than the evaluation banners, plus the pure decisions on canned probe facts."""

from __future__ import annotations

import pytest

import consent_banner
from consent_banner import decide
from consent_banner.vocabulary import load_vocabulary
from tests.consent_banner.conftest import TRACKER_COOKIE, cookie_jar
from tests.testweb import html

VOCABULARY = load_vocabulary()


# -- decisions on canned facts (browser-free) ---------------------------------------------------
def _control(ref: str, text: str, **extra) -> dict:
    return {"ref": ref, "selector": f"#{ref}", "text": text, "tag": "button", "href": None, "leadsAway": False,
            "closed": False, **extra}


def _snapshot(*buttons: dict, text: str = "Cookie-Einstellungen", toggles: int = 2) -> dict:
    return {"candidates": [{"ref": "c1", "selector": "#panel", "kind": "dialog", "text": text, "inShadow": False,
                            "area": 1, "viewport": 4, "buttons": list(buttons),
                            "toggles": {"total": toggles, "enabled": toggles, "checked": toggles}}]}


def test_a_section_header_that_expands_is_never_an_answer():
    """"Notwendige Cookies" on a disclosure (aria-expanded + aria-controls) or a tab opens a
    section; as a button it would read as "only necessary cookies" (a refusal)."""
    assert decide.classify_control(_control("b1", "Notwendige Cookies"), VOCABULARY) == "reject"
    assert decide.classify_control(_control("b1", "Notwendige Cookies", disclosure=True), VOCABULARY) is None
    assert decide.classify_control(_control("b2", "Alleen noodzakelijke cookies", disclosure=True), VOCABULARY) is None
    # a disclosure that opens the settings is still the settings opener
    assert decide.classify_control(_control("b3", "Cookie-instellingen", disclosure=True), VOCABULARY) == "settings"
    banner = decide.find_banner(_snapshot(_control("h1", "Notwendige Cookies", disclosure=True),
                                          _control("h2", "Statistik", disclosure=True),
                                          _control("s", "Auswahl speichern")), (), VOCABULARY, settings_layer=True)
    assert [(c.role, c.text) for c in banner.controls] == [("save", "Auswahl speichern")]


def test_a_disabled_save_is_kept_to_be_waited_for_but_no_other_disabled_control():
    """A save that is disabled until a switch changes is the settings' answer (pressed once it is
    enabled); a disabled accept or reject is not offered at all."""
    snapshot = _snapshot(_control("s", "Save preferences", disabled=True),
                         _control("r", "Reject all", disabled=True), _control("a", "Accept all cookies"),
                         text="Privacy preference centre: we use cookies")
    banner = decide.find_banner(snapshot, (), VOCABULARY, settings_layer=True)
    assert [(c.role, c.text, c.disabled) for c in banner.controls] == [
        ("save", "Save preferences", True), ("accept", "Accept all cookies", False)]
    paths = decide.plan("reject", decide.find_banner(snapshot, (), VOCABULARY))
    assert paths and paths[0][0].kind == "switch-off" and paths[0][1].text == "Save preferences"


@pytest.mark.parametrize("text, confirms", [
    ("Ja, weigeren", True), ("Ja", True), ("Bevestigen", True), ("Yes, reject all", True), ("Confirm", True),
    ("Ja, ablehnen", True), ("Oui, refuser", True), ("Je confirme mon refus", True),
    ("Nee, terug", False), ("No, go back", False), ("Zurück", False), ("Annuler", False), ("Weigeren", False),
    ("Toch accepteren", False), ("Accept all", False),
])
def test_the_confirming_control_of_a_refusal_is_told_from_the_one_that_goes_back(text, confirms):
    assert VOCABULARY.confirms_refusal(text) is confirms


def test_the_confirmation_layer_is_answered_with_its_new_confirming_control():
    before = decide.find_banner(_snapshot(_control("a", "Akkoord"), _control("w", "Weigeren"),
                                          text="Wij gebruiken cookies", toggles=0), (), VOCABULARY)
    after = _snapshot(_control("n", "Nee, terug"), _control("j", "Ja, weigeren"), text="Weet u het zeker? cookies",
                      toggles=0)
    control = decide.confirming_control(after, before, "Weigeren", VOCABULARY)
    assert control is not None and control.text == "Ja, weigeren"
    # nothing new to confirm: the first layer as it was
    same = _snapshot(_control("a", "Akkoord"), _control("w", "Weigeren"), text="Wij gebruiken cookies", toggles=0)
    assert decide.confirming_control(same, before, "Weigeren", VOCABULARY) is None


# -- in a browser -------------------------------------------------------------------------------
ACCORDIONS = """<h1>Stadtwerke Proefstadt</h1>
<div id="b" role="dialog" aria-label="Cookies" style="position:fixed;bottom:16px;right:16px;width:380px;background:#fff;padding:16px;border:1px solid #333">
 <p>Wir verwenden Cookies für Statistiken und Marketing.</p>
 <button id="alle">Alle akzeptieren</button> <button id="einst">Einstellungen</button></div>
<div id="p" role="dialog" aria-label="Cookie-Einstellungen" hidden style="position:fixed;top:0;right:0;bottom:0;width:420px;background:#fff;padding:16px;border-left:1px solid #333">
 <h2>Cookie-Einstellungen</h2>
 <div><button class="kopf" aria-expanded="false" aria-controls="k1">Notwendige Cookies</button>
  <div id="k1" hidden><span>Immer aktiv.</span><button role="switch" aria-checked="true" aria-disabled="true" aria-label="Notwendige Cookies" style="width:40px;height:20px"></button></div></div>
 <div><button class="kopf" aria-expanded="false" aria-controls="k2">Statistik</button>
  <div id="k2" hidden><span>Besucherzahlen.</span><button class="sw" role="switch" aria-checked="true" data-k="statistik" aria-label="Statistik" style="width:40px;height:20px"></button></div></div>
 <div><button class="kopf" aria-expanded="false" aria-controls="k3">Marketing</button>
  <div id="k3" hidden><span>Werbung.</span><button class="sw" role="switch" aria-checked="true" data-k="marketing" aria-label="Marketing" style="width:40px;height:20px"></button></div></div>
 <button id="speichern">Auswahl speichern</button></div>
<script>
function save(list) { document.cookie = "sw_wahl=" + ["notwendig"].concat(list).join(",") + "; path=/";
  document.getElementById("b").remove(); document.getElementById("p").remove(); if (list.indexOf("statistik") >= 0) tracker(); }
document.getElementById("alle").addEventListener("click", function () { save(["statistik", "marketing"]); });
document.getElementById("einst").addEventListener("click", function () { document.getElementById("b").hidden = true; document.getElementById("p").hidden = false; });
document.querySelectorAll(".kopf").forEach(function (k) { k.addEventListener("click", function () {
  var open = k.getAttribute("aria-expanded") !== "true"; k.setAttribute("aria-expanded", String(open));
  document.getElementById(k.getAttribute("aria-controls")).hidden = !open; }); });
document.querySelectorAll(".sw").forEach(function (s) { s.addEventListener("click", function () {
  s.setAttribute("aria-checked", s.getAttribute("aria-checked") === "true" ? "false" : "true"); }); });
document.getElementById("speichern").addEventListener("click", function () {
  save(Array.prototype.filter.call(document.querySelectorAll(".sw"), function (s) { return s.getAttribute("aria-checked") === "true"; })
       .map(function (s) { return s.getAttribute("data-k"); })); });
</script>"""

DETAILS = """<h1>Gemeente Proefbeek</h1>
<div id="b" role="dialog" aria-label="Cookies" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:16px;border-top:2px solid #333">
 <p>Wij gebruiken cookies. Kies per soort welke u toestaat.</p>
 <details><summary>Alleen noodzakelijke cookies</summary><p>Altijd aan.</p></details>
 <details><summary>Statistieken</summary><label>Statistieken meten <input type="checkbox" id="st" checked></label></details>
 <details><summary>Marketing</summary><label>Marketing toestaan <input type="checkbox" id="mk" checked></label></details>
 <button id="alles">Alles accepteren</button> <button id="opslaan">Mijn keuze opslaan</button></div>
<script>
function save(st, mk) { document.cookie = "pb_keuze=st:" + (st ? 1 : 0) + "|mk:" + (mk ? 1 : 0) + "; path=/";
  document.getElementById("b").remove(); if (st) tracker(); }
document.getElementById("alles").addEventListener("click", function () { save(true, true); });
document.getElementById("opslaan").addEventListener("click", function () {
  save(document.getElementById("st").checked, document.getElementById("mk").checked); });
</script>"""

DISABLED_SAVE = """<h1>Mairie de Proefville</h1>
<div id="b" role="dialog" aria-label="Cookies" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:16px;border-top:2px solid #333">
 <p>Nous utilisons des cookies pour mesurer l'audience et pour la publicité.</p>
 <button id="tout">Tout accepter</button> <button id="perso">Personnaliser</button>
 <div id="centre" hidden>
  <label>Mesure d'audience <input type="checkbox" role="switch" id="audience" checked></label>
  <label>Publicité <input type="checkbox" role="switch" id="pub" checked></label>
  <button id="enregistrer" aria-disabled="true" style="opacity:.5">Enregistrer mes choix</button></div></div>
<script>
var b = document.getElementById("b"), enr = document.getElementById("enregistrer");
function store(a, p) { document.cookie = "pv_choix=audience:" + (a ? 1 : 0) + "|pub:" + (p ? 1 : 0) + "; path=/"; b.remove(); if (a) tracker(); }
document.getElementById("tout").addEventListener("click", function () { store(true, true); });
document.getElementById("perso").addEventListener("click", function () { document.getElementById("centre").hidden = false; });
["audience", "pub"].forEach(function (id) { document.getElementById(id).addEventListener("change", function () {
  // enabled a moment after the change (the site re-renders): a click before then does nothing
  setTimeout(function () { enr.removeAttribute("aria-disabled"); enr.style.opacity = 1; }, 400); }); });
enr.addEventListener("click", function () {
  if (enr.getAttribute("aria-disabled") === "true") return;
  store(document.getElementById("audience").checked, document.getElementById("pub").checked); });
</script>"""

CONFIRM = """<h1>Proef Energy</h1>
<div id="w" role="dialog" aria-modal="true" style="position:fixed;inset:25% 25%;background:#fff;padding:16px;border:2px solid #333">
 <div id="s1"><p>We use cookies to personalise offers and measure our website.</p>
  <button id="ok">Accept cookies</button> <button id="no">Reject cookies</button></div>
 <div id="s2" hidden><p>Are you sure? Without cookies we cannot show you personal offers.</p>
  <button id="back">No, go back</button> <button id="yes">Yes, reject cookies</button></div></div>
<script>
var w = document.getElementById("w"), s1 = document.getElementById("s1"), s2 = document.getElementById("s2");
function answer(v) { document.cookie = "pe_consent=" + v + "; path=/"; w.remove(); if (v === "yes") tracker(); }
document.getElementById("ok").addEventListener("click", function () { answer("yes"); });
document.getElementById("no").addEventListener("click", function () { s1.hidden = true; s2.hidden = false; });
document.getElementById("back").addEventListener("click", function () { s2.hidden = true; s1.hidden = false; });
document.getElementById("yes").addEventListener("click", function () { answer("no"); });
</script>"""

TRACKER = """<script>function tracker() { var s = document.createElement("script");
s.src = "TRACKER_URL"; document.head.appendChild(s); }</script>"""


def _site(testweb, tracker: str, host: str, body: str) -> str:
    testweb.route(host, "/", html(TRACKER.replace("TRACKER_URL", tracker) + body, title=host))
    return f"https://{host}/"


@pytest.mark.browser
def test_switches_in_collapsed_sections_are_opened_switched_off_and_saved(visitor, testweb, tracker):
    """Each category's switch sits in a collapsed section: its header is opened (a step), the
    switch switched off and checked, the locked one left alone, then "Auswahl speichern"."""
    visitor.goto(_site(testweb, tracker, "www.stadtwerke-proefstadt.de", ACCORDIONS))
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert cookie_jar(visitor)["sw_wahl"] == "notwendig"
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Einstellungen", "Auswahl speichern"]
    assert [(s.text, s.ok) for s in outcome.steps if s.action == "toggle-off"] == [("Statistik", True), ("Marketing", True)]
    assert {"Statistik", "Marketing"} <= {s.text for s in outcome.steps if s.action == "tab"}
    assert TRACKER_COOKIE not in cookie_jar(visitor)


@pytest.mark.browser
def test_pre_ticked_boxes_in_closed_details_sections_on_the_first_layer(visitor, testweb, tracker):
    """Each box is inside a closed <details>: its <summary> is opened (never read as "only
    necessary cookies"), the box unticked, then "Mijn keuze opslaan"."""
    visitor.goto(_site(testweb, tracker, "www.proefbeek-gemeente.nl", DETAILS))
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert cookie_jar(visitor)["pb_keuze"] == "st:0|mk:0"
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Mijn keuze opslaan"]


@pytest.mark.browser
def test_a_save_disabled_until_a_switch_changes_is_pressed_once_enabled(visitor, testweb, tracker):
    visitor.goto(_site(testweb, tracker, "www.mairie-proefville.fr", DISABLED_SAVE))
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert cookie_jar(visitor)["pv_choix"] == "audience:0|pub:0"
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Personnaliser", "Enregistrer mes choix"]
    assert outcome.clicks == 4  # settings, two switches, save: never a click on the disabled save


@pytest.mark.browser
@pytest.mark.parametrize("action, record", [("reject", "no"), ("accept", "yes")])
def test_a_refusal_that_asks_are_you_sure_is_confirmed(visitor, testweb, tracker, action, record):
    visitor.goto(_site(testweb, tracker, "www.proef-energy.co.uk", CONFIRM))
    outcome = getattr(consent_banner, action)(visitor)
    assert outcome.verified, outcome
    assert cookie_jar(visitor)["pe_consent"] == record
    if action == "reject":
        assert [s.text for s in outcome.steps if s.action == "click"] == ["Reject cookies", "Yes, reject cookies"]
        assert TRACKER_COOKIE not in cookie_jar(visitor)
