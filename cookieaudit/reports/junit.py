"""JUnit XML: one ``<testsuite>`` per phase (and one for the site as a whole), one test case per check.

A check is a finding kind applied to a cookie family (the rule id, or the name with its random
runs folded): every family observed in a phase is checked for the consent kinds of that phase
and, when a statement was compared, for the declaration kinds; site-wide kinds (banner, claims,
statement) are one case each. ``classname`` is ``cookieaudit.<phase>.<kind>`` and ``name`` the
family, both stable across runs. A finding at or above ``--fail-on`` (not baselined) is a
``<failure>``; findings below it and checks that found nothing pass; an incomplete scan is an
``<error>``. CI systems (GitLab, Jenkins, GitHub test reporters) show it as a test report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Optional

from ..auditing.model import AuditedResult, Finding
from . import view
from .labels import labels

__all__ = ["render_junit"]

SITE_SUITE = "site"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Kinds checked for every cookie family seen in a phase.
CONSENT_KINDS = {"before_consent": ("set-before-consent",), "after_reject": ("set-after-reject",)}
# Kinds checked per cookie family once a statement was compared (site-wide: not phase-bound).
DECLARATION_KINDS = ("undeclared-cookie", "undeclared-third-party", "unlisted-cookie-of-declared-service",
                     "purpose-mismatch", "lifetime-exceeds-declared", "declared-session-but-persistent")
# Kinds checked once per phase.
PHASE_SITE_KINDS = {"before_consent": ("no-banner-but-tracking",),
                    "after_reject": ("no-reject-option", "reject-not-on-first-layer", "consent-not-verified"),
                    "after_accept": ("consent-not-verified",)}


# Kinds about the site or the statement as a whole: one case each, named after the kind (claims: after the claim).
SITE_LEVEL_KINDS = frozenset({"claim-violated", "analytics-not-privacy-friendly", "no-reject-option", "consent-not-verified",
                              "reject-not-on-first-layer", "no-banner-but-tracking", "statement-unreadable",
                              "baseline-entry-not-found"})
CLAIMS = ("only_purposes", "excluded_purposes", "all_session", "consent_required_for")


def _x(text: object) -> str:
    return _NOT_XML.sub("?", "" if text is None else str(text))


@dataclass
class _Case:
    suite: str
    kind: str
    family: str
    findings: list[Finding] = field(default_factory=list)


def _families(result: AuditedResult) -> dict[str, str]:
    """cookie name -> family (first record wins)."""
    out: dict[str, str] = {}
    for cookie in result.cookies:
        out.setdefault(cookie.name, view.family_of(cookie.name, cookie.rule_id))
    return out


def _checks(result: AuditedResult) -> dict[tuple[str, str, str], _Case]:
    cases: dict[tuple[str, str, str], _Case] = {}

    def add(suite: str, kind: str, family: str) -> None:
        cases.setdefault((suite, kind, family), _Case(suite, kind, family))

    if not view.audited(result):
        return cases
    family = _families(result)
    for cookie in result.cookies:
        for kind in CONSENT_KINDS.get(cookie.phase, ()):
            add(cookie.phase, kind, family[cookie.name])
        if cookie.purpose == "unknown":
            add(cookie.phase, "unknown-cookie", family[cookie.name])
    for phase in view.phases_of(result):
        for kind in PHASE_SITE_KINDS.get(phase, ()):
            add(phase, kind, kind)
    declaration = result.declaration
    if declaration is not None:
        for cookie in result.cookies:
            kinds = [k for k in DECLARATION_KINDS if k != ("undeclared-third-party" if cookie.party == "first" else "undeclared-cookie")]
            for kind in kinds:
                add(SITE_SUITE, kind, family[cookie.name])
        for declared in declaration.cookies:
            add(SITE_SUITE, "declared-not-found", declared.pattern)
        claims = declaration.claims
        for claim in CLAIMS:
            if getattr(claims, claim):
                for phase in view.phases_of(result):
                    add(phase, "claim-violated", claim)
        if claims.analytics_privacy_friendly:
            add(SITE_SUITE, "analytics-not-privacy-friendly", "analytics-not-privacy-friendly")
    if result.audit and result.audit.statement_sources:
        add(SITE_SUITE, "statement-unreadable", "statement-unreadable")
    return cases


def _place(finding: Finding, cases: dict, family: dict[str, str]) -> None:
    """Attach the finding to the check it answers (creating the case when no check was planned)."""
    suite = finding.phase or SITE_SUITE
    if finding.kind in SITE_LEVEL_KINDS:
        families = [str(finding.evidence.details.get("claim") or finding.kind)]
    elif finding.cookies:
        families = view.unique(family.get(name, name) for name in finding.cookies)
    else:
        families = view.unique(finding.hosts or finding.storage) or [finding.kind]
    for fam in families:
        for key in ((suite, finding.kind, fam), (SITE_SUITE, finding.kind, fam)):
            if key in cases:
                cases[key].findings.append(finding)
                break
        else:
            cases[(suite, finding.kind, fam)] = _Case(suite, finding.kind, fam, [finding])


def render_junit(result: AuditedResult, *, lang: Optional[str] = None, fail_on: Optional[str] = None) -> str:
    """The JUnit XML document as text."""
    lang = view.lang_of(result, lang)
    words = labels(lang)
    threshold = view.fail_on_of(result, fail_on)
    cases = _checks(result)
    family = _families(result)
    for finding in result.findings:
        _place(finding, cases, family)
    suites_order = [*view.phases_of(result), SITE_SUITE]
    for suite, _, _ in cases:
        if suite not in suites_order:
            suites_order.insert(-1, suite)

    root = ET.Element("testsuites", name="cookieaudit")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    timestamp = result.started_at.strftime("%Y-%m-%dT%H:%M:%S")
    for suite in suites_order:
        element = ET.SubElement(root, "testsuite", name=f"cookieaudit.{suite}", timestamp=timestamp,
                                hostname=_x(view.site_host(result)))
        properties = ET.SubElement(element, "properties")
        ET.SubElement(properties, "property", name="site", value=_x(result.site))
        ET.SubElement(properties, "property", name="phase", value=suite)
        ET.SubElement(properties, "property", name="fail_on", value=threshold)
        tests = failures = errors = 0
        if suite == SITE_SUITE:
            case = ET.SubElement(element, "testcase", classname=f"cookieaudit.{suite}.scan", name="scan-complete")
            tests += 1
            if not result.complete:
                reason = result.interrupted or "; ".join(e.message for e in result.errors[-3:]) or "partial result"
                error = ET.SubElement(case, "error", message=_x(f"{words('incomplete')} ({reason})"), type="incomplete-scan")
                error.text = _x("\n".join(f"{e.kind}: {e.message} {e.url or ''}" for e in result.errors))
                errors += 1
        for (case_suite, kind, fam), check in sorted(cases.items()):
            if case_suite != suite:
                continue
            tests += 1
            case = ET.SubElement(element, "testcase", classname=f"cookieaudit.{suite}.{kind}", name=_x(fam))
            failing = [f for f in check.findings if view.fails(f, threshold)]
            if failing:
                failures += 1
                first = failing[0]
                failure = ET.SubElement(case, "failure", message=_x(first.message), type=kind)
                failure.text = _x("\n\n".join(_details(f, result, words) for f in failing))
            elif check.findings:
                out = ET.SubElement(case, "system-out")
                out.text = _x("\n\n".join(
                    f"[{f.severity}{', ' + words('baselined') if f.baselined else ''}] " + _details(f, result, words)
                    for f in check.findings))
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", str(errors))
        element.set("skipped", "0")
        totals["tests"] += tests
        totals["failures"] += failures
        totals["errors"] += errors
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _details(finding: Finding, result: AuditedResult, words) -> str:
    lines = [f"{finding.kind} ({finding.severity}): {finding.message}", f"id: {finding.id}",
             f"{words('kind')}: {words.kind_title(finding.kind)}"]
    if finding.cookies:
        lines.append(f"{words('cookies')}: {', '.join(finding.cookies)}")
    if finding.hosts:
        lines.append(f"{words('hosts')}: {', '.join(finding.hosts)}")
    lines.append(f"URL: {view.finding_location(finding, result)}")
    for item in finding.evidence.observed[:5]:
        setter = view.set_by_text(item.set_by)
        lines.append(f"{words('observed')}: {item.name} ({item.domain or ''}) {words.phase(item.phase)}"
                     + (f", {words('set_by').lower()} {setter}" if setter else ""))
    for quote in finding.evidence.statement[:3]:
        lines.append(f"{words('statement_says')}: \"{quote.text}\" ({quote.source}"
                     + (f", {words('section')} \"{quote.section}\"" if quote.section else "") + ")")
    return "\n".join(lines)
