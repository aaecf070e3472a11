"""Button and banner words (``words.yaml``): is a text about cookies, and what does a button do?"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Optional

import yaml

from cookieaudit.errors import RuleFileError

__all__ = ["Vocabulary", "clean_text", "load_vocabulary"]

# C0/C1 controls, DEL, soft hyphens, zero-width and bidi characters: site text is hostile and ends
# up in terminals, and a soft hyphen ("toe\u00adlaten", for narrow screens) hides a word from matching.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACE = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t\n.,:;!?»«›‹\"'()[]{}|/\\-–—>•✓✔×✕✖"

# Longer than this, a "button" is a paragraph or a whole panel, not one choice.
MAX_BUTTON_TEXT = 80


def clean_text(text: Optional[str], max_length: int = 2000) -> str:
    """Site text without control or bidi characters, whitespace collapsed, trimmed and shortened."""
    if not text:
        return ""
    cleaned = _SPACE.sub(" ", _UNSAFE.sub("", str(text))).strip()
    if len(cleaned) > max_length:
        cleaned = cleaned[: max_length - 1] + "…"
    return cleaned


@dataclass(frozen=True)
class Vocabulary:
    """Compiled word patterns: the cookie topic, texts that are never banners, and button roles."""

    topic: tuple[re.Pattern, ...]
    not_a_banner: tuple[re.Pattern, ...]
    roles: tuple[tuple[str, re.Pattern], ...]  # (role, pattern) in the order roles are tried
    necessary: str = "(?!x)x"
    """Regular expression (source) of category labels that stay on: never switched off."""
    radio_off: str = "(?!x)x"
    """Regular expression (source) of the "no" option of a yes/no radio pair."""
    confirm_yes: Optional[re.Pattern] = None
    """Words of the control that confirms a refusal on an "are you sure?" layer."""
    confirm_back: Optional[re.Pattern] = None
    """Words of the control on that layer that goes back instead."""
    consent_context: Optional[re.Pattern] = None
    """Words of a text about data, privacy or third-party services (a banner that never says "cookie")."""
    not_consent: Optional[re.Pattern] = None
    """Words of popups that offer yes/no answers but ask no consent (newsletter, chat, survey)."""
    close_refuses: Optional[re.Pattern] = None
    """Words of a banner text saying that closing it means only necessary cookies (a refusal)."""

    def is_about_cookies(self, text: str) -> bool:
        """True when ``text`` talks about cookies or consent and is not a known non-banner."""
        lowered = clean_text(text, 20000).lower()
        if not any(p.search(lowered) for p in self.topic):
            return False
        return not any(p.search(lowered) for p in self.not_a_banner)

    def speaks_of_data(self, text: str) -> bool:
        """True when ``text`` speaks of data, privacy or the services that process them
        (``consent_context``) and is no newsletter, chat, survey or sale popup (``not_consent``)."""
        if self.consent_context is None:
            return False
        lowered = clean_text(text, 20000).lower()
        if not self.consent_context.search(lowered):
            return False
        if self.not_consent is not None and self.not_consent.search(lowered):
            return False
        return not any(p.search(lowered) for p in self.not_a_banner)

    def closing_refuses(self, text: str) -> Optional[str]:
        """The sentence of a banner's ``text`` that says closing the banner refuses (only necessary
        cookies, ``close_refuses``), or None."""
        if self.close_refuses is None:
            return None
        cleaned = clean_text(text, 20000)
        found = self.close_refuses.search(cleaned.lower())
        if found is None:
            return None
        start = max(cleaned.rfind(mark, 0, found.start()) for mark in ".!?\n")
        ends = [i for i in (cleaned.find(mark, found.end()) for mark in ".!?") if i >= 0]
        return clean_text(cleaned[start + 1:(min(ends) + 1) if ends else len(cleaned)], 300)

    def confirms_refusal(self, text: str) -> bool:
        """True when a control with this text confirms a refusal ("Ja, weigeren"), not goes back ("Nee, terug")."""
        normalised = clean_text(text, 400).lower().strip(_EDGE_PUNCTUATION)
        if not normalised or len(normalised) > MAX_BUTTON_TEXT or self.confirm_yes is None:
            return False
        return bool(self.confirm_yes.search(normalised)) and not (self.confirm_back and self.confirm_back.search(normalised))

    def role_of(self, text: str) -> Optional[str]:
        """The role of a control with this visible text (``never`` for cookie-wall traps), or None."""
        normalised = clean_text(text, 400).lower().strip(_EDGE_PUNCTUATION)
        if not normalised or len(normalised) > MAX_BUTTON_TEXT:
            return None
        for role, pattern in self.roles:
            if pattern.search(normalised):
                return role
        return None


def _compile(path: str, field: str, patterns: list) -> re.Pattern:
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise RuleFileError(path, "expected a list of regular expressions", field=field)
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    except re.error as exc:
        raise RuleFileError(path, f"bad regular expression: {exc}", field=field) from None


def parse_vocabulary(data: object, path: str = "words.yaml") -> Vocabulary:
    """Validate and compile the word file's contents."""
    if not isinstance(data, dict):
        raise RuleFileError(path, "expected a mapping with cookie_topic, role_order and roles")
    for key in ("cookie_topic", "role_order", "roles"):
        if key not in data:
            raise RuleFileError(path, "missing", field=key)
    topic = tuple(_compile(path, f"cookie_topic.{lang}", words) for lang, words in data["cookie_topic"].items())
    never = (_compile(path, "not_a_banner", data.get("not_a_banner") or ["(?!x)x"]),)
    roles = []
    for role in data["role_order"]:
        languages = data["roles"].get(role)
        if not isinstance(languages, dict):
            raise RuleFileError(path, "role listed in role_order has no words", field=f"roles.{role}")
        words = [w for lang_words in languages.values() for w in (lang_words or [])]
        roles.append((role, _compile(path, f"roles.{role}", words)))
    extras = {}
    for key in ("necessary", "radio_off"):
        words = [w for lang_words in (data.get(key) or {}).values() for w in (lang_words or [])]
        if words:
            extras[key] = _compile(path, key, words).pattern
    for key in ("consent_context", "not_consent", "close_refuses"):
        words = [w for lang_words in (data.get(key) or {}).values() for w in (lang_words or [])]
        if words:
            extras[key] = _compile(path, key, words)
    confirm = data.get("confirm_refusal") or {}
    for part, key in (("confirming", "confirm_yes"), ("going_back", "confirm_back")):
        words = [w for lang_words in (confirm.get(part) or {}).values() for w in (lang_words or [])]
        if words:
            extras[key] = _compile(path, f"confirm_refusal.{part}", words)
    return Vocabulary(topic=topic, not_a_banner=never, roles=tuple(roles), **extras)


@functools.lru_cache(maxsize=None)
def load_vocabulary(path: Optional[str] = None) -> Vocabulary:
    """The packaged word list (or the one at ``path``), loaded once."""
    if path is None:
        source = resources.files("consent_banner").joinpath("words.yaml")
        text, where = source.read_text(encoding="utf-8"), "consent_banner/words.yaml"
    else:
        text, where = Path(path).read_text(encoding="utf-8"), path
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleFileError(where, f"not valid YAML: {exc}") from None
    return parse_vocabulary(data, where)
