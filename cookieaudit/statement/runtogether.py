"""Column words of cookie tables: what a header cell or a label says a column holds, headers
found on one line (separated by spaces or run together), and the rule-set evidence used to cut
run-together cells (known cookie names, vendor names, where a provider cell ends)::

    NaamAanbiederDoelVervaltermijnType
    _gaGoogle AnalyticsRegistreert een uniek ID voor statistieken.2 jaarHTTP Cookie

Rows are cut into cells by ``rows.split_cells``; tables are found by ``text_tables``.
"""

from __future__ import annotations

import functools
import re
from typing import Optional

from .vocabulary import vocabulary

__all__ = ["column_role", "find_header", "header_cell", "is_row", "label_role", "split_row", "table_names_ok"]

_DOMAIN = re.compile(r"(?:www\.|\.)?(?:[a-z0-9-]+\.)+[a-z]{2,6}(?=[A-Z\d\s]|$)")
# A host name run into the cell before it, lower case, ending where a capital, a digit or a space starts
_GLUED_DOMAIN = re.compile(r"(?:www\.|\.)?(?:[a-z0-9-]+\.)+[a-z]{2,6}(?=[A-Z\d\s]|$)")
_CAPITALISED_WORD = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+(?=[\s,:;]|\.\s|\.$|$)")


def column_role(header_cell: str) -> Optional[str]:
    """What a table column holds, from its header cell: name, vendor, purpose, category, lifetime, kind."""
    text = header_cell.strip()
    if not text or len(text) > 40:
        return None
    patterns = vocabulary().table_columns
    roles = ("lifetime", "category", "name", "vendor", "purpose", "kind", "party", "other")
    # a header that is wholly one column word wins ("Cookie Subgroup" is a host column, not a
    # name column; "Cookies used" says first or third party)
    label = text.rstrip(":").strip()
    for role in roles:
        match = patterns[role].match(label)
        if match and match.end() == len(label):
            return role
    for role in roles:
        match = patterns[role].search(text)
        if match and match.start() == 0:
            return role
    return None


@functools.lru_cache(maxsize=4096)
def label_role(text: str) -> Optional[str]:
    """The column role of a text that is nothing but a column label ("Naam", "Vervaltermijn:")."""
    label = text.strip().rstrip(":").strip()
    if not label or len(label) > 30:
        return None
    patterns = vocabulary().table_columns
    for role in ("lifetime", "category", "name", "vendor", "purpose", "kind", "party", "other"):
        match = patterns[role].match(label)
        if match and match.end() == len(label):
            return role
    lead = re.match(r"cookie[-\s]?(?=\w)|max(?:imale?|imum|\.)?\s+(?=\w)", label, re.IGNORECASE)
    if lead:  # "Cookie looptijd", "Cookie-doel", "Max. opslagduur": the label of a cookie's field
        return label_role(label[lead.end():])
    if label.endswith("?"):  # "Wat doet deze cookie?"
        return label_role(label[:-1])
    tail = re.search(r"\s+(?:van\s+(?:de|het)\s+|of\s+the\s+)?cookies?$", label, re.IGNORECASE)
    if tail and tail.start() > 0:  # "Looptijd cookie", "Bewaartermijn van de cookie" (never "Functionele cookies")
        role = label_role(label[:tail.start()])
        return role if role in ("lifetime", "purpose", "vendor") else None
    return None


@functools.lru_cache(maxsize=1)
def _header_words() -> list[tuple[str, str]]:
    """(header word without spaces, lowercased; its role), longest first."""
    words = []
    for role, entries in vocabulary().raw["table_columns"].items():
        for entry in entries:
            if "*" in entry or "[" in entry:
                continue
            words.append((entry.replace(" ", "").lower(), role))
    return sorted(set(words), key=lambda w: -len(w[0]))


def find_header(line: str) -> Optional[list[str]]:
    """The header cells when ``line`` is only column words (run together or space-separated):
    one name column, a lifetime or purpose column, three columns or more."""
    stripped = line.strip().strip("|").strip()
    if not 8 <= len(stripped) <= 160 or "\t" in stripped or "|" in stripped:
        return None
    if " " in stripped and not re.search(r"[a-z][A-Z]", stripped) \
            and sum(word.lower().strip("?") not in _header_parts() for word in stripped.split()) > 1:
        return None  # a space-separated header is made of column words only (cheap test first)
    squeezed = re.sub(r"\s+", "", stripped).replace("?", "")
    if not squeezed.isalpha() and not re.fullmatch(r"[\w\-/()]+", squeezed):
        return None
    lower = squeezed.lower()
    source = re.sub(r"\s+", "", stripped)
    spaced = " " in stripped and not re.search(r"[a-z][A-Z]", stripped)
    # where a cell may end: at a space when the header is space-separated, anywhere when not
    ends: set[int] = set()
    count = 0
    for char in stripped.replace("?", ""):
        if char.isspace():
            ends.add(count)
        else:
            count += 1
    ends.add(len(lower))
    segmentation = _segment(lower, 0, frozenset(ends) if spaced else None)
    if segmentation is None and spaced:
        # one word no column list knows ("Name Purpose Store Expires"): a column of its own
        segmentation = _segment(lower, 0, frozenset(ends), unknown=1)
    if segmentation is None and not spaced:
        return _phrase_header(stripped)
    if segmentation is None:
        return None
    cells = [_original(stripped, source, a, b) for a, b, _ in segmentation]
    roles = [role for _, _, role in segmentation]
    return cells if _header_roles_ok(roles) else None


def _header_roles_ok(roles: list) -> bool:
    """A table header has three columns or more, one name column, and a lifetime, purpose or
    party column."""
    if len(roles) < 3 or roles.count("name") != 1:
        return False
    return "lifetime" in roles or "purpose" in roles or "party" in roles


def _phrase_header(stripped: str) -> Optional[list[str]]:
    """A run-together header whose cells are phrases with words no column list has
    ("CookienaamStandaard vervaltijdBeschrijving"): cells begin at a capital after a
    lower-case letter; a phrase takes the role of the column word it holds."""
    cells = [c.strip() for c in re.split(r"(?<=[a-z])(?=[A-Z])", stripped) if c.strip()]
    roles = [column_role(cell) or inner_role(cell) for cell in cells]
    return cells if None not in roles and _header_roles_ok(roles) else None


def inner_role(phrase: str) -> Optional[str]:
    """The role of the longest run of words in a phrase that is a column word ("Standaard
    vervaltijd" -> lifetime); None when no run is one."""
    words = phrase.split()
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            role = label_role(" ".join(words[start:start + size]))
            if role is not None:
                return role
    return None


@functools.lru_cache(maxsize=1)
def _header_parts() -> frozenset[str]:
    """Every word of every column word, lower-cased, and the run-together forms of multi-word
    ones ("Cookie nameExpiration dateGoalContents" has 'nameexpiration')."""
    parts = set()
    for entries in vocabulary().raw["table_columns"].values():
        for entry in entries:
            parts.update(str(entry).lower().rstrip("?").split())
    return frozenset(parts)


def _segment(lower: str, position: int, ends, depth: int = 0, unknown: int = 0):
    """Header words covering lower[position:], longest first, backtracking; cells end only at
    ``ends`` when given; up to ``unknown`` single words may be columns no list knows ('other').
    A list of (start, end, role), or None."""
    if position == len(lower):
        return []
    if depth > 12:
        return None
    for word, role in _header_words():
        end = position + len(word)
        if lower.startswith(word, position) and (ends is None or end in ends):
            rest = _segment(lower, end, ends, depth + 1, unknown)
            if rest is not None:
                return [(position, end, role), *rest]
    if unknown and ends is not None:
        end = min(e for e in ends if e > position)
        if lower[position:end].isalpha() and position > 0:
            rest = _segment(lower, end, ends, depth + 1, unknown - 1)
            if rest is not None:
                return [(position, end, "other"), *rest]
    return None


def _original(stripped: str, squeezed: str, start: int, end: int) -> str:
    """The header cell as written (with its spaces), from its place in the squeezed header."""
    count = 0
    out_start = out_end = None
    for index, char in enumerate(stripped):
        if char.isspace():
            continue
        if count == start and out_start is None:
            out_start = index
        count += 1
        if count == end:
            out_end = index + 1
            break
    return stripped[out_start:out_end] if out_start is not None and out_end else squeezed[start:end]


def header_cell(line: str) -> Optional[str]:
    """The column role when a whole line is one header cell ("Cookie", "Vervaltermijn |")."""
    text = line.strip().strip("|").strip()
    if not text or len(text) > 40:
        return None
    return label_role(text) or label_role(text.rstrip("?").strip())


def _known_name_end(text: str) -> int:
    """Length of the longest rule-set cookie name that starts ``text`` and ends at a cell boundary."""
    from .vendors import known_cookie

    limit = min(len(text), 60)
    for end in range(limit, 1, -1):
        following = text[end:end + 1]
        if following and (following.islower() or following in "_-") and not text.startswith("www.", end) \
                and not _GLUED_DOMAIN.match(text, end):
            continue
        found = known_cookie(text[:end])
        if found and found[1] == "exact":
            return end
    # a rule's exact name scoped to the vendor's domain ("NID" + "Google...", "IDE" + "doubleclick.net")
    for end in range(limit, 1, -1):
        following = text[end:end + 1]
        if not following or not (following.isupper() or (following.islower() and _GLUED_DOMAIN.match(text, end))):
            continue
        if known_cookie(text[:end], exact_only=True):
            return end
    return 0


def _vendor_end(text: str, start: int) -> int:
    """Where a provider cell that starts at ``start`` ends (0 when none is recognised)."""
    from .vendors import find_vendor

    rest = text[start:]
    domain = _DOMAIN.match(rest)
    if domain:
        return start + domain.end()
    words = list(re.finditer(r"[A-Za-z0-9][\w&.'-]*?(?=[A-Z][a-z]|(?<=[A-Za-z])\d|\s|$)|\s+", rest[:80]))
    # try the longest run of words that names a rule-set vendor
    boundaries = [m.end() for m in words if not m.group(0).isspace()]
    # a provider cell ends where the row's duration begins ("Google 13 months …")
    duration = vocabulary().duration.search(rest, 1, 80)
    if duration is not None:
        boundaries = [end for end in boundaries if end <= duration.start()]
    for end in sorted(boundaries, reverse=True):
        if find_vendor(rest[:end]) is not None:
            return start + end
    if re.match(r"[A-Z]\w*(?: [A-Z]\w*)+ [a-z]", rest):
        # space-separated cells: "Gemeente Zuiderveen Onthoudt uw sessie": the capitalised
        # words but the last (which starts the description) are the provider
        run = re.match(r"[A-Z]\w*(?: [A-Z]\w*)+", rest)
        return start + run.group(0).rfind(" ")
    first = _CAPITALISED_WORD.match(rest) or re.match(r"[A-Z][a-z]+", rest)
    return start + first.end() if first else 0


def _names_vendor(text: str, start: int) -> bool:
    """Whether a rule-set vendor's name starts at ``start``."""
    from .vendors import find_vendor

    for match in re.finditer(r"(?=[A-Z\d\s]|$)", text[start + 1:start + 60]):  # "CookieYes11 months"
        if find_vendor(text[start:start + 1 + match.start()]) is not None:
            return True
    return False


def _purpose_start(text: str, start: int) -> int:
    """The first capitalised word after ``start`` that is followed by a space: the description."""
    for match in _CAPITALISED_WORD.finditer(text, start):
        return match.start()
    return len(text)


def split_row(line: str, header: list[str], context=None) -> tuple[str, ...]:
    """Cells of one row in header order, or () when it does not hold a name."""
    from .rows import split_cells

    return split_cells(line, header, context)[0]


def is_row(line: str, header: list[str], context=None) -> bool:
    """Whether a line reads as a row of the table ``header`` announced: it splits into cells
    and its name cell holds names a table row can have."""
    from .rows import column_kinds

    cells = split_row(line, header, context)
    if not cells:
        return False
    name = cells[column_kinds(header).index("name")]
    return table_names_ok(name)


_MULTIPLICITY = re.compile(r"\s*\[x\d+\](?=\s*(?:[,;]|$))")  # Cookiebot's "__cf_bm [x2]": set on two domains


def table_names_ok(cell: str) -> bool:
    """Whether a name cell holds cookie names: shaped like names, known to the rule set, or
    plain lower-case words (a short name such as "lang" is a name by its place in a row);
    never a column or category word, never a capitalised plain word ("Remembers")."""
    from .names import LIGATURES, _shape, close_placeholders, is_name_word
    from .vendors import known_cookie

    cell = _MULTIPLICITY.sub("", close_placeholders(cell).translate(LIGATURES))
    tokens = [t.strip("`'\"‘’“”") for t in re.split(r"\s*,\s*|\s*;\s*|\s+(?:and|en|&|or|of|/)\s+", cell.strip()) if t.strip()]
    if not tokens:
        return False
    for token in tokens:
        if " " in token or not is_name_word(token):
            return False
        if label_role(token) is not None or token.lower() in _not_names():
            return False
        if not (_shape(token) or token.islower() or token.isupper() or known_cookie(token) is not None):
            return False
    return True


@functools.lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    """Words that stand in name columns of tables but are no names: category and lifetime words."""
    v = vocabulary()
    words = set()
    for key in ("session_words", "persistent_words", "unclassified_headings", "no_lifetime_words", "never_expires_words",
                "party_values", "answer_values"):
        words.update(str(w).lower().rstrip("*") for w in v.raw[key] if " " not in str(w))
    for purpose_words in v.raw["purpose_words"].values():
        words.update(str(w).lower().rstrip("*") for w in purpose_words if " " not in str(w))
    return frozenset(words)
