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
    assert not any(isinstance(op, (ops.Click, ops.Reload)) for op in seen)


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
        assert how == "banner gone; consent recorded in cookie CookieConsent (Cookiebot's consent record)"


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
    assert decide.judge("reject", generic, {}, {}, shown=False, tcf=tcf)[2] == "TCF records consent to purposes 1 after the refusal"
    accepted_none = tcf | {"purposeConsents": {"1": False}}
    assert decide.judge("accept", generic, {}, {}, shown=False, tcf=accepted_none)[2] == "TCF purpose 1 consent does not match the choice"


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
    # a settings page elsewhere is never clicked as an answer: the only reject path follows it (the
    # engine does only to a page of the same site), refuses there and comes back
    assert [[(s.kind, s.href) for s in p] for p in decide.plan("reject", banner)] == [[("settings-page", "https://x.nl/privacy")]]


# -- unseen-banner hardening: waiting, settings panels, first-layer toggles, banners in iframes ------------------
QUIET = {"complete": True, "quietMs": 2000, "cookieScript": False}


@pytest.mark.parametrize("change, stops", [
    ({}, True),
    ({"activity": {**QUIET, "complete": False}}, False),  # still loading
    ({"activity": {**QUIET, "quietMs": 400}}, False),  # something loaded or drew just now
    ({"activity": {**QUIET, "cookieScript": True}}, False),  # an inline script handles cookies: it may draw late
    ({"tcfapi": True}, False),  # a TCF CMP is on the page
    ({"scripts": {"consent.cookiebot.com": {"url": "https://consent.cookiebot.com/uc.js", "status": None}}}, False),
    ({"activity": None}, False),  # an older probe: no facts, no early stop
])
def test_the_wait_for_a_late_banner_stops_early_only_when_none_is_coming(change, stops):
    """Quiet, loaded, no CMP present: stop waiting; any sign of a banner to come: keep waiting."""
    assert decide.may_stop_waiting(_probe() | {"activity": QUIET} | change, RULES) is stops


def test_detect_flow_stops_early_on_a_quiet_page_without_cmp():
    """No banner and nothing coming: one probe is enough, not the whole timeout."""
    detection, seen = _drive(engine.detect_flow(RULES, WORDS, timeout=30),
                             lambda op: ops.OpResult(True, _probe() | {"activity": QUIET}))
    assert not detection.found and len([op for op in seen if isinstance(op, ops.Evaluate)]) == 1


def _candidate(text, buttons, toggles=None, kind="fixed", ref="r9"):
    return {"ref": ref, "selector": "div.x", "kind": kind, "text": text, "inShadow": False,
            "buttons": [{"ref": f"b{i}", "selector": "button", "text": t, "leadsAway": False} for i, t in enumerate(buttons)],
            "toggles": toggles or {"total": 0, "enabled": 0, "checked": 0}}


def test_a_settings_panel_that_never_says_cookie_is_found_only_as_a_settings_layer():
    """Toggles plus "Mijn keuze opslaan" right after a settings click are the settings, not elsewhere."""
    panel = _probe() | {"candidates": [_candidate("Statistiek Marketing Mijn keuze opslaan", ["Mijn keuze opslaan"],
                                                  {"total": 3, "enabled": 2, "checked": 2})]}
    assert decide.find_banner(panel, (), WORDS) is None
    banner = decide.find_banner(panel, (), WORDS, settings_layer=True)
    assert banner is not None and [c.role for c in banner.controls] == ["save"]


def test_the_settings_layer_is_preferred_to_the_first_layer_still_drawn_beneath_it():
    """After "Aanpassen" both layers show: the one offering save (longer text, toggles) is the settings."""
    bar = _candidate("Wij gebruiken cookies. Kies via Aanpassen.", ["Alles accepteren", "Aanpassen"], ref="r1")
    dialog = _candidate("Cookievoorkeuren aanpassen. Noodzakelijk, altijd actief. Analytisch: bezoekersstatistieken. "
                        "Marketing: sociale media.", ["Mijn voorkeuren opslaan", "Alles accepteren"],
                        {"total": 4, "enabled": 3, "checked": 3}, kind="dialog", ref="r2")
    snapshot = _probe() | {"candidates": [bar, dialog]}
    assert decide.find_banner(snapshot, (), WORDS).target == decide.ref_selector("r1")  # the first layer, as first found
    layer = decide.find_banner(snapshot, (), WORDS, settings_layer=True)
    assert layer.target == decide.ref_selector("r2") and "save" in [c.role for c in layer.controls]


def test_first_layer_toggles_and_a_save_button_make_a_reject_path():
    """No reject button, but pre-ticked boxes and "Selectie opslaan": untick everything, then save."""
    snapshot = _probe() | {"candidates": [_candidate("Wij gebruiken cookies. Kies welke u toestaat.",
                                                     ["Selectie opslaan", "Alles accepteren"], {"total": 3, "enabled": 2, "checked": 1})]}
    banner = decide.find_banner(snapshot, (), WORDS)
    paths = decide.plan("reject", banner)
    assert [[s.kind for s in path] for path in paths] == [["switch-off", "click"]]
    assert paths[0][0].selector == banner.target and paths[0][1].text == "Selectie opslaan"  # switch off inside the banner


def test_accepting_where_the_only_answer_saves_the_ticked_boxes_ticks_them_all_first():
    """No accept button: tick every category, then save (and refusing unticks them, then saves)."""
    snapshot = _probe() | {"candidates": [_candidate("Wij gebruiken cookies. Kies welke u toestaat.",
                                                     ["Voorkeuren opslaan"], {"total": 3, "enabled": 2, "checked": 2})]}
    banner = decide.find_banner(snapshot, (), WORDS)
    accept, reject = decide.plan("accept", banner), decide.plan("reject", banner)
    assert [[s.kind for s in path] for path in accept] == [["switch-on", "click"]]
    assert [[s.kind for s in path] for path in reject] == [["switch-off", "click"]]
    assert accept[0][1].text == reject[0][1].text == "Voorkeuren opslaan"


def test_a_cookie_notice_without_buttons_yet_is_not_answerable():
    """A bar still animating in (text, no buttons) is kept as a fallback while the engine looks on."""
    snapshot = _probe() | {"candidates": [_candidate("Wij gebruiken cookies voor het analyseren van websitebezoek.", [])]}
    banner = decide.find_banner(snapshot, (), WORDS)
    assert banner is not None and not banner.answerable


def test_a_banner_inside_an_iframe_is_acted_on_in_that_iframe():
    """The banner's frame is the iframe's selector; the buttons report the iframe's URL."""
    inside = _probe() | {"candidates": [_candidate("Deze website gebruikt cookies.", ["Alles accepteren", "Alles weigeren"],
                                                   kind="document", ref="i1")]}
    banner = decide.frame_banner(inside, {"ref": "r3"}, "https://consent.example/dialog", WORDS, [])
    assert banner.frame == banner.target == decide.ref_selector("r3") and banner.answerable
    assert banner.detection.in_iframe and {b.frame for b in banner.detection.buttons} == {"https://consent.example/dialog"}
    assert [p[0].frame for p in decide.plan("reject", banner)] == [decide.ref_selector("r3")]


# -- waiting on conditions, not on the clock ------------------------------------------------------------
def test_patience_needs_both_the_time_and_the_looks():
    """A loaded machine looks less often in the same time: the wait stretches instead of running out."""
    slow = engine.Patience(1.0, 5, started=engine.time.monotonic() - 2.0)
    slow.look(), slow.look()
    assert not slow.done  # two seconds, but only two looks
    for _ in range(3):
        slow.look()
    assert slow.done
    fast = engine.Patience(1.0, 5)
    for _ in range(50):
        fast.look()
    assert not fast.done  # many looks, but not the time
    stuck = engine.Patience(0.1, 1000, started=engine.time.monotonic() - 1.0)
    assert stuck.done and stuck.exhausted  # bounded however slow the looks are


class _SlowServerPage:
    """A canned page: a cookie bar whose choice goes to a slow server; the bar stays until the
    request is answered (``busy_looks`` looks after the click), then the record is there."""

    def __init__(self, busy_looks: int):
        self.busy_looks, self.clicks, self.answered = busy_looks, 0, False

    def __call__(self, op):
        if isinstance(op, ops.Evaluate) and op.name == "probe":
            candidates = [] if self.answered else [_candidate("Wij gebruiken cookies voor statistieken.", ["Accepteren", "Weigeren"])]
            return ops.OpResult(True, _probe() | {"candidates": candidates, "activity": QUIET})
        if isinstance(op, ops.Evaluate):
            return ops.OpResult(True, {"localStorage": {}, "tcf": None, "consentMode": [], "quietMs": 5000})
        if isinstance(op, ops.Geometry):
            return ops.OpResult(True, {"box": {"x": 0, "y": 600, "width": 100, "height": 30}, "enabled": True,
                                       "point": {"x": 50, "y": 615}, "text": ""})
        if isinstance(op, ops.Click):
            self.clicks += 1
            return ops.OpResult(True, {"text": "Weigeren", "detached": False})
        if isinstance(op, ops.Activity):
            if self.clicks and not self.answered:
                self.busy_looks -= 1
                self.answered = self.busy_looks <= 0
                return ops.OpResult(True, {"inflight": 0 if self.answered else 1, "loading": False})
            return ops.OpResult(True, {"inflight": 0, "loading": False})
        if isinstance(op, ops.Cookies):
            return ops.OpResult(True, [{"name": "keuze", "value": "nee"}] if self.answered else [])
        if isinstance(op, ops.PageUrl):
            return ops.OpResult(True, "https://www.example.nl/")
        return ops.OpResult(True)


def test_verification_waits_while_the_click_is_still_being_answered_and_does_not_click_again(monkeypatch):
    """The choice is stored by a slow server: however long its request takes, the engine waits for
    it (and does not click a second time) instead of reporting "banner still visible"."""
    monkeypatch.setattr(engine, "VERIFY", (0.01, 3))  # without the busy page this would end after three looks
    monkeypatch.setattr(engine, "SLOWEST", 10_000)
    monkeypatch.setattr(engine, "SETTLE_MS", 0)
    page = _SlowServerPage(busy_looks=25)
    outcome, seen = _drive(engine.answer_flow("reject", RULES, WORDS, timeout=2), page)
    assert outcome.verified, outcome.reason
    assert page.clicks == 1 and outcome.clicks == 1
    assert "cookie keuze" in outcome.verification


def test_a_frame_that_could_not_be_looked_into_keeps_the_wait_for_a_banner_going():
    """A quiet page would stop the wait at once, unless an iframe on it could not be inspected yet."""
    frame = {"ref": "f1", "selector": "iframe", "src": "https://consent.example/", "positioned": True, "area": 90000}
    looks = []

    def answer(op):
        if isinstance(op, ops.Evaluate) and op.frame != "main":
            return ops.OpResult(False, error="Protocol error: cannot find context")
        looks.append(op)
        return ops.OpResult(True, _probe() | {"activity": QUIET, "frames": [frame]})
    detection, _ = _drive(engine.detect_flow(RULES, WORDS, timeout=0.3), answer)
    assert not detection.found and len(looks) >= 3


def test_a_control_known_only_by_its_click_handler_is_offered():
    """A span with a handler added by addEventListener: the DevTools protocol is asked, and it counts."""
    bar = _candidate("Wij gebruiken cookies voor statistieken.", ["Accepteren"], ref="c1") | {
        "unmarked": [{"ref": "u1", "selector": "span", "text": "Weigeren", "leadsAway": False, "chain": ["c1"]}]}
    asked = []

    def answer(op):
        if isinstance(op, ops.Listeners):
            asked.append(op.container)
            return ops.OpResult(True, ["u1"])
        return ops.OpResult(True, _probe() | {"candidates": [bar], "activity": QUIET})
    detection, _ = _drive(engine.detect_flow(RULES, WORDS, timeout=1), answer)
    assert asked == ["c1"]
    assert [(b.role, b.text) for b in detection.buttons] == [("accept", "Accepteren"), ("reject", "Weigeren")]


class _FakePage:
    """Just enough of a Playwright page for the driver's request tracker."""

    main_frame = object()

    def on(self, event, handler):
        pass


def test_an_operation_that_never_answers_is_thrown_into_the_flow_and_ends_the_phase(monkeypatch):
    """The async driver gives each operation its budget: one that never returns (the state read after
    the banner was found) ends answer_flow with the reason; detect_flow says so in its note."""
    import asyncio
    import concurrent.futures

    from consent_banner import driver

    banner = {"ref": "c1", "kind": "fixed", "text": "Wij gebruiken cookies. Accepteren Weigeren", "box": {"x": 0, "y": 0, "width": 800, "height": 90},
              "buttons": [{"ref": "b1", "text": "Accepteren", "tag": "button"}, {"ref": "b2", "text": "Weigeren", "tag": "button"}]}
    seen = []

    async def perform(page, op, before_click=None):
        seen.append(op)
        if isinstance(op, ops.Cookies) and any(isinstance(o, ops.Geometry) for o in seen):
            await asyncio.Event().wait()  # never answers
        if isinstance(op, ops.Evaluate) and op.name == "probe":
            return ops.OpResult(True, _probe(candidates=[banner]) | {"candidates": [banner]})
        if isinstance(op, ops.Geometry):
            return ops.OpResult(True, {"box": {"x": 0, "y": 0, "width": 800, "height": 90}, "enabled": True,
                                       "point": {"x": 10, "y": 10}, "text": ""})
        if isinstance(op, ops.Cookies):
            return ops.OpResult(True, [])
        return ops.OpResult(True, {})

    def run(flow, budget):
        # in a thread of its own: pytest-playwright's sync API may own this thread's event loop
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, driver.run_async(flow, _FakePage(), op_budget=budget)).result(timeout=120)

    monkeypatch.setattr(driver, "_async_perform", perform)
    outcome = run(engine.answer_flow("reject", RULES, WORDS, timeout=1), 0.5)
    assert outcome.detected and not outcome.verified
    assert outcome.reason == "the browser gave no answer: Cookies timed out after 0.5 s"

    async def never(page, op, before_click=None):
        await asyncio.Event().wait()

    monkeypatch.setattr(driver, "_async_perform", never)
    detection = run(engine.detect_flow(RULES, WORDS, timeout=1), 0.2)
    assert not detection.found and detection.note == "the browser gave no answer: Evaluate probe timed out after 0.2 s"
