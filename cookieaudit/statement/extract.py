"""Declared cookies and services out of a document's cookie sections.

A *unit* is what one declaration is read from: a table row, a list item, or in prose a
sentence with cookie names plus the sentences after it that add to it. The unit is the
evidence; vendor, purpose and lifetime are read from it (a section heading such as
"Analytische cookies" supplies the purpose when the unit does not).

CMP declarations also list browser storage that is not a cookie: rows whose type column says
HTML Local Storage, Session Storage, IndexedDB or Pixel Tracker are left out of the declared
cookies (the audit compares cookies; a statement that names such an entry without a type is
taken at its word). A category "Niet geclassificeerd" / "Others" declares no purpose.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from .attributes import Lifetime, purpose_hits, purpose_in_context, purpose_of, read_lifetime
from .cells import lifetime_line
from .columns import column_unit, table_roles, with_unit
from .document import Block, Document
from .model import DeclaredCookie, DeclaredService, Evidence, Position
from .names import NameHit, find_names, pattern_of
from .records import dash_record, inline_records, label_lines, name_record
from .runtogether import column_role, label_role, table_names_ok
from .sections import CookieSection, Sentence, mentions_cookies, sentences
from .vendors import (VendorMatch, company_key, company_names, company_of, find_vendor, known_cookie, rule_purpose,
                      same_company, vendor_mentions, vendor_of_name)
from .vocabulary import vocabulary

_DOMAIN_CELL = re.compile(r"(?:https?://)?\.?(?:[a-z0-9-]+\.)+[a-z]{2,12}/?", re.IGNORECASE)

__all__ = ["Extraction", "evidence_for", "extract_items", "phrase_name"]

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
_LEAD_STOP = re.compile(r"[(:;.!?]|\s[-–—]\s|,\s")
# A CMP category line: "Noodzakelijk (4)", "Statistics (12)".
CMP_CATEGORY = re.compile(r"[^\W\d][\w /&'-]{1,40}\s\(\d{1,3}\)")
# Separators between the names of one list in a name cell.
_CELL_SPLIT = re.compile(r"\s*(?:[,;\n]|\s(?:en|and|of|or|&)\s)\s*")
# Between two names of one list in prose: "A, B en C", "A and B".
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:(?:en|and|or|of)\s+)?|(?:en|and|or|of|&)\s+)")
_RELATIVE = re.compile(r"\s*(?:die|dat|welke|which|that|who)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[.;!?](?:\s|$)|,\s|:\s")
_RESPECTIVELY = re.compile(r"((?:[^.;:!?()]{1,30}?\s+(?:respectievelijk|respectively|resp\.)\s+)+[^.;!?()]{1,30}?)(?=[.;!?)]|$)", re.IGNORECASE)
_SENTENCE_STOP = re.compile(r"[.;!?](?:\s|$)")
_RESPECTIVELY_WORD = re.compile(r"\b(?:respectievelijk|respectively|resp\.)(?!\w)", re.IGNORECASE)
_PARTS = re.compile(r"\s*(?:,|;|/|\ben\b|\band\b|\bresp(?:ectively|\.)?)\s*")
_NOT_SETTING = re.compile(r"\s+(?:does not|doesn't|do not|will not|won't|never)\s+(?:set|place|use|store)|\s+(?:plaatst|gebruikt|zet)\s+geen", re.IGNORECASE)
UNCLASSIFIED = "unclassified"  # a heading that declares no purpose: stops an outer heading's purpose


@dataclass
class Extraction:
    """What was read from one document's cookie sections."""

    cookies: list[DeclaredCookie] = field(default_factory=list)
    services: list[DeclaredService] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    record_blocks: set[int] = field(default_factory=set)  # id() of blocks read as cookie records, not prose


def evidence_for(document: Document, start: int, end: int, section: Optional[str] = None) -> Evidence:
    """Evidence for document.text[start:end], whitespace collapsed, under the heading ``section``."""
    text = " ".join(document.text[start:end].split())
    if document.kind == "markdown" or document.kind == "text":
        text = text.replace("**", "").replace("`", "")
    return Evidence(
        text=text,
        source=document.source,
        position=Position(line=document.line_of(start), char_start=start, char_end=end),
        section=" ".join(section.split())[:200] if section and section.strip() else None,
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
        self.units: dict[int, Optional[str]] = {}  # the unit a table's lifetime header gives bare numbers
        self.groups: dict[int, str] = {}  # the service a table's grouping first column named last
        self.table_rows: dict[int, list[tuple[str, ...]]] = {}  # each table's data rows' cells
        for block in document.blocks:
            if block.kind == "row" and block.table is not None and not block.header:
                self.table_rows.setdefault(block.table, []).append(block.cells)
        # services read from a purpose phrase inside a sentence ("wij gebruiken cookies om de
        # website te laten werken"): a summary when cookies of that purpose are named
        self.summaries: list[DeclaredService] = []
        self.heading: Optional[str] = None  # the heading the current block stands under
        self.tables_read: set[int] = set()  # tables at least one cookie was read from

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
                    purpose: Optional[str] = None, lifetime_text: Optional[str] = None, lifetime_cell: bool = False,
                    name_vendors: Optional[dict] = None, vendor_context: Optional[VendorMatch] = None,
                    confidence: float = 1.0, structured: bool = False, own: Optional[dict] = None) -> None:
        rest = _blank_names(unit_text, names)
        if purpose is None:
            purpose = purpose_in_context(rest, purpose_context if purpose_context != UNCLASSIFIED else None) \
                or purpose_context
        unclassified = purpose == UNCLASSIFIED  # the statement says so: no purpose, not even the rule set's
        if unclassified:
            purpose = None
        own = dict(own or {})
        if lifetime_text is None and len({(h.pattern, h.match) for h in names}) > 1:
            own, rest = _own_lifetimes(unit_text, names, rest)
        lifetime = read_lifetime(lifetime_text if lifetime_text is not None else rest, cell=lifetime_cell)
        self._unreadable(lifetime.unreadable, start)
        evidence = evidence_for(self.document, start, end, self.heading)
        seen = set()
        for hit in names:
            key = (hit.pattern, hit.match)
            if key in seen:
                continue
            seen.add(key)
            if name_vendors and key in name_vendors:
                name_vendor, name_vendor_id = name_vendors[key]
            elif vendor:
                name_vendor, name_vendor_id = vendor.name, vendor.vendor_id
            else:
                name_vendor, name_vendor_id = vendor_text, None
            if name_vendor is None and vendor_context is not None:
                name_vendor, name_vendor_id = vendor_context.name, vendor_context.vendor_id
            if name_vendor is None:
                known = known_cookie(hit.pattern)
                if known and known[2]:
                    name_vendor, name_vendor_id = known[2], known[3] or None
            item_lifetime = own.get(key, lifetime)
            if item_lifetime.lifetime is None and self.result.cookies and _same_as_above(lifetime_text, unit_text):
                # "(same as above)": the lifetime of the item declared right before
                above = self.result.cookies[-1]
                item_lifetime = Lifetime(lifetime=above.lifetime, max_age_days=above.max_age_days)
            # a purpose the statement leaves unsaid: the rule set's for a name it knows
            # (a prefix or glob only where a rule for such a family covers it: "_hjSession_*")
            item_purpose = purpose if purpose is not None or unclassified else \
                rule_purpose(hit.pattern) if hit.match == "exact" or _family_rule(hit.pattern) else None
            self.result.cookies.append(DeclaredCookie(
                pattern=hit.pattern, match=hit.match, vendor=name_vendor or None, vendor_id=name_vendor_id,
                purpose=item_purpose, lifetime=item_lifetime.lifetime, max_age_days=item_lifetime.max_age_days,
                confidence=round(confidence, 2), source=self.document.source, evidence=evidence,
            ))
            self.result.cookies[-1]._structured = structured

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
            evidence=evidence_for(self.document, start, end, self.heading),
        ))

    def _unreadable(self, texts: list[str], start: int) -> None:
        for text in texts:
            self.result.warnings.append(
                f"duration not understood: {' '.join(text.split())[:120]!r} ({self.document.source}, line {self.document.line_of(start)})"
            )

    # -- blocks --

    def row(self, block: Block, purpose_context: Optional[str], vendor_context: Optional[VendorMatch] = None) -> None:
        roles = self.columns.get(block.table) if block.table is not None else None
        if block.header or roles is None:
            candidate = table_roles(block.cells, self.table_rows.get(block.table, ()))
            if "name" in candidate and sum(r is not None for r in candidate) >= 2:
                self.columns[block.table] = candidate
                self.units[block.table] = next((column_unit(text) for role, text in zip(candidate, block.cells)
                                                if role == "lifetime"), None)
                return
            if roles is None:
                self.unit(block, block.text, block.start, block.end, purpose_context, code=block.code)
                return
        filled = [text for text in block.cells if text.strip()]
        if len(filled) == 1 and len(block.cells) >= 2 and len(filled[0].split()) >= 3 and not table_names_ok(filled[0]):
            return  # a sentence across the table ("Geen cookies om weer te geven.", "No cookies to display.")
        cell = {}
        for role, text in zip(roles, block.cells):
            if role and role not in cell:
                cell[role] = with_unit(text, self.units.get(block.table)) if role == "lifetime" else text
        if roles and roles[0] == "vendor" and block.table is not None:
            # a first column grouping the rows by service: an empty cell is the service above
            # (a rowspan flattened into Markdown or text)
            if block.cells and block.cells[0].strip():
                self.groups[block.table] = block.cells[0]
            elif block.table in self.groups:
                cell["vendor"] = self.groups[block.table]
        before = len(self.result.cookies)
        self.record(cell, " ".join(block.cells), block.start, block.end, block.code, purpose_context, vendor_context,
                    confidence=block.confidence)
        if len(self.result.cookies) > before and block.table is not None:
            self.tables_read.add(block.table)

    def record(self, cell: dict[str, str], text: str, start: int, end: int, code: tuple[str, ...],
               purpose_context: Optional[str], vendor_context: Optional[VendorMatch], confidence: float = 1.0) -> None:
        """One cookie table row, or one label/value record ("Naam: _ga / Vervaltermijn: 13 maanden")."""
        if " ".join(cell.get("kind", "").lower().replace("_", " ").split()) in self.v.non_cookie_types:
            return  # local storage, pixels: not cookies (the audit compares cookies)
        if _kept_in_storage(cell.get("purpose", "")):
            return  # "Wordt opgeslagen in de local storage van uw browser": web storage, no cookie
        names = cell_names(cell.get("name", ""), code)
        if not names:
            return
        vendor_cell = " ".join(cell.get("vendor", "").split())
        vendor, name_vendors = self._cell_vendor(vendor_cell, names)
        purpose = None
        if cell.get("category"):
            # a category that names two purposes ("Tracking and performance"): the description
            # says which, else the rule set's purpose of the name
            described = purpose_of(cell.get("purpose", "")) or (rule_purpose(names[0].pattern) if names else None)
            purpose = purpose_in_context(cell["category"], described) if purpose_hits(cell["category"]) else None
            if purpose is None and heading_purpose(cell["category"]) == UNCLASSIFIED:
                purpose = UNCLASSIFIED
        if purpose is None:
            purpose = purpose_context
        if purpose is None:
            purpose = purpose_of(" ".join(cell.get(r, "") for r in ("purpose", "kind")))
        if not vendor_cell and vendor_context is None and cell.get("purpose"):
            # no provider column: a vendor the row's description names ("Google Analytics sets
            # this cookie …"), when it names exactly one; for a name the rule set gives another
            # product of the same company ("Facebook" for _fbp), that product
            named = {m[2].vendor_id: m[2] for m in vendor_mentions(cell["purpose"], self.v.bare_company_names)}
            if len(named) == 1:
                vendor_context = next(iter(named.values()))
                for hit in names:
                    known = vendor_of_name(hit.token, hit.pattern, hit.match)
                    if known is not None and same_company(known.vendor_id, vendor_context.vendor_id):
                        name_vendors[(hit.pattern, hit.match)] = (known.name, known.vendor_id)
        has_lifetime = "lifetime" in cell
        self.add_cookies(
            names, text, start, end, None, vendor=vendor,
            vendor_text=vendor_cell if vendor is None and vendor_cell and len(vendor_cell) <= 60 else None,
            purpose=purpose,
            lifetime_text=cell["lifetime"] if has_lifetime else None, lifetime_cell=has_lifetime,
            name_vendors=name_vendors, vendor_context=None if vendor_cell else vendor_context,
            confidence=confidence, structured=True,
            own=paired_lifetimes(cell["name"], cell["lifetime"], names) if has_lifetime else None,
        )

    def _company_products(self, text: str, names: list[NameHit]) -> dict:
        """For a unit that names a company and no product ("MUID (Microsoft, 1 year)"): the
        rule set's product of that company for each name it knows."""
        words = {w.casefold() for w in re.findall(r"[A-Z][\w-]+", _blank_names(text, names))}
        companies = words & self.v.bare_company_names
        if not companies:
            return {}
        found = {}
        for hit in names:
            known = vendor_of_name(hit.token, hit.pattern, hit.match)
            if known is not None and company_key(company_of(known.vendor_id) or "").split(" ")[0] in companies:
                found[(hit.pattern, hit.match)] = (known.name, known.vendor_id)
        return found

    def _cell_vendor(self, vendor_cell: str, names: list[NameHit]) -> tuple[Optional[VendorMatch], dict]:
        """The vendor a provider cell names; a domain or a bare company ("Google") stands for the
        rule set's vendor of each cookie name where it knows one."""
        if not vendor_cell:
            return None, {}
        vendor = None
        domain = bool(_DOMAIN_CELL.fullmatch(vendor_cell))
        if not domain:
            vendor = find_vendor(vendor_cell)
            if vendor is None:
                found = vendor_mentions(vendor_cell, self.v.bare_company_names)
                vendor = found[0][2] if found else None
        name_vendors = {}
        company = company_key(vendor_cell)
        # a cell that spells a vendor's own name or alias ("ReadSpeaker") keeps that spelling
        spelt = vendor is not None and _key(vendor.name) == _key(vendor_cell)
        if domain or company in self.v.bare_company_names or company in company_names() and not spelt:
            # a domain or a company ("Google LLC", "Meta Platforms, Inc.", "Twitter Inc. .twitter.com"):
            # the rule set's product of that company for each name it knows
            for hit in names:
                known = vendor_of_name(hit.token, hit.pattern, hit.match)
                if known is not None and not domain and company not in self.v.bare_company_names \
                        and company_key(company_of(known.vendor_id) or "") != company:
                    continue
                if known is not None:
                    name_vendors[(hit.pattern, hit.match)] = (known.name, known.vendor_id)
        return vendor, name_vendors

    def unit(self, block: Block, text: str, start: int, end: int, purpose_context: Optional[str],
             code: tuple[str, ...] = (), vendor_context: Optional[VendorMatch] = None) -> None:
        """A list item or a prose unit: cookies when it names any, else perhaps a service."""
        names = find_names(text, code=code)
        if block.kind == "item" and len(block.cells) == 2 and text == block.text and label_role(block.cells[0]) is None:
            # a definition list entry: the term names the cookies, the description tells about them
            term_names = cell_names(block.cells[0], code)
            if term_names:
                names = [NameHit(h.start, h.end, h.token, h.pattern, h.match) for h in term_names]
        names = [hit for hit in names if not _storage_key(text, hit)]
        if names:
            lead = _lead_phrase(text)
            head = text[lead[0]:lead[1]] if lead else None
            vendor = self._vendor(text, head, names)
            self.add_cookies(names, text, start, end, purpose_context, vendor=vendor, vendor_context=vendor_context,
                             name_vendors=None if vendor else self._company_products(text, names))
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
        unit_sentences = _sentences_in(block, start, end)
        for index, sentence in enumerate(unit_sentences):
            self.service_sentence(sentence, purpose_context, unit_sentences[index + 1:])

    def service_sentence(self, sentence: Sentence, purpose_context: Optional[str],
                         following: list[Sentence] = ()) -> None:
        v = self.v
        text = sentence.text
        if v.general_sentences.search(text):
            return
        mentions = vendor_mentions(text, v.bare_company_names)
        if mentions and (mentions_cookies(text) or v.use_verbs.search(text)):
            if purpose_of(text) is None:
                # "YouTube plaatst cookies als u een video bekijkt. Die gebruikt YouTube voor
                # advertenties.": the sentences after it that name no other vendor tell its purpose
                told = []
                for later in following:
                    if find_names(later.text) or any(m[2].vendor_id != mentions[0][2].vendor_id
                                                     for m in vendor_mentions(later.text, v.bare_company_names)):
                        break
                    told.append(later.text)
                purpose_context = purpose_of(" ".join(told)) or purpose_context
            negated = {vendor.vendor_id for start_, end_, vendor in mentions
                       if v.negation.search(text[max(0, start_ - 30):start_]) or _NOT_SETTING.match(text, end_)}
            for mention_start, mention_end, vendor in mentions:
                if vendor.vendor_id in negated:
                    continue  # "wij gebruiken geen Google Analytics", "so Vimeo does not set cookies"
                self.add_service(vendor.name, vendor, text, sentence.start, sentence.end, purpose_context)
            return
        if not mentions_cookies(text):
            return
        setter = v.setter_clause.search(text)
        if setter and not v.negation.search(text):
            name = setter.group(1)
            self.add_service(name, find_vendor(name), text, sentence.start, sentence.end, purpose_context)
            return
        lead = _lead_phrase(text, anywhere=True)
        if lead:
            phrase = text[lead[0]:lead[1]]
            if purpose_of(phrase) and not v.negation.search(text[: lead[0]]):
                self.add_service(phrase_name(phrase), None, text, sentence.start, sentence.end, purpose_context)
                self.summaries.append(self.result.services[-1])


_ITEM_LEAD = re.compile(r"\s*([^\s:–—]{1,60}?)\s*(?::|\s[-–—])\s")


def _positional_name(blocks: list[Block], index: int) -> Optional[str]:
    """A plain word that leads a list item as the items around it lead with cookie names
    ("- lang: remembers your language" between "- JSESSIONID: …" and "- _ga: …"): a name by
    its place, like a short name in a table's name column. None otherwise."""
    from .names import _shape, is_name_word

    lead = _ITEM_LEAD.match(blocks[index].text)
    if not lead or not lead.group(1).isalpha() or not lead.group(1).islower() or not is_name_word(lead.group(1)):
        return None
    for neighbour in (index - 1, index + 1):
        if 0 <= neighbour < len(blocks) and blocks[neighbour].kind == "item":
            other = _ITEM_LEAD.match(blocks[neighbour].text)
            if other and (_shape(other.group(1)) == "strong" or known_cookie(other.group(1)) is not None):
                return lead.group(1)
    return None


_CATEGORY_WORDS = re.compile(r"[^\W\d_][^\W_]*(?:[ /&-]+[^\W_]+)*(?:\s*\(\d{1,3}\))?")  # words only, "(3)"


def _category_over(block: Block, following: Optional[Block]) -> bool:
    """A short paragraph that only names a cookie category, right over a table or a list (an
    accordion's <summary>, a category title in a <div>): it heads them like a heading."""
    if block.kind != "paragraph" or following is None or following.kind not in ("row", "item"):
        return False
    text = block.text.strip()
    return len(text.split()) <= 5 and not re.search(r"[.:;!?]$", text) and heading_purpose(text) not in (None, UNCLASSIFIED)


def _category_row(block: Block) -> Optional[str]:
    """The purpose (or UNCLASSIFIED) of a table row that is only a category ("Functionele
    cookies", "Advertising", "Niet geclassificeerd" in one cell of a wider table); None for
    any other block."""
    if block.kind != "row" or len(block.cells) < 2:
        return None
    filled = [cell.strip() for cell in block.cells if cell.strip()]
    if len(filled) != 1 or len(filled[0]) > 60 or not _CATEGORY_WORDS.fullmatch(filled[0]):
        return None
    return heading_purpose(filled[0])


def _family_rule(pattern: str) -> bool:
    """Whether a rule for a family of names (a prefix or glob rule) covers this prefix."""
    known = known_cookie(pattern)
    return known is not None and known[1] != "exact"


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


def heading_purpose(text: str) -> Optional[str]:
    """The purpose a heading gives, or UNCLASSIFIED for "Niet geclassificeerd (2)", "Others"."""
    v = vocabulary()
    core = re.sub(r"\s*\(\d{1,3}\)\s*$", "", text.strip()).strip(" :")
    bare = re.sub(r"[\s-]*cookies?$", "", core, flags=re.IGNORECASE).strip()
    if bare and v.unclassified_headings.fullmatch(bare):
        return UNCLASSIFIED
    return purpose_of(core)


def heading_vendor(text: str) -> Optional[VendorMatch]:
    """The vendor a short heading names ("Google Analytics", "Matomo Analytics", "Shibboleth
    (SURFconext-inlog)", "Cookies van Hotjar"): one rule-set vendor, not a bare company name."""
    text = text.strip().rstrip(":")
    if not text or len(text) > 60 or text.casefold() in vocabulary().bare_company_names:
        return None
    title_words = vocabulary().raw["document_title_words"]
    if all(word in title_words for word in re.findall(r"[\w&]+", text.casefold())):
        return None  # "Cookie Notice": the statement's title, not the consent tool of that name
    core = re.sub(r"\s*\([^)]*\)", "", text).strip() or text
    vendor = find_vendor(core)
    if vendor is not None and _key(vendor.name) == _key(core):
        return vendor
    setter = re.search(r"\(\s*([^()]{2,40}?)\s*\)", text)
    if setter:
        # "Analytics cookies (set by Shopify)": a setter's column word, then one vendor's name
        words = setter.group(1).split()
        for cut in range(1, min(4, len(words))):
            if label_role(" ".join(words[:cut])) == "vendor":
                named = find_vendor(" ".join(words[cut:]))
                if named is not None and _key(named.name) == _key(" ".join(words[cut:])):
                    return named
    if len(core.split()) > 5:
        return None
    mentions = {m[2].vendor_id: m[2] for m in vendor_mentions(core, vocabulary().bare_company_names)}
    return next(iter(mentions.values())) if len(mentions) == 1 else None


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def cell_names(text: str, code: tuple[str, ...] = ()) -> list[NameHit]:
    """Names in a table's name cell: each listed piece without spaces is one name as written
    ("ytidb::LAST_RESULT_ENTRY_KEY", "_ga_#"); other pieces are searched for names."""
    from .names import close_placeholders, is_name_word

    text = re.sub(r"\([^)]*\)", lambda m: " " * len(m.group(0)), close_placeholders(text))
    label = re.match(r"\s*([^:\n]{1,30}):\s+", text)
    if label and label_role(label.group(1)) is not None:
        text = " " * label.end() + text[label.end():]  # a cell's own (visually hidden) label: "Cookie: .ASPXAUTH"
    hits: list[NameHit] = []
    position = 0
    for piece in _CELL_SPLIT.split(text):
        start = text.find(piece, position) if piece else position
        position = start + len(piece)
        token = piece.strip().strip("`'\"‘’“”").rstrip(".,:;")
        if not token:
            continue
        if not any(ch.isspace() for ch in token):
            # a name cell holds names only: one letter is a name there too (Stripe's "m", "C")
            if is_name_word(token) or len(token) == 1 and token.isalpha() and piece.strip() == token:
                pattern = pattern_of(token)
                if pattern is not None:
                    offset = start + piece.find(token) if token in piece else start
                    hits.append(NameHit(offset, offset + len(token), token, pattern[0], pattern[1]))
            continue
        for hit in find_names(piece, code=code, name_cell=True):
            hits.append(NameHit(hit.start + start, hit.end + start, hit.token, hit.pattern, hit.match))
    return hits


def _each_name_its_lifetime(clause: str, tokens: dict) -> list:
    """(key, lifetime, span) for names in one clause that each have a duration of their own
    between them and the next name; empty unless every name has one (a list of names
    sharing one duration is not split)."""
    starts = []
    for key, token in tokens.items():
        found = re.search(r"(?<![\w-])" + re.escape(token) + r"(?![\w-])", clause)
        if found:
            starts.append((found.start(), found.end(), key))
    starts.sort()
    out = []
    for index, (_, end, key) in enumerate(starts):
        stop = starts[index + 1][0] if index + 1 < len(starts) else len(clause)
        lifetime = read_lifetime(clause[end:stop])
        if not lifetime.lifetime:
            return []
        out.append((key, lifetime, (end, stop)))
    return out


def respective_lifetimes(written: str, count: int) -> Optional[list[Lifetime]]:
    """``count`` durations listed in order ("1 jaar en 30 minuten", "13 months, 30 minutes"),
    one per name; None when the text does not list exactly that many."""
    written = _RESPECTIVELY_WORD.sub(",", written)
    lifetimes = [read_lifetime(p) for p in _PARTS.split(written) if p.strip()]
    lifetimes = [lt for lt in lifetimes if lt.lifetime]
    return lifetimes if len(lifetimes) == count else None


def _same_as_above(lifetime_cell: Optional[str], unit_text: str) -> bool:
    """A lifetime cell that refers to the item above, or such a parenthesis in prose
    ("wordpress_sec_[hash] (same as above)")."""
    pattern = vocabulary().same_as_above
    if lifetime_cell is not None:
        return bool(pattern.fullmatch(lifetime_cell.strip().strip("()").rstrip(".").strip()))
    return any(pattern.fullmatch(inner.strip().rstrip(".")) for inner in re.findall(r"\(([^()]{1,40})\)", unit_text))


@functools.lru_cache(maxsize=1)
def _storage_before() -> re.Pattern:
    """A web-storage word right before a name: "… in your browser's local storage (uplc_transcript)",
    "… in de local storage van uw browser (sleutel dv_gelezen)"."""
    words = [t for t in vocabulary().non_cookie_types if re.search(r"storage|opslag|indexeddb", t)]
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    keys = "|".join(re.escape(w) for w in vocabulary().raw["storage_key_words"])
    return re.compile(rf"(?:{body})(?P<gap>(?:\s+[^\W\d_]+){{0,3}}(?:\W{{1,4}}(?:{keys}))?)\W{{0,4}}$", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _storage_place() -> re.Pattern:
    """ "in (the|de|your) local storage": a description that says where its entry is kept."""
    words = [t for t in vocabulary().non_cookie_types if re.search(r"storage|opslag|indexeddb", t)]
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:in|into|within)\s+(?:(?:the|de|het|your|uw|je|the browser's)\s+)?(?:{body})\b", re.IGNORECASE)


def _kept_in_storage(description: str) -> bool:
    """Whether a record's description says its entry is kept in web storage, not as a cookie."""
    return bool(description) and bool(_storage_place().search(description))


def _storage_key(text: str, hit: NameHit) -> bool:
    """Whether a name in prose is a web-storage key the sentence names as such ("… local
    storage (uplc_transcript)", "in de local storage van uw browser (ppms_webstorage)"), not a
    cookie; a cookie word between the two gives the name back to cookies."""
    match = _storage_before().search(text[max(0, hit.start - 60):hit.start])
    return bool(match) and not re.search(r"cookie", match.group("gap"), re.IGNORECASE)


def paired_lifetimes(name_cell: str, lifetime_cell: str, names: list[NameHit]) -> dict:
    """Lifetimes of a row that names several cookies, one per name, when the row pairs them: the
    lifetime cell says "respectievelijk"/"respectively", or both cells hold one line per name
    ("_ga<br>_gid" beside "2 jaar<br>24 uur"). Empty when the row gives one lifetime for all."""
    keys = list(dict.fromkeys((h.pattern, h.match) for h in sorted(names, key=lambda h: h.start)))
    if len(keys) < 2:
        return {}
    if _RESPECTIVELY_WORD.search(lifetime_cell):
        lifetimes = respective_lifetimes(lifetime_cell, len(keys))
        return dict(zip(keys, lifetimes)) if lifetimes else {}
    lines = [line for line in lifetime_cell.split("\n") if line.strip()]
    name_lines = [line for line in name_cell.split("\n") if line.strip()]
    parts = [part for part in re.split(r"\s+/\s+|\s*[,;]\s+|\s+(?:en|and|&)\s+", " ".join(lifetime_cell.split())) if part]
    if len(lines) == 1 and len(parts) == len(keys):
        # "_ga, _gid" beside "730 dagen / 1 dag" or "365 dagen en 30 minuten": as many
        # durations as names, in order (also where they could add up to one); a
        # session part ("Sessie / 1 dag") is the row's one "both" lifetime, not a pairing,
        # except in a comma list ("364 days, Session, Session" beside three names: a CMP's
        # cookie list gives every name its own)
        lifetimes = [read_lifetime(part, cell=True) for part in parts]
        comma_list = not re.search(r"\s/\s|\s(?:en|and|&)\s", lifetime_cell)
        if all((lt.max_age_days is not None or (comma_list and lt.lifetime == "session")) and lifetime_line(part)
               for lt, part in zip(lifetimes, parts)):
            return dict(zip(keys, lifetimes))
        return {}
    if not len(lines) == len(name_lines) == len(keys):
        return {}
    per_line = [cell_names(line) for line in name_lines]
    if any(len({(h.pattern, h.match) for h in hits}) != 1 for hits in per_line):
        return {}
    lifetimes = [read_lifetime(line, cell=True) for line in lines]
    if not all(lt.lifetime for lt in lifetimes):
        return {}
    return {(hits[0].pattern, hits[0].match): lt for hits, lt in zip(per_line, lifetimes)}


def _own_lifetimes(text: str, names: list[NameHit], rest: str) -> tuple[dict, str]:
    """Lifetimes that belong to one of several names in a prose unit, and ``rest`` with the
    text they were read from blanked out (what remains speaks for the other names).

    - a parenthesis right after a name: "_ga (expires after 2 years) and _gid (24 hours)";
    - a list of names followed by a parenthesis with as many durations: "_pk_id en _pk_ses
      van Matomo (13 maanden en 30 minuten)" pairs them in order;
    - a clause naming one of the names and a lifetime: "nmstat blijft 1000 dagen bewaard,
      siteimproveses vervalt aan het einde van uw bezoek".
    """
    own: dict[tuple[str, str], Lifetime] = {}
    used: list[tuple[int, int]] = []
    ordered = sorted(names, key=lambda h: h.start)
    for hit in ordered:
        match = re.match(r"\s*\(([^()]{1,80})\)", text[hit.end:])
        if match:
            lifetime = read_lifetime(match.group(1))
            if lifetime.lifetime:
                own.setdefault((hit.pattern, hit.match), lifetime)
                used.append((hit.end + match.start(1), hit.end + match.end(1)))
    # lists of names followed by a parenthesis of as many durations
    groups: list[list[NameHit]] = []
    for hit in ordered:
        if groups and _LIST_GAP.fullmatch(text[groups[-1][-1].end:hit.start]):
            groups[-1].append(hit)
        else:
            groups.append([hit])
    for group in groups:
        keys = list(dict.fromkeys((h.pattern, h.match) for h in group))
        if len(keys) >= 2 and keys[-1] in own and not any(k in own for k in keys[:-1]):
            # "_tt_enable_cookie, _ttp (13 mths)": the parenthesis after a list's last name is
            # the whole list's, one duration each when it gives as many
            paren = re.match(r"\s*\(([^()]{1,80})\)", text[group[-1].end:])
            if paren:
                lifetimes = respective_lifetimes(paren.group(1), len(keys))
                own.update(zip(keys, lifetimes) if lifetimes else ((k, own[keys[-1]]) for k in keys[:-1]))
                continue
        if len(keys) < 2 or any(k in own for k in keys):
            continue
        after = text[group[-1].end:group[-1].end + 60]
        match = re.match(r"[^().:;!?]{0,40}\(([^()]{1,80})\)", after)
        candidates = []
        if match:
            candidates.append((match.group(1), group[-1].end + match.start(1)))
        # "Looptijd: 13 maanden respectievelijk 30 minuten" later in the unit
        respectively = _RESPECTIVELY.search(text, group[-1].end)
        if respectively:
            candidates.append((respectively.group(1), respectively.start(1)))
        # "… blijven respectievelijk 13 maanden en 30 minuten bewaard"
        marker = _RESPECTIVELY_WORD.search(text, group[-1].end)
        if marker:
            sentence_end = _SENTENCE_STOP.search(text, marker.end())
            candidates.append((text[marker.end():sentence_end.start() if sentence_end else len(text)], marker.end()))
            # "… are kept for 2 years, 30 minutes and 6 months respectively"
            stops = list(_SENTENCE_STOP.finditer(text, group[-1].end, marker.start()))
            if not stops:
                candidates.append((text[group[-1].end:marker.start()], group[-1].end))
            elif len(stops) == 1:
                # "… _ga, _gid and _gat. These expire after 2 years, 24 hours and 1 minute
                # respectively.": the next sentence lists them
                candidates.append((text[stops[0].end():marker.start()], stops[0].end()))
        for written, offset in candidates:
            lifetimes = respective_lifetimes(written, len(keys))
            if lifetimes:
                own.update(zip(keys, lifetimes))
                used.append((offset, offset + len(written)))
                break
    # names listed together ("_ga, _ga_<ID> – … – 2 jaar") share what follows the list
    # (a clause that starts at the second name of a list is not that name's own)
    list_tails = {h.start for group in groups if len({(g.pattern, g.match) for g in group}) >= 2 for h in group[1:]}
    # clauses that name exactly one of the names
    tokens = {(h.pattern, h.match): h.token for h in names}
    clause_start = 0
    breaks = [m for m in _CLAUSE_BREAK.finditer(text)] + [None]
    previous: list = []
    labelled: list = []
    for brk in breaks:
        clause_end = brk.start() + 1 if brk else len(text)
        clause = text[clause_start:clause_end]
        present = [key for key, token in tokens.items()
                   if re.search(r"(?<![\w-])" + re.escape(token) + r"(?![\w-])", clause)]
        if not present and len(previous) == 1 and _RELATIVE.match(clause):
            present = previous  # "_ga, which lasts 2 years": the clause after a name is about it
        if not present and labelled:
            present = labelled  # "sp_landing: 1 dag; sp_t: 1 jaar": the value after a name and its colon
        labelled = present if len(present) == 1 and clause.rstrip().endswith(":") else []
        previous = present or previous
        if len(present) == 1 and present[0] not in own and not _starts_with_list_tail(clause, clause_start, list_tails):
            blanked = clause
            for token in tokens.values():
                blanked = re.sub(r"(?<![\w-])" + re.escape(token) + r"(?![\w-])", lambda m: " " * len(m.group(0)), blanked)
            lifetime = read_lifetime(blanked)
            if lifetime.lifetime:
                own[present[0]] = lifetime
                used.append((clause_start, clause_end))
        elif len(present) >= 2 and not any(key in own for key in present):
            # "_pk_id onthoudt 13 maanden …, en _pk_ses houdt 30 minuten bij …": each name
            # with the duration that follows it before the next name
            for key, lifetime, (a, b) in _each_name_its_lifetime(clause, {k: tokens[k] for k in present}):
                own[key] = lifetime
                used.append((clause_start + a, clause_start + b))
        clause_start = brk.end() if brk else len(text)
    if own:
        chars = list(rest)
        for a, b in used:
            for i in range(a, min(b, len(chars))):
                chars[i] = " "
        rest = "".join(chars)
    return own, rest


def _starts_with_list_tail(clause: str, clause_start: int, list_tails: set[int]) -> bool:
    """Whether a clause begins with a name that continues a list begun in the clause before."""
    lead = len(clause) - len(clause.lstrip())
    return clause_start + lead in list_tails


def _labels(blocks: list[Block], index: int) -> Optional[tuple[dict[str, str], int, int, tuple[str, ...], int]]:
    """A label/value record starting at blocks[index] ("Naam" / "_ga" / "Vervaltermijn" /
    "13 maanden" / "Functie" / "..."): (cells, start, end, code, next index), or None."""
    if label_role(blocks[index].text) != "name":
        return None
    cells: dict[str, str] = {}
    code: list[str] = []
    start = blocks[index].start
    end = start
    i = index
    while i + 1 < len(blocks):
        role = label_role(blocks[i].text)
        value = blocks[i + 1]
        if role is None or value.kind == "row" or label_role(value.text) is not None:
            break
        if role == "name" and "name" in cells:
            break
        if value.kind == "heading" and value.level and blocks[i].level and value.level <= blocks[i].level:
            break
        cells.setdefault(role, value.text)
        code.extend(value.code)
        end = value.end
        i += 2
    if "name" not in cells or len(cells) < 2:
        return None
    return cells, start, end, tuple(code), i


def extract_items(document: Document, sections: list[CookieSection]) -> Extraction:
    """Cookies and services declared in the cookie sections of one document."""
    reader = _Reader(document)
    for section in sections:
        first_cookie = len(reader.result.cookies)
        _read_section(reader, section)
        _warn_unread_tables(reader, section)
        everything = _section_purpose(section)
        if everything:
            for cookie in reader.result.cookies[first_cookie:]:
                if cookie.purpose is None:
                    cookie.purpose = everything
    result = reader.result
    # a service whose vendor's cookies are declared by name is covered by them
    named = {c.vendor_id for c in result.cookies if c.vendor_id}
    named_purposes = {c.purpose for c in result.cookies if c.purpose}
    summaries = {id(s) for s in reader.summaries}
    result.services = [s for s in result.services
                       if not (s.vendor_id and s.vendor_id in named)
                       and not (id(s) in summaries and s.purpose in named_purposes)]
    return result


def _warn_unread_tables(reader: "_Reader", section: CookieSection) -> None:
    """A cookie table (a header with a name column) from which no row could be read: say so,
    rather than declare nothing in silence."""
    warned: set[int] = set()
    for block in section.blocks:
        if block.kind != "row" or not block.header or block.table is None or block.table in warned:
            continue
        if block.table in reader.tables_read or "name" not in {column_role(c) for c in block.cells}:
            continue
        if _records_follow(reader, section, block):
            continue
        warned.add(block.table)
        reader.result.warnings.append(
            f"cookie table without readable rows: {' | '.join(block.cells)[:120]!r} "
            f"({reader.document.source}, line {reader.document.line_of(block.start)}); its cookies are not in the declaration")


def _lifetime_after(blocks: list[Block], record) -> None:
    """A record without a lifetime field whose lifetime is the sentence right after it ("Naam
    cookie: _ga / Type: … / Doel: …", then "Deze cookies blijven maximaal twee jaar op de
    computer van de bezoeker."): that paragraph joins the record as its lifetime."""
    if "lifetime" in record.cells or record.next_index >= len(blocks):
        return
    block = blocks[record.next_index]
    if block.kind != "paragraph" or len(block.text) > 300 or not mentions_cookies(block.text) \
            or find_names(block.text, code=block.code) or label_lines(blocks, record.next_index) is not None:
        return
    lifetime = read_lifetime(block.text)
    if lifetime.lifetime is None:
        return
    record.cells["lifetime"] = block.text
    record.text = f"{record.text} {block.text}"
    record.end = block.end
    record.next_index += 1


def _records_follow(reader: "_Reader", section: CookieSection, header: Block) -> bool:
    """Whether cookies were read, as label records, between a header row without rows and the
    next table header of the section (a mobile layout: "Naam Doel Vervalt", then "Naam" /
    "_ga" / "Doel" / … a line each)."""
    following = [b.start for b in section.blocks if b.kind == "row" and b.header and b.start > header.start]
    stop = min(following, default=section.blocks[-1].end + 1)
    return any(header.end <= c.evidence.position.char_start < stop for c in reader.result.cookies
               if c.evidence.source == reader.document.source)


_ALL_THESE = re.compile(r"\b(?:all (?:of )?(?:these|the|our|the above) cookies|these cookies are all|al deze cookies"
                        r"|alle (?:bovenstaande |genoemde )?cookies|deze cookies zijn allemaal)\b", re.IGNORECASE)


def _section_purpose(section: CookieSection) -> Optional[str]:
    """The purpose a section gives all its cookies ("All of these cookies are necessary …"),
    for the ones whose own text gives none."""
    for block in section.blocks:
        if block.kind not in ("paragraph", "item"):
            continue
        for sentence in sentences(block):
            if _ALL_THESE.search(sentence.text):
                hits = purpose_hits(sentence.text)
                if len(hits) == 1:
                    return next(iter(hits))
    return None


def _read_section(reader: "_Reader", section: CookieSection) -> None:
    """Items of one cookie section, with the purpose and vendor its headings give."""
    # (level, purpose, vendor, kind) of the headings over the current block; kind is "service"
    # for a plain heading naming a vendor, "service category" for a plain category heading
    # right under one, else None
    context: list[tuple[int, Optional[str], Optional[VendorMatch], Optional[str]]] = []
    headings: list[str] = []
    reader.heading = section.heading or None
    blocks = section.blocks
    index = 0
    while index < len(blocks):
        block = blocks[index]
        purpose = next((p for _, p, _, _ in reversed(context) if p), None)
        purpose_context = None if purpose == UNCLASSIFIED else purpose
        vendor_context = next((v for _, _, v, _ in reversed(context) if v), None)
        lines = label_lines(blocks, index)
        if lines is not None:
            _lifetime_after(blocks, lines)
            reader.record(lines.cells, lines.text, lines.start, lines.end, lines.code, purpose, vendor_context)
            reader.result.record_blocks.update(id(b) for b in blocks[index:lines.next_index])
            index = lines.next_index
            continue
        record = _labels(blocks, index) if block.kind != "row" else None
        if record is not None:
            cells, start, end, code, index = record
            reader.record(cells, " ".join(cells.values()), start, end, code, purpose, vendor_context)
            continue
        named = name_record(blocks, index) if block.kind != "row" else None
        if named is not None:
            reader.record(named.cells, named.text, named.start, named.end, named.code, purpose, vendor_context)
            reader.result.record_blocks.update(id(b) for b in blocks[index:named.next_index])
            index = named.next_index
            continue
        dashed = dash_record(block.text) if block.kind in ("paragraph", "item") else None
        if dashed is not None:
            reader.record(dashed, block.text, block.start, block.end, block.code, purpose, vendor_context)
            reader.result.record_blocks.add(id(block))
            index += 1
            continue
        inline = inline_records(block) if block.kind in ("paragraph", "item") else []
        if inline:
            for item in inline:
                reader.record(item.cells, item.text, item.start, item.end, item.code, purpose, vendor_context)
            reader.result.record_blocks.add(id(block))
            index += 1
            continue
        index += 1
        category = _category_row(block)
        if category is not None:
            # a category row inside a table ("Advertentiecookies" across all columns): the
            # rows under it take its purpose, up to the next such row or heading
            while context and context[-1][0] >= 9:
                context.pop()
                headings.pop()
            context.append((9, category, None, None))
            headings.append(" ".join(c for c in block.cells if c.strip()))
            reader.heading = headings[-1]
            continue
        if block.kind == "heading" or (block.kind == "paragraph" and CMP_CATEGORY.fullmatch(block.text.strip())) \
                or _category_over(block, blocks[index] if index < len(blocks) else None):
            level = block.level or 7
            purpose_here, vendor_here = heading_purpose(block.text), heading_vendor(block.text)
            kind = ("service" if vendor_here is not None else None) if not block.level else None
            last_kind = context[-1][3] if context else None
            if not block.level and vendor_here is None and purpose_here is not None and last_kind == "service" \
                    and index >= 2 and blocks[index - 2].kind == "heading":
                # a plain category heading right under a plain service heading, nothing between
                # them, is that service's category (a CMP's service block: "Vimeo" /
                # "Marketing/Tracking" / its text and table)
                level, kind = context[-1][0] + 1, "service category"
            elif not block.level and purpose_here is None and vendor_here is not None and last_kind != "service category" \
                    and any(p is not None for _, p, _, _ in context):
                level = 8  # a plain service heading ("Meta Pixel") under a plain category heading keeps its purpose
            while context and context[-1][0] >= level:
                context.pop()
                headings.pop()
            context.append((level, purpose_here, vendor_here, kind))
            headings.append(block.text.strip())
            reader.heading = headings[-1]
            continue
        if block.kind == "row":
            reader.row(block, purpose, vendor_context)
        elif block.kind == "item":
            lead = _positional_name(blocks, index - 1)
            reader.unit(block, block.text, block.start, block.end, purpose_context,
                        code=block.code + ((lead,) if lead else ()), vendor_context=vendor_context)
        else:
            for start, end, _ in _prose_units(block):
                offset = start - block.start
                reader.unit(block, block.text[offset:end - block.start], start, end, purpose_context, code=block.code,
                            vendor_context=vendor_context)

