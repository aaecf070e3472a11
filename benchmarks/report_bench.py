"""Report rendering speed and size for a large audited result.

Builds a result the size of a big municipal scan — 500 pages per phase, 3 phases, 200 cookies per
phase, 60 request domains per phase, 400 findings — from the fixed test result
(tests/reports/sample.py), and prints for each format the median render time of several runs
and the size of the output.

Run: ``python benchmarks/report_bench.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookieaudit.reports import render  # noqa: E402
from cookieaudit.reports.declaration import render_declaration  # noqa: E402
from cookieaudit.reports.view import prepare  # noqa: E402
from tests.reports.sample import PHASES, SITE, sample_result  # noqa: E402


def big_result(folder: Path):
    result = sample_result(folder)
    pages, cookies, groups, findings = [], [], [], []
    for phase in PHASES:
        page = next(p for p in result.pages if p.phase == phase)
        pages += [page.model_copy(update={"url": f"{SITE}pagina/{i}", "final_url": f"{SITE}pagina/{i}"}) for i in range(500)]
        cookie = next(c for c in result.cookies if c.phase == phase and c.name == "sessie")
        cookies += [cookie.model_copy(update={"name": f"cookie_{i}", "purpose": ("functional", "analytic", "marketing")[i % 3],
                                              "party": ("first", "third")[i % 2]}) for i in range(200)]
        group = next((g for g in result.requests if g.phase == phase), None) or next(iter(result.requests))
        groups += [group.model_copy(update={"domain": f"tracker{i}.example", "phase": phase}) for i in range(60)]
    template = result.findings[0]
    findings = [template.model_copy(update={"id": f"finding-{i}", "cookies": [f"cookie_{i % 200}"],
                                            "phase": PHASES[i % 3]}) for i in range(400)]
    return result.model_copy(update={"pages": pages, "cookies": cookies, "requests": groups, "findings": findings})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = big_result(Path(folder))
        print(f"result: {len(result.pages)} pages, {len(result.cookies)} cookies, {len(result.requests)} request groups, "
              f"{len(result.findings)} findings; median of {args.runs} runs")
        render(result, "html", base_dir=folder)  # templates compiled, rule set loaded: not timed
        jobs = {fmt: (lambda fmt=fmt: render(result, fmt, base_dir=folder)) for fmt in ("table", "markdown", "junit", "sarif", "html")}
        jobs["declaration (csv)"] = lambda: render_declaration(prepare(result), "csv")
        print(f"{'format':<20}{'median':>10}{'size':>12}")
        for name, job in jobs.items():
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                text = job()
                times.append(time.perf_counter() - start)
            print(f"{name:<20}{statistics.median(times) * 1000:>8.0f} ms{len(text.encode()) / 1024:>9.0f} KiB")


if __name__ == "__main__":
    main()
