"""The data files: every CMP rule loads and is well formed, bad rules fail clearly, and button words classify."""

from __future__ import annotations

import pytest

from consent_banner.rules import load_rules, parse_rule
from consent_banner.vocabulary import clean_text, load_vocabulary, parse_vocabulary
from cookieaudit.errors import RuleFileError

REQUIRED_CMPS = {
    "cookiebot", "onetrust", "cookieyes", "complianz", "didomi", "usercentrics", "quantcast", "trustarc", "sourcepoint",
    "consentmanager", "iubenda", "borlabs", "cookiefirst", "cookie-script", "axeptio", "civic-cookie-control", "klaro",
    "orejime", "tarteaucitron", "osano-cookieconsent", "orestbida-cookieconsent",
}


def test_every_required_cmp_has_a_rule():
    """The 21 platforms the issue names each have a packaged rule, with accept and reject paths."""
    rules = {rule.id: rule for rule in load_rules()}
    assert REQUIRED_CMPS <= set(rules)
    for cmp in REQUIRED_CMPS:
        assert rules[cmp].accept and rules[cmp].reject, cmp
        assert rules[cmp].consent.cookies or rules[cmp].consent.local_storage, cmp


def test_frame_and_first_layer_buttons_come_from_the_paths():
    """Single-step reject paths are first-layer reject buttons; longer ones start with a settings button."""
    rules = {rule.id: rule for rule in load_rules()}
    assert rules["sourcepoint"].frame == "iframe[id^=sp_message_iframe_]"
    buttons = rules["cookieyes"].first_layer()
    assert ("reject", "[data-cky-tag=reject-button]") in buttons
    assert ("settings", "[data-cky-tag=settings-button]") in buttons


@pytest.mark.parametrize("data, field, message", [
    ({"id": "x", "name": "X", "detect": {"banner": []}, "accept": [[{"click": "#a"}]]}, "detect.banner", "at least 1"),
    ({"id": "x", "name": "X", "detect": {"banner": ["#b"]}, "accept": [[{"click": "#a", "wait": 5}]]}, "accept.0.0", "exactly one"),
    ({"id": "x", "name": "X", "detect": {"banner": ["#b"]}, "accept": [[{"wait": 5}]]}, "accept", "must start"),
    ({"id": "x", "name": "X", "detect": {"banner": ["#b"]}, "accept": [[{"click": "#a"}]], "colour": 1}, "colour", "Extra"),
])
def test_bad_rule_names_file_rule_and_field(data, field, message):
    """A malformed rule raises RuleFileError naming the file, the rule and the field."""
    with pytest.raises(RuleFileError) as raised:
        parse_rule(data, "cmps/x.yaml")
    assert raised.value.field.startswith(field) and raised.value.rule == "x"
    assert message.lower() in str(raised.value).lower() and str(raised.value).startswith("cmps/x.yaml")


def test_rule_file_name_must_match_id(tmp_path):
    """A rule in the wrong file is refused, so ids stay unique."""
    (tmp_path / "other.yaml").write_text("id: mine\nname: Mine\ndetect: {banner: ['#m']}\naccept: [[{click: '#a'}]]\n")
    with pytest.raises(RuleFileError, match="file name must be the rule id"):
        load_rules.__wrapped__(str(tmp_path))


def test_extra_rule_directory_overrides_by_id(tmp_path):
    """A user's rule with a packaged id replaces the packaged one."""
    (tmp_path / "klaro.yaml").write_text("id: klaro\nname: My Klaro\ndetect: {banner: ['#k']}\naccept: [[{click: '#a'}]]\n")
    rules = {rule.id: rule for rule in load_rules.__wrapped__(str(tmp_path))}
    assert rules["klaro"].name == "My Klaro" and "cookiebot" in rules


def test_broken_yaml_is_a_clear_error(tmp_path):
    """Unparseable YAML names the file."""
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n")
    with pytest.raises(RuleFileError, match="broken.yaml: not valid YAML"):
        load_rules.__wrapped__(str(tmp_path))


@pytest.mark.parametrize("text, role", [
    ("Alles accepteren", "accept"), ("Accepteren", "accept"), ("Akkoord", "accept"), ("Ja, ik ga akkoord", "accept"),
    ("Weigeren", "reject"), ("Alleen noodzakelijke cookies", "reject"), ("Alleen noodzakelijke cookies accepteren", "reject"),
    ("Niet akkoord", "reject"), ("Doorgaan zonder accepteren", "reject"), ("Nee, bedankt", "reject"),
    ("Cookie-instellingen", "settings"), ("Voorkeuren beheren", "settings"), ("Instellingen opslaan", "save"),
    ("Selectie toestaan", "save"), ("Meer informatie", "more-info"), ("Lees meer", "more-info"),
    ("Privacyverklaring", "more-info"), ("Cookieverklaring", "more-info"),
    ("Accept all", "accept"), ("Reject all", "reject"), ("Necessary only", "reject"), ("Manage preferences", "settings"),
    ("Alle akzeptieren", "accept"), ("Ablehnen", "reject"), ("Nur notwendige Cookies", "reject"),
    ("Tout accepter", "accept"), ("Tout refuser", "reject"), ("Continuer sans accepter", "reject"),
    ("Niet toestaan", "reject"), ("Cookies toestaan", "accept"), ("Oké", "accept"), ("Liever niet", "reject"),
    ("Don't allow", "reject"), ("Nicht zulassen", "reject"), ("Ne pas autoriser", "reject"), ("Is goed", "accept"),
    # labels Dutch and Belgian CMPs ship, and forms that hid them from the words before
    ("Alle cookies toelaten", "accept"), ("Niet toelaten", "reject"), ("Laat geen cookies toe", "reject"),
    ("Cookies instellen", "settings"), ("Ik kies", "settings"), ("Goedkeuren", "accept"),
    ("Accepteer geselecteerde", "save"), ("Keuze bewaren", "save"), ("Meer informatie en aanpassen", "settings"),
    ("Learn more and customize", "settings"), ("ALLE COO\u00adKIES TOE\u00adLATEN", "accept"),
    ("Abonneren", "never"), ("Subscribe", "never"), ("Zoeken", None),
    ("Accepteren " * 20, None),
])
def test_button_words(text, role):
    """Button texts in NL/EN/DE/FR get the right role; reject and save win over accept."""
    assert load_vocabulary().role_of(text) == role


@pytest.mark.parametrize("text, about", [
    ("Wij gebruiken cookies om de website te verbeteren.", True),
    ("We use cookies to improve your experience", True),
    ("Wir verwenden Cookies", True),
    ("Nous utilisons des traceurs", True),
    ("Welkom bij de gemeente. Bekijk het afvalrooster.", False),
])
def test_cookie_topic(text, about):
    """Banner text is recognised as being about cookies."""
    assert load_vocabulary().is_about_cookies(text) is about


def test_clean_text_strips_controls_and_bidi():
    """Hostile banner text loses terminal escapes and bidi overrides, and is shortened."""
    assert clean_text("Wij\x1b[31m gebruiken\u202e cookies\n\n  ") == "Wij[31m gebruiken cookies"
    assert clean_text("Coo\u00adkies in\u00adstel\u00adlen") == "Cookies instellen"  # soft hyphens for narrow screens
    assert clean_text("a" * 50, max_length=10) == "a" * 9 + "…"


def test_bad_word_file_is_a_clear_error():
    """A word file with a bad pattern names the field."""
    with pytest.raises(RuleFileError, match="roles.accept"):
        parse_vocabulary({"cookie_topic": {"nl": ["cookie"]}, "role_order": ["accept"], "roles": {"accept": {"nl": ["(unclosed"]}}})
