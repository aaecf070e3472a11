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
from typing import Optional

from ..auditing.model import AuditedResult, Finding
from . import view
from .checks import SITE_SUITE, checks_of, suites_of
from .labels import labels

__all__ = ["details", "render_junit"]

# not XML 1.0, and what a CI page or terminal would act on (C1 controls, bidi overrides)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
                      "\ud800-\udfff\ufffe\uffff]")


def _x(text: object) -> str:
    return _NOT_XML.sub("?", "" if text is None else str(text))


def render_junit(result: AuditedResult, *, lang: Optional[str] = None, fail_on: Optional[str] = None) -> str:
    """The JUnit XML document as text."""
    lang = view.lang_of(result, lang)
    words = labels(lang)
    threshold = view.fail_on_of(result, fail_on)
    checks = checks_of(result)
    suites_order = suites_of(result, checks)

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
        for check in checks:
            if check.suite != suite:
                continue
            tests += 1
            kind = check.kind
            case = ET.SubElement(element, "testcase", classname=check.classname, name=_x(check.family))
            failing = [f for f in check.findings if view.fails(f, threshold)]
            if failing:
                failures += 1
                first = failing[0]
                failure = ET.SubElement(case, "failure", message=_x(first.message), type=kind)
                failure.text = _x("\n\n".join(details(f, result, words) for f in failing))
            elif check.findings:
                out = ET.SubElement(case, "system-out")
                out.text = _x("\n\n".join(
                    f"[{f.severity}{', ' + words('baselined') if f.baselined else ''}] " + details(f, result, words)
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


def details(finding: Finding, result: AuditedResult, words) -> str:
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
