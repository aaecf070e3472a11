"""One consent phase: a fresh profile and browser visiting a list of pages with the collectors.

``before_consent`` discovers the page list (crawl); ``after_reject`` / ``after_accept``
answer the banner on the first page and replay the list. Pages are visited by
``concurrency`` tabs of the same context; links are merged into the crawl in page order,
so the page list is the same whatever order the tabs finish in. The first page is always
visited alone (its banner answer and its cookies shape the rest).

A visit is: load, settle (settle.py), collect, then unload (the tab goes back to
``about:blank`` inside the visit), so what a page does as it is left — beacons, cookies on
``pagehide`` — belongs to that page and not to whichever page its tab opens next. Together
with the collectors' attribution to the visit that caused an observation (collectors/base.py),
this makes a result with N tabs identify and attribute the same as with one.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

from ..domains import registrable_domain
from ..errors import SiteUnreachableError
from ..models import Page, PhaseInfo
from . import disguise, instrumentation
from .banner import answer_banner, observe_banner
from .browser import LaunchedBrowser, launch
from .collectors import COLLECTORS, Collector, PhaseState, Visit
from .collectors.base import close_stuck_tab, utcnow
from .cookiewrite import epoch_to_datetime
from .crawl import Frontier, PlannedPage, normalize_url
from .devtools import TabWatch, WorkerReports
from .limits import MAX_SELF_NAVIGATIONS, PROBE_TIMEOUT
from .settle import NetworkActivity, settle_page
from .workspace import Workspace

__all__ = ["BINDING", "Phase", "FollowPlan"]

BINDING = instrumentation.BINDING  # random per process: a page cannot look for it
MAX_RESTARTS = 3
COLLECT_BUDGET = 10.0  # seconds for all collectors' snapshots of one page (less with a short --timeout)
UNLOAD_TIMEOUT = 2 * PROBE_TIMEOUT  # seconds for a page to unload (its pagehide/unload handlers run in it)

# Navigation failures that mean the site itself cannot be reached (checked on the first page).
UNREACHABLE_ERRORS = (
    "ERR_NAME_NOT_RESOLVED", "ERR_NAME_RESOLUTION_FAILED", "ERR_CONNECTION_REFUSED", "ERR_ADDRESS_UNREACHABLE",
    "ERR_CONNECTION_TIMED_OUT", "ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_CERT_", "ERR_SSL_",
    "ERR_BAD_SSL_CLIENT_AUTH_CERT", "ERR_INTERNET_DISCONNECTED", "ERR_PROXY_CONNECTION_FAILED", "ERR_TUNNEL_CONNECTION_FAILED",
    "ERR_UNSAFE_PORT",
)


class _BrowserDied(Exception):
    """The browser process went away during a visit."""


class FollowPlan:
    """The page list of the leading phase, with the Frontier's pop interface.

    A following phase (after_reject, after_accept) runs at the same time as the leading one
    (before_consent) and visits the leader's pages in the leader's order, as soon as the
    leader has planned them: the page list is discovered once and replayed, without waiting
    for the whole first phase to end.
    """

    def __init__(self, leader: "Phase"):
        self._leader = leader
        self._next = 0

    def pop(self) -> Optional[PlannedPage]:
        pages = self._leader.frontier.planned
        if self._next >= len(pages):
            return None
        page = pages[self._next]
        self._next += 1
        return page

    @property
    def exhausted(self) -> bool:
        """True once the leader has finished and every page it planned was handed out."""
        return self._leader.finished and self._next >= len(self._leader.frontier.planned)

    async def wait_for_more(self) -> None:
        """Until the leader plans another page or finishes (bounded, so a missed wake-up costs little)."""
        changed = self._leader.plan_changed
        changed.clear()
        if self._next < len(self._leader.frontier.planned) or self._leader.finished:
            return
        try:
            await asyncio.wait_for(changed.wait(), 0.5)
        except asyncio.TimeoutError:
            pass

    def add_links(self, *args, **kwargs) -> None:
        """Followers discover nothing."""

    def mark_visited(self, url: str) -> None:
        """Followers discover nothing."""

    @property
    def planned(self) -> list[PlannedPage]:
        return self._leader.frontier.planned


class Phase:
    """Runs one phase; what it gathers stays readable (``collectors``) even if it is cancelled."""

    def __init__(self, name: str, state: PhaseState, playwright: Any, *, leader: Optional["Phase"] = None,
                 check_reachable: bool = False, har_path: Optional[str] = None,
                 progress: Optional[Callable[..., None]] = None, workspace: Optional[Workspace] = None,
                 on_landed: Optional[Callable[[str], None]] = None):
        self.name = name
        self.state = state
        self.options = state.options
        self.playwright = playwright
        self.collectors: list[Collector] = [cls(state) for cls in COLLECTORS]
        self.info = PhaseInfo(name=name, started_at=utcnow(), har=har_path)
        self.check_reachable = check_reachable
        self.har_path = har_path
        self.progress = progress
        self.frontier = (FollowPlan(leader) if leader is not None else
                         Frontier(state.site, self.options.pages, self.options.urls,
                                  self.options.include, self.options.exclude))
        self.finished = False  # set when run() ends; followers stop waiting for pages then
        self.plan_changed = asyncio.Event()  # set whenever the page list grows, and at the end
        self.browser: Optional[LaunchedBrowser] = None
        self._worker_watch: Optional[TabWatch] = None  # the service workers of the browser (devtools)
        self.activity = NetworkActivity()
        self._profile_dir: Optional[Path] = None
        self._tabs: asyncio.Queue = asyncio.Queue()
        self._visited = 0
        self._crashed: set = set()  # tabs whose renderer died
        self._clicks: list[float] = []  # epoch seconds of trusted clicks, from the init script
        self._sitemap_done = leader is not None or not self.options.sitemap
        self._sitemap_urls: Optional[list[str]] = None  # the sitemap's pages, once read
        self.workspace = workspace
        self.on_landed = on_landed  # called with the start page's final URL when it is on another site
        self._tab_visits: dict[Any, Visit] = {}  # tab -> the last visit it made
        self._visit_tasks: set[asyncio.Task] = set()
        self._reached: dict[str, Page] = {}  # normalised URL -> the page record that reached it

    @property
    def action(self) -> Optional[str]:
        """accept / reject for the after_* phases, None before consent."""
        return {"after_reject": "reject", "after_accept": "accept"}.get(self.name)

    # -- lifecycle ---------------------------------------------------------------------
    async def run(self) -> list[PlannedPage]:
        """Visit the pages; returns the page list as planned."""
        try:
            await self._launch()
            await self._crawl()
        finally:
            await _cancel_all(self._visit_tasks)  # a stopped crawl leaves no visit running unobserved
            self.finished = True
            self.plan_changed.set()
            self.info.finished_at = utcnow()
            self.info.pages = self._visited
            await self._shutdown()
        return self.frontier.planned

    async def _launch(self) -> None:
        self.browser = await launch(self.playwright, self.options, self._profile_dir, self.har_path, self.workspace)
        self._profile_dir = self.browser.profile_dir
        context = self.browser.context
        context.on("request", self.state.note_request)  # first: collectors ask it which visit a request is of
        self.activity = NetworkActivity()
        self.activity.attach(context)
        await context.add_init_script(script=instrumentation.source())
        for collector in self.collectors:
            await collector.attach(self.browser)
        self._tabs = asyncio.Queue()
        if self._worker_watch is not None:
            self._worker_watch.close()
        self._workers = WorkerReports(instrumentation.source())
        self._worker_watch = TabWatch.for_service_workers(self.browser.cdp, self._on_devtools, BINDING, self._workers)
        try:
            await self._worker_watch.start()
        except Exception as exc:  # the cookies service workers set keep their jar evidence only
            self.state.error("browser", f"service-worker watch not set up: {_first_line(exc)}")
        tabs = list(context.pages[:1])
        while len(tabs) < self.options.concurrency:
            tabs.append(await self.browser.new_tab())  # a window of its own, as the visitor disguise needs
        for tab in tabs:
            await self._open_tab(tab)

    async def _open_tab(self, tab) -> None:
        tab.on("popup", lambda popup: self.state.note_popup(popup, tab))  # before the collectors' handlers
        tab.on("framenavigated", lambda frame: self._main_frame_navigated(tab, frame))
        tab.on("crash", lambda *_: self._on_crash(tab))
        for collector in self.collectors:
            await collector.tab_opened(tab)
        try:
            session = await self.browser.context.new_cdp_session(tab)
            self.state.sessions[tab] = session
            watch = TabWatch(tab, session, self._on_devtools, BINDING, self._workers)
            self.state.watches[tab] = watch
            tab.on("close", lambda *_: self._forget_watch(tab))
            await watch.start()
            if self.browser.presentation is not None:
                # Last: enabling the Network domain on another session resets navigator.platform.
                await disguise.apply(session, self.browser.presentation)
        except Exception as exc:  # the browser went away while the tab opened; the visit finds out
            if not self.browser.dead:
                self.state.error("browser", f"tab set-up failed: {_first_line(exc)}")
        self._tabs.put_nowait(tab)

    def _on_crash(self, tab) -> None:
        """A tab's renderer died: the page it is on, or the page it last showed, is to blame."""
        self._crashed.add(tab)
        if tab in self.state.current:
            return  # the visit in progress reports it
        visit = self._tab_visits.get(tab)
        if visit is not None:
            self.state.error("crash", "the tab crashed after the page was read", visit.planned.url)
            visit.record.error = visit.record.error or "tab crashed"

    def _main_frame_navigated(self, tab, frame) -> None:
        visit = self.state.current.get(tab)
        if visit is not None and frame.parent_frame is None and frame.url.startswith(("http://", "https://")):
            visit.navigated(frame.url)

    async def _shutdown(self) -> None:
        if self._worker_watch is not None:
            self._worker_watch.close()
        if self.browser is not None:
            await self.browser.close(timeout=3.0)
            self.browser.remove_profile()
        if self._profile_dir is not None and self.workspace is not None:  # the phase's, also after restarts
            await asyncio.to_thread(shutil.rmtree, self._profile_dir, True)

    async def _restart(self, reason: str) -> bool:
        """Relaunch on the same profile (the jar survives); False once restarts are used up."""
        self.state.error("browser", f"browser died ({reason}); restarting")
        if self.info.browser_restarts >= MAX_RESTARTS:
            return False
        self.info.browser_restarts += 1
        old = self.browser
        old.dead = True
        await old.close(timeout=2.0)
        await self._launch()
        return True

    # -- the crawl -----------------------------------------------------------------
    async def _crawl(self) -> None:
        self._merged = 0
        self._finished: dict[int, Visit] = {}
        sitemap_urls: Optional[list[str]] = None
        running: set[asyncio.Task] = set()
        while True:
            if not running and self.browser is not None and self.browser.dead:
                if not await self._restart("the browser process exited"):
                    self.state.error("browser", "too many browser restarts; phase stopped")
                    return
            limit = 1 if self._merged == 0 else self.options.concurrency
            while len(running) < limit and not (self.browser is not None and self.browser.dead):
                planned = self.frontier.pop()
                if planned is None:
                    break
                if planned.url in self._reached:  # an earlier page redirected here: one page, visited once
                    self._finished[planned.index] = None
                    continue
                running.add(self._track(asyncio.ensure_future(self._visit_with_tab(planned))))
            if not running:
                self._collect_finished(())  # pages skipped above still advance the merge
                if sitemap_urls:  # sitemap pages come after the links, once every redirect is known
                    self.frontier.add_links(sitemap_urls, self.state.site, 1, source="sitemap")
                    self.plan_changed.set()
                    sitemap_urls = None
                    continue
                if isinstance(self.frontier, FollowPlan) and not self.frontier.exhausted:
                    await self.frontier.wait_for_more()
                    continue
                break
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            if self.browser is not None and self.browser.dead and running:
                more, running = await asyncio.wait(running)
                done |= more
            self._collect_finished(done)
            if self._merged >= 1 and self._sitemap_urls is not None:  # read during the first visit
                sitemap_urls, self._sitemap_urls = self._sitemap_urls, None

    def _collect_finished(self, done) -> None:
        """Merge finished visits' links into the crawl, strictly in page order (deterministic)."""
        for task in done:
            visit = task.result()
            if visit is not None:
                self._finished[visit.planned.index] = visit
        while self._merged in self._finished:
            visit = self._finished.pop(self._merged)
            if visit is None:  # skipped: reached before through a redirect
                self._merged += 1
                continue
            if visit.record.final_url:
                self.frontier.mark_visited(visit.record.final_url)
            self._merge_redirect(visit)
            self.frontier.add_links(visit.links, visit.url, visit.planned.depth + 1)
            self._merged += 1
        self.plan_changed.set()

    def _check_landing(self, visit: Visit) -> None:
        """The start page landed on another site: that site is the one audited from now on
        (called before the page is read, so its links and cookies count as the new site's)."""
        final = visit.current_url or visit.record.final_url
        if (visit.planned.index == 0 and final and self.on_landed is not None
                and isinstance(self.frontier, Frontier) and not self.frontier.is_same_site(final)):
            self.frontier.site = registrable_domain(urlsplit(final).hostname or "")
            self.on_landed(final)

    def _merge_redirect(self, visit: Visit) -> None:
        """A page whose redirect ends on a page already visited is that page: one record, with the
        redirect chain (deterministic: the record first in page order is kept)."""
        record = visit.record
        final = normalize_url(record.final_url or "") or record.url
        kept = self._reached.get(final)
        redirected = bool(record.redirect_chain) and visit.response is not None \
            and normalize_url(visit.response.url) == final  # an HTTP redirect, not a page that moved on by itself
        if kept is not None and kept is not record and redirected:
            for url in record.redirect_chain + [record.url]:
                if url not in kept.redirect_chain and url != (kept.final_url or kept.url):
                    kept.redirect_chain.append(url)
            self._page_collector().forget(record)
            return
        self._reached.setdefault(final, record)
        self._reached.setdefault(record.url, record)

    def _track(self, task: asyncio.Task) -> asyncio.Task:
        self._visit_tasks.add(task)
        task.add_done_callback(self._visit_tasks.discard)
        return task

    def _page_collector(self):
        return next(c for c in self.collectors if c.result_field == "pages")

    async def _visit_with_tab(self, planned: PlannedPage) -> Optional[Visit]:
        tab = await self._clean_tab(await self._tabs.get())
        visit = None
        try:
            visit = await self._visit(planned, tab)
            return visit
        except _BrowserDied:
            if self.browser is not None:
                self.browser.dead = True
            visit = self.state.current.pop(tab, None)
            self._visited += 1
            visit = visit or Visit(planned, tab, self._page_record(planned), time.time())
            self._visit_ended(visit)
            return visit
        finally:
            if visit is not None:
                self._tab_visits[tab] = visit
            if tab in self._crashed or tab.is_closed() or (visit is not None and visit.storm):
                await self._retire_tab(tab)
                await self._replace_tab(tab)
            else:
                self._tabs.put_nowait(tab)

    async def _clean_tab(self, tab):
        """The next page starts clean. Its previous visit already left its page (``_unload``), so
        this is a health check: the tab must answer a trivial probe, and be blank (it is sent there
        again only when it is not). A tab that crashed or stopped answering since is replaced, and
        that is recorded on the page it last showed."""
        while True:
            last = self._tab_visits.get(tab)
            if last is None or self.browser is None or self.browser.dead:
                return tab
            if tab not in self._crashed and not tab.is_closed():
                problem = None
                if not await self._responsive(tab):
                    problem = f"the page stopped answering after it was read (no reply within {PROBE_TIMEOUT:g} s)"
                elif tab.url != "about:blank" and not await self._leave_page(tab):
                    problem = "the page could not be left: it hung or kept navigating when it was unloaded"
                if problem is None:
                    return tab
                if tab not in self._crashed:
                    self.state.error("hang", problem, last.planned.url)
                    last.record.error = last.record.error or "hang"
            await self._retire_tab(tab)
            await self._replace_tab(tab)
            tab = await self._tabs.get()

    async def _leave_page(self, tab) -> bool:
        """Send ``tab`` to about:blank: True once it is there (the page's pagehide and unload
        handlers ran; its timers, workers and late requests ended), False when the page hung,
        crashed or kept navigating instead."""
        for _ in range(2):  # a page that navigates by itself (a refresh loop) can overtake the first try
            try:
                await asyncio.wait_for(tab.goto("about:blank", wait_until="commit", timeout=UNLOAD_TIMEOUT * 1000),
                                       UNLOAD_TIMEOUT + 1)
            except Exception:
                if tab in self._crashed or tab.is_closed() or not await self._responsive(tab):
                    return False
                continue
            if tab.url == "about:blank":
                return tab not in self._crashed
        return False

    async def _retire_tab(self, tab) -> None:
        self._crashed.discard(tab)
        self._tab_visits.pop(tab, None)
        self.state.sessions.pop(tab, None)
        await _close_quietly(tab)

    async def _responsive(self, tab) -> bool:
        """Whether the tab's page runs scripts (a trivial evaluation answers within PROBE_TIMEOUT)."""
        session = self.state.sessions.get(tab)
        if session is None:
            return not tab.is_closed()
        try:
            await asyncio.wait_for(session.send("Runtime.evaluate", {"expression": "0", "returnByValue": True}),
                                   PROBE_TIMEOUT)
            return True
        except Exception:
            return False

    async def _unstick(self, visit: Visit) -> None:
        """A page whose scripts never yield (an endless loop) has them stopped, so what it set
        can still be read; the hang is recorded on this page. A dialog loop cannot be stopped:
        its tab is closed. Either way the tab is replaced after the page."""
        tab = visit.tab
        dialogs = len(visit.record.dialogs) + visit.record.dropped.dialogs
        if visit.closed or tab in self._crashed or tab.is_closed() or await self._responsive(tab):
            return
        if len(visit.record.dialogs) + visit.record.dropped.dialogs > dialogs:  # a dialog loop: nothing stops it
            await close_stuck_tab(self.state, visit, "it opened dialog after dialog")
            return
        self.state.error("hang", f"the page's scripts did not yield within {PROBE_TIMEOUT:g} s; they were stopped",
                         visit.planned.url)
        visit.record.error = visit.record.error or "hang"
        session = self.state.sessions.get(tab)
        try:
            await asyncio.wait_for(session.send("Runtime.terminateExecution"), PROBE_TIMEOUT)
        except Exception:
            pass
        if not await self._responsive(tab):
            # Still busy: maybe hung for good, maybe a huge page still laying out on a slow machine.
            # Collect what can be read (collectors have their own timeouts); replace the tab after.
            visit.storm = True

    async def _replace_tab(self, tab) -> None:
        self.activity.forget(tab)
        if self.browser is None or self.browser.dead:
            return
        try:
            new_tab = await asyncio.wait_for(self.browser.new_tab(), 10)
        except Exception:
            self.browser.dead = True
            return
        await self._open_tab(new_tab)

    def _page_record(self, planned: PlannedPage) -> Page:
        return Page(url=planned.url, source=planned.source, depth=planned.depth, phase=self.name, visited_at=utcnow())

    async def _visit(self, planned: PlannedPage, tab) -> Visit:
        record = self._page_record(planned)
        visit = Visit(planned, tab, record, time.time())
        self.state.current[tab] = visit
        self.state.last_visit = visit
        for collector in self.collectors:
            await collector.before_visit(visit)
        started = time.monotonic()
        deadline = started + self.options.timeout
        self.activity.forget(tab)  # requests the tab's previous page left behind are not this page's
        loaded = await self._navigate(visit, deadline)
        if loaded:
            self._check_landing(visit)
            if not tab.is_closed():
                await self._settle(visit, deadline)
            if planned.index == 0 and self.action and not tab.is_closed():
                await self._answer_banner(visit, deadline)
            elif planned.index == 0 and self.info.banner is None and not tab.is_closed():
                await self._observe_banner(visit)
        record.final_url = visit.current_url or record.final_url
        if visit.navigations > MAX_SELF_NAVIGATIONS or visit.repeated_move is not None:
            # Counting alone misses a loop on a slow machine; the same move made twice is one at any speed.
            around = ""
            if visit.repeated_move is not None:
                source, target = (url[:200] for url in visit.repeated_move)
                around = f", going round {source} → {target}"
            self.state.error("navigation", f"the page loaded {visit.navigations} documents by itself{around} (a refresh "
                             "or script loop); read where it was at the end", planned.url)
        if tab in self._crashed or tab.is_closed():
            if tab in self._crashed:
                self.state.error("crash", "the tab crashed", planned.url)
                record.error = "tab crashed"
            await self._collect(visit, tab_alive=False)  # the cookie jar is the browser's: still read it
        else:
            if loaded:
                await self._unstick(visit)
            await self._collect(visit, tab_alive=not tab.is_closed())
            if planned.index == 0 and not self._sitemap_done:
                self._sitemap_done = True
                self._sitemap_urls = await self._read_sitemap(visit)  # fetched from the site's own page
            await self._unload(visit)
        record.duration_ms = int((time.monotonic() - started) * 1000)
        self._visited += 1
        if self.progress:
            self.progress(phase=self.name, done=self._visited, url=planned.url)
        self._visit_ended(visit)
        self.state.current.pop(tab, None)
        return visit

    async def _unload(self, visit: Visit) -> None:
        """Leave the page inside its visit (see the module docstring). A page that hangs, crashes
        or keeps navigating as it is left has that recorded on it, and its tab is closed here (and
        replaced after the visit), so nothing of it reaches a later page; so is a stuck page's."""
        tab, record = visit.tab, visit.record
        if not (visit.storm or tab.is_closed() or tab in self._crashed):
            if await self._leave_page(tab):
                return
            if tab not in self._crashed and not tab.is_closed():
                self.state.error("hang", "the page could not be left: it hung or kept navigating when it was "
                                 "unloaded", visit.planned.url)
                record.error = record.error or "hang"
        if tab in self._crashed and record.error != "tab crashed":  # after the page was read
            self.state.error("crash", "the tab crashed while the page was read or left", visit.planned.url)
            record.error = record.error or "tab crashed"
        visit.storm = True
        await _close_quietly(tab)

    def _visit_ended(self, visit: Visit) -> None:
        for collector in self.collectors:
            try:
                collector.visit_ended(visit)
            except Exception:  # bookkeeping only; must not cost the visit
                pass

    async def _navigate(self, visit: Visit, deadline: float) -> bool:
        """goto and wait for load; errors recorded. True when there is a page to collect from."""
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        record, url = visit.record, visit.planned.url
        try:
            response = await visit.tab.goto(url, wait_until="load", timeout=self.options.timeout * 1000)
        except PlaywrightTimeout:
            if visit.current_url is None and self.check_reachable and visit.planned.index == 0:
                # nothing at all arrived from the start page: the site cannot be scanned
                raise SiteUnreachableError(f"cannot reach {url}: no response within {self.options.timeout:g} s") from None
            self.state.error("timeout", f"no load event within {self.options.timeout:g} s", url)
            record.error = "timeout"
            if visit.current_url is not None:
                await _stop_loading(self.state.sessions.get(visit.tab))  # no more frames or requests after the deadline
                return True  # the page is there but never finished loading: it still set what it set
            await _abort_navigation(visit.tab)  # nothing arrived: stop waiting for it
            return False
        except PlaywrightError as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if self.browser.dead or _browser_gone(visit.tab):
                record.error = "browser died"
                raise _BrowserDied(message) from None
            if visit.tab in self._crashed or "crash" in message.lower():
                self._crashed.add(visit.tab)
                return False  # reported by _visit
            if "Download is starting" in message:
                self.state.error("download", "the URL is a download, not a page", url)
                record.error = "download"
                return False
            if self.check_reachable and visit.planned.index == 0 and any(code in message for code in UNREACHABLE_ERRORS):
                raise SiteUnreachableError(_unreachable_message(url, message, self.options.insecure)) from None
            self.state.error("navigation", message, url)
            record.error = message[:300]
            return False
        if response is not None:
            visit.response = response
            record.status = response.status
            chain, previous = [], response.request.redirected_from
            while previous is not None and len(chain) < 50:
                chain.append(previous.url)
                previous = previous.redirected_from
            record.redirect_chain = list(reversed(chain))
            if response.status >= 400:
                self.state.error("http", f"HTTP {response.status}", url)
                record.error = f"HTTP {response.status}"
            record.final_url = response.url
        return True

    async def _settle(self, visit: Visit, deadline: float) -> None:
        visit.record.settle = await settle_page(visit.tab, self.activity, self.options.quiet_window,
                                                self.options.settle_limit, deadline=deadline)
        if self.options.wait:
            await asyncio.sleep(self.options.wait)

    async def _answer_banner(self, visit: Visit, deadline: float) -> None:
        output_dir = Path(self.options.output_dir) if self.options.output_dir else None
        clicks_before = len(self._clicks)
        banner, tcf, consent_mode, answered = await answer_banner(
            visit.tab, self.action, output_dir, self.name, timeout=max(self.options.timeout, 10.0))
        clicks = self._clicks[clicks_before:]
        if answered is not None and clicks:
            answered = epoch_to_datetime(min(clicks))  # the first click, not the end of verification
        self.info.banner = banner
        self.info.tcf = tcf
        self.info.consent_mode = consent_mode
        self.info.answered_at = answered
        if banner.reason and not banner.verified and banner.detected:
            self.state.error("banner", banner.reason, visit.planned.url)
        self.activity.touch(visit.tab)
        await settle_page(visit.tab, self.activity, self.options.quiet_window, self.options.settle_limit,
                          deadline=max(deadline, time.monotonic() + self.options.timeout / 2), scroll=False)

    async def _observe_banner(self, visit: Visit) -> None:
        """Before consent: record whether a banner shows on the first page, with its screenshot (no clicks)."""
        output_dir = Path(self.options.output_dir) if self.options.output_dir else None
        self.info.banner = await observe_banner(visit.tab, output_dir, self.name)

    async def _collect(self, visit: Visit, tab_alive: bool = True) -> None:
        budget = max(2.0, min(COLLECT_BUDGET, self.options.timeout))
        deadline = time.monotonic() + budget
        for collector in self.collectors:
            if collector.needs_tab and not tab_alive:
                continue
            try:
                await asyncio.wait_for(collector.after_visit(visit), max(0.5, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                self.state.error("collector", f"{collector.name}: no snapshot within {budget:g} s", visit.planned.url)
            except Exception as exc:  # one collector failing must not lose the others' data
                if self.browser is not None and self.browser.dead:
                    return
                self.state.error("collector", f"{collector.name}: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}", visit.planned.url)

    async def _read_sitemap(self, visit: Visit) -> list[str]:
        from .sitemap import fetch_sitemap_urls

        if visit.tab.is_closed():
            return []
        try:
            return await asyncio.wait_for(fetch_sitemap_urls(visit.tab, self.state.site), self.options.timeout)
        except Exception as exc:
            self.state.error("sitemap", f"sitemap not read: {type(exc).__name__}", self.state.site)
            return []

    # -- init-script reports -------------------------------------------------------
    def _on_devtools(self, tab, event: dict) -> None:
        """What devtools.TabWatch records: the init script's report batches, and storage writes
        (routed like the init script's events)."""
        if event.get("type") == "script-batch":
            for item in event.get("events") or ():
                self._on_event({"page": tab}, item)
            return
        for collector in self.collectors:
            if event.get("type") in collector.script_events:
                collector.on_script_event(event, "", tab)

    def _forget_watch(self, tab) -> None:
        watch = self.state.watches.pop(tab, None)
        if watch is not None:
            watch.close()

    def _on_event(self, source: dict, event: Any) -> None:
        if not isinstance(event, dict):
            return
        kind = event.get("type")
        frame_url = event.get("frame") if isinstance(event.get("frame"), str) else ""  # the reporting document
        tab = source.get("page")
        if kind == "click":
            self._clicks.append(float(event.get("at") or 0) / 1000.0)
            return
        for collector in self.collectors:
            if kind in collector.script_events:
                collector.on_script_event(event, frame_url, tab)


async def _stop_loading(session) -> None:
    if session is not None:
        try:
            await asyncio.wait_for(session.send("Page.stopLoading"), PROBE_TIMEOUT)
        except Exception:
            pass


async def _cancel_all(tasks) -> None:
    """Cancel the tasks and wait for them, retrieving their exceptions (no "never retrieved")."""
    tasks = [task for task in tasks if not task.done()] + [task for task in tasks if task.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _browser_gone(tab) -> bool:
    try:
        browser = tab.context.browser
        return browser is None or not browser.is_connected()
    except Exception:
        return True


async def _abort_navigation(tab) -> None:
    try:
        await tab.goto("about:blank", timeout=3000)
    except Exception:
        pass


async def _close_quietly(tab) -> None:
    try:
        await asyncio.wait_for(tab.close(), 3)
    except Exception:
        pass


def _unreachable_message(url: str, message: str, insecure: bool) -> str:
    code = next((word for word in message.replace(";", " ").split() if word.startswith("net::ERR_")), message[:120])
    hint = ""
    if ("ERR_CERT_" in message or "ERR_SSL_" in message) and not insecure:
        hint = " (TLS certificate not accepted; --insecure accepts it)"
    elif "ERR_UNSAFE_PORT" in message:
        from urllib.parse import urlsplit

        try:
            port = urlsplit(url).port
        except ValueError:
            port = None
        hint = f" (Chromium refuses port {port} as unsafe)" if port else " (Chromium refuses this port as unsafe)"
    return f"cannot reach {url}: {code}{hint}"
