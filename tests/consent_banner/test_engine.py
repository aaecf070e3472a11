"""The engine without a browser: flows driven with canned operation answers, and the pure verdicts."""

from __future__ import annotations

import pytest

from consent_banner import decide, engine, ops
from consent_banner.rules import load_rules
from consent_banner.vocabulary import load_vocabulary

RULES = load_rules()
WORDS = load_vocabulary()
COOKIEBOT = next(r for r in RULES if r.id == "cookiebot")


def _probe(**rules):
    return {"url": "https://www.example.nl/", "cookies": [], "candidates": [], "scripts": {}, "tcfapi": False,
            "rules": {r.id: {"present": [], "shown": None, "buttons": [], "controls": []} for r in RULES} | rules}


def _drive(flow, answer):
    """Run ``flow`` answering every operation with ``answer(op)``; return (result, operations seen)."""
    seen, result = [], None
    try:
        op = flow.send(None)
        while True:
            seen.append(op)
            op = flow.send(answer(op))
    except StopIteration as done:
        result = done.value
    return result, seen


def test_detect_flow_reports_a_shown_named_banner():
    """A probe that shows Cookiebot's dialog gives a Cookiebot detection with its first-layer buttons."""
    shown = {"present": ["selector", "global"], "shown": {"selector": "#CybotCookiebotDialog", "ref": "r1", "text": "Cookies\n gebruikt",
                                                          "inShadow": False, "toggles": {"total": 0, "enabled": 0, "checked": 0}},
             "buttons": [{"role": "reject", "selector": "#CybotCookiebotDialogBodyButtonDecline", "text": "Weigeren"}], "controls": []}
    detection, seen = _drive(engine.detect_flow(RULES, WORDS, timeout=1),
                             lambda op: ops.OpResult(True, _probe(cookiebot=shown)))
    assert len(seen) == 1 and isinstance(seen[0], ops.Evaluate) and seen[0].name == "probe"
    assert detection.found and detection.cmp == "cookiebot" and detection.text == "Cookies gebruikt"
    assert detection.buttons[0].role == "reject" and detection.preticked is None


def test_detect_flow_polls_until_timeout_and_never_raises_on_browser_errors():
    """Failing probes (a page between documents) are retried until the timeout, then nothing is found."""
    detection, seen = _drive(engine.detect_flow(RULES, WORDS, timeout=0.3),
                             lambda op: ops.OpResult(False, error="Execution context was destroyed"))
    assert not detection.found and detection.note == "the page could not be inspected"
    assert any(isinstance(op, ops.Sleep) for op in seen)


def test_answer_flow_without_banner_reads_state_and_says_why():
    """No banner: the outcome says so, after reading TCF and consent-mode state; nothing is clicked."""
    def answer(op):
        if isinstance(op, ops.Evaluate) and op.name == "state":
            return ops.OpResult(True, {"localStorage": {}, "tcf": None,
                                       "consentMode": [{"command": "default", "signals": {"ad_storage": "denied"}}]})
        if isinstance(op, ops.Cookies):
            return ops.OpResult(True, [])
        return ops.OpResult(True, _probe())
    outcome, seen = _drive(engine.answer_flow("reject", RULES, WORDS, timeout=0.2), answer)
    assert outcome.reason == "no banner" and not outcome.detected
    assert outcome.consent_mode["default"] == {"ad_storage": "denied"}
    assert not any(isinstance(op, (ops.Click, ops.Uncheck)) for op in seen)


BANNER = decide.Banner(detection=decide.Detection(found=True, cmp="cookiebot"), rule=COOKIEBOT, frame="main", target="#x")


@pytest.mark.parametrize("action, value, verified, reason", [
    ("reject", "{necessary:true,marketing:false}", True, None),
    ("accept", "{necessary:true,marketing:true}", True, None),
    ("accept", "{necessary:true,marketing:false}", False, "consent record cookie CookieConsent records the opposite choice"),
])
def test_judge_reads_the_consent_record_value(action, value, verified, reason):
    """The CMP's record must exist and say what was chosen."""
    ok, how, why = decide.judge(action, BANNER, {}, {"cookie:CookieConsent": value}, shown=False, tcf=None)
    assert (ok, why) == (verified, reason)
    if ok:
        assert how == "banner gone; consent recorded in cookie CookieConsent"


def test_judge_needs_the_banner_gone_and_a_record():
    """A visible banner or a missing record is not verified, with the reason."""
    assert decide.judge("accept", BANNER, {}, {"cookie:CookieConsent": "x"}, shown=True, tcf=None)[2] == \
        "banner still visible after clicking"
    assert decide.judge("accept", BANNER, {"cookie:CookieConsent": "x"}, {"cookie:CookieConsent": "x"}, shown=False,
                        tcf=None)[2] == decide.NO_RECORD


def test_judge_checks_tcf_purpose_one():
    """A TCF string whose purpose 1 contradicts the action is caught."""
    tcf = {"tcStringPresent": True, "eventStatus": "useractioncomplete", "purposeConsents": {"1": True}}
    generic = decide.Banner(detection=decide.Detection(found=True, cmp="generic"), rule=None, frame="main", target="#x")
    assert decide.judge("accept", generic, {}, {}, shown=False, tcf=tcf)[0] is True
    assert decide.judge("reject", generic, {}, {}, shown=False, tcf=tcf)[2] == "TCF purpose 1 consent does not match the choice"


def test_generic_candidate_needs_cookie_words_and_answerable_buttons():
    """A fixed newsletter box is ignored; a fixed cookie bar with buttons is the banner; leave-links are more-info."""
    def button(ref, text, leads_away=False):
        return {"ref": ref, "selector": f"button.{ref}", "text": text, "tag": "a" if leads_away else "button",
                "href": "https://x.nl/privacy" if leads_away else None, "leadsAway": leads_away}
    snapshot = _probe()
    snapshot["candidates"] = [
        {"ref": "c1", "selector": "div.nieuwsbrief", "kind": "fixed", "text": "Schrijf je in voor onze nieuwsbrief",
         "inShadow": False, "buttons": [button("b1", "Aanmelden")], "toggles": {}},
        {"ref": "c2", "selector": "div.cookiebar", "kind": "fixed", "text": "Wij gebruiken cookies voor statistieken.",
         "inShadow": False, "buttons": [button("b2", "Accepteren"), button("b3", "Cookie-instellingen", leads_away=True)],
         "toggles": {}},
    ]
    banner = decide.find_banner(snapshot, RULES, WORDS)
    assert banner.detection.selector == "div.cookiebar"
    assert [(b.role, b.text) for b in banner.detection.buttons] == [("accept", "Accepteren"), ("more-info", "Cookie-instellingen")]
    assert decide.plan("reject", banner) == []  # a settings page elsewhere is not a reject path
