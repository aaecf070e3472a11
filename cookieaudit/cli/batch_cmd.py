"""``cookieaudit batch SITES --output-dir DIR``: the full audit of every site in a list.

Thin: the scan and audit options are the ``scan`` command's own (same names, defaults and
help), passed on to every site's ``cookieaudit scan`` child; the batch options choose the
runner, the timeout and resumption. Exit code: 2 bad input; else 1 when a site has findings
at or above --fail-on, else 3 when a site could not be (completely) scanned, else 0;
130/143 when interrupted (the summaries are still written).
"""

from __future__ import annotations

import os
import sys

import click

from ..safety import terminal_safe
from ._reports import report_options
from .scan_cmd import scan_command

__all__ = ["batch_command"]

# scan options every site gets; file options are made absolute (the child runs in its work folder).
FORWARDED = (
    "pages", "include", "exclude", "sitemap", "consent", "concurrency", "timeout", "settle_limit", "wait",
    "browser_path", "browser_args", "insecure", "user_agent", "viewport", "locale", "timezone", "proxy",
    "block_third_party_cookies", "include_values",
    # audit options (issue 8), taken over when this build's scan has them
    "rules", "fail_on", "lang", "config_path", "follow",
)
PATH_OPTIONS = ("rules", "config_path")
DEFAULT_REPORTS = ("html",)  # each site's folder gets its HTML report unless --report or --no-report says otherwise


def _forwarded_params() -> list[click.Parameter]:
    return [param for param in scan_command.params
            if isinstance(param, click.Option) and param.name in FORWARDED]


def _scan_supports(option: str) -> bool:
    return any(option in param.opts for param in scan_command.params)


def _batch_params(function):
    for param in reversed(_forwarded_params()):
        function.__click_params__ = getattr(function, "__click_params__", [])
        function.__click_params__.append(param)
    return function


EXIT_CODES = ("Exit codes: 0 every site audited, none with findings at or above --fail-on; 1 a site has findings "
              "at or above --fail-on; 2 bad input (the list, an option, the output folder); 3 a site could not be "
              "scanned (completely): see summary.csv; 4 no browser; 130/143 interrupted (the summaries hold the "
              "sites finished so far; a rerun resumes).")


@click.command("batch", epilog=EXIT_CODES)
@click.argument("sites", type=click.Path(dir_okay=False))
@click.option("--output-dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the summaries, the cookie table and a folder per site.")
@click.option("--workers", type=click.IntRange(1, 256),
              help="Sites scanned at a time (default: one per core, fewer when memory is short: ~1.5 GB a site).")
@click.option("--site-timeout", type=click.FloatRange(10, 86_400), default=900, show_default=True,
              help="Seconds one site may take; then its scan and browsers are stopped and its row says so.")
@click.option("--statement", "statement_default", type=click.Choice(["auto", "none"]), default="auto", show_default=True,
              help="For lines without a statement: find it from the start page's links, or audit without one.")
@report_options(output_dir=False, include_values=False, lang=False)  # --lang, --include-values: the scan's own
@click.option("--no-report", is_flag=True, help="No reports in the sites' folders (default: --report html).")
@click.option("--force", is_flag=True, help="Scan every site again, also those complete from an earlier run.")
@click.option("--resume", is_flag=True,
              help="Keep the sites complete from an earlier run into --output-dir and scan the rest (the default).")
@click.option("--dask", metavar="SCHEDULER|local",
              help="Run the sites as Dask tasks on this scheduler, or on a LocalCluster of --workers processes.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@_batch_params
@click.pass_context
def batch_command(ctx, sites, output_dir, workers, site_timeout, statement_default, report, no_report, force, resume,
                  dask, quiet, **scan_options):
    """Audit every site in SITES (a text file of URLs, or a CSV with a 'site' column and optional
    'statement', 'pages', 'name') and write a folder per site, summary.csv/.jsonl and cookies.csv."""
    from ..batch.run import BatchConfig, run_batch

    _check_scan_options(scan_options, dask)
    pages = scan_options.pop("pages", None)
    if ctx.get_parameter_source("pages") in (None, click.core.ParameterSource.DEFAULT):
        pages = None  # the scan's own default, unless a line of the list says otherwise
    if no_report and report:
        raise click.UsageError("--no-report and --report exclude each other")
    if force and resume:
        raise click.UsageError("--force and --resume exclude each other (--force scans every site again)")
    formats = [] if no_report else (report or list(DEFAULT_REPORTS))
    scan_args = _argv(ctx, scan_options) + _found_config(scan_options) + _report_args(formats)
    config = BatchConfig(
        sites_file=os.path.abspath(sites), output_dir=os.path.abspath(output_dir),
        scan_args=tuple(scan_args),
        pages=pages,
        statement_default=statement_default, statement_supported=_scan_supports("--statement"),
        workers=workers, site_timeout=site_timeout, force=force, dask=dask, quiet=quiet,
    )
    outcome = run_batch(config)
    if not quiet:
        counts = {status: sum(row["status"] == status for row in outcome.rows) for status in ("ok", "incomplete", "failed")}
        kept = f" ({outcome.kept} kept from an earlier run)" if outcome.kept else ""
        sites_word = "site" if len(outcome.rows) == 1 else "sites"
        click.echo(f"cookieaudit: {len(outcome.rows)} {sites_word}{kept}: {counts['ok']} ok, {counts['incomplete']} incomplete, "
                   f"{counts['failed']} failed; summary in {terminal_safe(os.path.join(output_dir, 'summary.csv'))}", err=True)
        for note in outcome.notes:
            click.echo(f"cookieaudit: {terminal_safe(note)}", err=True)
    if outcome.interrupted:
        click.echo(f"cookieaudit: interrupted by {outcome.interrupted}; the summaries hold the sites finished so far", err=True)
    sys.exit(outcome.exit_code)


for _param in batch_command.params:  # the shared --report, said for a batch
    if _param.name == "report":
        _param.help = ("Reports in every site's folder: html, markdown, junit, sarif or all, comma-separated or "
                       "repeated.  [default: html]")


def _check_scan_options(values: dict, dask) -> None:
    """Bad scan options fail here, once, not in every site's child; without --dask, so does a missing browser."""
    from pydantic import ValidationError

    from ..errors import InputError
    from ..options import ScanOptions, parse_viewport

    fields = {name: value for name, value in values.items() if name in ScanOptions.model_fields and value is not None}
    if isinstance(fields.get("viewport"), str):
        fields["viewport"] = parse_viewport(fields["viewport"])
    try:
        ScanOptions(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise InputError(f"invalid option {where}: {first.get('msg')}") from None
    if not dask:
        from ..browser_discovery import find_browser

        find_browser(values.get("browser_path"))


def _report_args(formats: list[str]) -> list[str]:
    """``--report`` for every site's scan: each child writes its reports into its own folder with
    the shared ``emit_reports`` (so a Dask worker's reports come back with its result)."""
    if not formats or not _scan_supports("--report"):
        return []
    return ["--report", ",".join(formats)]


def _found_config(values: dict) -> list[str]:
    """The configuration file a scan here would read, named for the children (they run in their
    work folders); a bad one is bad input now. Its site and statement keys give way to the list."""
    if "config_path" not in values:
        return []  # this build's scan has no configuration file
    from ..config import find_config, load_config

    if values.get("config_path"):
        load_config(values["config_path"])
        return []
    found = find_config()
    if found is None:
        return []
    load_config(str(found))
    return ["--config", str(found.resolve())]


def _argv(ctx: click.Context, values: dict) -> list[str]:
    """Scan options the user set, back as command-line arguments for the child."""
    argv: list[str] = []
    for param in _forwarded_params():
        if param.name not in values:
            continue
        source = ctx.get_parameter_source(param.name)
        if source in (None, click.core.ParameterSource.DEFAULT):
            continue
        value = values[param.name]
        flag = max((opt for opt in param.opts if opt.startswith("--")), key=len, default=param.opts[0])
        if param.is_flag:
            if value and not param.secondary_opts:
                argv.append(flag)
            elif param.secondary_opts:
                argv.append(flag if value else param.secondary_opts[0])
            continue
        items = value if param.multiple else (value,)
        for item in items:
            if item is None:
                continue
            text = str(item)
            if param.name in PATH_OPTIONS:
                text = os.path.abspath(text)
            argv += [flag, text]
    return argv
