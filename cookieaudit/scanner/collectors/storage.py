"""Storage: localStorage and sessionStorage keys, IndexedDB databases, Cache Storage caches and
service-worker registrations, per origin and partition.

Three records are merged (an entry lists in ``recorded_by`` which saw it):

* ``devtools``: writes as they happen, from the DevTools protocol (``scanner/devtools.py``),
  in every frame of the tab including out-of-process iframes — so writes of a frame that is
  removed or navigates away, and of a page that redirects away, are kept;
* ``script``: the init script's reports (``js/instrument.js``), which know the writing script
  (``setItem``, property-style writes, ``indexedDB.open``, ``caches.open``,
  ``serviceWorker.register``);
* ``snapshot``: the profile's storage read in every frame after each page (a cross-check).

As for cookies (see ``base``), an entry's writer and first page are those of its earliest
write in crawl order, whichever tab ran it; an entry no reported write explains is first seen
on the earliest page in crawl order that recorded it. The partition is the top-level site the
storage is keyed to: the storage key's, or the site of the tab's page for the other records.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urljoin, urlsplit

from ...domains import registrable_domain
from ...models import SetBy, StorageEntry
from ..cookiewrite import epoch_to_datetime
from ..devtools import origin_of
from ..limits import MAX_FRAMES, MAX_STORAGE_KEYS
from .base import Collector, Visit, crawl_position, utcnow

__all__ = ["StorageCollector", "site_of"]

FRAME_TIMEOUT = 2.0
MAX_KEYS = MAX_STORAGE_KEYS  # per origin and kind; a hostile page cannot make the result unbounded
MAX_VALUE = 100_000
MAX_WRITERS = 20 * MAX_KEYS  # writing scripts remembered per phase, over all origins
MAX_DROPPED_REMEMBERED = 200 * MAX_KEYS  # entries left out that are remembered, so each is counted once
KINDS = ("localStorage", "sessionStorage", "indexedDB", "cacheStorage", "serviceWorker")

# Runs in each frame; everything it touches can throw (sandboxed and opaque origins).
_SNAPSHOT_JS = """async ([maxKeys, maxValue]) => {
  const read = (name) => {
    try {
      const area = window[name], out = [];
      for (let i = 0; i < area.length && i < maxKeys; i++) {
        const key = area.key(i);
        out.push([key, String(area.getItem(key)).slice(0, maxValue)]);
      }
      return {entries: out, total: area.length};
    } catch (e) { return {entries: [], total: 0}; }
  };
  const names = async (fn) => { try { return await fn(); } catch (e) { return []; } };
  return {
    origin: location.origin,
    localStorage: read("localStorage"),
    sessionStorage: read("sessionStorage"),
    indexedDB: await names(async () => (await indexedDB.databases()).map(d => d.name).slice(0, maxKeys)),
    cacheStorage: await names(async () => (await caches.keys()).slice(0, maxKeys)),
  };
}"""


def site_of(url_or_origin: Optional[str]) -> Optional[str]:
    """scheme://registrable domain of a URL (the unit storage is partitioned by)."""
    origin = origin_of(url_or_origin)
    if origin is None:
        return None
    parts = urlsplit(origin)
    host = parts.hostname or ""
    return f"{parts.scheme}://{registrable_domain(host) or host}"


@dataclass
class _Entry:
    kind: str
    origin: str
    partition: Optional[str]
    key: str
    value: Optional[str]
    first_visit: Optional[Visit]  # the earliest page in crawl order that recorded it
    first_seen_at: float
    frame_url: Optional[str] = None
    script_url: Optional[str] = None
    recorded_by: set = field(default_factory=set)


@dataclass
class _Writer:
    script: str
    at: float
    visit: Optional[Visit]
    frame_url: Optional[str] = None

    @property
    def sort_key(self) -> tuple:
        return crawl_position(self.visit), self.at


class StorageCollector(Collector):
    """Records storage per origin and partition, with its writing script (see the module docstring)."""

    name = "storage"
    result_field = "storage"
    script_events = ("storage", "cdp-storage", "cdp-listing", "cdp-service-worker")

    def __init__(self, state):
        super().__init__(state)
        self.entries: dict[tuple, _Entry] = {}
        self.writers: dict[tuple, _Writer] = {}  # (kind, origin, key) -> its earliest writer in crawl order
        self._counts: dict[tuple, int] = {}  # (kind, origin) -> entries kept, at most MAX_KEYS
        self._dropped: set[tuple] = set()  # entries left out by the cap (each counted once, on one page)
        self._dropped_counts: dict[tuple, int] = {}  # (kind, origin) -> entries left out so far

    # -- records as they happen ------------------------------------------------------------
    def on_script_event(self, event: dict, frame_url: str, tab) -> None:
        kind = event.get("type")
        visit = self.state.visit_of(tab)
        at = float(event.get("at") or 0) / 1000.0 or utcnow().timestamp()
        if kind == "storage":
            self._script_write(event, event.get("frame") or frame_url, visit, at)
        elif kind == "cdp-storage":
            if event.get("op") != "set" or event.get("area") not in KINDS or event.get("key") is None:
                return  # a removal or a clear: what was written stays recorded
            frame = event.get("target_url") if event.get("target") == "iframe" else None
            self._note(event["area"], str(event.get("origin") or ""), event.get("partition"), str(event["key"]),
                       event.get("value"), visit, at, "devtools", frame_url=frame)
        elif kind == "cdp-listing":
            for name in event.get("names") or ():
                self._note(event.get("kind"), str(event.get("origin") or ""), event.get("partition"), str(name),
                           None, visit, at, "devtools")
        elif kind == "cdp-service-worker" and event.get("scope"):
            self._note("serviceWorker", str(event.get("origin") or ""), None, str(event["scope"]), None, visit, at,
                       "devtools", script_url=event.get("script_url"))

    def _script_write(self, event: dict, frame_url: Optional[str], visit: Optional[Visit], at: float) -> None:
        area, origin = event.get("area"), str(event.get("origin") or "")
        if area not in KINDS or not origin.startswith("http"):
            return
        script = event.get("script") or frame_url
        if area == "serviceWorker":  # the registering script: the writer of the registration
            script_url = event.get("script_url") or ""
            try:
                script_url = urljoin(frame_url or origin + "/", script_url)
            except ValueError:
                return
            self._writer(("serviceWorker", origin, script_url), script, at, visit, frame_url)
            return
        key = str(event.get("key"))
        if script:
            self._writer((area, origin, key), script, at, visit, frame_url)
        partition = self._partition(origin, visit)
        self._note(area, origin, partition, key, event.get("value"), visit, at, "script", frame_url=frame_url)

    def _writer(self, key: tuple, script: str, at: float, visit: Optional[Visit], frame_url: Optional[str]) -> None:
        writer = _Writer(script, at, visit, frame_url)
        known = self.writers.get(key)
        if known is None and len(self.writers) < MAX_WRITERS or known is not None and writer.sort_key < known.sort_key:
            self.writers[key] = writer

    @staticmethod
    def _partition(origin: str, visit: Optional[Visit]) -> Optional[str]:
        """The top-level site of the tab's page (the origin's own site when no page is known)."""
        return site_of(visit.url if visit is not None else None) or site_of(origin)

    # -- the cross-check after each page ------------------------------------------------------
    async def after_visit(self, visit: Visit) -> None:
        watch = self.state.watches.get(visit.tab)
        if watch is not None:
            await watch.settle(1.0)  # listings in flight
        frames = [f for f in visit.tab.frames if f.url.startswith(("http://", "https://"))]
        if len(frames) > MAX_FRAMES:  # an iframe bomb: read the first ones (document order)
            visit.record.dropped.frames += len(frames) - MAX_FRAMES
            frames = frames[:MAX_FRAMES]
        snapshots = await asyncio.gather(*(self._read(frame) for frame in frames))
        now = utcnow().timestamp()
        for snapshot in snapshots:
            if not snapshot or not str(snapshot.get("origin", "")).startswith("http"):
                continue
            origin = snapshot["origin"]
            partition = self._partition(origin, visit)
            for kind in ("localStorage", "sessionStorage"):
                area = snapshot.get(kind) or {}
                entries = area.get("entries") or () if isinstance(area, dict) else area
                for key, value in entries:
                    self._note(kind, origin, partition, str(key), value, visit, now, "snapshot")
                if isinstance(area, dict):  # keys beyond the read ones, less those already counted
                    unread = max(0, int(area.get("total") or 0) - len(entries))
                    known = self._dropped_counts.get((kind, origin), 0)
                    if unread > known:
                        visit.record.dropped.storage_keys += unread - known
                        self._dropped_counts[(kind, origin)] = unread
            for kind in ("indexedDB", "cacheStorage"):
                for name in snapshot.get(kind) or ():
                    self._note(kind, origin, partition, str(name), None, visit, now, "snapshot")

    async def _read(self, frame) -> Optional[dict]:
        try:
            return await asyncio.wait_for(frame.evaluate(_SNAPSHOT_JS, [MAX_KEYS, MAX_VALUE]), FRAME_TIMEOUT)
        except Exception:  # detached, navigating or hung frame
            return None

    def _note(self, kind: Optional[str], origin: str, partition: Optional[str], key: str, value: Optional[str],
              visit: Optional[Visit], at: float, how: str, *, frame_url: Optional[str] = None,
              script_url: Optional[str] = None) -> None:
        if kind not in KINDS or not origin.startswith("http"):
            return
        partition = partition or site_of(origin)
        if value is not None:
            value = str(value)[:MAX_VALUE]
        entry = self.entries.get((kind, origin, partition, key))
        if entry is None:
            kept = self._counts.get((kind, origin), 0)
            if kept >= MAX_KEYS:  # a huge store, or several pages listing different keys of one
                dropped = (kind, origin, partition, key)
                if dropped not in self._dropped and len(self._dropped) < MAX_DROPPED_REMEMBERED:
                    self._dropped.add(dropped)
                    self._dropped_counts[(kind, origin)] = self._dropped_counts.get((kind, origin), 0) + 1
                    if visit is not None:
                        visit.record.dropped.storage_keys += 1
                return
            self._counts[(kind, origin)] = kept + 1
            entry = _Entry(kind, origin, partition, key, value, visit, at)
            self.entries[(kind, origin, partition, key)] = entry
        else:
            if value is not None and (how != "snapshot" or entry.value is None or "snapshot" in entry.recorded_by):
                entry.value = value  # the latest write; a snapshot does not undo a later write's value
            if crawl_position(visit) < crawl_position(entry.first_visit):  # tabs finish out of crawl order
                entry.first_visit = visit
            entry.first_seen_at = min(entry.first_seen_at, at)
        entry.recorded_by.add(how)
        if frame_url and (entry.frame_url is None or how == "script"):
            entry.frame_url = frame_url
        if script_url:
            entry.script_url = script_url

    # -- results ---------------------------------------------------------------------------
    def secrets(self) -> list[str]:
        return [entry.value for entry in self.entries.values() if entry.value]

    def results(self) -> list[StorageEntry]:
        out = []
        for entry in self.entries.values():
            if entry.kind == "serviceWorker":
                writer = self.writers.get(("serviceWorker", entry.origin, entry.script_url or ""))
            else:
                writer = self.writers.get((entry.kind, entry.origin, entry.key))
            set_by = SetBy(kind="script", url=writer.script, party=self.state.party(writer.script)) if writer else None
            first_visit = writer.visit if writer is not None and writer.visit is not None else entry.first_visit
            seen_at = min(writer.at, entry.first_seen_at) if writer else entry.first_seen_at
            out.append(StorageEntry(
                kind=entry.kind, origin=entry.origin, key=entry.key, party=self.state.party(entry.origin),
                value=self.state.value(entry.value),
                size=None if entry.value is None else len(entry.key) + len(entry.value),
                set_by=set_by, first_seen_url=first_visit.url if first_visit is not None else None,
                first_seen_at=epoch_to_datetime(seen_at), phase=self.state.phase, partition=entry.partition,
                frame_url=entry.frame_url or (writer.frame_url if writer else None), script_url=entry.script_url,
                recorded_by=sorted(entry.recorded_by),
            ))
        return out
