"""The allow-list: cookie names (globs) and vendors accepted without a finding, each with a reason.

An entry names a ``cookie`` (a name or glob, case-insensitive: ``_pk_*``) or a ``vendor``
(a rule-set vendor's name, alias or id — "Siteimprove", "Google Analytics" — which also allows
the vendors it covers in the rule set; a vendor the rule set does not know is compared with
the cookie's recorded vendor name). Allowed cookies, storage keys and hosts take part in no
finding; each entry records the names it allowed, so the result shows what was let through
and why.
"""

from __future__ import annotations

import fnmatch
from typing import Iterable, Optional, Union

from ..errors import InputError
from .model import AllowEntry

__all__ = ["AllowList", "parse_allow"]


def parse_allow(entries: Iterable[Union[AllowEntry, dict]], where: str = "allow") -> list[AllowEntry]:
    """AllowEntry objects from dicts (config, API); InputError naming the entry when one is malformed."""
    parsed = []
    for position, entry in enumerate(entries or ()):
        if isinstance(entry, AllowEntry):
            parsed.append(entry.model_copy(update={"matched": []}))
            continue
        if not isinstance(entry, dict):
            raise InputError(f"{where}[{position}]: expected a table with 'cookie' or 'vendor' and 'reason'")
        unknown = set(entry) - {"cookie", "vendor", "reason"}
        if unknown:
            raise InputError(f"{where}[{position}]: unknown key {sorted(unknown)[0]!r} (use cookie, vendor, reason)")
        cookie, vendor, reason = entry.get("cookie"), entry.get("vendor"), entry.get("reason")
        if bool(cookie) == bool(vendor):
            raise InputError(f"{where}[{position}]: give exactly one of 'cookie' or 'vendor'")
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(f"{where}[{position}]: 'reason' is required (why is it accepted?)")
        for key, value in (("cookie", cookie), ("vendor", vendor)):
            if value is not None and not isinstance(value, str):
                raise InputError(f"{where}[{position}]: '{key}' must be a string")
        parsed.append(AllowEntry(cookie=cookie, vendor=vendor, reason=reason.strip()))
    return parsed


class AllowList:
    """Matches observations against the allow-list entries and records what each allowed."""

    def __init__(self, entries: Iterable[AllowEntry], classifier=None):
        self.entries = list(entries)
        self._vendor_ids: dict[int, frozenset] = {}
        for entry in self.entries:
            if entry.vendor and classifier is not None:
                try:
                    vendor = classifier.find_vendor(entry.vendor)
                    if vendor is not None:
                        self._vendor_ids[id(entry)] = classifier.covered_vendors(vendor.id)
                except Exception:
                    pass

    def _entry_for(self, name: str, vendor: Optional[str], vendor_id: Optional[str], by_name: bool) -> Optional[AllowEntry]:
        for entry in self.entries:
            if by_name and entry.cookie and fnmatch.fnmatchcase(name.casefold(), entry.cookie.casefold()):
                return entry
            if entry.vendor:
                ids = self._vendor_ids.get(id(entry))
                if ids is not None and vendor_id in ids:
                    return entry
                if ids is None and vendor and vendor.casefold() == entry.vendor.casefold():
                    return entry
        return None

    def allows(self, name: str, vendor: Optional[str], vendor_id: Optional[str], *, by_name: bool = True) -> bool:
        """Whether an observation (a cookie or storage name, or with ``by_name=False`` a host) is allowed;
        the entry that allows it records ``name``."""
        if not self.entries:
            return False
        entry = self._entry_for(name, vendor, vendor_id, by_name)
        if entry is None:
            return False
        if name not in entry.matched:
            entry.matched.append(name)
        return True
