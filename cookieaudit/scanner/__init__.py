"""The scanner: visit a site's pages in Chromium and record its cookies, storage and requests.

``scan_async(url, **options)`` is the core; ``scan(url, **options)`` is its sync wrapper.
Both return a :class:`cookieaudit.models.ScanResult`. Options are the fields of
:class:`ScanOptions`. Playwright is imported only when a scan runs.
"""

from __future__ import annotations

import importlib

from .options import ScanOptions

__all__ = ["ScanOptions", "scan", "scan_async"]


def __getattr__(name: str):
    if name in ("scan", "scan_async"):
        value = getattr(importlib.import_module("cookieaudit.scanner.api"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cookieaudit.scanner' has no attribute {name!r}")
