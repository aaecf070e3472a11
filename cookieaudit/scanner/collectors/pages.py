"""Pages: title, links (same-site ones feed the crawl, others are recorded), JavaScript
dialogs (dismissed) and pop-up windows (closed). Navigation itself is the phase's job."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from ...domains import registrable_domain
from ...models import Dialog, PageLink
from ..crawl import normalize_url
from .base import Collector, Visit

__all__ = ["PageCollector"]

MAX_LINKS = 5000
MAX_EXTERNAL_LINKS = 200
MAX_TITLE = 500
MAX_START_LINKS = 500
MAX_LINK_TEXT = 200
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


# The start page's links with their words and area (also inside open shadow roots, where some
# consent banners live), so the site's statement can be found without another visit.
_START_LINKS_JS = """([max, maxText]) => {
  const out = [];
  const bannerWords = /cookie|consent|gdpr|cmp|privacy-?banner|cc-window|onetrust|cookiebot/i;
  const label = (el) => [el.id, typeof el.className === "string" ? el.className : "", el.getAttribute("aria-label") || ""].join(" ");
  const parentOf = (el) => el.parentElement || (el.getRootNode && el.getRootNode().host) || null;
  const area = (a) => {
    let found = null;
    for (let el = parentOf(a); el && el !== document.body && el !== document.documentElement; el = parentOf(el)) {
      const tag = el.tagName.toLowerCase(), role = (el.getAttribute("role") || "").toLowerCase();
      if (tag === "dialog" || role === "dialog" || role === "alertdialog" || bannerWords.test(label(el))) return "banner";
      if (!found) {
        if (tag === "footer" || role === "contentinfo" || /footer/i.test(label(el))) found = "footer";
        else if (tag === "nav" || role === "navigation") found = "nav";
        else if (tag === "header" || role === "banner") found = "header";
      }
    }
    return found || "main";
  };
  const textOf = (a) => {
    let text = (a.innerText || a.textContent || "").replace(/\\s+/g, " ").trim();
    if (!text) text = a.getAttribute("aria-label") || a.getAttribute("title") || "";
    if (!text) { const img = a.querySelector("img[alt]"); if (img) text = img.getAttribute("alt"); }
    return text.slice(0, maxText);
  };
  const roots = [document];
  for (let i = 0; i < roots.length && out.length < max; i++) {
    for (const el of roots[i].querySelectorAll("*")) {
      if (el.shadowRoot && roots.length < 50) roots.push(el.shadowRoot);
      if ((el.tagName === "A" || el.tagName === "AREA") && el.hasAttribute("href") && out.length < max) {
        out.push({url: el.href, text: textOf(el), area: area(el)});
      }
    }
  }
  return out;
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
        if visit.planned.index == 0:
            await self._record_start_links(visit)

    async def _record_start_links(self, visit: Visit) -> None:
        """The start page's links with text and area (for finding the statement)."""
        try:
            found = await asyncio.wait_for(visit.tab.evaluate(_START_LINKS_JS, [MAX_START_LINKS, MAX_LINK_TEXT]),
                                           CALL_TIMEOUT)
        except Exception:
            return
        links, seen = [], set()
        for item in found or ():
            url = normalize_url(str(item.get("url") or ""))
            text = " ".join(str(item.get("text") or "").split())[:MAX_LINK_TEXT]
            if url is None or (url, text) in seen:
                continue
            seen.add((url, text))
            area = item.get("area") if item.get("area") in ("banner", "footer", "header", "nav", "main") else "main"
            links.append(PageLink(url=url, text=text, area=area))
        visit.record.links = links

    def results(self) -> list:
        return list(self.pages)
