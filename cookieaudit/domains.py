"""Host names, registrable domains and first/third party, offline.

tldextract is used with its bundled public-suffix snapshot only: it must never fetch
the list over the network at run time.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

__all__ = ["host_of", "is_ip", "party", "registrable_domain", "same_site", "split_url"]

_extractor = None


def _extract(host: str):
    global _extractor
    if _extractor is None:
        import tldextract

        # suffix_list_urls=() and cache_dir=None: bundled snapshot, no network, no disk cache.
        _extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    return _extractor(host)


def split_url(url: str) -> SplitResult:
    """``urlsplit`` for URLs a page controls: a malformed one (``http://[x``) splits as empty, never raises."""
    try:
        return urlsplit(url)
    except ValueError:
        return urlsplit("")


def is_ip(host: str) -> bool:
    """True for an IPv4 or IPv6 literal (brackets allowed)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def host_of(url_or_host: str) -> str:
    """The lower-case host of a URL, or the host name itself; a cookie domain loses its dot.

    >>> host_of("https://WWW.DenHaag.nl:443/path")
    'www.denhaag.nl'
    >>> host_of(".denhaag.nl")
    'denhaag.nl'
    """
    text = url_or_host.strip()
    if "://" in text or "/" in text:
        text = split_url(text if "://" in text else "//" + text).hostname or ""
    elif text.count(":") == 1:  # host:port
        text = text.split(":", 1)[0]
    return text.strip(".").lower()


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """The registrable domain (eTLD+1) of a host; the host itself when it has no public suffix.

    >>> registrable_domain("www.denhaag.nl")
    'denhaag.nl'
    >>> registrable_domain("127.0.0.1")
    '127.0.0.1'
    """
    host = host_of(host)
    if not host or is_ip(host):
        return host
    parts = _extract(host)
    if not parts.suffix or not parts.domain:
        return host
    return f"{parts.domain}.{parts.suffix}"


def same_site(host_a: str, host_b: str) -> bool:
    """Whether two hosts share a registrable domain (hosts compared when there is none)."""
    return registrable_domain(host_a) == registrable_domain(host_b)


def party(domain: str, site: str) -> str:
    """``"first"`` when ``domain`` belongs to the same registrable domain as ``site``, else ``"third"``.

    >>> party(".google-analytics.com", "https://www.denhaag.nl/")
    'third'
    >>> party("denhaag.nl", "www.denhaag.nl")
    'first'
    """
    return "first" if same_site(domain, site) else "third"
