"""``cookieaudit scan URL``: crawl a site in Chromium and report its cookies, storage and requests.

Thin: parse options into ScanOptions, check the output paths, run the scan (writing a partial
result on SIGINT or SIGTERM, or when the browser driver dies: exit 5), print tables or JSON on
stdout as ``--format`` says and write the same JSON to ``-o`` whatever the format. An output
that cannot be written (no permission, disk full) is one line and exit 2, after stdout got
what it asked for.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path
import click

from .._aio import run_sync
from ..errors import InputError, ScanAbortedError
from ..safety import strip_credentials, terminal_safe
from ..options import ScanOptions
from ._output import check_output_path, print_table, write_text

__all__ = ["scan_command"]

EXIT_ON_SIGNAL = {"SIGINT": 130, "SIGTERM": 143}
PHASE_LABELS = {"before_consent": "before", "after_reject": "reject", "after_accept": "accept"}


def _default(name: str):
    """The default of a ScanOptions field: defaults live in one place (scanner/options.py)."""
    return ScanOptions.model_fields[name].default


def _read_urls(values: tuple[str, ...]) -> list[str]:
    """--url values; ``@file`` reads one URL a line (blank lines and # comments skipped)."""
    urls: list[str] = []
    for value in values:
        if value.startswith("@"):
            path = Path(value[1:])
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise InputError(f"cannot read URL list {path}: {exc.strerror or exc}") from None
            urls += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        else:
            urls.append(value)
    return urls


@click.command("scan")
@click.argument("url")
@click.option("--pages", type=int, default=_default("pages"), show_default=True, help="Most pages visited per phase.")
@click.option("--url", "urls", multiple=True, metavar="URL|@FILE", help="Always visit this page (repeatable; @file: one URL a line).")
@click.option("--include", multiple=True, metavar="PATTERN",
              help="Only follow links matching: 're:REGEX', a '/path*' glob, or a full-URL glob (repeatable).")
@click.option("--exclude", multiple=True, metavar="PATTERN", help="Never follow links matching (same syntax; repeatable).")
@click.option("--sitemap", is_flag=True, help="Also visit pages listed in the site's sitemap.")
@click.option("--consent", type=click.Choice(["none", "reject", "accept", "all"]), default=_default("consent"), show_default=True,
              help="Phases: before_consent, after_reject, after_accept, or all three.")
@click.option("--concurrency", type=int, default=_default("concurrency"), show_default=True, help="Parallel tabs.")
@click.option("--timeout", type=float, default=_default("timeout"), show_default=True, help="Seconds per page.")
@click.option("--wait", type=float, default=_default("wait"), show_default=True, help="Extra seconds per page after the network settled.")
@click.option("--browser-path", help="Chromium executable (default: found automatically; or COOKIEAUDIT_BROWSER).")
@click.option("--browser-arg", "browser_args", multiple=True, help="Extra Chromium switch (repeatable).")
@click.option("--insecure", is_flag=True, help="Accept invalid TLS certificates.")
@click.option("--user-agent", help="User agent (default: the browser's own, as a normal desktop Chrome).")
@click.option("--viewport", default="x".join(map(str, _default("viewport"))), show_default=True, help="Window size, WIDTHxHEIGHT.")
@click.option("--locale", default=_default("locale"), show_default=True)
@click.option("--timezone", default=_default("timezone"), show_default=True)
@click.option("--proxy", help="Proxy server, e.g. http://proxy:3128.")
@click.option("--headed", is_flag=True, help="Show the browser window.")
@click.option("--block-third-party-cookies", is_flag=True, help="Block third-party cookies (default: allowed, like desktop Chrome).")
@click.option("--include-values", is_flag=True, help="Keep cookie/storage values and URL identifiers (default: redacted).")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="What is printed on stdout.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Save the JSON result to this file.")
@click.option("--output-dir", type=click.Path(file_okay=False), help="Folder for screenshots and other artefacts.")
@click.option("--har", type=click.Path(dir_okay=False), help="Save a HAR per phase (phase name added when several run).")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def scan_command(url, pages, urls, include, exclude, sitemap, consent, concurrency, timeout, wait, browser_path,
                 browser_args, insecure, user_agent, viewport, locale, timezone, proxy, headed,
                 block_third_party_cookies, include_values, output_format, output, output_dir, har, quiet):
    """Scan URL in Chromium and record every cookie, storage entry and request to other hosts."""
    from ..scanner.api import make_options
    from ..scanner.runner import Scan

    if output_dir:
        try:
            Path(output_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {output_dir}: {exc.strerror or exc}") from None
    for path in (output, har):  # before the long work, not after it
        if path:
            check_output_path(path)
    options = make_options(
        pages=pages, urls=tuple(_read_urls(urls)), include=include, exclude=exclude, sitemap=sitemap, consent=consent,
        concurrency=concurrency, timeout=timeout, wait=wait, browser_path=browser_path, browser_args=browser_args,
        insecure=insecure, user_agent=user_agent, viewport=viewport, locale=locale, timezone=timezone, proxy=proxy,
        headed=headed, block_third_party_cookies=block_third_party_cookies, include_values=include_values,
        output_dir=output_dir, har=har,
    )
    show_progress = not quiet and sys.stderr.isatty()
    aborted = None
    with _Progress(show_progress) as progress, _quiet_shutdown_noise():
        scan = Scan(url, options, progress.update if show_progress else None)
        try:
            result, interrupted = run_sync(lambda: _run_until_signal(scan))
        except ScanAbortedError as exc:
            if exc.partial is None:
                raise
            aborted, result, interrupted = exc, exc.partial, None
    text = result.to_json()
    if output_format == "json":
        write_text(text)
    else:
        _print_tables(result)
    if output:
        write_text(text, output)  # the same JSON whatever --format printed; InputError (exit 2) if it fails
    if aborted is not None:
        where = "partial result written" if output or output_format == "json" else "partial result not saved (no -o)"
        click.echo(f"cookieaudit: error: {terminal_safe(' '.join(str(aborted).split()))}; {where}", err=True)
        sys.exit(aborted.exit_code)
    if interrupted:
        click.echo(f"cookieaudit: interrupted by {interrupted}; partial result written", err=True)
        sys.exit(EXIT_ON_SIGNAL[interrupted])


async def _run_until_signal(scan):
    """Run the scan; on SIGINT/SIGTERM stop it and return the partial result and the signal name."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    received: list[str] = []

    def stop(name: str) -> None:
        if not received:
            received.append(name)
            task.cancel()

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop, sig.name)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl-C stays a KeyboardInterrupt
            pass
    try:
        return await scan.run(), None
    except asyncio.CancelledError:
        if not received:
            raise
        return scan.result(interrupted=received[0]), received[0]
    except ScanAbortedError:
        # A signal to the whole process group also ends the driver: that is the signal's doing.
        await asyncio.sleep(0.2)
        if not received:
            raise
        return scan.result(interrupted=received[0]), received[0]
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.remove_signal_handler(sig)
            except (NotImplementedError, RuntimeError):
                pass


class _quiet_shutdown_noise:
    """While the scan stops (a signal, a dead driver), Playwright futures that fail with
    "connection closed" can be garbage-collected unread; asyncio would log each as
    "Future exception was never retrieved" with a traceback. Those, and only those, are dropped."""

    class _Filter(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            message = record.getMessage()
            if "never retrieved" not in message and "was destroyed but it is pending" not in message:
                return True
            exc = record.exc_info[1] if record.exc_info else None
            text = f"{message} {exc!r}"
            return not any(word in text for word in ("playwright", "Connection closed", "TargetClosedError",
                                                     "has been closed", "CancelledError"))

    def __enter__(self):
        self._filter = self._Filter()
        logging.getLogger("asyncio").addFilter(self._filter)
        return self

    def __exit__(self, *exc):
        logging.getLogger("asyncio").removeFilter(self._filter)
        return False


class _Progress:
    """A rich progress line on stderr (only on a terminal)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._progress = None
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                      console=Console(stderr=True), transient=True)
            self._progress.start()
        return self

    def update(self, phase: str, done: int, url: str) -> None:
        if self._progress is None:
            return
        from rich.markup import escape

        description = f"{phase}: {done} pages — {escape(terminal_safe(strip_credentials(url), 80))}"
        if phase not in self._tasks:
            self._tasks[phase] = self._progress.add_task(description, total=None)
        self._progress.update(self._tasks[phase], description=description)

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.stop()
        return False


def _print_tables(result) -> None:
    """Pages, cookies and the phase matrix as tables (plain tab-separated text when piped)."""
    phases = [p.name for p in result.phases]
    print_table("Pages", ["phase", "url", "status", "title", "error"],
                [[PHASE_LABELS.get(p.phase, p.phase), p.final_url or p.url, p.status, p.title, p.error]
                 for p in result.pages if p.phase == (phases[0] if phases else p.phase)])
    by_cookie: dict[tuple, dict] = {}
    for cookie in result.cookies:
        key = (cookie.name, cookie.domain, cookie.path)
        entry = by_cookie.setdefault(key, {"cookie": cookie, "phases": {}})
        entry["phases"][cookie.phase] = "stored" if cookie.stored else f"refused ({cookie.reason})"
    rows = []
    for (name, domain, _), entry in by_cookie.items():
        cookie = entry["cookie"]
        set_by = f"{cookie.set_by.kind} {cookie.set_by.url}" if cookie.set_by else ""
        rows.append([name, domain, cookie.party, cookie.purpose, cookie.vendor, set_by,
                     ", ".join(PHASE_LABELS.get(p, p) for p in entry["phases"])])
    print_table("Cookies", ["name", "domain", "party", "purpose", "vendor", "set_by", "phases"], rows)
    if phases:
        print_table("Phase matrix", ["name", "domain"] + [PHASE_LABELS.get(p, p) for p in phases],
                    [[name, domain] + [entry["phases"].get(p, "-") for p in phases]
                     for (name, domain, _), entry in by_cookie.items()])
    if result.errors:
        print_table("Errors", ["phase", "kind", "url", "message"],
                    [[PHASE_LABELS.get(e.phase or "", e.phase or ""), e.kind, e.url, e.message] for e in result.errors])
