"""Scan speed against a bare Playwright loop, and memory over a long scan.

Serves the bench site (tests/sites/benchsite.py: realistic latency, trackers, slow widgets)
from a local test web in a child process, then prints, as medians of ``--runs`` runs
interleaved in one session:

- pages/second of ``cookieaudit.scan`` with one phase (``consent="none"``) at
  ``concurrency=1`` and ``concurrency=2``;
- pages/second of a bare Playwright loop over the same pages in the same order, with the same
  browser set-up (``cookieaudit.scanner.browser.launch``) and the same settle policy
  (``load``, scroll to the bottom, then ``NetworkActivity.settle``: no request started or ended
  for the quiet window), recording nothing, at concurrency 1 and 2;
- the time ratio scan/bare at concurrency 1 (aim: at most 1.25) and scan at concurrency 2
  against the bare loop at 1 (aim: faster);
- peak memory over a ``--memory-pages`` page scan (default 500): RSS and PSS summed over this
  Python process and its descendants (Playwright's driver, every Chromium process), sampled
  from /proc, reported for pages 1-100, 101-250 and 251-500 to show it stays flat.

Both loops include browser start and shutdown in their time (a scan is one call).
Run: ``python benchmarks/scan_bench.py [--pages 50] [--runs 3] [--latency 0.03]
[--memory-pages 500] [--memory-concurrency 2] [--skip-memory]``. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# ----------------------------------------------------------------------------------------------
# The site, served from a child process so its threads do not share this process's GIL or RSS
# ----------------------------------------------------------------------------------------------
def _serve(pages: int, latency: float, connection) -> None:
    """Child process: serve the bench site until told to stop; send back its browser args and plan."""
    from tests.sites import benchsite
    from tests.testweb import TestWeb

    web = TestWeb().start()
    site = benchsite.install(web, pages=pages, latency=latency)
    connection.send((web.browser_args, site.start_url, site.page_urls))
    connection.recv()  # any message: stop
    web.stop()


class BenchServer:
    """The bench site in a child process: ``browser_args``, ``start_url``, ``page_urls``."""

    def __init__(self, pages: int, latency: float):
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(pages, latency, child), daemon=True)
        self.process.start()
        self.browser_args, self.start_url, self.page_urls = self._connection.recv()

    def stop(self) -> None:
        """Stop the child process."""
        self._connection.send("stop")
        self.process.join(10)


# ----------------------------------------------------------------------------------------------
# The two things measured
# ----------------------------------------------------------------------------------------------
def scan_once(server: BenchServer, pages: int, concurrency: int, progress=None) -> tuple[float, int]:
    """Run ``cookieaudit.scan`` over the site; returns (seconds, pages visited)."""
    import cookieaudit

    started = time.perf_counter()
    result = cookieaudit.scan(server.start_url, pages=pages, concurrency=concurrency, consent="none",
                              browser_args=server.browser_args, insecure=True, progress=progress)
    elapsed = time.perf_counter() - started
    visited = [page.url for page in result.pages]
    if visited != server.page_urls[:pages]:
        raise SystemExit(f"scan visited other pages than the bench site plans: {visited[:5]}...")
    return elapsed, len(visited)


async def _bare_loop(server: BenchServer, urls: list[str], concurrency: int) -> None:
    """Visit ``urls`` in ``concurrency`` tabs with the scanner's browser set-up and settle policy."""
    from playwright.async_api import async_playwright

    from cookieaudit.scanner.api import make_options
    from cookieaudit.scanner.browser import launch
    from cookieaudit.scanner.settle import SCROLL_JS, NetworkActivity

    options = make_options(browser_args=server.browser_args, insecure=True, consent="none")
    async with async_playwright() as playwright:
        browser = await launch(playwright, options)
        try:
            activity = NetworkActivity()
            activity.attach(browser.context)
            tabs = list(browser.context.pages[:1])
            while len(tabs) < concurrency:
                tabs.append(await browser.context.new_page())
            queue = list(urls)

            async def visit(tab, url: str) -> None:
                deadline = time.monotonic() + options.timeout
                await tab.goto(url, wait_until="load", timeout=options.timeout * 1000)
                await tab.evaluate(SCROLL_JS)
                activity.touch(tab)
                await activity.settle(tab, options.quiet_window, deadline)

            async def worker(tab) -> None:
                while queue:
                    await visit(tab, queue.pop(0))

            await visit(tabs[0], queue.pop(0))  # the first page alone, as the scan does
            await asyncio.gather(*(worker(tab) for tab in tabs))
        finally:
            await browser.close()
            browser.remove_profile()


def bare_once(server: BenchServer, pages: int, concurrency: int) -> tuple[float, int]:
    """Run the bare loop over the first ``pages`` planned pages; returns (seconds, pages visited)."""
    urls = server.page_urls[:pages]
    started = time.perf_counter()
    asyncio.run(_bare_loop(server, urls, concurrency))
    return time.perf_counter() - started, len(urls)


# ----------------------------------------------------------------------------------------------
# Memory, sampled from /proc
# ----------------------------------------------------------------------------------------------
def _children_map() -> dict[int, list[int]]:
    """Parent pid -> child pids, for every process."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    return children


def _memory_kib(pid: int, excluded: set[int]) -> tuple[int, int]:
    """(RSS, PSS) in KiB summed over ``pid`` and its descendants, skipping ``excluded`` subtrees."""
    children = _children_map()
    rss = pss = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        if current in excluded:
            continue
        stack += children.get(current, [])
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


class MemorySampler(threading.Thread):
    """Samples this process tree's memory every ``interval`` s; peaks are kept per page window."""

    def __init__(self, windows: list[int], excluded: set[int], interval: float = 0.25):
        super().__init__(daemon=True)
        self.windows = windows
        self.excluded = excluded
        self.interval = interval
        self.pages_done = 0
        self.peaks = {limit: (0, 0) for limit in windows}
        self._halt = threading.Event()

    def window(self) -> int:
        """The page window the scan is in now."""
        for limit in self.windows:
            if self.pages_done < limit:
                return limit
        return self.windows[-1]

    def run(self) -> None:
        while not self._halt.is_set():
            rss, pss = _memory_kib(os.getpid(), self.excluded)
            limit = self.window()
            old_rss, old_pss = self.peaks[limit]
            self.peaks[limit] = (max(old_rss, rss), max(old_pss, pss))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        """Stop sampling."""
        self._halt.set()
        self.join()


# ----------------------------------------------------------------------------------------------
def _median_rate(samples: list[tuple[float, int]]) -> tuple[float, float]:
    """(median seconds, median pages/second) of (seconds, pages) samples."""
    seconds = statistics.median(s for s, _ in samples)
    rate = statistics.median(n / s for s, n in samples)
    return seconds, rate


def speed(args) -> None:
    """Print pages/second for scan and bare loop at concurrency 1 and 2 (medians)."""
    server = BenchServer(args.pages, args.latency)
    try:
        runs: dict[str, list[tuple[float, int]]] = {"scan c1": [], "bare c1": [], "scan c2": [], "bare c2": []}
        for run in range(args.runs):
            for name in runs:  # interleaved, so drift of the shared machine hits both alike
                kind, concurrency = name.split()
                measure = scan_once if kind == "scan" else bare_once
                runs[name].append(measure(server, args.pages, int(concurrency[1:])))
                print(f"  run {run + 1} {name}: {runs[name][-1][0]:.2f} s", file=sys.stderr, flush=True)
    finally:
        server.stop()
    print(f"\nSpeed: {args.pages} pages, latency {args.latency * 1000:.0f} ms, medians of {args.runs} runs")
    print(f"{'loop':<10}{'seconds':>10}{'pages/s':>10}")
    medians = {name: _median_rate(samples) for name, samples in runs.items()}
    for name, (seconds, rate) in medians.items():
        print(f"{name:<10}{seconds:>10.2f}{rate:>10.2f}")
    print(f"scan c1 / bare c1 time ratio: {medians['scan c1'][0] / medians['bare c1'][0]:.2f}  (aim <= 1.25)")
    print(f"scan c2 / bare c1 time ratio: {medians['scan c2'][0] / medians['bare c1'][0]:.2f}  (aim < 1.00)")


def memory(args) -> None:
    """Print peak RSS/PSS over a long scan, per page window."""
    server = BenchServer(args.memory_pages, args.latency)
    windows = [limit for limit in (100, 250, 500, 1000, 2500) if limit < args.memory_pages] + [args.memory_pages]
    sampler = MemorySampler(windows, excluded={server.process.pid})
    sampler.start()

    def progress(**event) -> None:
        sampler.pages_done = event.get("done", sampler.pages_done)

    try:
        seconds, visited = scan_once(server, args.memory_pages, args.memory_concurrency, progress)
    finally:
        sampler.stop()
        server.stop()
    print(f"\nMemory: {visited} pages at concurrency {args.memory_concurrency} in {seconds:.0f} s "
          f"(Python + driver + Chromium processes)")
    print(f"{'pages':<12}{'peak RSS MiB':>14}{'peak PSS MiB':>14}")
    lower = 1
    for limit in windows:
        rss, pss = sampler.peaks[limit]
        print(f"{f'{lower}-{limit}':<12}{rss / 1024:>14.0f}{pss / 1024:>14.0f}")
        lower = limit + 1


def main(argv=None) -> None:
    """Parse arguments and run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.03, help="seconds per response (HTML and assets)")
    parser.add_argument("--memory-pages", type=int, default=500)
    parser.add_argument("--memory-concurrency", type=int, default=2)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_speed:
        speed(args)
    if not args.skip_memory:
        memory(args)


if __name__ == "__main__":
    main()
