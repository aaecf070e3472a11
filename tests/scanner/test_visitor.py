"""The scan looks like a person's desktop Chrome to a site that checks (a bot wall), with the
default user agent and with a custom one; the checks themselves catch a plain headless
browser, so the test can fail."""

from __future__ import annotations

import asyncio
import concurrent.futures
import tempfile

import pytest

from cookieaudit.browser_discovery import standard_switches
from cookieaudit.scanner import scan
from tests.sites import botwall

pytestmark = pytest.mark.browser

# A custom user agent of another browser and version (on the same OS: Chromium cannot make a
# dedicated worker's navigator.platform follow an override, see README "An ordinary visitor").
OLDER_EDGE = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0")


@pytest.fixture(scope="module")
def wall(testweb):
    return botwall.install(testweb)


@pytest.mark.parametrize("user_agent", [None, OLDER_EDGE], ids=["default", "custom-ua"])
def test_bot_wall_sees_a_normal_desktop_chrome(user_agent, wall, testweb, chromium_path):
    """No tell fires, so the page shows its banner, sets its cookie and loads its tracker."""
    before = len(wall)
    result = scan(botwall.START, consent="none", pages=1, insecure=True, browser_args=testweb.browser_args,
                  user_agent=user_agent, wait=0.5)
    assert wall[before:] == [[]]
    names = {c.name for c in result.cookies if c.stored}
    assert {"bezoeker", "ad_id"} <= names
    assert any(group.domain == "botmuur-ads.nl" for group in result.requests)
    if user_agent:
        assert result.browser.user_agent == user_agent


def test_every_tab_looks_like_a_normal_window(wall, testweb, chromium_path):
    """Several tabs at once (each page in a tab of its own): none of them gives a tell. Tabs that
    shared one window would show a window smaller than the page in all but the front tab; a tab's
    second page would see a 0 x 0 outer window now and then with Chromium's RenderDocument on."""
    before = len(wall)
    result = scan(botwall.START, consent="none", pages=1 + botwall.MORE_PAGES, concurrency=3, insecure=True,
                  browser_args=testweb.browser_args, wait=0.5)
    assert len(result.pages) == 1 + botwall.MORE_PAGES
    assert wall[before:] == [[]] * (1 + botwall.MORE_PAGES)


def _plain_visit(wall, testweb, chromium_path, instrument: bool = False) -> set[str]:
    """The bot wall's tells for a plain headless Playwright browser; ``instrument``: with a binding
    exposed the usual way and a setItem wrapped naively (what the scanner must not look like)."""

    async def visit() -> None:
        from playwright.async_api import async_playwright

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch_persistent_context(
                tempfile.mkdtemp(prefix="botmuur-"), executable_path=chromium_path, ignore_https_errors=True,
                args=standard_switches(testweb.browser_args))
            try:
                if instrument:
                    await browser.expose_binding("__cookieauditReport", lambda source, events: None)
                    await browser.add_init_script(script=(
                        "const set = Storage.prototype.setItem; Storage.prototype.setItem = function (k, v) {"
                        " __cookieauditReport([k]); return set.apply(this, arguments); };"))
                page = browser.pages[0]
                await page.goto(botwall.START)
                for _ in range(150):
                    if len(wall) > before:
                        break
                    await page.wait_for_timeout(100)
            finally:
                await browser.close()

    before = len(wall)
    # A thread of its own: pytest-playwright's sync API may already run a loop in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, visit()).result()
    return set(wall[before])


def test_bot_wall_catches_plain_headless_chromium(wall, testweb, chromium_path):
    """The same page, opened by a plain headless Playwright browser, sees the tells (the checks work)."""
    tells = _plain_visit(wall, testweb, chromium_path)
    assert {"headless-ua", "webdriver"} <= tells
    assert not any(tell.startswith(("automation-globals", "wrapped-")) for tell in tells)  # no instrumentation


def test_bot_wall_catches_visible_instrumentation(wall, testweb, chromium_path):
    """Instrumentation done the naive way gives itself away to the checks the scanner passes
    (test_bot_wall_sees_a_normal_desktop_chrome): names on window, a wrapper's source text."""
    tells = _plain_visit(wall, testweb, chromium_path, instrument=True)
    assert {"automation-globals", "wrapped-setItem"} <= tells
