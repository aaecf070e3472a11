"""Classifier speed: classifications per second and the import time of ``cookieaudit``.

Prints medians of several runs for:

- (a) a realistic scan mix: ~70 cookie names seen on Dutch municipal and commercial sites,
  with domains and expiries, repeated (most lookups hit the result cache);
- (b) a million all-distinct names: known families with random suffixes plus random names
  (every lookup is a cache miss and goes through the matcher);
- the time ``python -c "import cookieaudit"`` spends importing the package.

Run: ``python benchmarks/classify_bench.py [--runs N] [--distinct N]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SITE = "https://www.denhaag.nl/"
# (name, cookie domain, days until expiry or -1 for session)
SCAN_MIX = [
    ("_ga", ".denhaag.nl", 730), ("_gid", ".denhaag.nl", 1), ("_gat", ".denhaag.nl", 0.001),
    ("_ga_7XK2P4QH1Z", ".denhaag.nl", 730), ("_gcl_au", ".denhaag.nl", 90), ("_fbp", ".denhaag.nl", 90),
    ("_hjSessionUser_2938471", ".denhaag.nl", 365), ("_hjSession_2938471", ".denhaag.nl", -1),
    ("_hjIncludedInSample", "www.denhaag.nl", -1), ("_hjUserId", ".denhaag.nl", 365),
    ("_hjAbsoluteSessionInProgress", ".denhaag.nl", -1), ("_vis_opt_s", "www.denhaag.nl", 100),
    ("_vis_opt_test_cookie", "www.denhaag.nl", -1), ("_vwo_uuid", "www.denhaag.nl", 100),
    ("IpsosSurveyCookie1", "www.denhaag.nl", 365), ("_pk_id.3.1fff", "www.denhaag.nl", 395),
    ("_pk_ses.3.1fff", "www.denhaag.nl", -1), ("nmstat", ".denhaag.nl", 1000),
    ("siteimproveses", "www.denhaag.nl", -1), ("CookieConsent", "www.denhaag.nl", 365),
    ("OptanonConsent", ".denhaag.nl", 365), ("OptanonAlertBoxClosed", ".denhaag.nl", 365),
    ("PHPSESSID", "www.denhaag.nl", -1), ("JSESSIONID", "loket.denhaag.nl", -1),
    ("ASP.NET_SessionId", "formulieren.denhaag.nl", -1), ("__RequestVerificationToken", "formulieren.denhaag.nl", -1),
    ("AWSALB", "www.denhaag.nl", 7), ("AWSALBCORS", "www.denhaag.nl", 7), ("__cf_bm", ".denhaag.nl", 0.02),
    ("cf_clearance", ".denhaag.nl", 365), ("BIGipServerpool_www", "www.denhaag.nl", -1),
    ("visid_incap_2238391", ".denhaag.nl", 365), ("incap_ses_1234_2238391", ".denhaag.nl", -1),
    ("_rspkrLoadCore", "www.denhaag.nl", -1), ("ReadSpeakerSettings", "www.denhaag.nl", 365),
    ("IDE", ".doubleclick.net", 390), ("test_cookie", ".doubleclick.net", 0.01), ("NID", ".google.com", 180),
    ("YSC", ".youtube.com", -1), ("VISITOR_INFO1_LIVE", ".youtube.com", 180), ("fr", ".facebook.com", 90),
    ("bcookie", ".linkedin.com", 365), ("li_sugr", ".linkedin.com", 90), ("lidc", ".linkedin.com", 1),
    ("MUID", ".bing.com", 390), ("_uetsid", ".denhaag.nl", 1), ("_uetvid", ".denhaag.nl", 390),
    ("_clck", ".denhaag.nl", 365), ("_clsk", ".denhaag.nl", 1), ("CLID", "www.clarity.ms", 365),
    ("uuid2", ".adnxs.com", 90), ("cto_bundle", ".denhaag.nl", 390), ("uid", ".adform.net", 60),
    ("TDID", ".adsrvr.org", 365), ("__hstc", ".denhaag.nl", 180), ("hubspotutk", ".denhaag.nl", 180),
    ("__hssc", ".denhaag.nl", 0.02), ("intercom-id-ab12cd34", ".denhaag.nl", 270),
    ("intercom-session-ab12cd34", ".denhaag.nl", 7), ("_ttp", ".tiktok.com", 390),
    ("personalization_id", ".twitter.com", 400), ("__stripe_mid", ".denhaag.nl", 365),
    ("wp-settings-1", "www.denhaag.nl", 365), ("SSESSa1b2c3d4e5f60718293a4b5c6d7e8f90", ".denhaag.nl", 23),
    ("unknown_pref", "www.denhaag.nl", 30), ("zaaksysteem_sessie", "loket.denhaag.nl", -1),
    ("TS01a2b3c4", "www.denhaag.nl", -1), ("ARRAffinity", "formulieren.denhaag.nl", -1),
]
FAMILIES = ["_ga_", "_hjSessionUser_", "_pk_id.1.", "_vis_opt_exp_", "intercom-id-", "visid_incap_",
            "SSESS", "AMCV_", "_gac_UA-", "incap_ses_", "wordpress_logged_in_", "mp_", ""]


def _scan_items(count: int) -> list[tuple[str, str, float]]:
    now = time.time()
    rng = random.Random(1)
    base = [(n, d, -1 if days == -1 else now + days * 86400) for n, d, days in SCAN_MIX]
    return [rng.choice(base) for _ in range(count)]


def _distinct_items(count: int) -> list[tuple[str, str, float]]:
    rng = random.Random(2)
    alphabet = string.ascii_lowercase + string.digits
    seen: set[str] = set()
    items = []
    while len(items) < count:
        suffix = "".join(rng.choices(alphabet, k=12))
        name = rng.choice(FAMILIES) + suffix
        if name in seen:
            continue
        seen.add(name)
        items.append((name, rng.choice([".denhaag.nl", "www.example.nl", ".doubleclick.net", None]), -1))
    return items


def _rate(func, items, runs: int) -> float:
    """Median classifications per second over ``runs`` runs."""
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        func(items)
        rates.append(len(items) / (time.perf_counter() - start))
    return statistics.median(rates)


def _import_time(runs: int) -> float:
    code = "import time; t = time.perf_counter(); import cookieaudit; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]
    return statistics.median(times)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (the median is printed)")
    parser.add_argument("--scan", type=int, default=500_000, help="cookies in the repeated scan mix")
    parser.add_argument("--distinct", type=int, default=1_000_000, help="all-distinct names")
    args = parser.parse_args()

    from cookieaudit.classifier import Classifier

    load_start = time.perf_counter()
    classifier = Classifier().load()
    load_seconds = time.perf_counter() - load_start
    print(f"rules: {len(classifier.rules)} cookie rules, {len(classifier.hosts)} hosts, "
          f"{len(classifier.vendors)} vendors; first load and compile {load_seconds * 1000:.0f} ms")

    scan = _scan_items(args.scan)
    classifier.classify_many(scan, site=SITE)  # warm the cache: a scan repeats the same names
    many = _rate(lambda items: classifier.classify_many(items, site=SITE), scan, args.runs)
    single = _rate(lambda items: [classifier.classify(n, d, SITE, e) for n, d, e in items], scan, args.runs)
    print(f"(a) scan mix, {args.scan:,} cookies of {len(SCAN_MIX)} names: "
          f"classify_many {many:,.0f}/s, classify {single:,.0f}/s")

    distinct = _distinct_items(args.distinct)

    rates_many, rates_single = [], []
    for _ in range(max(1, args.runs // 2 + 1)):
        classifier.clear_cache()
        start = time.perf_counter()
        classifier.classify_many(distinct, site=SITE)
        rates_many.append(len(distinct) / (time.perf_counter() - start))
        classifier.clear_cache()
        start = time.perf_counter()
        for name, domain, expires in distinct:
            classifier.classify(name, domain, SITE, expires)
        rates_single.append(len(distinct) / (time.perf_counter() - start))
    unknown = sum(r.purpose == "unknown" for r in classifier.classify_many(distinct[:10_000], site=SITE))
    print(f"(b) {args.distinct:,} distinct names ({unknown / 100:.0f}% unknown): "
          f"classify_many {statistics.median(rates_many):,.0f}/s, classify {statistics.median(rates_single):,.0f}/s")
    print(f"import cookieaudit: {_import_time(args.runs) * 1000:.0f} ms (median of {args.runs})")


if __name__ == "__main__":
    main()
