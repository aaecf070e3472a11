"""Drivers: perform the engine's operations on a sync or an async Playwright page.

``run_sync(flow, page)`` and ``await run_async(flow, page)`` feed a flow generator the
answers to its operations until it returns its result. The two drivers mirror each other
line by line; everything else (waiting, deciding, verifying) is written once in the engine.

``before_click(locator, text)`` (optional) is called with the control's Locator just before
each click — the scanner outlines the control and takes its screenshot there. It must not
click; whatever it raises is ignored, so evidence-taking never changes what is clicked.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Generator

from . import ops

__all__ = ["is_async_page", "run_async", "run_sync"]

Flow = Generator[Any, ops.OpResult, Any]

# A styled switch hides its input: a person clicks the visible label or track instead.
_CLICK_LABEL = "e => { (e.labels && e.labels[0] || e.closest('label') || e).click(); }"


def is_async_page(page: object) -> bool:
    """True for a ``playwright.async_api.Page`` (its methods are coroutines)."""
    return inspect.iscoroutinefunction(getattr(page, "title", None))


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


# -- sync ------------------------------------------------------------------------------------
def _sync_frame(page, frame: str):
    if frame == "main":
        return page.main_frame
    handle = page.main_frame.locator(frame).filter(visible=True).first.element_handle(timeout=1500)
    content = handle.content_frame() if handle else None
    if content is None:
        raise RuntimeError(f"no frame for {frame}")
    return content


def _sync_perform(page, op, before_click=None) -> ops.OpResult:
    if isinstance(op, ops.Sleep):
        page.wait_for_timeout(op.ms)
        return ops.OpResult(True)
    if isinstance(op, ops.PageUrl):
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Cookies):
        return ops.OpResult(True, page.context.cookies())
    frame = _sync_frame(page, op.frame)
    where = "main" if op.frame == "main" else frame.url
    if isinstance(op, ops.Evaluate):
        return ops.OpResult(True, frame.evaluate(ops.script(op.name), op.arg), frame_url=where)
    target = frame.locator(op.selector).filter(visible=True).first
    if isinstance(op, ops.Geometry):
        if target.count() == 0:
            return ops.OpResult(True, None, frame_url=where)
        box = target.bounding_box(timeout=1000)
        return ops.OpResult(True, {"box": box, "enabled": target.is_enabled(timeout=1000)}, frame_url=where)
    if isinstance(op, ops.Click):
        try:
            text = target.inner_text(timeout=500)
        except Exception:  # the text is evidence only; the click matters
            text = None
        if before_click is not None:
            try:
                before_click(target, text)
            except Exception:  # evidence only
                pass
        target.click(timeout=op.timeout_ms)
        return ops.OpResult(True, {"text": text, "detached": frame.is_detached()}, frame_url=where)
    if isinstance(op, ops.Screenshot):
        Path(op.path).parent.mkdir(parents=True, exist_ok=True)
        target.screenshot(path=op.path, timeout=3000, animations="disabled")
        return ops.OpResult(True, op.path, frame_url=where)
    if isinstance(op, ops.Uncheck):
        found = checked = 0
        for toggle in frame.locator(op.selector).all():
            found += 1
            try:
                if not toggle.is_checked(timeout=1000) or not toggle.is_enabled(timeout=1000):
                    continue
                if toggle.is_visible():
                    toggle.set_checked(False, timeout=1500)
                else:
                    toggle.evaluate(_CLICK_LABEL)
                checked += 1
            except Exception:  # one stubborn toggle does not stop the others
                continue
        return ops.OpResult(True, {"found": found, "switched_off": checked}, frame_url=where)
    raise TypeError(f"unknown operation {op!r}")


def run_sync(flow: Flow, page, before_click=None) -> Any:
    """Drive ``flow`` with a sync Playwright page until it returns."""
    answer = None
    try:
        while True:
            op = flow.send(answer)
            try:
                answer = _sync_perform(page, op, before_click)
            except Exception as exc:  # a browser failure is an answer for the engine, not a crash
                answer = ops.OpResult(False, error=_error_text(exc))
    except StopIteration as done:
        return done.value


# -- async (mirrors the sync driver) -----------------------------------------------------------
async def _async_frame(page, frame: str):
    if frame == "main":
        return page.main_frame
    handle = await page.main_frame.locator(frame).filter(visible=True).first.element_handle(timeout=1500)
    content = await handle.content_frame() if handle else None
    if content is None:
        raise RuntimeError(f"no frame for {frame}")
    return content


async def _async_perform(page, op, before_click=None) -> ops.OpResult:
    if isinstance(op, ops.Sleep):
        await page.wait_for_timeout(op.ms)
        return ops.OpResult(True)
    if isinstance(op, ops.PageUrl):
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Cookies):
        return ops.OpResult(True, await page.context.cookies())
    frame = await _async_frame(page, op.frame)
    where = "main" if op.frame == "main" else frame.url
    if isinstance(op, ops.Evaluate):
        return ops.OpResult(True, await frame.evaluate(ops.script(op.name), op.arg), frame_url=where)
    target = frame.locator(op.selector).filter(visible=True).first
    if isinstance(op, ops.Geometry):
        if await target.count() == 0:
            return ops.OpResult(True, None, frame_url=where)
        box = await target.bounding_box(timeout=1000)
        return ops.OpResult(True, {"box": box, "enabled": await target.is_enabled(timeout=1000)}, frame_url=where)
    if isinstance(op, ops.Click):
        try:
            text = await target.inner_text(timeout=500)
        except Exception:  # the text is evidence only; the click matters
            text = None
        if before_click is not None:
            try:
                await before_click(target, text)
            except Exception:  # evidence only
                pass
        await target.click(timeout=op.timeout_ms)
        return ops.OpResult(True, {"text": text, "detached": frame.is_detached()}, frame_url=where)
    if isinstance(op, ops.Screenshot):
        Path(op.path).parent.mkdir(parents=True, exist_ok=True)
        await target.screenshot(path=op.path, timeout=3000, animations="disabled")
        return ops.OpResult(True, op.path, frame_url=where)
    if isinstance(op, ops.Uncheck):
        found = checked = 0
        for toggle in await frame.locator(op.selector).all():
            found += 1
            try:
                if not await toggle.is_checked(timeout=1000) or not await toggle.is_enabled(timeout=1000):
                    continue
                if await toggle.is_visible():
                    await toggle.set_checked(False, timeout=1500)
                else:
                    await toggle.evaluate(_CLICK_LABEL)
                checked += 1
            except Exception:  # one stubborn toggle does not stop the others
                continue
        return ops.OpResult(True, {"found": found, "switched_off": checked}, frame_url=where)
    raise TypeError(f"unknown operation {op!r}")


async def run_async(flow: Flow, page, before_click=None) -> Any:
    """Drive ``flow`` with an async Playwright page until it returns."""
    answer = None
    try:
        while True:
            op = flow.send(answer)
            try:
                answer = await _async_perform(page, op, before_click)
            except Exception as exc:  # a browser failure is an answer for the engine, not a crash
                answer = ops.OpResult(False, error=_error_text(exc))
    except StopIteration as done:
        return done.value
