"""Text tables whose cells came out run together, as CMP-generated cookie declarations do
after copying or PDF extraction::

    NaamAanbiederDoelVervaltermijnType
    _gaGoogle AnalyticsRegistreert een uniek ID voor statistieken.2 jaarHTTP Cookie

A header line made only of column words announces the table; each following line is cut
back into cells from both ends: the storage type and the lifetime from the right, the
cookie name and the provider from the left, the description in between.
"""

from __future__ import annotations

import functools
import re
from typing import Optional

from .vocabulary import vocabulary

__all__ = ["column_role", "find_header", "is_row", "label_role", "split_row"]

_DOMAIN = re.compile(r"(?:www\.|\.)?(?:[a-z0-9-]+\.)+[a-z]{2,6}(?=[A-Z\s]|$)")
_CAPITALISED_WORD = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+(?=[\s,:;]|\.\s|\.$|$)")
_NAME_TOKEN = re.compile(r"[\w.\-*<>#\[\]{}$|]+")


def column_role(header_cell: str) -> Optional[str]:
    """What a table column holds, from its header cell: name, vendor, purpose, category, lifetime, kind."""
    text = header_cell.strip()
    if not text or len(text) > 40:
        return None
    patterns = vocabulary().table_columns
    roles = ("lifetime", "category", "name", "vendor", "purpose", "kind", "party")
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


def label_role(text: str) -> Optional[str]:
    """The column role of a text that is nothing but a column label ("Naam", "Vervaltermijn:")."""
    label = text.strip().rstrip(":").strip()
    if not label or len(label) > 30:
        return None
    patterns = vocabulary().table_columns
    for role in ("lifetime", "category", "name", "vendor", "purpose", "kind", "party"):
        match = patterns[role].match(label)
        if match and match.end() == len(label):
            return role
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
    """The header cells when ``line`` is only column words (run together or space-separated)."""
    stripped = line.strip()
    if not 8 <= len(stripped) <= 120 or "\t" in stripped or "|" in stripped:
        return None
    squeezed = re.sub(r"\s+", "", stripped)
    if not squeezed.isalpha() and not re.fullmatch(r"[\w\-]+", squeezed):
        return None
    lower = squeezed.lower()
    cells: list[str] = []
    roles: list[str] = []
    position = 0
    while position < len(lower):
        for word, role in _header_words():
            if lower.startswith(word, position):
                cells.append(squeezed[position:position + len(word)])
                roles.append(role)
                position += len(word)
                break
        else:
            return None
    if len(cells) < 3 or roles.count("name") != 1 or roles[0] != "name":
        return None
    if "lifetime" not in roles and "purpose" not in roles:
        return None
    if " " in stripped and not re.search(r"[a-z][A-Z]", stripped):
        # space-separated header words: every word must be one cell
        if len(stripped.split()) != len(cells):
            return None
    return cells


@functools.lru_cache(maxsize=1)
def _lifetime_tail() -> re.Pattern:
    v = vocabulary()
    units = "|".join(re.escape(u) for u in sorted(v.duration_units, key=len, reverse=True))
    numbers = "|".join(re.escape(w) for w in sorted(v.number_words, key=len, reverse=True) if len(w) > 2)
    duration = rf"(?:\d+(?:[.,]\d+)?|(?i:{numbers}))\s*(?i:{units})"
    words = r"(?i:sessie|session|persistent|permanent|onbepaald|onbekend|unknown|varies)"
    return re.compile(rf"(?:(?i:max\.?|maximaal|tot|up to)\s*)?(?:{duration}(?:\s*[–—-]\s*{duration})?|{words})\s*$")


def _known_name_end(text: str) -> int:
    """Length of the longest rule-set cookie name that starts ``text`` and ends at a cell boundary."""
    from .vendors import known_cookie

    limit = min(len(text), 60)
    for end in range(limit, 1, -1):
        following = text[end:end + 1]
        if following and (following.islower() or following in "_-") and not text.startswith("www.", end):
            continue
        found = known_cookie(text[:end])
        if found and found[1] == "exact":
            return end
    # a rule's exact name scoped to the vendor's domain ("NID" + "Google...")
    for end in range(limit, 1, -1):
        following = text[end:end + 1]
        if not following or not following.isupper():
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
    words = list(re.finditer(r"[A-Za-z0-9][\w&.'-]*?(?=[A-Z][a-z]|\s|$)|\s+", rest[:80]))
    # try the longest run of words that names a rule-set vendor
    boundaries = [m.end() for m in words if not m.group(0).isspace()]
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

    for match in re.finditer(r"(?=[A-Z\s]|$)", text[start + 1:start + 60]):
        if find_vendor(text[start:start + 1 + match.start()]) is not None:
            return True
    return False


def _purpose_start(text: str, start: int) -> int:
    """The first capitalised word after ``start`` that is followed by a space: the description."""
    for match in _CAPITALISED_WORD.finditer(text, start):
        return match.start()
    return len(text)


def split_row(line: str, header: list[str]) -> tuple[str, ...]:
    """Cells of one run-together row in header order, or () when it does not start with a name."""
    roles = [column_role(cell) or "other" for cell in header]
    rest = line.strip()
    cells = {role: "" for role in roles}
    if "kind" in roles:
        for storage in vocabulary().storage_types:
            if rest.endswith(storage):
                cells["kind"] = storage
                rest = rest[: -len(storage)].rstrip()
                break
    if "lifetime" in roles:
        tail = _lifetime_tail().search(rest)
        if tail:
            cells["lifetime"] = tail.group(0).strip()
            rest = rest[: tail.start()].rstrip()

    # the name: a known cookie name, else the first space-separated token, else up to the
    # first camel-case step that starts the provider or the description
    name_end = _known_name_end(rest)
    if not name_end:
        token = _NAME_TOKEN.match(rest)
        if not token:
            return ()
        if token.end() < len(rest) and rest[token.end()].isspace() and not re.search(r"[a-z][A-Z]", token.group(0)[1:]):
            name_end = token.end()
        else:
            head = rest[: token.end()]
            steps = [m.start() + 1 for m in re.finditer(r"[a-z0-9_)*#>\]}][A-Z]", head)]
            description = _purpose_start(rest, 1)
            www = head.find("www.")
            if "vendor" in roles and www > 0:
                name_end = www
            elif "vendor" in roles and steps:
                # the provider follows the name: a rule-set vendor at a camel-case step, else
                # the last step before the description begins
                name_end = next((s for s in steps if s < description and _names_vendor(rest, s)), 0)
                if not name_end:
                    candidates = [s for s in steps if s < description] or steps
                    name_end = candidates[-1]
            elif steps:
                name_end = next((s for s in steps if _CAPITALISED_WORD.match(rest, s)), steps[-1])
            else:
                name_end = token.end()
    cells["name"] = rest[:name_end].strip()
    position = name_end
    while position < len(rest) and rest[position].isspace():
        position += 1
    if "vendor" in roles:
        vendor_end = _vendor_end(rest, position)
        cells["vendor"] = rest[position:vendor_end].strip()
        position = vendor_end
    description = rest[position:].strip()
    for role in ("purpose", "category", "other"):
        if role in roles:
            cells[role] = description
            break
    if not cells["name"]:
        return ()
    return tuple(cells.get(role, "") for role in roles)


def is_row(line: str, header: list[str]) -> bool:
    """Whether a line reads as a row of the table ``header`` announced: it splits into cells,
    and its name has a cookie name's shape or the row ends in a lifetime."""
    from .names import find_names

    cells = split_row(line, header)
    if not cells:
        return False
    roles = [column_role(cell) or "other" for cell in header]
    values = dict(zip(roles, cells))
    if values.get("lifetime"):
        return True
    name = values.get("name", "")
    return bool(find_names(name)) or bool(name) and " " not in line.strip()
