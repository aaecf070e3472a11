"""The audit's knowledge beyond the rule set (``knowledge.yaml``): how to read the banner record,
which phases run without consent, and what Google Analytics requests reveal."""

from __future__ import annotations

import functools
from importlib import resources

import yaml

__all__ = ["knowledge"]


@functools.lru_cache(maxsize=1)
def knowledge() -> dict:
    """The parsed knowledge.yaml."""
    source = resources.files("cookieaudit.auditing").joinpath("knowledge.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(source)
