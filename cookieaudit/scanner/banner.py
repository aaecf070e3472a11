"""Answering the consent banner in an after_* phase, through the ``consent_banner`` package.

``consent_banner`` is imported when first needed; without it the phase still visits its
pages and its banner record says why nothing was answered.
"""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from ..models import PhaseBanner
from .collectors.base import utcnow

__all__ = ["answer_banner", "banner_from_outcome"]


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
    try:
        outcome = await asyncio.wait_for(answer(tab, screenshot_dir=screenshot_dir), timeout)
    except asyncio.TimeoutError:
        return PhaseBanner(detected=False, action=action, reason=f"no answer within {timeout:g} s"), None, None, None
    except Exception as exc:  # the banner package must never stop a scan
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return PhaseBanner(detected=False, action=action, reason=f"consent_banner failed: {first[:300]}"), None, None, None
    banner = banner_from_outcome(outcome, action, output_dir)
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
        try:
            screenshot = os.path.relpath(Path(screenshot).resolve(), Path(output_dir).resolve())
        except ValueError:  # another drive on Windows
            screenshot = str(screenshot)
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
