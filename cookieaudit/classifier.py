"""Classify cookies and request hosts against the rule set, without a browser.

    >>> from cookieaudit.classifier import classify
    >>> classify("_ga").purpose
    'analytic'

**Precedence.** A cookie name is looked up in scopes, from most to least specific, and the
first scope with a matching rule decides:

1. rules whose ``domains`` contain the cookie's domain or one of its parent domains, the
   most specific domain first (a rule for ``ads.example.com`` beats one for ``example.com``);
2. generic rules (no ``domains``);
3. as a last resort, rules scoped to *other* domains (or any domain, when the cookie's domain
   is not given): the result then carries a lower confidence and a reason that says so.
   Catch-all patterns with less than 3 fixed characters (``.+`` for every cookie on
   ``digid.nl``) only ever apply on their own domains, and when the cookie's domain is known
   (and differs) a rule needs 6 fixed characters to apply: a first-party ``sess`` or ``uid``
   is not the ad network's cookie of that name.

Within a scope: an ``exact`` name beats a ``prefix``; a longer prefix beats a shorter one;
then ``glob`` and ``regex`` patterns, the one with more fixed text first (a glob's
non-wildcard characters, a regex's literal prefix), ties broken by file order (built-in files
by name, then extra files in the order given). No match at all gives purpose ``unknown``,
no vendor and confidence 0 — never a silent ``functional``.

**Confidence.** exact 0.95, prefix 0.9, glob/regex 0.8; +0.05 when a domain-scoped rule
matched the cookie's domain; ×0.6 for a rule of another scope when the cookie has no domain,
×0.5 when it has a different domain.

**Setter.** A rule with ``setters`` applies only when the cookie's setter (``setter=``: the URL
of the script or response that set it) contains one of them, and then before any name-only
rule: +0.05, and the reason names the setter. A name such a rule shares with name-only rules
(``cookieconsent_status``: Osano's open-source banner and many home-grown copies) is otherwise
classified by the name-only rule (a generic consent vendor) with ×0.8 confidence and a reason
that says the name alone decided.

**Category.** ``category: consent`` on a rule marks consent-management cookies and storage keys
(the visitor's recorded choice); the purpose stays ``functional``.

**Lifetime.** ``expires=None`` → ``None`` (not known); ``"session"`` or a number ≤ 0 (Playwright
reports session cookies as ``-1``) → ``"session"``; epoch seconds > 0 or a ``datetime``
(naive means UTC) → ``"persistent"``.

**Party.** ``"first"`` or ``"third"`` by the registrable domain of the cookie's ``domain``
against that of ``site`` (a URL or host; IP addresses and ``localhost`` compare as host
names); ``None`` when either is missing.

**Speed.** Rules compile on first use into a dict per scope for exact names, prefixes bucketed
by their first three characters (longest first), and one combined regular expression for
patterns (rules are bucketed by the first character of their fixed text). Results are frozen
and cached by (name, domain, site, lifetime); the cache is emptied when it reaches 200,000
entries.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping, Optional, Sequence, Union

from pydantic import BaseModel, ConfigDict, Field

from .errors import InputError

__all__ = [
    "Classification",
    "Classifier",
    "HostClassification",
    "classify",
    "classify_host",
    "classify_many",
    "default_classifier",
    "find_vendor",
    "lifetime_of",
]

Expires = Union[int, float, datetime, str, None]


class Classification(BaseModel):
    """How one cookie is classified."""

    model_config = ConfigDict(frozen=True)

    name: str
    """The cookie name, as given."""
    domain: Optional[str] = None
    """The cookie's domain, as given (``None`` when not known)."""
    purpose: Literal["functional", "analytic", "marketing", "unknown"]
    """What the cookie is for, by our purpose policy; ``unknown`` when no rule matches."""
    vendor: Optional[str] = None
    """The vendor's display name (a product, e.g. "Google Analytics")."""
    vendor_id: Optional[str] = None
    """The vendor's stable id, e.g. ``google-analytics``."""
    rule_id: Optional[str] = None
    """The id of the rule that matched."""
    lifetime: Optional[Literal["session", "persistent"]] = None
    """From the given expiry; ``None`` when no expiry was given."""
    party: Optional[Literal["first", "third"]] = None
    """The cookie's registrable domain against the site's; ``None`` when either is missing."""
    confidence: float = Field(ge=0, le=1)
    """How sure the match is (see the module docstring); 0 for unknown cookies."""
    reason: str
    """One sentence: which rule matched and how, or why none did."""
    description: Optional[str] = None
    """The matched rule's description of the cookie."""
    category: Optional[Literal["consent"]] = None
    """``consent`` when the cookie records consent choices (consent management)."""


class HostClassification(BaseModel):
    """How one request host is classified."""

    model_config = ConfigDict(frozen=True)

    host: str
    tracker: bool
    purpose: Optional[Literal["functional", "analytic", "marketing"]] = None
    vendor: Optional[str] = None
    vendor_id: Optional[str] = None
    matched: Optional[str] = None


# --- lifetime --------------------------------------------------------------------------


def lifetime_of(expires: Expires) -> Optional[str]:
    """``"session"``, ``"persistent"`` or ``None`` for an expiry (see the module docstring).

    >>> lifetime_of(None), lifetime_of(-1), lifetime_of(1767225600)
    (None, 'session', 'persistent')
    """
    if expires is None:
        return None
    if isinstance(expires, bool):
        raise InputError(f"expires must be epoch seconds, a datetime or 'session', not {expires!r}")
    if isinstance(expires, (int, float)):
        return "session" if expires <= 0 else "persistent"
    if isinstance(expires, datetime):
        moment = expires if expires.tzinfo else expires.replace(tzinfo=timezone.utc)
        return "session" if moment.timestamp() <= 0 else "persistent"
    if isinstance(expires, str) and expires.strip().lower() == "session":
        return "session"
    raise InputError(f"expires must be epoch seconds, a datetime or 'session', not {expires!r}")


# --- compiled matching -----------------------------------------------------------------

_BASE_CONFIDENCE = {"exact": 0.95, "prefix": 0.9, "glob": 0.8, "regex": 0.8}
_SCOPED_BONUS = 0.05
_SETTER_BONUS = 0.05
_NAME_ONLY_FACTOR = 0.8  # a name a setter-identified rule shares, classified by the name alone
_NO_DOMAIN_FACTOR = 0.6
_OTHER_DOMAIN_FACTOR = 0.5
_CACHE_LIMIT = 200_000  # cached results; the cache is emptied when it grows past this
_PREFIX_KEY = 3
_MIN_FALLBACK_TEXT = 3  # a pattern needs this much fixed text to be used outside its own domains
# ... and this much when the cookie's own domain is known and differs: short names such as
# `sess` or `uid` on an ad network's domain say nothing about a first-party `sess`.
_MIN_FOREIGN_TEXT = 6


_RESULT_FIELDS = frozenset(Classification.model_fields)


def _result(fields: dict) -> Classification:
    """A Classification from trusted values, without validation.

    Does what ``model_construct`` does (fills ``__dict__`` and pydantic's bookkeeping slots)
    at a fifth of its cost; a test checks the result equals a validated model.
    """
    result = Classification.__new__(Classification)
    _set = object.__setattr__
    _set(result, "__dict__", fields)
    _set(result, "__pydantic_fields_set__", _RESULT_FIELDS)
    _set(result, "__pydantic_extra__", None)
    _set(result, "__pydantic_private__", None)
    return result


class _Scope:
    """The rules of one scope, precompiled: exact dict, prefixes by length, combined patterns."""

    __slots__ = ("exact", "prefix_buckets", "short_prefixes", "pattern_by_char", "pattern_default")

    def __init__(self, rules: Sequence) -> None:
        from .ruleset import literal_length, literal_prefix, pattern_regex

        self.exact: dict[str, Any] = {}
        prefixes: dict[str, Any] = {}
        patterns = []
        for order, rule in enumerate(rules):
            if rule.match == "exact":
                self.exact.setdefault(rule.pattern, rule)  # first in file order wins a tie
            elif rule.match == "prefix":
                prefixes.setdefault(rule.pattern, rule)
            else:
                patterns.append((-literal_length(rule), order, rule))
        # Prefixes are bucketed by their first _PREFIX_KEY characters, longest first inside a
        # bucket; shorter prefixes can only win after every longer one failed.
        longest_first = sorted(prefixes.items(), key=lambda item: -len(item[0]))
        buckets: dict[str, list] = {}
        for prefix, rule in longest_first:
            if len(prefix) >= _PREFIX_KEY:
                buckets.setdefault(prefix[:_PREFIX_KEY], []).append((prefix, rule))
        self.prefix_buckets = {key: tuple(items) for key, items in buckets.items()}
        self.short_prefixes = tuple((p, r) for p, r in longest_first if len(p) < _PREFIX_KEY)
        patterns.sort(key=lambda item: item[:2])
        ordered = [rule for _, _, rule in patterns]
        # One combined pattern per first character of the literal prefix, plus the patterns
        # without one, keeps the alternation a name is tried against short.
        first_chars = {literal_prefix(rule)[:1] for rule in ordered} - {""}
        self.pattern_by_char: dict[str, Any] = {}
        for char in first_chars:
            chosen = [r for r in ordered if literal_prefix(r)[:1] in ("", char)]
            self.pattern_by_char[char] = self._combine(chosen, pattern_regex)
        anywhere = [r for r in ordered if not literal_prefix(r)]
        self.pattern_default = self._combine(anywhere, pattern_regex)

    def _combine(self, rules: list, pattern_regex) -> Optional[tuple]:
        """One regex of all ``rules`` in precedence order; the matching group's index names the rule."""
        if not rules:
            return None
        parts, index_rule, group = [], {}, 1
        for rule in rules:
            source = pattern_regex(rule)
            parts.append(f"({source})")
            index_rule[group] = rule
            group += 1 + re.compile(source).groups
        return re.compile("|".join(parts)).fullmatch, index_rule

    def match(self, name: str):
        """(rule, match kind) of the best rule for ``name`` in this scope, or None."""
        rule = self.exact.get(name)
        if rule is not None:
            return rule
        for prefix, rule in self.prefix_buckets.get(name[:_PREFIX_KEY], ()):
            if name.startswith(prefix):
                return rule
        for prefix, rule in self.short_prefixes:
            if name.startswith(prefix):
                return rule
        compiled = self.pattern_by_char.get(name[:1], self.pattern_default)
        if compiled is not None:
            found = compiled[0](name)
            if found is not None:
                # the alternation's own group closes last among those that matched
                return compiled[1][_outer_group(found, compiled[1])]
        return None


def _outer_group(found: re.Match, index_rule: dict) -> int:
    """The index of the rule group that matched (the one outer group that took part)."""
    index = found.lastindex
    if index in index_rule:
        return index
    for group in index_rule:  # a rule's inner group closed last; find its outer group
        if found.start(group) != -1:
            return group
    raise LookupError("combined pattern matched without a rule group")  # pragma: no cover


class _Compiled:
    """Everything the classifier looks up, built once from a RuleSet."""

    def __init__(self, ruleset) -> None:
        from .ruleset import literal_length

        self.ruleset = ruleset
        all_rules = list(ruleset.cookies.values())
        rules = [r for r in all_rules if not r.setters]
        # Rules that need their setter: looked up only when a setter is given (and before the others).
        self.by_setter = _Scope([r for r in all_rules if r.setters])
        self.generic = _Scope([r for r in rules if not r.domains])
        scoped_rules = [r for r in rules if r.domains]
        by_domain: dict[str, list] = {}
        for rule in scoped_rules:
            for domain in rule.domains:
                by_domain.setdefault(domain, []).append(rule)
        self.by_domain = {domain: _Scope(group) for domain, group in by_domain.items()}
        # Catch-all patterns (".+" on digid.nl) describe their own domain only.
        self.elsewhere = _Scope([r for r in scoped_rules
                                 if r.match in ("exact", "prefix") or literal_length(r) >= _MIN_FALLBACK_TEXT])
        self.foreign = _Scope([r for r in scoped_rules if literal_length(r) >= _MIN_FOREIGN_TEXT])
        self.vendors = dict(ruleset.vendors)
        self.hosts = dict(ruleset.hosts)
        self.vendor_index = _vendor_index(self.vendors.values())
        self.covered: dict[str, frozenset] = {}  # vendor id -> the vendor ids it covers (memo)
        # Small memos: cookie domains, their scopes and the rule-dependent half of a result
        # repeat far more often than names do.
        self._hosts: dict[str, str] = {}
        self._scopes: dict[str, tuple] = {}
        self._verdicts: dict[tuple, tuple] = {}
        from .domains import host_of, party

        self._host_of = host_of
        self.party_of = party

    def host_of(self, domain: str) -> str:
        """The bare lower-case host of a cookie domain (memoised)."""
        host = self._hosts.get(domain)
        if host is None:
            host = _bounded(self._hosts)[domain] = self._host_of(domain)
        return host

    def scopes_for(self, host: str) -> tuple:
        """(domain, scope) for every domain scope that covers ``host``, most specific first."""
        scopes = self._scopes.get(host)
        if scopes is None:
            labels = host.split(".")
            candidates = (".".join(labels[start:]) for start in range(len(labels)))
            scopes = tuple((d, self.by_domain[d]) for d in candidates if d in self.by_domain)
            _bounded(self._scopes)[host] = scopes
        return scopes

    def verdict(self, rule, tier: str, where: Optional[str]) -> tuple:
        """(purpose, vendor, vendor_id, rule_id, confidence, reason, description, category): what depends on the rule and tier."""
        key = (rule.id, tier, where)
        found = self._verdicts.get(key)
        if found is not None:
            return found
        base = _BASE_CONFIDENCE[rule.match]
        described = f"rule {rule.id!r} ({rule.match} {rule.pattern!r})"
        if tier == "setter":
            confidence = min(1.0, base + _SETTER_BONUS)
            reason = f"matched {described}: its setter {where} identifies {self.vendors[rule.vendor].name}"
        elif tier == "scoped":
            confidence = base + _SCOPED_BONUS
            reason = f"matched {described} for cookies on {where}"
        elif tier == "generic":
            confidence = base
            reason = f"matched {described}"
        else:
            confidence = base * (_OTHER_DOMAIN_FACTOR if where else _NO_DOMAIN_FACTOR)
            on = f"this cookie is on {where}" if where else "this cookie's domain is not given"
            reason = f"{described} is for cookies on {', '.join(rule.domains)}; {on}"
        vendor = self.vendors[rule.vendor]
        if tier != "setter" and self.by_setter.match(rule.pattern if rule.match == "exact" else "\0") is not None:
            # the name is shared with a rule that a setter identifies: the name alone decided
            confidence *= _NAME_ONLY_FACTOR
            reason += "; a name several consent tools share, classified by the name alone (no setter identifies the tool)"
        found = (rule.purpose, vendor.name, vendor.id, rule.id, round(confidence, 3), reason, rule.description, rule.category)
        _bounded(self._verdicts)[key] = found
        return found

    def unknown(self, host: Optional[str]) -> tuple:
        """The verdict for a name no rule matches."""
        key = ("", "unknown", host)
        found = self._verdicts.get(key)
        if found is None:
            reason = "no rule matches this cookie name" + (f" on {host}" if host else "")
            found = ("unknown", None, None, None, 0.0, reason, None, None)
            _bounded(self._verdicts)[key] = found
        return found


def _bounded(memo: dict) -> dict:
    """``memo``, emptied first when it has reached the cache limit."""
    if len(memo) >= _CACHE_LIMIT:
        memo.clear()
    return memo


# --- vendors ---------------------------------------------------------------------------

_TRADEMARKS = re.compile("[®™©]")
_PARENTHETICAL = re.compile(r"\s*[(\[].*?[)\]]\s*")
_TRAILING_NOISE = re.compile(r"(?:\s+(?:v?\d+(?:\.\d+)*|cookies?|tracking|pixel|tag))+$")


def _vendor_key(text: str) -> str:
    """Compare vendor names by letters and digits only, ignoring case: 'Piwik-PRO' == 'piwik pro'."""
    return "".join(ch for ch in _TRADEMARKS.sub("", text).casefold() if ch.isalnum())


def _vendor_index(vendors: Iterable) -> dict[str, Any]:
    """Lookup key -> vendor; a vendor's own name wins over another vendor's alias."""
    index: dict[str, Any] = {}
    names: set[str] = set()
    for vendor in vendors:
        key = _vendor_key(vendor.name)
        if key and key not in names:
            index[key] = vendor
            names.add(key)
    for vendor in vendors:
        for text in (vendor.id, *vendor.aliases):
            key = _vendor_key(text)
            if key and key not in index:
                index[key] = vendor
    return index


# --- the classifier --------------------------------------------------------------------


class Classifier:
    """Classifies cookies and hosts with the built-in rules plus optional extra rule files.

    Extra files add rules, or replace built-in ones with the same id. Nothing is read until
    the first lookup; a malformed file then raises :class:`~cookieaudit.errors.RuleFileError`
    (call :meth:`load` to fail early).
    """

    def __init__(self, extra_rule_files: Iterable[Union[str, Path]] = (), *, builtin: bool = True) -> None:
        if isinstance(extra_rule_files, (str, Path)):
            extra_rule_files = (extra_rule_files,)
        self.extra_rule_files = tuple(Path(p) for p in extra_rule_files)
        self.builtin = builtin
        self._compiled: Optional[_Compiled] = None
        self._lock = threading.Lock()
        self._cache: dict[tuple, Classification] = {}
        self._host_cache: dict[str, HostClassification] = {}

    def load(self) -> "Classifier":
        """Load and compile the rules now (otherwise done on first use); returns self."""
        self._rules()
        return self

    def _rules(self) -> _Compiled:
        compiled = self._compiled
        if compiled is None:
            with self._lock:
                if self._compiled is None:
                    from .ruleset import load_ruleset

                    self._compiled = _Compiled(load_ruleset(self.extra_rule_files, builtin=self.builtin))
                compiled = self._compiled
        return compiled

    def clear_cache(self) -> None:
        """Forget cached results (the compiled rules stay)."""
        self._cache.clear()
        self._host_cache.clear()

    # -- rule set access --

    @property
    def ruleset(self):
        """The merged :class:`~cookieaudit.ruleset.RuleSet`."""
        return self._rules().ruleset

    @property
    def vendors(self) -> dict:
        """Vendor id -> :class:`~cookieaudit.rulefile.Vendor`."""
        return self._rules().vendors

    @property
    def rules(self) -> dict:
        """Cookie rule id -> :class:`~cookieaudit.rulefile.CookieRule`, in load order."""
        return self._rules().ruleset.cookies

    @property
    def hosts(self) -> dict:
        """Host -> :class:`~cookieaudit.rulefile.HostRule`."""
        return self._rules().hosts

    def rules_for_vendor(self, vendor_id: str) -> tuple:
        """The cookie rules of one vendor, in load order (empty for an unknown id)."""
        return tuple(r for r in self._rules().ruleset.cookies.values() if r.vendor == vendor_id)

    def hosts_for_vendor(self, vendor_id: str) -> tuple:
        """The host rules of one vendor."""
        return tuple(h for h in self._rules().hosts.values() if h.vendor == vendor_id)

    def covered_vendors(self, vendor_id: str) -> frozenset:
        """The vendor ids a statement naming ``vendor_id`` declares: itself and, through the rule
        set's ``covers`` links, the company's products and the product's loaders and endpoints
        ("Facebook" covers the Meta Pixel's ``_fbp``). Memoised."""
        compiled = self._rules()
        found = compiled.covered.get(vendor_id)
        if found is None:
            found = compiled.covered[vendor_id] = compiled.ruleset.covered_vendors(vendor_id)
        return found

    def find_vendor(self, text: str):
        """The vendor a name in a privacy statement refers to, or None.

        Matches the vendor's name, id or any alias, ignoring case, spaces and punctuation
        ("Hot Jar" finds Hotjar). If that fails, a parenthetical and trailing version numbers
        or words such as "cookies" are dropped and it tries again, so "Google Analytics 4" and
        "Hotjar cookies" are found too. A vendor's own name wins over another vendor's alias.
        """
        if not text or not text.strip():
            return None
        index = self._rules().vendor_index
        vendor = index.get(_vendor_key(text))
        if vendor is None:
            shorter = _TRAILING_NOISE.sub("", _PARENTHETICAL.sub(" ", text).strip())
            if shorter:
                vendor = index.get(_vendor_key(shorter))
        return vendor

    # -- cookies --

    def classify(self, name: str, domain: Optional[str] = None, site: Optional[str] = None,
                 expires: Expires = None, setter: Optional[str] = None) -> Classification:
        """Classify one cookie by its name and, when known, its domain, the site, its expiry and
        its setter (the URL of the script or response that set it; see the module docstring)."""
        if not isinstance(name, str):
            raise InputError(f"a cookie name must be a string, not {type(name).__name__}")
        lifetime = lifetime_of(expires)
        if setter:
            found = self._classify_by_setter(name, domain, site, lifetime, setter)
            if found is not None:
                return found
        key = (name, domain, site, lifetime)
        found = self._cache.get(key)
        if found is None:
            found = self._classify_uncached(name, domain, site, lifetime)
        return found

    def _classify_by_setter(self, name: str, domain: Optional[str], site: Optional[str], lifetime: Optional[str],
                            setter: str) -> Optional[Classification]:
        """The classification by a rule that ``setter`` identifies, or None when no such rule applies."""
        compiled = self._rules()
        rule = compiled.by_setter.match(name)
        if rule is None:
            return None
        key = (name, domain, site, lifetime, setter)
        found = self._cache.get(key)
        if found is not None:
            return found
        lowered = setter.lower()
        if not any(fragment in lowered for fragment in rule.setters):
            return None
        from .domains import host_of

        shown = host_of(setter) or setter[:80]
        parsed = setter.split("?")[0].split("#")[0]
        shown = parsed if len(parsed) <= 120 else shown
        purpose, vendor, vendor_id, rule_id, confidence, reason, description, category = compiled.verdict(rule, "setter", shown)
        party = compiled.party_of(compiled.host_of(domain), site) if domain and site else None
        found = _result({
            "name": name, "domain": domain, "purpose": purpose, "vendor": vendor, "vendor_id": vendor_id,
            "rule_id": rule_id, "lifetime": lifetime, "party": party, "confidence": confidence, "reason": reason,
            "description": description, "category": category,
        })
        cache = self._cache
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[key] = found
        return found

    def classify_many(self, items: Iterable, site: Optional[str] = None) -> list[Classification]:
        """Classify many cookies: each item a name, a (name, domain[, expires]) tuple, or a mapping
        with ``name`` and optional ``domain`` and ``expires`` (such as a Playwright cookie)."""
        cache = self._cache
        get = cache.get
        out = []
        append = out.append
        for item in items:
            kind = item.__class__
            if kind is str:
                name, domain, lifetime = item, None, None
            elif kind is tuple and len(item) == 3:  # the common shape, without the general checks
                name, domain, expires = item
                kind = expires.__class__
                if kind is float or kind is int:
                    lifetime = "session" if expires <= 0 else "persistent"
                else:
                    lifetime = lifetime_of(expires)
            elif isinstance(item, (tuple, list)):
                if not 1 <= len(item) <= 3:
                    raise InputError(f"expected (name, domain, expires), got {len(item)} values")
                name = item[0]
                domain = item[1] if len(item) > 1 else None
                lifetime = lifetime_of(item[2]) if len(item) > 2 else None
            elif isinstance(item, Mapping):
                name, domain, lifetime = item.get("name"), item.get("domain"), lifetime_of(item.get("expires"))
            else:
                raise InputError(f"cannot classify a {type(item).__name__}: give a name, a tuple or a mapping")
            found = get((name, domain, site, lifetime))
            if found is None:
                if not isinstance(name, str):
                    raise InputError(f"a cookie name must be a string, not {type(name).__name__}")
                found = self._classify_uncached(name, domain, site, lifetime)
            append(found)
        return out

    def _classify_uncached(self, name: str, domain: Optional[str], site: Optional[str],
                           lifetime: Optional[str]) -> Classification:
        compiled = self._rules()
        party = None
        host = None
        verdict = None
        if domain:
            host = compiled.host_of(domain)
            if site:
                party = compiled.party_of(host, site)
            for scope_domain, scope in compiled.scopes_for(host):
                rule = scope.match(name)
                if rule is not None:
                    verdict = compiled.verdict(rule, "scoped", scope_domain)
                    break
        if verdict is None:
            rule = compiled.generic.match(name)
            if rule is not None:
                verdict = compiled.verdict(rule, "generic", None)
            else:
                rule = (compiled.foreign if host else compiled.elsewhere).match(name)
                verdict = compiled.verdict(rule, "elsewhere", host) if rule is not None else compiled.unknown(host)
        purpose, vendor, vendor_id, rule_id, confidence, reason, description, category = verdict
        # in field order: pydantic serialises __dict__ in its order
        result = _result({
            "name": name, "domain": domain, "purpose": purpose, "vendor": vendor, "vendor_id": vendor_id,
            "rule_id": rule_id, "lifetime": lifetime, "party": party, "confidence": confidence, "reason": reason,
            "description": description, "category": category,
        })
        cache = self._cache
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()  # cheaper than LRU bookkeeping; scans repeat names within a short window
        cache[(name, domain, site, lifetime)] = result
        return result

    # -- hosts --

    def classify_host(self, host: str) -> HostClassification:
        """Classify a request host (or URL): matches a host rule for it or any parent domain."""
        found = self._host_cache.get(host)
        if found is not None:
            return found
        from .domains import host_of

        clean = host_of(host) if isinstance(host, str) else ""
        if not clean:
            raise InputError(f"not a host name: {host!r}")
        hosts = self._rules().hosts
        labels = clean.split(".")
        result = None
        for start in range(len(labels)):
            rule = hosts.get(".".join(labels[start:]))
            if rule is not None:
                vendor = self._rules().vendors[rule.vendor]
                result = HostClassification(
                    host=clean, tracker=rule.purpose != "functional", purpose=rule.purpose,
                    vendor=vendor.name, vendor_id=vendor.id, matched=rule.host,
                )
                break
        if result is None:
            result = HostClassification(host=clean, tracker=False)
        if len(self._host_cache) >= _CACHE_LIMIT:
            self._host_cache.clear()
        self._host_cache[host] = result
        return result


# --- module-level conveniences on a shared default classifier ---------------------------

_default: Optional[Classifier] = None
_default_lock = threading.Lock()


def default_classifier() -> Classifier:
    """The shared classifier with the built-in rules (created on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Classifier()
    return _default


def classify(name: str, domain: Optional[str] = None, site: Optional[str] = None,
             expires: Expires = None, setter: Optional[str] = None) -> Classification:
    """Classify one cookie with the built-in rules (see :meth:`Classifier.classify`)."""
    return default_classifier().classify(name, domain, site, expires, setter)


def classify_many(items: Iterable, site: Optional[str] = None) -> list[Classification]:
    """Classify many cookies with the built-in rules (see :meth:`Classifier.classify_many`)."""
    return default_classifier().classify_many(items, site)


def classify_host(host: str) -> HostClassification:
    """Classify a request host with the built-in rules (see :meth:`Classifier.classify_host`)."""
    return default_classifier().classify_host(host)


def find_vendor(text: str):
    """The built-in vendor a statement's name refers to, or None (see :meth:`Classifier.find_vendor`)."""
    return default_classifier().find_vendor(text)
