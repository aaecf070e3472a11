"""Scan results and declarations built in a line each, for browser-free audit tests.

Cookies are classified by the built-in rule set as the scanner classifies them (name, domain,
site), so a test states what a site did, not what the rule set says about it. Declarations
are built directly (not parsed), so these tests do not depend on the statement reader.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional, Sequence

from cookieaudit.classifier import classify, classify_host
from cookieaudit.domains import party, registrable_domain
from cookieaudit.models import (BrowserInfo, Cookie, Page, PhaseBanner, PhaseInfo, RequestGroup, RequestRecord,
                                ScanResult, SetBy, StorageEntry, ToolInfo)
from cookieaudit.options import ScanOptions
from cookieaudit.statement.model import (Claims, DeclaredCookie, DeclaredService, Declaration, Evidence, Position,
                                         SourceInfo)

SITE = "https://www.voorbeeldstad.nl/"
HOST = "www.voorbeeldstad.nl"
T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=timezone.utc)
ANSWERED = T0 + timedelta(seconds=5)  # when the banner is answered in the after_* phases
ALL_PHASES = ("before_consent", "after_reject", "after_accept")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def cookie(name: str, domain: str = ".voorbeeldstad.nl", phase: str = "before_consent", *, days: Optional[float] = None,
           seen: float = 1.0, written: Optional[float] = None, stored: bool = True, setter: Optional[str] = None,
           page: str = SITE) -> Cookie:
    """A cookie as the scanner records it; ``days=None`` is a session cookie; ``seen``/``written``
    are seconds after T0 of the first and last write."""
    bare = domain.lstrip(".")
    found = classify(name, domain=bare, site=SITE)
    return Cookie(
        name=name, domain=bare, host_only=not domain.startswith("."), session=days is None,
        expires=None if days is None else at(seen) + timedelta(days=days), max_age_days=days,
        stored_max_age_days=None if days is None else min(days, 400), party=party(bare, SITE),
        purpose=found.purpose, vendor=found.vendor, vendor_id=found.vendor_id, rule_id=found.rule_id,
        set_by=SetBy(kind="script", url=setter, party=party(setter, SITE)) if setter else None,
        first_seen_url=page, first_seen_at=at(seen), last_written_at=at(written if written is not None else seen),
        stored=stored, reason=None if stored else "refused", phase=phase,
    )


def storage(key: str, origin: str = "https://www.voorbeeldstad.nl", phase: str = "before_consent", *,
            kind: str = "localStorage", seen: float = 1.0) -> StorageEntry:
    return StorageEntry(kind=kind, origin=origin, key=key, party=party(origin, SITE), first_seen_url=SITE,
                        first_seen_at=at(seen), phase=phase)


def request(url: str, phase: str = "before_consent", *, seen: float = 1.0) -> RequestRecord:
    host = url.split("/")[2]
    return RequestRecord(url=url, host=host, resource_type="script", page_url=SITE, frame_url=SITE, at=at(seen),
                         phase=phase)


def _groups(records: Sequence[RequestRecord]) -> list[RequestGroup]:
    groups: dict[tuple, list] = {}
    for record in records:
        groups.setdefault((record.phase, registrable_domain(record.host)), []).append(record)
    out = []
    for (phase, domain), items in groups.items():
        known = classify_host(items[0].host)
        out.append(RequestGroup(domain=domain, party="third", tracker=known.tracker, vendor=known.vendor,
                                vendor_id=known.vendor_id, purpose=known.purpose, phase=phase, count=len(items),
                                requests=items))
    return out


def banner(detected: bool = True, *, verified: bool = True, reason: Optional[str] = None, first_layer: Optional[bool] = True,
           steps: Sequence[dict] = (), action: str = "reject") -> PhaseBanner:
    return PhaseBanner(detected=detected, action=action, verified=verified, reason=reason,
                       reject_on_first_layer=first_layer if detected else None, steps=list(steps),
                       clicks=1 if detected else 0, screenshot="screenshots/banner.png" if detected else None)


def scan(cookies: Sequence[Cookie] = (), *, storage: Sequence[StorageEntry] = (), requests: Sequence[RequestRecord] = (),
         phases: Sequence[str] = ALL_PHASES, banners: Optional[dict] = None, answered: Optional[dict] = None,
         pages: Sequence[str] = (SITE, SITE + "afval", SITE + "contact"), site: str = SITE) -> ScanResult:
    """A ScanResult; the after_* phases get a verified banner answered at ANSWERED unless ``banners`` says otherwise."""
    banners = dict(banners or {})
    infos = []
    for name in phases:
        action = {"after_reject": "reject", "after_accept": "accept"}.get(name)
        record = banners.get(name, banner(action=action) if action else None)
        when = (answered or {}).get(name, ANSWERED if record is not None and record.detected else None)
        infos.append(PhaseInfo(name=name, started_at=T0, finished_at=at(60), answered_at=when, banner=record,
                               pages=len(pages)))
    return ScanResult(
        site=site, started_at=T0, finished_at=at(60), tool=ToolInfo(version="test"),
        options=ScanOptions(consent="all" if len(phases) == 3 else "none"), browser=BrowserInfo(),
        pages=[Page(url=url, final_url=url, status=200, phase=phase, title="p") for phase in phases for url in pages],
        cookies=list(cookies), storage=list(storage), requests=_groups(requests), phases=infos,
    )


def evidence(text: str, source: str = "privacy.html", section: Optional[str] = "Cookies") -> Evidence:
    return Evidence(text=text, source=source, position=Position(line=1, char_start=0, char_end=len(text)), section=section)


def declared(pattern: str, match: str = "exact", *, vendor: Optional[str] = None, vendor_id: Optional[str] = None,
             purpose: Optional[str] = None, lifetime: Optional[str] = None, days: Optional[float] = None) -> DeclaredCookie:
    return DeclaredCookie(pattern=pattern, match=match, vendor=vendor, vendor_id=vendor_id, purpose=purpose,
                          lifetime=lifetime, max_age_days=days, source="privacy.html",
                          evidence=evidence(f"{pattern} | {purpose or ''} | {days or lifetime or ''}"))


def service(name: str, *, vendor: Optional[str] = None, vendor_id: Optional[str] = None, purpose: Optional[str] = None,
            lifetime: Optional[str] = None, days: Optional[float] = None) -> DeclaredService:
    return DeclaredService(name=name, vendor=vendor, vendor_id=vendor_id, purpose=purpose, lifetime=lifetime,
                           max_age_days=days, source="privacy.html", evidence=evidence(f"Wij gebruiken {name}."))


def declaration(cookies: Sequence[DeclaredCookie] = (), services: Sequence[DeclaredService] = (), *,
                claims: Optional[Claims] = None, language: str = "nl") -> Declaration:
    return Declaration(language=language, sources=[SourceInfo(source="privacy.html", kind="html", cookie_section=True)],
                       cookies=list(cookies), services=list(services), claims=claims or Claims())


def claims(**values) -> Claims:
    quotes = values.pop("quotes", ["Wij gebruiken alleen functionele cookies."])
    return Claims(evidence=[evidence(q) for q in quotes], **values)


def kinds(result) -> list[tuple]:
    """(kind, phase, sorted names) of every finding: a compact view to assert on."""
    return sorted((f.kind, f.phase, tuple(sorted(f.cookies + f.storage + f.hosts))) for f in result.findings)


def by_kind(result, kind: str) -> list:
    return [f for f in result.findings if f.kind == kind]
