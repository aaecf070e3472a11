"""Saved or rendered HTML into a :class:`Document` with selectolax (lexbor).

Headings, paragraphs, list items and table rows become blocks; the text of the document is
those blocks one after another, so evidence offsets point into that extracted text.
Scripts, styles, navigation, page header and footer, forms and hidden elements are skipped.
"""

from __future__ import annotations

import re
from typing import Optional

from selectolax.lexbor import LexborHTMLParser

from .document import Block, Document, Link
from .sources_limits import MAX_TEXT_CHARS

__all__ = ["read_html"]

_SKIP = {"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "nav", "header",
         "footer", "form", "button", "select", "textarea", "input", "head", "title", "meta", "link", "img", "picture",
         "video", "audio", "map", "dialog"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = {"p", "div", "section", "article", "main", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "td",
           "th", "dl", "dt", "dd", "blockquote", "pre", "figure", "figcaption", "details", "summary", "body", "html",
           "center", "address", "hr", "aside", "caption", "fieldset", "legend", "menu", *_HEADINGS}
_CODE = {"code", "kbd", "samp", "var", "tt"}
_SPACE = re.compile(r"\s+")


class _Builder:
    def __init__(self, source: str):
        self.source = source
        self.parts: list[str] = []
        self.length = 0
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.table_count = 0
        self.truncated = False

    def emit(self, kind: str, text: str, links=(), codes=(), **extra) -> None:
        text = text.strip()
        if not text or self.truncated:
            return
        if self.length + len(text) > MAX_TEXT_CHARS:
            self.truncated = True
            return
        if self.parts:
            self.parts.append("\n\n" if kind in ("heading", "paragraph") else "\n")
            self.length += len(self.parts[-1])
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        self.blocks.append(Block(kind=kind, start=start, end=self.length, text=text, code=tuple(codes), **extra))
        for link_text, href, offset in links:
            self.links.append(Link(text=link_text, href=href, start=start + offset))


class _Inline:
    """Collects the inline text of a block, with its links and code spans; ``keep_breaks``
    keeps a <br> as "\n" (table cells, whose lines may pair up with another cell's lines)."""

    def __init__(self, keep_breaks: bool = False, keep_buttons: bool = False):
        self.keep_breaks = keep_breaks
        self.keep_buttons = keep_buttons  # an accordion's title: <h3><button>Marketing</button></h3>
        self.text = ""
        self.links: list[tuple[str, str, int]] = []
        self.codes: list[str] = []

    def add_text(self, raw: str) -> None:
        piece = _SPACE.sub(" ", raw)
        if not piece:
            return
        if not self.text or self.text.endswith((" ", "\n")):
            piece = piece.lstrip(" ")
        self.text += piece

    def line_break(self) -> None:
        """A new line in a cell (<br>, or a block element inside it); a space elsewhere."""
        if not self.keep_breaks:
            self.add_text(" ")
        elif self.text.strip() and not self.text.endswith("\n"):
            self.text = self.text.rstrip(" ") + "\n"

    def add(self, node) -> None:
        if node.tag == "-text":
            self.add_text(node.text_content or "")
            return
        tag = node.tag
        if tag in _SKIP and not (tag == "button" and self.keep_buttons) or _hidden(node):
            return
        if tag == "br":
            self.line_break()
            return
        if tag in _BLOCKS:
            self.line_break()
        elif tag in _LABEL_SPANS and self.text[-1:].isalnum() and _follows_span(node):
            # "<span>Duration</span><span>2 years</span>": a label and its value, laid out
            # apart by the page's style, are two words, never "Duration2 years"
            self.add_text(" ")
        leading = len(self.text.rstrip(" ")) + (1 if self.text.endswith(" ") else 0)
        before = len(self.text)
        for child in node.iter(include_text=True):
            self.add(child)
        if tag in _BLOCKS:
            self.line_break()
        inner = self.text[before:].strip()
        if tag == "a" and node.attributes.get("href"):
            self.links.append((inner, node.attributes.get("href") or "", leading))
        if tag in _CODE and inner:
            self.codes.append(inner)


_LABEL_SPANS = {"span", "label", "small", "time", "data"}


def _follows_span(node) -> bool:
    """Whether an element comes right after a sibling element of the same inline kind."""
    previous = node.prev
    return previous is not None and previous.tag in _LABEL_SPANS


_BANNER_NAME = re.compile(r"(cookie|consent|cmp|gdpr|privacy)[-_ ]?(banner|bar|notice|popup|pop-up|modal|dialog|wall|melding|overlay)",
                          re.IGNORECASE)


def _is_consent_banner(node) -> bool:
    """A consent banner saved with the page: a cookie dialog, or an element named like one —
    unless it holds a cookie declaration (consent platforms embed their cookie list on the
    cookie page with the banner's class names)."""
    attributes = node.attributes
    names = " ".join(filter(None, (attributes.get("id"), attributes.get("class"))))
    if _BANNER_NAME.search(names):
        return not _holds_declaration(node)
    if attributes.get("role") in ("dialog", "alertdialog") or attributes.get("aria-modal") == "true":
        return "cookie" in (node.text(deep=True) or "").lower()
    return False


def _holds_declaration(node) -> bool:
    """Whether an element holds a cookie table or cookie records: a table, or labels of both a
    cookie name and its lifetime ("Naam" … "Vervaltermijn")."""
    from .runtogether import label_role

    if node.css_first("table") is not None:
        return True
    roles = set()
    for element in node.css("dt, th, strong, b, span, label, p, li"):
        text = (element.text(deep=True) or "").strip()
        if 0 < len(text) <= 40:
            roles.add(label_role(text.split(":")[0]))
            if {"name", "lifetime"} <= roles:
                return True
    return False


def _hidden(node) -> bool:
    attributes = node.attributes
    if _is_consent_banner(node):
        return True
    if "hidden" in attributes or attributes.get("aria-hidden") == "true":
        return True
    style = (attributes.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _has_block_child(node) -> bool:
    for child in node.iter(include_text=False):
        if child.tag in _BLOCKS:
            return True
    return False


def _walk(node, builder: _Builder) -> None:
    tag = node.tag
    if tag == "button" and not _hidden(node):
        _category_button(node, builder)
        return
    if tag in _SKIP or _hidden(node):
        return
    if tag in _HEADINGS:
        inline = _Inline(keep_buttons=True)
        inline.add(node)
        builder.emit("heading", inline.text, inline.links, inline.codes, level=_HEADINGS[tag])
        return
    if tag == "table":
        _table(node, builder)
        return
    if tag == "dl" and _definition_list(node, builder):
        return
    kind = "item" if tag in ("li", "dt", "dd") else "paragraph"
    titled = tag == "summary"  # a <details> title may be a button too
    inline = _Inline(keep_buttons=titled)

    def flush() -> None:
        nonlocal inline
        if inline.text.strip():
            builder.emit(kind, inline.text, inline.links, inline.codes)
        inline = _Inline(keep_buttons=titled)

    for child in node.iter(include_text=True):
        if child.tag != "-text" and (child.tag in _BLOCKS or child.tag == "button" and not titled):
            flush()
            _walk(child, builder)
        else:
            inline.add(child)
    flush()


def _category_button(node, builder: _Builder) -> None:
    """An accordion's toggle that names a cookie category or a service ("Marketing cookies",
    "Google Analytics") heads what the panel after it declares; any other button is left out."""
    from .extract import UNCLASSIFIED, heading_purpose, heading_vendor

    inline = _Inline(keep_buttons=True)
    inline.add(node)
    text = " ".join(inline.text.split())
    if 0 < len(text.split()) <= 6 and (heading_purpose(text) not in (None, UNCLASSIFIED) or heading_vendor(text)):
        builder.emit("heading", text, level=0)


def _definition_list(node, builder: _Builder) -> bool:
    """A <dl>: each term with its descriptions becomes one item "term: description" whose
    cells are (term, description). False when the list holds anything else (then it is read
    as blocks)."""
    entries: list[tuple[_Inline, list[_Inline]]] = []
    for child in node.iter(include_text=False):
        if child.tag in _SKIP or _hidden(child):
            continue
        if child.tag == "div":  # <dl><div><dt/><dd/></div></dl> is allowed too
            children = [c for c in child.iter(include_text=False)]
        else:
            children = [child]
        for item in children:
            inline = _Inline()
            inline.add(item)
            if item.tag == "dt":
                entries.append((inline, []))
            elif item.tag == "dd" and entries:
                entries[-1][1].append(inline)
            elif item.tag == "dd":
                entries.append((_Inline(), [inline]))
            elif inline.text.strip():
                return False
    if not entries:
        return False
    for term, descriptions in entries:
        term_text = term.text.strip()
        description = " ".join(d.text.strip() for d in descriptions if d.text.strip())
        if not term_text:
            builder.emit("item", description, [l for d in descriptions for l in d.links], [c for d in descriptions for c in d.codes])
            continue
        joiner = " " if term_text.endswith(":") else ": "
        text = term_text + joiner + description if description else term_text
        links = list(term.links)
        offset = len(term_text) + len(joiner)
        for d in descriptions:
            links.extend((t, h, offset + o) for t, h, o in d.links)
            offset += len(d.text.strip()) + 1
        codes = [*term.codes, *(c for d in descriptions for c in d.codes)]
        builder.emit("item", text, links, codes, cells=(term_text, description) if description else ())
    return True


def _span(cell, name: str) -> int:
    """A cell's rowspan or colspan (1 when absent or unreadable; at most 50)."""
    try:
        return max(1, min(50, int((cell.attributes.get(name) or "1").strip())))
    except ValueError:
        return 1


def _table(table, builder: _Builder) -> None:
    """Table rows as row blocks, laid out on the table's grid: a cell that spans rows
    (rowspan) stands in each row it spans, a cell that spans columns (colspan) fills the first
    of them and leaves the others empty, so every row's cells stand under their own header.
    A line break inside a cell stays in ``cells`` as "\n" (lists written one per line)."""
    builder.table_count += 1
    carried: dict[int, list] = {}  # column -> [text, rows it still spans]
    for row in table.css("tr"):
        if _closest_table(row) is None or _closest_table(row).mem_id != table.mem_id:
            continue  # rows of a nested table are read with that table
        cells = [c for c in row.iter(include_text=False) if c.tag in ("td", "th")]
        if not cells:
            continue
        grid: dict[int, str] = {column: text for column, (text, _) in carried.items()}
        started: dict[int, list] = {}
        links, codes = [], []
        column = 0
        for cell in cells:
            while column in grid:
                column += 1
            inline = _Inline(keep_breaks=True)
            inline.add(cell)
            text = inline.text.strip()
            links.extend((t, h, o, column) for t, h, o in inline.links)
            codes.extend(inline.codes)
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            for extra in range(colspan):
                grid[column + extra] = "" if extra else text
                if rowspan > 1:
                    started[column + extra] = ["" if extra else text, rowspan - 1]
            column += colspan
        for at in list(carried):
            carried[at][1] -= 1
            if carried[at][1] <= 0:
                del carried[at]
        carried.update(started)
        texts = [grid.get(i, "") for i in range(max(grid) + 1)]
        offsets, offset = [], 0
        for text in texts:
            offsets.append(offset)
            offset += len(text) + 3
        row_links = [(t, h, offsets[c] + o) for t, h, o, c in links]
        header = all(c.tag == "th" for c in cells) or (row.parent is not None and row.parent.tag == "thead")
        builder.emit("row", " | ".join(texts).replace("\n", " "), row_links, codes, cells=tuple(texts), header=header,
                     table=builder.table_count)


def _closest_table(node):
    parent = node.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent


def read_html(html: str, source: str, url: Optional[str] = None, kind: str = "html") -> Document:
    """Read an HTML page into a Document."""
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = " ".join(title_node.text(deep=True).split()) if title_node else None
    builder = _Builder(source)
    root = tree.body or tree.root
    if root is not None:
        _walk(root, builder)
    document = Document(source=source, kind=kind, text="".join(builder.parts), blocks=builder.blocks,
                        links=builder.links, title=title or None, url=url)
    if builder.truncated:
        document.warnings.append(f"section cut off: {source} has more than {MAX_TEXT_CHARS:,} characters of text; the rest was not read")
    if not document.title:
        document.title = next((b.text for b in builder.blocks if b.kind == "heading"), None)
    return document
