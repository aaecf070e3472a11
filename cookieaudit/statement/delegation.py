"""Statements that send the reader elsewhere for the cookie details ("zie onze
cookieverklaring"): the phrase and, where the source has one, the link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from .document import Document
from .vocabulary import vocabulary

__all__ = ["Delegation", "find_delegations"]


@dataclass(frozen=True)
class Delegation:
    """A reference to another page for the cookie details."""

    phrase: str
    href: Optional[str]


def _link_points_to_cookies(text: str, href: str) -> bool:
    v = vocabulary()
    path = urlsplit(href).path if "://" in href or href.startswith("/") else href
    return bool(v.delegation_link_words.search(text) or v.delegation_link_words.search(path.replace("/", " ").replace("-", " ")))


def find_delegations(document: Document) -> list[Delegation]:
    """Delegation phrases, each with the cookie link nearest after it (or inside it)."""
    v = vocabulary()
    found: list[Delegation] = []
    seen: set[str] = set()
    links = sorted((link for link in document.links if link.href and not link.href.startswith(("#", "mailto:", "tel:", "javascript:"))),
                   key=lambda link: link.start)
    for match in v.delegation.finditer(document.text):
        nearby = [link for link in links if match.start() - 200 <= link.start <= match.end() + 200
                  and _link_points_to_cookies(link.text, link.href)]
        nearby.sort(key=lambda link: abs(link.start - match.start()))
        href = nearby[0].href if nearby else None
        key = href or match.group(0).lower()
        if key not in seen:
            seen.add(key)
            found.append(Delegation(" ".join(match.group(0).split()), href))
    # a link whose own text names a cookie statement is a delegation even without the phrase
    for link in links:
        text = " ".join(link.text.split())
        if link.href in seen or not text:
            continue
        if v.delegation_link_texts.search(text):
            seen.add(link.href)
            found.append(Delegation(text, link.href))
    return found
