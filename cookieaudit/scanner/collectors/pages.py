"""Pages: title, links (same-site ones feed the crawl, others are recorded), JavaScript
dialogs (dismissed) and pop-up windows (closed). Navigation itself is the phase's job.

Title and links are read in an isolated world (``Page.createIsolatedWorld``): the page's
own scripts cannot reach it, so a page that overrides ``querySelectorAll``, the ``href`` or
``document.title`` getters cannot hide its links from the scan. If that read fails, the links
and title come from the HTML of the page's response, and the failure is recorded in
``errors`` for the page — never silently. Dialogs and pop-ups are capped per page
(``limits``); what goes over is counted in the page's ``dropped`` and the page counts as a
storm (the phase replaces its tab after it, and stops its scripts meanwhile).
"""

from __future__ import annotations

import asyncio
import json
from typing import Optional
from urllib.parse import urljoin, urlsplit

from ...domains import registrable_domain
from ...models import Dialog, PageLink
from ..crawl import normalize_url
from ..limits import MAX_DIALOGS, MAX_LINKS, MAX_POPUPS
from .base import Collector, Visit, close_stuck_tab

__all__ = ["PageCollector", "links_from_html"]

MAX_EXTERNAL_LINKS = 200
MAX_TITLE = 500
MAX_START_LINKS = 500
MAX_LINK_TEXT = 200
CALL_TIMEOUT = 3.0
ISOLATED_TIMEOUT = 1.5  # leaves the HTML fallback time within the collection budget
MAX_HTML_BYTES = 25 * 1024 * 1024  # the fallback parses at most this much of the response

# Links a visitor can follow: <a>/<area> with an href, not marked as downloads, in document
# order. Runs in an isolated world, where every DOM function is the browser's own.
_FACTS_JS = """((max) => {
  const out = [];
  let total = 0;
  for (const a of document.querySelectorAll("a[href], area[href]")) {
    if (a.hasAttribute("download")) continue;
    total++;
    if (out.length < max) out.push(a.href);
  }
  return {title: document.title, links: out, total: total};
})(%d)"""


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
      if (out.length >= max) break;
      if (el.shadowRoot && roots.length < 50) roots.push(el.shadowRoot);
      if ((el.tagName === "A" || el.tagName === "AREA") && el.hasAttribute("href")) {
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
        self.pages: list = []  # Page records, in the order their visits began
        self._plan_index: dict[int, int] = {}  # id(record) -> the page's place in crawl order

    def forget(self, record) -> None:
        """Drop a page record (a page merged into another one it redirected to)."""
        self.pages = [page for page in self.pages if page is not record]

    async def tab_opened(self, tab) -> None:
        tab.on("dialog", lambda dialog: self.spawn(self._on_dialog(tab, dialog)))
        tab.on("popup", lambda popup: self.spawn(self._on_popup(tab, popup)))

    async def _on_dialog(self, tab, dialog) -> None:
        visit = self.state.visit_of(tab)
        if visit is not None:
            if len(visit.record.dialogs) < MAX_DIALOGS:
                visit.record.dialogs.append(Dialog(type=dialog.type, message=dialog.message[:500]))
            else:  # a dialog storm: the loop blocks the page for good; only closing the tab ends it
                visit.record.dropped.dialogs += 1
                if not visit.closed:
                    self.spawn(close_stuck_tab(self.state, visit, f"more than {MAX_DIALOGS} dialogs"))
                    return
        if dialog.type == "beforeunload":
            await dialog.accept()  # dismissing would keep the tab on this page forever
        else:
            await dialog.dismiss()

    def _storm(self, visit: Visit) -> None:
        """Over the pop-up cap: the phase replaces the tab after this page."""
        visit.storm = True

    async def _on_popup(self, tab, popup) -> None:
        visit = self.state.visit_of(tab)
        if visit is not None and len(visit.record.popups) >= MAX_POPUPS:
            visit.record.dropped.popups += 1
            self._storm(visit)
            await popup.close()
            return
        try:
            await popup.wait_for_load_state("commit", timeout=CALL_TIMEOUT * 1000)
        except Exception:
            pass
        if visit is not None and popup.url not in visit.record.popups:
            self._add_popup(visit, popup.url)
        await popup.close()

    def on_script_event(self, event: dict, frame_url: str, tab) -> None:
        """window.open was called (the pop-up blocker may have stopped it)."""
        visit = self.state.visit_of(tab)
        if event.get("overflow"):  # the init script's count of calls past its budget
            if visit is not None:
                visit.record.dropped.popups += int(event.get("overflow") or 0)
                self._storm(visit)
            return
        url = normalize_url(str(event.get("url") or ""), frame_url) if event.get("url") else "about:blank"
        if visit is not None and url and url not in visit.record.popups:
            self._add_popup(visit, url)

    def _add_popup(self, visit: Visit, url: str) -> None:
        if len(visit.record.popups) < MAX_POPUPS:
            visit.record.popups.append(url)
        else:
            visit.record.dropped.popups += 1
            self._storm(visit)

    async def before_visit(self, visit: Visit) -> None:
        self.pages.append(visit.record)
        self._plan_index[id(visit.record)] = visit.planned.index

    async def after_visit(self, visit: Visit) -> None:
        if visit.current_url is None:
            return  # nothing was loaded in this visit
        found, failure = await self._read_isolated(visit)
        if found is None:
            found = await self._read_response(visit, failure)
        if found is None:
            return
        visit.record.title = str(found.get("title") or "")[:MAX_TITLE]
        hrefs = list(found.get("links") or ())
        visit.record.dropped.links += max(0, int(found.get("total") or 0) - len(hrefs))
        site = registrable_domain(self.state.site_host)
        external: dict[str, None] = {}
        for href in hrefs:
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
        """The start page's links with text and area (for finding the statement), read in an
        isolated world like the page facts, so the page's own scripts cannot change the answer."""
        session = self.state.sessions.get(visit.tab)
        try:
            if session is not None:
                expression = f"({_START_LINKS_JS})({json.dumps([MAX_START_LINKS, MAX_LINK_TEXT])})"
                found = await asyncio.wait_for(self._evaluate_isolated(session, expression), CALL_TIMEOUT)
            else:
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

    async def _read_isolated(self, visit: Visit) -> tuple[Optional[dict], str]:
        """(title and links from an isolated world of the main frame, or None; why it failed)."""
        session = self.state.sessions.get(visit.tab)
        if session is None:
            return None, "no DevTools session"
        try:
            return await asyncio.wait_for(self._evaluate_isolated(session, _FACTS_JS % MAX_LINKS), ISOLATED_TIMEOUT), ""
        except asyncio.TimeoutError:
            return None, f"no answer within {ISOLATED_TIMEOUT:g} s"
        except Exception as exc:
            return None, _first_line(exc)

    @staticmethod
    async def _evaluate_isolated(session, expression: str):
        tree = await session.send("Page.getFrameTree")
        frame_id = tree["frameTree"]["frame"]["id"]
        world = await session.send("Page.createIsolatedWorld", {"frameId": frame_id, "worldName": "facts"})
        reply = await session.send("Runtime.evaluate", {"expression": expression, "contextId": world["executionContextId"],
                                                        "returnByValue": True})
        if reply.get("exceptionDetails"):
            raise RuntimeError(reply["exceptionDetails"].get("text") or "exception")
        return reply["result"]["value"]

    async def _read_response(self, visit: Visit, reason: str) -> Optional[dict]:
        """The fallback: links and title from the HTML the server sent; the failed read is an error."""
        found = None
        if visit.response is not None:
            try:
                body = await asyncio.wait_for(visit.response.body(), CALL_TIMEOUT)
                found = links_from_html(body[:MAX_HTML_BYTES], visit.response.url, MAX_LINKS)
            except Exception:
                found = None
        where = "links and title taken from the HTML response" if found is not None else "no links or title recorded"
        self.state.error("page-read", f"page not read ({reason}); {where}", visit.planned.url)
        return found

    def results(self) -> list:
        """The page records in crawl order: with several tabs, visits can begin out of order (a
        tab that is cleaned faster takes its page first), so the list is sorted by plan index."""
        return sorted(self.pages, key=lambda record: self._plan_index.get(id(record), len(self._plan_index)))


def links_from_html(body: bytes, base_url: str, max_links: int = MAX_LINKS) -> dict:
    """Title and followable links of an HTML document, as the isolated-world read gives them.

    >>> links_from_html(b'<title>Hi</title><a href="/a">a</a><a href="/b" download>b</a>', "https://x.nl/")
    {'title': 'Hi', 'links': ['https://x.nl/a'], 'total': 1}
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(body.decode("utf-8", "replace"))
    base = tree.css_first("base[href]")
    if base is not None:
        base_url = urljoin(base_url, base.attributes.get("href") or "")
    title = tree.css_first("title")
    links, total = [], 0
    for node in tree.css("a[href], area[href]"):
        if "download" in node.attributes:
            continue
        total += 1
        if len(links) < max_links:
            links.append(urljoin(base_url, (node.attributes.get("href") or "").strip()))
    return {"title": " ".join(title.text().split()) if title is not None else "", "links": links, "total": total}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
