"""Finding messages in Dutch and English, from ``messages.yaml`` next to this module.

Every message is one sentence a privacy officer understands. Site-controlled strings (cookie
names, hosts) are put in as they are; whoever prints a message to a terminal or into HTML
makes it safe there (``cookieaudit.safety.terminal_safe``, HTML escaping).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Iterable, Optional, Sequence

import yaml

__all__ = [
    "LANGUAGES",
    "actions_phrase",
    "action_label",
    "claim_text",
    "items_phrase",
    "message",
    "messages",
    "name_list",
    "phase_label",
    "purpose_goal",
    "purpose_label",
    "text",
    "word",
]

LANGUAGES = ("nl", "en")
MAX_NAMES = 5  # names shown in a message; the finding's lists keep every one


@functools.lru_cache(maxsize=1)
def messages() -> dict:
    """The parsed messages.yaml."""
    text = resources.files("cookieaudit.auditing").joinpath("messages.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _pick(entry, lang: str, count: int = 1) -> str:
    value = entry.get(lang) or entry["en"]
    if isinstance(value, dict):
        value = value.get("one" if count == 1 else "other") or value["other"]
    return value


def word(key: str, lang: str, **fields) -> str:
    """A word or phrase of the ``words`` table, filled in."""
    return _pick(messages()["words"][key], lang).format(**fields)


def phase_label(phase: Optional[str], lang: str) -> str:
    """'before consent' / 'vóór toestemming'; '' for no phase."""
    if not phase:
        return ""
    entry = messages()["phases"].get(phase)
    return _pick(entry, lang) if entry else phase


def purpose_label(purpose: Optional[str], lang: str) -> str:
    """The purpose as a predicate: 'analytic', 'marketing (tracking)'."""
    entry = messages()["purposes"].get(purpose or "unknown") or messages()["purposes"]["unknown"]
    return _pick(entry, lang)


def purpose_goal(purposes: Sequence[str], lang: str) -> str:
    """'for analytics and marketing (tracking)' — what cookies were placed for."""
    goals = messages()["purpose_goals"]
    labels = [_pick(goals[p], lang) for p in purposes if p in goals]
    if len(labels) > 1:  # "for analytics and for marketing": keep one "for"
        first_word = labels[0].split(" ", 1)[0]
        labels = [labels[0]] + [label.split(" ", 1)[1] if label.startswith(first_word + " ") else label for label in labels[1:]]
    return _join(labels, lang)


def action_label(action: Optional[str], lang: str) -> str:
    entry = messages()["actions"].get(action or "")
    return _pick(entry, lang) if entry else (action or "?")


def _join(parts: Sequence[str], lang: str, conjunction: str = "and") -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {word(conjunction, lang)} " + parts[-1]


def name_list(names: Iterable[str], lang: str, limit: int = MAX_NAMES) -> str:
    """'_ga, _gid and 3 more' (the first ``limit`` names, in the order given)."""
    names = list(dict.fromkeys(names))
    if len(names) > limit:
        return ", ".join(names[:limit]) + " " + word("and_more", lang, n=len(names) - limit)
    return _join(names, lang)


def items_phrase(cookies: Sequence[str], storage: Sequence[str], hosts: Sequence[str], lang: str) -> str:
    """'the cookies _ga and _gid, requests to region1.google-analytics.com' — what a finding concerns."""
    parts = []
    if cookies:
        parts.append(word("cookie_one" if len(set(cookies)) == 1 else "cookie_other", lang, names=name_list(cookies, lang)))
    if storage:
        parts.append(word("storage_one" if len(set(storage)) == 1 else "storage_other", lang, names=name_list(storage, lang)))
    if hosts:
        parts.append(word("hosts", lang, names=name_list(hosts, lang)))
    return _join(parts, lang)


def actions_phrase(cookies: Sequence[str], storage: Sequence[str], hosts: Sequence[str], lang: str) -> str:
    """'the site set the cookie _fbp and the site sent requests to www.facebook.com' — what the site did."""
    parts = []
    if cookies:
        key = "set_cookie_one" if len(set(cookies)) == 1 else "set_cookie_other"
        parts.append(word(key, lang, names=name_list(cookies, lang)))
    if storage:
        parts.append(word("stored", lang, names=name_list(storage, lang)))
    if hosts:
        parts.append(word("sent", lang, names=name_list(hosts, lang)))
    return _join(parts, lang)


def claim_text(claim: str, purposes: Sequence[str], lang: str) -> str:
    """What a claim says, e.g. 'only functional cookies are used'."""
    labels = [_pick(messages()["purpose_cookies"][p], lang) for p in purposes if p in messages()["purpose_cookies"]]
    conjunction = "or" if claim == "excluded_purposes" else "and"
    return _pick(messages()["claims"][claim], lang).format(purposes=_join(labels, lang, conjunction))


def message(kind: str, lang: str, *, count: int = 1, variant: Optional[str] = None, **fields) -> str:
    """The message of a finding kind (``variant`` for kinds with several, e.g. an analytics signal)."""
    entry = messages()["kinds"][kind]
    if variant is not None:
        entry = entry[variant]
    return _pick(entry, lang, count).format(**fields)


def text(key: str, lang: str, **fields) -> str:
    """A top-level entry of messages.yaml (verdict lines, notes), filled in."""
    return _pick(messages()[key], lang).format(**fields)
