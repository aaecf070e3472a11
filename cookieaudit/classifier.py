"""Classify cookies and request hosts against the rule set.  (Interface; engine in progress.)"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Classification", "Classifier", "HostClassification", "classify", "classify_host", "classify_many"]


class Classification(BaseModel):
    """How one cookie is classified."""

    model_config = ConfigDict(frozen=True)

    name: str
    domain: Optional[str] = None
    purpose: Literal["functional", "analytic", "marketing", "unknown"]
    vendor: Optional[str] = None
    vendor_id: Optional[str] = None
    rule_id: Optional[str] = None
    lifetime: Optional[Literal["session", "persistent"]] = None
    party: Optional[Literal["first", "third"]] = None
    confidence: float = Field(ge=0, le=1)
    reason: str


class HostClassification(BaseModel):
    """How one request host is classified."""

    model_config = ConfigDict(frozen=True)

    host: str
    tracker: bool
    purpose: Optional[Literal["functional", "analytic", "marketing"]] = None
    vendor: Optional[str] = None
    vendor_id: Optional[str] = None
    matched: Optional[str] = None


class Classifier:
    def __init__(self, extra_rule_files=()):
        raise NotImplementedError("classifier engine in progress")


def classify(name, domain=None, site=None, expires=None) -> Classification:
    raise NotImplementedError("classifier engine in progress")


def classify_many(items, site=None):
    raise NotImplementedError("classifier engine in progress")


def classify_host(host) -> HostClassification:
    raise NotImplementedError("classifier engine in progress")
