"""Which pages a scan visits, and in what order (pure: no browser).

The crawl is deterministic: the start URL, then the fixed ``--url`` pages, then same-site
links breadth first in document order (plus sitemap URLs with ``--sitemap``), each URL
once after normalisation, until ``--pages`` is reached. Links to other sites are recorded
by the pages collector but never queued.

URL patterns for ``--include`` / ``--exclude``:

* ``re:REGEX`` — a Python regular expression searched in the full URL;
* a pattern starting with ``/`` — a glob (``*``, ``?``, ``[...]``) matched against the
  path and query, e.g. ``/nieuws/*``;
* anything else — a glob matched against the full URL, e.g. ``*://*.denhaag.nl/loket*``.
"""

from __future__ import annotations

import fnmatch
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Callable, Iterable, Iterator, Optional
from urllib.parse import urljoin, urlsplit, urlunsplit

import yaml

from ..domains import registrable_domain
from ..errors import InputError

__all__ = [
    "Frontier",
    "PlannedPage",
    "compile_pattern",
    "is_skipped_link",
    "normalize_url",
    "parse_sitemap",
    "validate_start_url",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_CONTROL_OR_SPACE = re.compile("[\x00-\x20\x7f]")
MAX_SITEMAP_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class PlannedPage:
    """A page the crawl decided to visit."""

    url: str
    source: str  # start | fixed | link | sitemap
    depth: int
    index: int


def _ascii_host(host: str) -> Optional[str]:
    """An internationalised host name in the ASCII form Chromium puts in every URL it reports
    (``súdwest-fryslân.nl`` -> ``xn--sdwest-frysln-teb26a.nl``, UTS #46 like the browser); None
    for a name IDNA refuses."""
    import idna

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def normalize_url(url: str, base: Optional[str] = None) -> Optional[str]:
    """One spelling per page: absolute http(s), lower-case host, no default port, no fragment,
    no trailing slash (except the root), an internationalised host in its ASCII (punycode) form.
    None for anything that is not a web page URL.

    >>> normalize_url("HTTPS://WWW.DenHaag.nl:443/Afval/#top")
    'https://www.denhaag.nl/Afval'
    >>> normalize_url("/contact?", "https://www.denhaag.nl/a/b")
    'https://www.denhaag.nl/contact'
    >>> normalize_url("mailto:info@denhaag.nl") is None
    True
    """
    url = _TAB_OR_NEWLINE.sub("", (url or "").strip())  # as browsers read an href
    if not url:
        return None
    try:
        absolute = urljoin(base, url) if base else url
        parts = urlsplit(absolute)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        host = parts.hostname.lower().rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if not host.isascii():
        host = _ascii_host(host)
        if host is None:
            return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, _encode_controls(path), _encode_controls(parts.query), ""))


def _encode_controls(text: str) -> str:
    """Spaces and control characters percent-encoded, as a browser sends them."""
    return _CONTROL_OR_SPACE.sub(lambda match: f"%{ord(match.group()):02X}", text)


def validate_start_url(url: str) -> str:
    """The start URL normalised; ``denhaag.nl`` means ``https://denhaag.nl/``. Raises InputError."""
    text = (url or "").strip()
    if not text or any(ch.isspace() for ch in text):
        raise InputError(f"invalid URL {url!r}")
    if "://" not in text:
        # "htp:/foo" or "https:/www.denhaag.nl" is a misspelt URL, not a host name to guess;
        # "denhaag.nl:8443/afval" (a host and port) is fine.
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d+(?:[/?#]|$))", text):
            raise InputError(f"invalid URL {url!r}: write the scheme as http:// or https://")
        text = "https://" + text
    scheme = text.split("://", 1)[0].lower()
    if scheme not in _DEFAULT_PORTS:
        raise InputError(f"invalid URL {url!r}: only http and https can be scanned")
    normalized = normalize_url(text)
    if normalized is None:
        raise InputError(f"invalid URL {url!r}")
    host = urlsplit(normalized).hostname or ""
    if not re.fullmatch(r"[a-z0-9.\-\[\]:_]+", host) or ".." in host or host.startswith(("-", ".")):
        raise InputError(f"invalid URL {url!r}: bad host name")
    return normalized


def compile_pattern(pattern: str) -> Callable[[str], bool]:
    """A URL predicate for an --include/--exclude pattern (see the module docstring)."""
    if pattern.startswith("re:"):
        try:
            regex = re.compile(pattern[3:])
        except re.error as exc:
            raise InputError(f"invalid pattern {pattern!r}: {exc}") from None
        return lambda url: regex.search(url) is not None
    if pattern.startswith("/"):
        def matches_path(url: str) -> bool:
            parts = urlsplit(url)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            return fnmatch.fnmatchcase(target, pattern)
        return matches_path
    return lambda url: fnmatch.fnmatchcase(url, pattern)


@lru_cache(maxsize=1)
def _link_rules() -> tuple[frozenset, frozenset]:
    text = resources.files("cookieaudit.scanner").joinpath("data/links.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return frozenset(w.lower() for w in data["logout_words"]), frozenset(e.lower() for e in data["download_extensions"])


def is_skipped_link(url: str) -> Optional[str]:
    """Why a link is never followed ("logout" or "download"), or None.

    >>> is_skipped_link("https://www.denhaag.nl/mijn/uitloggen")
    'logout'
    >>> is_skipped_link("https://www.denhaag.nl/docs/jaarverslag.PDF")
    'download'
    """
    logout_words, extensions = _link_rules()
    parts = urlsplit(url)
    tokens = [segment.lower() for segment in parts.path.split("/") if segment]
    tokens += [piece.lower() for piece in re.split(r"[&=]", parts.query) if piece]
    if any(token in logout_words or token.split(".")[0] in logout_words for token in tokens):
        return "logout"
    last = tokens and parts.path.rsplit("/", 1)[-1].lower()
    if last and "." in last and last.rsplit(".", 1)[1] in extensions:
        return "download"
    return None


class Frontier:
    """Breadth-first queue of same-site pages; every URL at most once."""

    def __init__(
        self,
        start: str,
        max_pages: int,
        fixed: Iterable[str] = (),
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
    ):
        self.site = registrable_domain(urlsplit(start).hostname or "")
        self.max_pages = max_pages
        self._include = [compile_pattern(p) for p in include]
        self._exclude = [compile_pattern(p) for p in exclude]
        self._seen: set[str] = set()
        self._queue: list[PlannedPage] = []
        self._next = 0
        self.skipped: dict[str, str] = {}  # url -> reason, for the curious
        self._add(start, "start", 0, forced=True)
        for url in fixed:
            normalized = normalize_url(url)
            if normalized is None:
                raise InputError(f"invalid URL {url!r} in --url")
            self._add(normalized, "fixed", 0, forced=True)

    def is_same_site(self, url: str) -> bool:
        """Whether ``url`` belongs to the scanned site (same registrable domain)."""
        return registrable_domain(urlsplit(url).hostname or "") == self.site

    def add_links(self, links: Iterable[str], base: str, depth: int, source: str = "link") -> None:
        """Queue the same-site links of a page (in document order) that pass the filters."""
        for link in links:
            normalized = normalize_url(link, base)
            if normalized is not None:
                self._add(normalized, source, depth)

    def mark_visited(self, url: str) -> None:
        """A page ended up at ``url`` (a redirect target): never queue it separately."""
        normalized = normalize_url(url)
        if normalized is not None:
            self._seen.add(normalized)

    def _add(self, url: str, source: str, depth: int, forced: bool = False) -> None:
        if url in self._seen or len(self._queue) >= self.max_pages:
            return
        if not forced:
            reason = self._rejection(url)
            if reason:
                self.skipped.setdefault(url, reason)
                return
        self._seen.add(url)
        self._queue.append(PlannedPage(url, source, depth, len(self._queue)))

    def _rejection(self, url: str) -> Optional[str]:
        if not self.is_same_site(url):
            return "other-site"
        skipped = is_skipped_link(url)
        if skipped:
            return skipped
        if self._include and not any(match(url) for match in self._include):
            return "not-included"
        if any(match(url) for match in self._exclude):
            return "excluded"
        return None

    def pop(self) -> Optional[PlannedPage]:
        """The next page to visit, or None when nothing is queued right now."""
        if self._next >= len(self._queue):
            return None
        page = self._queue[self._next]
        self._next += 1
        return page

    @property
    def full(self) -> bool:
        return len(self._queue) >= self.max_pages

    @property
    def planned(self) -> list[PlannedPage]:
        """Every page queued so far, in visiting order."""
        return list(self._queue)


def parse_sitemap(text: str) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index, in document order.

    Documents with a DOCTYPE are refused (no entity expansion from a hostile site).
    """
    if len(text) > MAX_SITEMAP_BYTES or "<!DOCTYPE" in text[:2048].upper() or "<!ENTITY" in text.upper():
        return [], []
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError:
        return [], []
    pages, children = [], []
    kind = _local(root.tag)
    for entry in root:
        loc = next((child.text for child in entry if _local(child.tag) == "loc" and child.text), None)
        if not loc:
            continue
        (children if kind == "sitemapindex" else pages).append(loc.strip())
    return pages, children


def sitemaps_in_robots(text: str) -> Iterator[str]:
    """``Sitemap:`` lines of a robots.txt, in order."""
    for line in text.splitlines()[:5000]:
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            yield value.strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
