"""Pure decisions of issue 13's sixth round: first-layer refusals without a refusal button, as
regulators count an equally easy refusal — a "save selection" pressed with every optional category
off as the site shows it, and a close control ("×") the banner's own text says refuses. A "×"
that only hides the panel is never a refusal."""

from __future__ import annotations

import pytest

from consent_banner import decide
from consent_banner.vocabulary import load_vocabulary

WORDS = load_vocabulary()
QUIET = {"complete": True, "quietMs": 2000, "cookieScript": False, "pendingScripts": [], "consentDefault": False}


def _snapshot(candidate):
    return {"url": "https://www.example.nl/", "cookies": [], "candidates": [candidate], "scripts": {},
            "tcfapi": False, "rules": {}, "activity": QUIET}


def _candidate(buttons, text, items=()):
    items = list(items)
    return {"ref": "c1", "selector": "div.x", "kind": "dialog", "text": text, "inShadow": False, "closed": False,
            "buttons": [{"ref": f"b{i}", "selector": "button", "text": t, "leadsAway": False, "href": None, "closed": False}
                        for i, t in enumerate(buttons)],
            "toggles": {"total": len(items), "enabled": len(items), "checked": sum(bool(i["on"]) for i in items), "items": items}}


def _box(label, on, kind="checkbox"):
    return {"label": label, "on": on, "kind": kind}


CI_TEXT = "Deze website gebruikt cookies. U kiest zelf welke cookies u toestaat."
UNTICKED = [_box("Functioneel", False), _box("Statistiek", False), _box("Marketing", False)]


# -- "save selection" with every optional category off --------------------------------------------
def test_save_selection_with_every_optional_box_off_is_a_first_layer_refusal():
    banner = decide.find_banner(_snapshot(_candidate(["Accepteer geselecteerde", "Accepteer alle"], CI_TEXT, UNTICKED)), (), WORDS)
    assert decide.rejects_on_first_layer(banner.detection)
    evidence = banner.detection.first_layer_refusal
    assert "'Accepteer geselecteerde'" in evidence and "Functioneel, Statistiek, Marketing" in evidence
    # the refusal itself: the boxes (none on) and the save, one click
    kinds = [[s.kind for s in path] for path in decide.plan("reject", banner)]
    assert kinds == [["switch-off", "click"]]


@pytest.mark.parametrize("items", [
    [_box("Statistieken", True), _box("Marketing", False)],  # the site ticks one: the visitor must untick it
    [_box("Statistieken", None, "radio")],  # a yes/no pair: its state is not known on the first layer
    [],  # no switches at all
])
def test_save_selection_is_no_first_layer_refusal_unless_every_optional_box_is_off(items):
    banner = decide.find_banner(_snapshot(_candidate(["Selectie opslaan", "Alles accepteren"], CI_TEXT, items)), (), WORDS)
    assert banner.detection.first_layer_refusal is None
    assert not decide.rejects_on_first_layer(banner.detection)


def test_a_ticked_necessary_box_does_not_stop_the_refusal():
    items = [_box("Strikt noodzakelijk", True), _box("Statistieken", False)]
    banner = decide.find_banner(_snapshot(_candidate(["Keuze opslaan", "Alles toestaan"], CI_TEXT, items)), (), WORDS)
    assert decide.rejects_on_first_layer(banner.detection)
    assert banner.detection.first_layer_refusal.endswith("Statistieken")


def test_a_refusal_button_needs_no_other_evidence():
    banner = decide.find_banner(_snapshot(_candidate(["Weigeren", "Opslaan", "Accepteren"], CI_TEXT, UNTICKED)), (), WORDS)
    assert decide.rejects_on_first_layer(banner.detection) and banner.detection.first_layer_refusal is None


# -- a close control the banner's text says refuses -----------------------------------------------
ANKER = ('Wij gebruiken cookies om onze website te verbeteren. Klik op "Accepteren" als u daarmee akkoord gaat. '
         "Sluit u deze melding, dan plaatsen wij alleen noodzakelijke cookies. Privacyverklaring")


@pytest.mark.parametrize("text, close", [
    (ANKER, "Sluiten"),
    ("We use cookies to improve our website. If you close this banner, only essential cookies are used.", "Close"),
    ("Wir verwenden Cookies. Wenn Sie diesen Hinweis schließen, setzen wir nur technisch notwendige Cookies.", "Schließen"),
    ("Nous utilisons des cookies. En fermant ce bandeau, vous refusez les cookies non essentiels.", "Fermer"),
])
def test_a_close_control_is_a_refusal_when_the_banner_says_closing_refuses(text, close):
    banner = decide.find_banner(_snapshot(_candidate(["Accepteren", "Instellingen", close], text)), (), WORDS)
    roles = {c.text: c.role for c in banner.controls}
    assert roles[close] == "reject"
    assert decide.rejects_on_first_layer(banner.detection)
    assert banner.detection.first_layer_refusal.startswith(f"'{close}' closes the banner")
    first = decide.plan("reject", banner)[0]
    assert [(s.kind, s.text) for s in first] == [("click", close)]


CIVIC = ("Deze website gebruikt cookies. Wij gebruiken noodzakelijke cookies om de website te laten werken. "
         "Wij willen ook graag analytische cookies plaatsen. Die plaatsen wij alleen als u daar toestemming voor geeft.")


@pytest.mark.parametrize("text, buttons", [
    # a Civic-style panel: its "×" only hides the panel; its refusal is "Ik ga niet akkoord"
    (CIVIC, ["Sluiten", "Ik ga akkoord", "Ik ga niet akkoord"]),
    # a "×" on a bar that says nothing of closing: no refusal on the first layer
    (CIVIC, ["Sluiten", "Akkoord", "Instellingen"]),
    # closing accepts here
    ("Wij gebruiken cookies. Door deze melding te sluiten gaat u akkoord met alle cookies.", ["Sluiten", "Akkoord", "Instellingen"]),
])
def test_a_close_control_is_never_a_refusal_otherwise(text, buttons):
    banner = decide.find_banner(_snapshot(_candidate(buttons, text)), (), WORDS)
    assert {c.text: c.role for c in banner.controls}["Sluiten"] == "close"
    assert banner.detection.first_layer_refusal is None
    assert all(s.text != "Sluiten" for path in decide.plan("reject", banner) for s in path)


@pytest.mark.parametrize("text", [
    "We disclose only necessary data to our partners; we use cookies.",  # 'disclose' is not closing
    "Wij plaatsen uitsluitend noodzakelijke cookies zonder toestemming; andere cookies alleen na uw akkoord.",
    "Sie können Cookies ausschließen; nur notwendige Cookies sind immer aktiv.",
])
def test_closing_words_inside_other_words_say_nothing(text):
    assert WORDS.closing_refuses(text) is None


def test_the_evidence_is_the_sentence_that_says_so():
    assert WORDS.closing_refuses(ANKER) == "Sluit u deze melding, dan plaatsen wij alleen noodzakelijke cookies."


@pytest.mark.parametrize("label, role", [
    ("Cookie-instellingen sluiten", "close"),  # an icon's aria-label: it closes, it opens no settings
    ("Close settings", "close"),
    ("Cookiemelding sluiten", "close"),
    ("Cookie-instellingen", "settings"),
    ("Accepteren en sluiten", "accept"),
    ("Opslaan en sluiten", "save"),
])
def test_closing_labels_close_and_open_nothing(label, role):
    assert WORDS.role_of(label) == role
