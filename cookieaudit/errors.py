"""Errors cookieaudit raises on purpose, each carrying the CLI exit code it maps to.

    CookieauditError              exit 1   anything we report as one clear line
    ├── InputError                exit 2   bad input: options, URLs, files the user gave
    │   └── RuleFileError         exit 2   a rule file that does not load or validate
    ├── BrowserNotFoundError      exit 4   no Chromium to drive
    ├── SiteUnreachableError      exit 3   DNS failure, refused connection, TLS failure
    ├── StatementUnreadableError  exit 3   a statement URL answered HTTP >= 400 or could not be reached
    └── ScanAbortedError          exit 5   the scan broke off (internal error, dead browser driver);
                                           a partial result was written

The CLI turns these into ``cookieaudit: error: <message>`` and the exit code;
library callers catch them like any exception. Nothing else should reach the user
as a traceback.
"""

from __future__ import annotations

__all__ = [
    "BrowserNotFoundError",
    "CookieauditError",
    "InputError",
    "RuleFileError",
    "ScanAbortedError",
    "SiteUnreachableError",
    "StatementUnreadableError",
]


class CookieauditError(Exception):
    """Base class: a failure that is explained in one line."""

    exit_code = 1


class InputError(CookieauditError, ValueError):
    """The user gave something we cannot use (a bad URL, a missing file, a bad option)."""

    exit_code = 2


class RuleFileError(InputError):
    """A rule file is malformed; the message names the file, the rule and the field."""

    def __init__(self, path: str, message: str, rule: str | None = None, field: str | None = None):
        self.path = path
        self.rule = rule
        self.field = field
        where = str(path)
        if rule:
            where += f": rule {rule!r}"
        if field:
            where += f": field {field!r}"
        super().__init__(f"{where}: {message}")


class BrowserNotFoundError(CookieauditError):
    """No usable Chromium was found."""

    exit_code = 4


class SiteUnreachableError(CookieauditError):
    """The site could not be reached at all (DNS, connection refused, TLS)."""

    exit_code = 3


class StatementUnreadableError(CookieauditError):
    """A statement source could not be fetched or read (HTTP >= 400, unreachable, empty).

    The audit turns it into a ``statement-unreadable`` finding and goes on with the observed
    side; the ``statement`` command prints it as one line and exits with 3.
    """

    exit_code = 3

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(f"{source}: {message}")


class ScanAbortedError(CookieauditError):
    """The scan broke off from an internal error or a dead browser driver; ``partial`` holds
    the result gathered so far (``complete: false``), which the CLI writes before exiting 5."""

    exit_code = 5

    def __init__(self, message: str, partial=None):
        self.partial = partial
        super().__init__(message)
