"""Plain text and Markdown into a :class:`Document`: headings, paragraphs, list items, tables.

Offsets always point into the text as given: inline Markdown marks (``**``, backticks,
link targets) are blanked out with spaces of the same length instead of removed.
"""

from __future__ import annotations

import functools
import re
from typing import Optional

from .document import Block, Document, Link
from .text_tables import continue_table_at, read_table_at

__all__ = ["looks_like_heading", "read_text"]

_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^(\s*)([•·▪◦●○■□►▸‣⁃–—*+-]|\d{1,2}[.)]|[a-z][.)])\s+(?=\S)")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_LOOSE_PIPE_ROW = re.compile(r"^[^|\n]+(?:\|[^|\n]*){2,}$")  # "_ga | Google | 2 jaar |" without the leading pipe
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_LINK = re.compile(r"\[([^\]\n]{1,300})\]\(([^)\s]{1,2000})(?:\s+\"[^\"]*\")?\)")
_BARE_URL = re.compile(r"https?://[^\s<>()\"']+[^\s<>()\"'.,;:!?]")
_CODE = re.compile(r"`([^`\n]{1,200})`")
_BOLD = re.compile(r"\*\*(?=\S)([^*\n]{1,300}?)\*\*")
# Markdown emphasis around words with a space between ("*local storage*"); a glob's star
# touches a name ("_ga_*"), so it never stands after a space with a word in between
_ITALIC = re.compile(r"(?<![\w*.\-])\*(?=[^\s*,;])([^*\n]{0,300}?\s[^*\n]{0,300}?)(?<=[^\s*._-])\*(?![\w*])"
                     # or one word of letters only ("*Statistieken*"), which no cookie name is
                     r"|(?<![\w*])\*([^\W\d_]{2,40})\*(?![\w*])")
_HEADING_END = re.compile(r"[.,;:!]\s*$")
_WORD = re.compile(r"\w+")
_CMP_CATEGORY = re.compile(r"[^\W\d][\w /&'-]{1,40}\s\(\d{1,3}\)")

MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 12


def _flatten(text: str) -> str:
    """Same length, every whitespace character a plain space."""
    return re.sub(r"\s", " ", text)


class _Builder:
    def __init__(self, text: str):
        self.text = text
        self.masked = text  # inline Markdown blanked out, same length
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.codes: list[tuple[int, int, str]] = []
        self.table_count = 0
        self._mask_inline()

    def _mask_inline(self) -> None:
        chars = list(self.text)

        def blank(start: int, end: int) -> None:
            for i in range(start, end):
                if chars[i] != "\n":
                    chars[i] = " "

        for match in _MD_LINK.finditer(self.text):
            self.links.append(Link(text=match.group(1), href=match.group(2), start=match.start()))
            blank(match.start(), match.start() + 1)
            blank(match.end(1), match.end())
        for match in _BARE_URL.finditer(self.text):
            if not any(link.href == match.group(0) for link in self.links):
                self.links.append(Link(text=match.group(0), href=match.group(0), start=match.start()))
        for match in _CODE.finditer(self.text):
            self.codes.append((match.start(1), match.end(1), match.group(1)))
            blank(match.start(), match.start() + 1)
            blank(match.end() - 1, match.end())
        for match in _BOLD.finditer(self.text):
            blank(match.start(), match.start() + 2)
            blank(match.end() - 2, match.end())
        for match in _ITALIC.finditer("".join(chars)):
            blank(match.start(), match.start() + 1)
            blank(match.end() - 1, match.end())
        self.masked = "".join(chars)

    def add(self, kind: str, start: int, end: int, **extra) -> Block:
        # trim surrounding whitespace so evidence starts at the first word
        while start < end and self.masked[start].isspace():
            start += 1
        while end > start and self.masked[end - 1].isspace():
            end -= 1
        codes = tuple(code for s, e, code in self.codes if s >= start and e <= end)
        block = Block(kind=kind, start=start, end=end, text=_flatten(self.masked[start:end]), code=codes, **extra)
        self.blocks.append(block)
        return block


def looks_like_heading(text: str) -> bool:
    """A short line without closing punctuation, or a short question."""
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_HEADING_CHARS or not any(c.isalpha() for c in stripped):
        return False
    words = _WORD.findall(stripped)
    if len(words) > MAX_HEADING_WORDS:
        return False
    if stripped.endswith("?"):
        return True
    return not _HEADING_END.search(stripped) and not _is_record_line(stripped) and not _names_a_duration(stripped)


def _names_a_duration(text: str) -> bool:
    """A line giving a cookie name its duration ("… _fbp: 3 maanden; fr: 90 dagen"): no heading."""
    if ": " not in text:
        return False
    from .cells import leading_lifetime
    from .names import _shape

    for colon in re.finditer(r":\s+", text):
        words = text[:colon.start()].split()
        if words and _shape(words[-1]) == "strong" and leading_lifetime(text[colon.end():]):
            return True
    return False


def _names_category(text: str) -> bool:
    """A short line that names a cookie category or one service ("Analytics cookies", "Hotjar")."""
    from .extract import heading_purpose, heading_vendor

    text = text.strip()
    return 0 < len(text.split()) <= 6 and (heading_purpose(text) is not None or heading_vendor(text) is not None)


_NAME_LEAD = re.compile(r"([^\s:–—]{2,60}?)\s*(?::\s|\s[-–—]\s|\s\()")


def _leads_with_name(line: str) -> bool:
    """A line that starts a record of its own ("_pk_id: Matomo, …", "nmstat – …"), never the
    wrapped rest of the list item above it."""
    from .names import _shape

    lead = _NAME_LEAD.match(line)
    return bool(lead) and _shape(lead.group(1)) == "strong"


def _is_control_label(text: str) -> bool:
    """A line that is only a settings window's control label ("Enable or Disable Cookies",
    "Altijd actief"): neither a heading nor text of the statement."""
    label = " ".join(text.split()).strip(" :").lower()
    return 0 < len(label) <= 40 and label in _control_labels()


@functools.lru_cache(maxsize=1)
def _control_labels() -> frozenset[str]:
    from .vocabulary import vocabulary

    return frozenset(str(w).lower() for w in vocabulary().raw["control_labels"])


def _is_record_line(text: str) -> bool:
    """A line of two label/value pairs or more ("Naam: _ga Vervaltermijn: 2 jaar"): a record."""
    if text.count(":") < 2:
        return False
    from .runtogether import label_role

    count = 0
    for colon in re.finditer(r":\s", text):
        words = text[:colon.start()].split()[-4:]
        if any(label_role(" ".join(words[k:])) is not None for k in range(len(words) - 1, -1, -1)):
            count += 1
    return count >= 2


def _labelled_pipe_record(line: str) -> bool:
    """A line of pipe-separated "label: value" cells, the first a name's ("Name: _ga | Type:
    Cookie | Max. storage duration: 399 Days"): a label record, not a table row."""
    from .runtogether import label_role

    roles = []
    for cell in line.strip().strip("|").split("|"):
        match = _LABEL_LINE.match(cell)
        roles.append(label_role(match.group(1)) if match else None)
    return bool(roles) and roles[0] == "name" and sum(role is not None for role in roles) >= 2


def _is_pipe_header(line: str) -> bool:
    """ "Cookie name | Lasts for | Purpose |": column words between pipes, a name column among them."""
    from .runtogether import column_role

    roles = [column_role(cell) for cell in line.strip().strip("|").split("|")]
    return roles.count("name") == 1 and sum(role is not None for role in roles) >= 2


def _heads_paragraph(segment: str) -> bool:
    """Whether a paragraph's first line is a heading of its own: a few words naming cookies or
    a cookie category ("Necessary", "Statistieken", "Others"), capitalised, without closing
    punctuation, over a line that starts a sentence."""
    from .extract import heading_purpose

    first, _, rest = segment.partition("\n")
    first = first.strip()
    if not (0 < len(first.split()) <= 6 and first[:1].isupper() and looks_like_heading(first) and not first.endswith((",", "-"))
            and ":" not in first and rest.lstrip()[:1].isupper()):
        return False
    if re.search(r"\bcookies?\b", first, re.IGNORECASE):
        return True
    from .vendors import find_vendor

    if len(first.split()) > 3:
        return False
    vendor = find_vendor(first)
    if vendor is not None:
        # a service's name over its description ("YouTube" / "Sommige pagina's tonen …")
        return "".join(c for c in vendor.name.casefold() if c.isalnum()) == "".join(c for c in first.casefold() if c.isalnum())
    return heading_purpose(first) is not None


_LABEL_LINE = re.compile(r"^\s*[-–•*]?\s*([^:\n]{1,40}?)\s*:(?:\s|$)")


def _label_line(line: str) -> bool:
    from .runtogether import label_role

    match = _LABEL_LINE.match(line)
    return bool(match) and label_role(match.group(1)) is not None


def _record_lines(segment: str, start: int) -> Optional[list[tuple[int, int]]]:
    """The spans of a paragraph that is one label record written a line per field: a first
    line that is a cookie name (or a label line) and label lines after it ("Doel: …",
    "Vervalt na: …"; a line without a label continues the value above it). None otherwise."""
    from .runtogether import table_names_ok

    spans: list[tuple[int, int]] = []
    offset = 0
    labelled = 0
    for number, line in enumerate(segment.split("\n")):
        line_start, line_end = start + offset, start + offset + len(line.rstrip())
        offset += len(line) + 1
        if not line.strip():
            continue
        if _label_line(line):
            labelled += 1
            spans.append((line_start + len(line) - len(line.lstrip()), line_end))
        elif number == 0:
            if not table_names_ok(line.strip().rstrip(":")):
                return None
            spans.append((line_start + len(line) - len(line.lstrip()), line_end))
        elif spans and labelled:
            spans[-1] = (spans[-1][0], line_end)  # a wrapped value
        else:
            return None
    if labelled < 1 or len(spans) < 2 or (labelled < 2 and _label_line(segment.split("\n", 1)[0])):
        return None
    return spans


def _tab_label_lines(segment: str, start: int) -> Optional[list[tuple[int, int, tuple[str, str]]]]:
    """A paragraph of "label<TAB>value" lines (a CMP's service box copied as text: "Naam\tWooCommerce",
    "Cookie naam\twoocommerce_cart_hash, …", "Cookie looptijd\tSessie / 2 dagen"): each line's
    span and its (label, value). None unless two lines or more are such pairs, and all are."""
    from .runtogether import label_role

    out: list[tuple[int, int, tuple[str, str]]] = []
    offset = 0
    for line in segment.split("\n"):
        line_start = start + offset
        offset += len(line) + 1
        if not line.strip():
            continue
        label, tab, value = line.strip().partition("\t")
        if not tab or not value.strip() or len(label) > 30:
            return None
        lead = len(line) - len(line.lstrip())
        out.append((line_start + lead, line_start + len(line.rstrip()), (label.strip(), " ".join(value.split()))))
    known = sum(1 for _, _, (label, _) in out if label_role(label.rstrip(":")) is not None)
    return out if known >= 2 and any(label_role(label.rstrip(":")) == "name" for _, _, (label, _) in out) else None


def _name_value_lines(segment: str, start: int) -> Optional[list[tuple[int, int]]]:
    """The lines of a paragraph in which two lines or more are a cookie name and its
    duration ("zo_sessie: duur van de sessie" / "zo_volume: 1 jaar", "cart – keeps your
    basket – 2 weeks"), one block each, so that each duration stays with its own name. None
    otherwise."""
    from .cells import lifetime_line
    from .records import dash_record
    from .runtogether import table_names_ok

    spans: list[tuple[int, int]] = []
    pairs = 0
    offset = 0
    for line in segment.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            spans.append((start + offset + lead, start + offset + len(line.rstrip())))
            head, colon, value = line.partition(":")
            head = head.strip().lstrip("-–•* ")
            if colon and 0 < len(head) <= 80 and value[:1].isspace() and table_names_ok(head) \
                    and lifetime_line(value.strip()) or dash_record(line.strip()) is not None:
                pairs += 1
        offset += len(line) + 1
    return spans if pairs >= 2 else None


def _label_value_lines(segment: str, start: int) -> Optional[list[tuple[int, int]]]:
    """The spans of a paragraph that runs into label records written a label line and a value
    line each ("Naam" / "lang" / "Host" / ".zuidwold.nl" / "Duur" / "Sessie", a CMP's cookie
    list copied as text): the lines before the first name label stay one paragraph, every line
    from there is a block of its own. None when the paragraph has no such record."""
    from .runtogether import label_role

    pieces: list[tuple[int, int, str]] = []
    offset = 0
    for line in segment.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            pieces.append((start + offset + lead, start + offset + len(line.rstrip()), line.strip()))
        offset += len(line) + 1
    roles = [label_role(text) if len(text) <= 30 else None for _, _, text in pieces]
    first = next((i for i in range(len(pieces) - 3)
                  if roles[i] == "name" and roles[i + 1] is None and roles[i + 2] not in (None, "name")
                  and roles[i + 3] is None), None)
    if first is None:
        return None
    spans = [(pieces[0][0], pieces[first - 1][1])] if first else []
    return spans + [(a, b) for a, b, _ in pieces[first:]]


def _name_record_runs(segment: str, start: int) -> Optional[list[tuple[int, int]]]:
    """The spans of a paragraph that runs into name-first records without blank lines (a CMP's
    service box copied as text: a description, then "wise_session" / "Type: cookie" / "Duur:
    sessie" / "Domein: …" per item): the lines before the first record stay one paragraph,
    every line from there is a block of its own. A record is a line that is only cookie
    names followed by a label line of another field; None unless there are two records, or
    one with two label lines."""
    from .runtogether import label_role, table_names_ok

    if ":" not in segment:
        return None
    pieces: list[tuple[int, int, str]] = []
    offset = 0
    for line in segment.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            pieces.append((start + offset + lead, start + offset + len(line.rstrip()), line.strip()))
        offset += len(line) + 1
    labelled = [":" in text and _label_line(text) and label_role(_LABEL_LINE.match(text).group(1)) != "name"
                for _, _, text in pieces]
    if not any(labelled):
        return None
    heads = [i for i in range(len(pieces) - 1) if not labelled[i] and labelled[i + 1] and ":" not in pieces[i][2]
             and table_names_ok(pieces[i][2])]
    if not heads or (len(heads) == 1 and not (heads[0] + 2 < len(pieces) and labelled[heads[0] + 2])):
        return None
    first = heads[0]
    spans = [(pieces[0][0], pieces[first - 1][1])] if first else []
    return spans + [(a, b) for a, b, _ in pieces[first:]]


def read_text(text: str, source: str, source_kind: str = "text") -> Document:
    """Read plain text or Markdown into a Document."""
    builder = _Builder(text)
    masked = builder.masked
    lines: list[tuple[int, int]] = []  # (start, end) of each line, end excluding "\n"
    position = 0
    for line in text.split("\n"):
        lines.append((position, position + len(line)))
        position += len(line) + 1

    masked_lines = [masked[a:b] for a, b in lines]
    # Pass 1: classify lines and group them into raw blocks.
    # A raw block: [kind, start, end, line_count, extra]
    raw: list[list] = []
    current: Optional[list] = None
    carried: Optional[list] = None  # [header, armed] of a one-cell-per-line table given its header once
    resumed: Optional[list] = None  # the TAB row above a category row inside its table
    i = 0
    while i < len(lines):
        start, end = lines[i]
        line = masked[start:end]
        if not line.strip():
            current = None
            i += 1
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            carried = None
            raw.append(["heading", start, end, 1, {"level": len(heading.group(1))}])
            current = None
            i += 1
            continue
        if _RULE.match(line) and not (current and current[0] == "paragraph" and _SETEXT.match(line)):
            current = None
            i += 1
            continue
        if current and current[0] == "paragraph" and current[3] == 1 and _SETEXT.match(line):
            current[0] = "heading"
            current[4] = {"level": 1 if line.strip().startswith("=") else 2}
            current = None
            i += 1
            continue
        if "|" in line and _labelled_pipe_record(line):
            # "Name: _ga | Type: Cookie | Max. storage duration: 399 Days | …": one record a
            # line, each cell a (label, value) pair; a cell without a label is the description
            offset = 0
            for cell in line.split("|"):
                lead = len(cell) - len(cell.lstrip())
                if cell.strip():
                    match = _LABEL_LINE.match(cell)
                    pair = (match.group(1).strip(), cell[match.end():].strip()) if match else ("Description", cell.strip())
                    raw.append(["row", start + offset + lead, start + offset + len(cell.rstrip()), 1,
                                {"cells": pair, "table": None, "pair": True}])
                offset += len(cell) + 1
            current = None
            i += 1
            continue
        in_pipe_table = bool(raw and raw[-1][0] == "row" and current is raw[-1] and raw[-1][4].get("pipes"))
        loose_header = not in_pipe_table and _LOOSE_PIPE_ROW.match(line) and _is_pipe_header(line)
        if _PIPE_ROW.match(line) or line.count("\t") >= 2 or (in_pipe_table and _LOOSE_PIPE_ROW.match(line)) or loose_header:
            if _PIPE_SEPARATOR.match(line):
                if raw and raw[-1][0] == "row":
                    raw[-1][4]["header"] = True
                i += 1
                continue
            if "|" in line:
                cells = tuple(c.strip() for c in line.strip().strip("|").split("|"))
            else:
                cells = tuple(c.strip() for c in line.split("\t"))
            if not (raw and raw[-1][0] == "row" and current is raw[-1]
                    or raw and raw[-1][0] == "heading" and current is not None and resumed is current):
                builder.table_count += 1
            current = ["row", start, end, 1, {"cells": cells, "table": builder.table_count, "pipes": "|" in line,
                                              "header": bool(loose_header)}]
            raw.append(current)
            i += 1
            continue
        if current is not None and current[0] == "row" and not current[4].get("pipes") and "\t" not in line \
                and i + 1 < len(lines) and masked_lines[i + 1].count("\t") == len(current[4]["cells"]) - 1 \
                and len(line.split()) <= 6 and looks_like_heading(line):
            # a category row inside a TAB-separated table ("Analytics" between the rows): it
            # heads the rows after it, which stay in the same table under its header
            raw.append(["heading", start, end, 1, {"level": 0}])
            resumed = current
            i += 1
            continue
        table = read_table_at(masked_lines, i) if len(line) <= 200 else None
        carried_rows = carried is not None and carried[1] and table is None
        if carried_rows:
            table = continue_table_at(masked_lines, i, carried[0])
            if table is not None:
                builder.table_count += 1
                raw.append(["row", lines[i][0], lines[i][0], 1,
                            {"cells": tuple(table.header), "table": builder.table_count, "header": True}])
                for row in table.rows:
                    raw.append(["row", lines[row.first][0], lines[row.last][1], 1,
                                {"cells": row.cells, "table": builder.table_count, "confidence": row.confidence}])
                i = max(table.next_line, i + 1)
                current = None
                continue
        if table is not None:
            # a header given once over a CMP's categories, one cell per line: later categories' rows read under it
            carried = [table.header, False] if table.header_last > table.header_first else None
            builder.table_count += 1
            raw.append(["row", lines[table.header_first][0], lines[table.header_last][1], 1,
                        {"cells": tuple(table.header), "table": builder.table_count, "header": True}])
            for row in table.rows:
                raw.append(["row", lines[row.first][0], lines[row.last][1], 1,
                            {"cells": row.cells, "table": builder.table_count, "confidence": row.confidence}])
            i = max(table.next_line, i + 1)
            # PDF text keeps no gap after a heading: a heading-like line before more text is one
            if i < len(lines) and looks_like_heading(masked_lines[i]) and i + 1 < len(lines) and masked_lines[i + 1].strip() \
                    and " " in masked_lines[i].strip():
                raw.append(["heading", lines[i][0], lines[i][1], 1, {"level": 0}])
                i += 1
            current = None
            continue
        if _CMP_CATEGORY.fullmatch(line.strip()):
            # "Noodzakelijk (3)": a CMP category line heads what follows, even without a gap
            if carried is not None:
                carried[1] = True
            raw.append(["heading", start, end, 1, {"level": 0}])
            current = None
            i += 1
            continue
        bullet = _BULLET.match(line)
        if bullet:
            current = ["item", start, end, 1, {"indent": len(bullet.group(1))}]
            raw.append(current)
            i += 1
            continue
        if current and current[0] in ("paragraph", "item") \
                and not (current[0] == "item" and not line[:1].isspace() and _leads_with_name(line)):
            current[2] = end
            current[3] += 1
        else:
            current = ["paragraph", start, end, 1, {}]
            raw.append(current)
        i += 1

    # Pass 2: plain-text headings (short standalone lines) and emit blocks.
    raw = [entry for entry in raw if not (entry[0] in ("heading", "paragraph") and entry[3] == 1
                                          and _is_control_label(masked[entry[1]:entry[2]]))]
    for index, (kind, start, end, line_count, extra) in enumerate(raw):
        if kind == "row":
            cells = extra["cells"]
            builder.add("row", start, end, cells=cells, table=extra["table"], header=extra.get("header", False),
                        confidence=extra.get("confidence", 1.0))
            continue
        if kind == "heading":
            block = builder.add("heading", start, end, level=extra["level"])
            block.text = _flatten(_MD_HEADING.sub(r"\2", block.text) if block.text.lstrip().startswith("#") else block.text)
            block.text = block.text.strip()
            continue
        segment = masked[start:end]
        pairs = _tab_label_lines(segment, start) if kind == "paragraph" and line_count > 1 else None
        if pairs:
            for line_start, line_end, cells in pairs:
                builder.add("row", line_start, line_end, cells=cells, table=None)
            continue
        lines = (_record_lines(segment, start) or _label_value_lines(segment, start) or _name_value_lines(segment, start)
                 or _name_record_runs(segment, start)) \
            if kind == "paragraph" and line_count > 1 else None
        if lines:
            # "SSESS[id]" / "Doel: …" / "Vervalt na: …" without blank lines: one block a line,
            # so that the name line and each labelled line are read as one record's parts
            first_start, first_end = lines[0]
            lead = masked[first_start:first_end]
            if "\n" in lead and _heads_paragraph(lead):  # a heading over the text before the records
                cut = first_start + lead.index("\n")
                builder.add("heading", first_start, cut, level=0)
                lines[0] = (cut + 1, first_end)
            for line_start, line_end in lines:
                builder.add("paragraph", line_start, line_end)
            continue
        if kind == "paragraph" and line_count > 1 and _heads_paragraph(segment):
            # "Lijst van essentiële cookies" over its paragraph without a blank line between; a
            # CMP's service block copied as text stacks two ("Mailchimp" / "Marketing" / "Usage …")
            while "\n" in segment and _heads_paragraph(segment):
                first_end = start + segment.index("\n")
                builder.add("heading", start, first_end, level=0)
                start = first_end + 1
                segment = masked[start:end]
            builder.add("paragraph", start, end)
            continue
        if line_count == 1 and looks_like_heading(segment):
            following = raw[index + 1] if index + 1 < len(raw) else None
            standalone = following is None or following[1] > end + 1 and masked[end:following[1]].count("\n") >= 2
            if kind == "paragraph" and standalone:
                builder.add("heading", start, end, level=0)
                continue
            if kind == "paragraph" and following is not None and following[0] in ("row", "item") \
                    and _names_category(segment):
                # a category or service line right over its table or list ("Analytics cookies")
                builder.add("heading", start, end, level=0)
                continue
            # a numbered line on its own ("2. Cookies in detail") is a numbered heading
            marker = _BULLET.match(segment)
            if kind == "item" and standalone and marker and marker.group(2)[:1].isdigit() \
                    and segment[marker.end():].strip()[:1].isupper() and (following is None or following[0] != "item"):
                builder.add("heading", start, end, level=0)
                continue
            # a lone bullet over an indented paragraph heads it (" • Cookies" then "  De gemeente ...")
            if kind == "item" and standalone and following is not None and following[0] == "paragraph" \
                    and masked[following[1]:following[1] + 1].isspace():
                block = builder.add("heading", start, end, level=0)
                block.text = _BULLET.sub("", block.text).strip()
                continue
        if kind == "item":
            marker = _BULLET.match(masked[start:end])
            builder.add("item", start + (marker.end() if marker else 0), end)
            continue
        builder.add("paragraph", start, end)

    document = Document(source=source, kind=source_kind, text=text, blocks=builder.blocks, links=builder.links)
    document.title = next((b.text.strip() for b in builder.blocks if b.kind == "heading"), None)
    return document

