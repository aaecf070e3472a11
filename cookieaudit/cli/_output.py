"""Shared output helpers for CLI commands: rich tables on a terminal, plain text when piped,
JSON to stdout or a file. Every site-controlled string goes through ``terminal_safe``."""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path
from typing import Any, Iterable, Sequence

import click

from ..errors import InputError
from ..safety import json_terminal_safe, terminal_safe

__all__ = ["FORMAT_OPTION", "check_not_input", "check_output_path", "print_table", "stdout_is_terminal", "write_json", "write_text"]

FORMAT_OPTION = click.option(
    "--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="Output format.",
)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def print_table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], max_cell: int = 200) -> None:
    """A rich table on a terminal; tab-separated plain text when piped."""
    clean_rows = [["" if cell is None else terminal_safe(cell, max_cell) for cell in row] for row in rows]
    if stdout_is_terminal():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in clean_rows:
            table.add_row(*[Text(cell) for cell in row])  # Text: site strings are never read as markup
        Console().print(table)
    else:
        click.echo("\t".join(columns))
        for row in clean_rows:
            click.echo("\t".join(row))


def write_json(data: Any, output: str | None = None) -> None:
    """JSON to ``output`` (a path) or stdout; control and bidi characters are escaped."""
    text = json_terminal_safe(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)) + "\n"
    write_text(text, output)


def write_text(text: str, output: str | None = None) -> None:
    """``text`` to the file ``output`` (atomically for a regular file) or stdout.
    A failure (no permission, disk full) raises InputError with one line."""
    if output and output != "-":
        path = Path(output)
        try:
            if path.exists() and not path.is_file():  # a device or pipe (/dev/stdout, /dev/full): write in place
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
                return
            tmp = path.with_name(path.name + ".partial")
            try:
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(path)
            finally:
                if tmp.exists():
                    tmp.unlink()
        except OSError as exc:
            reason = "disk full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
            raise InputError(f"cannot write {output}: {reason}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def check_not_input(output: str | None, source: str) -> None:
    """A rendering must not be written over the result it renders (``report r.json --format html -o r.json``)."""
    if not output or output == "-":
        return
    try:
        same = Path(output).resolve() == Path(source).resolve()
    except OSError:
        return
    if same:
        raise InputError(f"cannot write output {output}: it is the result being read; choose another name")


def check_output_path(output: str | None, what: str = "output") -> None:
    """Before any long work: the folder of ``output`` must exist and be writable (never created),
    and ``output`` must not be a folder or a read-only file. InputError (exit 2) otherwise."""
    if not output or output == "-":
        return
    path = Path(output)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"cannot write {what} {output}: is a directory")
    if not folder.exists():
        raise InputError(f"cannot write {what} {output}: folder {folder} does not exist (it is not created)")
    if not folder.is_dir():
        raise InputError(f"cannot write {what} {output}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"cannot write {what} {output}: folder {folder} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(f"cannot write {what} {output}: the file is not writable")
