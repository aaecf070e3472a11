"""When has a page finished loading? The network-settle policy, usable on its own.

After ``load``, a tab counts as settled once no request of that tab started or ended for
the quiet window (default 0.5 s) and none is still in flight, except requests in flight
for longer than ``LONG_REQUEST`` seconds (long polls, streams, hung beacons), which would
otherwise hold every page until the timeout. The caller bounds the wait with a deadline.
The benchmark's bare Playwright loop uses this same class, so both run the same policy.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

__all__ = ["LONG_REQUEST", "NetworkActivity"]

LONG_REQUEST = 3.0


class NetworkActivity:
    """Tracks in-flight requests and the last network event per tab of a browser context."""

    def __init__(self) -> None:
        self._inflight: dict[Any, dict[Any, float]] = {}
        self._last: dict[Any, float] = {}

    def attach(self, context) -> None:
        """Listen to ``context``'s request events (call once per context)."""
        context.on("request", self._started)
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
            self._inflight.setdefault(tab, {})[request] = now
            self._last[tab] = now

    def _ended(self, request) -> None:
        tab = self._tab_of(request)
        if tab is not None:
            self._inflight.get(tab, {}).pop(request, None)
            self._last[tab] = time.monotonic()

    def forget(self, tab) -> None:
        """Drop a closed tab's bookkeeping."""
        self._inflight.pop(tab, None)
        self._last.pop(tab, None)

    def touch(self, tab) -> None:
        """Count now as activity (e.g. right after a scroll or a click)."""
        self._last[tab] = time.monotonic()

    async def settle(self, tab, quiet: float, deadline: float) -> bool:
        """Wait until ``tab`` is settled or ``deadline`` (time.monotonic()) passes; True if settled."""
        while True:
            now = time.monotonic()
            pending = [started for started in self._inflight.get(tab, {}).values() if now - started < LONG_REQUEST]
            idle_for = now - self._last.get(tab, 0.0)
            if not pending and idle_for >= quiet:
                return True
            if now >= deadline:
                return False
            wait = quiet - idle_for if not pending else 0.05
            await asyncio.sleep(max(0.02, min(wait, deadline - now)))
