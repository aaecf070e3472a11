"""One fixed audited result that every report test renders, with hostile strings and a planted secret.

``sample_result(output_dir)`` builds an ``AuditedResult`` of a made-up municipal site over three
phases: cookies of several purposes and parties (one named like an HTML tag, one refused by the
browser), storage, trackers, pages (one titled with ``</script>``), the banner in every phase with
real PNG screenshots written into ``output_dir``, a declaration, findings of many kinds (one
baselined), changes since a compared scan and the audit's own record. ``SECRET`` is planted as a
cookie value, a storage value, a cookie change and a request-URL identifier, as a scan run with
``--include-values`` would keep them; no report may show it unless values are asked for.
"""

from __future__ import annotations

import struct
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cookieaudit.auditing.model import (
    AuditedResult, AuditInfo, Changes, Finding, FindingEvidence, FindingRef, ObservedItem, PhaseChanges, StatementQuote,
)
from cookieaudit.models import (
    BrowserInfo, Cookie, CookieChange, ErrorEntry, Page, PhaseBanner, PhaseInfo, RequestGroup, RequestRecord, SetBy,
    StorageEntry, ToolInfo,
)
from cookieaudit.options import ScanOptions
from cookieaudit.statement.model import Claims, DeclaredCookie, DeclaredService, Declaration, Evidence, Position, SourceInfo

SECRET = "S3CR3T-planted-value-9f8e7d"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = "Afval </script><script>alert(2)</script> & meer"
SITE = "https://www.voorbeeldstad.nl/"
STATEMENT = "https://www.voorbeeldstad.nl/privacy"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
PHASES = ("before_consent", "after_reject", "after_accept")


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour PNG (no imaging library needed)."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def _evidence(text: str, section: str, line: int) -> Evidence:
    return Evidence(text=text, source=STATEMENT, section=section, position=Position(line=line, char_start=0, char_end=len(text)))


def _cookie(name, phase, *, domain="voorbeeldstad.nl", party="first", purpose="functional", vendor=None, rule_id=None,
            days=None, stored_days=None, set_by=None, value="v", stored=True, reason=None, first_seen=SITE, changes=()):
    return Cookie(
        name=name, domain=domain, host_only=False, path="/", session=days is None,
        expires=None if days is None else T0 + timedelta(days=stored_days or days),
        max_age_days=days, stored_max_age_days=stored_days if stored_days is not None else days,
        party=party, purpose=purpose, vendor=vendor, vendor_id=vendor and vendor.lower().replace(" ", "-"),
        rule_id=rule_id, set_by=set_by, first_seen_url=first_seen, first_seen_at=T0, stored=stored, reason=reason,
        reason_source="cdp" if reason else None, phase=phase, value=value, changes=list(changes),
    )


def _observed(name, phase, purpose, vendor=None, party="first", url=SITE, setter=None, days=None):
    return ObservedItem(type="cookie", name=name, domain="voorbeeldstad.nl", party=party, phase=phase,
                        first_seen_url=url, set_by=setter, purpose=purpose, vendor=vendor, max_age_days=days,
                        session=days is None)


def sample_result(output_dir: Path | None = None) -> AuditedResult:
    """The fixed result; with ``output_dir``, banner screenshots are written there (paths relative to it)."""
    gtag = SetBy(kind="script", url="https://www.googletagmanager.com/gtag/js?id=G-ABC", party="third")
    header = SetBy(kind="header", url=SITE, party="first")
    pages, cookies, storage, requests, phases = [], [], [], [], []
    colours = {"shown": (250, 250, 250), "clicked": (230, 40, 40), "after": (40, 120, 230)}
    for index, phase in enumerate(PHASES):
        pages += [
            Page(url=SITE, final_url=SITE, status=200, title="Home", source="start", phase=phase, visited_at=T0),
            Page(url=SITE + "afval", final_url=SITE + "afval", status=200, title=HOSTILE_TITLE, phase=phase, depth=1,
                 visited_at=T0),
        ]
        cookies.append(_cookie("sessie", phase, set_by=header, value=SECRET,
                               changes=[CookieChange(at=T0, page_url=SITE + "afval", value=SECRET + "-2")]))
        cookies.append(_cookie(HOSTILE_NAME, phase, purpose="unknown", days=30, set_by=header))
        storage.append(StorageEntry(kind="localStorage", origin="https://www.voorbeeldstad.nl", key="voorkeur",
                                    party="first", value=SECRET, phase=phase, first_seen_url=SITE))
        if phase != "after_reject":
            cookies.append(_cookie("_ga", phase, purpose="analytic", vendor="Google Analytics", rule_id="ga-client-id",
                                   days=730, stored_days=400, set_by=gtag))
            cookies.append(_cookie("_ga_ABC123", phase, purpose="analytic", vendor="Google Analytics",
                                   rule_id="ga4-session", days=730, stored_days=400, set_by=gtag))
            requests.append(RequestGroup(
                domain="google-analytics.com", party="third", tracker=True, vendor="Google Analytics",
                vendor_id="google-analytics", purpose="analytic", phase=phase, count=4,
                requests=[RequestRecord(url=f"https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC&cid={SECRET}",
                                        host="region1.google-analytics.com", phase=phase, page_url=SITE)]))
        if phase == "after_accept":
            cookies.append(_cookie("IDE", phase, domain="doubleclick.net", party="third", purpose="marketing",
                                   vendor="Google Ads", rule_id="dc-ide", days=390, set_by=SetBy(
                                       kind="header", url="https://googleads.g.doubleclick.net/pagead/id", party="third")))
            cookies.append(_cookie("test_cookie", phase, domain="doubleclick.net", party="third", purpose="marketing",
                                   vendor="Google Ads", days=0.01, stored=False, reason="ThirdPartyPhaseout"))
        shots = []
        stages = ("shown",) if phase == "before_consent" else ("shown", "clicked", "after")
        for stage in stages:
            relative = f"screenshots/{phase}/banner-{stage}.png"
            if output_dir is not None:
                path = Path(output_dir) / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(png(40 + index, 20, colours[stage]))
            shots.append({"stage": stage, "path": relative})
        action = {"after_reject": "reject", "after_accept": "accept"}.get(phase)
        phases.append(PhaseInfo(
            name=phase, started_at=T0, finished_at=T0 + timedelta(seconds=20), pages=2,
            answered_at=T0 + timedelta(seconds=3) if action else None,
            banner=PhaseBanner(detected=True, cmp="generic", action=action, verified=bool(action), clicks=1 if action else 0,
                               reject_on_first_layer=True,
                               steps=[{"action": "click", "text": "Weigeren" if action == "reject" else "Accepteren"}] if action else [],
                               screenshot=shots[0]["path"], screenshots=shots)))
    declaration = Declaration(
        language="nl",
        sources=[SourceInfo(source=STATEMENT, kind="url", title="Privacyverklaring", characters=4000, cookie_section=True)],
        cookies=[
            DeclaredCookie(pattern="sessie", match="exact", purpose="functional", lifetime="session", source=STATEMENT,
                           evidence=_evidence("sessie — houdt uw sessie bij — sessie", "Functionele cookies", 12)),
            DeclaredCookie(pattern="_ga", match="exact", vendor="Google Analytics", vendor_id="google-analytics",
                           purpose="analytic", lifetime="persistent", max_age_days=365, source=STATEMENT,
                           evidence=_evidence("_ga — Google Analytics — 1 jaar", "Analytische cookies", 20)),
            DeclaredCookie(pattern="oud_cookie", match="exact", purpose="functional", source=STATEMENT,
                           evidence=_evidence("oud_cookie — | pipe | in tekst", "Functionele cookies", 14)),
        ],
        services=[DeclaredService(name="Google Analytics", vendor="Google Analytics", vendor_id="google-analytics",
                                  purpose="analytic", source=STATEMENT,
                                  evidence=_evidence("Wij gebruiken Google Analytics.", "Analytische cookies", 18))],
        claims=Claims(only_purposes=["functional", "analytic"], analytics_privacy_friendly=True,
                      evidence=[_evidence("Wij plaatsen alleen functionele en analytische cookies.", "Cookies", 8)]),
        warnings=["1 duration could not be read"],
    )
    ga_setter = gtag
    findings = [
        Finding(id="set-before-consent:ga-client-id:before_consent", kind="set-before-consent", severity="error",
                phase="before_consent", cookies=["_ga", "_ga_ABC123"], hosts=["region1.google-analytics.com"],
                message="Analytische cookies van Google Analytics worden geplaatst voor toestemming.",
                evidence=FindingEvidence(observed=[_observed("_ga", "before_consent", "analytic", "Google Analytics",
                                                             setter=ga_setter, days=730)])),
        Finding(id="lifetime-exceeds-declared:ga-client-id", kind="lifetime-exceeds-declared", severity="error",
                phase=None, cookies=["_ga"], message="_ga blijft 730 dagen, de verklaring zegt 1 jaar.",
                evidence=FindingEvidence(
                    observed=[_observed("_ga", "after_accept", "analytic", "Google Analytics", setter=ga_setter, days=730)],
                    statement=[StatementQuote(text="_ga — Google Analytics — 1 jaar", source=STATEMENT,
                                              section="Analytische cookies", line=20)],
                    details={"declared_days": 365, "observed_days": 730})),
        Finding(id="unlisted-cookie-of-declared-service:ga4-session", kind="unlisted-cookie-of-declared-service",
                severity="warning", cookies=["_ga_ABC123"], message="_ga_ABC123 van Google Analytics staat niet in de verklaring.",
                evidence=FindingEvidence(observed=[_observed("_ga_ABC123", "after_accept", "analytic", "Google Analytics",
                                                             setter=ga_setter, days=730)])),
        Finding(id="undeclared-third-party:google-ads:after_accept", kind="undeclared-third-party", severity="error",
                phase="after_accept", cookies=["IDE"], hosts=["googleads.g.doubleclick.net"],
                message="Google Ads (derde partij) staat niet in de verklaring.",
                evidence=FindingEvidence(observed=[ObservedItem(
                    type="cookie", name="IDE", domain="doubleclick.net", party="third", phase="after_accept",
                    first_seen_url=SITE + "afval", purpose="marketing", vendor="Google Ads", max_age_days=390)])),
        Finding(id="claim-violated:only_purposes:after_accept", kind="claim-violated", severity="error", phase="after_accept",
                cookies=["IDE"], message="De verklaring zegt alleen functionele en analytische cookies; IDE is marketing.",
                evidence=FindingEvidence(statement=[StatementQuote(
                    text="Wij plaatsen alleen functionele en analytische cookies.", source=STATEMENT, section="Cookies", line=8)],
                    details={"claim": "only_purposes"})),
        Finding(id="unknown-cookie:imgsrc", kind="unknown-cookie", severity="info", phase="before_consent",
                cookies=[HOSTILE_NAME], message=f"Onbekende cookie {HOSTILE_NAME}.",
                evidence=FindingEvidence(observed=[_observed(HOSTILE_NAME, "before_consent", "unknown", days=30)])),
        Finding(id="declared-not-found:oud_cookie", kind="declared-not-found", severity="info", cookies=["oud_cookie"],
                message="oud_cookie staat in de verklaring maar is niet gezien.",
                evidence=FindingEvidence(pages_visited=[SITE, SITE + "afval"], statement=[StatementQuote(
                    text="oud_cookie — | pipe | in tekst", source=STATEMENT, section="Functionele cookies", line=14)])),
        Finding(id="reject-not-on-first-layer:after_reject", kind="reject-not-on-first-layer", severity="warning",
                phase="after_reject", message="Weigeren kost meer klikken dan accepteren.", baselined=True,
                baseline_reason="besproken met leverancier"),
    ]
    changes = Changes(
        previous="previous/result.json", previous_started_at=T0 - timedelta(days=7),
        phases={"after_accept": PhaseChanges(cookies_added=["IDE@doubleclick.net"], hosts_added=["googleads.g.doubleclick.net"]),
                "before_consent": PhaseChanges(cookies_removed=["_gid@voorbeeldstad.nl"])},
        findings_new=[FindingRef(id="undeclared-third-party:google-ads:after_accept", kind="undeclared-third-party",
                                 severity="error", phase="after_accept", cookies=["IDE"])],
        findings_resolved=[FindingRef(id="set-before-consent:ga-gid:before_consent", kind="set-before-consent",
                                      severity="error", phase="before_consent", cookies=["_gid"])],
    )
    return AuditedResult(
        site=SITE, started_at=T0, finished_at=T0 + timedelta(seconds=40), complete=True,
        tool=ToolInfo(version="0.9.0", ruleset_version="2026.11", ruleset_hash="abc123", python="3.12.1", playwright="1.64.1"),
        options=ScanOptions(pages=2, output_dir=str(output_dir) if output_dir else None),
        browser=BrowserInfo(version="141.0.7390.54", user_agent="Mozilla/5.0 (X11; Linux x86_64) Chrome/141.0.0.0",
                            locale="nl-NL", timezone="Europe/Amsterdam"),
        pages=pages, cookies=cookies, storage=storage, requests=requests,
        errors=[ErrorEntry(kind="http", message="HTTP 404", url=SITE + "oud", phase="before_consent", at=T0)],
        phases=phases, declaration=declaration, findings=findings, changes=changes,
        audit=AuditInfo(audited_at=T0 + timedelta(seconds=41), lang="nl", fail_on="error", compare="previous/result.json",
                        statement_sources=[STATEMENT], counts={"error": 4, "warning": 1, "info": 2}, failed=True,
                        verdict="4 fouten"),
    )
