"""Cookies: the jar after every page, with who set each cookie and what the browser refused.

Evidence comes from three places. Every response's ``Set-Cookie`` headers (Playwright
reports responses of every frame, cross-site iframes included, and of service workers: a
response to a worker's own request is the worker's write, kind ``service-worker``); the init
script's reports of ``document.cookie`` and CookieStore writes with the calling script (in
service workers too, where ``devtools`` runs it); and the DevTools
protocol's ``Network.responseReceivedExtraInfo``, whose ``blockedCookies`` say why the
browser refused a header cookie. The jar (``Storage.getCookies``) after each page is the
truth about what was stored; evidence only says who set it and what was asked for.

Attribution does not depend on how many tabs ran (see ``base``): each write belongs to the
visit that caused it, and a cookie's setter and first page are those of its earliest write in
crawl order (then in time). The lifetime asked for is that of its latest write in crawl order,
as a one-tab scan leaves it. A cookie no write explains (only the jar shows it) is attributed to
the earliest page in crawl order that was being visited while it appeared: between the last jar
read without it and the first with it. One tab makes that exactly the page it appeared on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional

import yaml

from ...domains import host_of, party, registrable_domain
from ...models import Cookie, CookieChange, SetBy
from ..cookiewrite import (BROWSER_MAX_DAYS, CookieWrite, epoch_to_datetime, from_cookie_store, parse_cookie_string,
                           parse_header_line, requested_days)
from ..urls import redact_url
from .base import Collector, Visit, crawl_position, earliest, utcnow

__all__ = ["CookieCollector", "infer_refusal"]

JAR_TIMEOUT = 5.0


@dataclass
class _Evidence:
    """A cookie write and where it came from."""

    write: CookieWrite
    kind: str  # header | script | cookie-store | service-worker
    url: Optional[str]  # response URL or calling script (a service worker's script for its requests)
    setter_host: str  # host the write applies to: response host or the frame's host
    visit: Optional[Visit]  # the visit that caused it
    seq: int = 0  # arrival order, for writes in the same millisecond
    response_url: Optional[str] = None  # "service-worker": the response that carried the header
    received: float = 0.0  # monotonic arrival time (the page's own clock is not trusted for ordering)

    @property
    def classified_by(self) -> Optional[str]:
        """The URL that tells which tool set it: the response for header cookies of a worker's request."""
        return self.response_url or self.url

    @property
    def page_url(self) -> Optional[str]:
        """The page it happened on (where its visit ended up, so redirects do not split a page in two)."""
        return self.visit.url if self.visit is not None else None

    @property
    def sort_key(self) -> tuple:
        """Crawl order first, then time: the same for one tab or many."""
        return crawl_position(self.visit), self.write.at, self.seq


@dataclass
class _Seen:
    """A cookie as tracked across jar snapshots."""

    jar: dict
    first_visit: Optional[Visit]  # earliest page being visited while it appeared (for unexplained cookies)
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
    needs_tab = False  # the jar is the browser's: read it after a crashed or closed tab as well
    script_events = ("cookie",)

    def __init__(self, state):
        super().__init__(state)
        self.evidence: list[_Evidence] = []
        self.blocked: dict[str, list[str]] = {}  # Set-Cookie line -> DevTools blocked reasons
        self.seen: dict[tuple, _Seen] = {}
        self.ever_stored: set[tuple] = set()  # (name, domain without dot, lower case)
        self.most_per_domain: dict[str, int] = {}  # registrable domain -> most cookies seen in one jar read
        self.most_in_jar = 0
        self._browser = None
        self._cdp_frames: set = set()
        self._open: dict[int, Visit] = {}  # visits begun and not yet past their jar read
        self._last_jar_read: Optional[float] = None  # monotonic start of the latest jar read that succeeded

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
        # The visit is taken now, from when the request started: the headers come back later.
        self.spawn(self._record_headers(response, self.state.visit_of_request(response.request)))

    async def _record_headers(self, response, visit: Optional[Visit]) -> None:
        at = utcnow().timestamp()
        headers = await response.headers_array()
        lines = [h["value"] for h in headers if h["name"].lower() == "set-cookie"]
        if not lines:
            return
        url = response.url
        worker = _service_worker_script(response.request)
        for block in lines:
            for line in block.split("\n"):  # some stacks fold several cookies into one header value
                write = parse_header_line(line, at)
                if write is None:
                    continue
                if worker:  # a request of a service worker (not one a page made): the worker set it
                    self._add(_Evidence(write, "service-worker", worker, host_of(url), visit, response_url=url))
                else:
                    self._add(_Evidence(write, "header", url, host_of(url), visit))

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
        self._add(_Evidence(write, kind, script, host_of(frame_url), visit))

    def _add(self, evidence: _Evidence) -> None:
        evidence.seq = len(self.evidence)
        evidence.received = time.monotonic()
        self.evidence.append(evidence)

    async def before_visit(self, visit: Visit) -> None:
        self._open[visit.order] = visit

    async def after_visit(self, visit: Visit) -> None:
        await self.settle_tasks()
        started = time.monotonic()
        reply = await self._browser.cdp.send("Storage.getCookies")
        self._last_jar_read = started
        # Whatever appeared since the previous jar read happened during one of the visits open
        # since then (this one included); for a cookie no write explains, the earliest is chosen.
        window = earliest(self._open.values()) or visit
        self._open.pop(visit.order, None)
        self._snapshot(reply.get("cookies", []), visit, window)

    def visit_ended(self, visit: Visit) -> None:
        self._open.pop(visit.order, None)  # also when its jar read failed or never ran

    def _snapshot(self, jar: list[dict], visit: Visit, window: Optional[Visit] = None) -> None:
        now = utcnow().timestamp()
        self.most_in_jar = max(self.most_in_jar, len(jar))
        per_domain: dict[str, int] = {}
        for cookie in jar:
            domain = registrable_domain(cookie["domain"].lstrip("."))
            per_domain[domain] = per_domain.get(domain, 0) + 1
        for domain, count in per_domain.items():
            self.most_per_domain[domain] = max(self.most_per_domain.get(domain, 0), count)
        for cookie in jar:
            key = _key(cookie)
            self.ever_stored.add(_stored_key(cookie["name"], cookie["domain"]))
            seen = self.seen.get(key)
            if seen is None:
                self.seen[key] = _Seen(cookie, window or visit, now, [], now)
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
    def secrets(self) -> list[str]:
        values = [str(seen.jar.get("value") or "") for seen in self.seen.values()]
        return values + [evidence.write.value for evidence in self.evidence]

    def results(self) -> list[Cookie]:
        cookies = [self._stored_cookie(seen) for seen in self.seen.values()]
        cookies += self._refused_cookies()
        return cookies

    def _writes(self, name: str, domain: str) -> list[_Evidence]:
        """Evidence that could have set this cookie, earliest in crawl order (then time) first."""
        found = [e for e in self.evidence if not e.write.deletes and e.write.matches(name, domain, e.setter_host)]
        return sorted(found, key=lambda e: e.sort_key)

    def _stored_cookie(self, seen: _Seen) -> Cookie:
        jar = seen.jar
        domain = jar["domain"].lstrip(".")
        writes = self._writes(jar["name"], domain)
        evidence = writes[0] if writes else None  # who set it first
        latest, session, stored_days = _lifetime(jar, seen, writes)
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
            first_seen_url=(evidence.page_url if evidence and evidence.page_url
                            else seen.first_visit.url if seen.first_visit else None),
            first_seen_at=epoch_to_datetime(evidence.write.at if evidence else seen.first_seen_at),
            last_written_at=epoch_to_datetime(max(e.write.at for e in writes)) if writes else None,  # in time
            stored=True,
            phase=self.state.phase,
            value=self.state.value(jar.get("value")),
            size=jar.get("size"),
            changes=seen.changes,
            **self.state.classify_cookie(jar["name"], domain, setter=evidence.classified_by if evidence else None),
        )

    def _set_by(self, evidence: Optional[_Evidence]) -> Optional[SetBy]:
        if evidence is None:
            return None
        url, response_url = evidence.url, evidence.response_url
        if not self.state.options.include_values:
            url = redact_url(url) if url else url
            response_url = redact_url(response_url) if response_url else response_url
        return SetBy(kind=evidence.kind, url=url, party=self.state.party(url) if url else None, response_url=response_url)

    def _refused_cookies(self) -> list[Cookie]:
        refused: dict[tuple, Cookie] = {}
        for evidence in sorted(self.evidence, key=lambda e: e.sort_key):
            write = evidence.write
            domain = write.domain or evidence.setter_host
            key = (write.name, domain)
            if write.deletes or key in refused or _stored_key(write.name, domain) in self.ever_stored:
                continue  # a cookie the browser stored is never also refused
            if any(e.write.deletes and e.write.at >= write.at and (e.write.name, e.write.domain or e.setter_host) == key
                   for e in self.evidence):
                continue  # written, then deleted between two snapshots
            cdp_reasons = self.blocked.get(write.raw) if evidence.kind in ("header", "service-worker") else None
            if cdp_reasons:
                reason, source = ", ".join(cdp_reasons), "cdp"
            else:
                reason = infer_refusal(write, evidence.kind, evidence.setter_host, evidence.page_url,
                                       self.state.options.block_third_party_cookies)
                source = "inferred"
                if reason == NOT_IN_JAR and self._at_limit(domain):
                    reason = "evicted"
                elif reason == NOT_IN_JAR and not self._read_back(evidence):
                    # No jar was read after this write (the scan stopped, or the last read failed):
                    # nothing says the browser refused it, so it counts as stored, and says why.
                    refused[key] = self._unread_cookie(evidence, domain)
                    continue
            refused[key] = Cookie(
                name=write.name, domain=domain, host_only=write.domain is None, path=write.path or "/",
                expires=None, session=write.max_age is None, max_age_days=write.max_age_days,
                stored_max_age_days=None, http_only=write.http_only, secure=write.secure,
                same_site=write.same_site if write.same_site in ("Strict", "Lax", "None") else None,
                partitioned=write.partitioned, party=self.state.party(domain), set_by=self._set_by(evidence),
                first_seen_url=evidence.page_url, first_seen_at=epoch_to_datetime(write.at), stored=False,
                reason=reason, reason_source=source, phase=self.state.phase, value=self.state.value(write.value),
                size=len(write.name) + len(write.value),
                **self.state.classify_cookie(write.name, _classification_domain(domain, evidence.setter_host),
                                             setter=evidence.classified_by),
            )
        return list(refused.values())


    def _read_back(self, evidence: _Evidence) -> bool:
        """Whether a jar read that began after this write arrived could have shown its cookie."""
        return self._last_jar_read is not None and self._last_jar_read >= evidence.received

    def _unread_cookie(self, evidence: _Evidence, domain: str) -> Cookie:
        """A cookie known only from its write, which no jar read could confirm: stored, by inference."""
        write = evidence.write
        return Cookie(
            name=write.name, domain=domain, host_only=write.domain is None, path=write.path or "/",
            expires=epoch_to_datetime(write.at + write.max_age) if write.max_age is not None else None,
            session=write.max_age is None, max_age_days=write.max_age_days, stored_max_age_days=None,
            http_only=write.http_only, secure=write.secure,
            same_site=write.same_site if write.same_site in ("Strict", "Lax", "None") else None,
            partitioned=write.partitioned, party=self.state.party(domain), set_by=self._set_by(evidence),
            first_seen_url=evidence.page_url, first_seen_at=epoch_to_datetime(write.at),
            last_written_at=epoch_to_datetime(write.at), stored=True, reason=NOT_READ_BACK, reason_source="inferred",
            phase=self.state.phase, value=self.state.value(write.value), size=len(write.name) + len(write.value),
            **self.state.classify_cookie(write.name, _classification_domain(domain, evidence.setter_host),
                                         setter=evidence.classified_by),
        )

    def _at_limit(self, domain: str) -> bool:
        """Whether Chromium's per-domain or total cookie limit was reached while this phase ran."""
        limits = _chromium_limits()
        return (self.most_per_domain.get(registrable_domain(domain), 0) >= limits["domain_purged_to"]
                or self.most_in_jar >= limits["total_purged_to"])


NOT_IN_JAR = "not in the cookie jar after the page"
NOT_READ_BACK = "not read back: no cookie jar was read after it was set (the scan stopped first)"


def _service_worker_script(request) -> Optional[str]:
    """The script URL of the service worker that made ``request``; None for a page's request
    (also one a worker answered: its Set-Cookie came from the worker's own request)."""
    try:
        worker = request.service_worker
        return worker.url if worker is not None else None
    except Exception:
        return None


@lru_cache(maxsize=1)
def _chromium_limits() -> dict:
    text = resources.files("cookieaudit.scanner").joinpath("data/chromium_cookies.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _stored_key(name: str, domain: str) -> tuple[str, str]:
    return name, domain.lstrip(".").lower()


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
    return NOT_IN_JAR


def _lifetime(jar: dict, seen: _Seen, writes: list[_Evidence]) -> tuple[Optional[_Evidence], bool, Optional[float]]:
    """(the write whose lifetime counts, session?, stored lifetime in days) of a stored cookie.

    The write that counts is the latest in crawl order (then time) read before the jar was:
    what a one-tab scan ends with. The stored lifetime is read from the jar, counted from the
    write that produced the entry, when that write asked for the same lifetime; tabs that
    finish in another order can leave another page's write in the jar, and then the lifetime
    is that of the counted write as Chromium stores it (capped at ``BROWSER_MAX_DAYS``).
    """
    jar_session = bool(jar.get("session")) or float(jar.get("expires", -1)) < 0
    before_read = [e for e in writes if e.write.at <= seen.jar_at]
    if not before_read:
        latest = writes[0] if writes else None
        set_at = latest.write.at if latest else seen.first_seen_at
        return latest, jar_session, None if jar_session else requested_days(float(jar["expires"]) - set_at)
    latest = max(before_read, key=lambda e: e.sort_key)
    producer = max(before_read, key=lambda e: (e.write.at, e.seq))  # what the jar holds now
    if _same_lifetime(producer.write, latest.write):
        return latest, jar_session, None if jar_session else requested_days(float(jar["expires"]) - producer.write.at)
    session = latest.write.max_age is None
    return latest, session, None if session else min(latest.write.max_age_days, BROWSER_MAX_DAYS)


def _same_lifetime(a: CookieWrite, b: CookieWrite) -> bool:
    if a.max_age is None or b.max_age is None:
        return a.max_age is None and b.max_age is None
    return abs(a.max_age - b.max_age) <= 60.0


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
