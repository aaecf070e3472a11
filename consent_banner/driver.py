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
import weakref
from pathlib import Path
from typing import Any, Generator

from . import ops

__all__ = ["is_async_page", "run_async", "run_sync"]

Flow = Generator[Any, ops.OpResult, Any]

CLOSED = "closed:"  # a target inside a closed shadow root: "closed:<ref>", clicked at its box

# Finds a stamped element inside the given (closed) shadow roots and nested open ones; answers its box.
_FIND_IN_ROOTS = """function (ref, ...roots) {
  for (const start of roots) {
    const scopes = [start];
    for (let i = 0; i < scopes.length; i++) {
      const hit = scopes[i].querySelector('[data-cookieaudit-ref="' + ref + '"]');
      if (hit) {
        if (hit.scrollIntoViewIfNeeded) hit.scrollIntoViewIfNeeded(); else hit.scrollIntoView({ block: "nearest" });
        const b = hit.getBoundingClientRect();
        const shown = b.width >= 2 && b.height >= 2 && (!hit.checkVisibility || hit.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }));
        return { box: shown ? { x: b.x, y: b.y, width: b.width, height: b.height } : null,
                 enabled: !hit.disabled && hit.getAttribute("aria-disabled") !== "true",
                 text: (hit.innerText || hit.getAttribute("aria-label") || "").slice(0, 300) };
      }
      for (const inner of scopes[i].querySelectorAll("*")) if (inner.shadowRoot) scopes.push(inner.shadowRoot);
    }
  }
  return null;
}"""

_SESSIONS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # page -> its DevTools session
_GROUP = "cookieaudit-closed-roots"


def closed_root_ids(node: dict, found: list[int]) -> list[int]:
    """backendNodeIds of the closed shadow roots in a pierced ``DOM.getDocument`` tree (main document only)."""
    for root in node.get("shadowRoots") or ():
        if root.get("shadowRootType") == "closed":
            found.append(root["backendNodeId"])
        closed_root_ids(root, found)
    for child in node.get("children") or ():
        closed_root_ids(child, found)
    # iframes' documents (node["contentDocument"]) are not searched: their frames are probed on their own
    return found


def _center(box: dict) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


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


def _sync_cdp(page):
    session = _SESSIONS.get(page)
    if session is None:
        session = _SESSIONS[page] = page.context.new_cdp_session(page)
    return session


def _sync_closed_roots(page) -> list[str]:
    """objectIds of the main document's closed shadow roots, through the DevTools protocol."""
    cdp = _sync_cdp(page)
    cdp.send("Runtime.releaseObjectGroup", {"objectGroup": _GROUP})  # the previous look's handles
    tree = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
    ids = []
    for backend_id in closed_root_ids(tree["root"], [])[:20]:
        ids.append(cdp.send("DOM.resolveNode", {"backendNodeId": backend_id, "objectGroup": _GROUP})["object"]["objectId"])
    return ids


def _sync_call(page, source: str, args: list, roots: list[str]) -> Any:
    reply = _sync_cdp(page).send("Runtime.callFunctionOn", {
        "functionDeclaration": source, "objectId": roots[0], "returnByValue": True, "awaitPromise": True,
        "arguments": [{"value": a} for a in args] + [{"objectId": r} for r in roots]})
    if reply.get("exceptionDetails"):
        raise RuntimeError(str(reply["exceptionDetails"].get("exception", {}).get("description", "script failed"))[:300])
    return reply["result"].get("value")


def _sync_closed_geometry(page, selector: str):
    roots = _sync_closed_roots(page)
    return _sync_call(page, _FIND_IN_ROOTS, [selector[len(CLOSED):]], roots) if roots else None


def _sync_perform(page, op, before_click=None) -> ops.OpResult:
    if isinstance(op, ops.Sleep):
        page.wait_for_timeout(op.ms)
        return ops.OpResult(True)
    if isinstance(op, ops.PageUrl):
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Cookies):
        return ops.OpResult(True, page.context.cookies())
    if isinstance(op, ops.Reload):
        page.reload(wait_until="load", timeout=op.timeout_ms)
        return ops.OpResult(True, page.url)
    selector = getattr(op, "selector", None) or ""
    if selector.startswith(CLOSED):  # inside a closed shadow root: act at the element's box
        found = _sync_closed_geometry(page, selector)
        if isinstance(op, ops.Geometry):
            return ops.OpResult(True, found)
        if not found or not found["box"]:
            raise RuntimeError("element in a closed shadow root is not visible")
        if isinstance(op, ops.Click):
            page.mouse.click(*_center(found["box"]))
            return ops.OpResult(True, {"text": found.get("text"), "detached": False})
        if isinstance(op, ops.Screenshot):
            Path(op.path).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=op.path, clip=found["box"], timeout=3000, animations="disabled")
            return ops.OpResult(True, op.path)
    frame = _sync_frame(page, op.frame)
    where = "main" if op.frame == "main" else frame.url
    if isinstance(op, ops.Evaluate):
        roots = _sync_closed_roots(page) if op.pierce and op.frame == "main" else []
        if roots:
            return ops.OpResult(True, _sync_call(page, ops.script(op.name), [op.arg], roots), frame_url=where)
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
        target.click(timeout=op.timeout_ms)  # real mouse events at the element's position
        return ops.OpResult(True, {"text": text, "detached": frame.is_detached()}, frame_url=where)
    if isinstance(op, ops.Screenshot):
        Path(op.path).parent.mkdir(parents=True, exist_ok=True)
        target.screenshot(path=op.path, timeout=3000, animations="disabled")
        return ops.OpResult(True, op.path, frame_url=where)
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


async def _async_cdp(page):
    session = _SESSIONS.get(page)
    if session is None:
        session = _SESSIONS[page] = await page.context.new_cdp_session(page)
    return session


async def _async_closed_roots(page) -> list[str]:
    cdp = await _async_cdp(page)
    await cdp.send("Runtime.releaseObjectGroup", {"objectGroup": _GROUP})
    tree = await cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
    ids = []
    for backend_id in closed_root_ids(tree["root"], [])[:20]:
        ids.append((await cdp.send("DOM.resolveNode", {"backendNodeId": backend_id, "objectGroup": _GROUP}))["object"]["objectId"])
    return ids


async def _async_call(page, source: str, args: list, roots: list[str]) -> Any:
    reply = await (await _async_cdp(page)).send("Runtime.callFunctionOn", {
        "functionDeclaration": source, "objectId": roots[0], "returnByValue": True, "awaitPromise": True,
        "arguments": [{"value": a} for a in args] + [{"objectId": r} for r in roots]})
    if reply.get("exceptionDetails"):
        raise RuntimeError(str(reply["exceptionDetails"].get("exception", {}).get("description", "script failed"))[:300])
    return reply["result"].get("value")


async def _async_closed_geometry(page, selector: str):
    roots = await _async_closed_roots(page)
    return await _async_call(page, _FIND_IN_ROOTS, [selector[len(CLOSED):]], roots) if roots else None


async def _async_perform(page, op, before_click=None) -> ops.OpResult:
    if isinstance(op, ops.Sleep):
        await page.wait_for_timeout(op.ms)
        return ops.OpResult(True)
    if isinstance(op, ops.PageUrl):
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Cookies):
        return ops.OpResult(True, await page.context.cookies())
    if isinstance(op, ops.Reload):
        await page.reload(wait_until="load", timeout=op.timeout_ms)
        return ops.OpResult(True, page.url)
    selector = getattr(op, "selector", None) or ""
    if selector.startswith(CLOSED):
        found = await _async_closed_geometry(page, selector)
        if isinstance(op, ops.Geometry):
            return ops.OpResult(True, found)
        if not found or not found["box"]:
            raise RuntimeError("element in a closed shadow root is not visible")
        if isinstance(op, ops.Click):
            await page.mouse.click(*_center(found["box"]))
            return ops.OpResult(True, {"text": found.get("text"), "detached": False})
        if isinstance(op, ops.Screenshot):
            Path(op.path).parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=op.path, clip=found["box"], timeout=3000, animations="disabled")
            return ops.OpResult(True, op.path)
    frame = await _async_frame(page, op.frame)
    where = "main" if op.frame == "main" else frame.url
    if isinstance(op, ops.Evaluate):
        roots = await _async_closed_roots(page) if op.pierce and op.frame == "main" else []
        if roots:
            return ops.OpResult(True, await _async_call(page, ops.script(op.name), [op.arg], roots), frame_url=where)
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
        await target.click(timeout=op.timeout_ms)  # real mouse events at the element's position
        return ops.OpResult(True, {"text": text, "detached": frame.is_detached()}, frame_url=where)
    if isinstance(op, ops.Screenshot):
        Path(op.path).parent.mkdir(parents=True, exist_ok=True)
        await target.screenshot(path=op.path, timeout=3000, animations="disabled")
        return ops.OpResult(True, op.path, frame_url=where)
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
