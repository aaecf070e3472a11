"""Pure decisions of issue 13's fifth round: a banner known by its structure and controls when its
text never says "cookie" or "consent" (and the popups that are not banners), and a refusal only on
the site's own settings page, reached by a same-site settings link."""

from __future__ import annotations

import pytest

from consent_banner import decide
from consent_banner.vocabulary import load_vocabulary

WORDS = load_vocabulary()
QUIET = {"complete": True, "quietMs": 2000, "cookieScript": False, "pendingScripts": [], "consentDefault": False}

KLARO_TEXT = ("Hallo! Wij gebruiken een paar diensten van derden om het gebruik van onze website te meten. "
              "Zie onze privacyverklaring voor meer informatie.")


def _snapshot(*candidates):
    return {"url": "https://www.example.nl/", "cookies": [], "candidates": list(candidates), "scripts": {},
            "tcfapi": False, "rules": {}, "activity": QUIET}


def _candidate(kind, buttons, text, href=None):
    return {"ref": "c1", "selector": "div.x", "kind": kind, "text": text, "inShadow": False, "closed": False,
            "buttons": [{"ref": f"b{i}", "selector": "button", "text": t, "leadsAway": bool(href and i == len(buttons) - 1),
                         "href": href if i == len(buttons) - 1 else None, "closed": False}
                        for i, t in enumerate(buttons)],
            "toggles": {"total": 0, "enabled": 0, "checked": 0}}


# -- a banner that never says "cookie" -------------------------------------------------------------
@pytest.mark.parametrize("kind", ["fixed", "dialog", "sticky", "overlay", "absolute"])
def test_a_positioned_box_with_consent_answers_about_third_party_services_is_a_banner(kind):
    box = _candidate(kind, ["Laat me kiezen", "Ik weiger", "Dat is oké"], KLARO_TEXT)
    banner = decide.find_banner(_snapshot(box), (), WORDS)
    assert banner is not None and banner.answerable
    assert [c.role for c in banner.controls] == ["settings", "reject", "accept"]


@pytest.mark.parametrize("buttons, text", [
    # an accept and a settings control over a text about personal data
    (["Instellingen", "Akkoord"], "Wij verwerken uw gegevens om onze dienstverlening te verbeteren."),
    # English: third-party services
    (["Decline", "Accept"], "We use third-party services to measure how our site is used."),
])
def test_consent_answers_over_a_text_about_data_make_a_banner(buttons, text):
    assert decide.find_banner(_snapshot(_candidate("fixed", buttons, text)), (), WORDS) is not None


@pytest.mark.parametrize("buttons, text", [
    # a newsletter popup: yes/no answers, a privacy link
    (["Ja, ik wil de nieuwsbrief", "Nee, bedankt"],
     "Blijf op de hoogte! Schrijf u in voor onze nieuwsbrief. Lees ons privacybeleid."),
    # a chat widget
    (["Ja, graag", "Nee, bedankt"], "Hallo! Kan ik u helpen? Start een chat met een medewerker. Uw gegevens zijn veilig."),
    # a survey invitation
    (["Ja, ik doe mee", "Nee, liever niet"],
     "Wilt u meewerken aan een kort onderzoek over onze website? Uw gegevens worden anoniem verwerkt."),
    (["Take the survey", "No thanks"], "Help us improve: a short survey about your visit. Privacy statement."),
    # answers, but a text about nothing of data or privacy
    (["Ja", "Nee"], "Wilt u naar de Engelse versie van deze website gaan?"),
])
def test_popups_that_ask_no_consent_are_not_banners(buttons, text):
    assert decide.find_banner(_snapshot(_candidate("fixed", buttons, text)), (), WORDS) is None


def test_structure_alone_is_not_enough_answers_must_be_a_choice():
    # only an accept: a notice ("OK") about data is not known by its controls
    assert decide.find_banner(_snapshot(_candidate("fixed", ["Dat is oké"], KLARO_TEXT)), (), WORDS) is None
    # in the flow (a page section, not positioned): never known by its controls
    assert decide.find_banner(_snapshot(_candidate("named", ["Ik weiger", "Dat is oké"], KLARO_TEXT)), (), WORDS) is None


# -- the site's own settings page ------------------------------------------------------------------
LINDEWAARD = "Gemeente Lindewaard gebruikt cookies om de website te verbeteren. Wilt u geen statistiekcookies?"


def _bar(*links, buttons=("Ik ga akkoord",)):
    """A bar with ``buttons`` and links (text, href) that lead away."""
    raw = [{"ref": f"b{i}", "selector": "button", "text": t, "leadsAway": False, "href": None} for i, t in enumerate(buttons)]
    raw += [{"ref": f"l{i}", "selector": "a", "text": t, "leadsAway": True, "href": h} for i, (t, h) in enumerate(links)]
    return {"ref": "c1", "selector": "div.bar", "kind": "fixed", "text": LINDEWAARD, "buttons": raw,
            "toggles": {"total": 0, "enabled": 0, "checked": 0}}


def test_a_settings_link_is_the_refusal_only_when_the_page_offers_none():
    banner = decide.find_banner(_snapshot(_bar(("Lees meer", "https://www.lw.nl/privacyverklaring"),
                                               ("Wijzig instellingen", "https://www.lw.nl/cookie-instellingen"))), (), WORDS)
    # reported as a link away, never clicked as a first-layer answer
    assert [c.role for c in banner.controls] == ["accept", "more-info", "more-info"]
    paths = decide.plan("reject", banner)
    assert [[(s.kind, s.text, s.href) for s in p] for p in paths] == [
        [("settings-page", "Wijzig instellingen", "https://www.lw.nl/cookie-instellingen")]]
    assert decide.plan("accept", banner)[0][0].kind == "click"  # accepting never leaves the page
    # a refusal on the page comes first: the settings page is not needed
    with_reject = _bar(("Wijzig instellingen", "https://www.lw.nl/cookie-instellingen"), buttons=("Ik ga akkoord", "Weigeren"))
    paths = decide.plan("reject", decide.find_banner(_snapshot(with_reject), (), WORDS))
    assert [[s.kind for s in p] for p in paths] == [["click"]]


def test_read_more_and_privacy_links_are_never_a_settings_page():
    banner = decide.find_banner(_snapshot(_bar(("Meer informatie", "https://www.lw.nl/cookies"),
                                               ("Privacyverklaring", "https://www.lw.nl/privacy"))), (), WORDS)
    assert decide.plan("reject", banner) == []


@pytest.mark.parametrize("href, why", [
    ("https://www.lw.nl/cookie-instellingen", None),
    ("https://mijn.lw.nl/instellingen", None),  # same registrable domain
    ("http://www.lw.nl/cookie-instellingen", None),
    ("https://www.cmp-portaal.com/lw/instellingen", "another site"),
    ("javascript:void(0)", "not a web page"),
    ("mailto:info@lw.nl", "not a web page"),
    ("https://www.lw.nl/#instellingen", "the page itself"),
    (None, "not a web page"),
])
def test_a_settings_page_is_followed_only_on_the_same_site(href, why):
    found = decide.settings_page_allowed("https://www.lw.nl/", href)
    assert (found is None) if why is None else found.startswith(why)


@pytest.mark.parametrize("text, role", [
    ("Functioneel", "reject"), ("Noodzakelijk", "reject"), ("Necessary", "reject"), ("Funktional", "reject"),
    ("Fonctionnels", "reject"),
    ("Functionele cookies toestaan", "reject"),
    ("Functioneel en statistiek", None),  # a selection, not the bare category
])
def test_a_control_named_only_by_the_category_that_stays_on_refuses_the_rest(text, role):
    assert WORDS.role_of(text) == role
