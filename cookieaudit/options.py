"""ScanOptions: every setting of a scan, with its default, documented in one place.

The options object is frozen and passed down unchanged from the CLI or API to the
phases, the browser launcher and the collectors; nothing redeclares a default.
"""

from __future__ import annotations

import re
from typing import Literal, Optional, Tuple

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import InputError

__all__ = ["CONSENT_PHASES", "ConsentMode", "ScanOptions", "parse_viewport", "phases_for"]

ConsentMode = Literal["none", "reject", "accept", "all"]

# --consent value -> the phases it runs, in order.
CONSENT_PHASES = {
    "none": ("before_consent",),
    "reject": ("after_reject",),
    "accept": ("after_accept",),
    "all": ("before_consent", "after_reject", "after_accept"),
}


class ScanOptions(BaseModel):
    """Settings of one scan; defaults here are the defaults everywhere (CLI, API, docs)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # -- what to visit --------------------------------------------------------------
    pages: int = Field(20, ge=1, le=100_000, description="Most pages visited per phase (the start URL counts).")
    urls: Tuple[str, ...] = Field((), description="Extra pages always visited, right after the start URL.")
    include: Tuple[str, ...] = Field(
        (), description="Only follow discovered links matching one of these patterns (see crawl.compile_pattern)."
    )
    exclude: Tuple[str, ...] = Field((), description="Never follow discovered links matching one of these patterns.")
    sitemap: bool = Field(False, description="Also queue the pages listed in the site's sitemap (robots.txt or /sitemap.xml).")
    consent: ConsentMode = Field(
        "all", description="Phases: none=before_consent, reject=after_reject, accept=after_accept, all=the three."
    )

    # -- how each page is visited ---------------------------------------------------
    # The default comes from benchmarks/scan_bench.py --matrix on a 2-core machine (README, Performance):
    # one phase scans a 20-page site 1.4x faster with 3 tabs than with 1 (1.8x with 4), three phases
    # 1.1-1.2x; 4 tabs x 3 phases is 12 pages loading at once on 2 cores, which starves page scripts
    # whose late requests the settle rule must still see. --concurrency 4 suits one phase on an idle machine.
    concurrency: int = Field(
        3, ge=1, le=16,
        description=("Parallel tabs of the same visitor, per phase. The result does not depend on it: pages, "
                     "cookies, storage, trackers, first-seen pages, setters, party, purpose and lifetimes come "
                     "out as with one tab (values, changes and times may differ: the tabs share one cookie jar)."),
    )
    timeout: float = Field(30.0, gt=0, le=600, description="Seconds allowed for one page: load, settle and collection.")
    quiet_window: float = Field(
        0.5, ge=0, le=10,
        description="After load, the network counts as settled once no request started or ended for this many seconds.",
    )
    settle_limit: float = Field(
        10.0, gt=0, le=600,
        description=("Seconds after loading at most spent waiting for a page to settle (network quiet, late tags "
                     "fired); a page that never settles is ended there and its 'settle' record says why. "
                     "--timeout still bounds the whole visit."),
    )
    wait: float = Field(0.0, ge=0, le=120, description="Extra seconds on every page after the network settled, for late scripts.")

    # -- the browser ----------------------------------------------------------------
    browser_path: Optional[str] = Field(None, description="Chromium executable; default: found automatically.")
    browser_args: Tuple[str, ...] = Field((), description="Extra Chromium switches.")
    insecure: bool = Field(False, description="Accept invalid or self-signed TLS certificates.")
    user_agent: Optional[str] = Field(None, description="User agent; default: the browser's own, without 'Headless'.")
    viewport: Tuple[int, int] = Field((1920, 1080), description="Window size in CSS pixels (width, height).")
    locale: str = Field("nl-NL", description="Browser locale (navigator.language, Accept-Language).")
    timezone: str = Field("Europe/Amsterdam", description="IANA time zone the pages see.")
    proxy: Optional[str] = Field(None, description="Proxy server, e.g. http://proxy:3128 or socks5://host:1080.")
    headed: bool = Field(False, description="Show the browser window.")
    block_third_party_cookies: bool = Field(
        False, description="Block third-party cookies (default: allowed, as a default desktop Chrome stores them)."
    )

    # -- output ---------------------------------------------------------------------
    include_values: bool = Field(False, description="Keep cookie and storage values and URL identifiers instead of redacting them.")
    output_dir: Optional[str] = Field(None, description="Folder for screenshots and other artefacts; paths in the result are relative to it.")
    har: Optional[str] = Field(None, description="Save a HAR of each phase to this file (phase name added when several run).")

    @field_validator("urls", "include", "exclude", "browser_args", mode="before")
    @classmethod
    def _tuple(cls, value):
        if isinstance(value, str):
            return (value,)
        return tuple(value or ())

    @field_validator("proxy")
    @classmethod
    def _proxy(cls, value):
        return check_proxy(value) if value else None

    @field_validator("viewport", mode="before")
    @classmethod
    def _viewport(cls, value):
        return parse_viewport(value) if isinstance(value, str) else value

    @property
    def phases(self) -> tuple[str, ...]:
        """The phase names this scan runs, in order."""
        return phases_for(self.consent)

    def public_dict(self) -> dict:
        """The options as recorded in a result: proxy credentials removed."""
        data = self.model_dump(mode="json")
        if data.get("proxy"):
            data["proxy"] = re.sub(r"//[^/@]*@", "//", data["proxy"])
        return data


def phases_for(consent: str) -> tuple[str, ...]:
    """Phase names for a --consent value."""
    try:
        return CONSENT_PHASES[consent]
    except KeyError:
        raise InputError(f"unknown consent mode {consent!r} (choose from {', '.join(CONSENT_PHASES)})") from None


PROXY_SCHEMES = ("http", "https", "socks4", "socks5")


def check_proxy(text: str) -> str:
    """A proxy server as Chromium takes it: ``scheme://host[:port]`` (http, https, socks4, socks5)
    or Playwright's short form ``host:port`` (an HTTP proxy); anything else is a ValueError, so a
    typo is bad input rather than a scan in which every page fails.

    >>> check_proxy("socks5://127.0.0.1:1080")
    'socks5://127.0.0.1:1080'
    """
    text = text.strip()
    shown = re.sub(r"//[^/@]*@", "//", text)  # never echo a password
    match = re.fullmatch(r"(?:(?P<scheme>[A-Za-z0-9+.-]+)://)?(?:[^@/\s]+@)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^:/@\s\[\]]+)"
                         r"(?::(?P<port>\d{1,5}))?/?", text)
    if not match or (match["port"] and not 0 < int(match["port"]) < 65536):
        raise ValueError(f"{shown!r} is not a proxy server (give scheme://host:port, e.g. http://proxy:3128)")
    if match["scheme"] is None and match["port"] is None:
        raise ValueError(f"{shown!r} is not a proxy server (give scheme://host:port, e.g. http://proxy:3128)")
    if match["scheme"] is not None and match["scheme"].lower() not in PROXY_SCHEMES:
        raise ValueError(f"proxy scheme {match['scheme']!r} is not supported (use {', '.join(PROXY_SCHEMES)})")
    return text


def parse_viewport(text: str) -> tuple[int, int]:
    """'1366x768' -> (1366, 768).

    >>> parse_viewport("1366x768")
    (1366, 768)
    """
    match = re.fullmatch(r"\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*", text or "")
    if not match:
        raise InputError(f"invalid viewport {text!r}: use WIDTHxHEIGHT, e.g. 1366x768")
    return int(match.group(1)), int(match.group(2))
