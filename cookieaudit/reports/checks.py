"""The checks a result answers: one per finding kind and cookie family (or site-wide kind), with the
findings that concern it. JUnit test cases and the pytest plugin's test items are these checks.

Every family observed in a phase is checked for the consent kinds of that phase; once a statement
was compared, every family for the declaration kinds (in the ``site`` suite); banner, claim and
statement kinds are one check each. A finding the plan did not foresee gets a check of its own, so
none is ever dropped. Names are stable across runs (families fold random suffixes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..auditing.model import AuditedResult, Finding
from . import view

__all__ = ["Check", "SITE_SUITE", "checks_of", "suites_of"]

SITE_SUITE = "site"

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


@dataclass
class Check:
    """One check: ``kind`` applied to ``family`` in ``suite`` (a phase, or ``site``)."""

    suite: str
    kind: str
    family: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def classname(self) -> str:
        return f"cookieaudit.{self.suite}.{self.kind}"


def _families(result: AuditedResult) -> dict[str, str]:
    """cookie name -> family (first record wins)."""
    out: dict[str, str] = {}
    for cookie in result.cookies:
        out.setdefault(cookie.name, view.family_of(cookie.name, cookie.rule_id))
    return out


def _checks(result: AuditedResult) -> dict[tuple[str, str, str], Check]:
    cases: dict[tuple[str, str, str], Check] = {}

    def add(suite: str, kind: str, family: str) -> None:
        cases.setdefault((suite, kind, family), Check(suite, kind, family))

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
            cases[(suite, finding.kind, fam)] = Check(suite, finding.kind, fam, [finding])


def checks_of(result: AuditedResult) -> list[Check]:
    """Every check of the result, with its findings attached, sorted by suite order, kind and family."""
    cases = _checks(result)
    family = _families(result)
    for finding in result.findings:
        _place(finding, cases, family)
    order = {suite: index for index, suite in enumerate(suites_of(result, cases.values()))}
    return sorted(cases.values(), key=lambda c: (order[c.suite], c.kind, c.family))


def suites_of(result: AuditedResult, checks) -> list[str]:
    """The phases in run order, any other suite a check names, and ``site`` last."""
    suites = [*view.phases_of(result)]
    for check in checks:
        if check.suite not in suites and check.suite != SITE_SUITE:
            suites.append(check.suite)
    return suites + [SITE_SUITE]
