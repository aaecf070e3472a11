"""The ``cookieaudit`` command line: thin wrappers that parse options, call the library,
render the result and set the exit code.

Each subcommand lives in its own module and is imported only when it is run, so
``cookieaudit --help`` and ``cookieaudit classify`` never import Playwright.
"""

from __future__ import annotations

import importlib
import sys

import click

from .._version import __version__
from ..errors import CookieauditError

__all__ = ["main", "cli"]

# command name -> (module, attribute, one-line help shown by --help without importing it)
_COMMANDS = {
    "audit": ("cookieaudit.cli.audit_cmd", "audit_command", "Audit a saved scan against a privacy statement."),
    "baseline": ("cookieaudit.cli.baseline_cmd", "baseline_command", "Write a baseline that accepts a result's findings."),
    "batch": ("cookieaudit.cli.batch_cmd", "batch_command", "Audit every site in a list, here or on a Dask cluster; resumable."),
    "classify": ("cookieaudit.cli.classify_cmd", "classify_command", "Classify cookie names against the rule set."),
    "declaration": ("cookieaudit.cli.declaration_cmd", "declaration_command",
                    "Draft the cookie declaration a site should publish, from a saved result."),
    "report": ("cookieaudit.cli.report_cmd", "report_command",
               "Render a saved result as HTML, Markdown, JUnit XML, SARIF or a table."),
    "demo": ("cookieaudit.cli.demo_cmd", "demo_command", "Audit a built-in demo municipal site, offline, in one command."),
    "rules": ("cookieaudit.cli.rules_cmd", "rules_group", "List, show, validate and import cookie rules."),
    "scan": ("cookieaudit.cli.scan_cmd", "scan_command", "Scan a site in Chromium and audit its cookies, storage and requests."),
    "statement": ("cookieaudit.cli.statement_cmd", "statement_command", "Read a privacy statement into a structured cookie declaration."),
}


class _LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx):
        return sorted(_COMMANDS)

    def get_command(self, ctx, name):
        entry = _COMMANDS.get(name)
        if entry is None:
            return None
        module_name, attribute, _ = entry
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            return _unavailable(name)
        return getattr(module, attribute)

    def format_commands(self, ctx, formatter):
        rows = [(name, help_text) for name, (_, _, help_text) in sorted(_COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _unavailable(name: str) -> click.Command:
    @click.command(name=name, help="(not available in this build)")
    def command():
        raise click.UsageError(f"'{name}' is not available in this build of cookieaudit")

    return command


def _version_message() -> str:
    """cookieaudit's version with the rule set's and Playwright's (read without importing Playwright)."""
    from ..ruleset import RULESET_VERSION

    try:
        from importlib.metadata import version

        playwright = version("playwright")
    except Exception:
        playwright = "not installed"
    return f"cookieaudit {__version__} (rule set {RULESET_VERSION}, Playwright {playwright})"


def _show_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_message())
        ctx.exit()


def _epilog() -> str:
    from ..exitcodes import help_text

    return help_text()


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=_epilog())
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version, the rule set's and Playwright's, and exit.")
def cli() -> None:
    """Audit what a website does with cookies and trackers, and check it against its privacy statement."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; library errors become one line on stderr and their exit code."""
    try:
        cli.main(args=argv, prog_name="cookieaudit", standalone_mode=False,
                 obj={"argv": list(argv) if argv is not None else sys.argv[1:]})
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("cookieaudit: interrupted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        # bad input is one line, like every other error; the usage is a --help away
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"cookieaudit: error: {_one_line(exc.format_message())}{hint}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CookieauditError as exc:
        click.echo(f"cookieaudit: error: {_one_line(exc)}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("cookieaudit: interrupted", err=True)
        sys.exit(130)
    sys.exit(0)


def _one_line(exc: BaseException) -> str:
    from ..safety import terminal_safe

    return terminal_safe(" ".join(str(exc).split()))
