"""``cookieaudit declaration RESULT.json --lang nl|en --format markdown|html|csv``: a draft cookie table.

Browser-free: the cookie table a site should publish, made from what a saved scan observed,
marking what the current statement already declares (stdout without ``-o``).
"""

from __future__ import annotations

from pathlib import Path

import click

from ..reports import load_result
from ..reports.declaration import DECLARATION_FORMATS, render_declaration
from ..reports.view import prepare
from ._output import check_not_input, check_output_path, write_text
from ._reports import LANG_OPTION

__all__ = ["declaration_command"]

_EXTENSIONS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".csv": "csv"}


def _format_of(output: str | None) -> str:
    """The format -o's extension names (``cookietabel.csv`` is CSV, not Markdown); Markdown without -o."""
    if not output:
        return "markdown"
    name = output.lower()
    for extension, fmt in _EXTENSIONS.items():
        if name.endswith(extension):
            return fmt
    raise click.UsageError(f"cannot tell the format from the name {output!r} (.md, .html or .csv): give --format")


@click.command("declaration")
@click.argument("result_file", metavar="RESULT.json", type=click.Path(dir_okay=False))
@LANG_OPTION
@click.option("--format", "fmt", type=click.Choice(DECLARATION_FORMATS), default=None,
              help="Default: from -o's extension (.md, .html, .csv), else markdown.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (default: stdout).")
def declaration_command(result_file, lang, fmt, output):
    """Draft the cookie declaration a site should publish, from what a saved scan observed."""
    check_output_path(output)
    check_not_input(output, result_file)
    fmt = fmt or _format_of(output)
    result = prepare(load_result(Path(result_file)))
    write_text(render_declaration(result, fmt, lang=lang), output)
