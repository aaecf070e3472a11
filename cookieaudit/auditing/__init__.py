"""The audit: what a site does (a ScanResult) against what it says (a Declaration).

    >>> from cookieaudit import audit
    >>> result = audit(scan_result, declaration)             # doctest: +SKIP
    >>> [(f.severity, f.kind, f.cookies) for f in result.findings]   # doctest: +SKIP

Browser-free; imports no Playwright. One job per module: ``observed`` (the scan indexed),
``matching`` (which declaration covers a cookie or host), ``families`` (stable ids),
``lifetimes`` (tolerance), ``checks/`` (the finding makers by theme), ``messages`` and
``messages.yaml`` (NL/EN texts), ``knowledge.yaml`` (banner and analytics signals),
``allow``, ``baseline``, ``compare``, ``results`` (reading saved files), ``engine``
(:func:`audit`), ``model`` (the result contract) and ``schema`` (its JSON Schemas).

The package is named ``auditing`` rather than ``audit`` so that the public function
``cookieaudit.audit(...)`` is not shadowed by a submodule of the same name.
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
