"""When has a page finished? The settle policy, usable on its own (no collectors needed).

After ``load`` the page is scrolled to the bottom once and given two animation frames, so
scroll handlers, intersection observers and lazy images have started what they start. The
page is settled when all of these hold:

* no request of its tab is in flight, except requests in flight for longer than
  ``LONG_REQUEST`` seconds (long polls, streams, hung beacons), which would otherwise hold
  every page until the limit, and requests whose response arrived a quiet window ago but
  whose body the page never reads (a ``fetch`` whose body is ignored never "finishes");
* no request of its tab started or ended for the quiet window (``quiet_window``, 0.5 s),
  counted from the last network event (which may be before ``load``: a page whose network
  is already quiet is not held again);
* no late timer is pending in any of its frames: a ``setTimeout`` or the first run of a
  ``setInterval`` of at most 3 s, or a ``requestIdleCallback``, armed by the page (the init
  script counts them, at most three timers deep so an animation loop does not count), and
  due within ``LATE_TIMER_WINDOW`` seconds of the start of settling. That is how a tag firing
  1-2 s after load or after the scroll is waited for although the network is quiet until it
  fires; after such a timer ran, the quiet window starts again.

Nothing else is waited for: a page with nothing pending settles one quiet window after its
last request. A page that never settles (a heartbeat every 300 ms, a stream that keeps
starting requests) is ended at ``settle_limit`` seconds after settling began (ScanOptions,
default 10 s, well under ``--timeout``), and the report says why: the requests in flight or
active in the last quiet window and their hosts, or the timers still pending.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import urlsplit

from ..models import PageSettle
from . import instrumentation

__all__ = ["LATE_TIMER_WINDOW", "LONG_REQUEST", "MAX_REPORTED_HOSTS", "NetworkActivity", "SCROLL_JS", "settle_page"]

LONG_REQUEST = 3.0
LATE_TIMER_WINDOW = 3.0  # seconds after settling began within which a pending late timer is waited for
TIMER_GRACE = 0.03  # after a timer's due time, before looking again
FRAME_CALL_TIMEOUT = 1.0
MAX_REPORTED_HOSTS = 20

# Scroll to the bottom; resolve two animation frames after the page's own scroll handlers ran
# (ours is registered last), or after two frames when the page cannot scroll, so what the
# scroll triggers (handlers, intersection observers, lazy images) has started before the
# network is read. The fallback is for a tab that paints no frames (or a starved machine).
SCROLL_JS = """() => new Promise((resolve) => {
  let fallback = null;
  const done = () => { if (fallback !== null) clearTimeout(fallback); resolve(true); };
  const frames = () => requestAnimationFrame(() => requestAnimationFrame(done));
  const root = document.scrollingElement || document.documentElement;
  const bottom = Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0);
  if (bottom - window.innerHeight > window.scrollY + 1) {
    addEventListener("scroll", frames, { once: true, passive: true });
  } else {
    frames();
  }
  fallback = setTimeout(done, 1500);
  window.scrollTo(0, bottom);
})"""


@dataclass
class _Flight:
    started: float
    host: str
    responded: Optional[float] = None  # when its response headers arrived


class NetworkActivity:
    """Tracks in-flight requests and the last network event per tab of a browser context."""

    def __init__(self) -> None:
        self._inflight: dict[Any, dict[Any, _Flight]] = {}
        self._last: dict[Any, float] = {}
        self._hosts: dict[Any, dict[str, float]] = {}  # tab -> host -> its last network event

    def attach(self, context) -> None:
        """Listen to ``context``'s request events (call once per context)."""
        context.on("request", self._started)
        context.on("response", self._responded)
        context.on("requestfinished", self._ended)
        context.on("requestfailed", self._ended)

    @staticmethod
    def _tab_of(request):
        try:
            return request.frame.page
        except Exception:  # service-worker requests belong to no tab
            return None

    def _started(self, request) -> None:
        tab = self._tab_of(request)
        if tab is not None:
            now = time.monotonic()
            host = _host(request)
            self._inflight.setdefault(tab, {})[request] = _Flight(now, host)
            self._last[tab] = now
            self._hosts.setdefault(tab, {})[host] = now

    def _responded(self, response) -> None:
        request = response.request
        tab = self._tab_of(request)
        flight = self._inflight.get(tab, {}).get(request) if tab is not None else None
        if flight is not None:
            flight.responded = self._last[tab] = time.monotonic()

    def _ended(self, request) -> None:
        tab = self._tab_of(request)
        if tab is not None:
            now = time.monotonic()
            flight = self._inflight.get(tab, {}).pop(request, None)
            self._last[tab] = now
            self._hosts.setdefault(tab, {})[flight.host if flight else _host(request)] = now

    def forget(self, tab) -> None:
        """Drop a tab's bookkeeping (a closed tab, or a tab starting a new page)."""
        self._inflight.pop(tab, None)
        self._last.pop(tab, None)
        self._hosts.pop(tab, None)

    def touch(self, tab) -> None:
        """Count now as activity (e.g. right after a click, or after a late timer ran)."""
        self._last[tab] = time.monotonic()

    def pending(self, tab, quiet: float) -> list[_Flight]:
        """Requests of ``tab`` in flight now, except long ones and bodies unread for ``quiet`` seconds."""
        now = time.monotonic()
        return [flight for flight in self._inflight.get(tab, {}).values()
                if now - flight.started < LONG_REQUEST and (flight.responded is None or now - flight.responded < quiet)]

    def idle_for(self, tab) -> float:
        """Seconds since the last network event of ``tab``."""
        return time.monotonic() - self._last.get(tab, 0.0)

    def busy_hosts(self, tab, quiet: float) -> tuple[int, list[str]]:
        """(requests in flight, hosts in flight or active in the last ``quiet`` seconds), for a report."""
        now = time.monotonic()
        flights = self.pending(tab, quiet)
        hosts = {flight.host for flight in flights}
        hosts |= {host for host, at in self._hosts.get(tab, {}).items() if now - at <= max(quiet, 0.05)}
        return len(flights), sorted(host for host in hosts if host)[:MAX_REPORTED_HOSTS]

    async def settle(self, tab, quiet: float, deadline: float) -> bool:
        """Wait until ``tab``'s network is quiet or ``deadline`` (time.monotonic()) passes; True if quiet."""
        while True:
            now = time.monotonic()
            pending = self.pending(tab, quiet)
            idle_for = self.idle_for(tab)
            if not pending and idle_for >= quiet:
                return True
            if now >= deadline:
                return False
            wait = quiet - idle_for if not pending else 0.05
            await asyncio.sleep(max(0.02, min(wait, deadline - now)))


async def settle_page(tab, activity: NetworkActivity, quiet: float, limit: float, *,
                      deadline: Optional[float] = None, scroll: bool = True) -> PageSettle:
    """Scroll (once), then wait until ``tab`` is settled (see the module docstring).

    ``limit`` is the settle limit in seconds from now; ``deadline`` (time.monotonic()) an outer
    bound such as the page's ``--timeout``. Returns how it ended.
    """
    started = time.monotonic()
    bound = started + limit if deadline is None else min(started + limit, deadline)
    if scroll:
        try:
            await asyncio.wait_for(tab.evaluate(SCROLL_JS), max(0.1, min(3.0, bound - time.monotonic())))
        except Exception:  # a page that navigated away or hung: settling still applies
            pass
    late_until = started + LATE_TIMER_WINDOW
    late_timers = 0
    while True:
        if not await activity.settle(tab, quiet, bound):
            in_flight, hosts = activity.busy_hosts(tab, quiet)
            return _report(started, False, late_timers, f"network not quiet within {bound - started:.1f} s",
                           in_flight, hosts)
        now = time.monotonic()
        due = [when for when in await _late_timers(tab, min(FRAME_CALL_TIMEOUT, max(0.1, bound - now)))
               if now + when <= late_until]
        if not due:
            return _report(started, True, late_timers)
        now = time.monotonic()
        if now >= bound:
            return _report(started, False, late_timers,
                           f"{len(due)} late timer(s) still pending after {bound - started:.1f} s")
        await asyncio.sleep(max(0.0, min(min(due), bound - now)) + TIMER_GRACE)
        late_timers += 1
        activity.touch(tab)  # what the timer started gets a full quiet window


async def _late_timers(tab, timeout: float) -> list[float]:
    """Seconds until each late timer of every frame of ``tab`` is due (0 for overdue ones)."""
    frames = [frame for frame in tab.frames if frame.url.startswith(("http://", "https://"))]
    answers = await asyncio.gather(*(_frame_timers(frame, timeout) for frame in frames))
    return [max(0.0, float(ms) / 1000.0) for answer in answers for ms in answer]


async def _frame_timers(frame, timeout: float) -> list:
    try:
        answer = await asyncio.wait_for(frame.evaluate(instrumentation.pending_js()), timeout)
    except Exception:  # detached, navigating, hung or cross-process frame going away
        return []
    return [ms for ms in answer if isinstance(ms, (int, float))] if isinstance(answer, list) else []


def _report(started: float, settled: bool, late_timers: int, reason: Optional[str] = None,
            in_flight: int = 0, hosts: Optional[list[str]] = None) -> PageSettle:
    return PageSettle(settled=settled, waited_ms=int((time.monotonic() - started) * 1000), late_timers=late_timers,
                      reason=reason, requests_in_flight=in_flight, hosts=hosts or [])


def _host(request) -> str:
    try:
        return (urlsplit(request.url).hostname or "").lower()
    except ValueError:
        return ""
