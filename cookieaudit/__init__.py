"""cookieaudit: audit what a website does with cookies and trackers against what it declares.

The classifier needs no browser::

    >>> from cookieaudit import classify
    >>> classify("_ga").vendor
    'Google Analytics'

Names that need a browser or heavier parsing (``scan``, ``scan_async``, ``ScanResult``,
``parse_statement``, ``Declaration``, ``audit``, ``AuditedResult``) are loaded on first use (PEP 562), so
``import cookieaudit`` stays fast and does not import Playwright.
"""

from __future__ import annotations

import importlib

from ._version import __version__
from .classifier import Classification, Classifier, HostClassification, classify, classify_host, classify_many
from .errors import (
    BrowserNotFoundError,
    CookieauditError,
    InputError,
    RuleFileError,
    SiteUnreachableError,
)

__all__ = [
    "AuditedResult",
    "BrowserNotFoundError",
    "Classification",
    "Classifier",
    "CookieauditError",
    "Declaration",
    "HostClassification",
    "InputError",
    "RuleFileError",
    "ScanResult",
    "SiteUnreachableError",
    "__version__",
    "audit",
    "classify",
    "classify_host",
    "classify_many",
    "parse_statement",
    "scan",
    "scan_async",
]

# name -> module that defines it; imported on first attribute access.
_LAZY = {
    "scan": "cookieaudit.scanner",
    "scan_async": "cookieaudit.scanner",
    "ScanResult": "cookieaudit.models",
    "parse_statement": "cookieaudit.statement",
    "Declaration": "cookieaudit.statement",
    "audit": "cookieaudit.auditing",
    "AuditedResult": "cookieaudit.auditing",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cookieaudit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
