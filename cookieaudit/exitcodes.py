"""The exit-code contract of the command line, in one place: ``--help`` and the README show it
(a test keeps the README's table equal to this one)."""

from __future__ import annotations

__all__ = ["EXIT_CODES", "PRECEDENCE", "help_text", "markdown_table"]

EXIT_CODES: tuple[tuple[str, str], ...] = (
    ("0", "Nothing at or above --fail-on; also a plain scan (no audit asked for), whatever it observed."),
    ("1", "Findings at or above --fail-on (error by default; warning, info, never), when an audit is asked for: "
          "--statement, an explicit --fail-on, a config file that sets either, audit, demo."),
    ("2", "Bad input: arguments, a malformed URL, unreadable local files, a broken config, baseline or saved scan, "
          "an output path whose folder does not exist or is not writable (checked before the scan; -o never "
          "creates folders)."),
    ("3", "The site could not be scanned: nothing answered (DNS, refused, TLS without --insecure, no response "
          "within the timeout, a port Chromium refuses; one line, no result file), or the start page answered "
          "HTTP >= 400 or every page failed (result written, complete: false, the reason in errors)."),
    ("4", "No browser to drive."),
    ("5", "The scan broke off from an internal error or a dead browser driver (partial result written, "
          "complete: false)."),
    ("130/143", "Interrupted by SIGINT / SIGTERM (partial result written)."),
)
PRECEDENCE = "When several apply: 130/143, then 2, 4, 3, 5, then 1."


def help_text(width: int = 78) -> str:
    """The table for ``--help``, wrapped (click keeps lines after ``\\b`` as they are)."""
    import textwrap

    lines = ["\b", "Exit codes:"]
    for code, text in EXIT_CODES:
        lines += textwrap.wrap(text, width, break_on_hyphens=False, initial_indent=f"  {code:<8}", subsequent_indent=" " * 10)
    lines += textwrap.wrap(PRECEDENCE, width, initial_indent="  ", subsequent_indent="  ")
    return "\n".join(lines)


def markdown_table() -> str:
    """The table as it stands in README.md."""
    rows = ["| code | meaning |", "| --- | --- |"]
    rows += [f"| {code} | {text} |" for code, text in EXIT_CODES]
    return "\n".join(rows) + "\n\n" + PRECEDENCE + "\n"
