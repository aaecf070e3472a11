"""Linking what a statement names to the rule set's vendors and cookie rules.

The rule set is the classifier's (``cookieaudit.classifier``); when it cannot be loaded the
parser still works, it only links nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional

__all__ = ["VendorMatch", "company_key", "company_names", "company_of", "find_vendor", "known_cookie", "rule_purpose",
           "same_company", "vendor_mentions", "vendor_of_name"]

# A rule match below this confidence (a domain-scoped rule matched without its domain,
# a catch-all) says too little about a name found in prose.
MIN_RULE_CONFIDENCE = 0.7
# Typographic ligatures a PDF's text may hold inside a name ("ARRAﬃnity", "Veriﬁcation").
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})

_CAPITALISED_RUN = re.compile(r"(?<![\w-])(?:[A-Z0-9][\w.&'-]*)(?:[ \t]+(?:[A-Z0-9][\w.&'-]*|for|van|de|voor))*(?![\w-])")


@dataclass(frozen=True)
class VendorMatch:
    """A vendor found for a phrase: the spelling to report, and the rule set's id."""

    name: str
    vendor_id: str


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@functools.lru_cache(maxsize=1)
def _classifier():
    try:
        from ..classifier import default_classifier

        classifier = default_classifier()
        classifier.load()
        return classifier
    except Exception:  # the rule set is optional for the parser: link nothing rather than fail
        return None


@functools.lru_cache(maxsize=4096)
def find_vendor(phrase: str) -> Optional[VendorMatch]:
    """The rule set's vendor a phrase names, spelt as the rule set spells that name or alias."""
    classifier = _classifier()
    phrase = phrase.strip()
    if classifier is None or not phrase:
        return None
    try:
        vendor = classifier.find_vendor(phrase)
    except Exception:
        return None
    if vendor is None:
        return None
    key = _key(phrase)
    if key == _key(vendor.name):
        return VendorMatch(vendor.name, vendor.id)
    for alias in vendor.aliases:
        if key == _key(alias):
            return VendorMatch(alias, vendor.id)
    return VendorMatch(vendor.name, vendor.id)


# Legal forms and places after a company's name: "Google Ireland Limited", "Meta Platforms, Inc."
_LEGAL_TAIL = re.compile(r"(?:\s+(?:llc|inc|ltd|limited|b\.?v|n\.?v|gmbh|corporation|corp|co|ag|sa|s\.a|plc|ireland|europe))+\.?$")
_HOST = re.compile(r"(?:https?://)?\.?(?:[a-z0-9-]+\.)+[a-z]{2,12}/?")


def company_key(text: str) -> str:
    """A company's name as compared: case-folded, host names, commas and legal forms left out
    ("Google LLC .example.org" -> "google", "Meta Platforms, Inc." -> "meta platforms")."""
    text = _HOST.sub(" ", text.casefold()).replace(",", " ")
    text = " ".join(text.split()).rstrip(".")
    return _LEGAL_TAIL.sub("", text).strip()


@functools.lru_cache(maxsize=1)
def company_names() -> frozenset[str]:
    """The companies behind the rule set's vendors, as ``company_key`` writes them."""
    classifier = _classifier()
    if classifier is None:
        return frozenset()
    return frozenset(company_key(v.company) for v in classifier.vendors.values() if getattr(v, "company", None))


def company_of(vendor_id: str) -> Optional[str]:
    """The company behind a rule-set vendor (None when the rule set names none)."""
    classifier = _classifier()
    vendor = classifier.vendors.get(vendor_id) if classifier is not None else None
    return getattr(vendor, "company", None) or None


def same_company(first: str, second: str) -> bool:
    """Whether two rule-set vendors (by id) belong to one company (Facebook and Meta Pixel)."""
    classifier = _classifier()
    if classifier is None or first not in classifier.vendors or second not in classifier.vendors:
        return False
    a, b = classifier.vendors[first].company, classifier.vendors[second].company
    return bool(a) and a == b


def _classification(name: str):
    """The rule set's classification of a bare cookie name (None without a rule set or a name)."""
    classifier = _classifier()
    if classifier is None or not name:
        return None
    try:
        return classifier.classify(name.translate(LIGATURES))
    except Exception:
        return None


@functools.lru_cache(maxsize=8192)
def known_cookie(name: str, exact_only: bool = False) -> Optional[tuple[str, str, str, str]]:
    """(rule_id, match kind, vendor name, vendor id) when a rule confidently covers ``name``.

    ``exact_only``: a rule whose exact pattern is this name, even when the rule is scoped to
    a domain (the statement does not say where the cookie lives).
    """
    result = _classification(name)
    if result is None:
        return None
    if not result.rule_id:
        return None
    rule = _classifier().rules.get(result.rule_id)
    match = rule.match if rule is not None else "exact"
    if exact_only:
        if rule is None or rule.match != "exact" or rule.pattern != name:
            return None
    elif result.confidence < MIN_RULE_CONFIDENCE:
        return None
    return result.rule_id, match, result.vendor or "", result.vendor_id or ""


def vendor_mentions(text: str, bare_company_names: frozenset[str]) -> list[tuple[int, int, VendorMatch]]:
    """Vendors named in a sentence: runs of capitalised words looked up longest first."""
    found: list[tuple[int, int, VendorMatch]] = []
    for run in _CAPITALISED_RUN.finditer(text):
        words = list(re.finditer(r"\S+", run.group(0)))
        i = 0
        while i < len(words):
            hit = None
            for j in range(min(len(words), i + 4), i, -1):
                start = run.start() + words[i].start()
                end = run.start() + words[j - 1].end()
                phrase = text[start:end].rstrip(".,;:")
                if not phrase[:1].isupper() and not phrase[:1].isdigit():
                    continue
                if j - i == 1 and phrase.casefold() in bare_company_names:
                    continue
                match = find_vendor(phrase)
                if match is not None:
                    hit = (start, start + len(phrase), match, j)
                    break
            if hit:
                found.append(hit[:3])
                i = hit[3]
            else:
                i += 1
    return found


def vendor_of_name(token: str, pattern: str, match: str) -> Optional[VendorMatch]:
    """The rule set's vendor of a declared name: the name as written, its pattern, or for a
    prefix or glob a sample name it covers ("_ga_#" -> "_ga_X1Y2Z3")."""
    candidates = [(token, False), (pattern, False), (pattern, True)]
    if match == "prefix":
        candidates.append((pattern + "X1Y2Z3", False))
    elif match == "glob":
        candidates.append((pattern.replace("*", "X1Y2Z3"), False))
    for name, exact_only in candidates:
        known = known_cookie(name, exact_only=exact_only)
        if known and known[2]:
            return VendorMatch(known[2], known[3])
    return None


@functools.lru_cache(maxsize=4096)
def rule_purpose(name: str) -> Optional[str]:
    """The purpose the rule set gives a cookie name it knows confidently (None when it does not)."""
    result = _classification(name)
    if result is None:
        return None
    if not result.rule_id or result.confidence < MIN_RULE_CONFIDENCE or result.purpose not in ("functional", "analytic", "marketing"):
        return None
    return result.purpose
