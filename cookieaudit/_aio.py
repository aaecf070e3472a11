"""Running async code from sync code, also where the calling thread already runs an event loop."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Awaitable, Callable, TypeVar

__all__ = ["run_sync"]

T = TypeVar("T")


def run_sync(make_coroutine: Callable[[], Awaitable[T]]) -> T:
    """Run ``make_coroutine()`` to completion and return its result.

    Where this thread already runs a loop (a notebook, a pytest-playwright test, Playwright's
    sync API), ``asyncio.run`` cannot nest, so the coroutine runs on a worker thread with a
    loop of its own; exceptions reach the caller either way.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="cookieaudit-sync") as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()
