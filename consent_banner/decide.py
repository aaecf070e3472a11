"""Pure decisions: which banner a probe shows, what its buttons do, which path to click, and
whether the consent record proves the choice. No browser here: inputs are the JSON facts
``js/probe.js`` and ``js/state.js`` return, so every decision is testable on canned data.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Optional
from urllib.parse import unquote, urlsplit

import yaml

from .models import Button, Detection
from .rules import CmpRule
from .vocabulary import Vocabulary, clean_text

__all__ = [
    "Banner", "Control", "PlanStep", "as_css", "banner_still_shown", "confirming_control", "consent_by_controls", "find_banner",
    "first_layer_refusal", "judge", "nothing_found", "rejects_on_first_layer",
    "plan", "probe_arg", "promote_listened", "record_evidence", "records", "settings_page_allowed", "summarise_consent_mode", "target_of",
    "tracking_cookies", "unmarked_choices", "waiting_signal",
]

REF_ATTRIBUTE = "data-cookieaudit-ref"
NO_RECORD = "banner gone but no consent record was written"
# Longer than this, a "banner" is a page section that merely mentions cookies.
MAX_BANNER_TEXT = 5000


def ref_selector(ref: str) -> str:
    """The CSS selector of an element the probe stamped with ``ref``."""
    return f'[{REF_ATTRIBUTE}="{ref}"]'


CLOSED = "closed:"


def target_of(item: dict) -> str:
    """How the driver reaches a probed element: its CSS selector, or ``closed:<ref>`` inside a closed shadow root."""
    return f"{CLOSED}{item['ref']}" if item.get("closed") else ref_selector(item["ref"])


def as_css(target: str) -> tuple[str, bool]:
    """(CSS selector, needs the closed roots) for a target made by :func:`target_of`."""
    if target.startswith(CLOSED):
        return ref_selector(target[len(CLOSED):]), True
    return target, False


@dataclass
class Control:
    """A clickable element of the banner: its role, what a person reads, and how to click it."""

    role: str
    text: str
    target: str  # selector used to click it
    shown_as: str  # readable selector for reports
    href: Optional[str] = None
    leads_away: bool = False
    disabled: bool = False  # a save that is disabled until a switch changes: clicked once enabled
    settings_page: bool = False  # a link away whose words are settings words: the site's own settings page


@dataclass
class Banner:
    """A banner that is showing: what to report (detection) and what the engine needs to act."""

    detection: Detection
    rule: Optional[CmpRule]
    frame: str  # "main" or the iframe CSS selector the banner lives in
    target: str  # selector of the banner element in the main document (the iframe for frame CMPs)
    controls: list[Control] = field(default_factory=list)
    toggles: Optional[dict] = None
    answerable: bool = True  # False: a cookie notice without (yet) an accept, reject or settings control


@dataclass(frozen=True)
class PlanStep:
    """One step the engine will perform: click, switch-off, switch-on, wait-for, wait, second-layer
    or settings-page (follow the banner's link ``selector`` to the site's own settings page at
    ``href``, refuse there, come back).

    ``switch-off``: every category toggle that is on (not necessary, not disabled) inside the
    element ``selector`` is clicked off and checked; with ``role="select"`` the selector names the
    toggles themselves (a CMP rule's ``toggle_off``). ``switch-on``: every one that is off is
    clicked on (accepting where the only answer saves the ticked boxes)."""

    kind: str
    selector: Optional[str] = None
    frame: str = "main"
    text: Optional[str] = None
    shown_as: Optional[str] = None
    optional: bool = False
    ms: int = 0
    role: Optional[str] = None  # for a control found by its words: its role, to find it again after a re-render
    href: Optional[str] = None  # ``settings-page``: where the link leads


# With no CMP on the page, the page done loading and nothing loaded or drawn for this long, a
# banner is not coming: stop waiting for one.
QUIET_MS = 1500
# Where a banner can sit: over the page (fixed, sticky, a dialog, an overlay, absolutely at the
# bottom) or as a strip at the top of the page in the normal flow.
POSITIONED = ("fixed", "sticky", "dialog", "overlay", "absolute", "top-bar")
# Kinds that are banners only through their text and position: they must offer a choice.
POSITION_ONLY = ("top-bar", "absolute")


# -- probing ----------------------------------------------------------------------------------
def probe_arg(rules: tuple[CmpRule, ...], generic: bool = True, ref_prefix: str = "r", frames: bool = False,
              whole_document: bool = False) -> dict:
    """The argument ``js/probe.js`` takes: every rule's selectors and globals; ``frames`` lists the
    iframes that could hold a banner; ``whole_document`` makes the body a candidate (in an iframe)."""
    return {
        "generic": generic,
        "frames": frames,
        "wholeDocument": whole_document,
        "refPrefix": ref_prefix,
        "rules": [
            {"id": r.id, "banner": list(r.detect.banner), "present": list(r.detect.present),
             "globals": list(r.detect.globals), "frame": r.frame,
             "buttons": [[role, selector] for role, selector in r.first_layer()]}
            for r in rules
        ],
    }


def frame_probe_arg(rule: CmpRule) -> dict:
    """The probe argument for looking inside a frame CMP's iframe: that rule alone, frame unset."""
    arg = probe_arg((rule,), generic=False, ref_prefix="f")
    arg["rules"][0]["frame"] = None
    return arg


def _present_by(snapshot: dict, rule: CmpRule) -> list[str]:
    """How ``rule``'s CMP shows its presence on the page: selector, global, script-host, cookie."""
    facts = snapshot.get("rules", {}).get(rule.id, {})
    methods = list(facts.get("present", []))
    hosts = snapshot.get("scripts", {})
    if any(_host_matches(host, rule.detect.script_hosts) for host in hosts):
        methods.append("script-host")
    if any(rule.consent.cookie_matches(name) or name in rule.detect.cookies for name in snapshot.get("cookies", [])):
        methods.append("cookie")
    return methods


def _host_matches(host: str, patterns: tuple[str, ...]) -> bool:
    host = host.lower()
    return any(host == p or host.endswith("." + p) for p in patterns)


def classify_control(control: dict, vocabulary: Vocabulary) -> Optional[str]:
    """The role of a probed control, or None when it must not be clicked or means nothing."""
    role = vocabulary.role_of(control.get("text", ""))
    if role in (None, "never"):
        return None
    if control.get("leadsAway") and role == "settings":
        return "more-info"  # a settings *page* elsewhere: following it leaves the page
    if control.get("disclosure") and role not in ("settings", "more-info"):
        # A section header or tab ("Noodzakelijke cookies" over its collapsed switch) opens part of
        # the layer; read as a button it would answer the banner.
        return None
    return role


def _controls(raw: list[dict], vocabulary: Vocabulary) -> list[Control]:
    controls = []
    for item in raw:
        role = classify_control(item, vocabulary)
        if role is None:
            continue
        if item.get("disabled") and role != "save":
            continue  # only a save waits for a change that enables it; a disabled answer is no answer
        leads_away = bool(item.get("leadsAway"))
        controls.append(Control(role=role, text=clean_text(item.get("text"), 200), target=target_of(item),
                                shown_as=item.get("selector") or ref_selector(item["ref"]),
                                href=item.get("href"), leads_away=leads_away,
                                disabled=bool(item.get("disabled")),
                                settings_page=leads_away and vocabulary.role_of(item.get("text", "")) == "settings"))
    return controls


def _preticked(toggles: Optional[dict]) -> Optional[bool]:
    if not toggles or not toggles.get("enabled"):
        return None
    return toggles.get("checked", 0) > 0


def find_banner(snapshot: dict, rules: tuple[CmpRule, ...], vocabulary: Vocabulary,
                settings_layer: bool = False) -> Optional[Banner]:
    """The banner the probe shows: a named CMP's first, else the best custom cookie banner.

    ``settings_layer``: looking just after a banner's settings button was clicked, a panel of
    toggles with a save or reject button is the settings, even if it never says "cookie".
    """
    present = [r.id for r in rules if _present_by(snapshot, r)]
    for rule in rules:
        facts = snapshot.get("rules", {}).get(rule.id) or {}
        shown = facts.get("shown")
        if not shown:
            continue
        buttons = [Button(role=b["role"], text=clean_text(b.get("text"), 200), selector=b["selector"])
                   for b in facts.get("buttons", [])]
        detection = Detection(
            found=True, cmp=rule.id, cmp_name=rule.name, method="selector", selector=shown["selector"],
            text=clean_text(shown.get("text")), frame="main", buttons=buttons,
            in_shadow_dom=bool(shown.get("inShadow")), in_iframe=bool(rule.frame), present_cmps=present,
            preticked=_preticked(shown.get("toggles")),
        )
        return Banner(detection=detection, rule=rule, frame=rule.frame or "main", target=ref_selector(shown["ref"]),
                      controls=_controls(facts.get("controls", []), vocabulary), toggles=shown.get("toggles"))
    return _generic_banner(snapshot, vocabulary, present, settings_layer)


def _generic_banner(snapshot: dict, vocabulary: Vocabulary, present: list[str],
                    settings_layer: bool = False) -> Optional[Banner]:
    best = None
    for candidate in (snapshot or {}).get("candidates", []):
        text = candidate.get("text", "")
        if len(text) > MAX_BANNER_TEXT:
            continue
        controls = _controls(candidate.get("buttons", []), vocabulary)
        controls, refusal = first_layer_refusal(text, controls, candidate.get("toggles"), vocabulary)
        roles = {c.role for c in controls}
        if not vocabulary.is_about_cookies(text):
            settings_panel = (settings_layer and (candidate.get("toggles") or {}).get("enabled")
                              and roles & {"reject", "save", "close"})
            if not settings_panel and not consent_by_controls(candidate, roles, vocabulary):
                continue
        answerable = bool(roles & {"accept", "reject", "settings", *(["save", "close"] if settings_layer else [])})
        if not answerable and (candidate.get("kind") in ("named", *POSITION_ONLY) or len(text) < 40):
            continue  # a cookie link in a footer, a floating "cookie settings" button, a page header
        if candidate.get("kind") == "top-bar" and not roles & {"accept", "reject"} and not settings_layer:
            continue  # a strip at the top is a banner only when it offers the choice itself
        score = (10 if answerable else 0) + (3 if candidate.get("kind") in POSITIONED else 0)
        if settings_layer and (roles & {"reject", "save"} or ("close" in roles and (candidate.get("toggles") or {}).get("enabled"))):
            # Just after a settings button: the layer that opened offers the settings' own answers;
            # the first layer (often still drawn beneath it) offers only accept and settings (and
            # perhaps a "×"; a layer that is closed to store its switches has switches).
            score += 5
        if candidate.get("kind") == "document":
            score -= 1  # in an iframe: a positioned banner inside it is the better candidate
        key = (score, -len(text))
        if best is None or key > best[0]:
            best = (key, candidate, controls, answerable, refusal)
    if best is None:
        return None
    _, candidate, controls, answerable, refusal = best
    detection = Detection(
        found=True, cmp="generic", method="generic-heuristic", selector=candidate.get("selector"),
        text=clean_text(candidate.get("text")), frame="main",
        buttons=[Button(role=c.role, text=c.text, selector=c.shown_as, href=c.href) for c in controls],
        in_shadow_dom=bool(candidate.get("inShadow")), present_cmps=present,
        preticked=_preticked(candidate.get("toggles")), first_layer_refusal=refusal,
    )
    return Banner(detection=detection, rule=None, frame="main", target=target_of(candidate),
                  controls=controls, toggles=candidate.get("toggles"), answerable=answerable)


def first_layer_refusal(text: str, controls: list[Control], toggles: Optional[dict],
                        vocabulary: Vocabulary) -> tuple[list[Control], Optional[str]]:
    """(controls, evidence) of a first-layer refusal other than a refusal button, as regulators
    count an equally easy refusal; the evidence is None when there is none (or a refusal button).

    - The banner's own text says that closing it means only necessary cookies (``words.yaml:
      close_refuses``, in one sentence): its close control ("×" named "Sluiten") refuses, and
      becomes a ``reject`` control. Otherwise a close control is never a refusal.
    - Category switches on the first layer, every optional one off as the site shows it, and a
      control that saves the selection ("Accepteer geselecteerde"): pressing it refuses. Switches
      the site ticks beforehand make it no equally easy refusal (the visitor must untick them)."""
    if any(c.role == "reject" for c in controls):
        return controls, None
    closes = [c for c in controls if c.role == "close" and not c.leads_away]
    sentence = vocabulary.closing_refuses(text) if closes else None
    if sentence:
        promoted = [replace(c, role="reject") if c.role == "close" and not c.leads_away else c for c in controls]
        names = ", ".join(f"'{c.text}'" for c in closes)
        return promoted, f"{names} closes the banner, whose text says closing refuses: \"{sentence}\""
    saves = [c for c in controls if c.role == "save" and not c.disabled and not c.leads_away]
    items = (toggles or {}).get("items") or []
    if not saves or not (toggles or {}).get("enabled") or not items or any(i.get("kind") == "radio" for i in items):
        return controls, None
    necessary = re.compile(vocabulary.necessary, re.I)
    optional = [i for i in items if not necessary.search(i.get("label") or "")]
    if any(i.get("on") for i in optional) or not any(i.get("on") is False for i in items):
        return controls, None
    off = ", ".join(clean_text(i.get("label"), 60) or "(unlabelled)" for i in items if i.get("on") is False)
    return controls, f"'{saves[0].text}' saves the selection with every optional category off as the site shows it: {off}"


def rejects_on_first_layer(detection: Detection) -> bool:
    """A first-layer refusal: a refusal button, or one :func:`first_layer_refusal` found."""
    return any(b.role == "reject" for b in detection.buttons) or bool(detection.first_layer_refusal)


def consent_by_controls(candidate: dict, roles: set[str], vocabulary: Vocabulary) -> bool:
    """A banner known by its structure and controls rather than the word "cookie": a positioned
    element (fixed, sticky, a dialog, an overlay, a corner box, a top strip) whose controls are
    consent answers, an accept *and* a refusal or settings control, and whose text speaks of
    data, privacy or third-party services without being a newsletter, chat or survey popup
    (``words.yaml``: ``consent_context``, ``not_consent``). Answers alone are not enough: a
    newsletter popup offers "Ja, graag" and "Nee, bedankt" too."""
    if candidate.get("kind") not in POSITIONED or "accept" not in roles or not roles & {"reject", "settings"}:
        return False
    return vocabulary.speaks_of_data(candidate.get("text", ""))


CHOICES = ("accept", "reject", "settings", "save", "close")


def unmarked_choices(snapshot: Optional[dict], vocabulary: Vocabulary, limit: int = 3) -> list[str]:
    """Refs of cookie banners (candidates) worth asking which elements have a mouse handler: those
    with an element that says a choice their controls do not offer yet but looks like nothing
    clickable (``unmarked`` in the probe: no button, link, role, tabindex, onclick or pointer)."""
    asks = []
    for candidate in (snapshot or {}).get("candidates", []):
        unmarked = candidate.get("unmarked") or []
        text = candidate.get("text", "")
        if not unmarked or len(text) > MAX_BANNER_TEXT or not vocabulary.is_about_cookies(text):
            continue
        offered = {classify_control(b, vocabulary) for b in candidate.get("buttons", [])}
        if any(classify_control(item, vocabulary) in set(CHOICES) - offered for item in unmarked):
            asks.append(candidate["ref"])
    return asks[:limit]


def promote_listened(snapshot: dict, listened: set[str]) -> dict:
    """``snapshot`` with every unmarked element that has a mouse handler, on itself or on an element
    around it inside the banner (a handler delegated to the banner), counted among its controls."""
    if not listened:
        return snapshot
    candidates = []
    for candidate in snapshot.get("candidates", []):
        extra = [{**item, "handler": True} for item in candidate.get("unmarked") or []
                 if item["ref"] in listened or listened.intersection(item.get("chain") or ())]
        candidates.append({**candidate, "buttons": [*candidate.get("buttons", []), *extra]} if extra else candidate)
    return {**snapshot, "candidates": candidates}


def frames_to_probe(snapshot: Optional[dict]) -> list[dict]:
    """The iframes of the main document that could hold a custom banner, most banner-like first."""
    frames = (snapshot or {}).get("frames") or []
    return sorted(frames, key=lambda f: (not f.get("positioned"), -f.get("area", 0)))[:4]


def frame_banner(frame_snapshot: dict, iframe: dict, frame_url: str, vocabulary: Vocabulary,
                 present: list[str]) -> Optional[Banner]:
    """A custom banner drawn inside ``iframe`` (same- or cross-origin), seen by a probe run in it."""
    banner = _generic_banner(frame_snapshot, vocabulary, present)
    if banner is None:
        return None
    iframe_selector = ref_selector(iframe["ref"])
    detection = banner.detection.model_copy(update={
        "frame": frame_url, "in_iframe": True,
        "buttons": [b.model_copy(update={"frame": frame_url}) for b in banner.detection.buttons],
    })
    return Banner(detection=detection, rule=None, frame=iframe_selector, target=iframe_selector,
                  controls=banner.controls, toggles=banner.toggles, answerable=banner.answerable)


@functools.lru_cache(maxsize=1)
def _signals() -> dict:
    return yaml.safe_load(resources.files("consent_banner").joinpath("signals.yaml").read_text(encoding="utf-8")) or {}


def tag_manager_scripts() -> tuple[str, ...]:
    """URL fragments of tag-manager scripts (``signals.yaml``)."""
    return tuple(str(x).lower() for x in _signals().get("tag_manager_scripts") or ())


def consent_mode_tracking() -> frozenset[str]:
    """The Google consent-mode types a refusal must leave denied (``signals.yaml``)."""
    return frozenset(str(x) for x in _signals().get("consent_mode_tracking") or ())


def waiting_signal(snapshot: Optional[dict], rules: tuple[CmpRule, ...]) -> Optional[str]:
    """Why a banner may still come although none shows, or None: a CMP present (script, global,
    markup, cookie), a TCF API or stub, a consent-mode default waiting for its update, an inline
    script about cookies or consent, or a CMP or tag-manager script still loading."""
    if not snapshot:
        return "the page could not be inspected"
    present = [rule.id for rule in rules if _present_by(snapshot, rule)]
    if present:
        return f"{present[0]} present"
    if snapshot.get("tcfapi"):
        return "TCF API present"
    activity = snapshot.get("activity") or {}
    if activity.get("consentDefault"):
        return "consent-mode default set"
    if activity.get("cookieScript"):
        return "a script handles cookies or consent"
    fragments = tag_manager_scripts()
    hosts = tuple(h for rule in rules for h in rule.detect.script_hosts)
    for url in activity.get("pendingScripts") or ():
        lowered = str(url).lower()
        host = urlsplit(lowered).hostname or ""
        if any(f in lowered for f in fragments) or _host_matches(host, hosts):
            return f"script still loading: {clean_text(url, 120)}"
    return None


def may_stop_waiting(snapshot: Optional[dict], rules: tuple[CmpRule, ...], quiet_ms: int = QUIET_MS) -> bool:
    """True when no banner is coming: the page has loaded and been quiet (no resource finished,
    nothing drawn) for ``quiet_ms`` and there is no :func:`waiting_signal`. With a signal, the
    wait goes on until the timeout."""
    if not snapshot:
        return False
    activity = snapshot.get("activity")
    if not activity or not activity.get("complete"):
        return False
    if (activity.get("quietMs") or 0) < quiet_ms:
        return False
    return waiting_signal(snapshot, rules) is None


def merge_frame_view(banner: Banner, frame_snapshot: dict, frame_url: str, vocabulary: Vocabulary) -> Banner:
    """Fill in a frame CMP's text and buttons from a probe run inside its iframe."""
    rule = banner.rule
    facts = frame_snapshot.get("rules", {}).get(rule.id) or {}
    shown = facts.get("shown") or {}
    detection = banner.detection.model_copy(update={
        "frame": frame_url, "text": clean_text(shown.get("text")) or banner.detection.text,
        "buttons": [Button(role=b["role"], text=clean_text(b.get("text"), 200), selector=b["selector"], frame=frame_url)
                    for b in facts.get("buttons", [])],
        "preticked": _preticked(shown.get("toggles")),
    })
    return Banner(detection=detection, rule=rule, frame=banner.frame, target=banner.target,
                  controls=_controls(facts.get("controls", []), vocabulary), toggles=shown.get("toggles"))


def nothing_found(snapshot: Optional[dict], rules: tuple[CmpRule, ...]) -> Detection:
    """A negative detection, saying why when a CMP is installed but drew nothing."""
    if snapshot is None:
        return Detection(found=False, note="the page could not be inspected")
    present = [r for r in rules if _present_by(snapshot, r)]
    note = None
    for rule in present:
        methods = _present_by(snapshot, rule)
        for host, info in snapshot.get("scripts", {}).items():
            if not _host_matches(host, rule.detect.script_hosts):
                continue
            status, url = info.get("status"), clean_text(info.get("url"), 200)
            if status and status >= 400:
                note = f"{rule.name} script failed to load (HTTP {status}: {url})"
            elif methods == ["script-host"] and rule.detect.globals:
                # Cross-origin statuses are hidden from the page; a script that never defined its globals did not run.
                note = f"{rule.name} script failed to load or did not run ({url})"
            if note:
                break
        if note:
            break
    if note is None and present:
        names = ", ".join(r.name for r in present)
        note = f"{names} present but showed no banner (consent already stored, or the banner is hidden from automation)"
    detection = Detection(found=False, present_cmps=[r.id for r in present], note=note)
    if present:
        first = present[0]
        detection.cmp, detection.cmp_name = first.id, first.name
        detection.method = _present_by(snapshot, first)[0]
    return detection


def banner_still_shown(snapshot: dict, banner: Banner, vocabulary: Vocabulary) -> bool:
    """True when the answered banner (or, for a custom banner, any answerable cookie banner) still shows."""
    if banner.rule is not None:
        return bool((snapshot.get("rules", {}).get(banner.rule.id) or {}).get("shown"))
    again = _generic_banner(snapshot, vocabulary, [])
    if again is None and banner.frame != "main":
        return False  # the caller looks inside the banner's iframe too
    return again is not None and any(b.role in ("accept", "reject") for b in again.detection.buttons)


def confirming_control(snapshot: dict, before: Banner, clicked: Optional[str], vocabulary: Vocabulary) -> Optional[Control]:
    """After a reject click: the control of a new "are you sure?" layer that confirms the refusal
    ("Ja, weigeren", "Yes, reject all"), or None. It must be new (not on the banner as it was read
    before the click, nor the control just clicked), enabled, stay on the page, and confirm in
    words without going back (``words.yaml: confirm_refusal``)."""
    seen = {clean_text(c.text, 200).lower() for c in before.controls}
    seen.add(clean_text(clicked, 200).lower())
    raw = [b for candidate in (snapshot or {}).get("candidates", []) for b in candidate.get("buttons", [])]
    raw += [c for facts in (snapshot or {}).get("rules", {}).values() for c in facts.get("controls", [])]
    for item in raw:
        text = clean_text(item.get("text"), 200)
        if (text.lower() in seen or item.get("disabled") or item.get("leadsAway") or item.get("disclosure")
                or not vocabulary.confirms_refusal(text)):
            continue
        return Control(role="reject", text=text, target=target_of(item), shown_as=item.get("selector") or ref_selector(item["ref"]))
    return None


# -- planning ---------------------------------------------------------------------------------
def plan(action: str, banner: Banner) -> list[list[PlanStep]]:
    """Alternative click paths for ``action``, best first: the CMP's own, then by the banner's words."""
    paths: list[list[PlanStep]] = []
    if banner.rule is not None:
        for rule_path in getattr(banner.rule, action):
            steps = []
            for step in rule_path:
                frame = step.frame or banner.frame
                # a rule's toggle_off names the toggles themselves: switch off those of them that are on
                kind = "switch-off" if step.kind == "toggle_off" else step.kind.replace("_", "-")
                steps.append(PlanStep(kind=kind, selector=step.selector, frame=frame, shown_as=step.selector,
                                      optional=step.optional, ms=step.wait or 0, role="select" if kind == "switch-off" else None))
            paths.append(steps)
    frame = banner.frame
    wanted = [c for c in banner.controls if c.role == action]
    for control in wanted:
        paths.append([PlanStep("click", control.target, frame, control.text, control.shown_as, role=action)])
    if action == "accept" and not paths:
        if (banner.toggles or {}).get("enabled"):
            # No "accept": the only answer saves the ticked boxes. Accepting is ticking every one, then saving.
            inner = banner.target if frame == "main" else None
            for control in (c for c in banner.controls if c.role == "save"):
                paths.append([PlanStep("switch-on", inner, frame, shown_as="toggles on the banner"),
                              PlanStep("click", control.target, frame, control.text, control.shown_as, role="save")])
        if not paths:
            # Only a settings button: accept on the settings layer (its "accept all", or every switch on and save).
            for control in (c for c in banner.controls if c.role == "settings"):
                paths.append([PlanStep("click", control.target, frame, control.text, control.shown_as, role=control.role),
                              PlanStep("second-layer", frame=frame, role="accept")])
    if action == "reject":
        # Toggles on the first layer and a "save my selection" button: switch all off, then save.
        toggles = banner.toggles or {}
        if toggles.get("enabled"):
            inner = banner.target if frame == "main" else None  # in an iframe: the whole frame, closed roots too
            for control in (c for c in banner.controls if c.role == "save"):
                paths.append([PlanStep("switch-off", inner, frame, shown_as="toggles on the banner"),
                              PlanStep("click", control.target, frame, control.text, control.shown_as, role="save")])
        openers = [c for c in banner.controls if c.role == "settings"]
        if not paths and not openers:
            # No refusal and no settings button: a "more information" *button* (not a link that leads
            # away) often opens the settings layer.
            openers = [c for c in banner.controls if c.role == "more-info" and not c.leads_away and not c.href]
        for control in openers:
            paths.append([PlanStep("click", control.target, frame, control.text, control.shown_as, role=control.role),
                          PlanStep("second-layer", frame=frame)])
        if not paths and frame == "main":
            # No refusal and no settings layer on the page: the banner's link to the site's own
            # settings page ("Wijzig instellingen"; never "meer informatie" or the privacy statement).
            # The engine follows it only to a page of the same site, refuses there and comes back.
            for control in (c for c in banner.controls if c.settings_page and c.href):
                paths.append([PlanStep("settings-page", control.target, frame, control.text, control.shown_as,
                                       role="settings", href=control.href)])
    return paths


def settings_page_allowed(page_url: str, href: Optional[str]) -> Optional[str]:
    """Why the banner's settings link ``href`` must not be followed from ``page_url``, or None when it
    leads to another page of the same site (same registrable domain, http or https)."""
    from cookieaudit.domains import same_site  # browser-free

    target = urlsplit(href or "")
    if target.scheme not in ("http", "https") or not target.hostname:
        return f"not a web page: {clean_text(href, 120)}"
    if not same_site(urlsplit(page_url).hostname or "", target.hostname):
        return f"another site: {clean_text(href, 120)}"
    if same_page(page_url, href):
        return "the page itself"
    return None


# -- verification -----------------------------------------------------------------------------
def records(cookies: list[dict], storage: dict) -> dict[str, str]:
    """Consent-record candidates keyed ``cookie:<name>`` / ``localStorage:<key>``."""
    found = {f"cookie:{c['name']}": c.get("value", "") for c in cookies}
    found.update({f"localStorage:{k}": v for k, v in (storage or {}).items()})
    return found


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [key for key, value in after.items() if before.get(key) != value]


def _classify(name: str):
    from cookieaudit.classifier import classify  # browser-free; loads the rule set on first use

    try:
        return classify(name)
    except Exception:  # a broken extra rule set must not stop the verification
        return None


def tracking_cookies(cookies: list[dict]) -> list[str]:
    """The names among ``cookies`` (Playwright cookie dicts) that the rule set classifies as analytic or marketing."""
    from cookieaudit.classifier import classify

    found = []
    for cookie in cookies:
        try:
            purpose = classify(cookie["name"], domain=cookie.get("domain")).purpose
        except Exception:
            continue
        if purpose in ("analytic", "marketing"):
            found.append(cookie["name"])
    return found


def record_evidence(rule: Optional[CmpRule], key: str, appeared: bool) -> Optional[str]:
    """Why a cookie or localStorage entry written on the click is the consent record, or None.

    It is when the CMP's rule names it, when the rule set marks it as consent management
    (``category: consent``), or when it appeared on the click and is not an analytic or marketing
    cookie (a home-grown banner's own record). A tracking cookie set by a tag that fired on the
    click is never taken for the record."""
    kind, _, name = key.partition(":")
    if rule is not None and (rule.consent.cookie_matches(name) if kind == "cookie" else rule.consent.storage_matches(name)):
        return f"{rule.name}'s consent record"
    found = _classify(name)
    if found is not None and found.category == "consent":
        return f"consent management ({found.vendor})" if found.vendor else "consent management"
    if found is not None and found.purpose in ("analytic", "marketing"):
        return None
    return "new on the click, not a tracking cookie" if appeared else None


def _refusal_state(tcf: Optional[dict], consent_mode: Optional[dict]) -> tuple[list[str], Optional[str]]:
    """What the CMP's own state says of a refusal: (evidence, contradiction or None)."""
    evidence: list[str] = []
    if tcf and tcf.get("eventStatus") in ("useractioncomplete", "tcloaded") and tcf.get("purposeConsents") is not None:
        consented = sorted((k for k, v in tcf["purposeConsents"].items() if v), key=lambda k: int(k) if str(k).isdigit() else 0)
        if consented:
            return evidence, f"TCF records consent to purposes {', '.join(map(str, consented))} after the refusal"
        if tcf["purposeConsents"]:
            evidence.append(f"TCF {tcf['eventStatus']} with no purpose consented")
    update = (consent_mode or {}).get("update") or {}
    tracking = consent_mode_tracking()
    granted = sorted(k for k, v in update.items() if k in tracking and v == "granted")
    if granted:
        return evidence, f"consent mode updated to granted ({', '.join(granted)}) after the refusal"
    denied = sorted(k for k, v in update.items() if k in tracking and v == "denied")
    if denied:
        evidence.append(f"consent mode update: {', '.join(denied)} denied")
    return evidence, None


def record_tracking_categories() -> Optional[re.Pattern]:
    """Key names in a consent record's value that stand for tracking categories (``signals.yaml``)."""
    words = [str(x) for x in _signals().get("record_tracking_categories") or ()]
    return re.compile("|".join(f"(?:{w})" for w in words), re.I) if words else None


_ON_VALUES = {"true", "1", "yes", "granted", "accepted", "allow", "allowed", "on", "ja", "oui"}
_FLAG_KEYS = re.compile(r"^(accepted|enabled|granted|consent(ed)?|allowed|checked|value|status|state|active)$", re.I)
_REFUSED_KEYS = re.compile(r"reject|refus|den(y|ied)|declin|weiger|revoked|disabled", re.I)


def _record_flags(value: str) -> dict[str, bool]:
    """Category flags a consent record's value states: a JSON object (nested ones too) of
    booleans or yes/no words, or a ``key:value`` / ``key=value`` list."""
    text = unquote(value or "")
    flags: dict[str, bool] = {}

    def walk(node, parent="", depth=0):
        if depth > 4:
            return
        if isinstance(node, dict):
            for key, item in node.items():
                key = str(key)
                # {"statistics": {"accepted": true}}: the flag belongs to the category around it
                name = parent if parent and _FLAG_KEYS.match(key) else key
                if isinstance(item, (bool, int)) or (isinstance(item, str) and len(item) <= 12):
                    flags[name] = flags.get(name, False) or str(item).strip().lower() in _ON_VALUES
                else:
                    walk(item, key, depth + 1)
        elif isinstance(node, list) and not _REFUSED_KEYS.search(parent):
            for item in node[:50]:  # {"categories": ["necessary", "analytics"]}: the categories consented to
                if isinstance(item, str) and len(item) <= 40:
                    flags[item] = True
                else:
                    walk(item, parent, depth + 1)

    try:
        walk(json.loads(text))
    except ValueError:
        for key, item in re.findall(r"([A-Za-z_][\w-]{1,40})\s*[:=]\s*([A-Za-z0-9]{1,12})\b", text[:2000]):
            flags[key] = item.lower() in _ON_VALUES
    return flags


def _record_contradiction(chosen: list[tuple[str, str]], after: dict[str, str]) -> Optional[str]:
    """After a refusal: a custom banner's own record that says a tracking category is on."""
    tracking = record_tracking_categories()
    if tracking is None:
        return None
    for key, _ in chosen:
        on = sorted(k for k, v in _record_flags(after.get(key, "")).items() if v and tracking.search(k))
        if on:
            return f"consent record {key.replace(':', ' ', 1)} records consent to {', '.join(on[:5])} after the refusal"
    return None


def judge(action: str, banner: Banner, before: dict[str, str], after: dict[str, str], shown: bool,
          tcf: Optional[dict], consent_mode: Optional[dict] = None) -> tuple[bool, Optional[str], Optional[str]]:
    """(verified, how, why not): the banner must be gone and a consent record written or changed;
    ``how`` names the record relied on and why it counts (see :func:`record_evidence`). A refusal
    must also agree with the CMP's own state (TCF, Google consent mode) where it has one."""
    rule = banner.rule
    chosen = []
    for key in _changed(before, after):
        why = record_evidence(rule, key, key not in before)
        if why:
            chosen.append((key, why))
    evidence = [f"{key.replace(':', ' ', 1)} ({why})" for key, why in chosen]
    tcf_done = bool(tcf and tcf.get("tcStringPresent") and tcf.get("eventStatus") in ("useractioncomplete", "tcloaded"))
    if tcf_done:
        evidence.append("TCF consent string")
    if shown:
        return False, None, "banner still visible after clicking"
    if action == "reject":
        state, contradiction = _refusal_state(tcf, consent_mode)
        contradiction = contradiction or (_record_contradiction(chosen, after) if rule is None else None)
        if contradiction:
            return False, None, contradiction
        if evidence:
            evidence.extend(state)
    if not evidence:
        return False, None, NO_RECORD
    if rule is not None:
        expected = rule.consent.accepted if action == "accept" else rule.consent.rejected
        opposite = rule.consent.rejected if action == "accept" else rule.consent.accepted
        for key, _ in chosen:
            value = unquote(after.get(key, ""))
            if opposite and re.search(opposite, value) and not (expected and re.search(expected, value)):
                return False, None, f"consent record {key.replace(':', ' ', 1)} records the opposite choice"
    if tcf_done and tcf.get("purposeConsents") is not None:
        purpose_one = tcf["purposeConsents"].get("1")
        if purpose_one is not None and purpose_one != (action == "accept"):
            return False, None, "TCF purpose 1 consent does not match the choice"
    return True, "banner gone; consent recorded in " + ", ".join(evidence), None


def summarise_consent_mode(commands: list[dict]) -> Optional[dict]:
    """Google consent-mode signals: the merged ``default`` and ``update`` commands, and their order."""
    if not commands:
        return None
    summary: dict = {"default": {}, "update": {}, "commands": commands[:50]}
    for command in commands:
        if command.get("command") in ("default", "update"):
            summary[command["command"]].update(command.get("signals") or {})
    return summary


def same_page(before: str, after: str) -> bool:
    """True when ``after`` is the same page as ``before`` (a reload or a query change, not a new page)."""
    a, b = urlsplit(before), urlsplit(after)
    return (a.scheme, a.netloc, a.path.rstrip("/")) == (b.scheme, b.netloc, b.path.rstrip("/"))
