"""Stable finding ids: a finding is named by its kind, the family it concerns and its phase.

A cookie's family is the rule that classified it (``ga4-session-state`` for every
``_ga_<container>``), or, for a cookie the rule set does not know, its name with the parts
that vary between visitors, sites and deployments replaced by ``#``::

    >>> name_family("_hjSession_123")
    '_hjSession_#'
    >>> name_family("ab_test_3f9c2a1b7d")
    'ab_test_#'
    >>> name_family("wp-settings-time-1")
    'wp-settings-time-#'

So two scans of a site whose cookie names carry random suffixes give the same ids, and an id
never depends on the order findings were made in (no counters).
"""

from __future__ import annotations

import hashlib
import re
from typing import Optional

__all__ = ["cookie_family", "finding_id", "host_family", "name_family"]

_SEPARATORS = re.compile(r"([_\-.:|%@~=+/ ])")
_WORD_THEN_DIGITS = re.compile(r"([A-Za-z]{3,})\d+")
_HEX_RUN = re.compile(r"[0-9a-fA-F]{8,}")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.#*~@+=/:-]")
MAX_FAMILY = 80


def _token(token: str) -> str:
    if not token or _SEPARATORS.fullmatch(token):
        return token
    word = _WORD_THEN_DIGITS.fullmatch(token)
    if word:  # "Session123" keeps its word: "Session#"
        return word.group(1) + "#"
    if any(ch.isdigit() for ch in token) or _HEX_RUN.fullmatch(token):
        return "#"
    return token


def name_family(name: str) -> str:
    """A cookie or storage name with its varying parts (digits, ids, hex runs) replaced by ``#``."""
    parts = _SEPARATORS.split(name)
    return "".join(_token(part) for part in parts)


def cookie_family(name: str, rule_id: Optional[str]) -> str:
    """The family of a cookie or storage key: its rule, else its normalised name."""
    return rule_id or name_family(name)


def host_family(vendor_id: Optional[str], host: str) -> str:
    """The family of a tracker host: ``host:<vendor id>``, or ``host:<host>`` when the vendor is unknown."""
    return f"host:{vendor_id or host}"


def _safe(part: str) -> str:
    """An id part without spaces or control characters, bounded in length (site strings are hostile)."""
    cleaned = _UNSAFE_ID.sub("?", part)
    if len(cleaned) > MAX_FAMILY:
        digest = hashlib.sha256(part.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        cleaned = cleaned[: MAX_FAMILY - 11] + "~" + digest
    return cleaned


def finding_id(kind: str, family: Optional[str] = None, phase: Optional[str] = None) -> str:
    """``kind[:family][:phase]`` — the same finding gets the same id in every run.

    >>> finding_id("set-before-consent", "ga-client-id", "before_consent")
    'set-before-consent:ga-client-id:before_consent'
    """
    parts = [kind]
    if family:
        parts.append(_safe(family))
    if phase:
        parts.append(phase)
    return ":".join(parts)
