"""The evaluation banners of the dev part (tests/fixtures/banners_eval): each is detected, accepted
and rejected, with the tracker cookie present after accept and absent after reject. (The held-back
part is run only by ``benchmarks/banner_eval.py --part heldback``.)

Every fixture is answered twice in fresh contexts of one async browser, several at a time (in a
thread of its own: pytest-playwright's sync API owns this thread's loop); the parametrized tests
then read the shared results. ``benchmarks/banner_eval.py`` prints the same checks as a table.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from consent_banner import async_api
from tests import needs
from tests.conftest import chromium_switches
import consent_banner
from tests.consent_banner.eval_sites import check_after, load_manifest, npm_missing, requested, serve, storage_of_async

pytestmark = pytest.mark.browser

FIXTURES, TRACKER_COOKIE = load_manifest("dev")
PARALLEL = 4  # contexts at a time: more only queues on a 2-core machine
GUARD_S = 1800


async def _answer_all(chromium_path, switches, web, fixtures):
    from playwright.async_api import async_playwright

    results = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path, args=switches)
        semaphore = asyncio.Semaphore(PARALLEL)

        async def one(fx, action):
            async with semaphore:
                since = len(web.requests)
                context = await browser.new_context(ignore_https_errors=True, locale="nl-NL")
                await context.add_init_script(consent_banner.human_init_script())
                try:
                    page = await context.new_page()
                    await page.goto(fx.url, timeout=60_000)
                    outcome = await getattr(async_api, action)(page, timeout=8)
                    cookies = await _cookies_after(context, action)
                    storage = await storage_of_async(page)
                    results[fx.id, action] = (outcome, cookies, storage, requested(web, fx.host, since))
                except Exception as exc:  # this fixture's tests fail with it; the others still run
                    results[fx.id, action] = exc
                finally:
                    await context.close()

        await asyncio.gather(*(one(fx, action) for fx in fixtures for action in ("accept", "reject")))
        await browser.close()
    return results


async def _cookies_after(context, action: str) -> dict:
    """The jar once the answer has had its effect: after accept, until the tracker's cookie is
    there (up to 3 s, a loaded machine is slow); after reject, after a fixed 0.4 s."""
    deadline = asyncio.get_running_loop().time() + (3.0 if action == "accept" else 0.4)
    while True:
        await asyncio.sleep(0.1)
        cookies = {c["name"]: c["value"] for c in await context.cookies()}
        if (action == "accept" and TRACKER_COOKIE in cookies) or asyncio.get_running_loop().time() >= deadline:
            return cookies


@pytest.fixture(scope="module")
def answered(testweb, chromium_path):
    """(fixture id, action) → (outcome, cookies, localStorage, paths requested on the site)."""
    missing = npm_missing(FIXTURES)
    if missing:
        message = f"npm fixtures not installed ({', '.join(missing)}): run `npm ci` in tests/fixtures/npm"
        needs.missing(message)
    fixtures = serve(testweb, "dev")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(asyncio.run, _answer_all(chromium_path, chromium_switches(testweb), testweb, fixtures))
        # a guard against a hung browser only: on a loaded machine the answers take what they take
        return future.result(timeout=GUARD_S)


def _result(answered, fx, action):
    """The recorded answer for one fixture and action; a failure to load or answer fails the test."""
    found = answered[fx.id, action]
    if isinstance(found, Exception):
        pytest.fail(f"{fx.id} ({action}): {type(found).__name__}: {str(found).splitlines()[0]}", pytrace=False)
    return found


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda fx: fx.id)
def test_detected(answered, fx):
    """The banner is found, as the right CMP (or ``generic``), with its first-layer reject option (or none)."""
    for action in ("accept", "reject"):
        outcome = _result(answered, fx, action)[0]
        assert outcome.detected and outcome.detection.found, (action, outcome.reason)
        assert outcome.cmp == fx.cmp, (action, outcome.cmp)
    assert _result(answered, fx, "reject")[0].reject_on_first_layer is fx.first_layer_reject


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda fx: fx.id)
@pytest.mark.parametrize("action", ["accept", "reject"])
def test_answered_with_the_right_cookies(answered, fx, action):
    """Verified, the banner's own record written, ``_ga`` there after accept only, no "read more" followed."""
    outcome, cookies, storage, paths = _result(answered, fx, action)
    check = check_after(fx, action, outcome, cookies, storage, paths, TRACKER_COOKIE)
    assert check.ok, f"{check.why} (steps: {[(s.action, s.text, s.ok, s.error) for s in outcome.steps]})"
    assert 1 <= outcome.clicks <= 12  # a settings layer: open it, its tabs, each switch, save
