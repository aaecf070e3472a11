"""The public scan functions: ``scan_async`` (the core) and ``scan`` (its sync wrapper)."""

from __future__ import annotations

from typing import Callable, Optional

from pydantic import ValidationError

from .._aio import run_sync
from ..errors import InputError
from ..models import ScanResult
from .options import ScanOptions
from .runner import Scan

__all__ = ["make_options", "scan", "scan_async"]


def make_options(options: Optional[ScanOptions] = None, **overrides) -> ScanOptions:
    """ScanOptions from an options object and/or keyword overrides; bad values raise InputError."""
    try:
        data = options.model_dump() if options is not None else {}
        data.update(overrides)
        return ScanOptions(**data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        message = str(first.get("msg", "")).removeprefix("Value error, ")
        raise InputError(f"invalid option {where}: {message}") from None


async def scan_async(url: str, options: Optional[ScanOptions] = None, *,
                     progress: Optional[Callable[..., None]] = None, **overrides) -> ScanResult:
    """Scan ``url`` in Chromium; ``overrides`` are ScanOptions fields (e.g. ``pages=5``).

    Raises ``ScanAbortedError`` when Playwright's driver dies mid-scan; its ``partial`` holds
    the result gathered so far (``complete: false``). Every temporary file and browser process
    of the scan is gone when this returns or raises."""
    return await Scan(url, make_options(options, **overrides), progress).run()


def scan(url: str, options: Optional[ScanOptions] = None, *,
         progress: Optional[Callable[..., None]] = None, **overrides) -> ScanResult:
    """Synchronous ``scan_async``; also works when called from code already running an event loop."""
    return run_sync(lambda: scan_async(url, options, progress=progress, **overrides))
