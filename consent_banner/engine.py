"""The engine: detect and answer a banner as generators of browser operations.

Each flow yields :mod:`~consent_banner.ops` operations and receives their
:class:`~consent_banner.ops.OpResult`; a driver (``driver.py``) performs them on a sync or
an async page. The flows behave like a person: wait for a late banner, wait until it has
stopped moving, click, look again, and check that the choice was stored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generator, Optional

from . import decide, ops
from .models import Outcome, Step
from .rules import CmpRule
from .vocabulary import Vocabulary, clean_text

__all__ = ["DEFAULT_TIMEOUT", "answer_flow", "detect_flow"]

Flow = Generator[Any, ops.OpResult, Any]

DEFAULT_TIMEOUT = 5.0  # seconds to wait for a late banner
POLL_MS = 250
STABLE_MS = 300  # the banner's box must stay put this long before a click
SETTLE_MS = 500  # some CMPs attach their handlers ~500 ms after drawing the banner
STEP_WAIT_S = 3.0  # how long a second-layer element may take to appear
VERIFY_S = 3.0
REAPPEAR_MS = 500
GONE_S = 0.6  # an element missing from the page this long is gone (re-rendered or removed)
GONE = "not visible"
TAGS_S = 3.0  # after accept, how long consent-gated tags may take to fire
TAGS_QUIET_MS = 800
RELOAD_WATCH_S = 2.5  # after the reload that checks a refusal, how long to watch for the banner
MAX_TABS = 12  # tabs or collapsed sections of one settings layer opened to find its toggles


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


# -- detection -----------------------------------------------------------------------------------
def _look_in_frames(snapshot: dict, rules: tuple[CmpRule, ...], vocabulary: Vocabulary) -> Flow:
    """A custom banner inside one of the main document's iframes, or None."""
    present = [r.id for r in rules if decide._present_by(snapshot, r)]
    fallback = None
    for iframe in decide.frames_to_probe(snapshot):
        selector = decide.ref_selector(iframe["ref"])
        inside = yield ops.Evaluate("probe", decide.probe_arg((), ref_prefix="i", whole_document=True), frame=selector)
        if not inside.ok:
            continue
        banner = decide.frame_banner(inside.value, iframe, inside.frame_url, vocabulary, present)
        if banner is not None and banner.answerable:
            return banner
        fallback = fallback or banner
    return fallback


def find_flow(rules: tuple[CmpRule, ...], vocabulary: Vocabulary, timeout: float) -> Flow:
    """Look for a banner until one shows or ``timeout`` passes; return (Banner|None, Detection, first_seen).

    A cookie notice with nothing to click yet (its buttons still animating in) is kept while
    looking on for an answerable one. The wait ends early when no banner is coming (see
    :func:`decide.may_stop_waiting`): a page with no CMP, loaded and quiet for a while.
    """
    deadline = time.monotonic() + timeout
    arg = decide.probe_arg(rules, frames=True)
    snapshot, fallback, pierce = None, None, False
    while True:
        result = yield ops.Evaluate("probe", arg, pierce=pierce)
        if result.ok and not pierce and result.value.get("closedHint"):
            # custom elements without an open shadow root: look into closed ones too (DevTools protocol)
            pierce = True
            result = yield ops.Evaluate("probe", arg, pierce=True)
        if result.ok:
            snapshot = result.value
            banner = decide.find_banner(snapshot, rules, vocabulary)
            if banner is not None and banner.rule is not None and banner.rule.frame:
                inside = yield ops.Evaluate("probe", decide.frame_probe_arg(banner.rule), frame=banner.rule.frame)
                banner = decide.merge_frame_view(banner, inside.value, inside.frame_url, vocabulary) if inside.ok else None
            if banner is None or not banner.answerable:
                in_frame = yield from _look_in_frames(snapshot, rules, vocabulary)
                if in_frame is not None and (in_frame.answerable or banner is None):
                    banner = in_frame
            if banner is not None and banner.answerable:
                return banner, banner.detection, time.monotonic()
            if banner is not None:
                fallback = banner
        now = time.monotonic()
        if now >= deadline or (result.ok and decide.may_stop_waiting(snapshot, rules)):
            if fallback is not None:
                return fallback, fallback.detection, now
            return None, decide.nothing_found(snapshot, rules), None
        yield ops.Sleep(POLL_MS)


def detect_flow(rules: tuple[CmpRule, ...], vocabulary: Vocabulary, timeout: float = DEFAULT_TIMEOUT) -> Flow:
    """Detect the banner; return a Detection (``found=False`` when none shows)."""
    _, detection, _ = yield from find_flow(rules, vocabulary, timeout)
    return detection


# -- waiting like a person -------------------------------------------------------------------------
def _wait_stable(selector: str, frame: str, not_before: float, deadline: float, stable_ms: int = STABLE_MS) -> Flow:
    """Wait until the element is visible, enabled and unmoved for ``stable_ms``; return None or the failure."""
    last_box, steady_since, error, missing_since = None, None, None, None
    while True:
        result = yield ops.Geometry(selector, frame)
        now = time.monotonic()
        if result.ok and result.value is None:  # no such element any more: removed, or drawn anew
            missing_since = missing_since or now
            if now - missing_since >= GONE_S:
                return GONE
        else:
            missing_since = None
        if not result.ok:
            error = result.error
            if _fault(error):
                return _fault(error)
        elif result.value is None or result.value["box"] is None:
            error = "not visible"
        elif not result.value["enabled"]:
            error = "disabled"
        else:
            box = result.value["box"]
            if box != last_box:
                last_box, steady_since = box, now
            elif now - steady_since >= stable_ms / 1000 and now >= not_before:
                return None
            error = None
        if now >= deadline:
            return error or "never stopped moving"
        yield ops.Sleep(100)


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


def _await_tags(before: dict[str, str], run: _Run) -> Flow:
    """After accept: give consent-gated tags the time to fire, until a tracking cookie appears and
    the page is quiet, or nothing more loads (bounded by TAGS_S)."""
    deadline = time.monotonic() + TAGS_S
    fired: list[str] = []
    while time.monotonic() < deadline:
        state = yield ops.Evaluate("state", {"tcfTimeout": 200})
        quiet = (state.value or {}).get("quietMs", 0) if state.ok else 0
        fired = yield from _new_tracking_cookies(before)
        if quiet >= (300 if fired else TAGS_QUIET_MS):
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
    started = time.monotonic()
    note = None
    while True:
        yield ops.Sleep(POLL_MS)
        probe = yield ops.Evaluate("probe", arg, pierce=pierce)
        if probe.ok and decide.banner_still_shown(probe.value, banner, run.vocabulary):
            # The site asks again (its choice is not remembered, or it never reads it): the refusal
            # itself stands as long as no tracker comes; the scan goes on with the banner unanswered.
            note = "the banner shows again after a reload"
        quiet = ((probe.value or {}).get("activity") or {}).get("quietMs", 0) if probe.ok else 0
        elapsed = time.monotonic() - started
        if elapsed >= RELOAD_WATCH_S or (elapsed >= 1.0 and quiet >= 700):
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
        return (yield from _second_layer(step.frame, run))
    deadline = time.monotonic() + STEP_WAIT_S
    if step.kind == "switch-off":
        yield ops.Sleep(150)  # let the panel finish opening
        if step.role == "select":
            ok, _ = yield from _switch_off(None, step.frame, run, select=step.selector)
        else:
            ok, _ = yield from _switch_off(step.selector, step.frame, run)
        return ok or step.optional
    # The banner as a whole was already seen still; one element only needs two equal readings.
    failure = yield from _wait_stable(step.selector, step.frame, 0, deadline, stable_ms=90)
    if failure == "not visible" and step.kind == "click" and step.role and step.text:
        # A page that renders its banner anew drops the element we stamped: find it again by its words.
        again = yield from _relocate(step, run)
        if again is not None:
            step = again
            failure = yield from _wait_stable(step.selector, step.frame, 0, time.monotonic() + STEP_WAIT_S, stable_ms=90)
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
    result = yield ops.Click(step.selector, step.frame)
    clicked = result.value or {}
    text = step.text or (clean_text(clicked.get("text"), 200) or None)
    run.detached = run.detached or bool(clicked.get("detached"))
    outcome.steps.append(Step(action="click", selector=step.shown_as, text=text, frame=result.frame_url,
                              ok=result.ok, error=result.error))
    if not result.ok:
        if _fault(result.error):
            raise _Stop(_fault(result.error))
        return step.optional
    outcome.clicks += 1
    yield ops.Sleep(150)
    url = yield ops.PageUrl()
    if url.ok and not decide.same_page(run.url_before, url.value):
        raise _Stop(f"navigation: the click led away to {url.value}")
    return True


def _relocate(step: decide.PlanStep, run: _Run) -> Flow:
    """The same control (same role and words) in a banner drawn anew, or None."""
    probe = yield ops.Evaluate("probe", decide.probe_arg((), ref_prefix="a", whole_document=step.frame != "main"), frame=step.frame)
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


def _switch_off(container: Optional[str], frame: str, run: _Run, select: Optional[str] = None) -> Flow:
    """Switch off every category control that is on inside ``container`` (None: the whole frame),
    except necessary or disabled ones, tab by tab; check each is off after its click. Every
    switch and tab is a step with its label. Returns (ok, toggles found)."""
    outcome = run.outcome
    css, pierce = decide.as_css(container) if container else (None, True)
    seen_tabs: set[str] = set()
    clicked: dict[str, str] = {}  # toggle ref -> label, clicked once already
    found = 0
    ok = True
    for _ in range(MAX_TABS + 1):
        result = yield ops.Evaluate("toggles", _toggle_arg(run, css, select), frame=frame, pierce=pierce)
        if not result.ok:
            if _fault(result.error):
                raise _Stop(_fault(result.error))
            outcome.steps.append(Step(action="toggle-off", text="settings toggles", ok=False, error=result.error))
            return False, found
        toggles = [t for t in result.value["toggles"] if not t["necessary"] and not t["disabled"]]
        found = max(found, len(result.value["toggles"]))
        if toggles and outcome.preticked is None:
            outcome.preticked = any(t["on"] for t in toggles)
        elif any(t["on"] for t in toggles):
            outcome.preticked = True
        for toggle in toggles:
            if not toggle["on"] or not toggle["clickRef"]:
                continue
            label = clean_text(toggle["label"], 80) or toggle["kind"]
            if toggle["ref"] in clicked:
                continue  # clicked and still on: reported below
            target = decide.target_of({"ref": toggle["clickRef"], "closed": toggle.get("closed")})
            click = yield ops.Click(target, frame, timeout_ms=5000)
            clicked[toggle["ref"]] = label
            if not click.ok:
                if _fault(click.error):
                    raise _Stop(_fault(click.error))
                outcome.steps.append(Step(action="toggle-off", text=label, frame=click.frame_url, ok=False, error=click.error))
                ok = False
                continue
            outcome.clicks += 1
            yield ops.Sleep(120)
        # Verify: every toggle clicked here is now off.
        if clicked:
            check = yield ops.Evaluate("toggles", _toggle_arg(run, css, select), frame=frame, pierce=pierce)
            state = {t["ref"]: t["on"] for t in (check.value or {}).get("toggles", [])} if check.ok else {}
            for ref, label in list(clicked.items()):
                if label == "done":
                    continue
                still_on = state.get(ref)
                outcome.steps.append(Step(action="toggle-off", text=label, frame=result.frame_url, ok=still_on is not True,
                                          error="still on after the click" if still_on else None))
                ok = ok and still_on is not True
                clicked[ref] = "done"
        tab = next((t for t in result.value["tabs"] if not t["selected"] and t["ref"] not in seen_tabs), None)
        for t in result.value["tabs"]:
            if t["selected"]:
                seen_tabs.add(t["ref"])
        if tab is None:
            break
        seen_tabs.add(tab["ref"])
        click = yield ops.Click(decide.target_of(tab), frame)
        outcome.steps.append(Step(action="tab", text=clean_text(tab["text"], 80) or None, frame=click.frame_url,
                                  ok=click.ok, error=click.error))
        if click.ok:
            outcome.clicks += 1
            yield ops.Sleep(200)
    return ok, found


def _second_layer(frame: str, run: _Run) -> Flow:
    """After a settings button: the settings layer (in the main document, an iframe or a shadow
    root): press its reject, or switch every category off (tab by tab) and press save, else close."""
    outcome, vocabulary = run.outcome, run.vocabulary
    deadline = time.monotonic() + STEP_WAIT_S
    banner, reject, save, close = None, [], [], []
    while True:
        yield ops.Sleep(300)
        probe = yield ops.Evaluate("probe", decide.probe_arg((), ref_prefix="s", whole_document=frame != "main"), frame=frame,
                                   pierce=frame == "main")
        banner = decide.find_banner(probe.value, (), vocabulary, settings_layer=True) if probe.ok else None
        if banner is not None:
            reject = [c for c in banner.controls if c.role == "reject"]
            save = [c for c in banner.controls if c.role == "save"]
            close = [c for c in banner.controls if c.role == "close"]
            if reject or save or close:
                break
        if time.monotonic() >= deadline:
            outcome.steps.append(Step(action="wait-for", text="settings with a reject, save or close option", ok=False,
                                      error="the settings showed no reject, save or close option"))
            return False
    if reject:
        control = reject[0]
        return (yield from _run_step(decide.PlanStep("click", control.target, frame, control.text, control.shown_as,
                                                     role="reject"), run))
    container = banner.target if frame == "main" else "body"
    ok, found = yield from _switch_off(container, frame, run)
    if not ok:
        return False
    if not found and not save:
        outcome.steps.append(Step(action="wait-for", text="settings toggles", ok=False,
                                  error="the settings showed no toggles to switch off and no save option"))
        return False
    control = (save or close)[0]
    return (yield from _run_step(decide.PlanStep("click", control.target, frame, control.text, control.shown_as,
                                                 role=control.role), run))


def _path_available(path: list[decide.PlanStep]) -> Flow:
    # A path that starts by switching toggles off is there when its save button is.
    first = next((s for s in path if s.kind != "switch-off"), path[0])
    if first.selector is None:
        return True
    result = yield ops.Geometry(first.selector, first.frame)
    return bool(result.ok and result.value and result.value["box"])


def answer_flow(action: str, rules: tuple[CmpRule, ...], vocabulary: Vocabulary, timeout: float = DEFAULT_TIMEOUT,
                screenshot_dir: Optional[Path] = None) -> Flow:
    """Find the banner and answer it with ``action`` ('accept' or 'reject'); return an Outcome."""
    outcome = Outcome(action=action)
    run = _Run(outcome, vocabulary)
    banner, detection, first_seen = yield from find_flow(rules, vocabulary, timeout)
    outcome.detection, outcome.cmp = detection, detection.cmp
    if banner is None:
        _, outcome.tcf, outcome.consent_mode = yield from _records()
        outcome.reason = "no banner" + (f": {detection.note}" if detection.note else "")
        return outcome
    outcome.detected = True
    outcome.reject_on_first_layer = any(b.role == "reject" for b in detection.buttons)
    outcome.preticked = detection.preticked

    deadline = time.monotonic() + timeout
    failure = yield from _wait_stable(banner.target, "main", first_seen + SETTLE_MS / 1000, deadline)
    for _ in range(3):
        if failure != "not visible" or _fault(failure):
            break
        # Gone before the click: drawn anew (a framework re-rendering it), or replaced by the real one.
        again, detection_again, seen_again = yield from find_flow(rules, vocabulary, max(0.5, deadline - time.monotonic()))
        if again is None:
            break
        banner, detection = again, detection_again
        outcome.detection, outcome.cmp = detection, detection.cmp
        outcome.reject_on_first_layer = any(b.role == "reject" for b in detection.buttons)
        outcome.preticked = detection.preticked
        failure = yield from _wait_stable(banner.target, "main", seen_again + SETTLE_MS / 1000, deadline)
    if failure is not None:
        outcome.reason = _fault(failure) or f"banner disappeared before it could be answered ({failure})"
        return outcome
    if screenshot_dir is not None:
        outcome.screenshot = yield from _screenshot(banner, action, Path(screenshot_dir))

    before, _, _ = yield from _records()
    start_url = yield ops.PageUrl()
    run.url_before = start_url.value if start_url.ok else ""
    paths = decide.plan(action, banner)
    if not paths:
        outcome.reason = f"no {action} option"
        _, outcome.tcf, outcome.consent_mode = yield from _records()
        return outcome

    completed, tried = False, 0
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
            again, detection_again, _ = yield from find_flow(rules, vocabulary, max(0.5, deadline - time.monotonic()))
            if again is None:
                break
            banner = again
            outcome.detection, outcome.cmp = detection_again, detection_again.cmp
            paths = decide.plan(action, banner) or paths
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
    inside = yield ops.Evaluate("probe", decide.probe_arg((), ref_prefix="v", whole_document=True), frame=banner.frame)
    if not inside.ok:
        return False
    again = decide._generic_banner(inside.value, vocabulary, [])
    return again is not None and any(b.role in ("accept", "reject") for b in again.detection.buttons)


def _verify(action, banner, before, run: _Run, retry_path) -> Flow:
    """Wait for the banner to go and the record to appear; click once more if the first click was
    ignored. Then: a refusal must hold after a reload; after an acceptance, wait for the tags."""
    outcome, vocabulary = run.outcome, run.vocabulary
    rules = (banner.rule,) if banner.rule else ()
    arg = decide.probe_arg(rules, generic=banner.rule is None, ref_prefix="v")
    pierce = banner.target.startswith(decide.CLOSED)
    retried = False
    deadline = time.monotonic() + VERIFY_S
    while True:
        probe = yield ops.Evaluate("probe", arg, pierce=pierce)
        if probe.ok:
            shown = decide.banner_still_shown(probe.value, banner, vocabulary)
            if not shown and banner.frame != "main" and banner.rule is None:
                shown = yield from _still_in_frame(banner, vocabulary)
            after, outcome.tcf, outcome.consent_mode = yield from _records()
            verified, how, why = decide.judge(action, banner, before, after, shown, outcome.tcf, outcome.consent_mode)
        else:  # the page is between documents (a reload after the click): look again
            verified, how, why = False, None, "the page could not be inspected after the click"
        if verified:
            break
        if time.monotonic() >= deadline:
            break
        if (shown and not retried and retry_path is not None and len(retry_path) == 1
                and time.monotonic() >= deadline - VERIFY_S / 2 and outcome.reason is None):
            retried = True  # the banner ignored the click (handlers attached late): click once more
            try:
                yield from _run_path(retry_path, run)
            except _Stop as stop:
                outcome.reason = str(stop)
        yield ops.Sleep(POLL_MS)
    if verified:
        yield ops.Sleep(REAPPEAR_MS)
        again = yield ops.Evaluate("probe", arg, pierce=pierce)
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
