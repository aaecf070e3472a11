"""Pages: title, links (same-site ones feed the crawl, others are recorded), JavaScript
dialogs (dismissed) and pop-up windows (closed). Navigation itself is the phase's job."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from ...domains import registrable_domain
from ...models import Dialog
from ..crawl import normalize_url
from .base import Collector, Visit

__all__ = ["PageCollector"]

MAX_LINKS = 5000
MAX_EXTERNAL_LINKS = 200
MAX_TITLE = 500
CALL_TIMEOUT = 3.0

# Links a visitor can follow: <a>/<area> with an href, not marked as downloads, in document order.
_LINKS_JS = """(max) => {
  const out = [];
  for (const a of document.querySelectorAll("a[href], area[href]")) {
    if (a.hasAttribute("download")) continue;
    out.push(a.href);
    if (out.length >= max) break;
  }
  return {title: document.title, links: out};
}"""


class PageCollector(Collector):
    """Fills each visit's page record from the page itself."""

    name = "pages"
    result_field = "pages"
    script_events = ("popup",)

    def __init__(self, state):
        super().__init__(state)
        self.pages: list = []  # Page records, in visiting order (the phase sorts them by plan index)

    async def tab_opened(self, tab) -> None:
        tab.on("dialog", lambda dialog: self.spawn(self._on_dialog(tab, dialog)))
        tab.on("popup", lambda popup: self.spawn(self._on_popup(tab, popup)))

    async def _on_dialog(self, tab, dialog) -> None:
        visit = self.state.visit_of(tab)
        if visit is not None:
            visit.record.dialogs.append(Dialog(type=dialog.type, message=dialog.message[:500]))
        if dialog.type == "beforeunload":
            await dialog.accept()  # dismissing would keep the tab on this page forever
        else:
            await dialog.dismiss()

    async def _on_popup(self, tab, popup) -> None:
        visit = self.state.visit_of(tab)
        try:
            await popup.wait_for_load_state("commit", timeout=CALL_TIMEOUT * 1000)
        except Exception:
            pass
        if visit is not None and popup.url not in visit.record.popups:
            visit.record.popups.append(popup.url)
        await popup.close()

    def on_script_event(self, event: dict, frame_url: str, tab) -> None:
        """window.open was called (the pop-up blocker may have stopped it)."""
        visit = self.state.visit_of(tab)
        url = normalize_url(str(event.get("url") or ""), frame_url) if event.get("url") else "about:blank"
        if visit is not None and url and url not in visit.record.popups:
            visit.record.popups.append(url)

    async def before_visit(self, visit: Visit) -> None:
        self.pages.append(visit.record)

    async def after_visit(self, visit: Visit) -> None:
        if visit.current_url is None:
            return  # nothing was loaded in this visit
        try:
            found = await asyncio.wait_for(visit.tab.evaluate(_LINKS_JS, MAX_LINKS), CALL_TIMEOUT)
        except Exception:  # the page is gone or hung; the visit keeps what it has
            return
        visit.record.title = str(found.get("title") or "")[:MAX_TITLE]
        site = registrable_domain(self.state.site_host)
        external: dict[str, None] = {}
        for href in found.get("links") or ():
            normalized = normalize_url(str(href))
            if normalized is None:
                continue
            if registrable_domain(urlsplit(normalized).hostname or "") == site:
                visit.links.append(normalized)
            elif len(external) < MAX_EXTERNAL_LINKS:
                external[normalized] = None
        visit.record.external_links = list(external)

    def results(self) -> list:
        return list(self.pages)
