"""A whole scan: its phases in order, the classifier lookups, and the result assembly.

``Scan.result()`` builds a ``ScanResult`` from what the phases gathered so far with plain
Python only, so an interrupted scan (SIGINT, SIGTERM) can still write a partial result.

Everything the scan keeps on disk lives in a ``Workspace`` removed on every way out; a dead
Playwright driver ends the scan with ``ScanAbortedError`` carrying the partial result. Before
a result or a HAR file leaves the scan, every observed cookie and storage value found inside
another string (a tracker URL, a title, a header) is replaced, and credentials in URLs are
removed (``safety.SecretScrubber``), unless values were asked for.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlsplit

from .._version import __version__
from ..errors import CookieauditError, ScanAbortedError
from ..models import BrowserInfo, ErrorEntry, ScanResult, ToolInfo
from ..ruleset import ruleset_fingerprint
from ..safety import SecretScrubber
from .collectors.base import PhaseState, utcnow
from .crawl import normalize_url, validate_start_url
from .options import ScanOptions
from .phase import Phase
from .workspace import Workspace

__all__ = ["Scan", "tool_info"]

DRIVER_EXITED = "the Playwright driver exited"
PHASE_ORDER = {"before_consent": 0, "after_reject": 1, "after_accept": 2}


class Scan:
    """One scan of one site: run it with ``await scan.run()``; ``result()`` at any time."""

    def __init__(self, url: str, options: ScanOptions, progress: Optional[Callable[..., None]] = None):
        self.site = validate_start_url(url)
        self.requested_site = self.site
        self.options = options
        self.progress = progress
        self.started_at = utcnow()
        self.finished_at = None
        self.errors: list = []
        self.phases: list[Phase] = []
        self._cookie_classes: dict[tuple, dict] = {}
        self._host_classes: dict[str, dict] = {}
        self._classifier_failed = False
        self.workspace: Optional[Workspace] = None
        self._playwright = None
        self._hars: dict[str, Path] = {}  # HAR path as recorded -> where the browser writes it (workspace)
        self._stopped_at = None  # when a signal or the driver's death stopped the scan

    async def run(self) -> ScanResult:
        """Run the phases side by side: the first discovers the page list, the others follow it.

        Errors we raise on purpose (unreachable site, no browser, bad input) and cancellation pass
        through; a dead Playwright driver, or any other exception, means the scan broke off: it
        becomes a :class:`ScanAbortedError` carrying the partial result (``complete: false``).
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
        self.workspace = Workspace()
        playwright = None
        try:
            with self.workspace.driver_environment():
                playwright = self._playwright = await async_playwright().start()
            names = self.options.phases
            leader = None
            for position, name in enumerate(names):
                state = PhaseState(name, self.options, self.site, self.errors, self._classify_cookie, self._classify_host)
                phase = Phase(name, state, playwright, leader=leader, check_reachable=position == 0,
                              har_path=self._har_path(name, len(names)), progress=self.progress,
                              workspace=self.workspace, on_landed=self._landed)
                self.phases.append(phase)
                leader = leader or phase
            await _run_all([phase.run() for phase in self.phases])
        except asyncio.CancelledError:
            self._stopped_at = utcnow()
            raise
        except Exception:
            if playwright is not None and driver_gone(playwright):
                self._stopped_at = utcnow()
                raise ScanAbortedError("the Playwright driver exited during the scan; partial result kept",
                                       partial=self.result(aborted=DRIVER_EXITED)) from None
            raise
        finally:
            if playwright is not None:
                try:
                    await asyncio.wait_for(playwright.stop(), 5)
                except BaseException:  # the driver may already be gone (signal to the process group)
                    pass
            self._finish_artefacts()
        await asyncio.gather(rules, return_exceptions=True)  # a failure shows when classifying
        self.finished_at = utcnow()
        return self.result()

    def _landed(self, final_url: str) -> None:
        """The start URL redirected to another site: audit the site it landed on."""
        landed = normalize_url(final_url) or final_url
        self.site = landed
        host = urlsplit(landed).hostname or ""
        for phase in self.phases:
            phase.state.site = landed
            phase.state.site_host = host

    def _har_path(self, phase: str, phases: int) -> Optional[str]:
        """The HAR path as recorded in the result; the browser writes it in the workspace first."""
        if not self.options.har:
            return None
        path = Path(self.options.har)
        if phases > 1:
            path = path.with_name(f"{path.stem}.{phase}{path.suffix or '.har'}")
        raw = self.workspace.root / f"{phase}.har" if self.workspace is not None else path
        self._hars[str(path)] = raw
        return str(raw)

    def _finish_artefacts(self) -> None:
        """Redact and move the HAR files to where they were asked for, then remove the workspace
        (profiles, temporary files) and kill any browser left. Runs on every way out."""
        try:
            for target, raw in self._hars.items():
                if raw.exists() and Path(target) != raw:
                    write_redacted_har(raw, Path(target), self._scrubber(), self.options.include_values)
        except OSError as exc:
            self.errors.append(ErrorEntry(kind="output", message=f"HAR not written: {exc.strerror or exc}"[:300],
                                          at=utcnow()))
        finally:
            if self.workspace is not None:
                self.workspace.remove()
        for phase in self.phases:  # the result names the HAR where the user finds it
            for target, raw in self._hars.items():
                if phase.info.har == str(raw):
                    phase.info.har = target if Path(target).exists() else None

    def _scrubber(self) -> SecretScrubber:
        """Every observed cookie and storage value (none when values are kept), for redaction."""
        if self.options.include_values:
            return SecretScrubber()
        values: list[str] = []
        for phase in self.phases:
            for collector in phase.collectors:
                values.extend(collector.secrets())
        return SecretScrubber(values)

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
        ``aborted`` by a dead driver or an internal error, whose message then joins the errors)."""
        lists: dict[str, list] = {"pages": [], "cookies": [], "storage": [], "requests": []}
        for phase in self.phases:
            for collector in phase.collectors:
                if collector.result_field:
                    lists[collector.result_field].extend(collector.results())
        # The crawl keeps using its page records and options: the result gets copies to redact.
        lists["pages"] = [page.model_copy(deep=True) for page in lists["pages"]]
        errors = list(self.errors)
        if interrupted or aborted:
            errors = self._in_flight(lists["pages"], errors, interrupted, aborted)
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
        result = ScanResult(
            site=self.site,
            requested_site=self.requested_site,
            started_at=self.started_at,
            finished_at=self.finished_at or utcnow(),
            complete=interrupted is None and aborted is None,
            interrupted=interrupted,
            tool=tool_info(),
            options=self.options.model_copy(),
            browser=browser,
            errors=errors,
            phases=[phase.info for phase in self.phases],
            **lists,
        )
        return redact_result(result, self._scrubber())

    def _in_flight(self, pages: list, errors: list, interrupted: Optional[str], aborted: Optional[str]) -> list:
        """Pages cut off by the signal (or the driver's death) are recorded as such, not as the
        navigation or browser errors the shutdown caused."""
        cut = [page for page in pages if page.duration_ms is None]
        cut_urls = {(page.phase, page.url) for page in cut}
        stopped = self._stopped_at

        def caused_by_stop(error: ErrorEntry) -> bool:
            if aborted and _driver_message(error.message):
                return True
            late = stopped is None or error.at is None or error.at >= stopped
            return (error.phase, error.url) in cut_urls and (late or _driver_message(error.message))

        kept = [error for error in errors if not caused_by_stop(error)]
        for page in cut:
            page.error = "interrupted" if interrupted else "aborted"
            kept.append(ErrorEntry(kind="interrupted", url=page.url, phase=page.phase, at=utcnow(),
                                   message=(f"the page was being visited when {interrupted} stopped the scan" if interrupted
                                            else f"the page was being visited when the scan ended: {aborted}")))
        if aborted:  # the driver's death is the browser's kind; anything else an internal error
            kind = "browser" if aborted.startswith(DRIVER_EXITED) else "internal"
            kept.append(ErrorEntry(kind=kind, message=aborted, at=utcnow()))
        return kept


def redact_result(result: ScanResult, scrubber: SecretScrubber) -> ScanResult:
    """``result`` with observed values inside other strings replaced and URL credentials removed
    (values themselves are redacted, or kept with ``include_values``, by the collectors)."""
    scrubber.model(result)  # in place: a dump and re-validation would cost seconds on a big scan
    return result


def write_redacted_har(source: Path, target: Path, scrubber: SecretScrubber, include_values: bool) -> None:
    """Copy a HAR file with cookie headers, Set-Cookie values and cookie lists redacted (unless
    ``include_values``), observed values inside any string replaced, and URL credentials removed."""
    har = json.loads(source.read_text(encoding="utf-8"))
    for entry in (har.get("log") or {}).get("entries") or ():
        for side in ("request", "response"):
            message = entry.get(side) or {}
            if not include_values:
                for header in message.get("headers") or ():
                    name = str(header.get("name", "")).lower()
                    if name == "cookie":
                        header["value"] = "; ".join(f"{pair.split('=', 1)[0].strip()}=REDACTED"
                                                    for pair in str(header.get("value", "")).split(";") if pair.strip())
                    elif name == "set-cookie":
                        header["value"] = "\n".join(_redact_set_cookie(line)
                                                    for line in str(header.get("value", "")).split("\n"))
                for cookie in message.get("cookies") or ():
                    if cookie.get("value"):
                        cookie["value"] = "REDACTED"
    har = scrubber.data(har)
    text = json.dumps(har, indent=2, ensure_ascii=False)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)


def _redact_set_cookie(line: str) -> str:
    pair, sep, attributes = line.partition(";")
    name = pair.split("=", 1)[0].strip()
    return f"{name}=REDACTED{sep}{attributes}" if "=" in pair else line


def driver_gone(playwright) -> bool:
    """Whether Playwright's driver process has died. Playwright has no public signal for it
    (pending calls fail with "Connection closed"), so this looks at its transport."""
    try:
        transport = playwright._impl_obj._connection._transport
        process = getattr(transport, "_proc", None)
        return transport.on_error_future.done() or (process is not None and process.returncode is not None)
    except Exception:
        return False


def _driver_message(message: str) -> bool:
    lowered = message.lower()
    return "connection closed" in lowered or "target page, context or browser has been closed" in lowered


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
