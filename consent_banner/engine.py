"""The engine: detect and answer a banner as generators of browser operations.

Each flow yields :mod:`~consent_banner.ops` operations and receives their
:class:`~consent_banner.ops.OpResult`; a driver (``driver.py``) performs them on a sync or
an async page. The flows behave like a person: wait for a late banner, wait until a control has
stopped moving and can be reached, click, look again, and check that the choice was stored.

Every wait is for a condition (the control ready, the settings layer drawn, a switch off, the
banner gone and its record written, the page's own requests and reload done) and is measured in
looks as well as in seconds (:class:`Patience`): on a loaded machine each look takes longer and
the wait stretches with it, so the answer does not depend on the machine's speed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generator, Optional

from . import decide, ops
from .models import Detection, Outcome, Step
from .rules import CmpRule
from .vocabulary import Vocabulary, clean_text

__all__ = ["DEFAULT_TIMEOUT", "Patience", "answer_flow", "detect_flow"]

Flow = Generator[Any, ops.OpResult, Any]

DEFAULT_TIMEOUT = 5.0  # seconds to wait for a late banner
POLL_MS = 250
STABLE_MS = 300  # the banner's box must stay put this long before a click
SETTLE_MS = 500  # some CMPs attach their handlers ~500 ms after drawing the banner
STEP = (3.0, 12)  # (seconds, looks) a control of a later step may take to appear and be ready
LAYER = (3.0, 10)  # ... a settings layer to show its reject, save or close option
SWITCHED = (1.0, 5)  # ... a switch to show it is off after its click, a tab to show it is open
VERIFY = (3.0, 12)  # ... the banner to go and the consent record to appear after the click
REAPPEAR_MS = 500
GONE = (0.6, 3)  # an element missing from the page this long (and this often) is gone: re-rendered or removed
NOT_VISIBLE = "not visible"
TAGS = (3.0, 6)  # after accept, how long consent-gated tags may take to fire
TAGS_QUIET_MS = 800
RELOAD_WATCH = (2.5, 6)  # after the reload that checks a refusal, how long to watch for the banner
MAX_TABS = 12  # tabs or collapsed sections of one settings layer opened to find its toggles
SLOWEST = 5  # a wait never lasts longer than this many times its seconds, however slow the looks


class Patience:
    """How long a wait for a condition lasts: until ``seconds`` have passed *and* the page was
    looked at ``looks`` times (``done``). On a loaded machine every look takes longer, so the wait
    stretches with the machine instead of giving up early; ``exhausted`` (``SLOWEST`` times the
    seconds) bounds it however slow the looks are."""

    def __init__(self, seconds: float, looks: int, started: Optional[float] = None) -> None:
        self.seconds, self.looks = seconds, looks
        self.started = time.monotonic() if started is None else started
        self.count = 0

    @classmethod
    def of(cls, budget: tuple[float, int]) -> "Patience":
        return cls(*budget)

    def look(self) -> None:
        self.count += 1

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def exhausted(self) -> bool:
        return self.elapsed >= self.seconds * SLOWEST

    @property
    def done(self) -> bool:
        return self.exhausted or (self.elapsed >= self.seconds and self.count >= self.looks)


class _Stop(Exception):
    """A path cannot go on: the page navigated away, a frame detached."""


@dataclass
class _Run:
    """What one answer flow carries between its steps."""

    outcome: Outcome
    vocabulary: Vocabulary
    url_before: str = ""
    detached: bool = False  # a click's frame went away under it
    reload_check: bool = True  # after a refusal, reload and check it holds
    last_click: float = 0.0  # time.monotonic() of the last click
    last_answer: Optional[tuple[str, str]] = None  # (role, text) of the last control clicked by its words


def _fault(error: Optional[str]) -> Optional[str]:
    """A reason when ``error`` means the page or frame is gone rather than a missing element."""
    text = (error or "").lower()
    if "detached" in text or "no frame for" in text:
        return "frame detached mid-click"
    if "closed" in text and ("target" in text or "page" in text):
        return "page closed during the click"
    if "navigat" in text or "execution context was destroyed" in text:
        return "navigation during the click"
    return None


# -- looking ---------------------------------------------------------------------------------------
def _look(arg: dict, vocabulary: Vocabulary, frame: str = "main", pierce: bool = False) -> Flow:
    """One probe of ``frame``; elements that make a choice in words but look like nothing
    clickable count as controls when the DevTools protocol shows a mouse handler on them (or on
    an element around them inside the banner). Returns the OpResult (its value promoted)."""
    result = yield ops.Evaluate("probe", arg, frame=frame, pierce=pierce)
    if not result.ok:
        return result
    asks = decide.unmarked_choices(result.value, vocabulary)
    if not asks:
        return result
    listened: set[str] = set()
    for container in asks:
        found = yield ops.Listeners(container, frame)
        if found.ok:
            listened.update(found.value)
    return ops.OpResult(True, decide.promote_listened(result.value, listened), frame_url=result.frame_url)


# -- detection -----------------------------------------------------------------------------------
def _look_in_frames(snapshot: dict, rules: tuple[CmpRule, ...], vocabulary: Vocabulary) -> Flow:
    """(A custom banner inside one of the main document's iframes or None, whether every iframe could be looked into)."""
    present = [r.id for r in rules if decide._present_by(snapshot, r)]
    fallback, complete = None, True
    for iframe in decide.frames_to_probe(snapshot):
        selector = decide.ref_selector(iframe["ref"])
        arg = decide.probe_arg((), ref_prefix="i", whole_document=True)
        inside = yield from _look(arg, vocabulary, frame=selector)
        if inside.ok and inside.value.get("closedHint"):
            # custom elements without an open shadow root: look into closed ones too (DevTools protocol)
            pierced = yield from _look(arg, vocabulary, frame=selector, pierce=True)
            inside = pierced if pierced.ok else inside
        if not inside.ok:
            complete = complete and bool(_fault(inside.error))  # a frame that went away hides nothing
            continue
        banner = decide.frame_banner(inside.value, iframe, inside.frame_url, vocabulary, present)
        if banner is not None and banner.answerable:
            return banner, complete
        fallback = fallback or banner
    return fallback, complete


def find_flow(rules: tuple[CmpRule, ...], vocabulary: Vocabulary, timeout: float) -> Flow:
    """Look for a banner until one shows or ``timeout`` passes; return (Banner|None, Detection, first_seen).

    A cookie notice with nothing to click yet (its buttons still animating in) is kept while
    looking on for an answerable one. The wait ends early when no banner is coming (see
    :func:`decide.may_stop_waiting`): a page with no CMP, loaded and quiet for a while, every
    frame looked into.
    """
    patience = Patience(timeout, 3)
    arg = decide.probe_arg(rules, frames=True)
    snapshot, fallback, pierce = None, None, False
    while True:
        result = yield from _look(arg, vocabulary, pierce=pierce)
        patience.look()
        if result.ok and not pierce and result.value.get("closedHint"):
            # custom elements without an open shadow root: look into closed ones too (DevTools protocol)
            pierce = True
            result = yield from _look(arg, vocabulary, pierce=True)
        complete = result.ok
        if result.ok:
            snapshot = result.value
            banner = decide.find_banner(snapshot, rules, vocabulary)
            if banner is not None and banner.rule is not None and banner.rule.frame:
                inside = yield ops.Evaluate("probe", decide.frame_probe_arg(banner.rule), frame=banner.rule.frame)
                banner = decide.merge_frame_view(banner, inside.value, inside.frame_url, vocabulary) if inside.ok else None
            if banner is None or not banner.answerable:
                in_frame, complete = yield from _look_in_frames(snapshot, rules, vocabulary)
                if in_frame is not None and (in_frame.answerable or banner is None):
                    banner = in_frame
            if banner is not None and banner.answerable:
                return banner, banner.detection, time.monotonic()
            if banner is not None:
                fallback = banner
        if patience.done or (complete and decide.may_stop_waiting(snapshot, rules)):
            if fallback is not None:
                return fallback, fallback.detection, time.monotonic()
            return None, decide.nothing_found(snapshot, rules), None
        yield ops.Sleep(_next_look_ms(snapshot))


def _next_look_ms(snapshot: Optional[dict]) -> int:
    """When to look again: at the usual pace, or just when a quiet page will have been quiet long enough."""
    activity = (snapshot or {}).get("activity") or {}
    quiet = activity.get("quietMs")
    if activity.get("complete") and isinstance(quiet, (int, float)) and quiet < decide.QUIET_MS:
        return int(max(50, min(POLL_MS, decide.QUIET_MS - quiet + 20)))
    return POLL_MS


def detect_flow(rules: tuple[CmpRule, ...], vocabulary: Vocabulary, timeout: float = DEFAULT_TIMEOUT) -> Flow:
    """Detect the banner; return a Detection (``found=False`` when none shows, or when the browser
    stopped answering: the note says which operation timed out)."""
    try:
        _, detection, _ = yield from find_flow(rules, vocabulary, timeout)
    except ops.TimedOut as exc:
        return Detection(found=False, note=f"the browser gave no answer: {exc}")
    return detection


# -- waiting like a person -------------------------------------------------------------------------
def _wait_ready(selector: str, frame: str, patience: Patience, not_before: float = 0.0, stable_ms: int = STABLE_MS,
                control: bool = True) -> Flow:
    """Wait until the element is visible, enabled, in the same place on two looks ``stable_ms``
    apart and, for a ``control``, reachable by a click (nothing covers it; a banner as a whole may
    be partly covered); return None, or why it never was."""
    last_box, steady_since, error, missing = None, None, None, None
    while True:
        result = yield ops.Geometry(selector, frame, scroll=control)
        patience.look()
        now = time.monotonic()
        if result.ok and result.value is None:  # no such element any more: removed, or drawn anew
            missing = missing or Patience.of(GONE)
            missing.look()
            if missing.done:
                return NOT_VISIBLE
        else:
            missing = None
        if not result.ok:
            error = result.error
            if _fault(error):
                return _fault(error)
        elif result.value is None or result.value["box"] is None:
            error = NOT_VISIBLE
        elif not result.value["enabled"]:
            error = "disabled"
        elif control and not result.value.get("point"):
            error, last_box = "covered by another element", None
        else:
            box = result.value["box"]
            if box != last_box:
                last_box, steady_since = box, now
            elif now - steady_since >= stable_ms / 1000 and now >= not_before:
                return None
            error = None
        if patience.done:
            return error or "never stopped moving"
        yield ops.Sleep(100)


def _click(target: str, frame: str, run: _Run) -> Flow:
    """The one place the engine clicks: real mouse input on ``target`` (see ``ops.Click``),
    counted, the time kept; a page or frame gone under it stops the path. Returns the OpResult;
    the caller records the step with its evidence."""
    started = time.monotonic()  # the page's requests in answer to the click start after this
    result = yield ops.Click(target, frame)
    if not result.ok:
        if _fault(result.error):
            raise _Stop(_fault(result.error))
        return result
    run.outcome.clicks += 1
    run.last_click = started
    run.detached = run.detached or bool((result.value or {}).get("detached"))
    return result


# -- answering ------------------------------------------------------------------------------------
def _records() -> Flow:
    """Cookies and the main frame's localStorage, plus its TCF state and consent-mode signals."""
    cookies = yield ops.Cookies()
    state = yield ops.Evaluate("state", {"tcfTimeout": 800})
    values = state.value if state.ok else {}
    found = decide.records(cookies.value if cookies.ok else [], values.get("localStorage") or {})
    return found, values.get("tcf"), decide.summarise_consent_mode(values.get("consentMode") or [])


def _new_tracking_cookies(before: dict[str, str]) -> Flow:
    """Names of cookies not there before the click that the rule set calls analytic or marketing."""
    cookies = yield ops.Cookies()
    jar = cookies.value if cookies.ok else []
    return decide.tracking_cookies([c for c in jar if f"cookie:{c['name']}" not in before])


def _busy(run: _Run) -> Flow:
    """True while the page is loading a document or a request started since the last click is in flight."""
    activity = yield ops.Activity(since=run.last_click)
    if not activity.ok:
        return False
    if activity.value.get("loading"):
        yield ops.Settle()  # the page reloads or navigates itself (a choice stored on the server, then a reload)
        return True
    return bool(activity.value.get("inflight"))


def _await_tags(before: dict[str, str], run: _Run) -> Flow:
    """After accept: give consent-gated tags the time to fire, until a tracking cookie appears and
    the page is quiet, or nothing more loads."""
    patience = Patience.of(TAGS)
    fired: list[str] = []
    while not patience.done:
        state = yield ops.Evaluate("state", {"tcfTimeout": 200})
        patience.look()
        quiet = (state.value or {}).get("quietMs", 0) if state.ok else 0
        fired = yield from _new_tracking_cookies(before)
        if quiet >= (300 if fired else TAGS_QUIET_MS) and patience.count >= 2:
            break
        yield ops.Sleep(POLL_MS)
    run.outcome.steps.append(Step(action="wait", text="for consent-gated tags" + (f": {', '.join(fired[:5])} set" if fired else "")))


def _reload_check(banner: decide.Banner, before: dict[str, str], arg: dict, pierce: bool, run: _Run) -> Flow:
    """After reject: reload; the refusal holds when no new analytic or marketing cookie appears.
    Returns (why the refusal did not hold, or None; a note, e.g. that the banner asks again)."""
    result = yield ops.Reload()
    run.outcome.steps.append(Step(action="reload", text="to check the refusal holds", ok=result.ok, error=result.error))
    if not result.ok:
        return None, None  # a reload that timed out proves nothing either way
    run.last_click = time.monotonic()  # requests from here on belong to the reloaded page
    patience = Patience.of(RELOAD_WATCH)
    note = None
    while True:
        yield ops.Sleep(POLL_MS)
        probe = yield from _look(arg, run.vocabulary, pierce=pierce)
        patience.look()
        if probe.ok and decide.banner_still_shown(probe.value, banner, run.vocabulary):
            # The site asks again (its choice is not remembered, or it never reads it): the refusal
            # itself stands as long as no tracker comes; the scan goes on with the banner unanswered.
            note = "the banner shows again after a reload"
        quiet = ((probe.value or {}).get("activity") or {}).get("quietMs", 0) if probe.ok else 0
        busy = yield from _busy(run)
        if patience.done or (patience.count >= 4 and quiet >= 700 and not busy):
            break
    new = yield from _new_tracking_cookies(before)
    if new:
        return f"after a reload, new tracking cookies: {', '.join(new[:5])}", note
    return None, note


def _run_step(step: decide.PlanStep, run: _Run) -> Flow:
    """Perform one planned step, appending to ``outcome.steps``; return False when the path failed."""
    outcome = run.outcome
    if step.kind == "wait":
        yield ops.Sleep(step.ms)
        outcome.steps.append(Step(action="wait", text=f"{step.ms} ms"))
        return True
    if step.kind == "second-layer":
        return (yield from _second_layer(step.frame, run, accept=step.role == "accept"))
    if step.kind == "settings-page":
        return (yield from _settings_page(step, run))
    if step.kind in ("switch-off", "switch-on"):
        on = step.kind == "switch-on"
        if step.role == "select":
            ok, _ = yield from _switch_categories(None, step.frame, run, select=step.selector, on=on)
        else:
            ok, _ = yield from _switch_categories(step.selector, step.frame, run, on=on)
        return ok or step.optional
    # The banner as a whole was already seen still; one element only needs two equal readings.
    failure = yield from _wait_ready(step.selector, step.frame, Patience.of(STEP), stable_ms=90)
    if failure == NOT_VISIBLE and step.kind == "click" and step.role and step.text:
        # A page that renders its banner anew drops the element we stamped: find it again by its words.
        again = yield from _relocate(step, run)
        if again is not None:
            step = again
            failure = yield from _wait_ready(step.selector, step.frame, Patience.of(STEP), stable_ms=90)
    if step.kind == "wait-for":
        outcome.steps.append(Step(action="wait-for", selector=step.shown_as, frame=step.frame,
                                  ok=failure is None, error=failure))
        return failure is None or step.optional
    if failure is not None:
        if _fault(failure):
            outcome.steps.append(Step(action="click", selector=step.shown_as, text=step.text, ok=False, error=failure))
            raise _Stop(_fault(failure))
        if not step.optional:
            outcome.steps.append(Step(action="click", selector=step.shown_as, text=step.text, ok=False, error=failure))
        return step.optional
    result = yield from _click(step.selector, step.frame, run)
    text = step.text or (clean_text((result.value or {}).get("text"), 200) or None)
    outcome.steps.append(Step(action="click", selector=step.shown_as, text=text, frame=result.frame_url,
                              ok=result.ok, error=result.error))
    if not result.ok:
        return step.optional
    if step.role:
        run.last_answer = (step.role, text or "")
    yield ops.Sleep(150)
    url = yield ops.PageUrl()
    if url.ok and not decide.same_page(run.url_before, url.value):
        raise _Stop(f"navigation: the click led away to {url.value}")
    return True


def _relocate(step: decide.PlanStep, run: _Run) -> Flow:
    """The same control (same role and words) in a banner drawn anew, or None."""
    arg = decide.probe_arg((), ref_prefix="a", whole_document=step.frame != "main")
    probe = yield from _look(arg, run.vocabulary, frame=step.frame)
    banner = decide.find_banner(probe.value, (), run.vocabulary) if probe.ok else None
    if banner is None:
        return None
    for control in banner.controls:
        if control.role == step.role and control.text == step.text:
            return decide.PlanStep("click", control.target, step.frame, control.text, control.shown_as, role=step.role)
    return None


def _toggle_arg(run: _Run, container: Optional[str], select: Optional[str] = None) -> dict:
    return {"container": container, "select": select, "necessary": run.vocabulary.necessary,
            "off": run.vocabulary.radio_off, "refPrefix": "t"}


def _read_toggles(run: _Run, css: Optional[str], select: Optional[str], frame: str, pierce: bool) -> Flow:
    result = yield ops.Evaluate("toggles", _toggle_arg(run, css, select), frame=frame, pierce=pierce)
    if not result.ok and _fault(result.error):
        raise _Stop(_fault(result.error))
    return result


def _switch_categories(container: Optional[str], frame: str, run: _Run, select: Optional[str] = None, on: bool = False) -> Flow:
    """Switch off every category control that is on inside ``container`` (None: the whole frame),
    except necessary or disabled ones, tab by tab; wait until each shows it is off after its
    click. Every switch and tab is a step with its label. Returns (ok, toggles found).
    ``on``: switch every one that is off on instead (accepting through a "save" button)."""
    outcome = run.outcome
    verb = "toggle-on" if on else "toggle-off"
    css, pierce = decide.as_css(container) if container else (None, True)
    pierce = pierce or frame != "main" or container is None
    seen_tabs: set[str] = set()
    done: set[str] = set()  # toggle refs clicked (and checked) already
    already: dict[str, str] = {}  # toggle ref -> label of an optional one found as asked, never clicked
    found = 0
    ok = True
    for _ in range(MAX_TABS + 1):
        result = yield from _read_toggles(run, css, select, frame, pierce)
        if not result.ok:
            outcome.steps.append(Step(action=verb, text="settings toggles", ok=False, error=result.error))
            return False, found
        toggles = [t for t in result.value["toggles"] if not t["necessary"] and not t["disabled"]]
        found = max(found, len(result.value["toggles"]))
        if toggles and outcome.preticked is None:
            outcome.preticked = any(t["on"] for t in toggles)
        elif any(t["on"] for t in toggles):
            outcome.preticked = True
        clicked: dict[str, tuple[str, str]] = {}  # toggle ref -> (label, frame URL)
        for toggle in toggles:
            click_ref = toggle.get("onClickRef") if on and toggle["kind"] == "radio" else toggle["clickRef"]
            # (a radio pair with neither option chosen is neither on nor off: both answers set it)
            if toggle["on"] is not None and bool(toggle["on"]) is on and toggle["ref"] not in done:
                already.setdefault(toggle["ref"], clean_text(toggle["label"], 80) or toggle["kind"])
            if (toggle["on"] is not None and bool(toggle["on"]) is on) or not click_ref or toggle["ref"] in done:
                continue
            label = clean_text(toggle["label"], 80) or toggle["kind"]
            target = decide.target_of({"ref": click_ref, "closed": toggle.get("closed")})
            failure = yield from _wait_ready(target, frame, Patience.of(SWITCHED), stable_ms=60)
            click = (yield from _click(target, frame, run)) if failure is None else ops.OpResult(False, error=failure)
            done.add(toggle["ref"])
            if not click.ok:
                outcome.steps.append(Step(action=verb, text=label, frame=click.frame_url, ok=False, error=click.error))
                ok = False
                continue
            clicked[toggle["ref"]] = (label, click.frame_url)
        if clicked:
            # Verify: every toggle clicked here shows it is off (a framework may redraw it a moment later).
            patience = Patience.of(SWITCHED)
            while True:
                check = yield from _read_toggles(run, css, select, frame, pierce)
                patience.look()
                state = {t["ref"]: t["on"] for t in (check.value or {}).get("toggles", [])} if check.ok else {}
                if all(_switched(state, ref, on) for ref in clicked) or patience.done:
                    break
                yield ops.Sleep(100)
            for ref, (label, where) in clicked.items():
                unchanged = not _switched(state, ref, on)
                outcome.steps.append(Step(action=verb, text=label, frame=where, ok=not unchanged,
                                          error=f"still {'off' if on else 'on'} after the click" if unchanged else None))
                ok = ok and not unchanged
        for t in result.value["tabs"]:
            if t["selected"]:
                seen_tabs.add(t["ref"])
        tab = next((t for t in result.value["tabs"] if not t["selected"] and t["ref"] not in seen_tabs), None)
        if tab is None:
            break
        seen_tabs.add(tab["ref"])
        click = yield from _click(decide.target_of(tab), frame, run)
        outcome.steps.append(Step(action="tab", text=clean_text(tab["text"], 80) or None, frame=click.frame_url,
                                  ok=click.ok, error=click.error))
        if click.ok:
            # wait until the tab shows it is open (its panel drawn) before reading its toggles
            patience = Patience.of(SWITCHED)
            while not patience.done:
                check = yield from _read_toggles(run, css, select, frame, pierce)
                patience.look()
                if any(t["ref"] == tab["ref"] and t["selected"] for t in (check.value or {}).get("tabs", [])):
                    break
                yield ops.Sleep(100)
    if already:
        # Evidence of what the save that follows stored: the categories that were already as asked.
        outcome.steps.append(Step(action="check", text=f"already {'on' if on else 'off'}: " + ", ".join(already.values())))
    return ok, found


def _switched(state: dict, ref: str, on: bool) -> bool:
    """A clicked toggle shows the state asked for: on, or not on (gone from the layer counts as off);
    a radio pair still without a choice (None) is neither."""
    if ref in state and state[ref] is None:
        return False
    return (state.get(ref) is True) is on


def _second_layer(frame: str, run: _Run, accept: bool = False, whole_page: bool = False) -> Flow:
    """After a settings button: the settings layer (in the main document, an iframe or a shadow
    root): press its reject, or switch every category off (tab by tab) and press save, else close.
    ``accept`` (a banner whose only option is its settings): press the layer's accept, or switch
    every category on and press save. ``whole_page``: the settings are a page of their own (the
    site's settings page), not a layer over the page."""
    if accept:
        return (yield from _second_layer_accept(frame, run))
    layer = yield from _settings_layer(frame, run, ("reject", "save", "close"), whole_page=whole_page)
    if layer is None:
        return False
    banner, controls = layer
    if controls["reject"]:
        return (yield from _press(controls["reject"][0], frame, run))
    # The layer may still be sliding or fading in: its toggles are clicked once it stands still.
    yield from _wait_ready(banner.target if frame == "main" else "body", frame, Patience.of(SWITCHED), control=False)
    container = banner.target if frame == "main" else None  # in an iframe: the whole frame, closed roots too
    ok, found = yield from _switch_categories(container, frame, run)
    if not ok:
        return False
    if not found and not controls["save"]:
        run.outcome.steps.append(Step(action="wait-for", text="settings toggles", ok=False,
                                      error="the settings showed no toggles to switch off and no save option"))
        return False
    return (yield from _press((controls["save"] or controls["close"])[0], frame, run))


def _second_layer_accept(frame: str, run: _Run) -> Flow:
    layer = yield from _settings_layer(frame, run, ("accept", "save"))
    if layer is None:
        return False
    banner, controls = layer
    if controls["accept"]:
        return (yield from _press(controls["accept"][0], frame, run))
    yield from _wait_ready(banner.target if frame == "main" else "body", frame, Patience.of(SWITCHED), control=False)
    ok, _ = yield from _switch_categories(banner.target if frame == "main" else None, frame, run, on=True)
    if not ok:
        return False
    return (yield from _press(controls["save"][0], frame, run))


def _settings_layer(frame: str, run: _Run, roles: tuple[str, ...], whole_page: bool = False) -> Flow:
    """Wait for a settings layer offering one of ``roles``: (banner, role -> its controls), or None
    (recorded as a failed step) when none shows within the layer's patience."""
    patience = Patience.of(LAYER)
    arg = decide.probe_arg((), ref_prefix="s", whole_document=whole_page or frame != "main")
    while True:
        yield ops.Sleep(POLL_MS)
        probe = yield from _look(arg, run.vocabulary, frame=frame, pierce=True)
        patience.look()
        banner = decide.find_banner(probe.value, (), run.vocabulary, settings_layer=True) if probe.ok else None
        if banner is not None:
            controls = {role: [c for c in banner.controls if c.role == role] for role in roles}
            if any(controls.values()):
                return banner, controls
        if patience.done:
            options = ", ".join(roles[:-1]) + f" or {roles[-1]}"
            article = "an" if options[0] in "aeiou" else "a"
            run.outcome.steps.append(Step(action="wait-for", text=f"settings with {article} {options} option", ok=False,
                                          error=f"the settings showed no {options} option"))
            return None


def _settings_page(link: decide.PlanStep, run: _Run) -> Flow:
    """Refuse on the site's own settings page: follow the banner's settings link (only to a page of
    the same site), switch every category off there and save (as on a settings layer), then load
    the page the banner was on again, where the refusal is verified. Both navigations are steps
    with their URL. Returns True when the settings were saved."""
    outcome, home = run.outcome, run.url_before
    why_not = decide.settings_page_allowed(home, link.href)
    if why_not is not None:
        outcome.steps.append(Step(action="navigate", text=link.text, url=link.href, ok=False, error=f"not followed: {why_not}"))
        return False
    failure = yield from _wait_ready(link.selector, link.frame, Patience.of(STEP), stable_ms=90)
    if failure is not None:
        outcome.steps.append(Step(action="click", selector=link.shown_as, text=link.text, ok=False, error=failure))
        return False
    clicked_at = time.monotonic()
    try:
        click = yield from _click(link.selector, link.frame, run)
    except _Stop:  # the navigation began during the click
        click = ops.OpResult(True)
    if not click.ok:
        outcome.steps.append(Step(action="click", selector=link.shown_as, text=link.text, ok=False, error=click.error))
        return False
    landed, tab = yield from _await_navigation(home, clicked_at)
    if tab is not None:
        # The link opened a new tab (target=_blank): that tab is closed, and the settings page is
        # loaded in this one, where the scan goes on (only a page of this site).
        allowed = decide.settings_page_allowed(home, tab) is None
        outcome.steps.append(Step(action="navigate", selector=link.shown_as, text=f"{link.text} (opened a new tab, closed)",
                                  url=tab, ok=allowed, error=None if allowed else "the link did not lead to a page of this site"))
        if not allowed:
            return False
        loaded = yield ops.Goto(tab)
        landed = loaded.value if loaded.ok else None
        run.last_click = time.monotonic()  # requests from here on belong to the settings page
    if landed is None or decide.settings_page_allowed(home, landed) is not None:
        outcome.steps.append(Step(action="navigate", selector=link.shown_as, text=link.text, url=landed or link.href, ok=False,
                                  error="the link did not lead to a page of this site" if landed else "the link led nowhere"))
        if landed is not None:
            yield from _go_back(home, run)
        return False
    outcome.steps.append(Step(action="navigate", selector=link.shown_as, text=link.text, url=landed))
    run.url_before = landed  # clicks on the settings page stay on it
    stopped = None
    try:
        saved = yield from _second_layer("main", run, whole_page=True)
    except _Stop as stop:
        # A settings form that posts and loads a page (the same one, or the home page) has saved.
        saved = str(stop).startswith("navigation")
        if saved:
            yield ops.Settle()
        else:
            stopped = stop
    if saved:
        yield from _quiet_after_click(run)
    run.url_before = home
    yield from _go_back(home, run)  # whatever happened there: the phase goes on from the page it started on
    if stopped is not None:
        raise stopped
    return saved


def _await_navigation(start: str, clicked_at: float) -> Flow:
    """After a click on a link: (the URL of the page it loaded, once loaded, or None when the page
    stayed where it was; the URL of a new tab it opened instead, that tab closed, or None)."""
    patience = Patience.of(STEP)
    while not patience.done:
        url = yield ops.PageUrl()
        patience.look()
        if url.ok and not decide.same_page(start, url.value):
            settled = yield ops.Settle()
            return (settled.value if settled.ok else url.value), None
        opened = yield ops.Popups(since=clicked_at)
        tabs = [u for u in (opened.value or []) if u and u != "about:blank"] if opened.ok else []
        if tabs:
            return None, tabs[0]
        yield ops.Sleep(POLL_MS)
    return None, None


def _quiet_after_click(run: _Run) -> Flow:
    """Let the page finish what the last click started (its requests, a reload) before leaving it."""
    patience = Patience.of(SWITCHED)
    while not patience.done:
        busy = yield from _busy(run)
        patience.look()
        if not busy and patience.count >= 2:
            break
        yield ops.Sleep(POLL_MS)


def _go_back(home: str, run: _Run) -> Flow:
    """Load the page the banner was on again (a step with its URL)."""
    result = yield ops.Goto(home)
    run.outcome.steps.append(Step(action="navigate", text="back to the page the banner was on", url=home,
                                  ok=result.ok, error=result.error))
    run.last_click = time.monotonic()  # requests from here on belong to that page
    if not result.ok:
        raise _Stop(f"could not load the page the banner was on again: {result.error}")


def _press(control, frame: str, run: _Run) -> Flow:
    """Press one control of a layer as a recorded step of ``run`` (``_run_step`` of a click)."""
    return (yield from _run_step(decide.PlanStep("click", control.target, frame, control.text, control.shown_as,
                                                 role=control.role), run))


def _path_available(path: list[decide.PlanStep]) -> Flow:
    # A path that starts by switching toggles off is there when its save button is.
    first = next((s for s in path if s.kind not in ("switch-off", "switch-on")), path[0])
    if first.selector is None:
        return True
    result = yield ops.Geometry(first.selector, first.frame)
    return bool(result.ok and result.value and result.value["box"])


def answer_flow(action: str, rules: tuple[CmpRule, ...], vocabulary: Vocabulary, timeout: float = DEFAULT_TIMEOUT,
                screenshot_dir: Optional[Path] = None) -> Flow:
    """Find the banner and answer it with ``action`` ('accept' or 'reject'); return an Outcome.
    An operation the browser never answers ends the flow: not verified, the reason names it."""
    outcome = Outcome(action=action)
    run = _Run(outcome, vocabulary)
    try:
        yield from _answer(action, rules, vocabulary, timeout, screenshot_dir, run)
    except ops.TimedOut as exc:
        outcome.verified = False
        why = f"the browser gave no answer: {exc}"
        outcome.reason = f"{outcome.reason}; {why}" if outcome.reason else why
    return outcome


def _answer(action: str, rules: tuple[CmpRule, ...], vocabulary: Vocabulary, timeout: float,
            screenshot_dir: Optional[Path], run: _Run) -> Flow:
    outcome = run.outcome
    banner, detection, first_seen = yield from find_flow(rules, vocabulary, timeout)
    outcome.detection, outcome.cmp = detection, detection.cmp
    if banner is None:
        _, outcome.tcf, outcome.consent_mode = yield from _records()
        outcome.reason = "no banner" + (f": {detection.note}" if detection.note else "")
        return outcome
    outcome.detected = True
    _adopt(outcome, detection)

    patience = Patience(min(timeout, STEP[0] + 2), 15)
    failure = yield from _wait_ready(banner.target, "main", patience, first_seen + SETTLE_MS / 1000, control=False)
    for _ in range(3):
        if failure != NOT_VISIBLE or _fault(failure):
            break
        # Gone before the click: drawn anew (a framework re-rendering it), or replaced by the real one.
        again, detection_again, seen_again = yield from find_flow(rules, vocabulary, max(1.0, timeout / 2))
        if again is None:
            break
        banner, detection = again, detection_again
        _adopt(outcome, detection)
        failure = yield from _wait_ready(banner.target, "main", Patience(min(timeout, STEP[0] + 2), 15),
                                         seen_again + SETTLE_MS / 1000, control=False)
    if failure is not None:
        outcome.reason = _fault(failure) or f"banner disappeared before it could be answered ({failure})"
        return outcome
    # It was read when first seen, perhaps while still sliding in with part of it off screen (a
    # side panel shows its "×" and its right-hand button first): read it again now it stands still.
    settled, detection_settled, _ = yield from find_flow(rules, vocabulary, 0.5)
    if settled is not None and settled.answerable and settled.target == banner.target:
        banner, detection = settled, detection_settled
        _adopt(outcome, detection)
    if screenshot_dir is not None:
        outcome.screenshot = yield from _screenshot(banner, action, Path(screenshot_dir))

    before, _, _ = yield from _records()
    start_url = yield ops.PageUrl()
    run.url_before = start_url.value if start_url.ok else ""
    # A settings link is followed only to a page of the same site.
    planned = [(path, _not_followed(path, run.url_before)) for path in decide.plan(action, banner)]
    off_site = [why for _, why in planned if why]
    paths = [path for path, why in planned if not why]
    if not paths:
        outcome.reason = f"no {action} option" + (f" (the settings link was not followed: {off_site[0]})" if off_site else "")
        _, outcome.tcf, outcome.consent_mode = yield from _records()
        return outcome

    completed, tried, path = False, 0, None
    try:
        for attempt in range(3):
            for path in paths:
                if not (yield from _path_available(path)):
                    continue
                tried += 1
                if (yield from _run_path(path, run)):
                    completed = True
                    break
            if tried:
                break
            # No path's first control is on the page any more: the banner was drawn anew between
            # the reading and the click. Read it again and plan on what is there now.
            again, detection_again, _ = yield from find_flow(rules, vocabulary, max(1.0, timeout / 2))
            if again is None:
                break
            banner = again
            outcome.detection, outcome.cmp = detection_again, detection_again.cmp
            paths = [p for p in decide.plan(action, banner) if not _not_followed(p, run.url_before)] or paths
    except _Stop as stop:
        outcome.reason = str(stop)
    if not tried and outcome.reason is None:
        outcome.reason = f"no {action} option"
        _, outcome.tcf, outcome.consent_mode = yield from _records()
        return outcome
    if not completed and outcome.reason is None:
        outcome.reason = f"could not complete the {action} path"

    yield from _verify(action, banner, before, run, retry_path=path if completed else None)
    final = yield ops.PageUrl()
    outcome.final_url = final.value if final.ok else None
    return outcome


def _adopt(outcome: Outcome, detection: Detection) -> None:
    """The outcome describes the banner as last read (read again when redrawn or once still)."""
    outcome.detection, outcome.cmp = detection, detection.cmp
    outcome.reject_on_first_layer = decide.rejects_on_first_layer(detection)
    outcome.preticked = detection.preticked


def _not_followed(path: list[decide.PlanStep], page_url: str) -> Optional[str]:
    """Why a path through a settings link must not be taken (the link leads off the site), or None."""
    for step in path:
        if step.kind == "settings-page":
            why = decide.settings_page_allowed(page_url, step.href)
            if why:
                return why
    return None


def _run_path(path: list[decide.PlanStep], run: _Run) -> Flow:
    for step in path:
        if not (yield from _run_step(step, run)):
            return False
    return True


def _screenshot(banner: decide.Banner, action: str, directory: Path) -> Flow:
    name = f"banner-{action}-{banner.detection.cmp}"
    path = directory / f"{name}.png"
    counter = 1
    while path.exists():
        counter += 1
        path = directory / f"{name}-{counter}.png"
    result = yield ops.Screenshot(banner.target, str(path))
    return result.value if result.ok else None


def _still_in_frame(banner: decide.Banner, vocabulary: Vocabulary) -> Flow:
    """True when a custom banner drawn in an iframe still shows there (False when the iframe is gone)."""
    geometry = yield ops.Geometry(banner.frame)
    if not (geometry.ok and geometry.value and geometry.value["box"]):
        return False
    inside = yield from _look(decide.probe_arg((), ref_prefix="v", whole_document=True), vocabulary, frame=banner.frame)
    if not inside.ok:
        return False
    again = decide._generic_banner(inside.value, vocabulary, [])
    return again is not None and any(b.role in ("accept", "reject") for b in again.detection.buttons)


def _verify(action, banner, before, run: _Run, retry_path) -> Flow:
    """Wait for the banner to go and the record to appear, as long as the page is still busy with
    the click (its requests, a reload it started) and for a few looks more; click once more if the
    first click was ignored. Then: a refusal must hold after a reload; after an acceptance, wait
    for the tags."""
    outcome, vocabulary = run.outcome, run.vocabulary
    rules = (banner.rule,) if banner.rule else ()
    arg = decide.probe_arg(rules, generic=banner.rule is None, ref_prefix="v")
    pierce = banner.target.startswith(decide.CLOSED)
    retried = confirmed = False
    patience = Patience.of(VERIFY)
    while True:
        busy = yield from _busy(run)
        probe = yield from _look(arg, vocabulary, pierce=pierce)
        patience.look()
        shown = None
        if probe.ok:
            shown = decide.banner_still_shown(probe.value, banner, vocabulary)
            if not shown and banner.frame != "main" and banner.rule is None:
                shown = yield from _still_in_frame(banner, vocabulary)
            after, outcome.tcf, outcome.consent_mode = yield from _records()
            verified, how, why = decide.judge(action, banner, before, after, shown, outcome.tcf, outcome.consent_mode)
        else:  # the page is between documents (a reload after the click): look again
            verified, how, why = False, None, "the page could not be inspected after the click"
        if verified or patience.exhausted or (patience.done and not busy):
            break
        if probe.ok and action == "reject" and not confirmed and (run.last_answer or ("", ""))[0] == "reject":
            # A refusal that asks "are you sure?" first: answer the new layer with its confirming control.
            control = decide.confirming_control(probe.value, banner, run.last_answer[1], vocabulary)
            if control is not None:
                confirmed = True
                try:
                    yield from _run_step(decide.PlanStep("click", control.target, "main", control.text, control.shown_as,
                                                         role="reject"), run)
                except _Stop as stop:
                    outcome.reason = str(stop)
                patience = Patience.of(VERIFY)
                continue
        if (shown and not busy and not retried and retry_path is not None and len(retry_path) == 1
                and retry_path[0].kind == "click"
                and patience.count >= VERIFY[1] // 2 and patience.elapsed >= VERIFY[0] / 2 and outcome.reason is None):
            retried = True  # the banner ignored the click (handlers attached late): click once more
            try:
                yield from _run_path(retry_path, run)
            except _Stop as stop:
                outcome.reason = str(stop)
        yield ops.Sleep(POLL_MS)
    if verified:
        yield ops.Sleep(REAPPEAR_MS)
        again = yield from _look(arg, vocabulary, pierce=pierce)
        reappeared = again.ok and decide.banner_still_shown(again.value, banner, vocabulary)
        if again.ok and not reappeared and banner.frame != "main" and banner.rule is None:
            reappeared = yield from _still_in_frame(banner, vocabulary)
        if reappeared:
            verified, how, why = False, None, "banner reappeared after it was answered"
    if verified and outcome.reason is None and action == "reject" and run.reload_check:
        failure, note = yield from _reload_check(banner, before, arg, pierce, run)
        if failure:
            verified, how, why = False, None, failure
        else:
            how += "; still refused after a reload" + (f" ({note})" if note else "")
    if verified and outcome.reason is None and action == "accept":
        yield from _await_tags(before, run)
    if not verified and run.detached and why == decide.NO_RECORD:
        why = "frame detached mid-click; " + decide.NO_RECORD
    outcome.verified = verified and outcome.reason is None
    outcome.verification = how
    if outcome.reason is None:
        outcome.reason = why
    elif not verified and why:
        outcome.reason += f"; {why}"
