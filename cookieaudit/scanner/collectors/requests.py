"""Requests: every request to a host other than the scanned site's, grouped by registrable
domain, with status, initiating page and frame, and what the rule set knows of the host.

Each request belongs to the visit it started in (see ``base``); a group lists its requests in
crawl order of their pages, then as they happened, so tabs finishing in another order do not
reorder them. At most ``limits.MAX_REQUESTS`` are recorded per page; the rest are counted in
its ``dropped``."""

from __future__ import annotations

from collections import OrderedDict
from typing import Optional
from urllib.parse import urlsplit

from ...domains import registrable_domain
from ...models import RequestGroup, RequestRecord
from ..cookiewrite import epoch_to_datetime
from ..limits import MAX_REQUESTS
from ..urls import redact_url
from .base import Collector, crawl_position, utcnow

__all__ = ["RequestCollector"]

MAX_URL = 2048  # longer URLs are cut; a beacon's payload is not evidence we need in full


class RequestCollector(Collector):
    """Records requests to other hosts as they happen (status and failures filled in later)."""

    name = "requests"
    result_field = "requests"

    def __init__(self, state):
        super().__init__(state)
        self.records: list[RequestRecord] = []
        self._orders: list[int] = []  # crawl position of each record's page, parallel to ``records``
        self._open: dict = {}  # Playwright request -> its record, until it ends
        self._per_page: dict[int, int] = {}  # id(page record) -> requests recorded for it

    async def attach(self, browser) -> None:
        context = browser.context
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("requestfailed", self._on_failed)
        context.on("requestfinished", self._on_finished)

    def _on_request(self, request) -> None:
        url = request.url
        if not url.startswith(("http://", "https://")):
            return
        host = (urlsplit(url).hostname or "").lower()
        if not host or host == self.state.site_host:
            return
        visit = self.state.visit_of_request(request)
        page_url, frame_url = (visit.url if visit else None), self._frame_of(request)
        if visit is not None:
            count = self._per_page.get(id(visit.record), 0)
            if count >= MAX_REQUESTS:
                visit.record.dropped.requests += 1
                return
            self._per_page[id(visit.record)] = count + 1
        recorded = url if self.state.options.include_values else redact_url(url)
        record = RequestRecord(
            url=recorded[:MAX_URL], host=host, method=request.method, resource_type=request.resource_type,
            page_url=page_url, frame_url=frame_url, at=epoch_to_datetime(utcnow().timestamp()), phase=self.state.phase,
        )
        self.records.append(record)
        self._orders.append(crawl_position(visit))
        self._open[request] = record

    @staticmethod
    def _frame_of(request) -> Optional[str]:
        try:
            frame = request.frame
        except Exception:  # service-worker requests have no frame
            return None
        if request.is_navigation_request():
            # A frame's document is requested by its parent; a top-level document stands for itself.
            parent = frame.parent_frame
            frame_url = parent.url if parent is not None else request.url
        else:
            frame_url = frame.url
        return frame_url or None

    def _on_response(self, response) -> None:
        record = self._open.get(response.request)
        if record is not None:
            record.status = response.status

    def _on_finished(self, request) -> None:
        self._open.pop(request, None)

    def _on_failed(self, request) -> None:
        record = self._open.pop(request, None)
        if record is not None:
            record.failure = (request.failure or "failed")[:200]

    def results(self) -> list[RequestGroup]:
        groups: "OrderedDict[str, list[RequestRecord]]" = OrderedDict()
        order = sorted(range(len(self.records)), key=lambda i: (self._orders[i], i))
        for record in (self.records[i] for i in order):
            if record.host == self.state.site_host:  # the start URL landed on this site after the request
                continue
            groups.setdefault(registrable_domain(record.host), []).append(record)
        out = []
        for domain, records in groups.items():
            known = {}
            for host in dict.fromkeys(r.host for r in records):  # the first host the rule set knows
                known = self.state.classify_host(host)
                if known.get("tracker"):
                    break
            out.append(RequestGroup(
                domain=domain, party=self.state.party(domain), phase=self.state.phase,
                count=len(records), requests=records, **known,
            ))
        return out
