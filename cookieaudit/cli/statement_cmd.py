"""``cookieaudit statement SOURCE…``: read privacy/cookie statements into a declaration."""

from __future__ import annotations

import click

from ..safety import terminal_safe
from ._output import FORMAT_OPTION, check_output_path, print_table, stdout_is_terminal, write_json, write_text

__all__ = ["statement_command"]


def _days(value) -> str:
    if value is None:
        return ""
    return f"{value:g}" if value >= 1 else f"{value * 1440:g} min"


def _sections(declaration) -> list[tuple[str, tuple[str, ...], list[tuple]]]:
    """(title, columns, rows) of the four tables: cookies, services, claims, warnings."""
    cookies = [(c.pattern, c.match, c.vendor, c.purpose, c.lifetime, _days(c.max_age_days), f"{c.source}:{c.evidence.position.line}")
               for c in declaration.cookies]
    services = [(s.name, s.vendor, s.purpose, s.lifetime, _days(s.max_age_days), f"{s.source}:{s.evidence.position.line}")
                for s in declaration.services]
    claims = []
    for name, value in declaration.claims.model_dump(exclude={"evidence"}).items():
        if value is not None:
            claims.append((name, ", ".join(value) if isinstance(value, list) else str(value).lower()))
    return [
        ("Declared cookies", ("pattern", "match", "vendor", "purpose", "lifetime", "max days", "where"), cookies),
        ("Declared services", ("name", "vendor", "purpose", "lifetime", "max days", "where"), services),
        ("Claims", ("claim", "value"), claims),
        ("Warnings", ("warning",), [(w,) for w in declaration.warnings]),
    ]


def _plain_table(declaration) -> str:
    """The tables as tab-separated text, for -o FILE."""
    lines = [f"language\t{declaration.language or ''}"]
    for title, columns, rows in _sections(declaration):
        lines += ["", f"# {title}", "\t".join(columns)]
        lines += ["\t".join("" if cell is None else terminal_safe(cell) for cell in row) for row in rows]
    return "\n".join(lines) + "\n"


@click.command(name="statement")
@click.argument("sources", nargs=-1, required=True)
@FORMAT_OPTION
@click.option("-o", "--output", metavar="FILE", help="Write the result to FILE instead of standard output.")
@click.option("--follow", is_flag=True, help="Also read the pages a statement delegates to ('zie onze cookieverklaring').")
@click.option("--insecure", is_flag=True, help="Accept invalid HTTPS certificates when fetching URLs.")
@click.option("--browser-arg", "browser_args", metavar="ARG", multiple=True, help="An extra Chromium switch (repeatable).")
@click.option("--browser-path", metavar="PATH", help="The Chromium executable to use for URLs.")
@click.option("--timeout", metavar="S", type=click.FloatRange(min=1, max=600), default=30.0, show_default=True,
              help="Seconds to wait for a URL to load.")
def statement_command(sources, output_format, output, follow, insecure, browser_args, browser_path, timeout):
    """Read privacy and cookie statements (files or URLs) into one cookie declaration.

    SOURCE is a URL, an HTML, PDF, Markdown or text file. Several sources merge into one
    declaration; every item keeps its source and evidence.
    """
    from ..statement import parse_statement

    for source in sources:
        if not source.strip():
            raise click.UsageError("a source cannot be empty")
    check_output_path(output)  # before fetching: a URL may take --timeout seconds per page
    declaration = parse_statement(list(sources), follow=follow, insecure=insecure, browser_args=browser_args,
                                  timeout=timeout, browser_path=browser_path)
    if output_format == "json":
        write_json(declaration.model_dump(mode="json"), output)
        return
    if output:
        write_text(_plain_table(declaration), output)
        return
    click.echo(f"language: {declaration.language or 'unknown'}")
    for title, columns, rows in _sections(declaration):
        if rows or title == "Declared cookies":
            if not stdout_is_terminal():
                click.echo(f"\n# {title}")  # a terminal shows the title in the table itself
            print_table(title, columns, rows)
