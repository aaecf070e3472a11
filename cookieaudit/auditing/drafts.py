"""Findings under construction: each check adds names, hosts and evidence to the draft of its id.

A draft is keyed by its id (kind + family + phase), so a check that meets the same family
again in the same phase adds to one finding instead of making a second: "one finding per
kind, family and phase, listing every name". Messages are rendered once all names are in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..statement.model import Evidence
from .families import finding_id
from .model import FINDING_KINDS, SEVERITY_ORDER, Finding, FindingEvidence, ObservedItem, StatementQuote
from .observed import PHASE_ORDER

__all__ = ["DEFAULT_SEVERITY", "Draft", "Drafts", "MAX_OBSERVED", "quote"]

DEFAULT_SEVERITY = {
    "undeclared-cookie": "error",
    "undeclared-third-party": "error",
    "unlisted-cookie-of-declared-service": "warning",
    "purpose-mismatch": "warning",
    "lifetime-exceeds-declared": "error",
    "declared-session-but-persistent": "error",
    "claim-violated": "error",
    "set-before-consent": "error",
    "set-after-reject": "error",
    "analytics-not-privacy-friendly": "warning",
    "no-reject-option": "error",
    "consent-not-verified": "warning",
    "reject-not-on-first-layer": "warning",
    "no-banner-but-tracking": "error",
    "statement-unreadable": "warning",
    "unknown-cookie": "info",
    "declared-not-found": "info",
    "baseline-entry-not-found": "info",
}
MAX_OBSERVED = 25  # observation records kept per finding; names are always all listed
_KIND_ORDER = {kind: position for position, kind in enumerate(FINDING_KINDS)}

Render = Callable[["Draft", str], str]


def quote(evidence: Evidence) -> StatementQuote:
    """A statement's evidence as a finding's quote."""
    return StatementQuote(text=evidence.text, source=evidence.source, section=evidence.section,
                          line=evidence.position.line if evidence.position else None)


@dataclass
class Draft:
    """A finding being assembled."""

    id: str
    kind: str
    severity: str
    family: Optional[str]
    phase: Optional[str]
    render: Render
    cookies: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    storage: list[str] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)
    observed: list[ObservedItem] = field(default_factory=list)
    observed_total: int = 0
    statement: list[StatementQuote] = field(default_factory=list)
    pages_visited: Optional[list[str]] = None
    details: dict[str, Any] = field(default_factory=dict)

    def add(self, *, cookie: Optional[str] = None, host: Optional[str] = None, storage: Optional[str] = None,
            vendor: Optional[str] = None, item: Optional[ObservedItem] = None) -> "Draft":
        """Add a name, host, storage key, vendor and/or one observation record (each listed once)."""
        for value, target in ((cookie, self.cookies), (host, self.hosts), (storage, self.storage), (vendor, self.vendors)):
            if value and value not in target:
                target.append(value)
        if item is not None:
            self.observed_total += 1
            if len(self.observed) < MAX_OBSERVED:
                self.observed.append(item)
        return self

    @property
    def wants_item(self) -> bool:
        """Whether another observation record would be kept (callers may skip building it)."""
        return len(self.observed) < MAX_OBSERVED

    def count_item(self) -> "Draft":
        """Count an observation record without keeping it."""
        self.observed_total += 1
        return self

    def cite(self, evidence: Optional[Evidence]) -> "Draft":
        """Quote the statement (once per text and source)."""
        if evidence is not None:
            quoted = quote(evidence)
            if all((q.text, q.source) != (quoted.text, quoted.source) for q in self.statement):
                self.statement.append(quoted)
        return self

    def finding(self, lang: str) -> Finding:
        details = dict(self.details)
        if self.observed_total > len(self.observed):
            details["observed_total"] = self.observed_total
        return Finding(
            id=self.id, kind=self.kind, severity=self.severity, phase=self.phase,
            cookies=list(self.cookies), hosts=list(self.hosts), storage=list(self.storage),
            message=self.render(self, lang),
            evidence=FindingEvidence(observed=self.observed, statement=self.statement,
                                     pages_visited=self.pages_visited, details=details),
            family=self.family, vendors=list(self.vendors),
        )


class Drafts:
    """All drafts of one audit, by id."""

    def __init__(self) -> None:
        self._by_id: dict[str, Draft] = {}

    def get(self, kind: str, render: Render, *, family: Optional[str] = None, phase: Optional[str] = None,
            severity: Optional[str] = None) -> Draft:
        """The draft for (kind, family, phase), made on first use."""
        key = finding_id(kind, family, phase)
        draft = self._by_id.get(key)
        if draft is None:
            draft = self._by_id[key] = Draft(key, kind, severity or DEFAULT_SEVERITY[kind], family, phase, render)
        return draft

    def __contains__(self, key: str) -> bool:
        return key in self._by_id

    def findings(self, lang: str) -> list[Finding]:
        """The findings, most severe first, then by kind (contract order), phase and id."""
        drafts = sorted(self._by_id.values(), key=lambda d: (
            SEVERITY_ORDER[d.severity], _KIND_ORDER[d.kind], PHASE_ORDER.get(d.phase or "", -1), d.id))
        return [draft.finding(lang) for draft in drafts]
