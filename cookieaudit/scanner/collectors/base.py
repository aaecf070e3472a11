"""The collector lifecycle and the state a phase shares with its collectors.

A phase makes fresh collector instances, then for each browser it launches (a restart
launches another) calls ``attach``; ``tab_opened`` for each tab; ``before_visit`` and
``after_visit`` around each page (``after_visit`` runs once the network settled and takes
the page's snapshot); ``visit_ended`` once the page was unloaded (its tab is blank again);
``on_script_event`` for reports from the init script. ``results`` turns what was gathered
into result models using plain Python only, so a scan that is interrupted, or whose browser
died, still yields everything gathered so far.

Attribution. Several tabs may visit pages at once, so "the page that was open when it
happened" is not a stable fact. Every observation is instead attributed to the *visit that
caused it* — the tab's visit for a script's report or a frame's request, the visit current
when a request started for its response — and each visit carries its page's index in crawl
order. Results take the earliest visit in crawl order (``Visit.order``), so which of two pages
loading side by side finished first never shows in a result.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Optional
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from ...domains import party
from ...models import ErrorEntry, Page
from ...safety import redact
from ..crawl import PlannedPage
from ..options import ScanOptions

__all__ = ["UNATTRIBUTED", "Collector", "PhaseState", "Visit", "close_stuck_tab", "crawl_position", "earliest",
           "utcnow"]


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc)


@dataclass
class Visit:
    """One page visit in progress: the tab, the plan entry and the page record being filled."""

    planned: PlannedPage
    tab: Any
    record: Page
    started: float  # epoch seconds
    links: list[str] = field(default_factory=list)  # same-site links, for the crawl
    current_url: Optional[str] = None  # the tab's main-frame URL while the visit runs
    response: Any = None  # the main document's response (Playwright), when one arrived
    storm: bool = False  # a storm or a stuck page: its tab is replaced after it
    closed: bool = False  # the scan closed the tab during the visit (close_stuck_tab)
    navigations: int = 0  # main-frame documents committed during the visit (a refresh loop makes many)
    moves: set = field(default_factory=set)  # (from, to) main-frame URL pairs the page navigated through
    repeated_move: Optional[tuple[str, str]] = None  # the first such pair taken twice: the page goes round

    def navigated(self, url: str) -> None:
        """Count a main-frame document; remember a move the page makes a second time (a loop)."""
        if self.current_url is not None and self.repeated_move is None:
            move = (self.current_url, url)
            if move in self.moves:
                self.repeated_move = move
            elif len(self.moves) < 1000:
                self.moves.add(move)
        self.current_url = url
        self.navigations += 1

    @property
    def url(self) -> str:
        """The page being visited: the requested URL until the tab commits, then where it is."""
        return self.current_url or self.record.final_url or self.record.url

    @property
    def order(self) -> int:
        """The page's position in crawl order (0 = the start page): what "earliest" means."""
        return self.planned.index


UNATTRIBUTED = 1 << 62  # crawl position of an observation no visit explains: after every page


def crawl_position(visit: Optional["Visit"]) -> int:
    """``visit.order``, or ``UNATTRIBUTED`` for no visit: the sort key of "earliest in crawl order"."""
    return visit.order if visit is not None else UNATTRIBUTED


def earliest(visits) -> Optional["Visit"]:
    """The visit earliest in crawl order among ``visits`` (None when there are none)."""
    return min((visit for visit in visits if visit is not None), key=lambda visit: visit.order, default=None)


class PhaseState:
    """What the collectors of one phase share: options, site, clock, errors, the visit per tab."""

    def __init__(self, phase: str, options: ScanOptions, site: str, errors: list[ErrorEntry],
                 classify_cookie: Callable[..., dict], classify_host: Callable[[str], dict]):
        self.phase = phase
        self.options = options
        self.site = site
        self.site_host = urlsplit(site).hostname or ""
        self.errors = errors
        self.classify_cookie = classify_cookie
        self.classify_host = classify_host
        self.current: dict[Any, Visit] = {}  # tab -> the visit it is on
        self.last_visit: Optional[Visit] = None
        self.sessions: dict[Any, Any] = {}  # tab -> its DevTools session (opened by the phase)
        self.watches: dict[Any, Any] = {}  # tab -> its devtools.TabWatch (storage writes as they happen)
        self._openers: "WeakKeyDictionary[Any, Visit]" = WeakKeyDictionary()  # pop-up -> its opener's visit
        self._request_visits: "WeakKeyDictionary[Any, Visit]" = WeakKeyDictionary()  # request -> visit it started in

    def party(self, host_or_url: str) -> str:
        """first/third relative to the scanned site."""
        return party(host_or_url, self.site_host)

    def value(self, raw: Optional[str]):
        """A value as recorded: redacted unless values were asked for."""
        if raw is None:
            return None
        return raw if self.options.include_values else redact(raw)

    def visit_of(self, tab) -> Optional[Visit]:
        """The visit that caused what happens in ``tab``: the visit the tab is on, a pop-up's opener's
        visit, else (a service worker, a tab we do not know) the earliest page in crawl order being
        visited now, so the answer never depends on which tab happened to start last."""
        visit = self.current.get(tab) if tab is not None else None
        if visit is None and tab is not None:
            visit = self._openers.get(tab)
        return visit or earliest(self.current.values()) or self.last_visit

    def note_popup(self, popup, opener_tab) -> None:
        """``popup`` was opened by ``opener_tab``: what happens in it belongs to the opener's visit."""
        visit = self.current.get(opener_tab)
        if visit is not None:
            try:
                self._openers[popup] = visit
            except TypeError:  # not weak-referenceable: attribution falls back to visit_of's rule
                pass

    def note_request(self, request) -> None:
        """A request started: remember the visit that caused it, for its response and failure later
        (a response can arrive after its tab moved on). The phase registers this before the collectors."""
        try:
            tab = request.frame.page
        except Exception:  # service-worker requests belong to no tab
            tab = None
        visit = self.visit_of(tab)
        if visit is not None:
            try:
                self._request_visits[request] = visit
            except TypeError:
                pass

    def visit_of_request(self, request) -> Optional[Visit]:
        """The visit that caused ``request`` (see ``note_request``)."""
        try:
            visit = self._request_visits.get(request)
        except TypeError:
            visit = None
        if visit is not None:
            return visit
        try:
            tab = request.frame.page
        except Exception:
            tab = None
        return self.visit_of(tab)

    def error(self, kind: str, message: str, url: Optional[str] = None) -> None:
        """Record a non-fatal error of this phase."""
        self.errors.append(ErrorEntry(kind=kind, message=message[:500], url=url, phase=self.phase, at=utcnow()))


async def close_stuck_tab(state: PhaseState, visit: Visit, why: str) -> None:
    """Close a tab whose page cannot be stopped (a dialog storm, a script that never yields):
    the phase then reads the cookie jar without it and replaces the tab, and the page's title
    and links are recorded as not read — the page costs its own time only."""
    if visit.closed:
        return
    visit.storm = visit.closed = True
    state.error("page-read", f"{why}: its tab was closed; title and links not read", visit.planned.url)
    try:
        await asyncio.wait_for(visit.tab.close(), 3)
    except Exception:
        pass


class Collector:
    """Base class: override the hooks a collector needs; every hook is optional."""

    name = "base"
    result_field: Optional[str] = None  # the ScanResult list this collector's results go to
    needs_tab = True  # False: after_visit reads the browser, not the page, so it runs after a crash too
    script_events: tuple[str, ...] = ()  # init-script event types routed to on_script_event

    def __init__(self, state: PhaseState):
        self.state = state
        self._tasks: set[asyncio.Task] = set()

    async def attach(self, browser) -> None:
        """A browser was launched for this phase (again, after a restart)."""

    async def tab_opened(self, tab) -> None:
        """A tab the phase visits pages in was opened."""

    async def before_visit(self, visit: Visit) -> None:
        """A page is about to be loaded in ``visit.tab``."""

    async def after_visit(self, visit: Visit) -> None:
        """The page settled: take its snapshot."""

    def visit_ended(self, visit: Visit) -> None:
        """The visit is over (its page unloaded, also after a failure); no browser calls here."""

    def on_script_event(self, event: dict, frame_url: str, tab) -> None:
        """The init script reported something (types listed in ``script_events``)."""

    def results(self) -> list:
        """Result models from what was gathered; plain Python, no browser calls."""
        return []

    def secrets(self) -> list[str]:
        """Raw values this collector observed (cookie and storage values), so the scan can find
        them inside other strings (a tracker URL, a HAR header) and redact them there."""
        return []

    # -- helpers for collectors that handle browser events with async work -------------
    def spawn(self, coro) -> None:
        """Run ``coro`` in the background; ``settle_tasks`` waits for it."""
        async def guarded():
            try:
                await coro
            except Exception:  # the frame, tab or browser went away mid-call: nothing to record
                pass

        task = asyncio.ensure_future(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle_tasks(self, timeout: float = 2.0) -> None:
        """Wait (bounded) for background work started by browser events."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)
