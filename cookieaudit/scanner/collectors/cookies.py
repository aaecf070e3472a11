"""Cookies: the jar after every page, with who set each cookie and what the browser refused.

Evidence comes from three places. Every response's ``Set-Cookie`` headers (Playwright
reports responses of every frame, cross-site iframes included); the init script's reports
of ``document.cookie`` and CookieStore writes with the calling script; and the DevTools
protocol's ``Network.responseReceivedExtraInfo``, whose ``blockedCookies`` say why the
browser refused a header cookie. The jar (``Storage.getCookies``) after each page is the
truth about what was stored; evidence only says who set it and what was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ...domains import host_of, party, registrable_domain
from ...models import Cookie, CookieChange, SetBy
from ..cookiewrite import CookieWrite, epoch_to_datetime, from_cookie_store, parse_cookie_string, requested_days
from ..urls import redact_url
from .base import Collector, Visit, utcnow

__all__ = ["CookieCollector", "infer_refusal"]

JAR_TIMEOUT = 5.0


@dataclass
class _Evidence:
    """A cookie write and where it came from."""

    write: CookieWrite
    kind: str  # header | script | cookie-store
    url: Optional[str]  # response URL or calling script
    setter_host: str  # host the write applies to: response host or the frame's host
    page_url: Optional[str]  # top-level page it happened on


@dataclass
class _Seen:
    """A cookie as tracked across jar snapshots."""

    jar: dict
    first_seen_url: Optional[str]
    first_seen_at: float
    changes: list
    jar_at: float  # when ``jar`` was read


def _partition_site(cookie: dict) -> Optional[str]:
    """The top-level site a partitioned (CHIPS) cookie is keyed to; None when unpartitioned."""
    key = cookie.get("partitionKey")
    return key.get("topLevelSite") if isinstance(key, dict) else key


def _key(cookie: dict) -> tuple:
    return cookie["name"], cookie["domain"], cookie.get("path", "/"), _partition_site(cookie)


class CookieCollector(Collector):
    """Records the cookie jar after every page and attributes each cookie to its setter."""

    name = "cookies"
    result_field = "cookies"
    script_events = ("cookie",)

    def __init__(self, state):
        super().__init__(state)
        self.evidence: list[_Evidence] = []
        self.blocked: dict[str, list[str]] = {}  # Set-Cookie line -> DevTools blocked reasons
        self.seen: dict[tuple, _Seen] = {}
        self.ever_stored: set[tuple] = set()  # (name, domain without dot)
        self._browser = None
        self._cdp_frames: set = set()

    # -- browser hooks ---------------------------------------------------------------
    async def attach(self, browser) -> None:
        self._browser = browser
        browser.context.on("response", self._on_response)

    async def tab_opened(self, tab) -> None:
        await self._watch_blocked(tab)
        tab.on("framenavigated", self._on_frame_navigated)

    def _on_frame_navigated(self, frame) -> None:
        parent = frame.parent_frame
        # Cross-site frames run in their own process (OOPIF) with their own DevTools session.
        if parent is None or frame in self._cdp_frames:
            return
        if registrable_domain(host_of(frame.url)) == registrable_domain(host_of(parent.url)):
            return
        self._cdp_frames.add(frame)
        self.spawn(self._watch_blocked(frame))

    async def _watch_blocked(self, target) -> None:
        try:
            session = await self._browser.context.new_cdp_session(target)
            session.on("Network.responseReceivedExtraInfo", self._on_extra_info)
            await session.send("Network.enable")
        except Exception:  # a same-process frame has no session of its own; a closed tab has none at all
            return

    def _on_extra_info(self, event: dict) -> None:
        for blocked in event.get("blockedCookies") or ():
            line = blocked.get("cookieLine")
            reasons = blocked.get("blockedReasons") or []
            if line and reasons:
                self.blocked[line] = list(reasons)

    def _on_response(self, response) -> None:
        self.spawn(self._record_headers(response))

    async def _record_headers(self, response) -> None:
        headers = await response.headers_array()
        lines = [h["value"] for h in headers if h["name"].lower() == "set-cookie"]
        if not lines:
            return
        at = utcnow().timestamp()
        url = response.url
        page_url = self._page_url(response.frame)
        for block in lines:
            for line in block.split("\n"):  # some stacks fold several cookies into one header value
                write = parse_cookie_string(line, at)
                if write is not None:
                    self.evidence.append(_Evidence(write, "header", url, host_of(url), page_url))

    def _page_url(self, frame) -> Optional[str]:
        try:
            visit = self.state.visit_of(frame.page)
        except Exception:
            visit = self.state.last_visit
        return visit.url if visit else None

    def on_script_event(self, event: dict, frame_url: str, tab) -> None:
        at = float(event.get("at") or utcnow().timestamp() * 1000) / 1000.0
        if event.get("api") == "cookieStore":
            write = from_cookie_store(event.get("options") or {}, at, bool(event.get("deleted")))
            kind = "cookie-store"
        else:
            write = parse_cookie_string(str(event.get("raw", "")), at)
            kind = "script"
        if write is None:
            return
        visit = self.state.visit_of(tab)
        script = event.get("script") or frame_url
        self.evidence.append(_Evidence(write, kind, script, host_of(frame_url), visit.url if visit else None))

    async def after_visit(self, visit: Visit) -> None:
        await self.settle_tasks()
        reply = await self._browser.cdp.send("Storage.getCookies")
        self._snapshot(reply.get("cookies", []), visit)

    def _snapshot(self, jar: list[dict], visit: Visit) -> None:
        now = utcnow().timestamp()
        for cookie in jar:
            key = _key(cookie)
            self.ever_stored.add((cookie["name"], cookie["domain"].lstrip(".")))
            seen = self.seen.get(key)
            if seen is None:
                self.seen[key] = _Seen(cookie, visit.url, now, [], now)
                continue
            old = seen.jar
            value_changed = old.get("value") != cookie.get("value")
            expiry_changed = _lifetime_changed(old, seen.jar_at, cookie, now)
            if value_changed or expiry_changed:
                seen.changes.append(CookieChange(
                    at=epoch_to_datetime(now), page_url=visit.url,
                    value=self.state.value(cookie.get("value")) if value_changed else None,
                    expires=_expiry(cookie) if expiry_changed else None,
                ))
            seen.jar = cookie
            seen.jar_at = now

    # -- results ---------------------------------------------------------------------
    def results(self) -> list[Cookie]:
        cookies = [self._stored_cookie(seen) for seen in self.seen.values()]
        cookies += self._refused_cookies()
        return cookies

    def _writes(self, name: str, domain: str) -> list[_Evidence]:
        """Evidence that could have set this cookie, oldest first."""
        found = [e for e in self.evidence if not e.write.deletes and e.write.matches(name, domain, e.setter_host)]
        return sorted(found, key=lambda e: e.write.at)

    def _stored_cookie(self, seen: _Seen) -> Cookie:
        jar = seen.jar
        domain = jar["domain"].lstrip(".")
        writes = self._writes(jar["name"], domain)
        evidence = writes[0] if writes else None  # who set it first
        # The stored lifetime counts from the write that produced the jar entry as last read.
        latest = next((e for e in reversed(writes) if e.write.at <= seen.jar_at), evidence)
        set_at = latest.write.at if latest else seen.first_seen_at
        session = bool(jar.get("session")) or float(jar.get("expires", -1)) < 0
        stored_days = None if session else requested_days(float(jar["expires"]) - set_at)
        partition_site = _partition_site(jar)
        return Cookie(
            name=jar["name"],
            domain=domain,
            host_only=not jar["domain"].startswith("."),
            path=jar.get("path", "/"),
            expires=None if session else _expiry(jar),
            session=session,
            max_age_days=latest.write.max_age_days if latest else None,
            stored_max_age_days=stored_days,
            http_only=bool(jar.get("httpOnly")),
            secure=bool(jar.get("secure")),
            same_site=jar.get("sameSite"),
            partitioned=partition_site is not None,
            partition_key=partition_site,
            party=self.state.party(domain),
            set_by=self._set_by(evidence),
            first_seen_url=(evidence.page_url if evidence and evidence.page_url else seen.first_seen_url),
            first_seen_at=epoch_to_datetime(evidence.write.at if evidence else seen.first_seen_at),
            last_written_at=epoch_to_datetime(writes[-1].write.at) if writes else None,
            stored=True,
            phase=self.state.phase,
            value=self.state.value(jar.get("value")),
            size=jar.get("size"),
            changes=seen.changes,
            **self.state.classify_cookie(jar["name"], domain),
        )

    def _set_by(self, evidence: Optional[_Evidence]) -> Optional[SetBy]:
        if evidence is None:
            return None
        url = evidence.url
        if url and not self.state.options.include_values:
            url = redact_url(url)
        return SetBy(kind=evidence.kind, url=url, party=self.state.party(url) if url else None)

    def _refused_cookies(self) -> list[Cookie]:
        refused: dict[tuple, Cookie] = {}
        for evidence in self.evidence:
            write = evidence.write
            domain = write.domain or evidence.setter_host
            key = (write.name, domain)
            if write.deletes or key in refused or key in self.ever_stored:
                continue
            if any(e.write.deletes and e.write.at >= write.at and (e.write.name, e.write.domain or e.setter_host) == key
                   for e in self.evidence):
                continue  # written, then deleted between two snapshots
            cdp_reasons = self.blocked.get(write.raw) if evidence.kind == "header" else None
            if cdp_reasons:
                reason, source = ", ".join(cdp_reasons), "cdp"
            else:
                reason = infer_refusal(write, evidence.kind, evidence.setter_host, evidence.page_url,
                                       self.state.options.block_third_party_cookies)
                source = "inferred"
            refused[key] = Cookie(
                name=write.name, domain=domain, host_only=write.domain is None, path=write.path or "/",
                expires=None, session=write.max_age is None, max_age_days=write.max_age_days,
                stored_max_age_days=None, http_only=write.http_only, secure=write.secure,
                same_site=write.same_site if write.same_site in ("Strict", "Lax", "None") else None,
                partitioned=write.partitioned, party=self.state.party(domain), set_by=self._set_by(evidence),
                first_seen_url=evidence.page_url, first_seen_at=epoch_to_datetime(write.at), stored=False,
                reason=reason, reason_source=source, phase=self.state.phase, value=self.state.value(write.value),
                size=len(write.name) + len(write.value),
                **self.state.classify_cookie(write.name, _classification_domain(domain, evidence.setter_host)),
            )
        return list(refused.values())


def _classification_domain(domain: str, setter_host: str) -> str:
    """The domain to classify a refused cookie by: the setter's host when the cookie asked for a
    domain it may not use (facebook.com's ``datr`` with ``Domain=denhaag.nl`` is still Facebook's)."""
    if setter_host and not (setter_host == domain or setter_host.endswith("." + domain)):
        return setter_host
    return domain


def infer_refusal(write: CookieWrite, kind: str, setter_host: str, page_url: Optional[str], blocking: bool) -> str:
    """The most likely reason a written cookie is missing from the jar, from its attributes.

    >>> w = parse_cookie_string("id=1; Domain=tracker.example", 0)
    >>> infer_refusal(w, "header", "www.denhaag.nl", "https://www.denhaag.nl/", False)
    'Domain attribute does not match the setting host'
    """
    if write.domain and not (setter_host == write.domain or setter_host.endswith("." + write.domain)):
        return "Domain attribute does not match the setting host"
    if write.domain and registrable_domain("x." + write.domain) == "x." + write.domain:
        return "Domain attribute is a public suffix"
    if write.name.startswith("__Host-") and (write.domain or (write.path or "/") != "/" or not write.secure):
        return "__Host- prefix requires Secure, Path=/ and no Domain"
    if write.name.startswith("__Secure-") and not write.secure:
        return "__Secure- prefix requires Secure"
    if kind == "script" and write.http_only:
        return "HttpOnly cookies cannot be set from script"
    if write.same_site == "None" and not write.secure:
        return "SameSite=None requires Secure"
    cross_site = bool(page_url) and party(setter_host, page_url) == "third"
    if cross_site and blocking:
        return "third-party cookies blocked by the browser's policy"
    if cross_site and write.same_site != "None":
        return "set in a cross-site context without SameSite=None"
    return "not in the cookie jar after the page"


def _lifetime_changed(old: dict, old_at: float, new: dict, new_at: float) -> bool:
    """Whether the expiry changed beyond a same-lifetime rewrite (which only rolls it forward).

    A script that re-sets ``_ga`` for two years on every page moves the expiry by the time
    between pages; that is the same lifetime, not a change. A change of session/persistent,
    or of the remaining lifetime by more than a minute, is.
    """
    old_expires, new_expires = float(old.get("expires", -1)), float(new.get("expires", -1))
    if (old_expires < 0) != (new_expires < 0):
        return True
    if old_expires < 0 or abs(new_expires - old_expires) <= 1.0:
        return False
    return abs((new_expires - new_at) - (old_expires - old_at)) > 60.0


def _expiry(cookie: dict):
    expires = float(cookie.get("expires", -1))
    return None if expires < 0 else epoch_to_datetime(expires)
