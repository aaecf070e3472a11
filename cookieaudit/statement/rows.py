"""Cutting one text table row back into cells, whatever the extraction did to the separators.

The header says which columns there are and in which order. Typed columns are recognised
from the row's ends inwards: the name (one or more names) and a provider or a lifetime that
follows it from the left; a lifetime, storage type, party, category or yes/no answer from the
right. What is left between them is the free text of the description. A typed cell that is
missing from a row stays empty, so nothing shifts into its place.

Rows whose cells ran together without any separator ("__cf_bmCloudflareBot protection…")
are cut with the project's own evidence: the rule set's cookie names, vendor names and
aliases, domains named in the same table, duration words, and the shape of cookie names.
Where a cut is a guess, the row's confidence is below 1.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from .cells import DOMAIN, leading_lifetime, leading_value, trailing_lifetime, trailing_value

__all__ = ["RowContext", "column_kinds", "split_cells"]

_LIST_JOIN = re.compile(r"\s*,\s*|\s*;\s*|\s+(?:and|en|&|or|of)\s+|\s*&\s*")
_TOKEN = re.compile(r"[^\s,;]+")
_RIGHT_TYPED = ("lifetime", "kind", "party", "category", "answer")
_GLUED_NAME = re.compile(r"[\w.\-*<>#\[\]{}$|:@]+")


@dataclass
class RowContext:
    """What the whole table tells about its rows: domains its provider cells name."""

    domains: list[str] = field(default_factory=list)
    glued: bool = False


def column_kinds(header: list[str]) -> list[str]:
    """Each header cell's column role, with yes/no columns ("Strictly necessary?") as 'answer'."""
    from .runtogether import inner_role, column_role

    kinds = []
    for cell in header:
        role = column_role(cell) or inner_role(cell) or "other"
        if role == "other" and (cell.strip().endswith("?") or re.search(r"necessary|noodzakelijk", cell, re.IGNORECASE)):
            role = "answer"
        kinds.append(role)
    return kinds


def _name_token_ok(token: str) -> bool:
    from .names import is_name_word

    return is_name_word(token.strip("`'\"‘’“”"))


def _name_list_end(text: str, start: int) -> int:
    """End of a list of space-free names starting at ``start`` ("_ga, _ga_* Google…")."""
    match = _TOKEN.match(text, start)
    if not match or not _name_token_ok(match.group(0).rstrip(".,:")):
        return start
    end = match.end()
    while True:
        joint = _LIST_JOIN.match(text, end)
        if not joint:
            break
        following = _TOKEN.match(text, joint.end())
        if not following or not _name_token_ok(following.group(0)) or not _looks_like_name(following.group(0)):
            break
        if joint.group(0).strip() not in (",", ";") and not _shaped(following.group(0)):
            break  # "A and B" lists names; "aanvraag of melding" is a sentence
        end = following.end()
    return end


def _looks_like_name(token: str) -> bool:
    """A token after a list comma is a name only if it is shaped like one (not "and More")."""
    from .names import _shape

    return bool(_shape(token)) or token.islower() or token[:1] in "_.$"


def _shaped(token: str) -> bool:
    """Shaped like a cookie name, or a name the rule set knows."""
    from .names import _shape
    from .vendors import known_cookie

    return bool(_shape(token)) or token.isupper() or known_cookie(token) is not None


def _glued_split(text: str, next_role: Optional[str], context: RowContext) -> tuple[int, float]:
    """(end of the name cell, confidence) in a row whose name runs into the next cell."""
    from .runtogether import _known_name_end, _names_vendor, _purpose_start, _vendor_end

    # a list of names: every name but the last ends at a comma
    list_start = 0
    for joint in re.finditer(r",\s*", text):
        head = text[list_start:joint.start()]
        if not head or " " in head.strip() or not _name_token_ok(head.strip()):
            break
        list_start = joint.end()
    head = text[list_start:]
    if next_role == "lifetime":
        # candidates (start, end, clean): a clean one ends where the next cell can start (a
        # capital, a digit, a host name, the row's end); of those, the one that reaches
        # furthest, begun earliest: "SOCS1 year 1 month 4 days" is SOCS + the whole duration,
        # not "SOCS1 year 1 month" + "4 days"; "PHPSESSIDsessieSessie bijhouden" ends its
        # lifetime at "sessie", not at the description's first word
        candidates: list[tuple[int, int, bool]] = []
        for i in range(1, min(len(head), 80)):
            char, before = head[i], head[i - 1]
            if not ((char.isdigit() and not before.isdigit()) or (char.isupper() and not before.isupper())):
                # a lower-case lifetime word run into the next cell's capital:
                # "woocommerce_items_in_cartsessionWooCommerce …", "ngpg_last_viewedpastDescription"
                word = _glued_lifetime_word().match(head, i) if char.islower() and before.isalnum() else None
                if word:
                    candidates.append((i, word.end(), True))
                continue
            # a duration run into the next cell's lower-case host name: "test_cookie15 minutesdoubleclick.net"
            length = leading_lifetime(head[i:])
            if length:
                candidates.append((_singular_number_start(head, i, i + length), i + length, _cell_ends(head, i + length)))
            elif _duration_before_host(head[i:]):
                candidates.append((i, i + _duration_before_host(head[i:]), True))
        if candidates:
            clean = [c for c in candidates if c[2]] or candidates
            best = max(clean, key=lambda c: (c[1], -c[0]))
            return list_start + best[0], 1.0
    if next_role == "vendor":
        for domain in context.domains:
            at = head.find(domain, 1)
            if at > 0:
                if head[:at].endswith("www.") and at > 4:  # a host name starts "www.", a cookie name never ends so
                    return list_start + at - 4, 1.0
                return list_start + at, 1.0 if domain.startswith(("www.", ".")) else 0.9
        known = _known_name_end(head)
        if known:
            return list_start + known, 1.0
        for i in range(1, min(len(head), 80)):
            if head[i].isupper() and _names_vendor(head, i):
                return list_start + i, 0.9
        www = head.find("www.", 1)
        if www > 0:
            return list_start + www, 0.9
        domain = DOMAIN.search(head, 1)
        if domain and domain.start() > 0 and not head[domain.start() - 1].isspace():
            return list_start + domain.start(), 0.5  # the domain may have eaten the name's tail
    known = _known_name_end(head)
    if known:
        return list_start + known, 1.0
    token = _GLUED_NAME.match(head)
    if not token:
        return 0, 0.0
    if token.end() < len(head) and head[token.end()].isspace() and not re.search(r"[a-z][A-Z]", token.group(0)[1:]):
        return list_start + token.end(), 1.0
    steps = [m.start() + 1 for m in re.finditer(r"[a-z0-9_)*#>\]}.][A-Z]", head[: token.end()])]
    if not steps:
        return list_start + token.end(), 0.7
    placeholder = next((s for s in steps if head[s - 1] in "*#>]}"), None)
    if placeholder:
        return list_start + placeholder, 0.8  # a variable part ends the name: "sb-*Supabase…"
    description = _purpose_start(head, 1)
    if next_role == "vendor":
        before = [s for s in steps if s < description] or steps
        vendor_end = _vendor_end(head, before[-1])
        return list_start + before[-1], 0.6 if vendor_end else 0.5
    step = next((s for s in steps if re.match(r"[A-Z][a-z]+\s", head[s:])), steps[-1])
    return list_start + step, 0.6


def _cell_ends(text: str, end: int) -> bool:
    """Whether a cell can end at ``end`` of a run-together row: the next one starts with a
    capital or a digit (after spaces or not), or the row ends."""
    rest = text[end:].lstrip()
    return not rest or rest[0].isupper() or rest[0].isdigit()


def _singular_number_start(text: str, start: int, end: int) -> int:
    """Where the number of a duration begins when a name ending in digits ran into it: a
    singular unit counts one ("_gat_UA-123456-11 minute" is "…-1" + "1 minute")."""
    from .vocabulary import vocabulary

    match = re.match(r"(\d+)\s*([^\W\d_]+)", text[start:end])
    if not match or len(match.group(1)) < 2 or not match.group(1).endswith("1"):
        return start
    unit, units = match.group(2).lower(), vocabulary().duration_units
    singular = unit + "s" in units or unit + "en" in units
    return start + len(match.group(1)) - 1 if singular else start


@functools.lru_cache(maxsize=1)
def _glued_lifetime_word() -> re.Pattern:
    """A one-word lifetime of a cell ("session", "sessie", "past", "never") ending right before
    a capital, where the next cell begins, or at the row's end (a row without a description:
    "pll_languagesessie")."""
    from .vocabulary import vocabulary

    raw = vocabulary().raw
    words = sorted({str(w).lower().rstrip("*") for key in ("session_words", "persistent_words", "no_lifetime_words",
                                                             "never_expires_words")
                    for w in raw[key] if " " not in str(w) and "/" not in str(w)}, key=len, reverse=True)
    return re.compile(rf"(?i:{'|'.join(re.escape(w) for w in words)})(?=[A-Z]|$)")


@functools.lru_cache(maxsize=1)
def _duration_host() -> re.Pattern:
    from .vocabulary import vocabulary

    units = "|".join(re.escape(u) for u in sorted(vocabulary().duration_units, key=len, reverse=True))
    return re.compile(rf"\d+(?:[.,]\d+)?[\s\u00a0]*(?i:{units})(?=(?:[a-z0-9-]+\.)+[a-z]{{2,}}\b)")


def _duration_before_host(text: str) -> int:
    match = _duration_host().match(text)
    return match.end() if match else 0


def split_cells(line: str, header: list[str], context: Optional[RowContext] = None) -> tuple[tuple[str, ...], float]:
    """The cells of a row in header order and how sure the cut is; ((), 0) when the row has no name."""
    context = context or RowContext()
    return _split_cached(line, tuple(header), tuple(context.domains), context.glued)


@functools.lru_cache(maxsize=1024)
def _split_cached(line: str, header: tuple[str, ...], domains: tuple[str, ...], glued: bool) -> tuple[tuple[str, ...], float]:
    from .columns import column_unit
    from .runtogether import _GLUED_DOMAIN, _vendor_end

    context = RowContext(domains=list(domains), glued=glued)
    kinds = column_kinds(list(header))
    text = line.strip().strip("|").strip()
    cells = [""] * len(kinds)
    confidence = 1.0
    if "name" not in kinds or not text:
        return (), 0.0

    # from the right: typed cells, down to the first free-text column
    end = len(text)
    right = len(kinds) - 1
    while right >= 0 and kinds[right] in _RIGHT_TYPED:
        kind = kinds[right]
        start = trailing_lifetime(text[:end]) if kind == "lifetime" else trailing_value(kind, text[:end])
        if kind == "lifetime" and start == end and column_unit(header[right]):
            bare = re.search(r"(?<=\s)\d{1,5}(?:[.,]\d{1,3})?$", text[:end])  # "30" under "Days"
            start = bare.start() if bare else start
        if start < end and start > 0:
            cells[right] = text[start:end].strip()
            end = start
            while end and text[end - 1].isspace():
                end -= 1
        right -= 1

    # from the left: name, provider, lifetime in header order
    position = 0
    left = 0
    while left <= right:
        kind = kinds[left]
        while position < end and text[position].isspace():
            position += 1
        rest = text[position:end]
        next_kind = kinds[left + 1] if left + 1 < len(kinds) else None
        if kind == "name":
            if context.glued:
                cut, confidence = _glued_split(rest, next_kind, context)
            else:
                cut = _name_list_end(rest, 0)
                if cut and cut < len(rest) and not rest[cut].isspace():
                    cut, confidence = _glued_split(rest, next_kind, context)
            if not cut:
                return (), 0.0
        elif kind == "vendor":
            domain = next((d for d in context.domains if rest.startswith(d) or rest.startswith("www." + d)), None)
            match = DOMAIN.match(rest)
            glued_domain = _GLUED_DOMAIN.match(rest) if context.glued else None
            if domain:
                cut = len(domain) + (4 if not rest.startswith(domain) else 0)
            elif match or glued_domain:
                # a host name run into the lifetime after it ("www.example.org.uk1 month")
                cut = max(m.end() for m in (match, glued_domain) if m)
            else:
                cut = _vendor_end(rest, 0) if left < right else len(rest)
                more = re.match(r"\s*/\s*[A-Z][a-z]+(?=[A-Z]|\s[A-Z])", rest[cut:])  # "Vercel / Hosting"
                if more and context.glued:
                    cut += more.end()
        elif kind == "lifetime":
            cut = leading_lifetime(rest) or (_duration_before_host(rest) if context.glued else 0)
            if not cut and column_unit(header[left]):
                bare = re.match(r"\d{1,5}(?:[.,]\d{1,3})?(?!\S)", rest)  # "365" under "Lifespan (days)"
                cut = bare.end() if bare else 0
            if not cut and context.glued:
                word = _glued_lifetime_word().match(rest)  # "neverYouTube sets …", "pastDescription"
                cut = word.end() if word else 0
        elif kind in ("party", "kind", "answer"):
            cut = leading_value(kind, rest)
        else:
            break
        cells[left] = rest[:cut].strip()
        position += cut
        left += 1

    # the free text between: the first free column takes it (a purpose column first)
    middle = text[position:end].strip()
    free = [i for i in range(left, right + 1) if not cells[i]]
    if middle and free:
        target = next((i for i in free if kinds[i] == "purpose"), free[0])
        cells[target] = middle
    name_index = kinds.index("name")
    if not cells[name_index]:
        return (), 0.0
    return tuple(cells), confidence
