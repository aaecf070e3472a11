"""The async API on an async Playwright page, and the guard against mixing sync and async pages."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

import consent_banner
from consent_banner import async_api
from tests.conftest import chromium_switches
from tests.consent_banner.conftest import cookie_jar

pytestmark = pytest.mark.browser


def _in_own_loop(coroutine_function, *args):
    # pytest-playwright's sync API owns this thread's loop; the async browser gets a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_function(*args)).result(timeout=120)


async def _reject_and_detect(chromium_path, switches, url):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path, args=switches)
        context = await browser.new_context(ignore_https_errors=True, locale="nl-NL")
        page = await context.new_page()
        await page.goto(url)
        outcome = await async_api.reject(page)
        after = await async_api.detect(page, timeout=0.5)
        cookies = {c["name"]: c["value"] for c in await context.cookies()}
        with pytest.raises(TypeError, match="async Playwright page"):
            consent_banner.detect(page)
        await browser.close()
        return outcome, after, cookies


def test_async_reject_on_an_async_page(chromium_path, testweb, custom_sites):
    """async_api.reject answers a Dutch banner on an async page; afterwards detect finds nothing."""
    outcome, after, cookies = _in_own_loop(_reject_and_detect, chromium_path, chromium_switches(testweb),
                                           custom_sites["www.proefdorp.nl"])
    assert outcome.verified and outcome.cmp == "generic", outcome
    assert cookies["cookie_toestemming"] == "nee"
    assert not after.found


def test_sync_page_is_refused_by_the_async_api(page, custom_sites):
    """Passing a sync page to async_api is a clear TypeError, not a hang."""
    page.goto(custom_sites["www.proefdorp.nl"])
    with pytest.raises(TypeError, match="needs an async Playwright page"):
        _in_own_loop(async_api.detect, page)
    assert "cookie_toestemming" not in cookie_jar(page)
