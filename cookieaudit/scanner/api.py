"""The public scan functions: ``scan_async`` (the core) and ``scan`` (its sync wrapper)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Callable, Optional

from pydantic import ValidationError

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
        raise InputError(f"invalid option {where}: {first.get('msg')}") from None


async def scan_async(url: str, options: Optional[ScanOptions] = None, *,
                     progress: Optional[Callable[..., None]] = None, **overrides) -> ScanResult:
    """Scan ``url`` in Chromium; ``overrides`` are ScanOptions fields (e.g. ``pages=5``)."""
    return await Scan(url, make_options(options, **overrides), progress).run()


def scan(url: str, options: Optional[ScanOptions] = None, *,
         progress: Optional[Callable[..., None]] = None, **overrides) -> ScanResult:
    """Synchronous ``scan_async``; also works when called from code already running an event loop."""
    def run() -> ScanResult:
        return asyncio.run(scan_async(url, options, progress=progress, **overrides))

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    # A loop is running in this thread (a notebook, a pytest-playwright test): asyncio.run
    # cannot nest, so the scan runs on a worker thread with its own loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="cookieaudit-scan") as pool:
        return pool.submit(run).result()
