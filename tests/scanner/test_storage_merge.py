"""The storage collector's merge of its three records (browser-free: events are fed directly)."""

from __future__ import annotations

from cookieaudit.models import Page
from cookieaudit.scanner.collectors.base import PhaseState, Visit
from cookieaudit.scanner.collectors.storage import MAX_KEYS, StorageCollector, site_of
from cookieaudit.scanner.crawl import PlannedPage
from cookieaudit.scanner.devtools import origin_of, parse_storage_key
from cookieaudit.scanner.options import ScanOptions

SITE = "https://www.gemeente.nl"
WIDGET = "https://widget.kaart.com"


def _collector():
    state = PhaseState("before_consent", ScanOptions(), SITE + "/", [], lambda **_: {}, lambda host: {})
    return state, StorageCollector(state)


def _visit(state, tab, index, url):
    visit = Visit(PlannedPage(url, "link", 1, index), tab, Page(url=url, phase="before_consent"), 0.0)
    state.current[tab] = visit
    return visit


def test_storage_keys_origins_and_sites():
    assert parse_storage_key("https://www.gemeente.nl/") == ("https://www.gemeente.nl", None)
    assert parse_storage_key("https://widget.kaart.com/^0https://gemeente.nl") == (WIDGET, "https://gemeente.nl")
    assert parse_storage_key("https://widget.kaart.com/^112345^267890") == (WIDGET, "opaque")
    assert parse_storage_key(None) == (None, None)
    assert origin_of("https://jan:geheim@www.gemeente.nl:8443/a?b") == "https://www.gemeente.nl:8443"
    assert origin_of("about:blank") is None and origin_of("data:text/html,x") is None
    assert site_of("https://widget.kaart.com/x") == "https://kaart.com"


def test_devtools_write_gets_the_init_scripts_writer_and_frame():
    state, storage = _collector()
    tab = object()
    _visit(state, tab, 0, SITE + "/")
    storage.on_script_event({"type": "cdp-storage", "area": "localStorage", "op": "set", "key": "kaart-id",
                             "value": "k-1234567", "origin": WIDGET, "partition": "https://gemeente.nl",
                             "target": "iframe", "target_url": WIDGET + "/frame", "at": 1000}, "", tab)
    storage.on_script_event({"type": "storage", "area": "localStorage", "key": "kaart-id", "value": "k-1234567",
                             "origin": WIDGET, "script": WIDGET + "/kaart.js", "frame": WIDGET + "/frame",
                             "at": 999}, "", tab)
    [entry] = storage.results()
    assert (entry.origin, entry.partition, entry.key, entry.party) == (WIDGET, "https://gemeente.nl", "kaart-id", "third")
    assert entry.set_by.url == WIDGET + "/kaart.js" and entry.frame_url == WIDGET + "/frame"
    assert entry.recorded_by == ["devtools", "script"]
    assert entry.value != "k-1234567"  # redacted
    assert "k-1234567" in storage.secrets()  # and searched for elsewhere


def test_removals_keep_what_was_written_and_listings_add_names():
    state, storage = _collector()
    tab = object()
    _visit(state, tab, 0, SITE + "/")
    for op in ("set", "remove", "clear"):
        storage.on_script_event({"type": "cdp-storage", "area": "sessionStorage", "op": op, "key": "stap",
                                 "value": "2" if op == "set" else None, "origin": SITE, "target": "page"}, "", tab)
    storage.on_script_event({"type": "cdp-listing", "kind": "indexedDB", "origin": SITE, "partition": None,
                             "names": ["formulieren", "formulieren"]}, "", tab)
    storage.on_script_event({"type": "cdp-service-worker", "scope": SITE + "/", "script_url": SITE + "/sw.js",
                             "origin": SITE}, "", tab)
    got = {(e.kind, e.key): e for e in storage.results()}
    assert set(got) == {("sessionStorage", "stap"), ("indexedDB", "formulieren"), ("serviceWorker", SITE + "/")}
    assert got[("sessionStorage", "stap")].partition == "https://gemeente.nl"  # first-party: its own site
    assert got[("serviceWorker", SITE + "/")].script_url == SITE + "/sw.js"


def test_earliest_page_in_crawl_order_wins_and_the_cap_counts_each_key_once():
    state, storage = _collector()
    early, late = object(), object()
    _visit(state, late, 3, SITE + "/later")
    _visit(state, early, 1, SITE + "/eerder")
    event = {"type": "storage", "area": "localStorage", "key": "k", "origin": SITE, "script": SITE + "/a.js"}
    storage.on_script_event({**event, "at": 5000}, "", late)
    storage.on_script_event({**event, "at": 6000}, "", early)
    [entry] = storage.results()
    assert entry.first_seen_url == SITE + "/eerder"
    visit = state.current[early]
    for i in range(MAX_KEYS + 10):
        for source in ("storage", "cdp-storage"):  # the same write seen twice counts once
            storage.on_script_event({"type": source, "op": "set", "area": "sessionStorage", "key": f"s{i}",
                                     "origin": SITE, "script": SITE + "/a.js"}, "", early)
    assert len([e for e in storage.results() if e.kind == "sessionStorage"]) == MAX_KEYS
    assert visit.record.dropped.storage_keys == 10


def test_worker_reports_pass_each_report_on_once_and_free_unfinished_claims():
    from cookieaudit.scanner.devtools import WorkerReports

    reports = WorkerReports("/* script */")
    batch = '[{"type":"cookie","api":"cookieStore","options":{"name":"a","value":"1"},"at":1}]'
    assert reports.first(batch) is True
    assert reports.first(batch) is False  # the same call, received by a second attached session
    assert reports.first(batch.replace('"at":1', '"at":2')) is True
    for n in range(WorkerReports.REMEMBERED + 1):  # bounded: the oldest are forgotten
        reports.first(str(n))
    assert reports.first(batch) is True
    tab_session, browser_session = object(), object()
    reports.claims.update({"ctx-1": tab_session, "ctx-2": tab_session, "ctx-3": browser_session})
    reports.instrumented.add("ctx-2")
    reports.release(tab_session)  # its session detached: ctx-1 unfinished, free; ctx-2 done, kept
    assert reports.claims == {"ctx-2": tab_session, "ctx-3": browser_session}


def test_a_service_worker_request_names_its_script():
    from cookieaudit.scanner.collectors.cookies import _service_worker_script

    class Worker:
        url = SITE + "/sw.js"

    class Request:
        def __init__(self, worker):
            self.service_worker = worker

    class Broken:
        @property
        def service_worker(self):
            raise RuntimeError("target closed")

    assert _service_worker_script(Request(Worker())) == SITE + "/sw.js"
    assert _service_worker_script(Request(None)) is None  # a page's request
    assert _service_worker_script(Broken()) is None
