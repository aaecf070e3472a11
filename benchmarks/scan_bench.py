"""Scan speed against a bare Playwright loop, tabs, and memory over a long scan.

Serves the bench site (tests/sites/benchsite.py: realistic latency, trackers, slow widgets)
from a local test web in a child process, then times whole processes, each started afresh
(Python, Playwright's driver and Chromium start included), interleaved run by run so drift of
the shared machine hits every variant alike, and prints medians of ``--runs`` runs:

- ``bare``: benchmarks/bare_loop.py, a sequential Playwright loop over the site's pages in
  crawl order (``goto`` to ``load``, then ``networkidle``), recording nothing;
- ``scan``: ``cookieaudit scan URL --pages N --consent none --format json -o F -q`` with the
  defaults (plus ``--insecure`` and the test web's ``--host-resolver-rules``), and its time as a
  fraction of the bare loop's (aim on 20 pages: at most 0.7);
- ``scan cN``: the same with ``--concurrency N`` (``--tabs``, default 1 2 4): pages per second;
- with ``--matrix``: ``--concurrency`` 1-4 with one phase and with the three consent phases,
  to choose the default;
- with ``--wec CMD``: the EDPS Website Evidence Collector over the same site (see ``wec_command``).

Every scan's JSON is checked: the pages the site plans, in order, and every cookie it sets;
a fast scan that misses something is reported as a failure, not a figure.
``--memory`` adds peak memory over a ``--memory-pages`` page scan (default 500): RSS and PSS
summed over this Python process and its descendants (Playwright's driver, every Chromium
process), sampled from /proc, for pages 1-100, 101-250 and 251-500.

Run: ``python benchmarks/scan_bench.py [--pages 20 50] [--runs 3] [--tabs 1 2 4] [--matrix]
[--latency 0.03] [--wec CMD] [--memory] [--memory-pages 500]``. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BARE_LOOP = Path(__file__).resolve().parent / "bare_loop.py"


# ----------------------------------------------------------------------------------------------
# The site, served from a child process so its threads do not share this process's GIL or RSS
# ----------------------------------------------------------------------------------------------
def _serve(pages: int, latency: float, connection) -> None:
    """Child process: serve the bench site until told to stop; send back its browser args and plan."""
    from tests.sites import benchsite
    from tests.testweb import TestWeb

    web = TestWeb().start()
    site = benchsite.install(web, pages=pages, latency=latency)
    connection.send((web.browser_args, site.start_url, site.page_urls, site.cookie_names, web.port))
    connection.recv()  # any message: stop
    web.stop()


class BenchServer:
    """The bench site in a child process: ``browser_args``, ``start_url``, ``page_urls``, ``cookie_names``."""

    def __init__(self, pages: int, latency: float):
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(pages, latency, child), daemon=True)
        self.process.start()
        self.browser_args, self.start_url, self.page_urls, self.cookie_names, self.port = self._connection.recv()

    def stop(self) -> None:
        """Stop the child process."""
        self._connection.send("stop")
        self.process.join(10)


# ----------------------------------------------------------------------------------------------
# What is timed: whole processes
# ----------------------------------------------------------------------------------------------
class Variant:
    """One command line to time, and how to check what it produced."""

    def __init__(self, name: str, argv: list[str], pages: int, output: str | None = None,
                 check=None, env: dict | None = None):
        self.name, self.argv, self.pages, self.output, self.check, self.env = name, argv, pages, output, check, env
        self.seconds: list[float] = []

    def run(self) -> float:
        """Run once; returns wall seconds. Raises SystemExit when the output is wrong."""
        started = time.perf_counter()
        done = subprocess.run(self.argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, **(self.env or {})})
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"{self.name} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
        if self.check is not None:
            self.check(self)
        self.seconds.append(elapsed)
        return elapsed

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def pages_per_second(self) -> float:
        return statistics.median(self.pages / s for s in self.seconds)


def scan_variant(server: BenchServer, name: str, pages: int, workdir: str, extra: list[str] = (),
                 consent: str = "none") -> Variant:
    """``cookieaudit scan`` as a user runs it, with ``extra`` options."""
    output = str(Path(workdir) / f"{name.replace(' ', '_')}.json")
    argv = [sys.executable, "-m", "cookieaudit", "scan", server.start_url, "--pages", str(pages),
            "--consent", consent, "--format", "json", "-o", output, "-q", "--insecure",
            "--browser-arg", server.browser_args[0], *extra]
    phases = 3 if consent == "all" else 1
    return Variant(name, argv, pages * phases, output, check=_scan_check(server, pages))


def _scan_check(server: BenchServer, pages: int):
    expected_pages = server.page_urls[:pages]

    def check(variant: Variant) -> None:
        result = json.loads(Path(variant.output).read_text(encoding="utf-8"))
        for phase in dict.fromkeys(page["phase"] for page in result["pages"]):
            visited = [page["url"] for page in result["pages"] if page["phase"] == phase]
            if visited != expected_pages:
                raise SystemExit(f"{variant.name}: {phase} visited other pages than the site plans: {visited[:4]}...")
        found = {cookie["name"] for cookie in result["cookies"] if cookie["phase"] == "before_consent" or
                 result["options"]["consent"] != "all"}
        missing = set(server.cookie_names) - found
        if missing:
            raise SystemExit(f"{variant.name}: cookies missing from the result: {sorted(missing)}")
    return check


def bare_variant(server: BenchServer, pages: int) -> Variant:
    argv = [sys.executable, str(BARE_LOOP), "--insecure", "--browser-arg", server.browser_args[0],
            *server.page_urls[:pages]]
    return Variant("bare", argv, pages)


def wec_command(template: str, server: BenchServer, pages: int, workdir: str) -> list[str]:
    """The Website Evidence Collector's command line from ``--wec``: ``{url}``, ``{pages}``,
    ``{out}``, ``{resolver}`` (the --host-resolver-rules switch) and ``{browse_urls}`` (the
    site's other pages, for WEC's ``--browse-link``) are filled in."""
    out = str(Path(workdir) / "wec")
    browse = " ".join(f"--browse-link {shlex.quote(url)}" for url in server.page_urls[1:pages])
    text = template.format(url=shlex.quote(server.start_url), pages=pages, out=shlex.quote(out),
                           resolver=shlex.quote(server.browser_args[0]), browse_urls=browse)
    return shlex.split(text)


def measure(variants: list[Variant], runs: int) -> None:
    """Run every variant ``runs`` times, interleaved."""
    for run in range(runs):
        for variant in variants:
            seconds = variant.run()
            print(f"  run {run + 1} {variant.name}: {seconds:.2f} s", file=sys.stderr, flush=True)


def speed(args) -> None:
    """Defaults against the bare loop, and pages per second per tab count, per site size."""
    for pages in args.pages:
        server = BenchServer(pages, args.latency)
        try:
            with tempfile.TemporaryDirectory(prefix="scan-bench-") as workdir:
                bare = bare_variant(server, pages)
                variants = [bare, scan_variant(server, "scan", pages, workdir)]
                variants += [scan_variant(server, f"scan c{tabs}", pages, workdir, ["--concurrency", str(tabs)])
                             for tabs in args.tabs]
                if args.wec:
                    variants.append(Variant("wec", wec_command(args.wec, server, pages, workdir), pages))
                measure(variants, args.runs)
        finally:
            server.stop()
        print(f"\n{pages}-page site, latency {args.latency * 1000:.0f} ms, whole processes, medians of {args.runs} runs")
        print(f"{'command':<12}{'seconds':>10}{'pages/s':>10}{'x bare':>10}")
        for variant in variants:
            print(f"{variant.name:<12}{variant.median:>10.2f}{variant.pages_per_second:>10.2f}"
                  f"{variant.median / bare.median:>10.2f}")
        print(f"scan (defaults) / bare loop: {variants[1].median / bare.median:.2f}  (aim <= 0.70)")


def matrix(args) -> None:
    """--concurrency 1-4 with one phase and with three: the data behind the default."""
    pages = args.pages[0]
    server = BenchServer(pages, args.latency)
    try:
        with tempfile.TemporaryDirectory(prefix="scan-bench-") as workdir:
            variants = [scan_variant(server, f"{consent} c{tabs}", pages, workdir, ["--concurrency", str(tabs)],
                                     consent=consent)
                        for consent in ("none", "all") for tabs in (1, 2, 3, 4)]
            measure(variants, args.runs)
    finally:
        server.stop()
    print(f"\n--concurrency per phase, {pages}-page site, whole processes, medians of {args.runs} runs")
    print(f"{'phases':<8}{'tabs':>6}{'seconds':>10}{'pages/s':>10}")
    for variant in variants:
        consent, tabs = variant.name.split()
        print(f"{'1' if consent == 'none' else '3':<8}{tabs[1:]:>6}{variant.median:>10.2f}{variant.pages_per_second:>10.2f}")


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
def scan_once(server: BenchServer, pages: int, concurrency: int, progress=None) -> tuple[float, int]:
    """Run ``cookieaudit.scan`` in this process (for the memory sampler); returns (seconds, pages)."""
    import cookieaudit

    started = time.perf_counter()
    result = cookieaudit.scan(server.start_url, pages=pages, concurrency=concurrency, consent="none",
                              browser_args=server.browser_args, insecure=True, progress=progress)
    return time.perf_counter() - started, len(result.pages)


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
    parser.add_argument("--pages", type=int, nargs="+", default=[20, 50], help="site sizes (pages visited)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tabs", type=int, nargs="*", default=[1, 2, 4], help="--concurrency values timed")
    parser.add_argument("--latency", type=float, default=0.03, help="seconds per response (HTML and assets)")
    parser.add_argument("--matrix", action="store_true", help="also time --concurrency 1-4 with one and three phases")
    parser.add_argument("--wec", metavar="CMD", help="also time this Website Evidence Collector command (see wec_command)")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--memory", action="store_true", help="also measure memory over a long scan")
    parser.add_argument("--memory-pages", type=int, default=500)
    parser.add_argument("--memory-concurrency", type=int, default=None, help="default: the scan default")
    args = parser.parse_args(argv)
    if not args.skip_speed:
        speed(args)
    if args.matrix:
        matrix(args)
    if args.memory:
        if args.memory_concurrency is None:
            from cookieaudit.options import ScanOptions

            args.memory_concurrency = ScanOptions().concurrency
        memory(args)


if __name__ == "__main__":
    main()
