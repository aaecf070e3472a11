"""The report options every command that produces a result shares, and the one call that writes them.

Wiring a command (``scan``, ``audit``, ``batch``) is one decorator and one call::

    @report_options()                      # --report, --lang, --output-dir, --include-values
    def command(..., report, lang, output_dir, include_values):
        check_report_target(report, output_dir)          # before the long work: exit 2 on a bad folder
        ...
        emit_reports(result, report, output_dir, lang=lang, include_values=include_values, fail_on=fail_on)

A command that already has ``--output-dir`` or ``--include-values`` passes ``output_dir=False`` /
``include_values=False`` and keeps its own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import click

from ..errors import InputError
from ..reports import REPORT_FILES, REPORT_FORMATS, parse_formats

__all__ = [
    "LANG_OPTION", "check_report_target", "command_line", "emit_reports", "make_output_dir", "report_options",
    "terminal_width",
]

LANG_OPTION = click.option("--lang", type=click.Choice(["nl", "en"]), default=None,
                           help="Report language (default: the audit's, else the statement's, else English).")


def _parse(ctx, param, value):
    try:
        return parse_formats(value)
    except InputError as exc:
        raise click.BadParameter(str(exc)) from None


def report_options(*, output_dir: bool = True, include_values: bool = True, lang: bool = True):
    """Decorator adding ``--report`` (and ``--lang``, ``--output-dir``, ``--include-values`` unless switched off)."""
    files = ", ".join(f"{fmt} → {name}" for fmt, name in REPORT_FILES.items())

    def decorate(function):
        options = [click.option("--report", "report", multiple=True, callback=_parse, metavar="FORMATS",
                                help=f"Write reports into --output-dir: {', '.join(REPORT_FORMATS)} or all, "
                                     f"comma-separated or repeated ({files}).")]
        if lang:
            options.append(LANG_OPTION)
        if output_dir:
            options.append(click.option("--output-dir", type=click.Path(file_okay=False),
                                        help="Folder for reports, screenshots and other artefacts."))
        if include_values:
            options.append(click.option("--include-values", is_flag=True,
                                        help="Show cookie/storage values and URL identifiers in reports (default: redacted)."))
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def make_output_dir(output_dir: Optional[str]) -> None:
    """Create --output-dir (with its parents) before the output paths are checked; InputError (exit 2)
    when it cannot be made."""
    if not output_dir:
        return
    try:
        Path(output_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {output_dir}: {exc.strerror or exc}") from None


def check_report_target(formats: list[str], output_dir: Optional[str]) -> None:
    """Before any long work: reports need a writable --output-dir (InputError, exit 2, otherwise)."""
    if not formats:
        return
    if not output_dir:
        raise InputError("--report needs --output-dir (the folder the reports are written to)")
    directory = Path(output_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {output_dir}: {exc.strerror or exc}") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise InputError(f"cannot write to {output_dir}: permission denied")


def emit_reports(result, formats: list[str], output_dir: Optional[str], *, lang: Optional[str] = None,
                 include_values: bool = False, fail_on: Optional[str] = None, quiet: bool = False,
                 base_dir: Optional[str] = None) -> list[Path]:
    """Write the asked reports and say where on stderr (unless ``quiet``). ``base_dir``: where the
    result's screenshots are, when not in ``output_dir`` (e.g. the folder of a saved scan)."""
    if not formats:
        return []
    from ..reports import screenshot_base, write_reports

    base = screenshot_base(result, [output_dir, base_dir]) if base_dir else None
    written = write_reports(result, formats, output_dir, lang=lang, include_values=include_values, fail_on=fail_on,
                            base_dir=base)
    if not quiet:
        click.echo("cookieaudit: wrote " + ", ".join(str(p) for p in written), err=True)
    return written


_CREDENTIALS = __import__("re").compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]+@")


def command_line() -> list[str]:
    """The arguments this command was run with (after the program name), credentials in URLs removed."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    argv = (root.obj or {}).get("argv") if root is not None and isinstance(root.obj, dict) else None
    if argv is None:
        argv = sys.argv[1:]
    return [_CREDENTIALS.sub(r"\1***@", str(arg)) for arg in argv]


def terminal_width() -> int:
    """Columns for the terminal report: the terminal's (80–160) on a TTY, 100 when piped."""
    if sys.stdout.isatty():
        import shutil

        return max(80, min(160, shutil.get_terminal_size((100, 24)).columns))
    return 100
