"""``cookieaudit scan URL``: crawl a site in Chromium, record its cookies, storage and requests,
and audit them (against the statement with ``--statement``).

Thin: options (command line over the configuration file) into ScanOptions and AuditSettings,
then :func:`cookieaudit.run.scan_and_audit`; render; exit with its code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .._aio import run_sync
from ..batch.sites import decode_list
from ..errors import InputError
from ..exitcodes import help_text
from ..options import ScanOptions
from ._common import AUDIT_OPTIONS, audit_settings, finish, load_cli_config
from ._output import check_output_path
from ._progress import Progress
from ._reports import check_report_target, command_line, make_output_dir, report_options

__all__ = ["scan_command"]

def _default(name: str):
    """The default of a ScanOptions field: defaults live in one place (cookieaudit/options.py)."""
    return ScanOptions.model_fields[name].default


def _read_urls(values: tuple[str, ...]) -> list[str]:
    """--url values; ``@file`` reads one URL a line (blank lines and # comments skipped)."""
    urls: list[str] = []
    for value in values:
        if value.startswith("@"):
            path = Path(value[1:])
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InputError(f"cannot read URL list {path}: {exc.strerror or exc}") from None
            lines = decode_list(data, f"URL list {path}").splitlines()
            urls += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        else:
            urls.append(value)
    return urls


def _check_timezone(ctx, param, value):
    """An IANA time zone name: Chromium refuses to start with another, which read as "no browser" (exit 4)."""
    if not value:
        return value
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        if zoneinfo.available_timezones():  # without a time zone database nothing can be checked here
            raise click.BadParameter(f"unknown time zone {value!r}: give an IANA name such as Europe/Amsterdam or UTC")
    return value


@click.command("scan", epilog=help_text())
@click.argument("url", required=False)
@click.option("--pages", type=int, default=None, help=f"Most pages visited per phase.  [default: {_default('pages')}]")
@click.option("--url", "urls", multiple=True, metavar="URL|@FILE", help="Always visit this page (repeatable; @file: one URL a line).")
@click.option("--include", multiple=True, metavar="PATTERN",
              help="Only follow links matching: 're:REGEX', a '/path*' glob, or a full-URL glob (repeatable).")
@click.option("--exclude", multiple=True, metavar="PATTERN", help="Never follow links matching (same syntax; repeatable).")
@click.option("--sitemap/--no-sitemap", default=None, help="Also visit pages listed in the site's sitemap.")
@click.option("--consent", type=click.Choice(["none", "reject", "accept", "all"]), default=None,
              help=f"Phases: before_consent, after_reject, after_accept, or all three.  [default: {_default('consent')}]")
@click.option("--concurrency", type=int, default=_default("concurrency"), show_default=True, help="Parallel tabs.")
@click.option("--timeout", type=float, default=_default("timeout"), show_default=True, help="Seconds per page.")
@click.option("--settle-limit", type=float, default=_default("settle_limit"), show_default=True,
              help="Most seconds spent waiting for a loaded page to settle (network quiet, late tags fired).")
@click.option("--wait", type=float, default=_default("wait"), show_default=True, help="Extra seconds per page after the network settled.")
@click.option("--browser-path", help="Chromium executable (default: found automatically; or COOKIEAUDIT_BROWSER).")
@click.option("--browser-arg", "browser_args", multiple=True, help="Extra Chromium switch (repeatable).")
@click.option("--insecure", is_flag=True, help="Accept invalid TLS certificates.")
@click.option("--user-agent", help="User agent (default: the browser's own, as a normal desktop Chrome).")
@click.option("--viewport", default="x".join(map(str, _default("viewport"))), show_default=True, help="Window size, WIDTHxHEIGHT.")
@click.option("--locale", default=_default("locale"), show_default=True)
@click.option("--timezone", default=_default("timezone"), show_default=True, callback=_check_timezone,
              help="IANA time zone the pages see.")
@click.option("--proxy", help="Proxy server, e.g. http://proxy:3128.")
@click.option("--headed", is_flag=True, help="Show the browser window.")
@click.option("--block-third-party-cookies", is_flag=True, help="Block third-party cookies (default: allowed, like desktop Chrome).")
@click.option("--include-values", is_flag=True, help="Keep cookie/storage values and URL identifiers (default: redacted).")
@AUDIT_OPTIONS
@click.option("--format", "output_format", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True,
              help="What is printed on stdout (-o always writes JSON).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Save the JSON result (scan, declaration, findings) to this file.")
@click.option("--output-dir", type=click.Path(file_okay=False), help="Folder for screenshots and other artefacts.")
@click.option("--har", type=click.Path(dir_okay=False), help="Save a HAR per phase (phase name added when several run).")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="Tables: show everything (pages, errors, setters, every request domain).")
@report_options(output_dir=False, include_values=False, lang=False)
def scan_command(url, pages, urls, include, exclude, sitemap, consent, concurrency, timeout, settle_limit, wait, browser_path,
                 browser_args, insecure, user_agent, viewport, locale, timezone, proxy, headed,
                 block_third_party_cookies, include_values, statements, follow, fail_on, baseline, compare, lang, rules,
                 config_path, allow, output_format, output, output_dir, har, quiet, verbose, report):
    """Scan URL in Chromium, record every cookie, storage entry and request to other hosts, and audit
    them: against the privacy statement with --statement (files or URLs; 'none' for no statement);
    without one, the findings that need no statement (consent, banner, unknown cookies).

    Findings set the exit code only when an audit is asked for (--statement, --fail-on, or a
    configuration file that sets either); a plain scan exits 0 whatever it observed.
    """
    from ..run import scan_and_audit_async
    from ..scanner.api import make_options

    config = load_cli_config(config_path)
    url = url or config.site
    if not url:
        raise click.UsageError("give the URL to scan (or 'site' in the configuration file)")
    make_output_dir(output_dir)  # first: `--output-dir audit -o audit/result.json` is one folder
    check_output_path(output)
    check_output_path(har, "HAR")
    settings = audit_settings(config, statements=statements, follow=follow, fail_on=fail_on, baseline=baseline,
                              compare=compare, lang=lang, rules=rules, allow=allow)
    check_report_target(report, output_dir)
    options = make_options(
        pages=pages if pages is not None else (config.pages or _default("pages")),
        urls=tuple(_read_urls(urls or config.urls or ())), include=include or config.include or (),
        exclude=exclude or config.exclude or (),
        sitemap=sitemap if sitemap is not None else bool(config.sitemap),
        consent=consent or config.consent or _default("consent"),
        concurrency=concurrency, timeout=timeout, settle_limit=settle_limit, wait=wait, browser_path=browser_path, browser_args=browser_args,
        insecure=insecure, user_agent=user_agent, viewport=viewport, locale=locale, timezone=timezone, proxy=proxy,
        headed=headed, block_third_party_cookies=block_third_party_cookies, include_values=include_values,
        output_dir=output_dir, har=har,
    )
    with Progress(not quiet and sys.stderr.isatty()) as progress:
        outcome = run_sync(lambda: scan_and_audit_async(url, options, settings, progress=progress.callback,
                                                        handle_signals=True))
    if outcome.result is not None:
        outcome.result.command_line = command_line()
    finish(outcome, output=output, output_format=output_format, report=report, output_dir=output_dir, lang=lang,
           include_values=include_values, verbose=verbose, quiet=quiet)
