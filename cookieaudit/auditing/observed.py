"""The observed side of the audit: a scan's cookies, storage and tracker hosts, indexed.

Cookies are grouped by (name, domain) across phases, with the classification the scan
recorded (or, when extra rule files are given, a fresh one). Storage keys are classified
by the same rules (the rule set knows keys such as YouTube's ``yt-remote-*``). Request hosts
are classified one by one (a scan groups them by registrable domain). Cookies the browser
refused (``stored: false``) were never on the visitor's device: they do not make findings,
but they do count as "seen" for ``declared-not-found``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Optional
from urllib.parse import urlsplit

from ..domains import host_of, registrable_domain
from ..models import Cookie, RequestRecord, ScanResult, StorageEntry
from .families import cookie_family
from .model import ObservedItem

__all__ = ["ObservedCookie", "ObservedHost", "ObservedStorage", "Observations", "PHASE_ORDER", "as_utc", "written_after"]

PHASE_ORDER = {"before_consent": 0, "after_reject": 1, "after_accept": 2}
NON_FUNCTIONAL = ("analytic", "marketing")


@dataclass
class _Classified:
    purpose: str = "unknown"
    vendor: Optional[str] = None
    vendor_id: Optional[str] = None
    rule_id: Optional[str] = None


@dataclass
class ObservedCookie:
    """One cookie (name and domain) with its records in each phase it was stored in."""

    name: str
    domain: str
    party: str
    classified: _Classified
    family: str
    records: list[Cookie] = field(default_factory=list)

    @property
    def phases(self) -> list[str]:
        return sorted({r.phase for r in self.records}, key=PHASE_ORDER.get)

    @property
    def max_age_days(self) -> Optional[float]:
        """The longest lifetime asked for in any phase (None when always a session cookie)."""
        values = [r.max_age_days for r in self.records if r.max_age_days is not None and not r.session]
        return max(values) if values else None

    @property
    def persistent(self) -> bool:
        return any(not r.session for r in self.records)

    def in_phase(self, phase: str) -> Optional[Cookie]:
        return next((r for r in self.records if r.phase == phase), None)


@dataclass
class ObservedStorage:
    """One storage key (kind, origin, key) with its records per phase."""

    kind: str
    origin: str
    key: str
    party: str
    classified: _Classified
    family: str
    records: list[StorageEntry] = field(default_factory=list)

    def in_phase(self, phase: str) -> Optional[StorageEntry]:
        return next((r for r in self.records if r.phase == phase), None)


@dataclass
class ObservedHost:
    """One request host, classified, with its requests per phase."""

    host: str
    domain: str
    tracker: bool
    purpose: Optional[str]
    vendor: Optional[str]
    vendor_id: Optional[str]
    requests: dict[str, list[RequestRecord]] = field(default_factory=dict)

    @property
    def phases(self) -> list[str]:
        return sorted(self.requests, key=PHASE_ORDER.get)


class Observations:
    """What a scan observed, indexed for the checks."""

    def __init__(self, scan: ScanResult, classifier, reclassify: bool = False):
        self.scan = scan
        self.site = scan.site
        self.classifier = classifier
        self.reclassify = reclassify
        self.phases = [p.name for p in scan.phases] or sorted({c.phase for c in scan.cookies}, key=PHASE_ORDER.get)
        self.phase_info = {p.name: p for p in scan.phases}
        self.cookies: list[ObservedCookie] = []
        self.seen_names: set[str] = set()  # every cookie name and storage key, refused cookies included
        self._index_cookies(scan.cookies)
        self.storage: list[ObservedStorage] = []
        self._index_storage(scan.storage)
        self.hosts: dict[str, ObservedHost] = {}
        self._index_hosts(scan)
        self.pages_visited = self._pages(scan)

    # -- cookies -------------------------------------------------------------------------
    def _classify(self, name: str, domain: Optional[str], recorded: Optional[Cookie] = None) -> _Classified:
        if recorded is not None and not self.reclassify:
            return _Classified(recorded.purpose or "unknown", recorded.vendor, recorded.vendor_id, recorded.rule_id)
        if self.classifier is None:
            return _Classified()
        found = self.classifier.classify(name, domain=domain or None, site=self.site)
        return _Classified(found.purpose, found.vendor, found.vendor_id, found.rule_id)

    def _index_cookies(self, cookies: Iterable[Cookie]) -> None:
        by_key: dict[tuple, ObservedCookie] = {}
        for cookie in cookies:
            self.seen_names.add(cookie.name)
            if not cookie.stored:
                continue
            key = (cookie.name, cookie.domain)
            observed = by_key.get(key)
            if observed is None:
                classified = self._classify(cookie.name, cookie.domain, cookie)
                observed = by_key[key] = ObservedCookie(
                    cookie.name, cookie.domain, cookie.party, classified, cookie_family(cookie.name, classified.rule_id))
                self.cookies.append(observed)
            observed.records.append(cookie)

    # -- storage -------------------------------------------------------------------------
    def _index_storage(self, entries: Iterable[StorageEntry]) -> None:
        by_key: dict[tuple, ObservedStorage] = {}
        for entry in entries:
            self.seen_names.add(entry.key)
            key = (entry.kind, entry.origin, entry.key)
            observed = by_key.get(key)
            if observed is None:
                classified = self._classify(entry.key, host_of(entry.origin))
                observed = by_key[key] = ObservedStorage(entry.kind, entry.origin, entry.key, entry.party, classified,
                                                         cookie_family(entry.key, classified.rule_id))
                self.storage.append(observed)
            observed.records.append(entry)

    # -- hosts ---------------------------------------------------------------------------
    def _index_hosts(self, scan: ScanResult) -> None:
        hosts = self.hosts
        for group in scan.requests:
            by_phase = None
            last_host = None
            for record in group.requests:
                host = record.host or host_of(record.url)
                if host != last_host:  # records of one host come in runs: look it up once per run
                    observed = hosts.get(host)
                    if observed is None:
                        observed = hosts[host] = self._host(host, group)
                    by_phase = observed.requests.setdefault(record.phase, [])
                    last_host = host
                by_phase.append(record)
            if not group.requests and group.tracker:  # a group without its records (trimmed): keep its domain
                observed = self.hosts.get(group.domain) or self._host(group.domain, group)
                self.hosts[group.domain] = observed
                observed.requests.setdefault(group.phase, [])

    def _host(self, host: str, group) -> ObservedHost:
        if self.classifier is not None:
            try:
                found = self.classifier.classify_host(host)
                return ObservedHost(host, registrable_domain(host), found.tracker, found.purpose, found.vendor,
                                    found.vendor_id)
            except Exception:  # a host the classifier cannot read: fall back on the scan's group
                pass
        return ObservedHost(host, group.domain, group.tracker, group.purpose, group.vendor, group.vendor_id)

    def tracker_hosts(self) -> list[ObservedHost]:
        """Hosts the rule set knows as trackers (purpose analytic or marketing), in name order."""
        return [h for _, h in sorted(self.hosts.items()) if h.tracker]

    # -- pages ---------------------------------------------------------------------------
    @staticmethod
    def _pages(scan: ScanResult) -> list[str]:
        first = scan.phases[0].name if scan.phases else None
        urls = [p.final_url or p.url for p in scan.pages if first is None or p.phase == first]
        return list(dict.fromkeys(urls))

    # -- evidence --------------------------------------------------------------------------
    def cookie_item(self, observed: ObservedCookie, record: Cookie) -> ObservedItem:
        c = observed.classified
        return ObservedItem(
            type="cookie", name=record.name, domain=record.domain, party=record.party, phase=record.phase,
            first_seen_url=record.first_seen_url, set_by=record.set_by, purpose=c.purpose, vendor=c.vendor,
            vendor_id=c.vendor_id, rule_id=c.rule_id, max_age_days=record.max_age_days,
            stored_max_age_days=record.stored_max_age_days, session=record.session,
        )

    def storage_item(self, observed: ObservedStorage, record: StorageEntry) -> ObservedItem:
        c = observed.classified
        return ObservedItem(
            type="storage", name=f"{record.kind}:{record.key}", domain=record.origin, party=record.party,
            phase=record.phase, first_seen_url=record.first_seen_url, set_by=record.set_by, purpose=c.purpose,
            vendor=c.vendor, vendor_id=c.vendor_id, rule_id=c.rule_id,
        )

    def host_item(self, observed: ObservedHost, phase: str, records: Optional[list[RequestRecord]] = None) -> ObservedItem:
        records = observed.requests.get(phase, []) if records is None else records
        first = records[0] if records else None
        return ObservedItem(
            type="request", name=observed.host, domain=observed.domain, party="third", phase=phase,
            first_seen_url=first.page_url if first else None, purpose=observed.purpose, vendor=observed.vendor,
            vendor_id=observed.vendor_id, example_url=first.url if first else None, count=len(records),
        )


def written_after(record: Cookie, moment: datetime) -> bool:
    """Whether a cookie was set, rewritten or changed after ``moment`` (a banner answer)."""
    times = [record.first_seen_at, record.last_written_at, *(change.at for change in record.changes)]
    return any(t is not None and as_utc(t) > as_utc(moment) for t in times)


def as_utc(moment: datetime) -> datetime:
    """A naive datetime read as UTC (aware ones unchanged), so moments compare."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def url_path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return ""
