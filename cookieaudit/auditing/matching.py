"""Which declaration covers an observed cookie or tracker host.

**Names.** A declared cookie covers an observed name by its match kind, ignoring case:
``exact`` the whole name, ``prefix`` names that start with it, ``glob`` with ``*`` (any run)
and ``?`` (one character). A bare name is exact: a declared ``_ga`` does not cover
``_ga_3XK9``. When several declarations cover a name, exact beats prefix (the longest
prefix first) and prefix beats glob.

**Vendors.** Each declared cookie and service is linked to a rule-set vendor: the one the
statement reader found, else the audit's own lookup of the name (so ``--rules`` can add
vendors). A vendor's declaration also covers the vendors the rule set links to it
(``covers``: "Facebook" covers the Meta Pixel, "Google" its products, Google Analytics its
``gtag.js`` loader on googletagmanager.com).

**Coverage of a cookie** (``Coverage.status``):

* ``name`` — a declared name covers it (whatever its vendor, also one the rule set does not know);
* ``service`` — its vendor is declared as a service and the statement lists no cookie names
  for that vendor itself: the service declaration covers all of the vendor's cookies;
* ``unlisted`` — its vendor is declared, but through cookie names that do not include this
  one: the statement lists the vendor's cookies and left this one out;
* ``none`` — neither its name nor its vendor is declared.

A tracker host is covered when its vendor is declared in either way.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Optional, Union

from ..statement.model import Declaration, DeclaredCookie, DeclaredService

__all__ = ["Coverage", "DeclarationIndex"]

Declared = Union[DeclaredCookie, DeclaredService]

_MIN_NAME_CONFIDENCE = 0.7  # linking a declared name to a vendor needs a confident rule match


@dataclass(frozen=True)
class Coverage:
    """How a declaration covers an observation: status and the declared item that does."""

    status: str  # name | service | unlisted | none
    item: Optional[Declared] = None

    @property
    def declared(self) -> bool:
        return self.status in ("name", "service")


class DeclarationIndex:
    """A declaration prepared for matching observed names and vendors."""

    def __init__(self, declaration: Declaration, classifier=None):
        self.declaration = declaration
        self.classifier = classifier
        self._exact: dict[str, DeclaredCookie] = {}
        self._exact_all: dict[str, list[DeclaredCookie]] = {}  # the same name may be declared twice
        self._prefixes: list[tuple[str, DeclaredCookie]] = []
        self._globs: list[tuple[re.Pattern, DeclaredCookie]] = []
        for cookie in declaration.cookies:
            pattern = cookie.pattern.casefold()
            if not pattern:
                continue
            if cookie.match == "prefix":
                self._prefixes.append((pattern, cookie))
            elif cookie.match == "glob" or (cookie.match != "exact" and ("*" in pattern or "?" in pattern)):
                self._globs.append((re.compile(fnmatch.translate(pattern)), cookie))
            else:
                self._exact.setdefault(pattern, cookie)
                self._exact_all.setdefault(pattern, []).append(cookie)
        self._prefixes.sort(key=lambda item: -len(item[0]))

        self.cookie_vendor: dict[int, Optional[str]] = {id(c): self._vendor_of_cookie(c) for c in declaration.cookies}
        self.service_vendor: dict[int, Optional[str]] = {id(s): self._vendor_of_service(s) for s in declaration.services}
        # vendor id -> the declared cookies naming it directly
        self.named_direct: dict[str, list[DeclaredCookie]] = {}
        for cookie in declaration.cookies:
            vendor = self.cookie_vendor[id(cookie)]
            if vendor:
                self.named_direct.setdefault(vendor, []).append(cookie)
        # vendor id -> a declared item that covers it, through the rule set's links
        self.named_cover: dict[str, DeclaredCookie] = {}
        for vendor, cookies in self.named_direct.items():
            for covered in self.covered(vendor):
                self.named_cover.setdefault(covered, cookies[0])
        self.service_cover: dict[str, DeclaredService] = {}
        for service in declaration.services:
            vendor = self.service_vendor[id(service)]
            if vendor:
                for covered in self.covered(vendor):
                    if covered == vendor or covered not in self.service_cover:
                        self.service_cover[covered] = service

    # -- vendor links ----------------------------------------------------------------------
    def covered(self, vendor_id: str) -> frozenset:
        """``vendor_id`` and the vendors it covers in the rule set."""
        if self.classifier is None:
            return frozenset({vendor_id})
        try:
            return self.classifier.covered_vendors(vendor_id)
        except Exception:
            return frozenset({vendor_id})

    def _find_vendor(self, text: Optional[str]) -> Optional[str]:
        if not text or self.classifier is None:
            return None
        try:
            vendor = self.classifier.find_vendor(text)
        except Exception:
            return None
        return vendor.id if vendor is not None else None

    def _vendor_of_cookie(self, cookie: DeclaredCookie) -> Optional[str]:
        if cookie.vendor_id and self._known(cookie.vendor_id):
            return cookie.vendor_id
        found = self._find_vendor(cookie.vendor)
        if found:
            return found
        if self.classifier is not None and cookie.match == "exact":
            try:
                result = self.classifier.classify(cookie.pattern)
            except Exception:
                return cookie.vendor_id
            if result.vendor_id and result.confidence >= _MIN_NAME_CONFIDENCE:
                return result.vendor_id
        return cookie.vendor_id

    def _vendor_of_service(self, service: DeclaredService) -> Optional[str]:
        if service.vendor_id and self._known(service.vendor_id):
            return service.vendor_id
        return self._find_vendor(service.vendor) or self._find_vendor(service.name) or service.vendor_id

    def _known(self, vendor_id: str) -> bool:
        if self.classifier is None:
            return True
        try:
            return vendor_id in self.classifier.vendors
        except Exception:
            return True

    def vendor_of(self, item: Declared) -> Optional[str]:
        """The rule-set vendor id a declared cookie or service is linked to."""
        if isinstance(item, DeclaredCookie):
            return self.cookie_vendor.get(id(item))
        return self.service_vendor.get(id(item))

    # -- names -----------------------------------------------------------------------------
    def by_name(self, name: str) -> Optional[DeclaredCookie]:
        """The declared cookie that covers ``name``: exact, then the longest prefix, then a glob."""
        key = name.casefold()
        found = self._exact.get(key)
        if found is not None:
            return found
        for prefix, cookie in self._prefixes:
            if key.startswith(prefix):
                return cookie
        for regex, cookie in self._globs:
            if regex.match(key):
                return cookie
        return None

    def covering(self, name: str) -> list[DeclaredCookie]:
        """Every declared cookie whose pattern covers ``name`` (not only the best one)."""
        key = name.casefold()
        found = list(self._exact_all.get(key, ()))
        found += [cookie for prefix, cookie in self._prefixes if key.startswith(prefix)]
        found += [cookie for regex, cookie in self._globs if regex.match(key)]
        return found

    def covers_name(self, declared: DeclaredCookie, name: str) -> bool:
        """Whether one declared cookie covers ``name`` by its pattern."""
        pattern, key = declared.pattern.casefold(), name.casefold()
        if declared.match == "prefix":
            return key.startswith(pattern)
        if declared.match == "glob" or "*" in pattern or "?" in pattern:
            return fnmatch.fnmatchcase(key, pattern)
        return key == pattern

    # -- coverage --------------------------------------------------------------------------
    def cookie(self, name: str, vendor_id: Optional[str]) -> Coverage:
        """How the declaration covers an observed cookie (see the module docstring)."""
        item = self.by_name(name)
        if item is not None:
            return Coverage("name", item)
        if vendor_id:
            service = self.service_cover.get(vendor_id)
            if service is not None and vendor_id not in self.named_direct:
                return Coverage("service", service)
            named = self.named_cover.get(vendor_id)
            if named is not None:
                return Coverage("unlisted", named)
        return Coverage("none")

    def vendor(self, vendor_id: Optional[str]) -> Coverage:
        """How the declaration covers a vendor (for tracker hosts): by a service or by named cookies."""
        if vendor_id:
            service = self.service_cover.get(vendor_id)
            if service is not None:
                return Coverage("service", service)
            named = self.named_cover.get(vendor_id)
            if named is not None:
                return Coverage("name", named)
        return Coverage("none")
