"""Pure decisions added for banners the engine had never seen (issue 13): waiting signals,
positional candidates, closed shadow roots, the consent record and the CMP's own state."""

from __future__ import annotations

import pytest

from consent_banner import decide
from consent_banner.driver import closed_root_ids, document_of_frame
from consent_banner.rules import load_rules
from consent_banner.vocabulary import load_vocabulary

RULES = load_rules()
WORDS = load_vocabulary()
QUIET = {"complete": True, "quietMs": 2000, "cookieScript": False, "pendingScripts": [], "consentDefault": False}


def _snapshot(activity=None, **extra):
    return {"url": "https://www.example.nl/", "cookies": [], "candidates": [], "scripts": {}, "tcfapi": False,
            "rules": {}, "activity": QUIET | (activity or {})} | extra


@pytest.mark.parametrize("activity, signal", [
    ({}, None),
    ({"consentDefault": True}, "consent-mode default set"),
    ({"pendingScripts": ["https://www.googletagmanager.com/gtm.js?id=GTM-X"]}, "script still loading"),
    ({"pendingScripts": ["https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"]}, "script still loading"),
    ({"pendingScripts": ["https://www.example.nl/js/slider.js"]}, None),  # an ordinary script is no signal
    ({"cookieScript": True}, "a script handles cookies or consent"),
])
def test_waiting_signals(activity, signal):
    found = decide.waiting_signal(_snapshot(activity), RULES)
    assert (found is None) == (signal is None) and (signal is None or found.startswith(signal))
    assert decide.may_stop_waiting(_snapshot(activity), RULES) == (signal is None)


def test_tcf_stub_is_a_waiting_signal():
    assert decide.waiting_signal(_snapshot(tcfapi=True), RULES) == "TCF API present"


def _candidate(kind, buttons, text="Wij gebruiken cookies om het bezoek te meten.", closed=False):
    return {"ref": "c1", "selector": "div.x", "kind": kind, "text": text, "inShadow": closed, "closed": closed,
            "buttons": [{"ref": f"b{i}", "selector": "a", "text": t, "leadsAway": False, "closed": closed}
                        for i, t in enumerate(buttons)],
            "toggles": {"total": 0, "enabled": 0, "checked": 0}}


def test_a_top_strip_is_a_banner_only_when_it_offers_the_choice():
    with_choice = decide.find_banner(_snapshot(candidates=[_candidate("top-bar", ["Cookies toestaan", "Nee, bedankt"])]), (), WORDS)
    assert with_choice is not None and [c.role for c in with_choice.controls] == ["accept", "reject"]
    header = _candidate("top-bar", ["Cookie-instellingen"], text="Gemeente Proef — nieuws, cookies en privacy, contact")
    assert decide.find_banner(_snapshot(candidates=[header]), (), WORDS) is None


def test_a_banner_in_a_closed_shadow_root_is_acted_on_by_box():
    banner = decide.find_banner(_snapshot(candidates=[_candidate("absolute", ["Ja, prima", "Nee"], closed=True)]), (), WORDS)
    assert banner.target == "closed:c1"
    assert [c.target for c in banner.controls] == ["closed:b0", "closed:b1"]
    assert decide.as_css(banner.target) == ('[data-cookieaudit-ref="c1"]', True)


def test_closed_root_ids_from_a_pierced_dom_tree():
    tree = {"nodeName": "#document", "children": [{"nodeName": "HTML", "children": [
        {"nodeName": "X-BANNER", "shadowRoots": [{"shadowRootType": "closed", "backendNodeId": 7, "children": [
            {"nodeName": "Y-INNER", "shadowRoots": [{"shadowRootType": "closed", "backendNodeId": 9}]}]}]},
        {"nodeName": "X-OPEN", "shadowRoots": [{"shadowRootType": "open", "backendNodeId": 11}]},
        {"nodeName": "IFRAME", "contentDocument": {"children": [
            {"nodeName": "Z", "shadowRoots": [{"shadowRootType": "closed", "backendNodeId": 13}]}]}},
    ]}]}
    assert closed_root_ids(tree, []) == [7, 9]  # nested closed roots too; open roots and iframes are not for CDP


@pytest.mark.parametrize("key, appeared, counts", [
    ("cookie:OptanonConsent", False, "consent management (OneTrust)"),  # marked in the rule set, even when it changed
    ("cookie:gp_keuze", True, "new on the click, not a tracking cookie"),
    ("cookie:gp_keuze", False, None),  # an unknown cookie that merely changed is no proof
    ("cookie:_vis_opt_test_cookie", True, None),  # an A/B-testing cookie is never the record
    ("cookie:_ga", True, None),
    ("localStorage:pd-consent", True, "new on the click, not a tracking cookie"),
])
def test_what_counts_as_the_consent_record(key, appeared, counts):
    assert decide.record_evidence(None, key, appeared) == counts


GENERIC = decide.Banner(detection=decide.Detection(found=True, cmp="generic"), rule=None, frame="main", target="#x")


def test_a_refusal_must_agree_with_consent_mode():
    after = {"cookie:gp_keuze": "nee"}
    granted = {"update": {"analytics_storage": "granted"}, "default": {}}
    denied = {"update": {"analytics_storage": "denied", "ad_storage": "denied"}, "default": {}}
    assert decide.judge("reject", GENERIC, {}, after, False, None, granted)[2] == \
        "consent mode updated to granted (analytics_storage) after the refusal"
    ok, how, _ = decide.judge("reject", GENERIC, {}, after, False, None, denied)
    assert ok and how.endswith("consent mode update: ad_storage, analytics_storage denied")
    assert decide.judge("accept", GENERIC, {}, after, False, None, granted)[0]  # granting is what accept does
    # A CMP without a preferences category grants the preference types on "reject all": no contradiction.
    preferences = {"update": {"analytics_storage": "denied", "ad_storage": "denied", "ad_user_data": "denied",
                              "ad_personalization": "denied", "functionality_storage": "granted",
                              "personalization_storage": "granted", "security_storage": "granted"}, "default": {}}
    assert decide.judge("reject", GENERIC, {}, after, False, None, preferences)[0]
    marketing = {"update": {"analytics_storage": "denied", "ad_personalization": "granted"}, "default": {}}
    assert decide.judge("reject", GENERIC, {}, after, False, None, marketing)[2] == \
        "consent mode updated to granted (ad_personalization) after the refusal"


def test_the_verification_names_the_record_not_the_tracker():
    ok, how, _ = decide.judge("accept", GENERIC, {}, {"cookie:_vis_opt_test_cookie": "1", "cookie:gp_keuze": "ja"}, False, None)
    assert ok and how == "banner gone; consent recorded in cookie gp_keuze (new on the click, not a tracking cookie)"


def test_tracking_cookies_by_the_rule_set():
    jar = [{"name": "_ga", "domain": ".example.nl"}, {"name": "gp_keuze", "domain": "www.example.nl"},
           {"name": "IDE", "domain": ".doubleclick.net"}]
    assert decide.tracking_cookies(jar) == ["_ga", "IDE"]


def test_more_information_button_opens_settings_only_as_a_last_resort():
    info = _candidate("fixed", ["Akkoord", "Meer informatie"])
    banner = decide.find_banner(_snapshot(candidates=[info]), (), WORDS)
    paths = decide.plan("reject", banner)
    assert [[s.kind for s in p] for p in paths] == [["click", "second-layer"]] and paths[0][0].text == "Meer informatie"
    with_settings = decide.find_banner(_snapshot(candidates=[_candidate("fixed", ["Akkoord", "Meer informatie", "Instellingen"])]),
                                       (), WORDS)
    assert [p[0].text for p in decide.plan("reject", with_settings)] == ["Instellingen"]


def test_close_is_a_role_of_settings_layers_only():
    assert WORDS.role_of("Sluiten") == "close" and WORDS.role_of("Akkoord en sluiten") == "accept"
    bar = decide.find_banner(_snapshot(candidates=[_candidate("fixed", ["Sluiten"])]), (), WORDS)
    assert bar is None or not decide.plan("reject", bar)  # a first layer's "Sluiten" is never taken for a refusal


# -- controls only a click handler reveals, closed roots in iframes --------------------------------
def _unmarked(ref, text, chain=("c1",)):
    return {"ref": ref, "selector": "span", "text": text, "leadsAway": False, "closed": False, "chain": list(chain)}


def test_unmarked_words_are_asked_about_only_when_the_banner_lacks_that_choice():
    """A cookie bar whose "Cookies weigeren" is a bare span (no button, role, tabindex, onclick or
    pointer) is worth a question to the DevTools protocol; one that offers both choices is not."""
    bar = _candidate("fixed", ["Cookies accepteren"]) | {"unmarked": [_unmarked("u1", "Cookies weigeren"), _unmarked("u2", "Sluiten")]}
    assert decide.unmarked_choices(_snapshot(candidates=[bar]), WORDS) == ["c1"]
    complete = _candidate("fixed", ["Cookies accepteren", "Cookies weigeren"]) | {"unmarked": [_unmarked("u1", "Nee")]}
    assert decide.unmarked_choices(_snapshot(candidates=[complete]), WORDS) == []
    newsletter = _candidate("fixed", [], text="Schrijf u in voor de nieuwsbrief") | {"unmarked": [_unmarked("u1", "Aanmelden")]}
    assert decide.unmarked_choices(_snapshot(candidates=[newsletter]), WORDS) == []


@pytest.mark.parametrize("listened, roles", [
    (set(), ["accept"]),
    ({"u1"}, ["accept", "reject"]),  # a handler on the span itself
    ({"c1"}, ["accept", "reject"]),  # a handler on the bar that looks at what was clicked
    ({"elsewhere"}, ["accept"]),
])
def test_an_element_with_a_mouse_handler_counts_as_a_control(listened, roles):
    bar = _candidate("fixed", ["Cookies accepteren"]) | {"unmarked": [_unmarked("u1", "Cookies weigeren")]}
    snapshot = decide.promote_listened(_snapshot(candidates=[bar]), listened)
    banner = decide.find_banner(snapshot, (), WORDS)
    assert [c.role for c in banner.controls] == roles
    assert banner.detection.buttons_with("reject") == [] or banner.detection.buttons_with("reject")[0].text == "Cookies weigeren"


def test_the_document_of_a_same_process_iframe_is_found_in_the_pierced_tree():
    """Closed roots inside an iframe: its document is the iframe node's contentDocument, found by the stamp."""
    inner = {"nodeName": "#document", "backendNodeId": 30, "children": [
        {"nodeName": "KC-BANNER", "backendNodeId": 31, "shadowRoots": [{"shadowRootType": "closed", "backendNodeId": 32}]}]}
    tree = {"nodeName": "#document", "backendNodeId": 1, "children": [{"nodeName": "BODY", "backendNodeId": 2, "children": [
        {"nodeName": "IFRAME", "backendNodeId": 3, "attributes": ["id", "x", "data-cookieaudit-ref", "r7"], "contentDocument": inner},
        {"nodeName": "HOST", "backendNodeId": 4, "shadowRoots": [{"shadowRootType": "closed", "backendNodeId": 5}]}]}]}
    assert document_of_frame(tree, "r7") is inner and document_of_frame(tree, "r8") is None
    assert closed_root_ids(tree, []) == [5]  # the main document's own closed roots only
    assert closed_root_ids(inner, []) == [32]


@pytest.mark.parametrize("value, verified", [
    ('{"necessary":true,"analytics":false,"marketing":false}', True),
    ("%7B%22necessary%22%3Atrue%2C%22analytics%22%3Atrue%7D", False),  # URL-encoded JSON, analytics still on
    ("analytisch:0|marketing:0|voorkeuren:1", True),
    ("analytisch:0|marketing:1", False),
    ('{"categories":{"statistics":{"accepted":true},"preferences":{"accepted":true}}}', False),
    ('{"accepted":["necessary","preferences"],"rejected":["analytics","marketing"]}', True),
    ("nee", True),
])
def test_a_refusal_must_agree_with_the_banners_own_record(value, verified):
    """A custom banner's record that states its categories must not say a tracking one is on after a refusal."""
    ok, how, why = decide.judge("reject", GENERIC, {}, {"localStorage:site_consent": value}, False, None)
    assert ok is verified, (how, why)
    if not verified:
        assert why.startswith("consent record localStorage site_consent records consent to ") and why.endswith("after the refusal")
