"""The audit's result model: findings, changes since an earlier scan, and the audited result.

An ``AuditedResult`` is a ``ScanResult`` with the declaration it was compared against, the
findings, the changes since a compared scan and how the audit was run. It is the one JSON
document ``scan --statement``, ``audit``, ``report`` and ``batch`` write and read. Field names
and finding kinds are a contract other tools read: extend them, never rename them.
``python -m cookieaudit.auditing.model`` prints the JSON Schemas published in ``docs/``.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..models import PhaseName, ScanResult, SetBy
from ..statement.discover import StatementDiscovery
from ..statement.model import Declaration

__all__ = [
    "AllowEntry",
    "AuditInfo",
    "AuditedResult",
    "Baseline",
    "BaselineEntry",
    "Changes",
    "FINDING_KINDS",
    "Finding",
    "FindingEvidence",
    "FindingKind",
    "FindingRef",
    "ObservedItem",
    "PhaseChanges",
    "SEVERITY_ORDER",
    "Severity",
    "StatementQuote",
    "baseline_schema_json",
    "result_schema_json",
]

Severity = Literal["error", "warning", "info"]
FailOn = Literal["error", "warning", "info", "never"]

# Most severe first; ``--fail-on X`` fails on X and everything before it.
SEVERITY_ORDER: Dict[str, int] = {"error": 0, "warning": 1, "info": 2}

FindingKind = Literal[
    "undeclared-cookie",
    "undeclared-third-party",
    "unlisted-cookie-of-declared-service",
    "purpose-mismatch",
    "lifetime-exceeds-declared",
    "declared-session-but-persistent",
    "claim-violated",
    "set-before-consent",
    "set-after-reject",
    "analytics-not-privacy-friendly",
    "no-reject-option",
    "consent-not-verified",
    "reject-not-on-first-layer",
    "no-banner-but-tracking",
    "statement-unreadable",
    "unknown-cookie",
    "declared-not-found",
    "baseline-entry-not-found",
]
FINDING_KINDS: tuple[str, ...] = FindingKind.__args__  # type: ignore[attr-defined]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ObservedItem(_Model):
    """One observed cookie, storage entry or tracker host a finding concerns, with where it came from."""

    type: Literal["cookie", "storage", "request"]
    name: str = Field(description="Cookie name, storage key, or request host.")
    domain: Optional[str] = Field(None, description="Cookie domain, storage origin, or registrable domain of the host.")
    party: Optional[Literal["first", "third"]] = None
    phase: Optional[PhaseName] = None
    first_seen_url: Optional[str] = Field(None, description="The page on which it was first seen (crawl order).")
    set_by: Optional[SetBy] = None
    purpose: Optional[str] = None
    vendor: Optional[str] = None
    vendor_id: Optional[str] = None
    rule_id: Optional[str] = None
    max_age_days: Optional[float] = Field(None, description="Lifetime the site asked for.")
    stored_max_age_days: Optional[float] = Field(None, description="Lifetime the browser stored.")
    session: Optional[bool] = None
    example_url: Optional[str] = Field(None, description="For requests: one request URL (identifiers redacted).")
    count: Optional[int] = Field(None, description="For requests: how many were seen in the phase.")


class StatementQuote(_Model):
    """Where the statement says what the finding compares against."""

    text: str = Field(description="The sentence or table row, as read.")
    source: str = Field(description="The statement source (path or URL).")
    section: Optional[str] = Field(None, description="The heading the text stands under.")
    line: Optional[int] = None


class FindingEvidence(_Model):
    """What a person needs to check a finding: the observations, the statement's words, details."""

    observed: List[ObservedItem] = Field(default_factory=list)
    statement: List[StatementQuote] = Field(default_factory=list)
    pages_visited: Optional[List[str]] = Field(None, description="For declared-not-found: the pages the scan visited.")
    details: Dict[str, Any] = Field(
        default_factory=dict,
        description="Kind-specific facts, e.g. declared_days/observed_days, the claim, the banner steps and screenshots.",
    )


class Finding(_Model):
    """One thing the site does that it should not, or that contradicts its statement."""

    id: str = Field(description="Stable across runs: kind + cookie family + phase or host; never a counter.")
    kind: FindingKind
    severity: Severity
    phase: Optional[PhaseName] = None
    cookies: List[str] = Field(default_factory=list, description="Every cookie name the finding concerns.")
    hosts: List[str] = Field(default_factory=list, description="Tracker hosts, where it is about requests.")
    storage: List[str] = Field(default_factory=list, description="Storage keys, where it is about storage.")
    message: str = Field(description="One sentence a privacy officer understands, in the audit's language.")
    evidence: FindingEvidence = Field(default_factory=FindingEvidence)
    baselined: bool = Field(False, description="Accepted by the baseline: shown, but it does not set the exit code.")
    baseline_reason: Optional[str] = None
    family: Optional[str] = Field(
        None, description="What the finding is grouped by: a rule id, a normalised cookie name, 'host:<vendor id>', a claim.")
    vendors: List[str] = Field(default_factory=list, description="The vendors of the cookies and hosts concerned, as the rule set names them.")


class FindingRef(_Model):
    """A finding named in ``changes``: enough to say what it was without the whole finding."""

    id: str
    kind: FindingKind
    severity: Severity
    phase: Optional[PhaseName] = None
    cookies: List[str] = Field(default_factory=list)
    hosts: List[str] = Field(default_factory=list)


class PhaseChanges(_Model):
    """What appeared and disappeared in one phase since the compared scan."""

    cookies_added: List[str] = Field(default_factory=list, description="'name@domain'.")
    cookies_removed: List[str] = Field(default_factory=list)
    storage_added: List[str] = Field(default_factory=list, description="'kind:origin:key'.")
    storage_removed: List[str] = Field(default_factory=list)
    hosts_added: List[str] = Field(default_factory=list, description="Tracker hosts.")
    hosts_removed: List[str] = Field(default_factory=list)


class Changes(_Model):
    """``--compare PREVIOUS.json``: the differences from an earlier result of the same site."""

    previous: str = Field(description="The compared result's path.")
    previous_started_at: Optional[datetime] = None
    phases: Dict[str, PhaseChanges] = Field(default_factory=dict)
    findings_new: List[FindingRef] = Field(default_factory=list)
    findings_resolved: List[FindingRef] = Field(default_factory=list)


class AllowEntry(_Model):
    """A cookie name (glob) or vendor accepted without a finding, and why."""

    cookie: Optional[str] = None
    vendor: Optional[str] = None
    reason: str
    matched: List[str] = Field(default_factory=list, description="Names it suppressed in this result.")


class AuditInfo(_Model):
    """How the audit was run and what it concluded."""

    audited_at: datetime
    lang: Literal["nl", "en"]
    fail_on: FailOn = "error"
    baseline: Optional[str] = None
    compare: Optional[str] = None
    statement_sources: List[str] = Field(default_factory=list)
    allow: List[AllowEntry] = Field(default_factory=list)
    counts: Dict[str, int] = Field(default_factory=dict, description="Findings per severity (baselined ones left out).")
    failed: bool = Field(False, description="True when findings at or above fail_on (not baselined) exist.")
    verdict: str = Field("", description="One line summing the audit up.")
    enforced: bool = Field(
        True, description="Whether findings set the exit code (an audit was asked for); a plain scan still exits 0.")
    rules: List[str] = Field(default_factory=list, description="Extra rule files the cookies were classified with.")
    config: Optional[str] = Field(None, description="The configuration file that was read, if any.")
    exit_code: Optional[int] = Field(None, description="The exit code the command line gave for this result (null from the API).")
    statement_discovery: Optional[StatementDiscovery] = Field(
        None, description="--statement auto: which start-page link was taken as the statement, and why (or why none).")


class AuditedResult(ScanResult):
    """A scan with its declaration, findings and changes: the document every audit writes."""

    declaration: Optional[Declaration] = None
    findings: List[Finding] = Field(default_factory=list)
    changes: Optional[Changes] = None
    audit: Optional[AuditInfo] = None


class BaselineEntry(_Model):
    """One accepted finding."""

    id: str
    kind: Optional[FindingKind] = None
    phase: Optional[PhaseName] = None
    cookies: List[str] = Field(default_factory=list)
    hosts: List[str] = Field(default_factory=list)
    reason: Optional[str] = Field(None, description="Why it is accepted (free text).")


class Baseline(_Model):
    """``--baseline FILE``: findings known and accepted, matched by id."""

    cookieaudit_baseline: Literal[1] = Field(1, description="Format version of this file.")
    site: Optional[str] = None
    created_at: Optional[datetime] = None
    tool_version: Optional[str] = None
    entries: List[BaselineEntry] = Field(default_factory=list)


def _schema(model: type[BaseModel], name: str) -> str:
    schema = model.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://cookieaudit.invalid/{name}"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def result_schema_json() -> str:
    """The JSON Schema of AuditedResult, as published in docs/audit-result.schema.json."""
    return _schema(AuditedResult, "audit-result.schema.json")


def baseline_schema_json() -> str:
    """The JSON Schema of the baseline file, as published in docs/baseline.schema.json."""
    return _schema(Baseline, "baseline.schema.json")


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "result"
    sys.stdout.write(baseline_schema_json() if which == "baseline" else result_schema_json())
