"""The findings on a terminal: a plain, safe table (findings first) and the verdict line.

Kept small on purpose: ``cookieaudit/reports`` may replace :func:`print_findings` with a
richer renderer; commands call only this function.
"""

from __future__ import annotations

import click

from ..safety import terminal_safe
from ._output import print_table

__all__ = ["print_findings"]

MAX_NAMES = 4
PHASE_LABELS = {"before_consent": "before", "after_reject": "reject", "after_accept": "accept"}


def _names(finding) -> str:
    names = list(dict.fromkeys(finding.cookies + finding.storage + finding.hosts))
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (f" +{len(names) - MAX_NAMES}" if len(names) > MAX_NAMES else "")


def print_findings(result) -> None:
    """Every finding (severity, kind, phase, names, message) and the audit's verdict."""
    rows = []
    for finding in result.findings:
        severity = finding.severity + (" (baseline)" if finding.baselined else "")
        rows.append([severity, finding.kind, PHASE_LABELS.get(finding.phase or "", ""), _names(finding), finding.message])
    print_table("Findings", ["severity", "kind", "phase", "cookies / hosts", "message"], rows, max_cell=1000)
    if result.audit is not None and result.audit.verdict:
        click.echo(terminal_safe(result.audit.verdict))
