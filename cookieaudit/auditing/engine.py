"""``audit(scan, declaration)``: what a site does against what it says, as findings with evidence.

Browser-free and deterministic: the same scan and declaration give the same findings, with
the same ids, in the same order. The checks live in ``checks/`` (one module per theme), the
matching rules in ``matching.py``, the lifetime tolerance in ``lifetimes.py``, the messages in
``messages.yaml``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from ..errors import InputError, StatementUnreadableError
from ..models import ScanResult
from ..statement.model import Declaration
from .allow import AllowList, parse_allow
from .baseline import apply_baseline, load_baseline
from .checks import CHECKS
from .compare import compare
from .context import AuditContext, UnreadableStatement
from .drafts import Drafts
from .matching import DeclarationIndex
from .messages import LANGUAGES, text
from .model import SEVERITY_ORDER, AllowEntry, AuditedResult, AuditInfo, Baseline, Finding
from .observed import Observations
from .results import load_declaration, load_result

__all__ = ["FAIL_ON", "audit", "count_findings", "fails"]

FAIL_ON = ("error", "warning", "info", "never")

PathLike = Union[str, Path]


def _classifier(rules: Sequence[PathLike], classifier):
    if classifier is not None:
        return classifier
    from ..classifier import Classifier, default_classifier

    if rules:
        found = Classifier(extra_rule_files=list(rules))
        found.load()  # a broken rule file fails here, as one line
        return found
    return default_classifier()


def _unreadable(items: Iterable) -> list[UnreadableStatement]:
    out = []
    for item in items or ():
        if isinstance(item, UnreadableStatement):
            out.append(item)
        elif isinstance(item, StatementUnreadableError):
            out.append(UnreadableStatement(item.source, str(item).removeprefix(f"{item.source}: ")))
        else:
            source, reason = item
            out.append(UnreadableStatement(str(source), str(reason)))
    return out


def fails(findings: Iterable[Finding], fail_on: str) -> bool:
    """Whether any finding not accepted by the baseline is at or above ``fail_on``."""
    if fail_on == "never":
        return False
    limit = SEVERITY_ORDER[fail_on]
    return any(not f.baselined and SEVERITY_ORDER[f.severity] <= limit for f in findings)


def count_findings(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per severity, baselined ones left out (every severity present, also at 0)."""
    counts = {severity: 0 for severity in SEVERITY_ORDER}
    for finding in findings:
        if not finding.baselined:
            counts[finding.severity] += 1
    return counts


def _verdict(counts: dict, baselined: int, fail_on: str, failed: bool, enforced: bool, lang: str) -> str:
    if not enforced:
        status = text("verdict_not_enforced", lang)
    else:
        status = text("verdict_fails" if failed else "verdict_passes", lang, fail_on=fail_on)
    line = text("verdict", lang, errors=counts["error"], warnings=counts["warning"], infos=counts["info"], status=status)
    if baselined:
        line += text("verdict_baselined", lang, n=baselined)
    return line


def _reclassified(scan: ScanResult, observations: Observations) -> list:
    """The scan's cookies with the audit's classification (when extra rules were given)."""
    by_key = {(o.name, o.domain): o.classified for o in observations.cookies}
    cookies = []
    for cookie in scan.cookies:
        found = by_key.get((cookie.name, cookie.domain))
        if found is None and observations.classifier is not None:
            result = observations.classifier.classify(cookie.name, domain=cookie.domain, site=scan.site)
            update = {"purpose": result.purpose, "vendor": result.vendor, "vendor_id": result.vendor_id, "rule_id": result.rule_id}
        elif found is not None:
            update = {"purpose": found.purpose, "vendor": found.vendor, "vendor_id": found.vendor_id, "rule_id": found.rule_id}
        else:
            update = {}
        cookies.append(cookie.model_copy(update=update) if update else cookie)
    return cookies


def audit(
    scan: Union[ScanResult, PathLike],
    declaration: Union[Declaration, PathLike, None] = None,
    *,
    lang: Optional[str] = None,
    fail_on: str = "error",
    baseline: Union[Baseline, PathLike, None] = None,
    previous: Union[ScanResult, PathLike, None] = None,
    allow: Iterable[Union[AllowEntry, dict]] = (),
    unreadable: Iterable = (),
    rules: Sequence[PathLike] = (),
    classifier=None,
    enforced: bool = True,
    statement_sources: Optional[Sequence[str]] = None,
    config: Optional[str] = None,
) -> AuditedResult:
    """Audit a scan against a declaration; returns the scan with ``declaration``, ``findings``,
    ``changes`` (with ``previous``) and ``audit`` (how it was run, counts, verdict).

    ``scan`` and ``previous`` may be results or paths to saved ones; ``declaration`` a
    :class:`Declaration`, a path to a saved one, or None (then only the findings that need no
    statement are made: consent, banner, unknown cookies). ``lang`` is ``nl`` or ``en``
    (default: the statement's language, else English). ``fail_on`` (error, warning, info,
    never) decides ``audit.failed``. ``baseline`` (a :class:`Baseline` or a path) accepts
    findings by id. ``allow`` entries (``{"cookie": "_pk_*", "reason": ...}`` or
    ``{"vendor": ..., "reason": ...}``) accept cookies, storage and hosts without a finding.
    ``unreadable`` lists statement sources that could not be read (``(source, reason)`` pairs or
    :class:`StatementUnreadableError`): each becomes a ``statement-unreadable`` finding.
    ``rules`` are extra rule files: cookies are then classified afresh with them.
    """
    if not isinstance(scan, ScanResult):
        scan = load_result(scan)
    if declaration is not None and not isinstance(declaration, Declaration):
        declaration = load_declaration(declaration)
    if fail_on not in FAIL_ON:
        raise InputError(f"invalid fail-on {fail_on!r} (choose from {', '.join(FAIL_ON)})")
    if lang is not None and lang not in LANGUAGES:
        raise InputError(f"invalid language {lang!r} (choose from {', '.join(LANGUAGES)})")
    lang = lang or (declaration.language if declaration is not None and declaration.language in LANGUAGES else "en")
    baseline_path = None
    if baseline is not None and not isinstance(baseline, Baseline):
        baseline_path = str(baseline)
        baseline = load_baseline(baseline)
    previous_path = None
    if previous is not None and not isinstance(previous, ScanResult):
        previous_path = str(previous)
        previous = load_result(previous)
    allow_entries = parse_allow(allow)
    rules = [str(r) for r in rules or ()]
    classifier = _classifier(rules, classifier)

    findings, observations = _findings(scan, declaration, classifier, bool(rules), allow_entries,
                                       _unreadable(unreadable), lang)
    observations_cookies = _reclassified(scan, observations) if rules else None
    if baseline is not None:
        findings += apply_baseline(findings, baseline, lang)
    changes = None
    if previous is not None:
        if isinstance(previous, AuditedResult) and previous.audit is not None:
            previous_findings = previous.findings
        else:
            previous_findings, _ = _findings(previous, declaration, classifier, bool(rules),
                                             parse_allow(allow_entries), [], lang)
        changes = compare(scan, findings, previous, previous_findings, previous_path or "<previous>", classifier)

    counts = count_findings(findings)
    failed = fails(findings, fail_on)
    baselined = sum(1 for f in findings if f.baselined)
    sources = list(statement_sources) if statement_sources is not None else (
        [s.source for s in declaration.sources] if declaration is not None else [])
    info = AuditInfo(
        audited_at=datetime.now(timezone.utc), lang=lang, fail_on=fail_on, baseline=baseline_path,
        compare=previous_path, statement_sources=sources, allow=allow_entries, counts=counts, failed=failed,
        verdict=_verdict(counts, baselined, fail_on, failed, enforced, lang), enforced=enforced, rules=rules,
        config=config,
    )
    fields = {name: getattr(scan, name) for name in ScanResult.model_fields}
    if observations_cookies is not None:
        fields["cookies"] = observations_cookies
    # The scan's parts are validated models already; constructing skips validating them again.
    return AuditedResult.model_construct(**fields, declaration=declaration, findings=findings, changes=changes, audit=info)


def _findings(scan: ScanResult, declaration: Optional[Declaration], classifier, reclassify: bool,
              allow_entries: list[AllowEntry], unreadable: list[UnreadableStatement],
              lang: str) -> tuple[list[Finding], Observations]:
    observations = Observations(scan, classifier, reclassify=reclassify)
    context = AuditContext(
        scan=scan, declaration=declaration, observations=observations,
        declared=DeclarationIndex(declaration, classifier) if declaration is not None else None,
        allow=AllowList(allow_entries, classifier), drafts=Drafts(), classifier=classifier, unreadable=unreadable,
    )
    for check in CHECKS:
        check(context)
    return context.drafts.findings(lang), observations
