"""Handling of site-controlled strings: redaction and terminal-safe text.

Cookie names, values, page titles and URLs come from the site being audited and are
hostile. Reports redact values by default and strip control characters before anything
reaches a terminal; HTML reports escape (see the renderers); every CSV cell goes through
``csv_safe`` so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["csv_safe", "redact", "terminal_safe"]

# C0/C1 controls, DEL, and Unicode bidi overrides that can reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: object, max_length: int | None = None) -> str:
    """``text`` with control and bidi characters replaced by ``?``, optionally shortened.

    >>> terminal_safe("a\\x1b[31mred\\nb")
    'a?[31mred?b'
    """
    cleaned = _UNSAFE.sub("?", str(text))
    if max_length is not None and len(cleaned) > max_length:
        cleaned = cleaned[: max(0, max_length - 1)] + "…"
    return cleaned


def redact(value: str | None) -> dict | None:
    """Length and a short SHA-256 of a value, so runs can be compared without exposing it.

    >>> redact("GA1.2.123.456")["length"]
    13
    """
    if value is None:
        return None
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return {"redacted": True, "length": len(value), "sha256": digest}


# A spreadsheet reads a cell starting with one of these as a formula (OWASP: CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(cell: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula: text starting with ``= + - @`` (or a tab
    or carriage return) gets a leading apostrophe. Numbers pass unchanged; None becomes ''.
    Every CSV the project writes passes its cells through this.

    >>> csv_safe("=1+2")
    "'=1+2"
    >>> csv_safe("_ga"), csv_safe(-3), csv_safe(None)
    ('_ga', -3, '')
    """
    if cell is None:
        return ""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return cell
    text = str(cell)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
