"""Storage: localStorage and sessionStorage keys, IndexedDB databases and Cache Storage
caches, per origin, read in every frame after each page; writers from the init script.

As for cookies (see ``base``), an entry's writer and first page are those of its earliest
write in crawl order, whichever tab ran it; an entry no reported write explains is first seen
on the earliest page in crawl order whose snapshot listed it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Optional

from ...models import SetBy, StorageEntry
from ..cookiewrite import epoch_to_datetime
from ..limits import MAX_FRAMES, MAX_STORAGE_KEYS
from .base import Collector, Visit, crawl_position, utcnow

__all__ = ["StorageCollector"]

FRAME_TIMEOUT = 2.0
MAX_KEYS = MAX_STORAGE_KEYS  # per origin and area; a hostile page cannot make the result unbounded
MAX_VALUE = 100_000
MAX_WRITERS = 20 * MAX_KEYS  # writing scripts remembered per phase, over all origins

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


@dataclass
class _Entry:
    kind: str
    origin: str
    key: str
    value: Optional[str]
    first_visit: Visit  # the earliest page in crawl order whose snapshot listed it
    first_seen_at: float


@dataclass
class _Writer:
    script: str
    at: float
    visit: Optional[Visit]

    @property
    def sort_key(self) -> tuple:
        return crawl_position(self.visit), self.at


class StorageCollector(Collector):
    """Records storage keys and database names per origin, with their writing script."""

    name = "storage"
    result_field = "storage"
    script_events = ("storage",)

    def __init__(self, state):
        super().__init__(state)
        self.entries: dict[tuple, _Entry] = {}
        self.writers: dict[tuple, _Writer] = {}  # (area, origin, key) -> its earliest writer in crawl order
        self._counts: dict[tuple, int] = {}  # (kind, origin) -> entries kept, at most MAX_KEYS

    def on_script_event(self, event: dict, frame_url: str, tab) -> None:
        key = (event.get("area"), event.get("origin"), event.get("key"))
        script = event.get("script") or frame_url
        at = float(event.get("at") or 0) / 1000.0 or utcnow().timestamp()
        if not script:
            return
        writer = _Writer(script, at, self.state.visit_of(tab))
        known = self.writers.get(key)
        if known is None and len(self.writers) < MAX_WRITERS or known is not None and writer.sort_key < known.sort_key:
            self.writers[key] = writer

    async def after_visit(self, visit: Visit) -> None:
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
            for kind in ("localStorage", "sessionStorage"):
                area = snapshot.get(kind) or {}
                entries = area.get("entries") or () if isinstance(area, dict) else area
                for key, value in entries:
                    self._note(kind, origin, str(key), value, visit, now)
                if isinstance(area, dict):
                    visit.record.dropped.storage_keys += max(0, int(area.get("total") or 0) - len(entries))
            for kind in ("indexedDB", "cacheStorage"):
                for name in snapshot.get(kind) or ():
                    self._note(kind, origin, str(name), None, visit, now)

    async def _read(self, frame) -> Optional[dict]:
        try:
            return await asyncio.wait_for(frame.evaluate(_SNAPSHOT_JS, [MAX_KEYS, MAX_VALUE]), FRAME_TIMEOUT)
        except Exception:  # detached, navigating or hung frame
            return None

    def _note(self, kind: str, origin: str, key: str, value: Optional[str], visit: Visit, now: float) -> None:
        entry = self.entries.get((kind, origin, key))
        if entry is None:
            kept = self._counts.get((kind, origin), 0)
            if kept >= MAX_KEYS:  # snapshots of several pages may list different keys of a huge store
                visit.record.dropped.storage_keys += 1
                return
            self._counts[(kind, origin)] = kept + 1
            writer = self.writers.get((kind, origin, key))
            seen_at = min(writer.at, now) if writer else now
            self.entries[(kind, origin, key)] = _Entry(kind, origin, key, value, visit, seen_at)
        else:
            entry.value = value
            if visit.order < entry.first_visit.order:  # tabs finish out of crawl order
                entry.first_visit = visit

    def secrets(self) -> list[str]:
        return [entry.value for entry in self.entries.values() if entry.value]

    def results(self) -> list[StorageEntry]:
        out = []
        for (kind, origin, key), entry in self.entries.items():
            writer = self.writers.get((kind, origin, key))
            set_by = SetBy(kind="script", url=writer.script, party=self.state.party(writer.script)) if writer else None
            first_visit = writer.visit if writer is not None and writer.visit is not None else entry.first_visit
            out.append(StorageEntry(
                kind=kind, origin=origin, key=key, party=self.state.party(origin),
                value=self.state.value(entry.value), size=None if entry.value is None else len(key) + len(entry.value),
                set_by=set_by, first_seen_url=first_visit.url,
                first_seen_at=epoch_to_datetime(entry.first_seen_at), phase=self.state.phase,
            ))
        return out
