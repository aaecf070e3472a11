"""The async API: detect and answer a consent banner on a ``playwright.async_api.Page``.

    from consent_banner import async_api
    detection = await async_api.detect(page)
    outcome = await async_api.reject(page, screenshot_dir=Path("out"))

None of these raise for a page without a banner, a click that navigates away or a frame
that detaches: the result says what happened (``Outcome.reason``). ``before_click`` (an async
callable taking the control's Locator and its text) runs just before each click, for evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

from . import engine
from .driver import is_async_page, run_async
from .models import Detection, Outcome
from .rules import load_rules
from .vocabulary import load_vocabulary

__all__ = ["accept", "detect", "reject"]


def _check(page) -> None:
    if not is_async_page(page):
        raise TypeError("consent_banner.async_api needs an async Playwright page; use consent_banner.detect/accept/reject for a sync one")


async def detect(page, timeout: float = engine.DEFAULT_TIMEOUT) -> Detection:
    """Find the consent banner on ``page``, waiting up to ``timeout`` seconds for a late one."""
    _check(page)
    return await run_async(engine.detect_flow(load_rules(), load_vocabulary(), timeout), page)


async def accept(page, screenshot_dir: Optional[Union[str, Path]] = None, timeout: float = engine.DEFAULT_TIMEOUT,
                 before_click=None) -> Outcome:
    """Click "accept all" on the banner the way a visitor would, then verify the choice was stored."""
    _check(page)
    flow = engine.answer_flow("accept", load_rules(), load_vocabulary(), timeout, screenshot_dir)
    return await run_async(flow, page, before_click)


async def reject(page, screenshot_dir: Optional[Union[str, Path]] = None, timeout: float = engine.DEFAULT_TIMEOUT,
                 before_click=None) -> Outcome:
    """Reject all non-necessary cookies (first layer, or settings → reject/save), then verify."""
    _check(page)
    flow = engine.answer_flow("reject", load_rules(), load_vocabulary(), timeout, screenshot_dir)
    return await run_async(flow, page, before_click)
