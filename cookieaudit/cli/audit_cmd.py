"""``cookieaudit audit SCAN.json``: audit a saved scan (again), browser-free unless a statement URL
has to be fetched."""

from __future__ import annotations

from pathlib import Path

import click

from ..exitcodes import help_text
from ._common import AUDIT_OPTIONS, FETCH_OPTIONS, audit_settings, finish, load_cli_config
from ._output import check_output_path
from ._reports import check_report_target, make_output_dir, report_options

__all__ = ["audit_command"]


@click.command("audit", epilog=help_text())
@click.argument("scan_file", metavar="SCAN.json")
@AUDIT_OPTIONS
@FETCH_OPTIONS
@click.option("--format", "output_format", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True,
              help="What is printed on stdout (-o always writes JSON).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Save the audited result (JSON) to this file.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (the exit code tells the verdict).")
@click.option("-v", "--verbose", is_flag=True, help="Tables: show everything (pages, errors, setters, the declaration).")
@report_options(lang=False)
def audit_command(scan_file, statements, follow, fail_on, baseline, compare, lang, rules, config_path, allow, insecure,
                  browser_args, browser_path, timeout, output_format, output, quiet, verbose, report, output_dir,
                  include_values):
    """Audit a saved scan (what 'scan -o' wrote) against a statement.

    Without --statement the declaration saved in SCAN.json is used (if any); --statement may also
    name a saved declaration JSON ('statement --format json'), or 'none'.
    """
    from ..run import audit_saved

    config = load_cli_config(config_path)
    make_output_dir(output_dir)  # first: `--output-dir audit -o audit/result.json` is one folder
    check_output_path(output)
    check_report_target(report, output_dir)
    settings = audit_settings(config, statements=statements, follow=follow, fail_on=fail_on, baseline=baseline,
                              compare=compare, lang=lang, rules=rules, allow=allow, always_enforced=True, insecure=insecure or None,
                              browser_args=tuple(browser_args) or None, browser_path=browser_path, timeout=timeout)
    outcome = audit_saved(scan_file, settings)
    finish(outcome, output=output, output_format="none" if quiet and output_format == "table" else output_format,
           report=report, output_dir=output_dir, lang=lang, include_values=include_values, verbose=verbose, quiet=quiet,
           screenshots=str(Path(scan_file).parent))
