"""A whole scan: its phases in order, the classifier lookups, and the result assembly.

``Scan.result()`` builds a ``ScanResult`` from what the phases gathered so far with plain
Python only, so an interrupted scan (SIGINT, SIGTERM) can still write a partial result.
"""

from __future__ import annotations

import asyncio
import platform
from pathlib import Path
from typing import Callable, Optional

from .._version import __version__
from ..errors import CookieauditError, ScanAbortedError
from ..models import BrowserInfo, ErrorEntry, ScanResult, ToolInfo
from ..ruleset import ruleset_fingerprint
from .collectors.base import PhaseState, utcnow
from .crawl import validate_start_url
from .options import ScanOptions
from .phase import Phase

__all__ = ["Scan", "tool_info"]

PHASE_ORDER = {"before_consent": 0, "after_reject": 1, "after_accept": 2}


class Scan:
    """One scan of one site: run it with ``await scan.run()``; ``result()`` at any time."""

    def __init__(self, url: str, options: ScanOptions, progress: Optional[Callable[..., None]] = None):
        self.site = validate_start_url(url)
        self.options = options
        self.progress = progress
        self.started_at = utcnow()
        self.finished_at = None
        self.errors: list = []
        self.phases: list[Phase] = []
        self._cookie_classes: dict[tuple, dict] = {}
        self._host_classes: dict[str, dict] = {}
        self._classifier_failed = False

    async def run(self) -> ScanResult:
        """Run the phases side by side: the first discovers the page list, the others follow it.

        Errors we raise on purpose (unreachable site, no browser, bad input) and cancellation pass
        through; any other exception means the scan broke off: it becomes a
        :class:`ScanAbortedError` carrying the partial result (``complete: false``).
        """
        try:
            return await self._run()
        except (CookieauditError, asyncio.CancelledError):
            raise
        except Exception as exc:
            first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
            message = f"the scan broke off: {type(exc).__name__}" + (f": {first}" if first else "")
            self.finished_at = utcnow()
            raise ScanAbortedError(message, partial=self.result(aborted=message)) from exc

    async def _run(self) -> ScanResult:
        from playwright.async_api import async_playwright

        rules = asyncio.ensure_future(asyncio.to_thread(_load_rules))  # read while the browsers work
        rules.add_done_callback(lambda done: done.cancelled() or done.exception())  # retrieved, also if unused
        playwright = await async_playwright().start()
        try:
            names = self.options.phases
            leader = None
            for position, name in enumerate(names):
                state = PhaseState(name, self.options, self.site, self.errors, self._classify_cookie, self._classify_host)
                phase = Phase(name, state, playwright, leader=leader, check_reachable=position == 0,
                              har_path=self._har_path(name, len(names)), progress=self.progress)
                self.phases.append(phase)
                leader = leader or phase
            await _run_all([phase.run() for phase in self.phases])
        finally:
            try:
                await asyncio.wait_for(playwright.stop(), 5)
            except BaseException:  # the driver may already be gone (signal to the process group)
                pass
        await asyncio.gather(rules, return_exceptions=True)  # a failure shows when classifying
        self.finished_at = utcnow()
        return self.result()

    def _har_path(self, phase: str, phases: int) -> Optional[str]:
        if not self.options.har:
            return None
        path = Path(self.options.har)
        if phases > 1:
            path = path.with_name(f"{path.stem}.{phase}{path.suffix or '.har'}")
        return str(path)

    # -- classification (cached per name + domain, and per host) -------------------------
    def _classify_cookie(self, name: str, domain: str, setter: Optional[str] = None) -> dict:
        """The classification fields of a cookie; ``setter`` (the URL that set it) can identify the
        tool behind a name many tools share."""
        key = (name, domain, setter)
        if key not in self._cookie_classes:
            fields = {"purpose": "unknown", "vendor": None, "vendor_id": None, "rule_id": None, "category": None}
            try:
                from ..classifier import classify

                found = classify(name, domain=domain, site=self.site, setter=setter)
                fields = {"purpose": found.purpose, "vendor": found.vendor, "vendor_id": found.vendor_id,
                          "rule_id": found.rule_id, "category": found.category}
            except Exception as exc:  # an unfinished or broken rule set must not stop a scan
                self._note_classifier_failure(exc)
            self._cookie_classes[key] = fields
        return self._cookie_classes[key]

    def _classify_host(self, host: str) -> dict:
        if host not in self._host_classes:
            fields: dict = {}
            try:
                from ..classifier import classify_host

                found = classify_host(host)
                fields = {"tracker": found.tracker, "vendor": found.vendor, "vendor_id": found.vendor_id,
                          "purpose": found.purpose}
            except Exception as exc:
                self._note_classifier_failure(exc)
            self._host_classes[host] = fields
        return self._host_classes[host]

    def _note_classifier_failure(self, exc: Exception) -> None:
        if not self._classifier_failed:
            self._classifier_failed = True
            self.errors.append(ErrorEntry(kind="collector", message=f"classifier unavailable: {exc}"[:300], at=utcnow()))

    # -- the result ---------------------------------------------------------------------
    def result(self, interrupted: Optional[str] = None, aborted: Optional[str] = None) -> ScanResult:
        """Everything gathered so far as a ScanResult (partial when ``interrupted`` by a signal or
        ``aborted`` by an internal error, whose message then joins the errors)."""
        lists: dict[str, list] = {"pages": [], "cookies": [], "storage": [], "requests": []}
        for phase in self.phases:
            for collector in phase.collectors:
                if collector.result_field:
                    lists[collector.result_field].extend(collector.results())
        if interrupted or aborted:
            for page in lists["pages"]:
                if page.duration_ms is None and page.error is None:
                    page.error = "interrupted" if interrupted else "aborted"
        order = PHASE_ORDER.get
        lists["cookies"].sort(key=lambda c: (order(c.phase), c.party != "first", c.domain, c.name, c.path))
        lists["storage"].sort(key=lambda s: (order(s.phase), s.kind, s.origin, s.key))
        lists["requests"].sort(key=lambda g: (order(g.phase), g.domain))
        browser = next((p.browser.info for p in self.phases if p.browser is not None), None)
        if browser is None:
            browser = BrowserInfo(locale=self.options.locale, timezone=self.options.timezone,
                                  third_party_cookies="blocked" if self.options.block_third_party_cookies else "allowed")
        for phase in self.phases:
            if phase.info.finished_at is None and (interrupted or aborted):
                phase.info.finished_at = utcnow()
        errors = list(self.errors)
        if aborted:
            errors.append(ErrorEntry(kind="internal", message=aborted, at=utcnow()))
        return ScanResult(
            site=self.site,
            started_at=self.started_at,
            finished_at=self.finished_at or utcnow(),
            complete=interrupted is None and aborted is None,
            interrupted=interrupted,
            tool=tool_info(),
            options=self.options,
            browser=browser,
            errors=errors,
            phases=[phase.info for phase in self.phases],
            **lists,
        )


def _load_rules() -> None:
    """Load and compile the rule set the result is classified with (about a second of YAML)."""
    from ..classifier import classify_host

    classify_host("localhost")


async def _run_all(coroutines) -> None:
    """Run the coroutines concurrently; the first failure (say, an unreachable site) stops the rest."""
    tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    try:
        for finished in asyncio.as_completed(tasks):
            await finished
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def tool_info() -> ToolInfo:
    """cookieaudit's version and the rule set it classified with."""
    try:
        version, digest = ruleset_fingerprint()
    except Exception:  # an unreadable rule set must not lose the scan
        version, digest = None, None
    try:
        from importlib.metadata import version as package_version

        playwright_version = package_version("playwright")
    except Exception:
        playwright_version = None
    return ToolInfo(version=__version__, ruleset_version=version, ruleset_hash=digest,
                    python=platform.python_version(), playwright=playwright_version)
