"""Drivers: perform the engine's operations on a sync or an async Playwright page.

``run_sync(flow, page)`` and ``await run_async(flow, page)`` feed a flow generator the
answers to its operations until it returns its result. The two drivers mirror each other
line by line; everything else (waiting, deciding, verifying) is written once in the engine.

``before_click(locator, text)`` (optional) is called just before each click with the control's
Locator (None for a control inside a closed shadow root, which no Locator reaches) — the
scanner outlines the control and takes its screenshot there. It must not click; whatever it
raises is ignored, so evidence-taking never changes what is clicked.

No operation here waits for a condition against a wall-clock timeout: an element's place,
whether a click reaches it and what the page is loading are read at once (``js/locate.js``, the
request tracker), and the engine decides how long a condition may take. A click happens in one
place per driver (``_sync_click``/``_async_click``): real mouse input at the point the element
was found reachable, in the main document, an iframe or a closed shadow root alike.

Closed shadow roots are found through the DevTools protocol's pierced DOM (``DOM.getDocument``
with ``pierce``), in the main document and in iframes (same-process ones through the page's
session, out-of-process ones through a session of their own); a script then runs with the
roots as arguments (``Runtime.callFunctionOn``). The page's ``attachShadow`` is never touched.

Every operation has a budget (``ops.budget_of``, ``op_budget`` seconds plus the time it waits by
design): a frame, a DevTools session or a page that never answers (a closed shadow root in a
cross-origin iframe that went away, a page blocked in a synchronous request) makes the driver
throw ``ops.TimedOut`` into the flow, which ends its phase with the reason. On an async page the
operation runs under ``asyncio.wait_for``; on a sync page a timer on Playwright's own event loop
cancels the sync API calls the operation started (they run as tasks of that loop while the caller
waits), so the caller gets its answer back instead of waiting forever.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import time
import weakref
from pathlib import Path
from typing import Any, Generator, Optional

from . import ops

__all__ = ["closed_root_ids", "document_of_frame", "is_async_page", "run_async", "run_sync"]

Flow = Generator[Any, ops.OpResult, Any]

CLOSED = "closed:"  # a target inside a closed shadow root: "closed:<ref>"
REF = "data-cookieaudit-ref"
_REF_SELECTOR = re.compile(r'^\[data-cookieaudit-ref="([^"]+)"\]$')
POINTER_EVENTS = frozenset({"click", "mousedown", "mouseup", "pointerdown", "pointerup", "touchstart", "touchend"})

# The element stamped with a ref, in the document, its open shadow roots or the given closed ones.
_FIND_REF = """(arg, ...closedRoots) => {
  const roots = [document, ...closedRoots.filter(Boolean)];
  for (let i = 0; i < roots.length; i++) {
    const hit = roots[i].querySelector('[data-cookieaudit-ref="' + arg.ref + '"]');
    if (hit) return hit;
    for (const inner of roots[i].querySelectorAll("*")) if (inner.shadowRoot) roots.push(inner.shadowRoot);
  }
  return null;
}"""
# Where an iframe's content starts in its parent's viewport (its box, border and padding), after
# scrolling it into view there.
_FRAME_OFFSET = """(e) => {
  if (e.scrollIntoViewIfNeeded) e.scrollIntoViewIfNeeded(true);
  const b = e.getBoundingClientRect(), s = getComputedStyle(e);
  return [b.x + e.clientLeft + (parseFloat(s.paddingLeft) || 0), b.y + e.clientTop + (parseFloat(s.paddingTop) || 0)];
}"""

_SESSIONS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # page or frame -> DevTools session (False: none of its own)
_TRACKERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # page -> _Tracker
_GROUP = "cookieaudit-closed-roots"


def closed_root_ids(node: dict, found: list[int]) -> list[int]:
    """backendNodeIds of the closed shadow roots in a pierced ``DOM.getDocument`` tree, not
    looking into iframes' documents (each frame is searched on its own)."""
    for root in node.get("shadowRoots") or ():
        if root.get("shadowRootType") == "closed":
            found.append(root["backendNodeId"])
        closed_root_ids(root, found)
    for child in node.get("children") or ():
        closed_root_ids(child, found)
    return found


def document_of_frame(node: dict, ref: str) -> Optional[dict]:
    """The content document of the iframe stamped ``ref`` in a pierced tree (a same-process
    iframe's document is part of its parent's tree), or None."""
    attributes = node.get("attributes") or []
    if node.get("nodeName") == "IFRAME" and dict(zip(attributes[::2], attributes[1::2])).get(REF) == ref:
        return node.get("contentDocument")
    for key in ("children", "shadowRoots"):
        for child in node.get(key) or ():
            found = document_of_frame(child, ref)
            if found is not None:
                return found
    document = node.get("contentDocument")
    return document_of_frame(document, ref) if document else None


def _split(selector: str) -> tuple[str, bool]:
    """(CSS selector, inside a closed shadow root) for an operation's target."""
    if selector.startswith(CLOSED):
        return f'[{REF}="{selector[len(CLOSED):]}"]', True
    return selector, False


def _frame_ref(selector: str) -> Optional[str]:
    match = _REF_SELECTOR.match(selector or "")
    return match.group(1) if match else None


def is_async_page(page: object) -> bool:
    """True for a ``playwright.async_api.Page`` (its methods are coroutines)."""
    return inspect.iscoroutinefunction(getattr(page, "title", None))


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


class _Tracker:
    """Requests in flight and main-frame navigations of one page, from Playwright's events."""

    def __init__(self, page) -> None:
        self.started: dict = {}  # request -> time.monotonic() when it started
        self.loading = False
        self.popups: list = []  # (time.monotonic() when opened, the page a link opened in a new tab)
        self.main = page.main_frame
        page.on("request", self._request)
        page.on("requestfinished", self._done)
        page.on("requestfailed", self._done)
        page.on("framenavigated", self._navigated)
        page.on("load", self._loaded)
        page.on("popup", self._popup)

    def _popup(self, popup) -> None:
        self.popups.append((time.monotonic(), popup))

    def opened_since(self, since: float) -> list:
        """The tabs opened since ``since``, taken off the list (their opener closes them)."""
        opened = [p for t, p in self.popups if t >= since]
        self.popups = [(t, p) for t, p in self.popups if t < since]
        return opened

    def _request(self, request) -> None:
        self.started[request] = time.monotonic()

    def _done(self, request) -> None:
        self.started.pop(request, None)

    def _navigated(self, frame) -> None:
        if frame is self.main:
            self.loading = True

    def _loaded(self, *_) -> None:
        self.loading = False

    def activity(self, since: float) -> dict:
        return {"inflight": sum(1 for t in self.started.values() if t >= since), "loading": self.loading}


def _tracker(page) -> _Tracker:
    tracker = _TRACKERS.get(page)
    if tracker is None:
        tracker = _TRACKERS[page] = _Tracker(page)
    return tracker


def _check_reply(reply: dict) -> Any:
    if reply.get("exceptionDetails"):
        raise RuntimeError(str(reply["exceptionDetails"].get("exception", {}).get("description", "script failed"))[:300])
    return reply["result"]


def _call_args(args: list, scope: list[str]) -> dict:
    return {"objectId": scope[0], "arguments": [{"value": a} for a in args] + [{"objectId": r} for r in scope[1:]]}


# -- sync ------------------------------------------------------------------------------------
def _sync_frame(page, selector: str):
    if selector == "main":
        return page.main_frame
    for handle in page.main_frame.query_selector_all(selector):  # answers at once: no waiting
        if handle.is_visible():
            content = handle.content_frame()
            if content is not None:
                return content
    raise RuntimeError(f"no frame for {selector}")


def _sync_session(page, frame):
    """The DevTools session that holds ``frame``'s document: an out-of-process iframe has its
    own; the main frame and same-process iframes share the page's (None: the page's)."""
    key = page if frame is page.main_frame else frame
    session = _SESSIONS.get(key)
    if session is None:
        try:
            session = page.context.new_cdp_session(page if key is page else frame)
        except Exception:  # a same-process iframe has no session of its own
            session = False
        _SESSIONS[key] = session
    return session or None


def _sync_scope(page, selector: str, frame) -> tuple[Any, list[str]]:
    """(session, [objectId of the frame's document, objectIds of its closed shadow roots...])."""
    own = _sync_session(page, frame)
    session = own or _sync_session(page, page.main_frame)
    session.send("Runtime.releaseObjectGroup", {"objectGroup": _GROUP})  # the previous look's handles
    root = session.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    if not own:
        ref = _frame_ref(selector)
        root = document_of_frame(root, ref) if ref else None
        if root is None:
            raise RuntimeError(f"frame {selector} not found in the page's DOM tree")
    ids = [root["backendNodeId"]] + closed_root_ids(root, [])[:20]
    return session, [session.send("DOM.resolveNode", {"backendNodeId": i, "objectGroup": _GROUP})["object"]["objectId"]
                     for i in ids]


def _sync_call(session, source: str, args: list, scope: list[str]) -> Any:
    reply = session.send("Runtime.callFunctionOn", {"functionDeclaration": source, "returnByValue": True,
                                                    "awaitPromise": True, **_call_args(args, scope)})
    return _check_reply(reply).get("value")


def _sync_locate(page, op_frame: str, frame, selector: str, scroll: bool = True) -> Optional[dict]:
    css, closed = _split(selector)
    arg = {"selector": css, "scroll": scroll}
    if closed:
        session, scope = _sync_scope(page, op_frame, frame)
        return _sync_call(session, ops.script("locate"), [arg], scope)
    return frame.evaluate(ops.script("locate"), arg)


def _sync_offset(frame) -> tuple[float, float]:
    """Where ``frame``'s viewport starts in the page's (0, 0 for the main frame)."""
    x = y = 0.0
    while frame.parent_frame is not None:
        dx, dy = frame.frame_element().evaluate(_FRAME_OFFSET)
        x, y, frame = x + dx, y + dy, frame.parent_frame
    return x, y


def _sync_click(page, op: ops.Click, frame, where: str, before_click=None) -> ops.OpResult:
    """The one place a click happens: real mouse input at the point where the element can be
    reached, read just before (and again after the ``before_click`` hook, which takes time)."""
    dx, dy = _sync_offset(frame)
    found = _sync_locate(page, op.frame, frame, op.selector)
    if not found or not found["box"]:
        raise RuntimeError("not visible")
    if not found["point"]:
        raise RuntimeError("covered by another element")
    if before_click is not None:
        try:
            before_click(_evidence_target(frame, op.selector), found.get("text"))
        except Exception:  # evidence only
            pass
        found = _sync_locate(page, op.frame, frame, op.selector) or found
        if not found["point"]:
            raise RuntimeError("covered by another element")
    element = frame.frame_element() if frame.parent_frame is not None else None
    page.mouse.click(found["point"]["x"] + dx, found["point"]["y"] + dy)
    return ops.OpResult(True, {"text": found.get("text"), "detached": _sync_detached(frame, element)}, frame_url=where)


def _evidence_target(frame, selector: str):
    """The control as a Locator for the ``before_click`` hook; None inside a closed shadow root."""
    css, closed = _split(selector)
    return None if closed else frame.locator(css).first


def _sync_detached(frame, element) -> bool:
    """Whether ``frame`` went away under the click: Playwright learns it from an event that may
    come after the click returns, so the parent is also asked whether the iframe is still there."""
    if frame.is_detached():
        return True
    if element is None:
        return False
    try:
        return not element.evaluate("(e) => e.isConnected")
    except Exception:  # the parent went too
        return True


def _sync_listeners(page, op: ops.Listeners, frame) -> list[str]:
    session, scope = _sync_scope(page, op.frame, frame)
    reply = session.send("Runtime.callFunctionOn", {"functionDeclaration": _FIND_REF, "returnByValue": False,
                                                    "objectGroup": _GROUP, **_call_args([{"ref": op.container}], scope)})
    container = _check_reply(reply).get("objectId")
    if not container:
        return []
    listeners = session.send("DOMDebugger.getEventListeners", {"objectId": container, "depth": -1, "pierce": True})["listeners"]
    refs = []
    for backend_id in sorted({l["backendNodeId"] for l in listeners if l.get("type") in POINTER_EVENTS and l.get("backendNodeId")})[:80]:
        attributes = session.send("DOM.describeNode", {"backendNodeId": backend_id})["node"].get("attributes") or []
        ref = dict(zip(attributes[::2], attributes[1::2])).get(REF)
        if ref:
            refs.append(ref)
    return refs


def _sync_perform(page, op, before_click=None) -> ops.OpResult:
    if isinstance(op, ops.Sleep):
        page.wait_for_timeout(op.ms)
        return ops.OpResult(True)
    if isinstance(op, ops.PageUrl):
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Cookies):
        return ops.OpResult(True, page.context.cookies())
    if isinstance(op, ops.Activity):
        return ops.OpResult(True, _tracker(page).activity(op.since))
    if isinstance(op, ops.Settle):
        page.wait_for_load_state("load", timeout=op.timeout_ms)
        _tracker(page).loading = False  # also after a same-document navigation, which fires no load event
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Reload):
        page.reload(wait_until="load", timeout=op.timeout_ms)
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Goto):
        page.goto(op.url, wait_until="load", timeout=op.timeout_ms)
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Popups):
        urls = []
        for popup in _tracker(page).opened_since(op.since):
            try:
                if popup.url in ("", "about:blank"):
                    popup.wait_for_load_state("domcontentloaded", timeout=op.timeout_ms)
            except Exception:  # a tab that never loads: its URL as it is, and closed all the same
                pass
            urls.append(popup.url)
            try:
                popup.close()
            except Exception:  # closed by the site already
                pass
        return ops.OpResult(True, urls)
    frame = _sync_frame(page, op.frame)
    where = "main" if op.frame == "main" else frame.url
    if isinstance(op, ops.Evaluate):
        if op.pierce:
            session, scope = _sync_scope(page, op.frame, frame)
            if len(scope) > 1:
                return ops.OpResult(True, _sync_call(session, ops.script(op.name), [op.arg], scope), frame_url=where)
        return ops.OpResult(True, frame.evaluate(ops.script(op.name), op.arg), frame_url=where)
    if isinstance(op, ops.Geometry):
        return ops.OpResult(True, _sync_locate(page, op.frame, frame, op.selector, op.scroll), frame_url=where)
    if isinstance(op, ops.Click):
        return _sync_click(page, op, frame, where, before_click)
    if isinstance(op, ops.Listeners):
        return ops.OpResult(True, _sync_listeners(page, op, frame), frame_url=where)
    if isinstance(op, ops.Screenshot):
        dx, dy = _sync_offset(frame)
        found = _sync_locate(page, op.frame, frame, op.selector)
        if not found or not found["box"]:
            raise RuntimeError("not visible")
        box = found["box"]
        Path(op.path).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=op.path, clip={**box, "x": box["x"] + dx, "y": box["y"] + dy}, animations="disabled")
        return ops.OpResult(True, op.path, frame_url=where)
    raise TypeError(f"unknown operation {op!r}")


def _sync_guarded(page, op, before_click, budget: float) -> ops.OpResult:
    """``_sync_perform`` within ``ops.budget_of(op)``: when the time is up, a timer on the
    Playwright loop cancels the sync API calls this operation started (tasks marked by
    Playwright's ``_sync``), and the operation raises ``ops.TimedOut``."""
    loop = getattr(page, "_loop", None)
    if loop is None or loop.is_closed():
        return _sync_perform(page, op, before_click)
    seconds = ops.budget_of(op, budget)
    before = asyncio.all_tasks(loop)
    expired: list[bool] = []

    def expire() -> None:
        expired.append(True)
        for task in asyncio.all_tasks(loop) - before:
            if hasattr(task, "__pw_stack__"):  # a call of the sync API, made by this operation
                task.cancel()

    timer = loop.call_later(seconds, expire)
    try:
        return _sync_perform(page, op, before_click)
    except asyncio.CancelledError:
        if expired:
            raise ops.TimedOut(op, seconds) from None
        raise
    finally:
        timer.cancel()


def run_sync(flow: Flow, page, before_click=None, op_budget: Optional[float] = None) -> Any:
    """Drive ``flow`` with a sync Playwright page until it returns; each operation gets
    ``op_budget`` seconds (default ``ops.OP_BUDGET_S``; see ``ops.budget_of``) before
    ``ops.TimedOut`` is thrown into the flow."""
    _tracker(page)
    op_budget = ops.OP_BUDGET_S if op_budget is None else op_budget
    answer, thrown = None, None
    try:
        while True:
            op = flow.send(answer) if thrown is None else flow.throw(thrown)
            thrown = None
            try:
                answer = _sync_guarded(page, op, before_click, op_budget)
            except ops.TimedOut as exc:
                thrown = exc
            except Exception as exc:  # a browser failure is an answer for the engine, not a crash
                answer = ops.OpResult(False, error=_error_text(exc))
    except StopIteration as done:
        return done.value


# -- async (mirrors the sync driver) -----------------------------------------------------------
async def _async_frame(page, selector: str):
    if selector == "main":
        return page.main_frame
    for handle in await page.main_frame.query_selector_all(selector):
        if await handle.is_visible():
            content = await handle.content_frame()
            if content is not None:
                return content
    raise RuntimeError(f"no frame for {selector}")


async def _async_session(page, frame):
    key = page if frame is page.main_frame else frame
    session = _SESSIONS.get(key)
    if session is None:
        try:
            session = await page.context.new_cdp_session(page if key is page else frame)
        except Exception:
            session = False
        _SESSIONS[key] = session
    return session or None


async def _async_scope(page, selector: str, frame) -> tuple[Any, list[str]]:
    own = await _async_session(page, frame)
    session = own or await _async_session(page, page.main_frame)
    await session.send("Runtime.releaseObjectGroup", {"objectGroup": _GROUP})
    root = (await session.send("DOM.getDocument", {"depth": -1, "pierce": True}))["root"]
    if not own:
        ref = _frame_ref(selector)
        root = document_of_frame(root, ref) if ref else None
        if root is None:
            raise RuntimeError(f"frame {selector} not found in the page's DOM tree")
    ids = [root["backendNodeId"]] + closed_root_ids(root, [])[:20]
    return session, [(await session.send("DOM.resolveNode", {"backendNodeId": i, "objectGroup": _GROUP}))["object"]["objectId"]
                     for i in ids]


async def _async_call(session, source: str, args: list, scope: list[str]) -> Any:
    reply = await session.send("Runtime.callFunctionOn", {"functionDeclaration": source, "returnByValue": True,
                                                          "awaitPromise": True, **_call_args(args, scope)})
    return _check_reply(reply).get("value")


async def _async_locate(page, op_frame: str, frame, selector: str, scroll: bool = True) -> Optional[dict]:
    css, closed = _split(selector)
    arg = {"selector": css, "scroll": scroll}
    if closed:
        session, scope = await _async_scope(page, op_frame, frame)
        return await _async_call(session, ops.script("locate"), [arg], scope)
    return await frame.evaluate(ops.script("locate"), arg)


async def _async_offset(frame) -> tuple[float, float]:
    x = y = 0.0
    while frame.parent_frame is not None:
        dx, dy = await (await frame.frame_element()).evaluate(_FRAME_OFFSET)
        x, y, frame = x + dx, y + dy, frame.parent_frame
    return x, y


async def _async_click(page, op: ops.Click, frame, where: str, before_click=None) -> ops.OpResult:
    """The one place a click happens (see ``_sync_click``)."""
    dx, dy = await _async_offset(frame)
    found = await _async_locate(page, op.frame, frame, op.selector)
    if not found or not found["box"]:
        raise RuntimeError("not visible")
    if not found["point"]:
        raise RuntimeError("covered by another element")
    if before_click is not None:
        try:
            await before_click(_evidence_target(frame, op.selector), found.get("text"))
        except Exception:  # evidence only
            pass
        found = await _async_locate(page, op.frame, frame, op.selector) or found
        if not found["point"]:
            raise RuntimeError("covered by another element")
    element = await frame.frame_element() if frame.parent_frame is not None else None
    await page.mouse.click(found["point"]["x"] + dx, found["point"]["y"] + dy)
    return ops.OpResult(True, {"text": found.get("text"), "detached": await _async_detached(frame, element)}, frame_url=where)


async def _async_detached(frame, element) -> bool:
    if frame.is_detached():
        return True
    if element is None:
        return False
    try:
        return not await element.evaluate("(e) => e.isConnected")
    except Exception:
        return True


async def _async_listeners(page, op: ops.Listeners, frame) -> list[str]:
    session, scope = await _async_scope(page, op.frame, frame)
    reply = await session.send("Runtime.callFunctionOn", {"functionDeclaration": _FIND_REF, "returnByValue": False,
                                                          "objectGroup": _GROUP, **_call_args([{"ref": op.container}], scope)})
    container = _check_reply(reply).get("objectId")
    if not container:
        return []
    listeners = (await session.send("DOMDebugger.getEventListeners",
                                    {"objectId": container, "depth": -1, "pierce": True}))["listeners"]
    refs = []
    for backend_id in sorted({l["backendNodeId"] for l in listeners if l.get("type") in POINTER_EVENTS and l.get("backendNodeId")})[:80]:
        attributes = (await session.send("DOM.describeNode", {"backendNodeId": backend_id}))["node"].get("attributes") or []
        ref = dict(zip(attributes[::2], attributes[1::2])).get(REF)
        if ref:
            refs.append(ref)
    return refs


async def _async_perform(page, op, before_click=None) -> ops.OpResult:
    if isinstance(op, ops.Sleep):
        await page.wait_for_timeout(op.ms)
        return ops.OpResult(True)
    if isinstance(op, ops.PageUrl):
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Cookies):
        return ops.OpResult(True, await page.context.cookies())
    if isinstance(op, ops.Activity):
        return ops.OpResult(True, _tracker(page).activity(op.since))
    if isinstance(op, ops.Settle):
        await page.wait_for_load_state("load", timeout=op.timeout_ms)
        _tracker(page).loading = False
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Reload):
        await page.reload(wait_until="load", timeout=op.timeout_ms)
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Goto):
        await page.goto(op.url, wait_until="load", timeout=op.timeout_ms)
        return ops.OpResult(True, page.url)
    if isinstance(op, ops.Popups):
        urls = []
        for popup in _tracker(page).opened_since(op.since):
            try:
                if popup.url in ("", "about:blank"):
                    await popup.wait_for_load_state("domcontentloaded", timeout=op.timeout_ms)
            except Exception:  # a tab that never loads: its URL as it is, and closed all the same
                pass
            urls.append(popup.url)
            try:
                await popup.close()
            except Exception:  # closed by the site already
                pass
        return ops.OpResult(True, urls)
    frame = await _async_frame(page, op.frame)
    where = "main" if op.frame == "main" else frame.url
    if isinstance(op, ops.Evaluate):
        if op.pierce:
            session, scope = await _async_scope(page, op.frame, frame)
            if len(scope) > 1:
                return ops.OpResult(True, await _async_call(session, ops.script(op.name), [op.arg], scope), frame_url=where)
        return ops.OpResult(True, await frame.evaluate(ops.script(op.name), op.arg), frame_url=where)
    if isinstance(op, ops.Geometry):
        return ops.OpResult(True, await _async_locate(page, op.frame, frame, op.selector, op.scroll), frame_url=where)
    if isinstance(op, ops.Click):
        return await _async_click(page, op, frame, where, before_click)
    if isinstance(op, ops.Listeners):
        return ops.OpResult(True, await _async_listeners(page, op, frame), frame_url=where)
    if isinstance(op, ops.Screenshot):
        dx, dy = await _async_offset(frame)
        found = await _async_locate(page, op.frame, frame, op.selector)
        if not found or not found["box"]:
            raise RuntimeError("not visible")
        box = found["box"]
        Path(op.path).parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=op.path, clip={**box, "x": box["x"] + dx, "y": box["y"] + dy}, animations="disabled")
        return ops.OpResult(True, op.path, frame_url=where)
    raise TypeError(f"unknown operation {op!r}")


async def _async_guarded(page, op, before_click, budget: float) -> ops.OpResult:
    seconds = ops.budget_of(op, budget)
    try:
        return await asyncio.wait_for(_async_perform(page, op, before_click), seconds)
    except asyncio.TimeoutError:
        raise ops.TimedOut(op, seconds) from None


async def run_async(flow: Flow, page, before_click=None, op_budget: Optional[float] = None) -> Any:
    """Drive ``flow`` with an async Playwright page until it returns (budgets as ``run_sync``)."""
    _tracker(page)
    op_budget = ops.OP_BUDGET_S if op_budget is None else op_budget
    answer, thrown = None, None
    try:
        while True:
            op = flow.send(answer) if thrown is None else flow.throw(thrown)
            thrown = None
            try:
                answer = await _async_guarded(page, op, before_click, op_budget)
            except ops.TimedOut as exc:
                thrown = exc
            except Exception as exc:  # a browser failure is an answer for the engine, not a crash
                answer = ops.OpResult(False, error=_error_text(exc))
    except StopIteration as done:
        return done.value
