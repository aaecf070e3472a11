"""``cookieaudit report RESULT.json --format html|markdown|junit|sarif|table``: render a saved result.

Browser-free: reads the JSON a ``scan``, ``audit`` or ``batch`` wrote and prints one report
(stdout without ``-o``). Screenshots for the HTML report are read from ``--base-dir`` (default:
the result's folder, else the scan's output folder as recorded in it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..reports import RENDER_FORMATS, load_result, render, screenshot_base
from ._output import check_not_input, check_output_path, write_text
from ._reports import LANG_OPTION, terminal_width

__all__ = ["report_command"]


_EXTENSIONS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".xml": "junit",
               ".sarif": "sarif", ".txt": "table"}


def _format_of(output: str | None) -> str:
    """The format -o's extension names; the table without -o. Another extension is a usage error:
    writing the terminal table into ``rapport.pdf`` would give a file nothing opens."""
    if not output:
        return "table"
    name = output.lower()
    for extension, fmt in _EXTENSIONS.items():
        if name.endswith(extension) or name.endswith(extension + ".json"):
            return fmt
    raise click.UsageError(f"cannot tell the format from the name {output!r} (.html, .md, .xml, .sarif or .txt): "
                           "give --format" + (" (for a PDF, print the HTML report)" if name.endswith(".pdf") else ""))


@click.command("report")
@click.argument("result_file", metavar="RESULT.json", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(RENDER_FORMATS), default=None,
              help="What to render (table: the terminal report). Default: from -o's extension "
                   "(.html, .md, .xml, .sarif), else table.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (default: stdout).")
@LANG_OPTION
@click.option("--include-values", is_flag=True, help="Show cookie/storage values and URL identifiers (default: redacted).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
              help="Severity that fails (JUnit failures, verdict); default: the audit's.")
@click.option("--base-dir", type=click.Path(file_okay=False, exists=True),
              help="Folder the result's screenshot paths are relative to (default: the result's folder).")
@click.option("-v", "--verbose", is_flag=True, help="table: show everything (pages, errors, setters, declaration).")
def report_command(result_file, fmt, output, lang, include_values, fail_on, base_dir, verbose):
    """Render a saved result (scan or audit JSON) as HTML, Markdown, JUnit XML, SARIF or a table."""
    check_output_path(output)
    check_not_input(output, result_file)
    fmt = fmt or _format_of(output)
    path = Path(result_file)
    result = load_result(path)
    to_terminal = fmt == "table" and not output and sys.stdout.isatty()
    text = render(result, fmt, lang=lang, include_values=include_values, fail_on=fail_on,
                  base_dir=Path(base_dir) if base_dir else screenshot_base(result, [path.parent]), verbose=verbose,
                  width=terminal_width() if to_terminal else 100, color=to_terminal)
    write_text(text, output)
