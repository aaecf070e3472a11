"""consent_banner: find a website's cookie banner, recognise its CMP, and accept or reject it.

Sync API for ``playwright.sync_api`` pages (a pytest-playwright ``page`` included)::

    import consent_banner
    detection = consent_banner.detect(page)      # Detection: found, cmp, method, buttons…
    outcome = consent_banner.reject(page)        # Outcome: steps, verified, reason, clicks…

The same functions for async pages live in :mod:`consent_banner.async_api`. CMPs are data
(``consent_banner/cmps/*.yaml``, see :mod:`consent_banner.rules`), button words are data
(``consent_banner/words.yaml``); custom banners are found by a heuristic over visible
elements that talk about cookies and sit over the page (fixed, sticky, dialogs, overlays, absolute
along the bottom) or as a strip at its top, in iframes and in open and closed shadow roots (the
closed ones through the DevTools protocol). Refusal goes through a settings layer when it must
(every category switch off, tab by tab, then save); verification names the consent record and,
after a refusal, reloads the page to check that no tracking cookie comes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

from . import async_api, engine
from .driver import is_async_page, run_sync
from .models import Button, Detection, Outcome, Step
from .rules import CmpRule, load_rules
from .vocabulary import load_vocabulary

__all__ = [
    "Button", "CmpRule", "Detection", "Outcome", "Step", "accept", "async_api", "detect", "human_init_script",
    "load_rules", "reject",
]


def _check(page) -> None:
    if is_async_page(page):
        raise TypeError("this is an async Playwright page: use `await consent_banner.async_api.detect/accept/reject(page)`")


def detect(page, timeout: float = engine.DEFAULT_TIMEOUT) -> Detection:
    """Find the consent banner on a sync ``page``, waiting up to ``timeout`` seconds for a late one."""
    _check(page)
    return run_sync(engine.detect_flow(load_rules(), load_vocabulary(), timeout), page)


def accept(page, screenshot_dir: Optional[Union[str, Path]] = None, timeout: float = engine.DEFAULT_TIMEOUT) -> Outcome:
    """Click "accept all" on a sync ``page``'s banner the way a visitor would, then verify."""
    _check(page)
    return run_sync(engine.answer_flow("accept", load_rules(), load_vocabulary(), timeout, screenshot_dir), page)


def reject(page, screenshot_dir: Optional[Union[str, Path]] = None, timeout: float = engine.DEFAULT_TIMEOUT) -> Outcome:
    """Reject all non-necessary cookies on a sync ``page``'s banner, then verify."""
    _check(page)
    return run_sync(engine.answer_flow("reject", load_rules(), load_vocabulary(), timeout, screenshot_dir), page)


def human_init_script() -> str:
    """An init script that hides ``navigator.webdriver``, for CMPs that show no banner to automation."""
    from .ops import script

    return script("human")
