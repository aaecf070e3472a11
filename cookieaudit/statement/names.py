"""Finding cookie names in statement text and turning them into patterns.

A name is a token shaped like one: with an underscore, a variable part (``_ga_*``,
``_ga_<id>``, ``wp-settings-#``), marked as code, or known to the rule set. Weaker shapes
(``IpsosSurveyCookie``, ``PHPSESSID``) count where the text is naming cookies: inside
parentheses, after "beginnend met" / "starting with", after "cookie(s):", in a name
column. Brand names ("DigiD", "HotJar") and words like "Cookie" or "Google" never count.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from .attributes import ISO_PERIOD
from .vendors import LIGATURES, find_vendor, known_cookie
from .vocabulary import vocabulary

__all__ = ["NameHit", "close_placeholders", "find_names", "is_name_word", "pattern_of"]

_TOKEN = re.compile(r"(?<![\w<>*#$.\[\]{}-])[\w$][\w$.*#<>\[\]{}…-]*|(?<![\w])[*#<][\w$.*#<>\[\]{}…-]+")
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_ALL_CAPS = re.compile(r"^[A-Z][A-Z0-9]{3,}$")
_HYPHEN_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
_VARIABLE_TAIL = re.compile(r"(?:\*|<[^>]*>|\[[^\]]*\]|\{[^}]*\}|#+|x{3,}|X{3,}|…|\.\.\.)$")
_VARIABLE_ANY = re.compile(r"\*|<[^>]*>|\[[^\]]*\]|\{[^}]*\}|#+|(?<![A-Za-wyz])x{3,}(?![a-wyz])|(?<=[A-Z])x{4,}(?![a-wyzx])"
                           r"|(?<![A-WYZa-z])X{3,}|…|\.\.\.")  # "TSxxxxxxxx_d": a run of x after capitals too
_NAMING_CUE = re.compile(r"(?:cookies?|genaamd|named|called|heet|heten|namelijk|zoals|such as|e\.g\.|bijv\.?"
                         r"|sets|set|places|plaatst|plaatsen|zet|zetten)\s*:?\s*$", re.IGNORECASE)
# A name that opens a block and is followed by a dash or a colon: "SUAUTH - only stored when…"
_LEADING_NAME = re.compile(r"\s*(?:[-–—:]\s|\()")
_CLAUSE_END = re.compile(r"[):;.!?\n]")


@dataclass(frozen=True)
class NameHit:
    """One cookie name found in a text."""

    start: int
    end: int
    token: str
    pattern: str
    match: str  # exact / prefix / glob


def pattern_of(token: str, prefix: bool = False) -> Optional[tuple[str, str]]:
    """(pattern, match) for a written name: a variable tail makes a prefix, a variable middle a glob."""
    token = token.strip().translate(LIGATURES)
    if not token:
        return None
    tail = _VARIABLE_TAIL.search(token)
    if tail and not _VARIABLE_ANY.search(token[: tail.start()]):
        stem = token[: tail.start()].rstrip("-") if token[: tail.start()].endswith("--") else token[: tail.start()]
        return (stem, "prefix") if len(stem) >= 2 else None
    if _VARIABLE_ANY.search(token):
        glob = _VARIABLE_ANY.sub("*", token)
        glob = re.sub(r"\*+", "*", glob)
        return (glob, "glob") if len(glob.replace("*", "")) >= 2 else None
    return (token, "prefix" if prefix else "exact")


_SPACED_PLACEHOLDER = re.compile(r"(?<=[\w.-])(?:<[ \w.-]{1,40}>|\{[ \w.-]{1,40}\}|\[[ \w.-]{1,40}\])")


_ESCAPED_PLACEHOLDER = re.compile(r"(?<=[\w.-])&lt;([ \w.-]{1,40})&gt;")


def close_placeholders(text: str) -> str:
    """Spaces inside a placeholder attached to a name made underscores ("_gat_gtag_< GA ID >" ->
    "_gat_gtag_<_GA_ID_>"), so the name stays one token, and a placeholder written with HTML
    entities in Markdown or text ("_ga_&lt;ID&gt;", which a Markdown page shows as "_ga_<ID>")
    made one in angle brackets ("_ga_<___ID___>"); the text keeps its length."""
    if "&lt;" in text:
        text = _ESCAPED_PLACEHOLDER.sub(lambda m: "<___" + m.group(1) + "___>", text)
    if "<" not in text and "{" not in text and "[" not in text:
        return text
    return _SPACED_PLACEHOLDER.sub(lambda m: m.group(0).replace(" ", "_"), text)


def _clean(token: str) -> str:
    token = token.rstrip(".,:;!?'\"’”")
    # a closing bracket belongs to the name only when it closes something opened in it
    while token and token[-1] in ")]}>" and token.count({")": "(", "]": "[", "}": "{", ">": "<"}[token[-1]]) < token.count(token[-1]):
        token = token[:-1]
    return token


def _shape(token: str) -> str:
    """'strong', 'weak' or '' for how much a token looks like a cookie name by itself."""
    if not any(c.isalpha() for c in token):
        return ""
    if "_" in token or _VARIABLE_ANY.search(token):
        return "strong"
    if _CAMEL.search(token) or _ALL_CAPS.match(token) or _HYPHEN_NAME.match(token) and (
            any(c.isdigit() for c in token) or token.count("-") >= 2):
        return "weak"
    if re.search(r"[A-Za-z]\d|\d[A-Za-z]", token) and len(token) >= 3 and not re.fullmatch(r"\d+[a-z]{1,3}", token):
        return "weak"
    if token.startswith(".") and token[1:2].isalpha():
        return "weak"  # ".ASPXAUTH", ".AspNetCore.Session": ASP.NET names start with a dot
    if "." in token.strip(".") and not re.search(r"\.[a-z]{2,6}$", token):
        return "weak"  # "_pk_id.1.2" has an underscore; "AMP_TOKEN"-likes too; dotted ones are rare
    return ""


def _is_excluded(token: str) -> bool:
    v = vocabulary()
    lower = token.lower()
    if lower in v.not_cookie_names or lower.rstrip("s") in v.not_cookie_names:
        return True
    if re.fullmatch(r"(?:https?://|www\.)\S+|\S+\.(?:nl|com|org|net|eu|be|de|io)(?:/\S*)?", token, re.IGNORECASE):
        return True  # a web address
    if re.fullmatch(r"\d+(?:[.,:/-]\d+)*", token) or ISO_PERIOD.fullmatch(token):
        return True  # a number or date, or an ISO 8601 duration ("P1Y", "PT30M")
    if "_" not in token and not token[:1].islower() and find_vendor(token) is not None and known_cookie(token) is None:
        return True  # a brand ("HotJar", "DigiD"), not a cookie; "cookieBanner" is written as a name
    return False


def _zones(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    zones = []
    for match in pattern.finditer(text):
        end = _CLAUSE_END.search(text, match.end())
        zones.append((match.end(), end.start() if end else len(text)))
    return zones


def _paren_zones(text: str) -> list[tuple[int, int]]:
    zones, stack = [], []
    for i, char in enumerate(text):
        if char == "(":
            stack.append(i)
        elif char == ")" and stack:
            zones.append((stack.pop() + 1, i))
    return zones


def _inside(position: int, zones: Iterable[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in zones)


_QUOTES = {"'": "'", '"': '"', "‘": "’", "“": "”", "`": "`"}


def _quoted_beside_cookie(text: str, start: int, end: int) -> bool:
    """A word in quotes right beside the word cookie names it: 'the "visitor" cookie', "de
    cookie 'bezoek'", "a cookie called 'lang'"."""
    before, after = text[start - 1:start], text[end:end + 1]
    if not before or before not in _QUOTES or after != _QUOTES[before]:
        return False
    from .runtogether import _not_names

    if text[start:end].lower() in _not_names():
        return False  # '"technische" cookies': a category, not a name
    # one cookie named: "de cookie 'bezoek'", "a cookie called 'lang'", 'the "visitor" cookie'
    cue_before = re.search(r"cookie\s*(?:called|named|genaamd|met de naam)?\s*$", text[max(0, start - 22):start - 1],
                           re.IGNORECASE)
    return bool(cue_before or re.match(r"\s*cookie\b", text[end + 1:end + 10], re.IGNORECASE))


_DETERMINER = re.compile(r"(?:^|\s)(?:the|your|our|a|an|this|that|de|het|een|uw|je|onze|ons|deze|die|dit)\s+$", re.IGNORECASE)


def _duration_follows(text: str, end: int, start: Optional[int] = None) -> bool:
    """A name's own duration right after it: after its colon or in a parenthesis ("…; fr: 3
    maanden", "vuid (2 jaar)"), or after a verb of lasting ("awc expires after one year"; not
    "your session expires …": a word after an article or possessive is a noun of the sentence)."""
    from .cells import leading_lifetime
    from .runtogether import _not_names

    if start is not None and text[start:end].lower() in _not_names():
        return False
    after = text[end:end + 80]
    lead = re.match(r"\s*[:(]\s*", after)
    if lead and leading_lifetime(after[lead.end():]):
        return True
    relative = _RELATIVE_LIFETIME.match(after)
    if relative and _final_lifetime_verb().search(relative.group(1)) \
            and any(leading_lifetime(relative.group(1)[m.start():]) for m in re.finditer(r"(?<!\S)\S", relative.group(1))):
        return True  # "lidc, dat na 24 uur verdwijnt"
    verb = _lifetime_verb().match(after)
    if verb is None or start is not None and _DETERMINER.search(text[max(0, start - 12):start]):
        return False
    clause = re.match(r"[^.;:()!?]{0,50}", after[verb.end():]).group(0)
    return any(leading_lifetime(clause[m.start():]) for m in re.finditer(r"(?<!\S)\S", clause))


_RELATIVE_LIFETIME = re.compile(r"\s*,\s*(?:dat|die)\s+([^.;:,()!?]{1,50})")


@functools.lru_cache(maxsize=1)
def _final_lifetime_verb() -> re.Pattern:
    verbs = sorted(vocabulary().raw["name_lifetime_verbs_final"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in verbs) + r")\s*$", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _lifetime_verb() -> re.Pattern:
    verbs = sorted(vocabulary().raw["name_lifetime_verbs"], key=len, reverse=True)
    return re.compile(r"\s+(?:" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in verbs) + r")\b", re.IGNORECASE)


def find_names(text: str, code: Iterable[str] = (), name_cell: bool = False) -> list[NameHit]:
    """Cookie names in ``text`` in order; ``name_cell`` when the text is a table's name cell."""
    return list(_find_names(text, tuple(code), name_cell))


@functools.lru_cache(maxsize=2048)
def _find_names(text: str, code: tuple[str, ...], name_cell: bool) -> tuple[NameHit, ...]:
    v = vocabulary()
    text = close_placeholders(text)
    code_set = {c.strip() for c in code}
    prefix_zones = _zones(text, v.prefix_markers)
    paren_zones = _paren_zones(text)
    hits: list[NameHit] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if not name_cell and token.isalpha() and (token.islower() or token.istitle()) and token not in code_set:
            # a plain word is never a name in prose (fast path: most tokens), unless it is a
            # cookie name of the rule set written where the text names cookies: "(vuid, 2 jaar)",
            # "the cookies nmstat (...) and siteimproveses (...)"
            if not (token.islower() and len(token) >= 4 and not _is_excluded(token)
                    and _named_here(text, match.start(), paren_zones, hits)
                    and known_cookie(token, exact_only=True) is not None) \
                    and not (token.islower() and _duration_follows(text, match.end(), match.start())
                             and known_cookie(token, exact_only=True) is not None) \
                    and not (token.islower() and len(token) >= 3 and not _is_excluded(token)
                             and _quoted_beside_cookie(text, match.start(), match.end())):
                continue
            hits.append(NameHit(match.start(), match.end(), token, token, "exact"))
            continue
        token = _clean(token)
        if not token or len(token) < 2 or len(token) > 80:
            continue
        start = match.start()
        end = start + len(token)
        if _is_excluded(token):
            continue
        if token.isupper() and _abbreviation(text, start, token):
            continue  # "cross-site request forgery (CSRF)": the words' initials, no name
        shape = _shape(token)
        accepted = shape == "strong" or token in code_set
        if not accepted:
            in_context = (
                name_cell
                or (not text[:start].strip() and bool(_LEADING_NAME.match(text, end)))
                or _inside(start, prefix_zones)
                or _inside(start, paren_zones)
                or bool(_NAMING_CUE.search(text[max(0, start - 30):start]))
            )
            if shape == "weak":
                accepted = in_context or _known(token)
            elif name_cell:
                accepted = token[:1].isalpha() and not token.isdigit() and token.lower() not in _cell_stopwords()
            elif token[:1].isalpha() and (token.isupper() or not token.isalpha()) and len(token) >= 3:
                # named here, or going on with a list of names: "VISITOR_INFO1_LIVE (6 maanden) en YSC"
                accepted = (in_context or _named_here(text, start, paren_zones, hits)) \
                    and known_cookie(token, exact_only=True) is not None
        if not accepted:
            continue
        pattern = pattern_of(token, prefix=_inside(start, prefix_zones) or bool(_prefix_after().match(text, end)))
        if pattern is None:
            continue
        hits.append(NameHit(start, end, token, pattern[0], pattern[1]))
    return tuple(hits)


_LIST_CONTINUES = re.compile(r"\s*(?:,\s*)?(?:(?:en|and|or|of|&)\s+)?", re.IGNORECASE)


def _named_here(text: str, start: int, paren_zones: list[tuple[int, int]], hits: list[NameHit]) -> bool:
    """Whether the text is naming cookies at ``start``: inside parentheses, after "cookie(s)"
    or "called", or continuing a list of names ("A (13 months) and B")."""
    if _inside(start, paren_zones):
        return True
    cue = _NAMING_CUE.search(text[max(0, start - 30):start])
    if cue:
        # "These cookies store information": after a plural "cookies", a word followed by
        # more words is the sentence's verb; a name there ends the clause or a list
        if cue.group(0).strip().rstrip(":").lower() != "cookies":
            return True
        end = re.match(r"[\w$.-]*", text[start:]).end() + start
        return not re.match(r"\s+(?!(?:and|en|or|of|&)\b)[a-z]", text[end:end + 20])
    if hits:
        between = re.sub(r"\([^()]*\)", " ", text[hits[-1].end:start])
        return bool(_LIST_CONTINUES.fullmatch(between))
    return False


def _abbreviation(text: str, start: int, token: str) -> bool:
    """Whether ``token``, in parentheses at ``start``, abbreviates the words right before them
    ("cross-site request forgery (CSRF)", "Content Delivery Network (CDN)")."""
    if not 2 <= len(token) <= 8 or start == 0 or text[start - 1] != "(" or not text.startswith(")", start + len(token)):
        return False
    words = re.findall(r"[^\W\d_]+", text[max(0, start - 120):start - 1])
    initials = "".join(w[0] for w in words[-len(token):]).upper()
    return len(words) >= len(token) and initials == token


@functools.lru_cache(maxsize=1)
def _prefix_after() -> re.Pattern:
    """Words right after a name that make it a prefix: "_ga_ followed by a container code"."""
    words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in vocabulary().raw["prefix_after_markers"])
    return re.compile(rf"\s+(?:{words})\b", re.IGNORECASE)


def _known(token: str) -> bool:
    return known_cookie(token) is not None


def _cell_stopwords() -> frozenset[str]:
    return frozenset({"en", "and", "of", "or", "en/of", "and/or", "enz", "etc", "e.d."})


def is_name_word(token: str) -> bool:
    """Whether a space-free token standing alone in a name cell can be a cookie name."""
    if not 2 <= len(token) <= 80 or not any(c.isalpha() for c in token):
        return False
    if token.lower() in _cell_stopwords() or _is_excluded(token):
        return False
    return token[:1].isalnum() or token[:1] in "_$.-*#<["
