"""The words reports print (``labels.yaml``): UI labels, phase and purpose names, finding-kind help.

Loaded once, on first use. ``Labels(lang)`` answers in Dutch or English; a missing word
falls back to English, then to the key itself, so a new label never breaks a report.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["LANGUAGES", "Labels", "labels", "lifetime_words"]

LANGUAGES = ("en", "nl")


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = resources.files("cookieaudit.reports").joinpath("labels.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


class Labels:
    """Report words in one language."""

    def __init__(self, lang: str = "en"):
        self.lang = lang if lang in LANGUAGES else "en"
        self._data = _data()

    def _pick(self, table: str, key: str) -> Any:
        entries = self._data.get(table, {})
        for lang in (self.lang, "en"):
            value = entries.get(lang, {}).get(key)
            if value is not None:
                return value
        return None

    def __call__(self, key: str, **values: Any) -> str:
        """The UI label ``key``, with ``{placeholders}`` filled in."""
        text = self._pick("ui", key)
        text = key if text is None else str(text)
        return text.format(**values) if values else text

    def phase(self, name: str | None, short: bool = False) -> str:
        if not name:
            return ""
        return self._pick("phases_short" if short else "phases", name) or name

    def purpose(self, name: str | None) -> str:
        return self._pick("purposes", name or "unknown") or str(name)

    def party(self, name: str | None) -> str:
        return (self._pick("parties", name) or str(name)) if name else ""

    def severity(self, name: str) -> str:
        return self._pick("severities", name) or name

    def banner_action(self, name: str) -> str:
        return self._pick("banner_actions", name) or name

    def cmp(self, name: str | None) -> str:
        """A consent platform's name as reports show it (``generic`` in words)."""
        return (self._pick("cmps", name) or name) if name else ""

    def storage_kind(self, name: str) -> str:
        return self._pick("storage_kinds", name) or name

    def kind_title(self, kind: str) -> str:
        return self._kind(kind).get("title") or kind

    def kind_help(self, kind: str) -> str:
        return self._kind(kind).get("help") or ""

    def _kind(self, kind: str) -> dict:
        entry = self._data.get("kinds", {}).get(kind, {})
        return entry.get(self.lang) or entry.get("en") or {}

    def unit(self, unit: str, count: float) -> str:
        forms = self._pick("units", unit) or [unit, unit + "s"]
        return forms[0] if count == 1 else forms[1]


@lru_cache(maxsize=4)
def labels(lang: str = "en") -> Labels:
    """The shared ``Labels`` for ``lang`` (``nl`` or ``en``)."""
    return Labels(lang)


def lifetime_words(days: float | None, session: bool | None, lang: str = "en") -> str:
    """A lifetime as people say it: 'session', '30 minutes', '1 day', '13 months', '2 years'.

    >>> lifetime_words(730, False)
    '2 years'
    >>> lifetime_words(0.5, False, "nl")
    '12 uur'
    >>> lifetime_words(None, True, "nl")
    'sessie'
    """
    words = labels(lang)
    if session or days is None:
        return words("session") if session else words("unknown")
    if days < 1 / 24:
        count, unit = max(1, round(days * 1440)), "minute"
    elif days < 1:
        count, unit = round(days * 24), "hour"
    elif days < 60 and not (days >= 28 and abs(days / 30 - round(days / 30)) < 0.05):
        count, unit = round(days), "day"
    elif days < 365 * 2 and not abs(days / 365 - round(days / 365)) < 0.01:
        count, unit = round(days / 30), "month"
    else:
        count, unit = round(days / 365, 1), "year"
        count = int(count) if count == int(count) else count
    return f"{count} {words.unit(unit, count)}"
