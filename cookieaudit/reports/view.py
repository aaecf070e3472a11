"""What every report shows, computed once from an ``AuditedResult``: the renderers only format.

``prepare(result, include_values)`` gives the result every renderer reads (values redacted
unless asked for, a plain ``ScanResult`` lifted to an ``AuditedResult``); the helpers below
group it the way people read it: findings by severity and kind, a cookie × phase matrix with
the findings that concern each cell, trackers and storage per phase, the banner per phase and
a one-line verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..auditing.model import SEVERITY_ORDER, AuditedResult, Finding
from ..models import Cookie, RedactedValue, ScanResult
from ..safety import redact
from .labels import labels, lifetime_words

__all__ = [
    "CookieRow", "PHASES", "PhaseCell", "cookie_rows", "counts", "failed", "family_of", "finding_location",
    "findings_sorted", "lang_of", "phases_of", "prepare", "site_host", "storage_rows", "tracker_groups",
    "value_text", "verdict",
]

PHASES = ("before_consent", "after_reject", "after_accept")
SEVERITIES = ("error", "warning", "info")


def prepare(result: ScanResult, include_values: bool = False) -> AuditedResult:
    """The result as reports read it: an ``AuditedResult``; values redacted unless ``include_values``.

    Redaction happens here, once, so no renderer can leak a value the scan kept: cookie values
    and their later changes, storage values, and identifier parameters in request URLs. The
    input is never changed: records that need redacting are copied, the rest is shared.
    """
    if isinstance(result, AuditedResult):
        audited = result.model_copy()
    else:
        audited = AuditedResult.model_construct(**{name: getattr(result, name) for name in ScanResult.model_fields})
    if include_values:
        return audited
    from ..scanner.urls import redact_url  # plain data and a YAML list; no browser

    def cookie(c):
        if _clean(c.value) and all(_clean(ch.value) for ch in c.changes):
            return c
        return c.model_copy(update={"value": _redacted(c.value),
                                    "changes": [ch.model_copy(update={"value": _redacted(ch.value)}) for ch in c.changes]})

    def group(g):
        urls = [redact_url(r.url) for r in g.requests]
        if all(u == r.url for u, r in zip(urls, g.requests)):
            return g
        return g.model_copy(update={"requests": [r.model_copy(update={"url": u}) for r, u in zip(g.requests, urls)]})

    def finding(f):
        items = f.evidence.observed
        if not any(item.example_url and redact_url(item.example_url) != item.example_url for item in items):
            return f
        observed = [item.model_copy(update={"example_url": redact_url(item.example_url) if item.example_url else None})
                    for item in items]
        return f.model_copy(update={"evidence": f.evidence.model_copy(update={"observed": observed})})

    audited.cookies = [cookie(c) for c in audited.cookies]
    audited.storage = [e if _clean(e.value) else e.model_copy(update={"value": _redacted(e.value)}) for e in audited.storage]
    audited.requests = [group(g) for g in audited.requests]
    audited.findings = [finding(f) for f in audited.findings]
    return audited


def _clean(value) -> bool:
    return value is None or isinstance(value, RedactedValue)


def _redacted(value):
    if value is None or isinstance(value, RedactedValue):
        return value
    return RedactedValue(**redact(str(value)))


def value_text(value) -> str:
    """A cookie or storage value as a report shows it (a redacted one as its length and hash)."""
    if value is None:
        return ""
    if isinstance(value, RedactedValue):
        return f"‹{value.length} chars, sha256 {value.sha256}›"
    return str(value)


def lang_of(result: AuditedResult, lang: Optional[str] = None) -> str:
    """The report language: the one asked for, else the audit's, else the statement's, else English."""
    for candidate in (lang, result.audit.lang if result.audit else None,
                      result.declaration.language if result.declaration else None):
        if candidate in ("nl", "en"):
            return candidate
    return "en"


def phases_of(result: ScanResult) -> list[str]:
    """The phases the scan ran, in run order (falling back to those its observations name)."""
    names = [phase.name for phase in result.phases]
    if not names:
        seen = {item.phase for item in [*result.cookies, *result.pages, *result.storage, *result.requests]}
        names = [name for name in PHASES if name in seen]
    return names


def site_host(result: ScanResult) -> str:
    from urllib.parse import urlsplit

    return urlsplit(result.site).hostname or result.site


# -- findings ------------------------------------------------------------------------------------
def findings_sorted(result: AuditedResult) -> list[Finding]:
    """Most severe first, then by kind, phase and id (stable)."""
    order = {name: index for index, name in enumerate(PHASES)}
    return sorted(result.findings, key=lambda f: (f.baselined, SEVERITY_ORDER.get(f.severity, 9), f.kind,
                                                  order.get(f.phase or "", -1), f.id))


def counts(result: AuditedResult) -> dict[str, int]:
    """Findings per severity, leaving out those the baseline accepts."""
    found = {severity: 0 for severity in SEVERITIES}
    for finding in result.findings:
        if not finding.baselined:
            found[finding.severity] = found.get(finding.severity, 0) + 1
    return found


def fail_on_of(result: AuditedResult, fail_on: Optional[str] = None) -> str:
    return fail_on or (result.audit.fail_on if result.audit else "error")


def fails(finding: Finding, fail_on: str) -> bool:
    """Whether ``finding`` counts toward a failing exit code at ``--fail-on fail_on``."""
    if fail_on == "never" or finding.baselined:
        return False
    return SEVERITY_ORDER.get(finding.severity, 9) <= SEVERITY_ORDER.get(fail_on, -1)


def enforced(result: AuditedResult, fail_on: Optional[str] = None) -> bool:
    """Whether findings decide the outcome: an audit was asked for (a plain scan's audit is not
    enforced: it exits 0 whatever it observed), or the reader names a --fail-on."""
    if fail_on is not None:
        return True
    return result.audit is None or bool(getattr(result.audit, "enforced", True))


def failed(result: AuditedResult, fail_on: Optional[str] = None) -> bool:
    """Whether the result fails at ``fail_on`` (default: the audit's); never when not enforced."""
    if not enforced(result, fail_on):
        return False
    threshold = fail_on_of(result, fail_on)
    return any(fails(finding, threshold) for finding in result.findings)


def audited(result: AuditedResult) -> bool:
    """True when the result went through the audit (it may still have no findings)."""
    return result.audit is not None or bool(result.findings)


def observed_counts(result: AuditedResult, lang: str = "en") -> str:
    """'5 cookies, 1 tracker domain, 2 storage entries'."""
    words = labels(lang)
    cookie_names = {(c.name, c.domain) for c in result.cookies if c.stored}
    trackers = {g.domain for g in result.requests if g.tracker}
    storage = len({(s.kind, s.origin, s.key) for s in result.storage})
    return ", ".join(f"{n} {words.unit(unit, n)}" for n, unit in (
        (len(cookie_names), "cookie"), (len(trackers), "tracker_domain"), (storage, "storage_entry")))


def outcome(result: AuditedResult, lang: str = "en", fail_on: Optional[str] = None) -> str:
    """'FAILS (--fail-on error): 4 error, 1 warning, 2 info', or 'scan only, no audit'."""
    words = labels(lang)
    if not audited(result):
        line = words("verdict_scan_only")
    elif fail_on is None and result.audit is not None and result.audit.verdict and result.audit.lang == lang:
        line = result.audit.verdict  # the audit's own words, in the language asked for
    else:
        found = counts(result)
        parts = [f"{found['error']} {words('count_errors')}", f"{found['warning']} {words('count_warnings')}",
                 f"{found['info']} {words('count_infos')}"]
        if not enforced(result, fail_on):
            line = f"{', '.join(parts)} ({words('verdict_not_enforced')})"
        else:
            word = words("verdict_failed") if failed(result, fail_on) else words("verdict_passed")
            line = f"{word.upper()} (--fail-on {fail_on_of(result, fail_on)}): {', '.join(parts)}"
    if not result.complete:
        line += f" — {words('incomplete')}"
    return line


def verdict(result: AuditedResult, lang: str = "en", fail_on: Optional[str] = None) -> str:
    """One line: the outcome and what was observed."""
    return f"{outcome(result, lang, fail_on)}; {observed_counts(result, lang)}"


def finding_location(finding: Finding, result: AuditedResult) -> str:
    """The URL a finding points at: the page where its first observation was seen, else the
    statement (for statement-level kinds) or the start URL."""
    for item in finding.evidence.observed:
        if item.first_seen_url:
            return item.first_seen_url
    if finding.kind in ("statement-unreadable", "declared-not-found", "claim-violated") or not finding.cookies:
        for quote in finding.evidence.statement:
            if quote.source.startswith(("http://", "https://")):
                return quote.source
        if result.audit:
            for source in result.audit.statement_sources:
                if source.startswith(("http://", "https://")):
                    return source
    for name in finding.cookies:
        for cookie in result.cookies:
            if cookie.name == name and (finding.phase is None or cookie.phase == finding.phase) and cookie.first_seen_url:
                return cookie.first_seen_url
    return result.site


# -- cookies -------------------------------------------------------------------------------------
_VARIABLE = re.compile(r"(?<=[_.\-])[0-9A-Za-z]*\d[0-9A-Za-z]*|\d{3,}|[0-9a-f]{8,}", re.IGNORECASE)


def family_of(cookie_name: str, rule_id: Optional[str] = None) -> str:
    """A cookie's family, as the audit names it in finding ids: its rule id, or its name with the
    parts that vary between visitors folded (the audit's ``cookie_family`` where it exists).

    >>> family_of("_gid", "ga-gid")
    'ga-gid'
    >>> family_of("_hjSession_123") in ("_hjSession_*", "_hjSession_#")
    True
    """
    if rule_id:
        return rule_id
    try:
        from ..auditing.families import cookie_family
    except ImportError:
        return _VARIABLE.sub("*", cookie_name)
    return cookie_family(cookie_name, None)


@dataclass
class PhaseCell:
    """One cookie in one phase."""

    cookie: Cookie
    findings: list[Finding] = field(default_factory=list)

    @property
    def stored(self) -> bool:
        return self.cookie.stored


@dataclass
class CookieRow:
    """One cookie (name, domain, path) across the phases, with the findings that concern it."""

    name: str
    domain: str
    path: str
    first: Cookie  # the record of the first phase it appeared in (classification, setter, party)
    cells: dict[str, PhaseCell] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        seen, out = set(), []
        for cell in self.cells.values():
            for finding in cell.findings:
                if finding.id not in seen:
                    seen.add(finding.id)
                    out.append(finding)
        return out

    @property
    def worst(self) -> Optional[str]:
        """The most severe finding's severity (baselined ones left out), or None."""
        live = [f.severity for f in self.findings if not f.baselined]
        return min(live, key=lambda s: SEVERITY_ORDER.get(s, 9)) if live else None

    def lifetime(self, lang: str) -> str:
        """'asked / stored' lifetimes in words (one when they agree)."""
        return lifetime_pair(self.first, lang)


def lifetime_pair(cookie: Cookie, lang: str) -> str:
    asked = lifetime_words(cookie.max_age_days, cookie.session, lang)
    if cookie.session or cookie.stored_max_age_days is None or cookie.max_age_days is None:
        return asked
    stored = lifetime_words(cookie.stored_max_age_days, False, lang)
    return asked if stored == asked else f"{asked} / {stored}"


def cookie_rows(result: AuditedResult) -> list[CookieRow]:
    """One row per cookie (name, domain, path) in first-seen order, cells per phase, findings attached."""
    rows: dict[tuple, CookieRow] = {}
    for cookie in result.cookies:
        key = (cookie.name, cookie.domain, cookie.path)
        row = rows.get(key)
        if row is None:
            row = rows[key] = CookieRow(cookie.name, cookie.domain, cookie.path, cookie)
        row.cells.setdefault(cookie.phase, PhaseCell(cookie))
    for finding in result.findings:
        if not finding.cookies:
            continue
        names = set(finding.cookies)
        for row in rows.values():
            if row.name not in names:
                continue
            for phase, cell in row.cells.items():
                if finding.phase is None or finding.phase == phase:
                    cell.findings.append(finding)
    return list(rows.values())


# -- trackers and storage ------------------------------------------------------------------------
def tracker_groups(result: AuditedResult, phase: str, everything: bool = False):
    """Request groups of one phase: trackers first (most requests first), then other third parties
    when ``everything``."""
    groups = [g for g in result.requests if g.phase == phase and (g.tracker or everything)]
    return sorted(groups, key=lambda g: (not g.tracker, -g.count, g.domain))


def storage_rows(result: AuditedResult) -> list[tuple[tuple, dict[str, object]]]:
    """((kind, origin, key), {phase: entry}) in first-seen order."""
    rows: dict[tuple, dict] = {}
    for entry in result.storage:
        rows.setdefault((entry.kind, entry.origin, entry.key), {}).setdefault(entry.phase, entry)
    return list(rows.items())


def set_by_text(set_by) -> str:
    if set_by is None:
        return ""
    return f"{set_by.kind}: {set_by.url}" if set_by.url else set_by.kind


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
