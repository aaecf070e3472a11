"""``PageAudit``: what a Playwright page does with cookies, storage and trackers, recorded while a
team's own end-to-end test drives it (the ``cookie_audit`` pytest fixture wraps one).

Attached to a sync Playwright page before its first navigation, it records every Set-Cookie
header (with the response that set it), every ``document.cookie`` / Cookie Store write (with the
calling script, through the scanner's own init script), every request to another site, and the
cookie jar and Web Storage as they stand. Everything is in the current consent *phase*:
``before_consent`` until ``accept()`` / ``reject()`` answer the banner (or the test says it did
with ``consent_given("accept")``). Observations are the scanner's models (``Cookie``,
``RequestGroup``, ``StorageEntry``), classified by the same rule set; values are never kept.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Iterable, Optional, Union
from urllib.parse import urlsplit

from .models import Cookie, RequestGroup, RequestRecord, SetBy, StorageEntry

__all__ = ["PageAudit", "TrackingBeforeConsent"]

PHASES = ("before_consent", "after_reject", "after_accept")
PURPOSES = ("functional", "analytic", "marketing", "unknown")
NON_FUNCTIONAL = ("analytic", "marketing")
_STORAGE_JS = """() => {
  const out = [];
  for (const [kind, area] of [["localStorage", window.localStorage], ["sessionStorage", window.sessionStorage]]) {
    try { for (let i = 0; i < area.length; i++) out.push([kind, area.key(i)]); } catch (e) {}
  }
  return {origin: location.origin, keys: out};
}"""


class TrackingBeforeConsent(AssertionError):
    """Non-functional cookies or tracker requests before the visitor consented."""


@dataclass
class _Setter:
    kind: str
    url: Optional[str]
    page_url: Optional[str]
    max_age: Optional[float]  # seconds the site asked for; None for a session cookie


class PageAudit:
    """Records a sync Playwright page's cookies, storage and third-party requests, per consent phase."""

    def __init__(self, page):
        self.page = page
        self.context = page.context
        self.phase = "before_consent"
        self.site: Optional[str] = None  # the first page visited decides first and third party
        self._setters: dict[tuple[str, str], _Setter] = {}  # (name, host) -> who set it first
        self._cookies: dict[tuple, Cookie] = {}
        self._storage: dict[tuple, StorageEntry] = {}
        self._requests: list[tuple[str, str, Optional[str], Optional[str]]] = []  # (phase, url, type, page)
        self._closed = False
        self.context.on("response", self._on_response)
        self.context.on("request", self._on_request)
        page.on("load", lambda _page: self.snapshot())
        try:
            from .scanner import instrumentation  # the scanner's init script and the binding name it reports through

            self.context.expose_binding(instrumentation.BINDING, self._on_report)
            self.context.add_init_script(script=instrumentation.source())
        except Exception as exc:  # a second recorder on the same context: header evidence still works
            if "already registered" not in str(exc):
                raise

    # -- recording ------------------------------------------------------------------------
    def _page_url(self) -> Optional[str]:
        try:
            url = self.page.url
        except Exception:
            return None
        if url.startswith(("http://", "https://")):
            if self.site is None:
                self.site = url
            return url
        return None

    def _on_response(self, response) -> None:
        if self._closed:
            return
        try:
            lines = response.header_values("set-cookie")
        except Exception:
            return
        from .scanner.cookiewrite import parse_cookie_string

        host = urlsplit(response.url).hostname or ""
        for line in lines:
            write = parse_cookie_string(line, time.time())
            if write is not None:
                domain = (write.domain or host).lstrip(".")
                self._setters.setdefault((write.name, domain), _Setter("header", response.url, self._page_url(), write.max_age))

    def _on_report(self, source, events) -> None:
        """The init script's reports: a batch (list) of events, one binding call per task."""
        if isinstance(events, str):  # the init script sends JSON batches
            try:
                events = json.loads(events)
            except ValueError:
                return
        for event in events if isinstance(events, list) else [events]:
            self._on_cookie_event(source, event)

    def _on_cookie_event(self, source, event) -> None:
        if self._closed or not isinstance(event, dict) or event.get("type") != "cookie":
            return
        from .scanner.cookiewrite import from_cookie_store, parse_cookie_string

        if event.get("api") == "cookieStore":
            write = from_cookie_store(event.get("options") or {}, time.time(), bool(event.get("deleted")))
            kind = "cookie-store"
        else:
            write = parse_cookie_string(str(event.get("raw", "")), time.time())
            kind = "script"
        if write is None:
            return
        frame = source.get("frame") if isinstance(source, dict) else None
        try:
            frame_url = frame.url if frame is not None else ""
        except Exception:
            frame_url = ""
        host = urlsplit(frame_url).hostname or ""
        domain = (write.domain or host).lstrip(".")
        self._setters.setdefault((write.name, domain),
                                _Setter(kind, event.get("script") or frame_url or None, self._page_url(), write.max_age))

    def _on_request(self, request) -> None:
        if self._closed:
            return
        page_url = self._page_url()
        try:
            resource_type = request.resource_type
        except Exception:
            resource_type = None
        self._requests.append((self.phase, request.url, resource_type, page_url))

    def snapshot(self) -> None:
        """Read the cookie jar and the page's Web Storage into the current phase."""
        if self._closed:
            return
        from .classifier import classify

        page_url = self._page_url()
        try:
            jar = self.context.cookies()
        except Exception:
            return
        for item in jar:
            key = (item["name"], item["domain"].lstrip("."), item.get("path", "/"), self.phase)
            if key in self._cookies:
                continue
            self._cookies[key] = self._cookie(item, page_url, classify)
        try:
            storage = self.page.main_frame.evaluate(_STORAGE_JS)
        except Exception:
            storage = None
        if storage and str(storage.get("origin", "")).startswith("http"):
            from .domains import party

            for kind, name in storage["keys"]:
                key = (kind, storage["origin"], name, self.phase)
                if key not in self._storage:
                    self._storage[key] = StorageEntry(
                        kind=kind, origin=storage["origin"], key=name, phase=self.phase, first_seen_url=page_url,
                        party=party(urlsplit(storage["origin"]).hostname or "", self.site or storage["origin"]))

    def _cookie(self, item: dict, page_url: Optional[str], classify) -> Cookie:
        from .scanner.cookiewrite import epoch_to_datetime, requested_days

        domain = item["domain"].lstrip(".")
        expires = item.get("expires")
        session = expires is None or expires < 0
        days = None if session else max(0.0, (expires - time.time()) / 86400)
        found = classify(item["name"], domain=domain, site=self.site, expires=None if session else expires)
        setter = self._setters.get((item["name"], domain))
        if setter is None:  # a domain cookie written for a parent domain
            setter = next((s for (name, host), s in self._setters.items()
                           if name == item["name"] and (host.endswith("." + domain) or domain.endswith("." + host))), None)
        set_by = None
        if setter is not None:
            from .domains import party

            setter_host = urlsplit(setter.url or "").hostname
            set_by = SetBy(kind=setter.kind, url=setter.url,
                           party=party(setter_host, self.site) if setter_host and self.site else None)
        return Cookie(
            name=item["name"], domain=domain, host_only=not item["domain"].startswith("."), path=item.get("path", "/"),
            expires=None if session else epoch_to_datetime(expires), session=session,
            max_age_days=requested_days(setter.max_age) if setter is not None and setter.max_age is not None else days,
            stored_max_age_days=days, http_only=bool(item.get("httpOnly")), secure=bool(item.get("secure")),
            same_site=item.get("sameSite") if item.get("sameSite") in ("Strict", "Lax", "None") else None,
            party=found.party or "first", purpose=found.purpose, vendor=found.vendor, vendor_id=found.vendor_id,
            rule_id=found.rule_id, set_by=set_by, first_seen_url=(setter.page_url if setter else None) or page_url,
            phase=self.phase, value=None,
        )

    # -- consent ----------------------------------------------------------------------------
    def consent_given(self, action: str) -> None:
        """Say the test's own steps answered the banner (``accept`` or ``reject``): later observations
        belong to ``after_accept`` / ``after_reject``."""
        if action not in ("accept", "reject"):
            raise ValueError("action must be 'accept' or 'reject'")
        self.snapshot()
        self.phase = f"after_{action}"

    def accept(self, **options):
        """Click "accept all" on the page's banner (consent_banner), then record as after_accept."""
        import consent_banner

        self.snapshot()
        outcome = consent_banner.accept(self.page, **options)
        self.phase = "after_accept"
        return outcome

    def reject(self, **options):
        """Reject on the page's banner (consent_banner), then record as after_reject."""
        import consent_banner

        self.snapshot()
        outcome = consent_banner.reject(self.page, **options)
        self.phase = "after_reject"
        return outcome

    # -- what the test asks -------------------------------------------------------------------
    def cookies(self, purpose: Union[str, Iterable[str], None] = None, phase: Union[str, Iterable[str], None] = None
                ) -> list[Cookie]:
        """Cookies seen so far (a fresh snapshot first), optionally of some purposes and phases."""
        purposes, phases = _as_set(purpose, PURPOSES, "purpose"), _as_set(phase, PHASES, "phase")
        self.snapshot()
        return [c for c in self._cookies.values()
                if (purposes is None or c.purpose in purposes) and (phases is None or c.phase in phases)]

    def storage(self, phase: Union[str, Iterable[str], None] = None) -> list[StorageEntry]:
        """localStorage and sessionStorage keys seen on the visited pages (values are not kept)."""
        phases = _as_set(phase, PHASES, "phase")
        self.snapshot()
        return [e for e in self._storage.values() if phases is None or e.phase in phases]

    def trackers(self, phase: Union[str, Iterable[str], None] = None, everything: bool = False) -> list[RequestGroup]:
        """Requests to other sites per phase, grouped by registrable domain; trackers only unless ``everything``."""
        from .classifier import classify_host
        from .domains import registrable_domain, same_site
        from .scanner.urls import redact_url

        phases = _as_set(phase, PHASES, "phase")
        site_host = urlsplit(self.site or "").hostname or ""
        groups: dict[tuple[str, str], RequestGroup] = {}
        for req_phase, url, resource_type, page_url in list(self._requests):
            host = urlsplit(url).hostname
            if not host or (phases is not None and req_phase not in phases) or not url.startswith("http"):
                continue
            if site_host and same_site(host, site_host):
                continue
            found = classify_host(host)
            if not (found.tracker or everything):
                continue
            domain = registrable_domain(host)
            group = groups.get((req_phase, domain))
            if group is None:
                group = groups[(req_phase, domain)] = RequestGroup(
                    domain=domain, party="third", tracker=found.tracker, vendor=found.vendor, vendor_id=found.vendor_id,
                    purpose=found.purpose, phase=req_phase, count=0)
            group.count += 1
            if len(group.requests) < 20:
                group.requests.append(RequestRecord(url=redact_url(url), host=host, resource_type=resource_type,
                                                    page_url=page_url, phase=req_phase))
        return list(groups.values())

    def assert_no_tracking_before_consent(self) -> None:
        """Fail, listing each analytic or marketing cookie (with who set it) and each tracker request
        made before consent."""
        cookies = self.cookies(purpose=NON_FUNCTIONAL, phase="before_consent")
        trackers = [g for g in self.trackers(phase="before_consent") if g.purpose in NON_FUNCTIONAL or g.purpose is None]
        if not cookies and not trackers:
            return
        lines = [f"tracking before consent on {self.site or self.page.url}:"]
        for cookie in cookies:
            setter = "unknown setter"
            if cookie.set_by is not None:
                setter = f"set by {cookie.set_by.kind} {cookie.set_by.url or ''}".rstrip()
            vendor = f", {cookie.vendor}" if cookie.vendor else ""
            lines.append(f"  cookie {cookie.name} ({cookie.domain}) — {cookie.purpose}{vendor}; {setter}; "
                         f"first seen on {cookie.first_seen_url or '?'}")
        for group in trackers:
            example = group.requests[0].url if group.requests else ""
            lines.append(f"  tracker {group.domain} — {group.purpose or 'unknown'}"
                         f"{', ' + group.vendor if group.vendor else ''}; {group.count} request(s), e.g. {example}")
        from .safety import terminal_safe  # names and URLs are the site's: no escape sequences in test output

        raise TrackingBeforeConsent("\n".join(terminal_safe(line) for line in lines))

    def close(self) -> None:
        """Stop recording (the page and context stay as they are)."""
        self._closed = True


def _as_set(value, allowed: tuple[str, ...], what: str) -> Optional[set]:
    """The asked values as a set (None: all); ValueError for a value that can never match, so that
    ``cookies(phase="after-reject") == []`` fails instead of passing for ever."""
    if value is None:
        return None
    values = {value} if isinstance(value, str) else set(value)
    unknown = sorted(str(v) for v in values - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(map(repr, unknown))}; choose from {', '.join(allowed)}")
    return values
