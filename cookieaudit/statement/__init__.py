"""Reading privacy and cookie statements into a structured declaration.

    >>> from cookieaudit.statement import parse_text
    >>> parse_text("Cookies\\n\\nWij gebruiken alleen functionele cookies.").claims.only_purposes
    ['functional']

Sources: plain text, Markdown, saved HTML, PDF, or a URL (rendered in Chromium). The words
the parser knows live in ``vocabulary.yaml``; every item carries its evidence.
"""

from __future__ import annotations

from .model import Claims, DeclaredCookie, DeclaredService, Declaration, Evidence, Position, SourceInfo
from .parser import parse_statement, parse_statement_async, parse_text

__all__ = [
    "Claims",
    "DeclaredCookie",
    "DeclaredService",
    "Declaration",
    "Evidence",
    "Position",
    "SourceInfo",
    "parse_statement",
    "parse_statement_async",
    "parse_text",
]
