"""Audited results built from the models, for tests of rows and outputs without a browser."""

from __future__ import annotations

from datetime import datetime, timezone

from cookieaudit.auditing.model import AuditedResult, AuditInfo, Finding
from cookieaudit.models import BrowserInfo, Cookie, Page, PhaseBanner, PhaseInfo, RequestGroup, ToolInfo
from cookieaudit.options import ScanOptions
from cookieaudit.statement.discover import StatementDiscovery

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def cookie(name, phase, domain="www.denhaag.nl", party="first", purpose="functional", **kwargs) -> Cookie:
    return Cookie(name=name, domain=domain, host_only=True, session=kwargs.pop("session", False), party=party,
                  purpose=purpose, phase=phase, **kwargs)


def audited_result(site="https://www.denhaag.nl/", complete=True, audit=True) -> AuditedResult:
    """Three phases, a generic banner, one tracker before consent, three findings (one baselined)."""
    phases = [PhaseInfo(name="before_consent", started_at=NOW, pages=3),
              PhaseInfo(name="after_reject", started_at=NOW, pages=3,
                        banner=PhaseBanner(detected=True, cmp="generic", action="reject", verified=True)),
              PhaseInfo(name="after_accept", started_at=NOW, pages=3,
                        banner=PhaseBanner(detected=True, cmp="generic", action="accept", verified=True))]
    cookies = [cookie("PHPSESSID", "before_consent", max_age_days=None, session=True),
               cookie("_ga", "before_consent", domain="denhaag.nl", purpose="analytic", vendor="Google Analytics",
                      max_age_days=730.0, stored_max_age_days=400.0),
               cookie("=cmd|' /C calc'!A0", "before_consent", purpose="unknown"),
               cookie("PHPSESSID", "after_reject", session=True),
               cookie("PHPSESSID", "after_accept", session=True),
               cookie("_ga", "after_accept", domain="denhaag.nl", purpose="analytic", vendor="Google Analytics",
                      max_age_days=730.0, stored_max_age_days=400.0)]
    requests = [RequestGroup(domain="google-analytics.com", party="third", tracker=True, phase="before_consent", count=2),
                RequestGroup(domain="googletagmanager.com", party="third", tracker=True, phase="before_consent", count=1),
                RequestGroup(domain="cdn.example.nl", party="third", tracker=False, phase="after_reject", count=1),
                RequestGroup(domain="google-analytics.com", party="third", tracker=True, phase="after_accept", count=2)]
    findings = [Finding(id="set-before-consent:_ga", kind="set-before-consent", severity="error", phase="before_consent",
                        cookies=["_ga"], message="_ga is set before consent."),
                Finding(id="unknown-cookie:x", kind="unknown-cookie", severity="info", phase="before_consent",
                        cookies=["=cmd|' /C calc'!A0"], message="Unknown cookie."),
                Finding(id="undeclared-cookie:_ga", kind="undeclared-cookie", severity="warning", cookies=["_ga"],
                        message="_ga is not declared.", baselined=True)]
    pages = [Page(url=site, final_url=site, status=200, source="start", phase="before_consent")]
    info = AuditInfo(audited_at=NOW, lang="nl", counts={"error": 1, "warning": 0, "info": 1}, failed=True,
                     statement_sources=["https://www.denhaag.nl/cookies"],
                     statement_discovery=StatementDiscovery(url="https://www.denhaag.nl/cookies", text="Cookieverklaring",
                                                            area="footer", kind="cookie", reason="footer link"))
    return AuditedResult(site=site, started_at=NOW, finished_at=NOW, complete=complete,
                         interrupted=None if complete else "SIGTERM", tool=ToolInfo(version="0"),
                         options=ScanOptions(), browser=BrowserInfo(), pages=pages, cookies=cookies,
                         requests=requests, phases=phases, findings=findings if audit else [],
                         audit=info if audit else None)
