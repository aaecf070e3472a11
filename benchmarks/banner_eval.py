"""Evaluate consent_banner on banners it was not developed against (tests/fixtures/banners_eval).

For every fixture, in fresh browser contexts: detect, accept, reject. A fixture counts as
  detected  when detect() finds the banner and names the expected CMP (or ``generic``);
  accepted  when accept() is verified, the fixture's consent record is written and the
            tracker cookie (_ga, loaded only after consent) is present;
  rejected  when reject() is verified, the record is written and there is no tracker cookie;
and no "read more" link was followed. Also prints clicks and reject_on_first_layer, and times
how long answering takes on pages with no banner (the cost the scanner pays per phase).

``--part dev`` (the default) runs the set the engine is tuned against; ``--part heldback`` the
banners written before that tuning (run it once before and once after a change, never to tune),
``--part heldback2`` the second such set (development material since round 3 of issue 13: its
entries are ``part: dev`` now), ``--part heldback3`` the third (written before the third round
of tuning), ``--part heldback4`` the fourth (written before the fourth round), ``--part heldback5`` the fifth (written before the fifth round; development material since round 6); ``--part all`` every part. Every context hides
``navigator.webdriver``, as the scanner does. A phase that gets no answer in 300 s counts as failed
("hung", with the last browser operation).

    python benchmarks/banner_eval.py [--part dev|heldback|heldback2|heldback3|heldback4|heldback5|all] [--jobs 6] [--only ID ...] [--no-timing]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.async_api import async_playwright  # noqa: E402

import consent_banner  # noqa: E402
from consent_banner import async_api, driver  # noqa: E402
from cookieaudit.browser_discovery import QUIET_CHROMIUM_ARGS, find_browser  # noqa: E402
from tests.consent_banner.eval_sites import (  # noqa: E402
    check_after, load_manifest, npm_missing, requested, serve, storage_of_async)
from tests.testweb import Response, TestWeb, html  # noqa: E402

CONTEXT = {"ignore_https_errors": True, "locale": "nl-NL"}
# A guard per phase (detect, accept, reject) against a browser operation that never answers: the
# phase then counts as failed ("hung", naming the last operation and whether it answered) and the run
# goes on.
GUARD_S = 300.0
_LAST_OP: dict = {}  # page -> (the last operation the driver started on it, whether it answered)
_perform = driver._async_perform


async def _traced_perform(page, op, *args):
    _LAST_OP[page] = (op, False)
    try:
        return await _perform(page, op, *args)
    except asyncio.CancelledError:  # the guard gave up on it: it never answered
        raise
    finally:
        if not asyncio.current_task().cancelling():
            _LAST_OP[page] = (op, True)


driver._async_perform = _traced_perform


async def _guarded(page, call):
    try:
        return await asyncio.wait_for(call, GUARD_S)
    except asyncio.TimeoutError:
        op, answered = _LAST_OP.get(page, (None, True))
        where = f"last operation {str(op)[:100]} ({'answered' if answered else 'never answered'})"
        raise RuntimeError(f"hung: no answer within {GUARD_S:.0f} s, {where}") from None

# Pages without a banner for the timing: how long does answering take when there is nothing to answer?
NO_BANNER_PAGES = {
    "plain": ("www.geen-banner-eval.nl", "<h1>Gemeente Zonder</h1><p>Geen cookies, geen banner.</p>", None),
    "analytics-only": ("www.matomo-eval.nl", "<h1>Gemeente Matomo</h1><p>Statistieken zonder cookies.</p>"
                       '<script src="https://stats.matomo-eval.nl/matomo.js" async></script>',
                       ("stats.matomo-eval.nl", "/matomo.js", "window._paq = window._paq || []; window._paq.push(['trackPageView']);")),
    "slow-image": ("www.trage-foto-eval.nl", '<h1>Gemeente Traag</h1><img src="https://img.trage-foto-eval.nl/kaart.png" alt="kaart">',
                   ("img.trage-foto-eval.nl", "/kaart.png", None)),
}
# A known CMP's script that draws its banner late: the wait must not give up on it.
LATE_CMP = ("www.late-cmp-eval.nl", '<h1>Late CMP</h1><script src="https://cdn-cookieyes.com/client_data/late/script.js"></script>',
            ("cdn-cookieyes.com", "/client_data/late/script.js", """
window.cookieyes = {};
setTimeout(function () {
  var d = document.createElement('div'); d.className = 'cky-consent-container';
  d.style.cssText = 'position:fixed;bottom:0;left:0;right:0;background:#fff;padding:16px;z-index:9999';
  d.innerHTML = '<div class="cky-notice"><p>Wij gebruiken cookies.</p><button class="cky-btn cky-btn-accept" data-cky-tag="accept-button">Alles accepteren</button>' +
    '<button class="cky-btn cky-btn-reject" data-cky-tag="reject-button">Alles weigeren</button></div>';
  document.body.appendChild(d);
  d.querySelector('.cky-btn-reject').onclick = function () { document.cookie = 'cookieyes-consent=consent:no,action:yes,analytics:no; path=/'; d.remove(); };
  d.querySelector('.cky-btn-accept').onclick = function () { document.cookie = 'cookieyes-consent=consent:yes,action:yes,analytics:yes; path=/'; d.remove(); };
}, 3500);"""))


def switches(web: TestWeb) -> list[str]:
    args = list(QUIET_CHROMIUM_ARGS) + web.browser_args
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


async def _fresh(browser, url):
    context = await browser.new_context(**CONTEXT)
    await context.add_init_script(consent_banner.human_init_script())
    page = await context.new_page()
    await page.goto(url, wait_until="load")
    return context, page


async def evaluate_one(browser, web, fx, tracker_cookie, timeout):
    row = {"id": fx.id}
    context, page = await _fresh(browser, fx.url)
    try:
        detection = await _guarded(page, async_api.detect(page, timeout=timeout))
        row["detected"] = detection.found and detection.cmp == fx.cmp
        row["detect_note"] = "" if row["detected"] else f"found={detection.found} cmp={detection.cmp}"
    except RuntimeError as exc:
        row["detected"], row["detect_note"] = False, f"detect {exc}"
    finally:
        await context.close()
    for action in ("accept", "reject"):
        since = len(web.requests)
        context, page = await _fresh(browser, fx.url)
        try:
            started = time.monotonic()
            outcome = await _guarded(page, getattr(async_api, action)(page, timeout=timeout))
            row[f"{action}_s"] = time.monotonic() - started
            await page.wait_for_timeout(400)  # the tracker script is loaded after the click
            cookies = {c["name"]: c["value"] for c in await context.cookies()}
            storage = await storage_of_async(page)
            check = check_after(fx, action, outcome, cookies, storage, requested(web, fx.host, since), tracker_cookie)
            row[action] = check.ok
            row[f"{action}_why"] = check.why
            row[f"{action}_clicks"] = outcome.clicks
            if action == "reject":
                row["first_layer"] = outcome.reject_on_first_layer
                row["first_layer_ok"] = outcome.reject_on_first_layer == fx.first_layer_reject
        except Exception as exc:  # a crash is a failure of this fixture, not of the run
            row[action] = False
            row[f"{action}_why"] = f"crash: {str(exc).splitlines()[0][:160]}"
        finally:
            await context.close()
    return row


async def time_no_banner(browser, web, timeout):
    rows = []
    pages = dict(NO_BANNER_PAGES)
    pages["late-cmp (banner at 3.5 s)"] = LATE_CMP
    for name, (host, body, extra) in pages.items():
        web.route(host, "/", html(body, title=name))
        if extra:
            ehost, path, source = extra
            if source is None:
                web.route(ehost, path, Response(b"\x89PNG\r\n", content_type="image/png", delay=2.5))
            else:
                web.route(ehost, path, Response(source, content_type="application/javascript"))
        context, page = await _fresh(browser, f"https://{host}/")
        try:
            started = time.monotonic()
            outcome = await async_api.reject(page, timeout=timeout)
            rows.append((name, time.monotonic() - started, outcome.detected, outcome.reason))
        finally:
            await context.close()
    return rows


async def main_async(args) -> int:
    wanted, tracker_cookie = load_manifest(args.part)
    missing = npm_missing(wanted)
    if missing:
        print(f"npm fixtures not installed ({', '.join(missing)}): run `npm ci` in tests/fixtures/npm", file=sys.stderr)
        return 2
    web = TestWeb().start()
    fixtures = serve(web, args.part)
    if args.only:
        fixtures = [f for f in fixtures if f.id in args.only]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=find_browser(), args=switches(web))
        semaphore = asyncio.Semaphore(args.jobs)

        async def limited(fx):
            async with semaphore:
                return await evaluate_one(browser, web, fx, tracker_cookie, args.timeout)

        started = time.monotonic()
        rows = await asyncio.gather(*(limited(fx) for fx in fixtures))
        elapsed = time.monotonic() - started
        timing = [] if args.no_timing else await time_no_banner(browser, web, args.timeout)
        await browser.close()
    web.stop()

    print(f"{'fixture':34} {'det':>4} {'acc':>4} {'rej':>4} {'clk a/r':>8} {'1st':>5}  notes")
    for row in rows:
        mark = lambda v: "ok" if v else "--"  # noqa: E731
        notes = "; ".join(x for x in (row.get("detect_note"), row.get("accept_why") and "accept: " + row["accept_why"],
                                      row.get("reject_why") and "reject: " + row["reject_why"],
                                      "" if row.get("first_layer_ok", True) else f"first-layer={row.get('first_layer')}") if x)
        print(f"{row['id']:34} {mark(row['detected']):>4} {mark(row.get('accept')):>4} {mark(row.get('reject')):>4} "
              f"{row.get('accept_clicks', '-')!s:>3}/{row.get('reject_clicks', '-')!s:<4} "
              f"{str(row.get('first_layer'))[:5]:>5}  {notes}")
    n = len(rows)
    count = lambda key: sum(1 for r in rows if r.get(key))  # noqa: E731
    every = sum(1 for r in rows if r["detected"] and r.get("accept") and r.get("reject"))
    print(f"\npart {args.part}: {n} fixtures in {elapsed:.1f} s: detected {count('detected')}/{n}, accepted {count('accept')}/{n}, "
          f"rejected {count('reject')}/{n}, first-layer flag right {count('first_layer_ok')}/{n}, all three {every}/{n} "
          f"({100 * every / max(n, 1):.0f} %)")
    if timing:
        print("\nanswering a page (reject) with no banner:")
        for name, seconds, detected, reason in timing:
            print(f"  {name:28} {seconds:5.2f} s  detected={detected}  {reason}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("dev", "heldback", "heldback2", "heldback3", "heldback4", "heldback5", "all"), default="dev",
                        help="dev: the tuning set (default); heldback, heldback2, heldback3, heldback4, heldback5: written before a tuning round, run once before and once after it")
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for a late banner (the scanner passes 10)")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--no-timing", action="store_true")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
