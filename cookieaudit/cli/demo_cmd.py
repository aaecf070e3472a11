"""``cookieaudit demo``: audit the built-in demo municipal site, offline, in one command."""

from __future__ import annotations

import sys

import click

from .._aio import run_sync
from ..exitcodes import help_text
from ._output import write_text
from ._progress import Progress
from ._reports import emit_reports, terminal_width

__all__ = ["demo_command"]


@click.command("demo", epilog=help_text())
@click.option("--output-dir", type=click.Path(file_okay=False), default="cookieaudit-demo", show_default=True,
              help="Folder for the result, the statement and the banner screenshots (created if needed).")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True,
              help="What is printed on stdout.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default=None, help="Language of the messages (default: the statement's, Dutch).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default="error", show_default=True,
              help="Exit 1 when findings of this severity or worse remain.")
@click.option("--browser-path", metavar="PATH", help="Chromium executable (default: found automatically).")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="Tables: show everything.")
def demo_command(output_dir, output_format, lang, fail_on, browser_path, quiet, verbose):
    """Start the built-in demo site of Gemeente Demodorp on this machine (no network), scan it in
    three consent phases, audit it against its privacy statement (HTML and PDF), print the
    findings and write the result and the reports (HTML, Markdown, JUnit, SARIF) into --output-dir.
    Exits with the audit's code, like a CI job."""
    from ..demo import run_demo_async

    with Progress(not quiet and sys.stderr.isatty()) as progress:
        run = run_sync(lambda: run_demo_async(output_dir, lang=lang, fail_on=fail_on, progress=progress.callback,
                                              browser_path=browser_path, handle_signals=True))
    outcome = run.outcome
    written = []
    if outcome.result is not None:
        from ..reports import render

        if output_format == "json":
            write_text(outcome.result.to_json())
        else:
            write_text(render(outcome.result, output_format if output_format == "markdown" else "table", lang=lang,
                              verbose=verbose, width=terminal_width(), color=sys.stdout.isatty()))
        if run.output_dir is not None:
            written = emit_reports(outcome.result, ["all"], str(run.output_dir), lang=lang, quiet=True)
    if run.result_path is not None:
        report = next((p for p in written if p.suffix == ".html"), None)
        click.echo(f"Result written to {run.result_path} (statement and banner screenshots in {run.output_dir})"
                   + (f"; open {report} for the report." if report else "."), err=output_format == "json")
    if outcome.interrupted:
        click.echo(f"cookieaudit: interrupted by {outcome.interrupted}", err=True)
    elif outcome.problem:
        click.echo(f"cookieaudit: error: {outcome.problem}", err=True)
    if outcome.exit_code:
        sys.exit(outcome.exit_code)
