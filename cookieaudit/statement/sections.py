"""Finding the cookie part of a statement: sections under cookie headings, minus general
explanations of what cookies are; sentences within blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cells import lifetime_line
from .document import Block, Document
from .vocabulary import vocabulary

__all__ = ["CookieSection", "Sentence", "find_cookie_sections", "sentences"]

_COOKIE_WORD = re.compile(r"cookie|tracker|vergelijkbare technieken|similar technologies", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'’”)]*\s+(?=[A-Z0-9À-Ý\"'‘“(•])|(?<=:)\s+(?=[A-Z])|\s*\n\s*\n\s*")
_ABBREVIATION = re.compile(r"(?:\b(?:bijv|bv|o\.a|m\.b\.v|i\.v\.m|e\.g|i\.e|etc|ca|max|min|nr|zgn|d\.w\.z|incl|excl)|\b[A-Za-z])\.$", re.IGNORECASE)


@dataclass
class Sentence:
    """A sentence inside a block, with offsets into the document text."""

    text: str
    start: int
    end: int
    block: Block


@dataclass
class CookieSection:
    """The blocks of one cookie section (general explanations left out)."""

    heading: str
    blocks: list[Block]


def sentences(block: Block) -> list[Sentence]:
    """The sentences of a block; a colon followed by a capital also ends one (memoised on the block)."""
    cached = block.__dict__.get("_sentences")
    if cached is None:
        cached = block.__dict__["_sentences"] = _split_sentences(block)
    return cached


def _split_sentences(block: Block) -> list[Sentence]:
    text = block.text
    out: list[Sentence] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        piece = text[start:match.start()]
        if _ABBREVIATION.search(piece):
            continue
        _append(out, block, start, match.start())
        start = match.end()
    _append(out, block, start, len(text))
    return out


def _append(out: list[Sentence], block: Block, start: int, end: int) -> None:
    text = block.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(text[start:end], block.start + start, block.start + end, block))


def mentions_cookies(text: str) -> bool:
    """Whether a text speaks of cookies or trackers at all."""
    return bool(_COOKIE_WORD.search(text))


def _is_cookie_heading(text: str) -> bool:
    return bool(vocabulary().cookie_headings.search(text))


def _is_general_heading(text: str) -> bool:
    return bool(vocabulary().general_headings.search(text))


def find_cookie_sections(document: Document) -> list[CookieSection]:
    """Cookie sections by headings; without cookie headings, the paragraphs and tables that
    declare cookies for this site; a cookie title makes the whole document one section."""
    blocks = document.blocks
    if document.title and _is_cookie_heading(document.title) and not _is_general_heading(document.title) and document.kind in ("html", "url"):
        first_heading = next((b for b in blocks if b.kind == "heading"), None)
        if first_heading is None or _is_cookie_heading(first_heading.text):
            return [CookieSection(document.title, _without_general(blocks))]

    headings = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    sections: list[CookieSection] = []
    index = 0
    while index < len(headings):
        position = headings[index]
        heading = blocks[position]
        if not _is_cookie_heading(heading.text):
            index += 1
            continue
        end_index = index + 1
        if heading.level > 0:
            # a leveled heading runs to the next heading of the same or a higher level
            while end_index < len(headings) and not (0 < blocks[headings[end_index]].level <= heading.level):
                end_index += 1
        else:
            # a plain-text heading runs on through following chunks that still speak of cookies
            while end_index < len(headings):
                nxt = blocks[headings[end_index]]
                body_end = headings[end_index + 1] if end_index + 1 < len(headings) else len(blocks)
                body = blocks[headings[end_index] + 1:body_end]
                if nxt.level > 0 or not (_is_cookie_heading(nxt.text) or _names_a_cookie(nxt.text) or lifetime_line(nxt.text)
                                         or _is_label(nxt.text)
                                         or not body or any(mentions_cookies(b.text) or _declares_names(b) for b in body)):
                    break
                end_index += 1
        stop = headings[end_index] if end_index < len(headings) else len(blocks)
        sections.append(CookieSection(heading.text.strip(), _without_general(blocks[position:stop])))
        index = end_index

    if sections:
        return [s for s in sections if s.blocks]
    return _fallback_section(document)


def _names_a_cookie(text: str) -> bool:
    """A heading that is only a cookie name ("ASP.NET_SessionId") goes on with the cookie section."""
    from .names import _shape
    from .runtogether import table_names_ok

    return table_names_ok(text.strip()) and any(_shape(t) for t in text.replace(",", " ").split())


def _declares_names(block: Block) -> bool:
    """A block that names cookies, or holds label records ("Naam: vuid Vervaltermijn: 2 jaar"),
    goes on with the section."""
    from .names import find_names
    from .records import inline_records

    return bool(find_names(block.text, code=block.code)) or bool(inline_records(block))


def _without_general(blocks: list[Block]) -> list[Block]:
    """Drops the chunks under general-explanation headings ("Wat zijn cookies?"); a deeper
    heading under one whose chunk names cookies ("Hoe kan ik cookies beheren?" > "Essentiële
    websitecookies" with its cookie tables) is a declaration again."""
    kept: list[Block] = []
    skipping_level = None
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            if skipping_level is not None and (block.level == 0 or block.level <= skipping_level):
                skipping_level = None
            elif skipping_level is not None and block.level > skipping_level and not _is_general_heading(block.text) \
                    and _chunk_declares(blocks, index):
                skipping_level = None
            if skipping_level is None and _is_general_heading(block.text):
                skipping_level = block.level
                continue
        if skipping_level is None:
            kept.append(block)
    return kept


def _chunk_declares(blocks: list[Block], index: int) -> bool:
    """Whether the blocks under the heading blocks[index] (to the next heading) name cookies."""
    for block in blocks[index + 1:]:
        if block.kind == "heading":
            return False
        if _declares_names(block) or (block.kind == "row" and len(block.cells) == 2 and _is_name_label(block.cells[0])):
            return True
    return False


def _is_name_label(text: str) -> bool:
    from .runtogether import label_role

    return label_role(text) == "name"


def _is_label(text: str) -> bool:
    """A record's field label standing alone ("Doel", "Vervalt"): the record goes on."""
    from .runtogether import label_role

    return label_role(text) is not None


def _fallback_section(document: Document) -> list[CookieSection]:
    """Without cookie headings: blocks that say this site uses cookies, and cookie tables."""
    v = vocabulary()
    picked: list[Block] = []
    tables_with_names: set[int] = set()
    for block in document.blocks:
        if block.kind == "row" and block.header and block.table is not None:
            from .runtogether import column_role

            if "name" in {column_role(c) for c in block.cells}:
                tables_with_names.add(block.table)
    from .extract import heading_purpose, heading_vendor
    from .records import name_record

    blocks = document.blocks
    in_record: set[int] = set()
    for index in range(len(blocks)):
        if index not in in_record and blocks[index].kind == "paragraph":
            record = name_record(blocks, index)
            if record is not None and "lifetime" in record.cells:
                in_record.update(range(index, record.next_index))
    for index, block in enumerate(blocks):
        if index in in_record:
            picked.append(block)
        elif block.kind == "heading" and in_record and (heading_purpose(block.text) or heading_vendor(block.text)):
            picked.append(block)  # a category or service heading over name-first records
        elif block.kind == "row" and block.table in tables_with_names:
            picked.append(block)
        elif block.kind in ("paragraph", "item") and mentions_cookies(block.text):
            if any(v.use_verbs.search(s.text) and mentions_cookies(s.text) and not v.general_sentences.search(s.text)
                   for s in sentences(block)):
                picked.append(block)
    return [CookieSection("", picked)] if picked else []
