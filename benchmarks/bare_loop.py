"""The baseline of ``scan_bench.py``: a bare sequential Playwright loop that records nothing.

One Chromium (the same executable and quiet switches as the scanner), one context, one tab;
for each URL: ``goto`` until ``load``, then ``wait_for_load_state("networkidle")`` (no network
connection for 500 ms). Timed as a whole process by the caller, browser start included, like
the ``cookieaudit scan`` command it is compared with.

Run: ``python benchmarks/bare_loop.py [--browser-arg ARG]... [--insecure] URL...``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    """Visit the URLs one after the other; print how many loaded."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--browser-arg", action="append", default=[])
    parser.add_argument("--insecure", action="store_true")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from cookieaudit.browser_discovery import find_browser, standard_switches

    loaded = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_browser(), args=standard_switches(args.browser_arg))
        context = browser.new_context(ignore_https_errors=args.insecure)
        page = context.new_page()
        for url in args.urls:
            page.goto(url, wait_until="load", timeout=args.timeout * 1000)
            page.wait_for_load_state("networkidle", timeout=args.timeout * 1000)
            loaded += 1
        browser.close()
    print(loaded)
    return 0


if __name__ == "__main__":
    sys.exit(main())
