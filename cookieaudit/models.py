"""The result of a scan: ``ScanResult`` and everything in it (pydantic v2).

One scan runs one or more consent phases (``before_consent``, ``after_reject``,
``after_accept``). Every observation (page, cookie, storage entry, request, error)
carries the ``phase`` it was made in, so the lists hold all phases side by side and
``phases`` describes each phase run. Later issues extend these models; field names are
never renamed. ``python -m cookieaudit.models`` prints the JSON Schema published as
``docs/scan-result.schema.json``.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from .options import ScanOptions

__all__ = [
    "BannerScreenshot",
    "BrowserInfo",
    "Cookie",
    "CookieChange",
    "Dialog",
    "ErrorEntry",
    "Page",
    "PageDropped",
    "PageLink",
    "PageSettle",
    "PhaseBanner",
    "PhaseInfo",
    "PhaseName",
    "RedactedValue",
    "RequestGroup",
    "RequestRecord",
    "ScanResult",
    "SetBy",
    "StorageEntry",
    "ToolInfo",
    "schema_json",
]

PhaseName = Literal["before_consent", "after_reject", "after_accept"]
Party = Literal["first", "third"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RedactedValue(_Model):
    """A value replaced by its length and a short SHA-256, so runs compare without exposing it."""

    redacted: Literal[True] = True
    length: int
    sha256: str


Value = Union[RedactedValue, str, None]


class ToolInfo(_Model):
    """What made the result: cookieaudit and the rule set it classified with."""

    name: str = "cookieaudit"
    version: str
    ruleset_version: Optional[str] = None
    ruleset_hash: Optional[str] = Field(None, description="sha256 over the rule files, in file-name order.")
    python: Optional[str] = None
    playwright: Optional[str] = None


class BrowserInfo(_Model):
    """The browser as it ran: version, what it told sites, and how it was launched."""

    name: str = "chromium"
    version: Optional[str] = None
    executable: Optional[str] = None
    user_agent: Optional[str] = Field(None, description="The User-Agent the pages were sent.")
    locale: Optional[str] = None
    timezone: Optional[str] = None
    viewport: Optional[Dict[str, int]] = None
    headless: bool = True
    webdriver_hidden: bool = True
    third_party_cookies: Literal["allowed", "blocked"] = "allowed"
    switches: List[str] = Field(default_factory=list, description="Switches cookieaudit added to Playwright's.")
    undone_default_switches: List[str] = Field(
        default_factory=list, description="Playwright default switches removed or overridden for a normal-looking Chrome."
    )


class SetBy(_Model):
    """Who set a cookie or storage entry: a response's Set-Cookie header or a script."""

    kind: Literal["header", "script", "cookie-store", "service-worker"]
    url: Optional[str] = Field(None, description="Response URL for 'header'; the calling script's URL otherwise "
                               "('service-worker': the worker's script, whose request the response answered).")
    party: Optional[Party] = None
    response_url: Optional[str] = Field(None, description="For 'service-worker': the response whose Set-Cookie "
                                        "header set the cookie.")


class CookieChange(_Model):
    """A later change of a cookie's value or expiry, seen after a page."""

    at: datetime
    page_url: Optional[str] = None
    value: Value = None
    expires: Optional[datetime] = None


class Cookie(_Model):
    """One cookie (name, domain, path, partition) in one phase, with its evidence."""

    name: str
    domain: str = Field(description="Cookie domain as stored, without a leading dot.")
    host_only: bool
    path: str = "/"
    expires: Optional[datetime] = Field(None, description="Expiry in UTC; null for a session cookie.")
    session: bool
    max_age_days: Optional[float] = Field(None, description="Lifetime the site asked for (Set-Cookie or JS write).")
    stored_max_age_days: Optional[float] = Field(None, description="Lifetime the browser stored (Chromium caps at 400 days).")
    http_only: bool = False
    secure: bool = False
    same_site: Optional[Literal["Strict", "Lax", "None"]] = None
    partitioned: bool = False
    partition_key: Optional[str] = None
    party: Party
    purpose: str = "unknown"
    vendor: Optional[str] = None
    vendor_id: Optional[str] = None
    rule_id: Optional[str] = None
    category: Optional[Literal["consent"]] = Field(
        None, description="'consent' for a consent-management cookie (the visitor's recorded choice); purpose stays functional.")
    set_by: Optional[SetBy] = None
    first_seen_url: Optional[str] = None
    first_seen_at: Optional[datetime] = None
    last_written_at: Optional[datetime] = Field(
        None, description="The last write seen (header or script), also one that changed nothing visible in the jar.")
    stored: bool = True
    reason: Optional[str] = Field(None, description=("Why the browser refused it (stored=false); 'evicted' when "
                                                     "Chromium's per-domain or total cookie limit pushed it out. "
                                                     "With stored=true (reason_source 'inferred'): why stored is "
                                                     "inferred from the write, not read from the jar (an "
                                                     "interrupted scan)."))
    reason_source: Optional[Literal["cdp", "inferred"]] = None
    phase: PhaseName
    value: Value = None
    size: Optional[int] = None
    changes: List[CookieChange] = Field(default_factory=list)


class StorageEntry(_Model):
    """A Web Storage key, IndexedDB database, Cache Storage cache or service-worker registration,
    per origin, partition and phase."""

    kind: Literal["localStorage", "sessionStorage", "indexedDB", "cacheStorage", "serviceWorker"]
    origin: str = Field(description="The origin of the frame (or worker scope) that wrote it.")
    key: str = Field(description="Storage key, the database / cache name, or a service worker's scope URL.")
    party: Party
    value: Value = None
    size: Optional[int] = None
    set_by: Optional[SetBy] = None
    first_seen_url: Optional[str] = None
    first_seen_at: Optional[datetime] = None
    phase: PhaseName
    partition: Optional[str] = Field(
        None, description="The top-level site the storage is keyed to (scheme://registrable domain of the tab's page).")
    frame_url: Optional[str] = Field(None, description="The document that wrote it, when known (a frame, also one removed since).")
    script_url: Optional[str] = Field(None, description="For kind serviceWorker: the worker's script.")
    recorded_by: List[Literal["devtools", "script", "snapshot"]] = Field(
        default_factory=list, description=("How it was seen: DevTools storage events as it was written, the init "
                                           "script's report (knows the writer), the profile read after the page."))


class RequestRecord(_Model):
    """One request to a host other than the scanned site's."""

    url: str = Field(description="Identifier parameters redacted unless values are included.")
    host: str
    method: str = "GET"
    resource_type: Optional[str] = None
    status: Optional[int] = None
    failure: Optional[str] = None
    page_url: Optional[str] = None
    frame_url: Optional[str] = Field(None, description="The document that made the request (a frame's parent for its own document).")
    at: Optional[datetime] = None
    phase: PhaseName


class RequestGroup(_Model):
    """Requests to one registrable domain in one phase, with what the rule set knows of it."""

    domain: str
    party: Party
    tracker: bool = False
    vendor: Optional[str] = None
    vendor_id: Optional[str] = None
    purpose: Optional[str] = None
    phase: PhaseName
    count: int
    requests: List[RequestRecord] = Field(default_factory=list)


class Dialog(_Model):
    """A JavaScript dialog the page opened (dismissed by the scanner)."""

    type: str
    message: str


class PageLink(_Model):
    """A link as a visitor sees it: where it goes, its words, and the part of the page it stands in."""

    url: str
    text: str = Field("", description="The link's visible text (or its aria-label, title or image alt).")
    area: Literal["banner", "footer", "header", "nav", "main"] = Field(
        "main", description="banner: inside a cookie or consent banner or a dialog; then footer, header, nav, main.")


class PageSettle(_Model):
    """How waiting for a page to finish ended, after its load event (see cookieaudit/scanner/settle.py)."""

    settled: bool = Field(description="True when the network went quiet with no late timer pending; "
                                      "false when the settle limit (or --timeout) ended the wait.")
    waited_ms: int = Field(description="Time from the end of loading until settled or stopped, scroll included.")
    late_timers: int = Field(0, description="Times a pending late timer (a tag firing a moment after load or scroll) was waited for.")
    reason: Optional[str] = Field(None, description="Why the page was not settled.")
    requests_in_flight: int = Field(0, description="Requests still in flight when the wait was stopped.")
    hosts: List[str] = Field(default_factory=list,
                             description="Hosts with requests in flight or active in the last quiet window when stopped.")


class PageDropped(_Model):
    """How many things of one page went unrecorded because a per-page cap was reached
    (``cookieaudit/scanner/limits.py`` documents the caps). All zero on an ordinary page."""

    dialogs: int = 0
    popups: int = 0
    links: int = Field(0, description="Links beyond the cap (same-site and other-site links together).")
    frames: int = Field(0, description="Frames whose storage was not read.")
    requests: int = Field(0, description="Requests to other hosts not recorded.")
    storage_keys: int = Field(0, description="Storage keys and database names not recorded.")


class Page(_Model):
    """One page visit."""

    url: str = Field(description="The URL the crawl asked for (normalised).")
    final_url: Optional[str] = None
    status: Optional[int] = None
    title: Optional[str] = None
    redirect_chain: List[str] = Field(default_factory=list, description="URLs before final_url, in order.")
    source: Literal["start", "fixed", "link", "sitemap"] = "link"
    depth: int = 0
    phase: PhaseName
    visited_at: Optional[datetime] = None
    duration_ms: Optional[int] = None
    error: Optional[str] = None
    external_links: List[str] = Field(default_factory=list, description="Links to other sites (recorded, not followed).")
    links: List[PageLink] = Field(
        default_factory=list,
        description="The start page only: every link with its text and area (to find the site's cookie or privacy statement).",
    )
    dialogs: List[Dialog] = Field(default_factory=list)
    popups: List[str] = Field(default_factory=list, description="URLs of pop-up windows (closed by the scanner).")
    settle: Optional[PageSettle] = Field(None, description="How waiting for the page to finish ended (null when it did not load).")
    dropped: PageDropped = Field(default_factory=PageDropped, description="What the per-page caps left out.")


class ErrorEntry(_Model):
    """Something that went wrong without stopping the scan."""

    kind: Literal["http", "timeout", "navigation", "crash", "browser", "collector", "banner", "sitemap", "download",
                  "internal", "site", "hang", "page-read", "interrupted", "output"]
    message: str
    url: Optional[str] = None
    phase: Optional[PhaseName] = None
    at: Optional[datetime] = None


class BannerScreenshot(_Model):
    """One piece of banner evidence: the banner as first shown, a control being clicked (outlined), or the page after."""

    stage: Literal["shown", "clicked", "after"]
    path: str = Field(description="PNG path, relative to the output folder.")
    control: Optional[str] = Field(None, description="For 'clicked': the words on the control that was clicked.")


class PhaseBanner(_Model):
    """What the phase did with the consent banner."""

    detected: bool = False
    cmp: Optional[str] = None
    action: Optional[Literal["accept", "reject"]] = None
    steps: List[Dict[str, Any]] = Field(default_factory=list)
    verified: bool = False
    verification: Optional[str] = None
    reason: Optional[str] = None
    reject_on_first_layer: Optional[bool] = None
    clicks: int = 0
    preticked: Optional[bool] = None
    screenshot: Optional[str] = Field(None, description="PNG path, relative to the output folder.")
    screenshots: List[BannerScreenshot] = Field(
        default_factory=list, description="The banner as first shown, each control clicked (outlined), the page after the click."
    )


class PhaseInfo(_Model):
    """One phase run: a fresh browser profile visiting the page list."""

    name: PhaseName
    started_at: datetime
    finished_at: Optional[datetime] = None
    answered_at: Optional[datetime] = Field(None, description="When the banner was answered (after_* phases).")
    banner: Optional[PhaseBanner] = None
    tcf: Optional[Dict[str, Any]] = None
    consent_mode: Optional[Dict[str, Any]] = None
    pages: int = 0
    browser_restarts: int = 0
    har: Optional[str] = None


class ScanResult(_Model):
    """Everything one scan observed, across its phases."""

    site: str = Field(description=("The site audited: the start URL, normalised; when the start URL redirected to "
                                   "another site, the URL it landed on."))
    requested_site: Optional[str] = Field(
        None, description="The start URL as asked for, normalised (differs from site when it redirected to another site).")
    started_at: datetime
    finished_at: Optional[datetime] = None
    complete: bool = Field(True, description="False when the scan was interrupted and this is a partial result.")
    interrupted: Optional[str] = Field(None, description="The signal that stopped the scan (SIGINT, SIGTERM).")
    tool: ToolInfo
    options: ScanOptions
    browser: BrowserInfo
    pages: List[Page] = Field(default_factory=list)
    cookies: List[Cookie] = Field(default_factory=list)
    storage: List[StorageEntry] = Field(default_factory=list)
    requests: List[RequestGroup] = Field(default_factory=list)
    errors: List[ErrorEntry] = Field(default_factory=list)
    phases: List[PhaseInfo] = Field(default_factory=list)
    command_line: Optional[List[str]] = Field(
        None, description="The command that made the result (arguments after the program name; proxy credentials removed)."
    )

    def cookies_in(self, phase: str) -> List[Cookie]:
        """The cookies observed in one phase."""
        return [cookie for cookie in self.cookies if cookie.phase == phase]

    def to_json(self) -> str:
        """The result as indented JSON (null fields kept, so the shape is stable); C1 controls
        and bidi overrides from site strings are ``\\u`` escapes, safe on a terminal."""
        from .safety import json_terminal_safe

        return json_terminal_safe(self.model_dump_json(indent=2)) + "\n"


def schema_json() -> str:
    """The JSON Schema of ScanResult, as published in docs/scan-result.schema.json."""
    schema = ScanResult.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://cookieaudit.invalid/scan-result.schema.json"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(schema_json())
