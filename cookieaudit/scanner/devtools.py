"""Storage writes recorded as they happen, through the DevTools protocol.

One ``TabWatch`` per tab uses the tab's DevTools session and, through ``Target.setAutoAttach``
(``waitForDebuggerOnStart``), every target the tab starts: out-of-process iframes, workers and
the service workers of its pages. Playwright's client sessions cannot address flat child
sessions, so children are reached with ``Target.sendMessageToTarget`` (``flatten: false``); each
is set up before it runs a script, then resumed.

Service workers run no init script and belong to no tab. One more watch per browser
(``TabWatch.for_service_workers``, on a browser-level session) discovers every service worker
and attaches to it for its lifetime (a tab's session loses a worker when its page navigates);
each session attached to a worker, the tabs' auto-attached ones included, receives its reports,
and the init script runs once per worker context (``WorkerReports``, shared by the watches of a
browser, also drops the copies). The worker's reports reach the phase with ``tab`` None.

The init script's reports (``js/instrument.js``) come through a binding of a random name added
to each target with ``Runtime.addBinding`` (Playwright's ``expose_binding`` would leave
``__playwright__binding__`` names on every page): ``{"type": "script-batch", "events": [...]}``.

Recorded, as plain event dicts handed to a callback (the phase routes them to the storage
collector, which merges them with the init script's reports — those know the writing script):

* ``{"type": "cdp-storage", "area": "localStorage"|"sessionStorage", "op": "set"|"remove"|"clear", ...}``
  from the ``DOMStorage`` events of every page and iframe target, so a frame that is removed or
  navigates away, or a page that redirects away, keeps its writes;
* ``{"type": "cdp-listing", "kind": "indexedDB"|"cacheStorage", "names": [...], ...}`` from the
  ``Storage.track…ForStorageKey`` events of each storage key seen, with the names listed by
  ``IndexedDB.requestDatabaseNames`` / ``CacheStorage.requestCacheNames``;
* ``{"type": "cdp-service-worker", "scope", "script_url", ...}`` from the ``ServiceWorker`` domain.

Nothing here runs in or is visible to a page but the binding, which the init script deletes
from the page's global object before any page script runs (and from a worker's, where a later
session's ``Runtime.addBinding`` puts the name back, at once again).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

__all__ = ["TabWatch", "WorkerReports", "parse_storage_key"]

COMMAND_TIMEOUT = 10.0
MAX_STORAGE_KEYS = 200  # storage keys whose IndexedDB and Cache Storage are followed, per tab
MAX_TARGETS = 200  # child targets attached per tab (an iframe bomb costs a bounded amount)
MAX_BATCH_EVENTS = 500  # the init script sends at most 200 a batch; more is not from it
MAX_BATCH_CHARS = 8_000_000
PAGE_TYPES = ("page", "iframe")
WORKER_TYPE = "service_worker"
BROWSER_TYPE = "browser"  # the root of the browser-wide watch (``TabWatch.for_service_workers``)
_AREAS = ("localStorage", "sessionStorage")
_STORAGE_OPS = {"DOMStorage.domStorageItemAdded": "set", "DOMStorage.domStorageItemUpdated": "set",
                "DOMStorage.domStorageItemRemoved": "remove", "DOMStorage.domStorageItemsCleared": "clear"}


def parse_storage_key(storage_key: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """(origin, top-level site) of a Chromium storage key; the site is None for first-party
    (unpartitioned) storage, "opaque" for a nonce-keyed one.

    >>> parse_storage_key("https://www.denhaag.nl/")
    ('https://www.denhaag.nl', None)
    >>> parse_storage_key("https://widget.kaart.nl/^0https://denhaag.nl")
    ('https://widget.kaart.nl', 'https://denhaag.nl')
    """
    if not storage_key:
        return None, None
    parts = storage_key.split("^")
    origin = parts[0].rstrip("/")
    partition = None
    for part in parts[1:]:
        if part.startswith("0"):
            partition = part[1:].rstrip("/")
        elif part.startswith(("1", "2")) and partition is None:
            partition = "opaque"
    return origin, partition


def origin_of(url: Optional[str]) -> Optional[str]:
    """scheme://host[:port] of an http(s) URL, else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


class _Target:
    """One DevTools target: the tab itself (``session_id`` None) or a target attached under it."""

    def __init__(self, watch: "TabWatch", parent: Optional["_Target"], session_id: Optional[str],
                 kind: str, url: str):
        self.watch = watch
        self.parent = parent
        self.session_id = session_id
        self.kind = kind
        self.url = url
        self.children: dict[str, _Target] = {}
        self.frames: dict[str, str] = {}  # frame id -> URL (kept after the frame is gone)
        self._next_id = 0
        self._waiting: dict[int, asyncio.Future] = {}
        self.closed = False
        self.context: Optional[str] = None  # a worker's execution context (its uniqueId)
        self.enabled = False  # a worker's Runtime domain is enabled (its reports reach us)
        self.target_id = ""
        self.attaching: set[str] = set()  # the browser-level root: target ids being attached
        self.script_loaded = asyncio.Event()  # a worker's script has loaded (Inspector.workerScriptLoaded)

    async def send(self, method: str, params: Optional[dict] = None, timeout: float = COMMAND_TIMEOUT) -> dict:
        if self.session_id is None:
            return await asyncio.wait_for(self.watch.session.send(method, params or {}), timeout)
        if self.closed:
            raise ConnectionError("target detached")
        self._next_id += 1
        command_id = self._next_id
        future = asyncio.get_running_loop().create_future()
        self._waiting[command_id] = future
        message = json.dumps({"id": command_id, "method": method, "params": params or {}})
        try:
            await self.parent.send("Target.sendMessageToTarget", {"sessionId": self.session_id, "message": message},
                                   timeout)
            reply = await asyncio.wait_for(future, timeout)
        finally:
            self._waiting.pop(command_id, None)
        if "error" in reply:
            raise RuntimeError(reply["error"].get("message", "protocol error"))
        return reply.get("result") or {}

    def on_message(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            return
        if "id" in message:
            future = self._waiting.get(message["id"])
            if future is not None and not future.done():
                future.set_result(message)
        elif "method" in message:
            self.handle(message["method"], message.get("params") or {})

    def detach(self) -> None:
        self.closed = True
        if self.watch.workers is not None:
            self.watch.workers.release(self)
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(ConnectionError("target detached"))
                future.exception()  # retrieved: a waiter that timed out must not log it
        for child in list(self.children.values()):
            child.detach()
        self.children.clear()

    async def set_up(self) -> None:
        """Enable what is observed, then let the target run (an attached one waits for us)."""
        try:
            if self.kind in PAGE_TYPES:
                steps = [self.send("Runtime.addBinding", {"name": self.watch.binding}), self.send("Runtime.enable"),
                         self.send("DOMStorage.enable"), self.send("Page.enable"),
                         self.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True,
                                                            "flatten": False})]
                if self.parent is None:
                    steps.append(self.send("ServiceWorker.enable"))
                await asyncio.gather(*steps, return_exceptions=True)
                tree = await self.send("Page.getFrameTree")
                self._note_frames(tree.get("frameTree") or {})
            elif self.kind == BROWSER_TYPE:
                # Service workers, discovered and attached here for as long as they exist, whichever
                # tabs come and go (a tab's session loses a worker when its page navigates). A
                # browser-level session cannot auto-attach without flat sessions, which Playwright's
                # client cannot address: targets are discovered and attached one by one instead.
                try:
                    await self.send("Target.setDiscoverTargets", {"discover": True, "filter": [{"type": WORKER_TYPE}]})
                except Exception:  # a Chromium without target filters: every target, workers picked out
                    await self.send("Target.setDiscoverTargets", {"discover": True})
            elif self.kind == WORKER_TYPE:
                await self._set_up_worker()
        except Exception:  # the target went away while being set up
            pass
        finally:
            if self.parent is not None:
                self.watch.spawn(self.send("Runtime.runIfWaitingForDebugger"))

    async def _set_up_worker(self) -> None:
        """Receive a service worker's reports, and run the init script in it once (init scripts do
        not reach workers).

        Every session attached to a worker — a tab's (attached before the worker runs, through
        auto-attach) and the browser-level watch's (attached for the worker's lifetime) — adds
        the binding and enables Runtime, so each receives the worker's reports; the watches drop
        the copies (``WorkerReports``). The script runs once per worker context (its ``uniqueId``;
        a restarted worker has a new one). A worker's global object gets its secure-context
        interfaces (``CookieStore``) only once its script has loaded (``Inspector.workerScriptLoaded``),
        so the script runs then. Playwright's own session resumes the worker at once: what it
        does before the reports are set up (its script's top level, at times the event it was
        started for) can be missed."""
        if self.watch.workers is None:
            return
        await asyncio.gather(self.send("Runtime.addBinding", {"name": self.watch.binding}), self.send("Runtime.enable"))
        self.enabled = True
        if not await self._instrument():
            self.watch.spawn(self.send("Runtime.runIfWaitingForDebugger"))  # the script loads once resumed
            await asyncio.wait_for(self.script_loaded.wait(), COMMAND_TIMEOUT)
            await self._instrument()

    async def _instrument(self) -> bool:
        """Run the init script in the worker's current context unless it runs there already (or
        another session is running it); False when the context is not ready for it yet."""
        workers, context = self.watch.workers, self.context
        remove_name = {"expression": f"delete globalThis[{json.dumps(self.watch.binding)}]", "silent": True}
        if context and context in workers.instrumented:
            await self.send("Runtime.evaluate", remove_name)  # adding the binding put its name back
            return True
        if context and workers.claims.setdefault(context, self) is not self:
            return True  # another session is setting it up (and removes the name when done)
        expression = ("typeof CookieStore === 'undefined' ? 'later' : (function () {\n"
                      f"{workers.script}\nreturn 'done';\n}})()")
        reply = await self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "silent": True})
        if (reply.get("result") or {}).get("value") == "later":
            return False  # the claim stays: this session runs it once the script has loaded
        if self.context:
            workers.instrumented.add(self.context)
        await self.send("Runtime.evaluate", remove_name)  # a session attached meanwhile may have put it back
        return True

    def _note_frames(self, tree: dict) -> None:
        frame = tree.get("frame") or {}
        if frame.get("id"):
            self._frame(frame)
        for child in tree.get("childFrames") or ():
            self._note_frames(child)

    def _frame(self, frame: dict) -> None:
        self.frames[frame["id"]] = frame.get("url", "")
        if origin_of(frame.get("url")):
            self.watch.spawn(self.watch.track_frame(self, frame["id"]))

    # -- events --------------------------------------------------------------------
    def handle(self, method: str, params: dict) -> None:
        try:
            if method == "Target.receivedMessageFromTarget":
                child = self.children.get(params.get("sessionId", ""))
                if child is not None:
                    child.on_message(params.get("message", ""))
            elif method == "Target.attachedToTarget":
                self._attached(params)
            elif method == "Target.detachedFromTarget":
                child = self.children.pop(params.get("sessionId", ""), None)
                if child is not None:
                    child.detach()
            elif method == "Runtime.bindingCalled":
                if params.get("name") == self.watch.binding:
                    payload = params.get("payload") or ""
                    if self.kind != WORKER_TYPE or self.watch.workers is None or self.watch.workers.first(payload):
                        self.watch.on_binding(payload)
            elif method in _STORAGE_OPS:
                self.watch.on_dom_storage(self, _STORAGE_OPS[method], params)
            elif method == "Page.frameNavigated":
                frame = params.get("frame") or {}
                if frame.get("id"):
                    self._frame(frame)
            elif method.startswith("Storage."):
                self.watch.on_storage_update(method, params)
            elif method.startswith("ServiceWorker."):
                self.watch.on_service_worker(method, params)
            elif method == "Inspector.workerScriptLoaded":
                self.script_loaded.set()
            elif method == "Runtime.executionContextCreated" and self.kind == WORKER_TYPE:
                context = (params.get("context") or {}).get("uniqueId")
                if context and context != self.context:
                    restarted = self.context is not None and self.enabled
                    self.context = context
                    if restarted:  # the worker was stopped and started again: a new global object
                        self.watch.spawn(self._instrument())
            elif method in ("Target.targetCreated", "Target.targetInfoChanged") and self.kind == BROWSER_TYPE:
                self._discovered(params.get("targetInfo") or {})
        except Exception:  # one malformed event must not stop the others
            pass

    def _discovered(self, info: dict) -> None:
        """A service worker the browser-level watch is not attached to yet: attach (not flat)."""
        target_id = info.get("targetId")
        if info.get("type") != WORKER_TYPE or not target_id or target_id in self.attaching:
            return
        if any(child.target_id == target_id and not child.closed for child in self.children.values()):
            return
        self.attaching.add(target_id)
        self.watch.spawn(self._attach(target_id, info))

    async def _attach(self, target_id: str, info: dict) -> None:
        try:
            reply = await self.send("Target.attachToTarget", {"targetId": target_id, "flatten": False})
            if reply.get("sessionId"):
                self._attached({"sessionId": reply["sessionId"], "targetInfo": info})
        finally:
            self.attaching.discard(target_id)

    def _attached(self, params: dict) -> None:
        info = params.get("targetInfo") or {}
        session_id = params.get("sessionId")
        if not session_id or session_id in self.children:  # an attach reported both as event and as reply
            return
        child = _Target(self.watch, self, session_id, info.get("type", "other"), info.get("url", ""))
        child.target_id = info.get("targetId", "")
        if self.watch.targets >= MAX_TARGETS:  # let it run, unobserved
            child.kind = "unobserved"
        self.watch.targets += 1
        self.children[session_id] = child
        self.watch.spawn(child.set_up())


class WorkerReports:
    """What the watches of one browser share about service workers: the init script, the worker
    contexts it runs in, and the reports already passed on (each session attached to a worker
    receives every report; the first copy counts)."""

    REMEMBERED = 2000

    def __init__(self, script: str):
        self.script = script
        self.instrumented: set[str] = set()  # worker execution contexts (uniqueId) the script runs in
        self.claims: dict[str, Any] = {}  # worker context -> the session setting the script up there
        self._seen: dict[str, None] = {}  # recent payloads, oldest first

    def release(self, target: Any) -> None:
        """``target`` is gone: contexts it had not finished setting up are free for another."""
        for context, holder in list(self.claims.items()):
            if holder is target and context not in self.instrumented:
                del self.claims[context]

    def first(self, payload: str) -> bool:
        """Whether this report has not been passed on yet (and is now)."""
        if payload in self._seen:
            return False
        self._seen[payload] = None
        if len(self._seen) > self.REMEMBERED:
            del self._seen[next(iter(self._seen))]
        return True


class TabWatch:
    """Records a tab's storage writes through DevTools (see the module docstring)."""

    EVENTS = ("Runtime.bindingCalled", "Target.attachedToTarget", "Target.detachedFromTarget", "Target.receivedMessageFromTarget",
              "Target.targetCreated", "Target.targetInfoChanged",
              "Page.frameNavigated", "ServiceWorker.workerRegistrationUpdated", "ServiceWorker.workerVersionUpdated",
              "Storage.indexedDBListUpdated", "Storage.indexedDBContentUpdated",
              "Storage.cacheStorageListUpdated", "Storage.cacheStorageContentUpdated", *_STORAGE_OPS)

    def __init__(self, tab: Any, session: Any, emit: Callable[[Any, dict], None], binding: str,
                 workers: Optional["WorkerReports"] = None):
        self.tab = tab
        self.session = session
        self.binding = binding
        self.workers = workers  # shared by the watches of one browser; None: service workers are not watched
        self._emit = emit
        self.root = _Target(self, None, None, BROWSER_TYPE if tab is None else "page", "")
        self.targets = 0
        self.storage_keys: dict[str, _Target] = {}  # storage key -> the target last seen using it
        self._registrations: dict[str, dict] = {}
        self._scripts: dict[str, str] = {}  # service-worker registration id -> its script URL
        self._tasks: set[asyncio.Task] = set()
        self.closed = False

    @classmethod
    def for_service_workers(cls, browser_session: Any, emit: Callable[[Any, dict], None], binding: str,
                            workers: "WorkerReports") -> "TabWatch":
        """A watch on a browser-level session that attaches to every service worker for its
        lifetime; its reports are emitted with ``tab`` None (a worker belongs to no tab)."""
        return cls(None, browser_session, emit, binding, workers)

    async def start(self) -> None:
        for method in self.EVENTS:
            self.session.on(method, (lambda name: lambda params: self.root.handle(name, params or {}))(method))
        await self.root.set_up()

    def close(self) -> None:
        self.closed = True
        self.root.detach()
        for task in list(self._tasks):
            task.cancel()

    def spawn(self, coro) -> None:
        if self.closed:
            coro.close()
            return

        async def guarded():
            try:
                await coro
            except Exception:  # the target, tab or browser went away mid-call
                pass

        task = asyncio.ensure_future(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle(self, timeout: float = 2.0) -> None:
        """Wait (bounded) for listings and set-ups in flight, so a page's snapshot includes them."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)

    def emit(self, event: dict) -> None:
        if not self.closed:
            event.setdefault("at", time.time() * 1000)
            self._emit(self.tab, event)

    def on_binding(self, payload: str) -> None:
        """A batch of the init script's reports (js/instrument.js), from any frame of the tab."""
        if len(payload) > MAX_BATCH_CHARS:
            return
        try:
            events = json.loads(payload)
        except ValueError:
            return
        if isinstance(events, list):
            self.emit({"type": "script-batch", "events": events[:MAX_BATCH_EVENTS]})

    # -- Web Storage -------------------------------------------------------------------
    def on_dom_storage(self, target: _Target, op: str, params: dict) -> None:
        storage_id = params.get("storageId") or {}
        storage_key = storage_id.get("storageKey")
        origin, partition = parse_storage_key(storage_key)
        origin = origin or (storage_id.get("securityOrigin") or "").rstrip("/")
        self.emit({"type": "cdp-storage", "area": _AREAS[0 if storage_id.get("isLocalStorage") else 1], "op": op,
                   "key": params.get("key"), "value": params.get("newValue"), "origin": origin,
                   "partition": partition, "target": target.kind, "target_url": target.url})
        if storage_key:
            self.spawn(self.track(storage_key, target))

    # -- IndexedDB and Cache Storage -----------------------------------------------------
    async def track_frame(self, target: _Target, frame_id: str) -> None:
        """Follow the storage of a frame's document (asked when the frame commits a document)."""
        reply = await target.send("Storage.getStorageKeyForFrame", {"frameId": frame_id})
        if reply.get("storageKey"):
            await self.track(reply["storageKey"], target)

    async def track(self, storage_key: str, target: _Target) -> None:
        """Follow IndexedDB and Cache Storage of a storage key (once), and list what it holds now.
        Names are listed through the target whose frame uses the key (the tab's session knows
        only its own frames' documents), or, once that target is gone, through the tab's."""
        known = self.storage_keys.get(storage_key)
        if known is not None and not known.closed or len(self.storage_keys) >= MAX_STORAGE_KEYS:
            return
        self.storage_keys[storage_key] = target
        if known is None:
            await asyncio.gather(self.root.send("Storage.trackIndexedDBForStorageKey", {"storageKey": storage_key}),
                                 self.root.send("Storage.trackCacheStorageForStorageKey", {"storageKey": storage_key}),
                                 return_exceptions=True)
        await self.list_storage(storage_key)

    def on_storage_update(self, method: str, params: dict) -> None:
        storage_key = params.get("storageKey")
        if not storage_key:
            return
        kind = "indexedDB" if "indexedDB" in method else "cacheStorage"
        name = params.get("databaseName") if kind == "indexedDB" else params.get("cacheName")
        if name:
            self._listing(kind, storage_key, [name])
        self.spawn(self.list_storage(storage_key, kinds=(kind,)))

    async def list_storage(self, storage_key: str, kinds=("indexedDB", "cacheStorage")) -> None:
        """The database and cache names under a storage key, as the profile holds them now."""
        target = self.storage_keys.get(storage_key) or self.root
        if target.closed:
            target = self.root
        if "indexedDB" in kinds:
            try:
                reply = await target.send("IndexedDB.requestDatabaseNames", {"storageKey": storage_key})
                self._listing("indexedDB", storage_key, reply.get("databaseNames") or [])
            except Exception:
                pass
        if "cacheStorage" in kinds:
            try:
                reply = await target.send("CacheStorage.requestCacheNames", {"storageKey": storage_key})
                self._listing("cacheStorage", storage_key, [c.get("cacheName", "") for c in reply.get("caches") or ()])
            except Exception:
                pass

    def _listing(self, kind: str, storage_key: str, names: list) -> None:
        names = [str(name) for name in names if name]
        if names:
            origin, partition = parse_storage_key(storage_key)
            self.emit({"type": "cdp-listing", "kind": kind, "origin": origin, "partition": partition, "names": names})

    # -- service workers ---------------------------------------------------------------
    def on_service_worker(self, method: str, params: dict) -> None:
        if method == "ServiceWorker.workerRegistrationUpdated":
            for registration in params.get("registrations") or ():
                self._registrations[registration.get("registrationId", "")] = registration
                self._registration(registration.get("registrationId", ""))
        else:
            for version in params.get("versions") or ():
                if version.get("scriptURL"):
                    self._scripts[version.get("registrationId", "")] = version["scriptURL"]
                    self._registration(version.get("registrationId", ""))

    def _registration(self, registration_id: str) -> None:
        registration = self._registrations.get(registration_id)
        script_url = self._scripts.get(registration_id)
        if registration is None or script_url is None or registration.get("isDeleted"):
            return
        self.emit({"type": "cdp-service-worker", "scope": registration.get("scopeURL"), "script_url": script_url,
                   "origin": origin_of(registration.get("scopeURL"))})
