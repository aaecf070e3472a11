"""The merged rule set: finding the built-in rule files, loading them with extra files, and
checking the result as a whole (unique ids, vendors defined, conflicting rules).

Built-in files are ``*.yaml`` inside the installed package ``cookieaudit.rules``; when
cookieaudit runs from a source checkout (where ``rules/`` sits beside ``cookieaudit/``) that
directory is used instead.

Merging: built-in files load in file-name order and may not repeat an id. Extra files load
after them, in the order given: a vendor, cookie rule or host with an id (host name) that is
already loaded replaces it in place; a new one is added at the end.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .errors import RuleFileError
from .rulefile import CookieRule, HostRule, Vendor, load_rule_file

__all__ = [
    "Conflict",
    "RULESET_VERSION",
    "RuleSet",
    "builtin_rule_files",
    "find_conflicts",
    "literal_length",
    "literal_prefix",
    "load_ruleset",
    "pattern_regex",
    "ruleset_fingerprint",
]

# The built-in rule set's version: bump it (YYYY.MM.N) with every change to rules/*.yaml.
# ruleset_fingerprint()'s hash tells any two rule sets apart regardless.
RULESET_VERSION = "2026.12.2"

_SOURCE_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def builtin_rule_files() -> list[Path]:
    """The built-in rule files, sorted by name: the installed package data, else the source tree's ``rules/``."""
    directory: Path | None = None
    try:
        from importlib.resources import files

        candidate = Path(str(files("cookieaudit.rules")))
        if candidate.is_dir():
            directory = candidate
    except (ModuleNotFoundError, TypeError):
        directory = None
    if directory is None or not any(directory.glob("*.yaml")):
        if _SOURCE_RULES_DIR.is_dir():
            directory = _SOURCE_RULES_DIR
    if directory is None:
        return []
    return sorted(directory.glob("*.yaml"), key=lambda p: p.name)


@dataclass
class RuleSet:
    """Vendors, cookie rules and host rules after merging, each remembering its file."""

    vendors: dict[str, Vendor] = field(default_factory=dict)
    cookies: dict[str, CookieRule] = field(default_factory=dict)  # id -> rule, in load order
    hosts: dict[str, HostRule] = field(default_factory=dict)  # host -> rule, in load order
    files: list[str] = field(default_factory=list)
    origin: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> file
    attributions: dict[str, str] = field(default_factory=dict)  # file -> attribution text

    def file_of(self, kind: str, key: str) -> str:
        """The file that defined a vendor (``kind="vendor"``), cookie rule (``"cookie"``) or host (``"host"``)."""
        return self.origin.get((kind, key), "?")

    def add_file(self, path: str | Path, *, override: bool) -> None:
        """Load one file into the set; with ``override`` a repeated id replaces the earlier entry."""
        path_text = str(path)
        data = load_rule_file(path)
        self.files.append(path_text)
        if data.attribution:
            self.attributions[path_text] = data.attribution
        self._merge("vendor", self.vendors, [(v.id, v) for v in data.vendors], path_text, override)
        self._merge("cookie", self.cookies, [(c.id, c) for c in data.cookies], path_text, override)
        self._merge("host", self.hosts, [(h.host, h) for h in data.hosts], path_text, override)

    def _merge(self, kind: str, target: dict, items: list, path: str, override: bool) -> None:
        seen_here: set[str] = set()
        label = "host" if kind == "host" else "id"
        for key, item in items:
            if key in seen_here:
                raise RuleFileError(path, f"{kind} {label} repeated in the same file", rule=key, field=label)
            seen_here.add(key)
            if key in target and not override:
                raise RuleFileError(
                    path, f"{kind} {label} already defined in {self.file_of(kind, key)}", rule=key, field=label
                )
            target[key] = item  # replacing keeps the dict position: an override keeps file order
            self.origin[(kind, key)] = path

    def check_references(self) -> None:
        """Every cookie rule and host names a defined vendor; raises RuleFileError otherwise."""
        for rule in self.cookies.values():
            if rule.vendor not in self.vendors:
                raise RuleFileError(self.file_of("cookie", rule.id), f"unknown vendor {rule.vendor!r}",
                                    rule=rule.id, field="vendor")
        for host in self.hosts.values():
            if host.vendor not in self.vendors:
                raise RuleFileError(self.file_of("host", host.host), f"unknown vendor {host.vendor!r}",
                                    rule=host.host, field="vendor")
        for vendor in self.vendors.values():
            for covered in vendor.covers:
                if covered not in self.vendors:
                    raise RuleFileError(self.file_of("vendor", vendor.id), f"covers unknown vendor {covered!r}",
                                        rule=vendor.id, field="covers")

    def covered_vendors(self, vendor_id: str) -> frozenset[str]:
        """``vendor_id`` and every vendor it covers, directly or through another (``covers``)."""
        seen = {vendor_id}
        queue = [vendor_id]
        while queue:
            vendor = self.vendors.get(queue.pop())
            for covered in vendor.covers if vendor is not None else ():
                if covered not in seen:
                    seen.add(covered)
                    queue.append(covered)
        return frozenset(seen)


def load_ruleset(extra_files: Iterable[str | Path] = (), *, builtin: bool = True) -> RuleSet:
    """Load the built-in files (unless ``builtin=False``) and then ``extra_files``, checked as a whole."""
    ruleset = RuleSet()
    extras = [Path(p) for p in extra_files]
    if builtin:
        given = {_resolved(p) for p in extras}
        for path in builtin_rule_files():
            if _resolved(path) not in given:  # validating a built-in file: load it once, as "extra"
                ruleset.add_file(path, override=False)
    for path in extras:
        ruleset.add_file(path, override=True)
    ruleset.check_references()
    return ruleset


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


# --- patterns ---------------------------------------------------------------------------

_REGEX_SPECIAL = set(".^$*+?{}[]|()")
_QUANTIFIERS = set("*+?{")


def pattern_regex(rule: CookieRule) -> str:
    """The regular expression (for a full match) that a glob or regex rule stands for."""
    if rule.match == "regex":
        return rule.pattern
    if rule.match == "glob":
        return "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in rule.pattern)
    if rule.match == "prefix":
        return re.escape(rule.pattern) + ".*"
    return re.escape(rule.pattern)


def literal_prefix(rule: CookieRule) -> str:
    """The fixed text every name matching a glob or regex rule starts with ('' when none)."""
    if rule.match in ("exact", "prefix"):
        return rule.pattern
    if rule.match == "glob":
        return re.split(r"[*?]", rule.pattern, maxsplit=1)[0]
    text = rule.pattern
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            if i + 1 < len(text) and not text[i + 1].isalnum():
                literal, step = text[i + 1], 2
            else:
                break  # \d, \w, \b ... are classes or anchors, not literals
        elif ch in _REGEX_SPECIAL:
            break
        else:
            literal, step = ch, 1
        following = text[i + step] if i + step < len(text) else ""
        if following in _QUANTIFIERS:
            break  # the literal is optional or repeated: not fixed
        out.append(literal)
        i += step
    return "".join(out)


def literal_length(rule: CookieRule) -> int:
    """How much fixed text a pattern rule carries: non-wildcard characters of a glob, the literal prefix of a regex."""
    if rule.match == "glob":
        return sum(1 for ch in rule.pattern if ch not in "*?")
    return len(literal_prefix(rule))


# --- conflicts --------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """Two rules of the same precedence and scope that match the same names but disagree."""

    first: str
    second: str
    scope: str  # "any domain" or a domain
    example: str  # a cookie name both match
    difference: str  # e.g. "purpose analytic vs marketing"

    def describe(self, ruleset: RuleSet) -> str:
        """One line naming both rules, their files, the scope and what differs."""
        return (
            f"rules {self.first!r} ({ruleset.file_of('cookie', self.first)}) and {self.second!r} "
            f"({ruleset.file_of('cookie', self.second)}) both match {self.example!r} on {self.scope} "
            f"at the same precedence: {self.difference}"
        )


def _tier(rule: CookieRule) -> tuple:
    """Rules with equal tiers are not ordered by precedence (only by file order)."""
    if rule.match == "exact":
        return ("exact", rule.pattern)
    if rule.match == "prefix":
        return ("prefix", rule.pattern)
    return ("pattern", literal_length(rule))


def _difference(a: CookieRule, b: CookieRule) -> str | None:
    parts = []
    if a.purpose != b.purpose:
        parts.append(f"purpose {a.purpose} vs {b.purpose}")
    if a.vendor != b.vendor:
        parts.append(f"vendor {a.vendor} vs {b.vendor}")
    return ", ".join(parts) or None


def _examples(rule: CookieRule) -> list[str]:
    """Names a rule matches, used as witnesses when checking whether two patterns overlap."""
    if rule.match == "exact":
        return [rule.pattern]
    if rule.match == "prefix":
        return [rule.pattern, rule.pattern + "x1"]
    if rule.match == "glob":
        return [rule.pattern.replace("*", "").replace("?", "a"), rule.pattern.replace("*", "1a").replace("?", "1")]
    return _regex_examples(rule.pattern)


def _regex_examples(pattern: str) -> list[str]:
    """A few shortest-ish strings a regular expression matches (best effort)."""
    try:
        import re._parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        tree = sre_parse.parse(pattern)
    except re.error:
        return []
    examples = []
    for repeat in (1, 2):
        try:
            text = _sample(tree, repeat, sre_parse)
        except (ValueError, IndexError, TypeError):
            continue
        if re.fullmatch(pattern, text):
            examples.append(text)
    return examples


def _sample(items, repeat: int, sre_parse) -> str:
    constants = sre_parse  # opcodes live in the parser module's namespace
    out = []
    for op, arg in items:
        if op is constants.LITERAL:
            out.append(chr(arg))
        elif op is constants.ANY:
            out.append("a")
        elif op is constants.IN:
            out.append(_sample_class(arg, constants))
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT, getattr(constants, "POSSESSIVE_REPEAT", None)):
            low, high, sub = arg
            count = max(low, min(repeat, high))
            out.append(_sample(sub, repeat, sre_parse) * count)
        elif op is constants.SUBPATTERN:
            out.append(_sample(arg[-1], repeat, sre_parse))
        elif op is constants.BRANCH:
            out.append(_sample(arg[1][0], repeat, sre_parse))
        elif op is constants.AT:
            continue
        else:
            raise ValueError(f"unsupported construct {op}")
    return "".join(out)


def _sample_class(items, constants) -> str:
    for op, arg in items:
        if op is constants.LITERAL:
            return chr(arg)
        if op is constants.RANGE:
            return chr(arg[0])
        if op is constants.CATEGORY:
            return {"CATEGORY_DIGIT": "1", "CATEGORY_WORD": "a"}.get(str(arg), "a")
    raise ValueError("unsupported character class")


def _globs_overlap(a: str, b: str) -> bool:
    """Whether two glob patterns (``*``, ``?``) can match a common name (product of their automata)."""
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        ca = a[i] if i < len(a) else None
        cb = b[j] if j < len(b) else None
        if ca == "*":
            stack.append((i + 1, j))  # the star matches nothing (more)
        if cb == "*":
            stack.append((i, j + 1))
        if ca is None or cb is None:
            continue
        # consume one character both sides accept: '*' stays, '?' and a literal advance
        if ca not in "*?" and cb not in "*?" and ca != cb:
            continue
        stack.append((i if ca == "*" else i + 1, j if cb == "*" else j + 1))
    return False


def _overlap(a: CookieRule, b: CookieRule) -> str | None:
    """A name both rules match, or None."""
    if a.match == "exact" or b.match == "exact" or (a.match == b.match == "prefix"):
        return a.pattern if a.pattern == b.pattern else None
    if a.match == "glob" and b.match == "glob":
        if not _globs_overlap(a.pattern, b.pattern):
            return None
        for name in _examples(a) + _examples(b):
            if fnmatch.fnmatchcase(name, a.pattern) and fnmatch.fnmatchcase(name, b.pattern):
                return name
        return a.pattern  # they overlap, but our simple witnesses missed the common name
    regex_a, regex_b = re.compile(pattern_regex(a)), re.compile(pattern_regex(b))
    for name in _examples(a) + _examples(b):
        if regex_a.fullmatch(name) and regex_b.fullmatch(name):
            return name
    return None


def find_conflicts(ruleset: RuleSet) -> list[Conflict]:
    """Pairs of rules at the same precedence and scope that match the same names with a different purpose or vendor.

    Overlaps that precedence settles (exact over prefix, longer prefix over shorter, a glob
    with more fixed text over one with less) are not conflicts. Overlap of two globs is
    decided exactly; where a regular expression is involved it is checked with example names
    derived from each pattern, so an exotic overlap can go unnoticed.
    """
    groups: dict[tuple, list[CookieRule]] = {}
    for rule in ruleset.cookies.values():
        scopes = rule.domains or ("",)
        for scope in scopes:
            # a rule that needs its setter never competes with name-only rules
            groups.setdefault((scope, _tier(rule), bool(rule.setters)), []).append(rule)
    conflicts: list[Conflict] = []
    reported: set[tuple[str, str]] = set()
    for (scope, _, _), rules in groups.items():
        for i, a in enumerate(rules):
            for b in rules[i + 1:]:
                difference = _difference(a, b)
                if difference is None or (a.id, b.id) in reported:
                    continue
                example = _overlap(a, b)
                if example is not None:
                    reported.add((a.id, b.id))
                    conflicts.append(Conflict(a.id, b.id, scope or "any domain", example, difference))
    return conflicts


def ruleset_fingerprint() -> tuple[str, str]:
    """(RULESET_VERSION, sha256 over the built-in rule files: each file's name and bytes, by name)."""
    import hashlib

    digest = hashlib.sha256()
    for path in builtin_rule_files():
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return RULESET_VERSION, digest.hexdigest()
