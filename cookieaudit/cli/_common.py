"""What the auditing commands (scan, audit, demo) share: the audit options, the configuration
file merged under the command line, and the ending — write the result, print it, say what
went wrong in one line, exit with the pipeline's code."""

from __future__ import annotations

import sys
from typing import Optional

import click

from ..config import Config, load_config
from ..run import AuditSettings, RunOutcome, statement_spec
from ._output import write_text

__all__ = ["AUDIT_OPTIONS", "FETCH_OPTIONS", "audit_settings", "finish", "load_cli_config", "parse_allow_options"]


def _compose(*decorators):
    def apply(function):
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


AUDIT_OPTIONS = _compose(
    click.option("--statement", "statements", multiple=True, metavar="SOURCE",
                 help="Privacy or cookie statement: URL, HTML, PDF, Markdown, text, or a saved declaration JSON "
                      "(repeatable; 'none' for no statement; 'auto' for the one the start page links to)."),
    click.option("--follow/--no-follow", default=None, help="Also read the pages a statement delegates to."),
    click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
                 help="Exit 1 when findings of this severity or worse remain.  [default: error]"),
    click.option("--baseline", type=click.Path(dir_okay=False), help="Accept the findings listed in this baseline file."),
    click.option("--compare", type=click.Path(dir_okay=False), metavar="PREVIOUS.json",
                 help="Add what changed since this earlier result."),
    click.option("--lang", type=click.Choice(["nl", "en"]), default=None,
                 help="Language of the messages (default: the statement's, else English)."),
    click.option("--rules", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
                 help="Extra rule file, e.g. the municipality's own cookies (repeatable)."),
    click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="FILE",
                 help="Configuration file (default: cookieaudit.toml, or [tool.cookieaudit] in pyproject.toml, here)."),
    click.option("--allow", "allow", multiple=True, metavar="NAME=REASON",
                 help="Accept a cookie (name or glob) without a finding, with the reason; 'vendor:NAME=REASON' "
                      "accepts a vendor's cookies (repeatable; added to the configuration file's allow-list)."),
)

FETCH_OPTIONS = _compose(
    click.option("--insecure", is_flag=True, help="Accept invalid TLS certificates when fetching statement URLs."),
    click.option("--browser-arg", "browser_args", multiple=True, metavar="ARG", help="Extra Chromium switch (repeatable)."),
    click.option("--browser-path", metavar="PATH", help="Chromium executable for statement URLs."),
    click.option("--timeout", type=click.FloatRange(min=1, max=600), default=30.0, show_default=True,
                 help="Seconds to wait for a statement URL."),
)


def load_cli_config(path: Optional[str]) -> Config:
    """The configuration file (named, or found in the working directory)."""
    return load_config(path)


def parse_allow_options(values) -> tuple[dict, ...]:
    """Allow-list entries from ``--allow NAME=REASON`` / ``--allow vendor:NAME=REASON``; a value
    without a reason is a usage error (an allow-list entry always says why)."""
    entries = []
    for value in values or ():
        target, _, reason = value.partition("=")
        target, reason = target.strip(), reason.strip()
        if not target or not reason:
            raise click.BadParameter(f"{value!r}: expected NAME=REASON (the reason says why it is accepted)",
                                     param_hint="--allow")
        kind, colon, name = target.partition(":")
        if colon and kind.strip().casefold() in ("vendor", "cookie"):
            if not name.strip():
                raise click.BadParameter(f"{value!r}: no name after {kind}:", param_hint="--allow")
            entries.append({kind.strip().casefold(): name.strip(), "reason": reason})
        else:
            entries.append({"cookie": target, "reason": reason})
    return tuple(entries)


def audit_settings(config: Config, *, statements, follow, fail_on, baseline, compare, lang, rules,
                   allow=(), always_enforced: bool = False, **fetch) -> AuditSettings:
    """AuditSettings from the command line, falling back on the configuration file.

    Findings set the exit code when an audit is asked for: ``--statement`` or ``--fail-on`` on
    the command line, a configuration file that sets either, or a command that is an audit."""
    spec = statement_spec(statements) if statements else statement_spec(config.statements or ())
    enforced = always_enforced or bool(statements) or fail_on is not None or config.asks_for_audit
    return AuditSettings(
        statement=spec,
        follow=follow if follow is not None else bool(config.follow),
        fail_on=fail_on or config.fail_on or "error",
        enforced=enforced,
        baseline=baseline or config.baseline,
        compare=compare,
        lang=lang or config.lang,
        rules=tuple(rules) if rules else tuple(config.rules or ()),
        allow=tuple(config.allow) + parse_allow_options(allow),
        config=config.path,
        **{key: value for key, value in fetch.items() if value is not None},
    )


def baseline_site_note(result) -> Optional[str]:
    """A baseline made for another site still matches findings (ids name kind, family and phase, not
    the site), so a copied baseline would silently accept this site's findings: say so."""
    audit = getattr(result, "audit", None)
    if audit is None or not audit.baseline:
        return None
    from urllib.parse import urlsplit

    from ..auditing.baseline import load_baseline
    from ..domains import registrable_domain
    from ..safety import terminal_safe

    try:
        site = load_baseline(audit.baseline).site
        if not site:
            return None
        theirs, ours = (registrable_domain(urlsplit(url).hostname or "") for url in (site, result.site))
    except Exception:  # the baseline was read once already; a note is not worth an error
        return None
    if not theirs or theirs == ours:
        return None
    return terminal_safe(f"the baseline {audit.baseline} was made for {site}, not for this site ({result.site}); "
                         "its entries were applied by kind and name")


def finish(outcome: RunOutcome, *, output: Optional[str], output_format: str, report=(), output_dir: Optional[str] = None,
           lang: Optional[str] = None, include_values: bool = False, verbose: bool = False, quiet: bool = False,
           screenshots: Optional[str] = None) -> None:
    """Print (``json``, ``markdown``, the terminal report with the findings first, or ``none``), then
    write ``-o`` (always JSON) and the ``--report`` files, explain a failure in one line, exit with the
    outcome's code. ``screenshots``: the folder the result's screenshot paths start from, when it is
    not ``output_dir`` (a saved scan audited again)."""
    result = outcome.result
    if result is not None:
        document = result.to_json()
        if output_format == "json":  # stdout first: a full disk under -o must not cost it
            write_text(document)
        elif output_format != "none":
            from ..reports import render
            from ._reports import terminal_width

            if output_format == "markdown":
                write_text(render(result, "markdown", lang=lang, include_values=include_values))
            else:
                color = sys.stdout.isatty()
                write_text(render(result, "table", lang=lang, include_values=include_values, verbose=verbose,
                                  width=terminal_width(), color=color))
        if output:
            write_text(document, output)
        if report:
            from ._reports import emit_reports

            emit_reports(result, report, output_dir, lang=lang, include_values=include_values, quiet=quiet,
                         base_dir=screenshots)
        note = baseline_site_note(result)
        if note:
            click.echo(f"cookieaudit: note: {note}", err=True)
    if outcome.interrupted:
        written = "; partial result written" if output else ""
        click.echo(f"cookieaudit: interrupted by {outcome.interrupted}{written}", err=True)
    elif outcome.problem:
        from ..safety import terminal_safe

        click.echo(f"cookieaudit: error: {terminal_safe(outcome.problem)}", err=True)
    if outcome.exit_code:
        sys.stdout.flush()
        sys.exit(outcome.exit_code)
