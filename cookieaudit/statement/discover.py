"""Finding a site's cookie or privacy statement among the links on its start page.

Browser-free: it reads the links the scan recorded on the start page (``Page.links``: URL,
visible text, the area it stands in) and picks the most likely statement, saying which link
it used and why. The words are data (``discover.yaml``): Dutch and English link texts and
URL words of cookie statements and privacy statements, what a banner or footer adds, and
the words of consent-settings links that are not a statement.

    >>> from cookieaudit.models import PageLink
    >>> found = discover_statement([PageLink(url="https://www.denhaag.nl/nl/cookies", text="Cookieverklaring", area="footer")],
    ...                            "https://www.denhaag.nl/")
    >>> found.url, found.kind
    ('https://www.denhaag.nl/nl/cookies', 'cookie')
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Iterable, List, Literal, Optional, Sequence, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field

from ..domains import registrable_domain, split_url

__all__ = ["StatementCandidate", "StatementDiscovery", "discover_statement", "discover_statement_in_result"]

MAX_CANDIDATES = 5
StatementKind = Literal["cookie", "privacy"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StatementCandidate(_Model):
    """A start-page link that looks like a statement, with how it scored."""

    url: str
    text: str = ""
    area: str = "main"
    kind: StatementKind
    same_site: bool
    score: int
    matched: str = Field(description="The word that matched, and where: 'text: cookieverklaring' or 'path: privacy'.")


class StatementDiscovery(_Model):
    """``--statement auto``: which start-page link was taken as the site's statement, and why."""

    url: Optional[str] = Field(None, description="The statement used; null when no link looked like one.")
    text: Optional[str] = Field(None, description="The link's visible text.")
    area: Optional[str] = Field(None, description="Where the link stood: banner, footer, header, nav, main.")
    kind: Optional[StatementKind] = Field(None, description="cookie statement or privacy statement.")
    reason: str = Field(description="One line: why this link (or why none).")
    page: Optional[str] = Field(None, description="The start page whose links were read.")
    links_read: int = Field(0, description="How many links the start page had.")
    candidates: List[StatementCandidate] = Field(default_factory=list, description="The best candidates, best first.")


@lru_cache(maxsize=1)
def _words() -> dict:
    text = resources.files("cookieaudit.statement").joinpath("discover.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)

    def phrases(items: Iterable[str]) -> list[tuple[str, re.Pattern]]:
        return [(item, re.compile(r"(?<!\w)" + re.escape(item.lower()).replace(r"\ ", r"[\s\-]+") + r"(?!\w)"))
                for item in items]

    kinds = {name: {"text_weight": int(kind["text_weight"]), "path_weight": int(kind["path_weight"]),
                    "text": phrases(kind["text"]), "path": [word.lower() for word in kind["path"]]}
             for name, kind in data["kinds"].items()}
    return {"kinds": kinds, "areas": {k: int(v) for k, v in data["areas"].items()},
            "settings": phrases(data["settings"]["text"]), "penalty": int(data["settings"]["penalty"])}


def _link_fields(link) -> tuple[str, str, str]:
    if isinstance(link, dict):
        return str(link.get("url") or ""), str(link.get("text") or ""), str(link.get("area") or "main")
    return link.url, link.text or "", link.area or "main"


def _score(url: str, text: str, area: str, words: dict) -> Optional[tuple[str, int, str]]:
    """(kind, score, what matched) for a link that looks like a statement, else None."""
    lowered = " ".join(text.lower().split())
    path = split_url(url).path.lower()
    best: Optional[tuple[str, int, str]] = None
    for kind, spec in words["kinds"].items():
        hit = next((word for word, pattern in spec["text"] if pattern.search(lowered)), None)
        if hit is not None:
            candidate = (kind, spec["text_weight"], f"text: {hit}")
        else:
            hit = next((word for word in spec["path"] if word in path), None)
            if hit is None:
                continue
            candidate = (kind, spec["path_weight"], f"path: {hit}")
        if best is None or candidate[1] > best[1]:
            best = candidate
    if best is None:
        return None
    score = best[1] + words["areas"].get(area, 0)
    if any(pattern.search(lowered) for _, pattern in words["settings"]):
        score -= words["penalty"]
    return best[0], score, best[2]


def discover_statement(links: Sequence[Union[dict, object]], site: str, page: Optional[str] = None) -> StatementDiscovery:
    """The most likely statement among a start page's ``links`` (``PageLink`` or dicts) of ``site``.

    Order: links on the site's own registrable domain first; then the score (a cookie
    statement above a privacy statement, words in the text above words only in the URL, a
    banner or footer link above one in the body, consent-settings links last); then the first
    on the page. Links back to the start page itself (``#`` buttons) are not candidates.
    """
    words = _words()
    site_domain = registrable_domain(split_url(site).hostname or "")
    start_pages = {_without_slash(site)} | ({_without_slash(page)} if page else set())
    scored: list[tuple[tuple, StatementCandidate]] = []
    seen: set[str] = set()
    for position, link in enumerate(links):
        url, text, area = _link_fields(link)
        if not url.startswith(("http://", "https://")) or _without_slash(url) in start_pages or url in seen:
            continue
        found = _score(url, text, area, words)
        if found is None:
            continue
        kind, score, matched = found
        seen.add(url)
        same = registrable_domain(split_url(url).hostname or "") == site_domain
        candidate = StatementCandidate(url=url, text=text, area=area, kind=kind, same_site=same, score=score,
                                       matched=matched)
        scored.append(((not same, -score, position), candidate))
    scored.sort(key=lambda item: item[0])
    candidates = [candidate for _, candidate in scored[:MAX_CANDIDATES]]
    if not candidates or candidates[0].score <= 0:
        return StatementDiscovery(reason=(f"none of the {len(links)} links on the start page looks like a cookie or "
                                          f"privacy statement"), page=page or site, links_read=len(links),
                                  candidates=candidates)
    best = candidates[0]
    label = "cookie statement" if best.kind == "cookie" else "privacy statement"
    where = "on the site itself" if best.same_site else "on another site (none on the site itself)"
    reason = f"{best.area} link {best.text!r} ({best.matched}) looks like the {label}, {where}"
    return StatementDiscovery(url=best.url, text=best.text, area=best.area, kind=best.kind, reason=reason,
                              page=page or site, links_read=len(links), candidates=candidates)


def discover_statement_in_result(result) -> StatementDiscovery:
    """:func:`discover_statement` over a scan result's start page (the first phase that recorded links)."""
    for page in result.pages:
        if page.source == "start" and page.links:
            return discover_statement(page.links, result.site, page.final_url or page.url)
    start = next((page for page in result.pages if page.source == "start"), None)
    why = ("the start page could not be read" if start is None or start.error or start.status is None
           else "the start page has no links")
    return StatementDiscovery(reason=f"no statement found: {why}", page=start.final_url if start else result.site)


def _without_slash(url: str) -> str:
    return url.rstrip("/")
