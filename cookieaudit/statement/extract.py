"""Declared cookies and services out of a document's cookie sections.

A *unit* is what one declaration is read from: a table row, a list item, or in prose a
sentence with cookie names plus the sentences after it that add to it. The unit is the
evidence; vendor, purpose and lifetime are read from it (a section heading such as
"Analytische cookies" supplies the purpose when the unit does not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .attributes import purpose_of, read_lifetime
from .document import Block, Document
from .model import DeclaredCookie, DeclaredService, Evidence, Position
from .names import NameHit, find_names
from .runtogether import column_role
from .sections import CookieSection, Sentence, mentions_cookies, sentences
from .vendors import VendorMatch, find_vendor, known_cookie, vendor_mentions
from .vocabulary import vocabulary

__all__ = ["Extraction", "evidence_for", "extract_items", "phrase_name"]

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
_LEAD_STOP = re.compile(r"[(:;.!?]|\s[-–—]\s|,\s")


@dataclass
class Extraction:
    """What was read from one document's cookie sections."""

    cookies: list[DeclaredCookie] = field(default_factory=list)
    services: list[DeclaredService] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def evidence_for(document: Document, start: int, end: int) -> Evidence:
    """Evidence for document.text[start:end], whitespace collapsed."""
    text = " ".join(document.text[start:end].split())
    if document.kind == "markdown" or document.kind == "text":
        text = text.replace("**", "").replace("`", "")
    return Evidence(
        text=text,
        source=document.source,
        position=Position(line=document.line_of(start), char_start=start, char_end=end),
    )


def phrase_name(phrase: str) -> str:
    """A service name from a phrase: straight quotes, fillers and leading articles removed."""
    v = vocabulary()
    phrase = phrase.translate(_QUOTES)
    phrase = v.phrase_fillers.sub(" ", phrase)
    words = phrase.split()
    while words and words[0].lower() in v.phrase_articles:
        words.pop(0)
    return " ".join(words).strip(" ,;:-")


def _blank_names(text: str, hits: list[NameHit]) -> str:
    chars = list(text)
    for hit in hits:
        for i in range(hit.start, min(hit.end, len(chars))):
            chars[i] = " "
    return "".join(chars)


def _lead_phrase(text: str, anywhere: bool = False) -> Optional[tuple[int, int]]:
    """(start, end) of X in "Cookies voor X:" at the start of ``text`` (or anywhere)."""
    v = vocabulary()
    for match in v.service_leads.finditer(text):
        if not anywhere and text[: match.start()].strip(" •-*–\t"):
            # at the start only, though an article may precede: "De cookies voor X"
            if text[: match.start()].strip().lower() not in {"de", "the", "onze", "our"}:
                return None
        stop = _LEAD_STOP.search(text, match.end())
        end = stop.start() if stop else len(text)
        start = match.end()
        while start < end and text[start].isspace():
            start += 1
        if end - start >= 2:
            return start, end
        return None
    return None


class _Reader:
    def __init__(self, document: Document):
        self.document = document
        self.v = vocabulary()
        self.result = Extraction()
        self.columns: dict[int, list[Optional[str]]] = {}

    # -- vendors --

    def _vendor(self, text: str, head: Optional[str], names: list[NameHit]) -> Optional[VendorMatch]:
        if head:
            match = find_vendor(head.strip())
            if match:
                return match
            found = vendor_mentions(head, self.v.bare_company_names)
            if found:
                return found[0][2]
        found = vendor_mentions(_blank_names(text, names), self.v.bare_company_names)
        if found:
            return found[0][2]
        return None

    # -- items --

    def add_cookies(self, names: list[NameHit], unit_text: str, start: int, end: int, purpose_context: Optional[str],
                    vendor: Optional[VendorMatch] = None, vendor_text: Optional[str] = None,
                    purpose: Optional[str] = None, lifetime_text: Optional[str] = None, lifetime_cell: bool = False) -> None:
        rest = _blank_names(unit_text, names)
        if purpose is None:
            purpose = purpose_of(rest) or purpose_context
        lifetime = read_lifetime(lifetime_text if lifetime_text is not None else rest, cell=lifetime_cell)
        self._unreadable(lifetime.unreadable, start)
        evidence = evidence_for(self.document, start, end)
        seen = set()
        for hit in names:
            if (hit.pattern, hit.match) in seen:
                continue
            seen.add((hit.pattern, hit.match))
            name_vendor, name_vendor_id = (vendor.name, vendor.vendor_id) if vendor else (vendor_text, None)
            if name_vendor is None:
                known = known_cookie(hit.pattern)
                if known and known[2]:
                    name_vendor, name_vendor_id = known[2], known[3] or None
            self.result.cookies.append(DeclaredCookie(
                pattern=hit.pattern, match=hit.match, vendor=name_vendor or None, vendor_id=name_vendor_id,
                purpose=purpose, lifetime=lifetime.lifetime, max_age_days=lifetime.max_age_days,
                source=self.document.source, evidence=evidence,
            ))

    def add_service(self, name: str, vendor: Optional[VendorMatch], text: str, start: int, end: int,
                    purpose_context: Optional[str]) -> None:
        name = name.strip()
        if not name:
            return
        lifetime = read_lifetime(text)
        self._unreadable(lifetime.unreadable, start)
        self.result.services.append(DeclaredService(
            name=name, vendor=vendor.name if vendor else None, vendor_id=vendor.vendor_id if vendor else None,
            purpose=purpose_of(text) or purpose_context, lifetime=lifetime.lifetime,
            max_age_days=lifetime.max_age_days, source=self.document.source,
            evidence=evidence_for(self.document, start, end),
        ))

    def _unreadable(self, texts: list[str], start: int) -> None:
        for text in texts:
            self.result.warnings.append(
                f"duration not understood: {' '.join(text.split())[:120]!r} ({self.document.source}, line {self.document.line_of(start)})"
            )

    # -- blocks --

    def row(self, block: Block, purpose_context: Optional[str]) -> None:
        roles = self.columns.get(block.table) if block.table is not None else None
        if block.header or roles is None:
            candidate = [column_role(c) for c in block.cells]
            if "name" in candidate and sum(r is not None for r in candidate) >= 2:
                self.columns[block.table] = candidate
                return
            if roles is None:
                self.unit(block, block.text, block.start, block.end, purpose_context, code=block.code)
                return
        cell = {}
        for role, text in zip(roles, block.cells):
            if role and role not in cell:
                cell[role] = text
        name_text = re.sub(r"\([^)]*\)", lambda m: " " * len(m.group(0)), cell.get("name", ""))
        names = find_names(name_text, code=block.code, name_cell=True)
        if not names:
            return
        vendor_cell = cell.get("vendor", "").strip()
        vendor = find_vendor(vendor_cell) if vendor_cell else None
        if vendor is None and vendor_cell:
            found = vendor_mentions(vendor_cell, self.v.bare_company_names)
            vendor = found[0][2] if found else None
        purpose = None
        if cell.get("category"):
            purpose = purpose_of(cell["category"])
        if purpose is None:
            purpose = purpose_context
        if purpose is None:
            purpose = purpose_of(" ".join(cell.get(r, "") for r in ("purpose", "kind")))
        has_lifetime = "lifetime" in cell
        self.add_cookies(
            names, " ".join(block.cells), block.start, block.end, None, vendor=vendor,
            vendor_text=vendor_cell if vendor is None and vendor_cell and len(vendor_cell) <= 60 else None,
            purpose=purpose, lifetime_text=cell["lifetime"] if has_lifetime else None, lifetime_cell=has_lifetime,
        )

    def unit(self, block: Block, text: str, start: int, end: int, purpose_context: Optional[str],
             code: tuple[str, ...] = ()) -> None:
        """A list item or a prose unit: cookies when it names any, else perhaps a service."""
        names = find_names(text, code=code)
        if names:
            lead = _lead_phrase(text)
            head = text[lead[0]:lead[1]] if lead else None
            vendor = self._vendor(text, head, names)
            self.add_cookies(names, text, start, end, purpose_context, vendor=vendor)
            return
        self.service(block, text, start, end, purpose_context)

    def service(self, block: Block, text: str, start: int, end: int, purpose_context: Optional[str]) -> None:
        v = self.v
        if v.general_sentences.search(text):
            return
        lead = _lead_phrase(text)
        if lead:
            head = text[lead[0]:lead[1]]
            vendor = find_vendor(head) or next((m[2] for m in vendor_mentions(head, v.bare_company_names)), None)
            # "Cookies van deze website worden verwijderd" is no service: a lead at the start
            # names one when it is a list item's head, names a vendor or says a purpose
            if vendor or block.kind == "item" or purpose_of(head):
                name = vendor.name if vendor and phrase_name(head).casefold() == vendor.name.casefold() else phrase_name(head)
                self.add_service(name, vendor, text, start, end, purpose_context)
                return
        for sentence in _sentences_in(block, start, end):
            self.service_sentence(sentence, purpose_context)

    def service_sentence(self, sentence: Sentence, purpose_context: Optional[str]) -> None:
        v = self.v
        text = sentence.text
        if v.general_sentences.search(text):
            return
        mentions = vendor_mentions(text, v.bare_company_names)
        if mentions and (mentions_cookies(text) or v.use_verbs.search(text)):
            for mention_start, _, vendor in mentions:
                before = text[max(0, mention_start - 30):mention_start]
                if v.negation.search(before):
                    continue  # "wij gebruiken geen Google Analytics"
                self.add_service(vendor.name, vendor, text, sentence.start, sentence.end, purpose_context)
            return
        if not mentions_cookies(text):
            return
        lead = _lead_phrase(text, anywhere=True)
        if lead:
            phrase = text[lead[0]:lead[1]]
            if purpose_of(phrase) and not v.negation.search(text[: lead[0]]):
                self.add_service(phrase_name(phrase), None, text, sentence.start, sentence.end, purpose_context)


def _sentences_in(block: Block, start: int, end: int) -> list[Sentence]:
    return [s for s in sentences(block) if s.start >= start and s.end <= end]


def _prose_units(block: Block) -> list[tuple[int, int, bool]]:
    """(start, end, has_names) units of a paragraph: a sentence with names takes the
    following sentences that add no names, vendors or services of their own."""
    units: list[tuple[int, int, bool]] = []
    v = vocabulary()
    for sentence in sentences(block):
        has_names = bool(find_names(sentence.text, code=block.code))
        standalone = has_names or vendor_mentions(sentence.text, v.bare_company_names) or v.service_leads.search(sentence.text)
        if units and units[-1][2] and not standalone:
            units[-1] = (units[-1][0], sentence.end, True)
        else:
            units.append((sentence.start, sentence.end, has_names))
    return units


def extract_items(document: Document, sections: list[CookieSection]) -> Extraction:
    """Cookies and services declared in the cookie sections of one document."""
    reader = _Reader(document)
    for section in sections:
        context: list[tuple[int, Optional[str]]] = []
        for block in section.blocks:
            if block.kind == "heading":
                level = block.level or 7
                while context and context[-1][0] >= level:
                    context.pop()
                context.append((level, purpose_of(block.text)))
                continue
            purpose_context = next((p for _, p in reversed(context) if p), None)
            if block.kind == "row":
                reader.row(block, purpose_context)
            elif block.kind == "item":
                reader.unit(block, block.text, block.start, block.end, purpose_context, code=block.code)
            else:
                for start, end, _ in _prose_units(block):
                    offset = start - block.start
                    reader.unit(block, block.text[offset:end - block.start], start, end, purpose_context, code=block.code)
    return reader.result
