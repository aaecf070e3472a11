"""``--compare PREVIOUS.json``: what changed since an earlier result of the same site.

Per phase: cookies (``name@domain``, stored ones), storage keys (``kind:origin:key``) and
tracker hosts that appeared or disappeared; and the findings that are new or resolved, by id.
A previous result without findings (a plain scan) is audited with the same declaration first.
"""

from __future__ import annotations


from ..models import ScanResult
from .model import Changes, Finding, FindingRef, PhaseChanges
from .observed import PHASE_ORDER

__all__ = ["compare"]


def _cookies(result: ScanResult, phase: str) -> set[str]:
    return {f"{c.name}@{c.domain}" for c in result.cookies if c.phase == phase and c.stored}


def _storage(result: ScanResult, phase: str) -> set[str]:
    return {f"{s.kind}:{s.origin}:{s.key}" for s in result.storage if s.phase == phase}


def _hosts(result: ScanResult, phase: str, tracker_hosts) -> set[str]:
    hosts = set()
    for group in result.requests:
        if group.phase != phase:
            continue
        for record in group.requests:
            if tracker_hosts(record.host, group):
                hosts.add(record.host)
        if not group.requests and group.tracker:
            hosts.add(group.domain)
    return hosts


def _ref(finding: Finding) -> FindingRef:
    return FindingRef(id=finding.id, kind=finding.kind, severity=finding.severity, phase=finding.phase,
                      cookies=finding.cookies, hosts=finding.hosts)


def compare(current: ScanResult, current_findings: list[Finding], previous: ScanResult,
            previous_findings: list[Finding], previous_path: str, classifier=None) -> Changes:
    """The changes from ``previous`` to ``current`` (see the module docstring)."""
    cache: dict[str, bool] = {}

    def is_tracker(host: str, group) -> bool:
        if host not in cache:
            tracker = group.tracker
            if classifier is not None:
                try:
                    tracker = classifier.classify_host(host).tracker
                except Exception:
                    pass
            cache[host] = bool(tracker)
        return cache[host]

    phases = sorted({p.name for p in current.phases} | {p.name for p in previous.phases}, key=PHASE_ORDER.get)
    per_phase: dict[str, PhaseChanges] = {}
    for phase in phases:
        now_c, then_c = _cookies(current, phase), _cookies(previous, phase)
        now_s, then_s = _storage(current, phase), _storage(previous, phase)
        now_h, then_h = _hosts(current, phase, is_tracker), _hosts(previous, phase, is_tracker)
        changes = PhaseChanges(
            cookies_added=sorted(now_c - then_c), cookies_removed=sorted(then_c - now_c),
            storage_added=sorted(now_s - then_s), storage_removed=sorted(then_s - now_s),
            hosts_added=sorted(now_h - then_h), hosts_removed=sorted(then_h - now_h),
        )
        per_phase[phase] = changes
    ignore = "baseline-entry-not-found"
    now_ids = {f.id for f in current_findings if f.kind != ignore}
    then_ids = {f.id for f in previous_findings if f.kind != ignore}
    return Changes(
        previous=previous_path,
        previous_started_at=previous.started_at,
        phases=per_phase,
        findings_new=[_ref(f) for f in current_findings if f.kind != ignore and f.id not in then_ids],
        findings_resolved=[_ref(f) for f in previous_findings if f.kind != ignore and f.id not in now_ids],
    )
