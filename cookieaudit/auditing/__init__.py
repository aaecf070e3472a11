"""The audit: what a site does (a ScanResult) against what it says (a Declaration).

Browser-free; imports no Playwright. The package is named ``auditing`` rather than ``audit``
so that the public function ``cookieaudit.audit(...)`` is not shadowed by a submodule of
the same name when the package is imported.
"""

from __future__ import annotations

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

__all__ = [
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
]
