"""What every check of one audit shares: the observations, the declaration index, the
allow-list, the drafts, the language — and the questions several checks ask (is this cookie
declared? what is its purpose, where the rule set does not know it?)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence, Union

from ..models import ScanResult
from ..statement.model import Declaration
from .allow import AllowList
from .drafts import Drafts
from .matching import Coverage, DeclarationIndex
from .observed import ObservedCookie, ObservedHost, ObservedStorage, Observations

__all__ = ["AuditContext", "UnreadableStatement"]

Observed = Union[ObservedCookie, ObservedStorage]


@dataclass(frozen=True)
class UnreadableStatement:
    """A statement source that could not be fetched or read, and why."""

    source: str
    reason: str


@dataclass
class AuditContext:
    scan: ScanResult
    declaration: Optional[Declaration]
    observations: Observations
    declared: Optional[DeclarationIndex]
    allow: AllowList
    drafts: Drafts
    classifier: object
    unreadable: Sequence[UnreadableStatement] = ()
    _coverage: dict = field(default_factory=dict)
    _allowed: dict = field(default_factory=dict)

    def coverage(self, observed: Observed) -> Coverage:
        """How the declaration covers a cookie or storage key (``none`` without a declaration)."""
        key = id(observed)
        found = self._coverage.get(key)
        if found is None:
            if self.declared is None:
                found = Coverage("none")
            else:
                found = self.declared.cookie(observed.key if isinstance(observed, ObservedStorage) else observed.name,
                                             observed.classified.vendor_id)
            self._coverage[key] = found
        return found

    def purpose(self, observed: Observed) -> str:
        """The rule set's purpose; where it says ``unknown``, the purpose the statement declares for it."""
        purpose = observed.classified.purpose or "unknown"
        if purpose != "unknown":
            return purpose
        coverage = self.coverage(observed)
        if coverage.declared and coverage.item is not None and coverage.item.purpose:
            return coverage.item.purpose
        return "unknown"

    def allowed(self, observed: Union[ObservedCookie, ObservedStorage, ObservedHost]) -> bool:
        """Whether the allow-list accepts it (then it takes part in no finding)."""
        key = id(observed)
        found = self._allowed.get(key)
        if found is None:
            if isinstance(observed, ObservedHost):
                found = self.allow.allows(observed.host, observed.vendor, observed.vendor_id, by_name=False)
            else:
                name = observed.key if isinstance(observed, ObservedStorage) else observed.name
                found = self.allow.allows(name, observed.classified.vendor, observed.classified.vendor_id)
            self._allowed[key] = found
        return found

    def vendor_names(self, vendor_id: Optional[str]) -> list[str]:
        """A vendor's name and aliases from the rule set (empty when unknown)."""
        if not vendor_id or self.classifier is None:
            return []
        try:
            vendor = self.classifier.vendors.get(vendor_id)
        except Exception:
            return []
        return [vendor.name, *vendor.aliases] if vendor is not None else []
