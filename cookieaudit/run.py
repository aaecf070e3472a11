"""Scan, read the statement, audit: the one pipeline behind ``scan --statement``, ``audit``,
``demo`` and the batch runner's per-site subprocess.

    outcome = scan_and_audit("https://www.voorbeeldstad.nl/", ScanOptions(pages=20),
                             AuditSettings(statement=statement_spec(["privacy.html"])))
    outcome.result       # AuditedResult (None when the site could not be reached at all)
    outcome.exit_code    # the CLI contract: 0, 1, 3, 5, 130, 143 (2 and 4 are raised as errors)

Order of work: everything the user gave is checked first (statement files, baseline, compared
result, rule files: bad input raises :class:`InputError` before any browser starts), then the
statement is read, the site scanned, the scan judged (a start page with HTTP >= 400, or every
page failed, makes the result incomplete and the exit code 3), and the audit run.

Exit codes, when several apply: 130/143 (interrupted), 2 (bad input), 4 (no browser),
3 (site not scannable), 5 (scan broke off), 1 (findings at or above ``fail_on``, only when
an audit was asked for), 0.
"""

from __future__ import annotations

import asyncio
import re
import logging
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from ._aio import run_sync
from .auditing.context import UnreadableStatement
from .auditing.model import AuditedResult, Baseline
from .errors import (BrowserNotFoundError, CookieauditError, InputError, ScanAbortedError, SiteUnreachableError,
                     StatementUnreadableError)
from .models import ErrorEntry, ScanResult
from .options import ScanOptions
from .statement.model import Declaration

__all__ = [
    "AuditSettings",
    "EXIT_ON_SIGNAL",
    "RunOutcome",
    "StatementReading",
    "StatementSpec",
    "assess_scan",
    "audit_saved",
    "check_sources",
    "exit_code",
    "read_statements",
    "read_statements_async",
    "resolve_sources",
    "scan_and_audit",
    "scan_and_audit_async",
    "statement_discovery",
    "statement_spec",
]

EXIT_ON_SIGNAL = {"SIGINT": 130, "SIGTERM": 143}


# -- statement sources -----------------------------------------------------------------------
@dataclass(frozen=True)
class StatementSpec:
    """What ``--statement`` asked for: ``none`` (no statement), ``sources`` (files, URLs, or one
    saved declaration JSON) or ``auto`` (the statement the start page links to, found once the
    site is scanned: :func:`statement_discovery`)."""

    mode: str  # "none" | "sources" | "auto"
    sources: tuple[str, ...] = ()

    @property
    def needs_scan(self) -> bool:
        """Whether the sources can only be known once the site is scanned."""
        return self.mode == "auto"


def statement_spec(values: Sequence[str]) -> Optional[StatementSpec]:
    """The spec for the ``--statement`` values given (None when none were given)."""
    values = [v.strip() for v in values or ()]
    if not values:
        return None
    if any(not v for v in values):
        raise InputError("--statement: a source cannot be empty")
    if "none" in values:
        if len(values) > 1:
            raise InputError("--statement none cannot be combined with statement sources")
        return StatementSpec("none")
    if "auto" in values:
        if len(values) > 1:
            raise InputError("--statement auto cannot be combined with statement sources")
        return StatementSpec("auto")
    return StatementSpec("sources", tuple(values))


def resolve_sources(spec: StatementSpec, scan: Optional[ScanResult] = None) -> list[str]:
    """The statement sources to read for a spec (``scan`` is there for discovery modes)."""
    if spec.mode == "none":
        return []
    if spec.mode == "auto":
        found = statement_discovery(spec, scan)
        return [found.url] if found is not None and found.url else []
    return list(spec.sources)


def statement_discovery(spec: Optional[StatementSpec], scan: Optional[ScanResult]):
    """``--statement auto``: the start-page link taken as the statement, and why (None for other modes)."""
    if spec is None or spec.mode != "auto" or scan is None:
        return None
    from .statement.discover import discover_statement_in_result

    return discover_statement_in_result(scan)


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def check_sources(spec: Optional[StatementSpec]) -> None:
    """Local statement files must exist and be readable before any work starts (InputError otherwise)."""
    if spec is None or spec.mode != "sources":
        return
    for source in spec.sources:
        if _is_url(source):
            continue
        path = Path(source)
        if not path.exists():
            raise InputError(f"statement {source}: no such file")
        if path.is_dir():
            raise InputError(f"statement {source}: is a directory, not a statement file")
        try:
            with path.open("rb"):
                pass
        except OSError as exc:
            raise InputError(f"statement {source}: cannot read ({exc.strerror or exc})") from None


@dataclass
class StatementReading:
    """The declaration read from the sources, and the sources that could not be read."""

    declaration: Optional[Declaration] = None
    unreadable: list[UnreadableStatement] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    discovery: Optional[object] = None  # --statement auto: the StatementDiscovery


def _failed_source(exc: Exception, sources: Sequence[str]) -> Optional[str]:
    if isinstance(exc, StatementUnreadableError):
        return exc.source
    text = str(exc)
    for prefix in ("cannot reach ", ""):
        for source in sources:
            if text.startswith(prefix + source):
                return source
    return None


def _url_in(exc: Exception) -> Optional[str]:
    """The URL an error message starts with (fetch errors name the page they concern)."""
    if isinstance(exc, StatementUnreadableError):
        return exc.source
    found = re.match(r"^(?:cannot reach )?(https?://[^\s]+?):(?:\s|$)", str(exc))
    return found.group(1) if found else None


def _reason(exc: Exception, source: str) -> str:
    text = " ".join(str(exc).split())
    for prefix in (f"cannot reach {source}: ", f"{source}: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


async def read_statements_async(sources: Sequence[str], *, follow: bool = False, insecure: bool = False,
                                browser_args: Sequence[str] = (), timeout: float = 30.0,
                                browser_path: Optional[str] = None) -> StatementReading:
    """Read statement sources into one declaration; a source that cannot be fetched or read
    (a URL answering HTTP >= 400, unreachable, no text) is left out and listed as unreadable —
    the audit goes on with the rest. A saved declaration JSON is used as it is. A local file
    that is missing or unusable is the user's bad input and raises :class:`InputError`."""
    from .auditing.results import is_declaration_file, load_declaration
    from .statement import parse_statement_async

    sources = list(sources)
    reading = StatementReading(sources=list(sources))
    saved = [s for s in sources if not _is_url(s) and is_declaration_file(s)]
    if saved:
        if len(sources) > 1:
            raise InputError("a saved declaration (.json) cannot be combined with other statement sources")
        reading.declaration = load_declaration(saved[0])
        return reading
    remaining = list(sources)
    while remaining:
        try:
            reading.declaration = await parse_statement_async(
                remaining, follow=follow, insecure=insecure, browser_args=browser_args, timeout=timeout,
                browser_path=browser_path)
            return reading
        except (BrowserNotFoundError, ScanAbortedError):
            raise
        except (StatementUnreadableError, SiteUnreachableError, InputError) as exc:
            failed = _failed_source(exc, remaining)
            if failed is None:
                followed = _url_in(exc)
                if follow and followed:
                    # a page reached through --follow failed: note it, read the given sources without following
                    reading.unreadable.append(UnreadableStatement(followed, _reason(exc, followed)))
                    follow = False
                    continue
                raise
            if not _is_url(failed) and not isinstance(exc, StatementUnreadableError):
                raise  # the user's own file: bad input
            reading.unreadable.append(UnreadableStatement(failed, _reason(exc, failed)))
            remaining.remove(failed)
        except CookieauditError as exc:  # e.g. Chromium would not start for a statement URL
            reading.unreadable += [UnreadableStatement(source, _reason(exc, source)) for source in remaining]
            return reading
        except Exception as exc:  # a fault in the reader: the audit goes on with the observed side
            reason = f"the statement reader failed: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
            reading.unreadable += [UnreadableStatement(source, reason) for source in remaining]
            return reading
    return reading


def read_statements(sources: Sequence[str], **options) -> StatementReading:
    """Synchronous :func:`read_statements_async`."""
    return run_sync(lambda: read_statements_async(sources, **options))


# -- settings and outcome ----------------------------------------------------------------
@dataclass(frozen=True)
class AuditSettings:
    """Everything about an audit except the scan itself."""

    statement: Optional[StatementSpec] = None
    follow: bool = False
    fail_on: str = "error"
    enforced: bool = True  # findings set the exit code (an audit was asked for)
    baseline: Optional[str] = None
    compare: Optional[str] = None
    lang: Optional[str] = None
    rules: tuple[str, ...] = ()
    allow: tuple = ()
    config: Optional[str] = None
    # how statement URLs are fetched (defaults: the scan's own switches)
    insecure: Optional[bool] = None
    browser_args: Optional[tuple[str, ...]] = None
    browser_path: Optional[str] = None
    timeout: Optional[float] = None


@dataclass
class RunOutcome:
    """What a run produced: the audited result, the exit code, and a line for stderr when the
    exit code needs explaining (3: why the site could not be scanned; 5: why the scan broke off)."""

    result: Optional[AuditedResult]
    exit_code: int
    interrupted: Optional[str] = None
    problem: Optional[str] = None


@dataclass
class _Prepared:
    baseline: Optional[Baseline]
    previous: Optional[ScanResult]
    classifier: object


def _prepare(settings: AuditSettings) -> _Prepared:
    """Load what the user named before any long work: bad input fails here, with exit 2."""
    from .auditing.allow import parse_allow
    from .auditing.baseline import load_baseline
    from .auditing.engine import FAIL_ON, _classifier
    from .auditing.messages import LANGUAGES
    from .auditing.results import load_result

    if settings.fail_on not in FAIL_ON:
        raise InputError(f"invalid --fail-on {settings.fail_on!r} (choose from {', '.join(FAIL_ON)})")
    if settings.lang is not None and settings.lang not in LANGUAGES:
        raise InputError(f"invalid --lang {settings.lang!r} (choose from {', '.join(LANGUAGES)})")
    parse_allow(settings.allow)
    check_sources(settings.statement)
    baseline = load_baseline(settings.baseline) if settings.baseline else None
    previous = load_result(settings.compare) if settings.compare else None
    classifier = _classifier(list(settings.rules), None)
    return _Prepared(baseline, previous, classifier)


def assess_scan(result: ScanResult) -> Optional[str]:
    """Why a finished scan says nothing about the site (None when it does): the start page
    answered HTTP >= 400, or every page of the leading phase failed. A page that answered but
    never fired ``load`` counts as rendered."""
    if not result.pages:
        return None if not result.phases else "no page could be visited"
    leading = result.phases[0].name if result.phases else result.pages[0].phase
    pages = [p for p in result.pages if p.phase == leading]
    start = next((p for p in pages if p.source == "start"), pages[0] if pages else None)
    if start is not None and start.status is not None and start.status >= 400:
        return f"the start page answered HTTP {start.status}"

    def rendered(page) -> bool:
        if page.status is not None and page.status < 400 and page.error in (None, "timeout"):
            return True
        return page.error == "timeout" and page.final_url is not None

    if pages and not any(rendered(p) for p in pages):
        return "every page failed" + (f" (first: {pages[0].error})" if pages[0].error else "")
    return None


def exit_code(*, interrupted: Optional[str] = None, site_failure: bool = False, aborted: bool = False,
              failed: bool = False, enforced: bool = True) -> int:
    """The exit code when several apply: 130/143, (2 and 4 are raised), 3, 5, then 1."""
    if interrupted:
        return EXIT_ON_SIGNAL.get(interrupted, 130)
    if site_failure:
        return 3
    if aborted:
        return 5
    if failed and enforced:
        return 1
    return 0


# -- running ------------------------------------------------------------------------------
class _ShutdownNoise(logging.Filter):
    """While a scan stops (a signal, a dead driver), Playwright futures that fail with "connection
    closed" can be garbage-collected unread, and asyncio would log "Future exception was never
    retrieved" with a traceback for each. Those, and only those, are dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "never retrieved" not in message and "was destroyed but it is pending" not in message:
            return True
        text = f"{message} {record.exc_info[1] if record.exc_info else ''!r}"
        return not any(word in text for word in ("playwright", "Connection closed", "TargetClosedError",
                                                 "has been closed", "CancelledError"))


def _quiet_shutdown_noise() -> None:
    """Install the filter once, for the command line (which handles signals)."""
    logger = logging.getLogger("asyncio")
    if not any(isinstance(f, _ShutdownNoise) for f in logger.filters):
        logger.addFilter(_ShutdownNoise())


async def _scan_until_signal(url: str, options: ScanOptions, progress, handle_signals: bool):
    """(result, interrupted signal, abort message): runs the scan, stopping cleanly on SIGINT/SIGTERM."""
    from .scanner.runner import Scan

    scan = Scan(url, options, progress)
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    received: list[str] = []

    def stop(name: str) -> None:
        if not received:
            received.append(name)
            task.cancel()

    installed = []
    if handle_signals:
        _quiet_shutdown_noise()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop, sig.name)
                installed.append(sig)
            except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
                pass
    try:
        return await scan.run(), None, None
    except asyncio.CancelledError:
        if not received:
            raise
        return scan.result(interrupted=received[0]), received[0], None
    except ScanAbortedError as exc:
        if handle_signals and not received:  # a signal to the process group ends the driver too: its doing
            try:
                await asyncio.sleep(0.2)
            except asyncio.CancelledError:
                pass
        if received:
            return scan.result(interrupted=received[0]), received[0], None
        return exc.partial if exc.partial is not None else scan.result(aborted=str(exc)), None, str(exc)
    finally:
        for sig in installed:
            try:
                loop.remove_signal_handler(sig)
            except (NotImplementedError, RuntimeError, ValueError):
                pass


def _fetch_options(settings: AuditSettings, options: Optional[ScanOptions]) -> dict:
    return {
        "follow": settings.follow,
        "insecure": settings.insecure if settings.insecure is not None else bool(options and options.insecure),
        "browser_args": tuple(settings.browser_args if settings.browser_args is not None
                              else (options.browser_args if options else ())),
        "browser_path": settings.browser_path or (options.browser_path if options else None),
        "timeout": settings.timeout or (options.timeout if options else 30.0),
    }


def _audit(result: ScanResult, reading: Optional[StatementReading], settings: AuditSettings,
           prepared: _Prepared) -> AuditedResult:
    from .auditing.engine import audit

    audited = audit(
        result, reading.declaration if reading else None, lang=settings.lang, fail_on=settings.fail_on,
        baseline=prepared.baseline, previous=prepared.previous, allow=settings.allow,
        unreadable=reading.unreadable if reading else (), rules=settings.rules,
        classifier=prepared.classifier if settings.rules else None, enforced=settings.enforced,
        statement_sources=reading.sources if reading else [], config=settings.config)
    if reading is not None and reading.discovery is not None and audited.audit is not None:
        audited.audit.statement_discovery = reading.discovery
    return _with_paths(audited, settings)


def _unaudited(result: ScanResult, reading: Optional[StatementReading], settings: AuditSettings,
               problem: str) -> AuditedResult:
    """The scan with its declaration but no findings, when the audit itself failed."""
    from datetime import datetime, timezone

    from .auditing.model import AuditInfo

    fields = {name: getattr(result, name) for name in ScanResult.model_fields}
    fields["complete"] = False
    fields["errors"] = [*result.errors, ErrorEntry(kind="internal", message=problem)]
    info = AuditInfo(audited_at=datetime.now(timezone.utc), lang=settings.lang or "en", fail_on=settings.fail_on,
                     enforced=settings.enforced, verdict=problem, config=settings.config)
    return AuditedResult.model_construct(**fields, declaration=reading.declaration if reading else None, findings=[],
                                         changes=None, audit=info)


def _with_paths(result: AuditedResult, settings: AuditSettings) -> AuditedResult:
    """Record the baseline and compared files by the names the user gave."""
    if result.audit is not None:
        result.audit.baseline = settings.baseline
        result.audit.compare = settings.compare
        if result.changes is not None and settings.compare:
            result.changes.previous = settings.compare
    return result


async def scan_and_audit_async(url: str, options: Optional[ScanOptions] = None,
                               settings: Optional[AuditSettings] = None, *,
                               progress: Optional[Callable[..., None]] = None,
                               handle_signals: bool = False) -> RunOutcome:
    """Scan ``url``, read the statement, audit; see the module docstring.

    Raises :class:`InputError` (2), :class:`BrowserNotFoundError` (4) and
    :class:`SiteUnreachableError` (3: nothing answered; no result) — everything else ends in a
    :class:`RunOutcome` with a result: a start page with HTTP >= 400 or no page rendered gives
    exit 3 (``complete: false``, the reason in ``errors``), a scan that broke off exit 5 (the
    partial result, audited), a signal 130/143 (``handle_signals`` installs the handlers).
    """
    options = options or ScanOptions()
    settings = settings or AuditSettings()
    prepared = _prepare(settings)
    from .scanner.crawl import validate_start_url

    validate_start_url(url)  # a malformed URL is bad input, before the statement is fetched
    spec = settings.statement
    reading: Optional[StatementReading] = None
    if spec is not None and not spec.needs_scan:
        reading = await read_statements_async(resolve_sources(spec), **_fetch_options(settings, options))
    result, interrupted, aborted = await _scan_until_signal(url, options, progress, handle_signals)
    failure = None
    if not interrupted and not aborted:
        failure = assess_scan(result)
        if failure:
            result = result.model_copy(update={
                "complete": False,
                "errors": [*result.errors, ErrorEntry(kind="site", message=f"the site could not be scanned: {failure}",
                                                      url=result.site)],
            })
    if spec is not None and spec.needs_scan and not interrupted:
        reading = await read_statements_async(resolve_sources(spec, result), **_fetch_options(settings, options))
        reading.discovery = statement_discovery(spec, result)
    try:
        audited = _audit(result, reading, settings, prepared)
    except Exception as exc:  # a fault in the audit must not lose the scan: keep it, unaudited, and exit 5
        aborted = aborted or f"the audit broke off: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
        audited = _unaudited(result, reading, settings, aborted)
    code = exit_code(interrupted=interrupted, site_failure=bool(failure), aborted=bool(aborted),
                     failed=audited.audit.failed, enforced=settings.enforced)
    audited.audit.exit_code = code
    problem = None
    if failure:
        problem = f"the site could not be scanned: {failure}; result written with complete: false"
    elif aborted:
        problem = f"{aborted}; partial result written"
    return RunOutcome(audited, code, interrupted, problem)


def scan_and_audit(url: str, options: Optional[ScanOptions] = None, settings: Optional[AuditSettings] = None,
                   **kwargs) -> RunOutcome:
    """Synchronous :func:`scan_and_audit_async`."""
    return run_sync(lambda: scan_and_audit_async(url, options, settings, **kwargs))


def audit_saved(scan_path: str, settings: AuditSettings) -> RunOutcome:
    """Audit a saved scan (``cookieaudit audit SCAN.json``): without ``--statement`` the saved
    result's own declaration is used; ``--statement none`` audits without one."""
    from .auditing.results import load_result

    prepared = _prepare(settings)
    saved = load_result(scan_path)
    spec = settings.statement
    reading: Optional[StatementReading] = None
    if spec is None:
        if saved.declaration is not None:
            reading = StatementReading(declaration=saved.declaration,
                                       sources=list(saved.audit.statement_sources) if saved.audit else [])
    else:
        sources = resolve_sources(spec, saved)
        if sources:
            reading = read_statements(sources, **_fetch_options(settings, saved.options))
        if spec.needs_scan:
            reading = reading or StatementReading()
            reading.discovery = statement_discovery(spec, saved)
    scan = ScanResult.model_construct(**{name: getattr(saved, name) for name in ScanResult.model_fields})
    audited = _audit(scan, reading, settings, prepared)
    code = exit_code(failed=audited.audit.failed, enforced=settings.enforced)
    audited.audit.exit_code = code
    return RunOutcome(audited, code)
