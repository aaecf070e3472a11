"""What a piece of a table row is, recognised from the vocabulary: a lifetime, a party, a
storage type, a category, a yes/no answer, a domain.

Used to cut table rows whose cell separators were lost (single spaces, or nothing at all)
back into cells: a recogniser tells where a typed cell starts or ends, so the free text of a
description is whatever is left between them.
"""

from __future__ import annotations

import functools
import re
from typing import Optional

from .vocabulary import PURPOSES, term_pattern, vocabulary

__all__ = [
    "DOMAIN",
    "leading_lifetime",
    "lifetime_line",
    "trailing_lifetime",
    "trailing_value",
    "leading_value",
]

# A host name; its top-level domain in lower case, so "example.nlHoudt" ends before "Houdt".
DOMAIN = re.compile(r"(?:https?://)?\.?(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?-i:[a-z]{2,12})(?!(?-i:[a-z0-9-]))",
                    re.IGNORECASE)


_LIFETIME_WORD_AFTER = re.compile(r"\s*(?:expiry|expiration|lifetime|retention|bewaartermijn|looptijd|geldig)\s*", re.IGNORECASE)
# a cell may run into the next one's capital ("2 jaarHTTP Cookie") or into a cell that says it
# has no value ("2 monthsn/a"), never into more letters of a word
_GLUED_END = r"(?:(?=(?-i:n/a|n\.v\.t\.))|(?!(?-i:[a-z0-9_])))"


def _cell_term(term: str) -> str:
    """A vocabulary term as it may stand in a table cell: like ``term_pattern``, but it may end
    right before a capital letter (the next cell, when separators were lost)."""
    pattern = term_pattern(term)
    if pattern.endswith(r"(?!\w)"):
        pattern = pattern[: -len(r"(?!\w)")] + _GLUED_END
    if pattern.startswith(r"(?<!\w)"):
        pattern = r"(?:(?<![^\W_])|(?<=(?-i:[a-z0-9.]))(?=(?-i:[A-Z])))" + pattern[len(r"(?<!\w)"):]
    return pattern


def _alternation(terms) -> str:
    ordered = sorted({str(t) for t in terms if str(t).strip()}, key=lambda t: (-len(t), t))
    return "|".join(f"(?:{_cell_term(t)})" for t in ordered)


@functools.lru_cache(maxsize=1)
def _lifetime_atoms() -> tuple[str, str]:
    """(a duration: number + unit, a lifetime word or phrase: session, persistent, …)."""
    v = vocabulary()
    units = "|".join(re.escape(u) for u in sorted(v.duration_units, key=len, reverse=True))
    numbers = "|".join(re.escape(w) for w in sorted(v.number_words, key=len, reverse=True) if len(w) > 1)
    duration = rf"(?:\d+(?:[.,]\d+)?|(?:{numbers})(?!\w))[\s\u00a0-]*(?:{units}){_GLUED_END}"
    words = _alternation([*v.raw["session_words"], *v.raw["persistent_words"], "sessie", "session", "sessiecookie",
                          "session cookie", "persistent cookie", "permanente cookie"])
    return duration, words


# A condition on a lifetime, in parentheses or after it: "1 year (if you use the banner)",
# "Session, or 1 year if you tick Remember me", "Up to 10 minutes after you leave the queue".
_CONDITION_WORDS = r"(?:if|when|unless|after|as long as|als|wanneer|indien|tenzij|nadat|zolang)"
_CONDITION_PAREN = rf"\s*\(\s*{_CONDITION_WORDS}\b[^()]{{0,80}}\)"
_CONDITION_TAIL = rf"(?:\s+{_CONDITION_WORDS}\b[^.;()]{{0,60}}?)?"


@functools.lru_cache(maxsize=1)
def _lifetime_phrase() -> str:
    """Parts of one lifetime cell: a joiner between any two parts ("Session / 7 days"), none
    needed between durations ("1 year 1 month") or before a parenthesis ("Session (20 minutes)")."""
    raw = vocabulary().raw
    prefix = _alternation(raw["lifetime_cell_prefixes"])
    joiners = "|".join(re.escape(j) if not j.isalpha() else rf"\b{j}\b" for j in raw["lifetime_cell_joiners"])
    duration, words = _lifetime_atoms()
    durations = rf"(?:(?:{prefix})\s*)?{duration}(?:\s*{duration})*"
    part = rf"(?:{durations}|(?:(?:{prefix})\s*)?(?:{words}))"
    suffix = _alternation(raw["lifetime_cell_suffixes"])
    unit = rf"{part}(?:\s*\(\s*{part}\s*\))?(?:{_CONDITION_PAREN})?(?:\s*(?:{suffix}))?"
    return rf"{unit}(?:\s*(?:{joiners})\s*{unit})*"


@functools.lru_cache(maxsize=1)
def _leading() -> re.Pattern:
    return re.compile(rf"\s*(?:{_lifetime_phrase()})", re.IGNORECASE)


# Where a cell can start: after a space or punctuation, at a capital after a lower-case letter
# or digit ("…choices.12 monthsNecessary"), at a digit after a letter ("eovt1 month").
_CELL_START = r"(?:(?<![^\W_])|(?<=(?-i:[a-z0-9.]))(?=(?-i:[A-Z]))|(?<=[^\W\d_])(?=\d))(?=\S)"


@functools.lru_cache(maxsize=1)
def _trailing() -> re.Pattern:
    return re.compile(rf"{_CELL_START}(?:{_lifetime_phrase()}){_CONDITION_TAIL}[\s.]*$", re.IGNORECASE)


def leading_lifetime(text: str) -> int:
    """Length of the lifetime phrase that starts ``text`` (0 when none): "1 year, 11 months
    and 29 days Gives your…" -> up to "days"."""
    match = _leading().match(text)
    return match.end() if match else 0


def trailing_lifetime(text: str) -> int:
    """Where the lifetime phrase that ends ``text`` starts (len(text) when none): the longest
    one ("1 year 1 month 4 days", "30 minutes – 1 year")."""
    match = _trailing().search(text, max(0, len(text) - 120))
    return match.start() if match else len(text)


def lifetime_line(text: str) -> bool:
    """Whether a whole line or cell is a lifetime ("Einde van de sessie", "14 days",
    "Session (20 minutes) or 14 days if you tick …")."""
    stripped = text.strip().rstrip(".")
    if not stripped:
        return False
    end = leading_lifetime(stripped)
    if end == len(stripped) or end and _LIFETIME_WORD_AFTER.fullmatch(stripped, end):
        return True
    if end and re.fullmatch(r"\s*\([^()]{1,80}\)", stripped[end:]):
        return True  # a remark on the lifetime: "13 months (renewed on each visit)"
    # a lifetime followed by a short condition: "… or 14 days if you tick 'remember me'"
    return end > 0 and len(stripped[end:].split()) <= 8 and bool(re.match(r"\s*(?:if|when|als|wanneer|with|met|unless)\b",
                                                                              stripped[end:], re.IGNORECASE))


@functools.lru_cache(maxsize=1)
def _value_patterns() -> dict[str, str]:
    raw = vocabulary().raw
    purpose_words = [w for p in PURPOSES for w in raw["purpose_words"][p]]
    category_word = _alternation([*purpose_words, *raw["unclassified_headings"], "cookies", "cookie", "overige"])
    party = _alternation(raw["party_values"])
    category = rf"(?:{category_word})(?:\s*(?:,|and|en|&|/)?\s*(?:{category_word}|{party}))*"
    return {
        "party": rf"(?:{party})",
        "answer": rf"(?:{_alternation(raw['answer_values'])})",
        "kind": rf"(?:{_alternation(raw['storage_types'])}|{party}|{category})",
        "category": category,
    }


@functools.lru_cache(maxsize=8)
def _trailing_value(role: str) -> Optional[re.Pattern]:
    pattern = _value_patterns().get(role)
    return re.compile(rf"{_CELL_START}(?:{pattern})[\s.]*$", re.IGNORECASE) if pattern else None


@functools.lru_cache(maxsize=8)
def _leading_value(role: str) -> Optional[re.Pattern]:
    pattern = _value_patterns().get(role)
    return re.compile(rf"\s*(?:{pattern})(?![^\W\d_])", re.IGNORECASE) if pattern else None


def trailing_value(role: str, text: str) -> int:
    """Where a typed value (party, answer, kind, category) that ends ``text`` starts; len(text)
    when none. A cell starts with a capital where one can ("…visits Tracking and performance"
    rather than "statistics Tracking and performance")."""
    pattern = _trailing_value(role)
    if pattern is None:
        return len(text)
    match = pattern.search(text, max(0, len(text) - 80))
    if match is None:
        return len(text)
    start = match.start()
    while not (text[start].isupper() or text[start].isdigit()):
        later = pattern.search(text, start + 1)
        if later is None:
            break
        if text[later.start()].isupper() or text[later.start()].isdigit():
            return later.start()
        start = later.start()
    return match.start()


def leading_value(role: str, text: str) -> int:
    """Length of a typed value that starts ``text``; 0 when none."""
    pattern = _leading_value(role)
    match = pattern.match(text) if pattern else None
    return match.end() if match else 0
