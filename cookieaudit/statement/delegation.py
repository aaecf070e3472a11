"""Statements that send the reader elsewhere for the cookie details ("zie onze
cookieverklaring"): the phrase and, where the source has one, the link."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional

from ..domains import split_url
from .document import Document
from .vocabulary import _alternation, vocabulary

__all__ = ["Delegation", "find_delegations"]


@dataclass(frozen=True)
class Delegation:
    """A reference to another page for the cookie details."""

    phrase: str
    href: Optional[str]


def _link_points_to_cookies(text: str, href: str) -> bool:
    v = vocabulary()
    path = split_url(href).path if "://" in href or href.startswith("/") else href
    return bool(v.delegation_link_words.search(text) or v.delegation_link_words.search(path.replace("/", " ").replace("-", " ")))


@functools.lru_cache(maxsize=1)
def _privacy_phrases() -> re.Pattern:
    return _alternation(vocabulary().raw["privacy_delegation_phrases"])


@functools.lru_cache(maxsize=1)
def _privacy_link_words() -> re.Pattern:
    return _alternation(vocabulary().raw["privacy_link_words"])


_MD_LINK = re.compile(r"\[([^\]\n]{1,300})\]\([^)\s]{1,2000}\)")


def _without_link_marks(text: str) -> str:
    """The text with Markdown link marks blanked out (same length): "[privacyverklaring](…)" reads as the word."""
    if "](" not in text:
        return text
    return _MD_LINK.sub(lambda m: " " + m.group(1) + " " * (len(m.group(0)) - len(m.group(1)) - 1), text)


def _privacy_phrase_matches(text: str):
    """The privacy-delegation phrases in ``text``: looked for only around the word 'privacy'."""
    phrases = _privacy_phrases()
    for found in re.finditer(r"privacy", text, re.IGNORECASE):
        match = phrases.search(text, max(0, found.start() - 40), min(len(text), found.end() + 20))
        if match and match.start() <= found.start() < match.end():
            yield match


def _path_words(href: str) -> str:
    path = split_url(href).path if "://" in href or href.startswith("/") else href
    return re.sub(r"[/_.#-]+", " ", path)


def find_delegations(document: Document) -> list[Delegation]:
    """Delegation phrases, each with the cookie link nearest after it (or inside it)."""
    v = vocabulary()
    found: list[Delegation] = []
    seen: set[str] = set()
    links = sorted((link for link in document.links if link.href and not link.href.startswith(("#", "mailto:", "tel:", "javascript:"))),
                   key=lambda link: link.start)
    plain = _without_link_marks(document.text)
    for match in v.delegation.finditer(plain):
        nearby = [link for link in links if match.start() - 200 <= link.start <= match.end() + 200
                  and _link_points_to_cookies(link.text, link.href)]
        nearby.sort(key=lambda link: abs(link.start - match.start()))
        href = nearby[0].href if nearby else None
        key = href or match.group(0).lower()
        if key not in seen:
            seen.add(key)
            found.append(Delegation(" ".join(match.group(0).split()), href))
    # "leest u in onze privacyverklaring" with a link to it: the details are there
    privacy_words = _privacy_link_words()
    for match in _privacy_phrase_matches(plain) if links else ():
        nearby = [link for link in links if match.start() - 200 <= link.start <= match.end() + 200
                  and (privacy_words.search(link.text) or privacy_words.search(_path_words(link.href)))]
        if not nearby:
            continue
        nearby.sort(key=lambda link: abs(link.start - match.start()))
        href = nearby[0].href
        if href not in seen:
            seen.add(href)
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
