"""Redaction of identifier parameters (client ids, user ids, click ids) in request URLs."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit, urlunsplit

import yaml

__all__ = ["REDACTED", "identifier_params", "redact_url"]

REDACTED = "REDACTED"


@lru_cache(maxsize=1)
def identifier_params() -> frozenset:
    """Lower-case parameter names whose values identify a visitor (data/identifier_params.yaml)."""
    text = resources.files("cookieaudit.scanner").joinpath("data/identifier_params.yaml").read_text(encoding="utf-8")
    return frozenset(str(name).lower() for name in yaml.safe_load(text)["names"])


def redact_url(url: str) -> str:
    """``url`` with the values of identifier parameters replaced, in query and fragment.

    >>> redact_url("https://www.google-analytics.com/g/collect?v=2&tid=G-1&cid=123.456&en=page_view")
    'https://www.google-analytics.com/g/collect?v=2&tid=G-1&cid=REDACTED&en=page_view'
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query and not parts.fragment:
        return url
    return urlunsplit(parts._replace(query=_redact_pairs(parts.query), fragment=_redact_pairs(parts.fragment)))


def _redact_pairs(text: str) -> str:
    if "=" not in text:
        return text
    names = identifier_params()
    out = []
    for pair in text.split("&"):
        key, sep, value = pair.partition("=")
        if sep and value and key.lower() in names:
            value = REDACTED
        out.append(f"{key}{sep}{value}")
    return "&".join(out)
