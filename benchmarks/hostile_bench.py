"""Time and peak memory of scanning the hostile site (tests/sites/hostile.py).

Serves the hostile site from a child process and scans it twice, as the test suite does —
the pages that are slow by design (endless load, never-quiet network, pop-up and dialog
storms, a page that allocates without limit, hangs, an iframe bomb, ...) with a tight
per-page timeout, and the heavy pages (3,000 cookies, 20 MB, 20,000 links, ...) with a
generous one — but with the scanner's own defaults otherwise (its V8 heap cap, not the
test's smaller one). For each scan it prints the wall time, the slowest page, and the peak
RSS and PSS summed over this process and its descendants (Playwright's driver and every
Chromium process), sampled from /proc every 0.1 s; and the last page finished before the
peak (the peak fell during the page after it).

Run: ``python benchmarks/hostile_bench.py [--runs 1] [--slow-timeout 3] [--heavy-timeout 20]``.
Linux only (/proc).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from scan_bench import _memory_kib  # noqa: E402  (the same /proc sampler as the scan benchmark)


def _serve(connection) -> None:
    """Child process: serve the hostile site until told to stop; send back its browser args."""
    from tests.sites import hostile
    from tests.testweb import TestWeb

    with TestWeb() as web:
        site = hostile.install(web)
        connection.send((web.browser_args, site.slow_start, site.heavy_start))
        connection.recv()


class Sampler(threading.Thread):
    """Peak (RSS, PSS) of this process tree, and the page being visited at the peak."""

    def __init__(self, excluded: set[int]):
        super().__init__(daemon=True)
        self.excluded = excluded
        self.peak = (0, 0)
        self.peak_page = ""
        self.page = ""
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.1):
            rss, pss = _memory_kib(os.getpid(), self.excluded)
            if pss > self.peak[1]:
                self.peak, self.peak_page = (max(rss, self.peak[0]), pss), self.page
            elif rss > self.peak[0]:
                self.peak = (rss, self.peak[1])

    def stop(self) -> None:
        self._halt.set()
        self.join()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--slow-timeout", type=float, default=3.0)
    parser.add_argument("--heavy-timeout", type=float, default=20.0)
    args = parser.parse_args(argv)

    from cookieaudit.scanner import scan
    from tests.sites import hostile

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(theirs,), daemon=True)
    server.start()
    browser_args, slow_start, heavy_start = ours.recv()
    print(f"{'scan':<8}{'pages':>6}{'seconds':>9}{'slowest page':>24}{'peak RSS MiB':>14}{'peak PSS MiB':>14}  peak after page")
    try:
        for _ in range(args.runs):
            for name, start, cases, timeout in (("slow", slow_start, hostile.SLOW_CASES, args.slow_timeout),
                                                ("heavy", heavy_start, hostile.HEAVY_CASES, args.heavy_timeout)):
                sampler = Sampler({server.pid})
                sampler.start()

                def progress(**event) -> None:
                    sampler.page = event["url"].rsplit("/", 1)[-1]

                began = time.monotonic()
                result = scan(start, consent="none", pages=len(cases) + 1, timeout=timeout, quiet_window=0.2,
                              insecure=True, browser_args=browser_args, progress=progress)
                seconds = time.monotonic() - began
                sampler.stop()
                slowest = max(result.pages, key=lambda page: page.duration_ms or 0)
                rss, pss = sampler.peak
                print(f"{name:<8}{len(result.pages):>6}{seconds:>9.0f}"
                      f"{slowest.url.rsplit('/', 1)[-1] + f' {(slowest.duration_ms or 0) / 1000:.0f} s':>24}"
                      f"{rss / 1024:>14.0f}{pss / 1024:>14.0f}  {sampler.peak_page}")
    finally:
        ours.send("stop")
        server.join(10)


if __name__ == "__main__":
    main()
