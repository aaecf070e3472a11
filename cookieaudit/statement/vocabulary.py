"""The parser's vocabulary (``vocabulary.yaml``), loaded once and compiled into regexes."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterable

import yaml

__all__ = ["Vocabulary", "term_pattern", "vocabulary"]

PURPOSES = ("analytic", "functional", "marketing")


def term_pattern(term: str) -> str:
    """Regex source for one vocabulary entry (see the conventions atop ``vocabulary.yaml``)."""
    out = []
    i = 0
    while i < len(term):
        char = term[i]
        if char == "[":
            close = term.index("]", i)
            out.append("[" + term[i + 1:close].replace(" ", r"\s").replace("-", r"\-") + "]")
            i = close + 1
            continue
        if char == "*" and i == len(term) - 1:
            out.append(r"\w*")
        elif char == "?":
            out.append("?")
        elif char == " ":
            out.append(r"\s+")
        else:
            out.append(re.escape(char))
        i += 1
    start = r"(?<!\w)" if term[:1].isalnum() or term[:1] == "_" else ""
    end = "" if term.endswith("*") or not (term[-1:].isalnum() or term[-1:] in "?]") else r"(?!\w)"
    return start + "".join(out) + end


def _setter_clause(terms: Iterable[str]) -> re.Pattern:
    """ "Civica Pay, which sets ...": group 1 is the capitalised name (case matters here)."""
    verbs = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
    return re.compile(r"\b([A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,3}),?\s+(?:" + verbs + r")\b")


def _alternation(terms: Iterable[str]) -> re.Pattern:
    # Longest first, so "strikt noodzakelijk" wins over "noodzakelijk" at the same position.
    ordered = sorted({t for t in terms if t}, key=lambda t: (-len(t), t))
    if not ordered:
        return re.compile(r"(?!x)x")
    body = "|".join(f"(?:{term_pattern(t)})" for t in ordered)
    # Python's re tries every alternative at every position; a lookahead on the possible
    # first characters lets it skip most positions at once (many times faster on long text).
    firsts = {t[0].lower() for t in ordered}
    if all(c.isalnum() for c in firsts):
        letters = "".join(sorted(firsts | {c.upper() for c in firsts}))
        return re.compile(f"(?=[{re.escape(letters)}])(?:{body})", re.IGNORECASE)
    return re.compile(body, re.IGNORECASE)


@dataclass(frozen=True)
class Vocabulary:
    """Compiled vocabulary: one regex per word list, plus the plain lists and tables."""

    raw: dict
    purpose_patterns: dict[str, re.Pattern]
    ignored_purposes: re.Pattern
    session: re.Pattern
    persistent: re.Pattern
    duration: re.Pattern
    duration_units: dict[str, float]
    number_words: dict[str, float]
    not_lifetime_before: frozenset[str]
    lifetime_markers: re.Pattern
    expiry_words: re.Pattern
    not_lifetime_subjects: re.Pattern
    unreadable_duration: re.Pattern
    no_lifetime_words: re.Pattern
    never_expires: re.Pattern
    same_as_above: re.Pattern
    prefix_markers: re.Pattern
    variable_name_markers: tuple[str, ...]
    not_cookie_names: frozenset[str]
    phrase_articles: frozenset[str]
    phrase_fillers: re.Pattern
    cookie_headings: re.Pattern
    general_headings: re.Pattern
    general_sentences: re.Pattern
    use_verbs: re.Pattern
    service_leads: re.Pattern
    setter_clause: re.Pattern
    bare_company_names: frozenset[str]
    exclusive: re.Pattern
    negation: re.Pattern
    disabled: re.Pattern
    all_session: re.Pattern
    partial_quantifiers: re.Pattern
    consent: re.Pattern
    no_consent: re.Pattern
    privacy_friendly: re.Pattern
    ip_address: re.Pattern
    analytics_harmless: re.Pattern
    ip_protection: re.Pattern
    delegation: re.Pattern
    delegation_link_words: re.Pattern
    delegation_link_texts: re.Pattern
    table_columns: dict[str, re.Pattern]
    storage_types: tuple[str, ...]
    non_cookie_types: frozenset[str]
    unclassified_headings: re.Pattern
    condition_words: re.Pattern
    necessity_words: re.Pattern
    language_words: dict[str, frozenset[str]]
    banner_button_words: tuple[str, ...]


def _duration_regex(units: dict[str, float], numbers: dict[str, float]) -> re.Pattern:
    """Number (digits or a word) + unit; a range "1 day – 13 months" is two matches."""
    unit_alt = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    word_alt = "|".join(re.escape(w) for w in sorted(numbers, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w.,])(?P<number>\d+(?:[.,]\d+)?|{word_alt})[\s\u00a0-]*(?P<unit>{unit_alt})(?!\w)",
        re.IGNORECASE,
    )


@functools.lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, loaded on first use."""
    text = resources.files("cookieaudit.statement").joinpath("vocabulary.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    units = {str(k).lower(): float(v) for k, v in raw["duration_units"].items()}
    numbers = {str(k).lower(): float(v) for k, v in raw["number_words"].items()}
    return Vocabulary(
        raw=raw,
        purpose_patterns={p: _alternation(raw["purpose_words"][p]) for p in PURPOSES},
        ignored_purposes=_alternation(raw["ignored_purpose_terms"]),
        session=_alternation(raw["session_words"]),
        persistent=_alternation(raw["persistent_words"]),
        duration=_duration_regex(units, numbers),
        duration_units=units,
        number_words=numbers,
        not_lifetime_before=frozenset(w.lower() for w in raw["not_lifetime_before"]),
        lifetime_markers=_alternation(raw["lifetime_markers"]),
        expiry_words=_alternation(raw["expiry_words"]),
        not_lifetime_subjects=_alternation(raw["not_lifetime_subjects"]),
        unreadable_duration=_alternation(raw["unreadable_duration_words"]),
        no_lifetime_words=_alternation(raw["no_lifetime_words"]),
        never_expires=_alternation(raw["never_expires_words"]),
        same_as_above=_alternation(raw["same_as_above_words"]),
        prefix_markers=_alternation(raw["prefix_markers"]),
        variable_name_markers=tuple(raw["variable_name_markers"]),
        not_cookie_names=frozenset(str(w).lower() for w in raw["not_cookie_names"]),
        phrase_articles=frozenset(w.lower() for w in raw["phrase_articles"]),
        phrase_fillers=_alternation(raw["phrase_fillers"]),
        cookie_headings=_alternation(raw["cookie_headings"]),
        general_headings=_alternation(raw["general_headings"]),
        general_sentences=_alternation(raw["general_sentences"]),
        use_verbs=_alternation(raw["use_verbs"]),
        service_leads=_alternation(raw["service_leads"]),
        setter_clause=_setter_clause(raw["setter_clauses"]),
        bare_company_names=frozenset(w.lower() for w in raw["bare_company_names"]),
        exclusive=_alternation(raw["exclusive_words"]),
        negation=_alternation(raw["negation_words"]),
        disabled=_alternation(raw["disabled_words"]),
        all_session=_alternation(raw["all_session_phrases"]),
        partial_quantifiers=_alternation(raw["partial_quantifiers"]),
        consent=_alternation(raw["consent_words"]),
        no_consent=_alternation(raw["no_consent_phrases"]),
        privacy_friendly=_alternation(raw["privacy_friendly_phrases"]),
        ip_address=_alternation(raw["ip_address_words"]),
        analytics_harmless=_alternation(raw["analytics_harmless_phrases"]),
        ip_protection=_alternation(raw["ip_protection_words"]),
        delegation=_alternation(raw["delegation_phrases"]),
        delegation_link_words=_alternation(raw["delegation_link_words"]),
        delegation_link_texts=_alternation(raw["delegation_link_texts"]),
        table_columns={role: _alternation(words) for role, words in raw["table_columns"].items()},
        storage_types=tuple(sorted(raw["storage_types"], key=len, reverse=True)),
        non_cookie_types=frozenset(" ".join(t.lower().split()) for t in raw["non_cookie_types"]),
        unclassified_headings=_alternation(raw["unclassified_headings"]),
        condition_words=_alternation(raw["condition_words"]),
        necessity_words=_alternation(raw["necessity_words"]),
        language_words={lang: frozenset(words) for lang, words in raw["language_words"].items()},
        banner_button_words=tuple(raw["banner_button_words"]),
    )
