"""Median time to audit a saved 500-page scan (three consent phases) with its declaration.

    python benchmarks/audit_bench.py [--pages 500] [--runs 7]

The scan is synthesised the way a municipal site looks to the scanner: per phase 500 pages,
~60 distinct cookies (session, load balancer, analytics, heatmaps, an ad pixel, video embeds,
a survey tool, the site's own preferences, unknown ones, and a poll cookie with a random name
on every 5th page), ~40 storage keys and 24 requests per page to ~25 tracker and CDN hosts
(36,000 request records). The declaration is the demo municipality's statement (HTML + PDF)
plus 40 more declared cookies, parsed once. Timed: `audit()` on the loaded scan (what `scan
--statement` adds to a scan), and loading the saved JSON plus `audit()` (what `cookieaudit
audit SCAN.json` does). Medians of --runs runs after one warm-up (the first audit also loads
the rule set and the message files, reported on its own).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookieaudit.auditing import audit, load_result  # noqa: E402
from cookieaudit.classifier import classify, classify_host  # noqa: E402
from cookieaudit.domains import party, registrable_domain  # noqa: E402
from cookieaudit.models import (BrowserInfo, Cookie, Page, PhaseBanner, PhaseInfo, RequestGroup,  # noqa: E402
                                RequestRecord, ScanResult, SetBy, StorageEntry, ToolInfo)
from cookieaudit.options import ScanOptions  # noqa: E402
from cookieaudit.statement import parse_statement, parse_text  # noqa: E402

SITE = "https://www.voorbeeldstad.nl/"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PHASES = ("before_consent", "after_reject", "after_accept")
# (name, domain, days or None, phases it shows up in)
COOKIES = [
    ("ASP.NET_SessionId", "www.voorbeeldstad.nl", None, PHASES), ("BIGipServer~DMZ~pool_www_443", "www.voorbeeldstad.nl", None, PHASES),
    ("_ga", ".voorbeeldstad.nl", 730, PHASES), ("_ga_7QK2M9XR4T", ".voorbeeldstad.nl", 730, PHASES),
    ("_gid", ".voorbeeldstad.nl", 1, PHASES), ("_gat_UA-1234-1", ".voorbeeldstad.nl", 0.0007, PHASES),
    ("_hjSessionUser_123", ".voorbeeldstad.nl", 365, PHASES[2:]), ("_hjSession_123", ".voorbeeldstad.nl", 0.02, PHASES[2:]),
    ("_fbp", ".voorbeeldstad.nl", 90, PHASES), ("_gcl_au", ".voorbeeldstad.nl", 90, PHASES[2:]),
    ("YSC", ".youtube.com", None, PHASES[2:]), ("VISITOR_INFO1_LIVE", ".youtube.com", 180, PHASES[2:]),
    ("IDE", ".doubleclick.net", 390, PHASES[2:]), ("test_cookie", ".doubleclick.net", 0.01, PHASES[2:]),
    ("_pk_id.1.a1b2", ".voorbeeldstad.nl", 395, PHASES), ("_pk_ses.1.a1b2", ".voorbeeldstad.nl", 0.02, PHASES),
    ("IpsosSurveyCookie_1", "www.voorbeeldstad.nl", 365, PHASES), ("cookie_toestemming", "www.voorbeeldstad.nl", 365, PHASES[1:]),
    ("tekstgrootte", "www.voorbeeldstad.nl", 365, PHASES), ("taalkeuze", "www.voorbeeldstad.nl", 180, PHASES),
    ("__cf_bm", ".cdnjs.cloudflare.com", 0.02, PHASES), ("_vwo_uuid_v2", ".voorbeeldstad.nl", 366, PHASES),
    ("_vis_opt_s", ".voorbeeldstad.nl", 100, PHASES), ("li_sugr", ".linkedin.com", 90, PHASES[2:]),
    ("bcookie", ".linkedin.com", 365, PHASES[2:]), ("NID", ".google.com", 180, PHASES[2:]),
] + [(f"widget_{i}", "www.voorbeeldstad.nl", 30, PHASES) for i in range(20)] + [
    (f"kaartlaag{i}", ".kaart.voorbeeldstad.nl", None, PHASES) for i in range(14)]
HOSTS = ["www.googletagmanager.com", "region1.google-analytics.com", "stats.g.doubleclick.net", "static.hotjar.com",
         "script.hotjar.com", "connect.facebook.net", "www.facebook.com", "www.youtube.com", "i.ytimg.com",
         "googleads.g.doubleclick.net", "dev.visualwebsiteoptimizer.com", "survey.ipsos.nl", "cdnjs.cloudflare.com",
         "fonts.googleapis.com", "fonts.gstatic.com", "maps.googleapis.com", "snap.licdn.com", "px.ads.linkedin.com",
         "cdn.readspeaker.com", "statistiek.voorbeeldstad-analytics.nl", "www.google.com", "matomo.cloud",
         "cdn.siteimprove.net", "siteimproveanalytics.com", "api.kaartviewer.nl"]
EXTRA_DECLARED = "\n".join(f"| widget_{i} | Onthoudt de instellingen van widget {i} | 30 dagen |" for i in range(20))


def synthesise(pages: int, seed: int = 7) -> ScanResult:
    rng = random.Random(seed)
    urls = [SITE] + [f"{SITE}onderwerp/{i}" for i in range(1, pages)]
    cookies, storage, records = [], [], []
    for phase in PHASES:
        for name, domain, days, phases in COOKIES:
            if phase not in phases:
                continue
            bare = domain.lstrip(".")
            found = classify(name, domain=bare, site=SITE)
            seen = T0 + timedelta(seconds=rng.uniform(0, 3) if phase == "before_consent" else rng.uniform(0, 60))
            cookies.append(Cookie(
                name=name, domain=bare, host_only=not domain.startswith("."), session=days is None, max_age_days=days,
                party=party(bare, SITE), purpose=found.purpose, vendor=found.vendor, vendor_id=found.vendor_id,
                rule_id=found.rule_id, set_by=SetBy(kind="script", url="https://www.googletagmanager.com/gtag/js", party="third"),
                first_seen_url=rng.choice(urls[:5]), first_seen_at=seen, last_written_at=seen + timedelta(seconds=30),
                phase=phase))
        for i in range(0, pages, 5):  # a poll cookie with a random name on every 5th page
            cookies.append(Cookie(name=f"poll_{rng.getrandbits(40):010x}", domain="www.voorbeeldstad.nl", host_only=True,
                                  session=True, party="first", phase=phase, first_seen_url=urls[i], first_seen_at=T0))
        for i in range(40):
            origin = "https://www.youtube.com" if i % 4 == 0 else "https://www.voorbeeldstad.nl"
            key = f"yt-remote-device-{i}" if i % 4 == 0 else f"app_state_{i}"
            storage.append(StorageEntry(kind="localStorage", origin=origin, key=key, party=party(origin, SITE), phase=phase,
                                        first_seen_url=SITE, first_seen_at=T0))
        for index, url in enumerate(urls):
            for host in rng.sample(HOSTS, 24):
                query = "v=2&tid=G-7QK2M9XR4T&cid=REDACTED&en=page_view" if "google-analytics" in host else "x=1"
                records.append(RequestRecord(url=f"https://{host}/collect?{query}", host=host, page_url=url, frame_url=url,
                                             at=T0 + timedelta(seconds=index), phase=phase))
    groups: dict[tuple, list] = {}
    for record in records:
        groups.setdefault((record.phase, registrable_domain(record.host)), []).append(record)
    requests = []
    for (phase, domain), items in groups.items():
        known = classify_host(items[0].host)
        requests.append(RequestGroup(domain=domain, party="third", tracker=known.tracker, vendor=known.vendor,
                                     vendor_id=known.vendor_id, purpose=known.purpose, phase=phase, count=len(items),
                                     requests=items))
    banner = PhaseBanner(detected=True, verified=True, reject_on_first_layer=False, clicks=2, action="reject")
    infos = [PhaseInfo(name=p, started_at=T0, answered_at=None if p == "before_consent" else T0 + timedelta(seconds=5),
                       banner=None if p == "before_consent" else banner, pages=pages) for p in PHASES]
    return ScanResult(site=SITE, started_at=T0, finished_at=T0 + timedelta(minutes=20), tool=ToolInfo(version="bench"),
                      options=ScanOptions(pages=pages), browser=BrowserInfo(),
                      pages=[Page(url=u, final_url=u, status=200, phase=p) for p in PHASES for u in urls],
                      cookies=cookies, storage=storage, requests=requests, phases=infos)


def declaration():
    statement = ROOT / "cookieaudit" / "demo" / "site" / "statement"
    demo = parse_statement([statement / "privacyverklaring.html", statement / "cookieverklaring.pdf"])
    extra = parse_text("Functionele cookies\n\n| Naam | Doel | Bewaartermijn |\n| --- | --- | --- |\n" + EXTRA_DECLARED,
                       kind="markdown")
    return demo.model_copy(update={"cookies": demo.cookies + extra.cookies})


def median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    scan = synthesise(args.pages)
    decl = declaration()
    with tempfile.TemporaryDirectory() as folder:
        saved = Path(folder) / "scan.json"
        saved.write_text(scan.to_json(), encoding="utf-8")
        size = saved.stat().st_size
        start = time.perf_counter()
        first = audit(scan, decl)
        first_ms = (time.perf_counter() - start) * 1000
        audit_ms = median_ms(lambda: audit(scan, decl), args.runs)
        load_ms = median_ms(lambda: load_result(saved), args.runs)
        both_ms = median_ms(lambda: audit(load_result(saved), decl), args.runs)
    records = sum(len(g.requests) for g in scan.requests)
    print(f"scan: {args.pages} pages x 3 phases, {len(scan.cookies):,} cookie records, {len(scan.storage)} storage keys, "
          f"{records:,} request records; saved JSON {size / 1e6:.1f} MB")
    print(f"declaration: {len(decl.cookies)} cookies, {len(decl.services)} services; findings: {len(first.findings)}")
    print(f"first audit (loads rules and messages): {first_ms:8.1f} ms")
    print(f"audit(), median of {args.runs}:           {audit_ms:8.1f} ms")
    print(f"load saved JSON, median:               {load_ms:8.1f} ms")
    print(f"load + audit (`cookieaudit audit`):    {both_ms:8.1f} ms   (audit is {audit_ms / both_ms:.0%} of it)")


if __name__ == "__main__":
    main()
