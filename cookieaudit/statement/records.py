"""Cookie records that are not tables: the name first, then what is said about it.

- a name (or "A and B") alone on a line or as a heading, followed by its lines: labelled
  ("- Purpose: …", "Bewaartermijn: 1 jaar") or not (a description, then "Expires when you
  close the browser");
- label/value records written inline: "Naam: _ga Vervaltermijn: 2 jaar Doel: …", several
  in one paragraph;
- a name first and its fields after spaced dashes, one record a line: "cart – keeps your
  basket – 2 weeks", "_a / _b – … – 2 weeks each" (a shop platform's cookie list);
- label/value records one pair per block: consent platforms' cookie blocks ("Naam: _ga" /
  "Aanbieder: Google" / "Vervaltermijn: 2 jaar" as paragraphs or list items), definition lists
  of labels (<dt>Naam</dt><dd>_ga</dd>…) and two-column key/value tables (a row "Naam | _ga").

Each record becomes the cells of one row, read like a table row.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional

from .cells import lifetime_line
from .document import Block
from .runtogether import label_role, table_names_ok
from .vocabulary import vocabulary
from .vendors import find_vendor

__all__ = ["Record", "dash_record", "inline_records", "label_lines", "name_record"]

MAX_RECORD_BLOCKS = 6
_LABELLED = re.compile(r"^\s*[-–•*]?\s*([^:\n]{1,40}?)\s*:\s*(.*)$", re.DOTALL)


@dataclass
class Record:
    """One record: cells by role, the text it was read from, its span, the next block index."""

    cells: dict[str, str]
    text: str
    start: int
    end: int
    code: tuple[str, ...] = ()
    next_index: int = 0


def _labelled(text: str) -> Optional[tuple[str, str]]:
    match = _LABELLED.match(text)
    if not match:
        return None
    role = label_role(match.group(1))
    return (role, match.group(2).strip()) if role else None


def _is_name_line(block: Block) -> bool:
    text = block.text.strip().rstrip(":")
    if block.kind == "row" or not text or len(text) > 100 or text.count(" ") > 6:
        return False
    return table_names_ok(text)


def _ends_record(block: Block, head: Block) -> bool:
    from .extract import heading_purpose
    from .sections import _is_cookie_heading

    if block.kind == "row" or _is_name_line(block):
        return True
    if block.kind == "heading":
        if block.level and (not head.level or block.level <= head.level):
            return True
        if heading_purpose(block.text) is not None or _is_cookie_heading(block.text):
            return True
    return False


_COOKIE_WORD = re.compile(r"cookie|tracker|opgeslagen|stored|bewaard|browser", re.IGNORECASE)


def _cookie_like(text: str) -> bool:
    """Names that are cookies by their shape or by the rule set, not only by standing alone."""
    from .names import _shape
    from .vendors import known_cookie

    tokens = [t for t in re.split(r"[\s,;]+", text) if t and t.lower() not in ("en", "and", "of", "or")]
    return any(_shape(t) == "strong" or known_cookie(t) is not None for t in tokens)


def name_record(blocks: list[Block], index: int) -> Optional[Record]:
    """A record headed by blocks[index] when that block is only a cookie name (or names)."""
    from .names import find_names

    head = blocks[index]
    if not _is_name_line(head):
        return None
    cells: dict[str, str] = {"name": head.text.strip().rstrip(":")}
    loose: list[str] = []
    end = head.end
    code = list(head.code)
    j = index + 1
    while j < len(blocks) and j - index <= MAX_RECORD_BLOCKS:
        block = blocks[j]
        if _ends_record(block, head):
            break
        labelled = _labelled(block.text)
        if labelled:
            role, value = labelled
            if role == "name":
                break
            cells.setdefault(role, value)
        elif find_names(block.text, code=block.code):
            break  # prose about other cookies
        elif " ".join(block.text.lower().replace("_", " ").split()) in vocabulary().non_cookie_types \
                and not any(_COOKIE_TYPE.fullmatch(t) for t in loose):
            # a type cell of its own ("localstorage", "Pixel"), unless the record already had a
            # "Cookie" type cell (then the record ran on into the next item)
            cells.setdefault("kind", block.text.strip())
        else:
            loose.append(block.text.strip())
        end = block.end
        code.extend(block.code)
        j += 1
    if j == index + 1:
        return None
    if "lifetime" not in cells and not any(lifetime_line(t) or _says_lifetime(t) for t in loose) and len(cells) < 2:
        return None
    if len(cells) == 1 and not _cookie_like(cells["name"]) and not any(_COOKIE_WORD.search(t) or lifetime_line(t) for t in loose):
        # a capitalised heading over prose that never speaks of cookies and has no lifetime
        # cell of its own ("CCTV" / "Recordings are overwritten after 30 days")
        return None
    if loose:
        cells["purpose"] = " ".join(filter(None, (cells.get("purpose"), *loose)))
    text = " ".join(filter(None, (cells["name"], *(v for k, v in cells.items() if k != "name"))))
    return Record(cells=cells, text=text, start=head.start, end=end, code=tuple(code), next_index=j)


_COOKIE_TYPE = re.compile(r"(?:http\s+)?cookie|http", re.IGNORECASE)
_DASH = re.compile(r"\s+[–—-]\s+")
# a vendor named at the start of a field, before the description: "Klaviyo; connects your visit …"
_FIELD_VENDOR = re.compile(r"([^;:,.]{1,40})[;:,]\s")


def dash_record(text: str) -> Optional[dict[str, str]]:
    """The cells of a line that is a name (or "A / B", "A, B") and its fields after spaced
    dashes, one of them wholly a lifetime: "cart – keeps your basket – 2 weeks". The other
    fields are the description; one that starts with a vendor's name and a semicolon names
    the vendor. None for anything else (prose with a dash keeps being read as prose)."""
    if len(text) > 400:
        return None
    dashes = list(_DASH.finditer(text)) if "–" in text or "—" in text or " - " in text else []
    if not dashes:
        return _colon_record(text)
    head = text[:dashes[0].start()].strip()
    bounds = [d.end() for d in dashes]
    ends = [d.start() for d in dashes[1:]] + [len(text)]
    fields = [text[a:b].strip() for a, b in zip(bounds, ends)]
    # "moove_gdpr_popup (1 year)", "_a (1 year) and _b (30 minutes)": the lifetime beside the name
    parens = list(re.finditer(r"\s*\(([^()]{1,60})\)", head))
    if parens:
        if not all(lifetime_line(p.group(1)) for p in parens):
            return None
        names = [n for n in re.split(r"\s*\([^()]{1,60}\)\s*(?:,|and|en|&)?\s*", head) if n.strip()]
        if not names or not all(_names_ok(n) for n in names) or len(parens) not in (1, len(names)):
            return None
        written = [p.group(1).strip() for p in parens]
        if len(parens) == 1:
            # "_a and _b (13 months and 30 minutes)": as many durations as names, in order
            names, written = _respective(names[0], written[0])
        cells = {"name": "\n".join(names), "lifetime": "\n".join(written)}
        others = fields
    else:
        if not head or not all(_names_ok(part) for part in re.split(r"\s+/\s+", head)):
            return None
        lifetimes = [f for f in fields if lifetime_line(f)]
        if len(lifetimes) != 1:
            return None
        cells = {"name": head, "lifetime": lifetimes[0]}
        others = [f for f in fields if f is not lifetimes[0]]
    if others:
        vendor = _field_vendor(others[0])
        if vendor:
            cells["vendor"] = vendor
        cells["purpose"] = " ".join(others)
    return cells


def _colon_record(text: str) -> Optional[dict[str, str]]:
    """ "_pk_id: Matomo, 13 maanden, onderscheidt bezoekers": a name, a colon, then fields
    after commas, one of them wholly a lifetime (the first names a vendor where it is one)."""
    head, colon, rest = text.partition(": ")
    if not colon or not _names_ok(head) or len(head) > 80 or "," not in rest:
        return None
    fields = [f.strip() for f in rest.split(",") if f.strip()]
    lifetimes = [f for f in fields if lifetime_line(f.rstrip("."))]
    if len(lifetimes) != 1:
        return None
    cells = {"name": head.strip(), "lifetime": lifetimes[0].rstrip(".")}
    others = [f for f in fields if f is not lifetimes[0]]
    if others and find_vendor(others[0]) is not None and _key(find_vendor(others[0]).name) == _key(others[0]):
        cells["vendor"] = others.pop(0)
    if others:
        cells["purpose"] = ", ".join(others)
    return cells


def _field_vendor(field: str) -> Optional[str]:
    """The vendor a description names first: before a semicolon or colon ("Hotjar: keeps …",
    "Klaviyo; connects …"), or as its first capitalised words ("Stripe device identifier …")."""
    lead = _FIELD_VENDOR.match(field)
    if lead and find_vendor(lead.group(1).strip()) is not None:
        return lead.group(1).strip()
    words = field.split()[:3]
    for size in range(len(words), 0, -1):
        phrase = " ".join(words[:size]).rstrip(".,;:")
        if not all(w[:1].isupper() for w in phrase.split()):
            continue
        found = find_vendor(phrase)
        if found is not None and _key(found.name) == _key(phrase):
            return phrase
    return None


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _respective(names: str, lifetime: str) -> tuple[list[str], list[str]]:
    """Names and durations one per line when a list of names has as many durations, else as given."""
    from .extract import _PARTS, cell_names

    tokens = [hit.token for hit in cell_names(names)]
    parts = [part for part in _PARTS.split(lifetime) if part.strip()]
    if len(tokens) >= 2 and len(parts) == len(tokens) and all(lifetime_line(part) for part in parts):
        return tokens, parts
    return [names], [lifetime]


def _names_ok(text: str) -> bool:
    """Names that start a record line: names a table cell may hold, or one letter ("m")."""
    text = text.strip()
    return table_names_ok(text) or len(text) == 1 and text.isalpha()


def _says_lifetime(text: str) -> bool:
    from .attributes import read_lifetime

    return read_lifetime(text).lifetime is not None


@functools.lru_cache(maxsize=1)
def _label_regex() -> re.Pattern:
    words = sorted({str(w) for role, entries in vocabulary().raw["table_columns"].items() if role != "other"
                    for w in entries if "*" not in str(w)}, key=len, reverse=True)
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<![\w-])({body})\s*:\s*", re.IGNORECASE)


def inline_records(block: Block) -> list[Record]:
    """Label/value records written inline in one block ("Naam: _ga Vervaltermijn: 2 jaar …")."""
    text = block.text
    if ":" not in text:
        return []
    labels = [(m.start(), m.end(), label_role(m.group(1))) for m in _label_regex().finditer(text)]
    labels = [entry for entry in labels if entry[2]]
    if sum(1 for entry in labels if entry[2] == "name") == 0 or len(labels) < 2:
        return []
    records: list[Record] = []
    current: Optional[dict] = None
    for number, (start, value_start, role) in enumerate(labels):
        value_end = labels[number + 1][0] if number + 1 < len(labels) else len(text)
        value = text[value_start:value_end].strip(" ;,|")
        if role == "name":
            if current is not None:
                records.append(_finish(block, current))
            current = {"cells": {}, "start": start, "end": value_end}
        if current is None:
            continue
        current["cells"].setdefault(role, value)
        current["end"] = value_end
    if current is not None:
        records.append(_finish(block, current))
    return [r for r in records if "name" in r.cells and len(r.cells) >= 2]


def _finish(block: Block, current: dict) -> Record:
    start = block.start + current["start"]
    end = block.start + current["end"]
    while end > start and block.text[end - block.start - 1].isspace():
        end -= 1
    cells = current["cells"]
    text = " ".join(cells.values())
    return Record(cells=cells, text=text, start=start, end=end, code=block.code)


def _pair(block: Block) -> Optional[tuple[str, str]]:
    """(role, value) when a block is one label and its value: "Naam: _ga", a definition list
    entry or a two-cell row whose first cell is a column label."""
    if len(block.cells) == 2 and block.kind in ("row", "item"):
        label, value = block.cells
        role = label_role(label)
    elif block.kind in ("paragraph", "item"):
        found = _labelled(block.text)
        if found is None:
            return None
        role, value = found
    else:
        return None
    if role is None:
        return None
    return role, " ".join(value.split())


def label_lines(blocks: list[Block], index: int) -> Optional[Record]:
    """A record of label/value pairs one per block, starting at blocks[index] with the name's
    pair and running while the blocks are pairs of other labels."""
    first = _pair(blocks[index])
    if first is None or first[0] != "name" or not first[1] or label_role(first[1]) is not None:
        return None  # "Naam | Doel" is a table's header row, not a record
    if blocks[index].kind != "row" and inline_records(blocks[index]):
        return None  # "Cookie name: x. Expires: 6 months. Purpose: …": a whole record inline
    cells: dict[str, str] = {"name": first[1]}
    code = list(blocks[index].code)
    end = blocks[index].end
    j = index + 1
    while j < len(blocks) and j - index <= 12:
        pair = _pair(blocks[j])
        if pair is not None and pair[0] == "name" and "name" in cells and not table_names_ok(cells["name"]) \
                and table_names_ok(pair[1]):
            # "Naam: WooCommerce" … "Cookie naam: woocommerce_cart_hash": the first name is the
            # service's ("Name: Table booking" too: its provider, if any, comes from its own field)
            service = cells.pop("name")
            if find_vendor(service) is not None:
                cells["vendor"] = service
            cells["name"] = pair[1]
            code.extend(blocks[j].code)
            end = blocks[j].end
            j += 1
            continue
        if pair is None and blocks[j].kind == "row" and len(blocks[j].cells) == 2 and (
                blocks[j].table is None or (len(blocks[j].cells[0].split()) <= 3 and not table_names_ok(blocks[j].cells[0]))):
            # a field of the record this reader has no use for ("Privacybeleid", "Host(s)"); in a
            # label/value table, any row whose first cell is no cookie name
            j += 1
            continue
        if pair is None or pair[0] == "name":
            break
        cells.setdefault(pair[0], pair[1])
        code.extend(blocks[j].code)
        end = blocks[j].end
        j += 1
    if len(cells) < 2:
        return None
    text = " ".join(filter(None, cells.values()))
    return Record(cells=cells, text=text, start=blocks[index].start, end=end, code=tuple(code), next_index=j)
