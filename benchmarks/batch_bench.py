"""Batch throughput and memory: ``cookieaudit batch`` over many local sites.

Serves ``--sites`` small municipal sites (tests/sites/batchsites.py: 5 pages each, 30 ms per
response, analytics, a cookie bar on every other site) from a local test web in a child
process, then runs the whole command (``python -m cookieaudit batch``, defaults otherwise:
three consent phases, statement discovery when this build's scan has it) and prints, as
medians of ``--runs`` runs interleaved:

- wall time and sites per minute with ``--workers 1``, ``--workers 2`` and on a 2-worker Dask
  ``LocalCluster`` (``--dask local --workers 2``; skipped without the ``dask`` extra);
- the speed-up of 2 workers over 1;
- CPU use: CPU-seconds of the batch and every process it started (children's rusage, so
  processes that were reaped: scans, drivers, browsers), and that as a share of the cores over
  the wall time (100 % = every core busy for the whole batch);
- peak memory of the whole batch: RSS and PSS summed over the batch process, its children
  (each site's scan, its Playwright driver, Dask's worker processes) and every Chromium of a
  site (found by the unit's environment token), sampled from /proc every 0.5 s.

With ``--memory-sites N`` (e.g. 50) it also runs one ``--workers 2`` batch over N sites and
prints the peak PSS over sites 1-10, 11-25 and 26-N, and the batch process's own RSS at the
start and the end, to show that memory stays flat over a long batch.

Run: ``python benchmarks/batch_bench.py [--sites 20] [--runs 3] [--memory-sites 50]
[--skip-dask]``. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
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

TOKEN = b"COOKIEAUDIT_BATCH_UNIT="


def _serve(count: int, pages: int, latency: float, connection) -> None:
    """Child process: serve the sites until told to stop; send back the browser args and start URLs."""
    from tests.sites import batchsites
    from tests.testweb import TestWeb

    web = TestWeb().start()
    urls = batchsites.install(web, count=count, pages=pages, latency=latency)
    connection.send((web.browser_args, urls))
    connection.recv()
    web.stop()


class Sites:
    """The sites in a child process (so the server does not share the batch's cores' GIL or memory)."""

    def __init__(self, count: int, pages: int, latency: float):
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(count, pages, latency, child), daemon=True)
        self.process.start()
        self.browser_args, self.urls = self._connection.recv()

    def stop(self) -> None:
        self._connection.send("stop")
        self.process.join(10)


class MemorySampler:
    """Peak RSS/PSS of a process tree plus every process carrying a unit token, every 0.5 s."""

    def __init__(self, root_pid: int, progress=None):
        self.root_pid = root_pid
        self.progress = progress or (lambda: 0)
        self.samples: list[tuple[int, int, int]] = []  # (sites done, rss, pss)
        self.own_rss: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = self._pids()
            rss = pss = 0
            for pid in pids:
                rss_kb, pss_kb = _memory(pid)
                rss += rss_kb
                pss += pss_kb
            self.samples.append((self.progress(), rss * 1024, pss * 1024))
            self.own_rss.append(_memory(self.root_pid)[0] * 1024)
            self._stop.wait(0.5)

    def _pids(self) -> set[int]:
        parents: dict[int, int] = {}
        tokened: set[int] = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if TOKEN in (entry / "environ").read_bytes():
                    tokened.add(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
        tree = {self.root_pid}
        changed = True
        while changed:
            changed = False
            for pid, parent in parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        return tree | tokened

    @property
    def peak_rss(self) -> int:
        return max((s[1] for s in self.samples), default=0)

    @property
    def peak_pss(self) -> int:
        return max((s[2] for s in self.samples), default=0)


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB of one process, 0 when it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("Rss:", "Pss:"):
            values[parts[0]] = int(parts[1])
    return values.get("Rss:", 0), values.get("Pss:", 0)


def run_batch(sites: Sites, urls: list[str], mode: list[str], workdir: Path) -> dict:
    """One ``cookieaudit batch`` run; wall time, peak memory, and its rows' statuses."""
    listing = workdir / "sites.txt"
    listing.write_text("".join(url + "\n" for url in urls), encoding="utf-8")
    out = workdir / "out"
    command = [sys.executable, "-m", "cookieaudit", "batch", str(listing), "--output-dir", str(out), "-q",
               "--insecure", "--browser-arg", sites.browser_args[0], *mode]
    started = time.perf_counter()
    cpu_before = _children_cpu()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def done() -> int:
        return len(list((out / "sites").glob("*/site.json"))) if (out / "sites").is_dir() else 0

    with MemorySampler(process.pid, done) as sampler:
        _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if process.returncode not in (0, 1, 3):
        raise SystemExit(f"batch failed ({process.returncode}): {stderr[-2000:]}")
    import csv

    with open(out / "summary.csv", newline="", encoding="utf-8") as handle:
        statuses = [row["status"] for row in csv.DictReader(handle)]
    return {"seconds": seconds, "cpu": cpu, "utilisation": cpu / (seconds * _cores()), "rss": sampler.peak_rss, "pss": sampler.peak_pss, "ok": statuses.count("ok"),
            "sites": len(statuses), "sampler": sampler}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _mib(value: float) -> str:
    return f"{value / 1024 / 1024:,.0f} MiB"


def _print_medians(args, results: dict) -> None:
    print(f"\nmedians of {args.runs} interleaved runs (load average now {os.getloadavg()[0]:.1f}):")
    print("| runner | wall time | sites/minute | CPU-seconds | CPU use (of the cores) | peak RSS | peak PSS |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    medians = {}
    for name, outcomes in results.items():
        seconds = statistics.median(o["seconds"] for o in outcomes)
        medians[name] = seconds
        print(f"| `{name}` | {seconds:.1f} s | {args.sites * 60 / seconds:.1f} | "
              f"{statistics.median(o['cpu'] for o in outcomes):.0f} | "
              f"{statistics.median(o['utilisation'] for o in outcomes):.0%} | "
              f"{_mib(statistics.median(o['rss'] for o in outcomes))} | {_mib(statistics.median(o['pss'] for o in outcomes))} |")
    print(f"\nspeed-up of 2 workers over 1: {medians['--workers 1'] / medians['--workers 2']:.2f}x")
    if "--dask local --workers 2" in medians:
        print(f"LocalCluster / --workers 2 wall time: {medians['--dask local --workers 2'] / medians['--workers 2']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.03)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-sites", type=int, default=0, help="also a memory run over this many sites (e.g. 50)")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--memory-only", action="store_true", help="only the memory run (needs --memory-sites)")
    args = parser.parse_args()
    if not Path("/proc/self/smaps_rollup").exists():
        raise SystemExit("batch_bench needs Linux /proc")

    modes = {"--workers 1": ["--workers", "1"], "--workers 2": ["--workers", "2"]}
    if not args.skip_dask:
        try:
            import distributed  # noqa: F401

            modes["--dask local --workers 2"] = ["--dask", "local", "--workers", "2"]
        except ImportError:
            print("Dask not installed: the LocalCluster row is skipped (pip install 'cookieaudit[dask]')")
    total = max(args.sites, args.memory_sites)
    sites = Sites(total, args.pages, args.latency)
    print(f"{args.sites} sites x {args.pages} pages, three consent phases, {args.latency * 1000:.0f} ms per response; "
          f"{os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.1f}")
    results: dict[str, list[dict]] = {name: [] for name in modes}
    if args.memory_only:
        args.runs = 0
    try:
        for run in range(args.runs):
            for name, mode in modes.items():
                with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
                    outcome = run_batch(sites, sites.urls[:args.sites], mode, Path(tmp))
                results[name].append(outcome)
                print(f"  run {run + 1} {name}: {outcome['seconds']:.1f} s, {outcome['ok']}/{outcome['sites']} ok, "
                      f"CPU {outcome['cpu']:.0f} s ({outcome['utilisation']:.0%} of {_cores()} cores), "
                      f"peak RSS {_mib(outcome['rss'])}, PSS {_mib(outcome['pss'])}", flush=True)
        if args.runs:
            _print_medians(args, results)
        if args.memory_sites:
            with tempfile.TemporaryDirectory(prefix="batch-bench-memory-") as tmp:
                outcome = run_batch(sites, sites.urls[:args.memory_sites], ["--workers", "2"], Path(tmp))
            sampler = outcome["sampler"]
            n = args.memory_sites
            print(f"\nmemory over {n} sites with --workers 2 ({outcome['seconds']:.0f} s, {outcome['ok']}/{n} ok), peak while sites ... were running:")
            for low, high in ((0, 10), (10, 25), (25, n)):
                window = [s for s in sampler.samples if low <= s[0] < high]
                if window:
                    print(f"  sites {low + 1}-{high}: PSS {_mib(max(s[2] for s in window))}, "
                          f"RSS {_mib(max(s[1] for s in window))}")
            own = sampler.own_rss
            print(f"  the batch process itself: RSS {_mib(own[len(own) // 10])} early, {_mib(max(own[-len(own) // 10:]))} at the end")
    finally:
        sites.stop()


if __name__ == "__main__":
    main()
