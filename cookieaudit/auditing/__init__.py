"""The audit: what a site does (a ScanResult) against what it says (a Declaration).

Browser-free; imports no Playwright. The package is named ``auditing`` rather than ``audit``
so that the public function ``cookieaudit.audit(...)`` is not shadowed by a submodule of
the same name when the package is imported.
"""

from __future__ import annotations

from .baseline import apply_baseline, load_baseline, make_baseline
from .engine import FAIL_ON, audit, count_findings, fails
from .model import (
    FINDING_KINDS,
    SEVERITY_ORDER,
    AllowEntry,
    AuditedResult,
    AuditInfo,
    Baseline,
    BaselineEntry,
    Changes,
    Finding,
    FindingEvidence,
    FindingRef,
    ObservedItem,
    PhaseChanges,
    StatementQuote,
)
from .results import load_declaration, load_result

__all__ = [
    "FAIL_ON",
    "FINDING_KINDS",
    "SEVERITY_ORDER",
    "AllowEntry",
    "AuditedResult",
    "AuditInfo",
    "Baseline",
    "BaselineEntry",
    "Changes",
    "Finding",
    "FindingEvidence",
    "FindingRef",
    "ObservedItem",
    "PhaseChanges",
    "StatementQuote",
    "apply_baseline",
    "audit",
    "count_findings",
    "fails",
    "load_baseline",
    "load_declaration",
    "load_result",
    "make_baseline",
]
