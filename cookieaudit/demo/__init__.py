"""A built-in demo: a small Dutch municipal site (Gemeente Demodorp), served locally, audited.

``run_demo(output_dir)`` starts the site on 127.0.0.1 (HTTPS, realistic host names through
``--host-resolver-rules``, no network), scans it in three consent phases, reads its statement
(an HTML privacy statement and a PDF appendix, shipped here and copied to the output folder),
audits, and writes ``result.json`` there. The site has a custom Dutch banner whose refusal is
only on its second layer, analytics that runs without consent (claimed privacy-friendly),
an advertising pixel that ignores the choice, a YouTube iframe and a survey tool loaded only
after consent, and cookies the statement declares wrongly or not at all: the demo shows every
common finding at once, and doubles as the end-to-end test fixture.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable, Optional

from .._aio import run_sync
from ..errors import InputError

__all__ = ["DEMO_SITE", "DemoRun", "run_demo", "run_demo_async"]

DEMO_SITE = "https://www.demodorp.nl/"
DEFAULT_OUTPUT_DIR = "cookieaudit-demo"
STATEMENT_FILES = ("privacyverklaring.html", "cookieverklaring.pdf")
RESULT_NAME = "result.json"


@dataclass
class DemoRun:
    """What the demo produced: the pipeline's outcome and where it wrote things."""

    outcome: object  # cookieaudit.run.RunOutcome
    output_dir: Path
    result_path: Optional[Path]


def _prepare_output(output_dir: Path) -> list[str]:
    """Create the output folder and copy the statement into it; the statement paths."""
    try:
        (output_dir / "statement").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {output_dir}: {exc.strerror or exc}") from None
    sources = []
    package = resources.files("cookieaudit.demo").joinpath("site", "statement")
    for name in STATEMENT_FILES:
        target = output_dir / "statement" / name
        try:
            with resources.as_file(package.joinpath(name)) as source:
                shutil.copyfile(source, target)
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
        sources.append(str(target))
    return sources


async def run_demo_async(output_dir: str | Path = DEFAULT_OUTPUT_DIR, *, lang: Optional[str] = None,
                         fail_on: str = "error", progress: Optional[Callable[..., None]] = None,
                         browser_path: Optional[str] = None, handle_signals: bool = False) -> DemoRun:
    """Serve the demo site, scan and audit it, write ``result.json`` into ``output_dir``."""
    from ..options import ScanOptions
    from ..run import AuditSettings, StatementSpec, scan_and_audit_async
    from .server import DemoServer

    output_dir = Path(output_dir)
    sources = _prepare_output(output_dir)
    with DemoServer() as server:
        options = ScanOptions(pages=10, consent="all", insecure=True, browser_args=tuple(server.browser_args),
                              browser_path=browser_path, output_dir=str(output_dir), timeout=30)
        settings = AuditSettings(statement=StatementSpec("sources", tuple(sources)), fail_on=fail_on, lang=lang,
                                 enforced=True)
        outcome = await scan_and_audit_async(server.site, options, settings, progress=progress,
                                             handle_signals=handle_signals)
    result_path = None
    if outcome.result is not None:
        result_path = output_dir / RESULT_NAME
        try:
            result_path.write_text(outcome.result.to_json(), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {result_path}: {exc.strerror or exc}") from None
    return DemoRun(outcome, output_dir, result_path)


def run_demo(output_dir: str | Path = DEFAULT_OUTPUT_DIR, **options) -> DemoRun:
    """Synchronous :func:`run_demo_async`."""
    return run_sync(lambda: run_demo_async(output_dir, **options))
