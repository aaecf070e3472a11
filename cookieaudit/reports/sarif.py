"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, SARIF viewers).

One run per site (``automationDetails.id`` = ``cookieaudit/<host>/``), a rule per finding kind
with its help text, ``ruleId`` = the kind, ``level`` from the severity (info → ``note``), at
least one location per result (the page where it was seen, or the statement or start URL),
``partialFingerprints`` from the finding id under ``FINGERPRINT_KEY``, and ``baselineState`` /
``suppressions`` from ``--baseline`` and ``--compare``.
"""

from __future__ import annotations

import json
from typing import Iterable, Optional

from ..auditing.model import FINDING_KINDS, AuditedResult, Finding, FindingRef
from ..safety import json_terminal_safe
from . import view
from .labels import labels

__all__ = ["FINGERPRINT_KEY", "SARIF_SCHEMA", "render_sarif", "sarif_log"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "cookieauditFindingId/v1"
INFORMATION_URI = "https://pypi.org/project/cookieaudit/"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
DEFAULT_SEVERITY = {
    "undeclared-cookie": "error", "undeclared-third-party": "error", "unlisted-cookie-of-declared-service": "warning",
    "purpose-mismatch": "warning", "lifetime-exceeds-declared": "error", "declared-session-but-persistent": "error",
    "claim-violated": "error", "set-before-consent": "error", "set-after-reject": "error",
    "analytics-not-privacy-friendly": "warning", "no-reject-option": "error", "consent-not-verified": "warning",
    "reject-not-on-first-layer": "warning", "no-banner-but-tracking": "error", "statement-unreadable": "warning",
    "unknown-cookie": "info", "declared-not-found": "info", "baseline-entry-not-found": "info",
}
# GitHub shows a 0–10 security severity; kinds that are legal breaches rank highest.
SECURITY_SEVERITY = {"error": "7.0", "warning": "4.0", "info": "1.0"}


def _rule(kind: str, words) -> dict:
    title, help_text = words.kind_title(kind), words.kind_help(kind)
    severity = DEFAULT_SEVERITY.get(kind, "warning")
    return {
        "id": kind,
        "name": "".join(part.capitalize() for part in kind.split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": help_text or title},
        "help": {"text": help_text or title, "markdown": f"**{title}**\n\n{help_text}"},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": ["privacy", "cookies"], "security-severity": SECURITY_SEVERITY[severity]},
    }


def _location(url: str, text: Optional[str] = None) -> dict:
    location: dict = {"physicalLocation": {"artifactLocation": {"uri": url}}}
    if text:
        location["message"] = {"text": text}
    return location


def _result(finding: Finding, audited: AuditedResult, rule_index: dict[str, int], words, state: Optional[str]) -> dict:
    locations = [_location(view.finding_location(finding, audited))]
    related = []
    for index, quote in enumerate(finding.evidence.statement[:5]):
        location = _location(quote.source, quote.text[:500])
        location["id"] = index
        if quote.line:
            location["physicalLocation"]["region"] = {"startLine": quote.line}
        related.append(location)
    properties: dict = {"severity": finding.severity, "findingId": finding.id}
    for key in ("cookies", "hosts", "storage"):
        if getattr(finding, key):
            properties[key] = list(getattr(finding, key))
    if finding.phase:
        properties["phase"] = finding.phase
    observed = finding.evidence.observed[0] if finding.evidence.observed else None
    if observed is not None:
        properties["observed"] = observed.model_dump(mode="json", exclude_none=True)
    out = {
        "ruleId": finding.kind,
        "ruleIndex": rule_index[finding.kind],
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": locations,
        "partialFingerprints": {FINGERPRINT_KEY: finding.id},
        "properties": properties,
    }
    if related:
        out["relatedLocations"] = related
    if state:
        out["baselineState"] = state
    if finding.baselined:
        suppression = {"kind": "external", "status": "accepted"}
        if finding.baseline_reason:
            suppression["justification"] = finding.baseline_reason
        out["suppressions"] = [suppression]
    return out


def _absent(ref: FindingRef, audited: AuditedResult, rule_index: dict[str, int]) -> dict:
    """A finding of the compared scan that is gone now."""
    return {
        "ruleId": ref.kind, "ruleIndex": rule_index[ref.kind], "level": "none",
        "message": {"text": f"{ref.kind}: {', '.join(ref.cookies or ref.hosts) or ref.id}"},
        "locations": [_location(audited.site)], "partialFingerprints": {FINGERPRINT_KEY: ref.id},
        "baselineState": "absent", "kind": "pass",
    }


def _run(audited: AuditedResult, words) -> dict:
    kinds = list(FINDING_KINDS)
    rule_index = {kind: index for index, kind in enumerate(kinds)}
    new_ids = {ref.id for ref in audited.changes.findings_new} if audited.changes else set()
    compared = audited.changes is not None
    has_baseline = bool(audited.audit and audited.audit.baseline)
    results = []
    for finding in view.findings_sorted(audited):
        state = None
        if compared:
            state = "new" if finding.id in new_ids else "unchanged"
        elif has_baseline:
            state = "unchanged" if finding.baselined else "new"
        results.append(_result(finding, audited, rule_index, words, state))
    if compared:
        results += [_absent(ref, audited, rule_index) for ref in audited.changes.findings_resolved]
    invocation = {"executionSuccessful": audited.complete,
                  "startTimeUtc": audited.started_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if audited.finished_at:
        invocation["endTimeUtc"] = audited.finished_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    if audited.command_line:
        invocation["commandLine"] = " ".join(["cookieaudit", *audited.command_line])
    notes = [{"level": "error" if e.kind in ("crash", "browser") else "warning", "message": {"text": f"{e.kind}: {e.message}"},
              **({"locations": [_location(e.url)]} if e.url else {})} for e in audited.errors[:100]]
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run = {
        "tool": {"driver": {
            "name": "cookieaudit", "version": audited.tool.version, "semanticVersion": audited.tool.version,
            "informationUri": INFORMATION_URI, "rules": [_rule(kind, words) for kind in kinds],
            "properties": {"rulesetVersion": audited.tool.ruleset_version, "rulesetHash": audited.tool.ruleset_hash},
        }},
        "automationDetails": {"id": f"cookieaudit/{view.site_host(audited)}/"},
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {"site": audited.site, "complete": audited.complete, "verdict": view.verdict(audited, words.lang)},
    }
    return run


def sarif_log(results: Iterable[AuditedResult], *, lang: Optional[str] = None) -> dict:
    """A SARIF log with one run per site (``batch`` passes every site's result)."""
    runs = []
    for result in results:
        words = labels(view.lang_of(result, lang))
        runs.append(_run(result, words))
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}


def render_sarif(result: AuditedResult, *, lang: Optional[str] = None) -> str:
    """The SARIF document of one site's result, as JSON text."""
    return json_terminal_safe(json.dumps(sarif_log([result], lang=lang), indent=2, ensure_ascii=False)) + "\n"
