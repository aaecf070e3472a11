"""The consent banner in each phase, through the ``consent_banner`` package: answered in the
after_* phases, only looked at (and photographed) before consent.

Evidence (``PhaseBanner.screenshots``, PNGs of the viewport under ``<output dir>/screenshots/<phase>/``):
``shown`` — the banner as first shown (before consent: right after the first page settled, no
extra waiting; after_*: just before the first click); ``clicked`` — each control about to be
clicked, outlined in red (through consent_banner's ``before_click`` hook); ``after`` — the page
once the answer was verified or given up. ``consent_banner`` is imported when first needed;
without it the phase still visits its pages and its banner record says why nothing was answered.
"""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from ..models import BannerScreenshot, PhaseBanner
from .collectors.base import utcnow

__all__ = ["answer_banner", "banner_from_outcome", "observe_banner"]

MAX_CLICK_SHOTS = 4  # a multi-layer path: settings, toggles, save — the first few clicks are evidence enough
SHOT_TIMEOUT_MS = 5000
OUTLINE = "4px solid #ff0000"
# Outline the control (remembering its own inline outline) / put it back.
_OUTLINE_JS = """(e, outline) => {
  e.dataset.cookieauditOutline = e.style.getPropertyValue('outline') + '|' + e.style.getPropertyPriority('outline');
  e.style.setProperty('outline', outline, 'important');
  e.style.setProperty('outline-offset', '1px', 'important');
}"""
_UNDO_JS = """e => {
  const [value, priority] = (e.dataset.cookieauditOutline || '|').split('|');
  e.style.removeProperty('outline-offset');
  if (value) { e.style.setProperty('outline', value, priority); } else { e.style.removeProperty('outline'); }
  delete e.dataset.cookieauditOutline;
}"""


class _Evidence:
    """Viewport screenshots of one phase's banner, paths relative to the output folder."""

    def __init__(self, tab, output_dir: Optional[Path], phase: str):
        self.tab = tab
        self.output_dir = output_dir
        self.directory = output_dir / "screenshots" / phase if output_dir is not None else None
        self.shots: list[dict] = []

    def has(self, stage: str) -> bool:
        return any(shot["stage"] == stage for shot in self.shots)

    async def take(self, stage: str, control: Optional[str] = None) -> None:
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        count = sum(1 for shot in self.shots if shot["stage"] == stage)
        name = f"banner-{stage}.png" if count == 0 else f"banner-{stage}-{count + 1}.png"
        path = self.directory / name
        try:
            await self.tab.screenshot(path=str(path), timeout=SHOT_TIMEOUT_MS, animations="disabled", caret="initial")
        except Exception:  # evidence must never stop the phase
            return
        shot = {"stage": stage, "path": _relative(path, self.output_dir)}
        if control:
            shot["control"] = control[:200]
        self.shots.append(shot)

    async def before_click(self, target, text: Optional[str]) -> None:
        """consent_banner's hook: the banner as shown (first time), then the control outlined."""
        if not self.has("shown"):
            await self.take("shown")
        if sum(1 for shot in self.shots if shot["stage"] == "clicked") >= MAX_CLICK_SHOTS or self.directory is None:
            return
        label = " ".join((text or "").split()) or None
        if target is None:  # inside a closed shadow root: no outline, the shot all the same
            await self.take("clicked", label)
            return
        try:
            await target.evaluate(_OUTLINE_JS, OUTLINE, timeout=1000)
        except Exception:
            return
        try:
            await self.take("clicked", label)
        finally:
            try:
                await target.evaluate(_UNDO_JS, timeout=1000)
            except Exception:
                pass


def _relative(path: Path, output_dir: Optional[Path]) -> str:
    if output_dir is None:
        return str(path)
    try:
        return Path(os.path.relpath(Path(path).resolve(), Path(output_dir).resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return str(path)


async def observe_banner(tab, output_dir: Optional[Path], phase: str) -> PhaseBanner:
    """Before consent: is a banner showing right now (no waiting), and a screenshot of it."""
    try:
        from consent_banner import async_api
    except ImportError:
        return PhaseBanner(detected=False, reason="consent_banner not available")
    try:
        detection = await asyncio.wait_for(async_api.detect(tab, timeout=0), 10)
    except Exception as exc:  # the banner package must never stop a scan
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return PhaseBanner(detected=False, reason=f"consent_banner failed: {first[:300]}")
    if not detection.found:
        return PhaseBanner(detected=False, reason=detection.note)
    evidence = _Evidence(tab, output_dir, phase)
    await evidence.take("shown")
    roles = {button.role for button in detection.buttons}
    refuses = "reject" in roles or bool(getattr(detection, "first_layer_refusal", None))
    return PhaseBanner(detected=True, cmp=detection.cmp, reject_on_first_layer=refuses if roles else None,
                       preticked=detection.preticked, screenshot=evidence.shots[0]["path"] if evidence.shots else None,
                       screenshots=evidence.shots)


async def answer_banner(tab, action: str, output_dir: Optional[Path], phase: str, timeout: float
                        ) -> tuple[PhaseBanner, Optional[dict], Optional[dict], Optional[datetime]]:
    """Click accept or reject on ``tab``; (banner record, TCF state, consent mode, answered_at)."""
    try:
        from consent_banner import async_api
    except ImportError:
        return PhaseBanner(detected=False, action=action, reason="consent_banner not available"), None, None, None
    screenshot_dir = None
    if output_dir is not None:
        screenshot_dir = output_dir / "screenshots" / phase
        screenshot_dir.mkdir(parents=True, exist_ok=True)
    answer = async_api.accept if action == "accept" else async_api.reject
    evidence = _Evidence(tab, output_dir, phase)
    try:
        outcome = await asyncio.wait_for(
            answer(tab, screenshot_dir=screenshot_dir, before_click=evidence.before_click), timeout)
    except asyncio.TimeoutError:
        return PhaseBanner(detected=False, action=action, reason=f"no answer within {timeout:g} s",
                           screenshots=evidence.shots), None, None, None
    except Exception as exc:  # the banner package must never stop a scan
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return PhaseBanner(detected=False, action=action, reason=f"consent_banner failed: {first[:300]}",
                           screenshots=evidence.shots), None, None, None
    if getattr(outcome, "detected", False):
        if not evidence.has("shown"):  # nothing was clicked (no option): the banner is still there
            await evidence.take("shown")
        elif evidence.has("clicked"):
            await evidence.take("after")
    banner = banner_from_outcome(outcome, action, output_dir)
    banner.screenshots = [BannerScreenshot(**shot) for shot in evidence.shots]
    answered = utcnow() if banner.detected and banner.clicks else None
    return banner, _dict(getattr(outcome, "tcf", None)), _dict(getattr(outcome, "consent_mode", None)), answered


def banner_from_outcome(outcome: Any, action: str, output_dir: Optional[Path]) -> PhaseBanner:
    """Map a consent_banner outcome (a pydantic model) into the scan result's PhaseBanner."""
    steps = []
    for step in getattr(outcome, "steps", None) or []:
        if hasattr(step, "model_dump"):
            steps.append(step.model_dump(mode="json"))
        elif isinstance(step, dict):
            steps.append(step)
        else:
            steps.append({"description": str(step)})
    screenshot = getattr(outcome, "screenshot", None)
    if screenshot and output_dir is not None:
        screenshot = _relative(Path(screenshot), output_dir)
    outcome_action = getattr(outcome, "action", None)
    return PhaseBanner(
        detected=bool(getattr(outcome, "detected", False)),
        cmp=getattr(outcome, "cmp", None),
        action=outcome_action if outcome_action in ("accept", "reject") else action,
        steps=steps,
        verified=bool(getattr(outcome, "verified", False)),
        verification=getattr(outcome, "verification", None),
        reason=getattr(outcome, "reason", None),
        reject_on_first_layer=getattr(outcome, "reject_on_first_layer", None),
        clicks=int(getattr(outcome, "clicks", 0) or 0),
        preticked=getattr(outcome, "preticked", None),
        screenshot=str(screenshot) if screenshot else None,
    )


def _dict(value: Any) -> Optional[dict]:
    if value is None:
        return None
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return dict(value) if isinstance(value, dict) else {"value": str(value)}
