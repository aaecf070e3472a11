"""Text of a tagged PDF read from its structure tree (Table/TR/TH/TD, headings, paragraphs).

A PDF tagged for accessibility (Dutch and Belgian public-sector PDFs often are; Chromium's
"save as PDF" tags too) says which text belongs to which table cell, so a table whose narrow
columns wrap names and purposes over several lines is read cell by cell rather than from word
positions. The tree is rendered as Markdown-like text (``#`` headings, paragraphs, pipe
tables) for the plain-text reader. Marked content is tied to its text through the ``MCID`` of
each ``BDC`` operator while pypdf extracts the page.
"""

from __future__ import annotations

import re
from typing import Optional

from .runtogether import column_role, table_names_ok
from .vendors import known_cookie

__all__ = ["tagged_text"]

MAX_ELEMENTS = 50_000  # a hostile tree is cut off here
MAX_DEPTH = 60
_HEADING = re.compile(r"/H([1-6])?$")
_BLOCKS = {"/P", "/H", "/Caption", "/Lbl", "/LBody", "/BlockQuote", "/Quote", "/Note", "/TOCI", "/Code", "/Form"}
_ROW_GROUPS = {"/THead", "/TBody", "/TFoot"}
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}


def _resolve(obj):
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _marked_text(reader) -> dict[tuple[int, int], str]:
    """(page index, MCID) -> the text drawn inside that marked-content sequence."""
    texts: dict[tuple[int, int], list[str]] = {}
    for number, page in enumerate(reader.pages):
        stack: list[Optional[int]] = []

        def before(operator, operands, cm, tm, stack=stack):
            if operator == b"BDC":
                properties = _resolve(operands[1]) if len(operands) > 1 else None
                mcid = properties.get("/MCID") if hasattr(properties, "get") else None
                stack.append(int(mcid) if isinstance(mcid, int) else (stack[-1] if stack else None))
            elif operator == b"BMC":
                stack.append(stack[-1] if stack else None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(value, cm, tm, font, size, stack=stack, number=number):
            if value and stack and stack[-1] is not None:
                texts.setdefault((number, stack[-1]), []).append(value)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {key: "".join(parts) for key, parts in texts.items()}


class _Tree:
    """Walks the structure tree once, collecting text per element within the limits."""

    def __init__(self, reader, marked: dict[tuple[int, int], str]):
        self.marked = marked
        self.pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)
                      if getattr(page, "indirect_reference", None) is not None}
        self.seen = 0

    def page_of(self, element, inherited: Optional[int]) -> Optional[int]:
        reference = element.get("/Pg") if hasattr(element, "get") else None
        if reference is not None and hasattr(reference, "idnum"):
            return self.pages.get(reference.idnum, inherited)
        return inherited

    def kids(self, element) -> list:
        kids = element.get("/K") if hasattr(element, "get") else None
        if kids is None:
            return []
        kids = _resolve(kids)
        return list(kids) if isinstance(kids, list) else [kids]

    def lines(self, element, page: Optional[int], depth: int = 0) -> list[str]:
        """The text under an element, one entry per marked-content piece, in tree order."""
        self.seen += 1
        if depth > MAX_DEPTH or self.seen > MAX_ELEMENTS:
            return []
        page = self.page_of(element, page)
        out: list[str] = []
        for kid in self.kids(element):
            kid = _resolve(kid)
            if isinstance(kid, int):
                if page is not None and (page, kid) in self.marked:
                    out.append(self.marked[(page, kid)])
            elif hasattr(kid, "get"):
                if kid.get("/Type") == "/MCR":
                    mcid = kid.get("/MCID")
                    at = self.page_of(kid, page)
                    if isinstance(mcid, int) and at is not None and (at, mcid) in self.marked:
                        out.append(self.marked[(at, mcid)])
                elif kid.get("/S") is not None:
                    out.extend(self.lines(kid, page, depth + 1))
        return out


def _clean(text: str) -> str:
    return "".join(_LIGATURES.get(c, c) for c in text)


def _flat(pieces: list[str]) -> str:
    return " ".join(_clean(" ".join(pieces)).split())


def _name_cell(pieces: list[str]) -> str:
    """A name cell's lines: a name broken inside a narrow column ("BIGipServer~IVK~p" /
    "ool_loket_443", "_pk_id.<site-id>.<" / "hash>") is glued back; names one per line that
    stand alone ("_ga" / "_gid", known to the rule set or sharing a stem) stay apart."""
    lines = [line.strip() for line in _clean("\n".join(pieces)).split("\n") if line.strip()]
    out: list[str] = []
    for line in lines:
        if out and " " not in out[-1] and " " not in line and not out[-1].endswith((",", ";")) \
                and not _separate_names(out[-1], line):
            out[-1] += line
        else:
            out.append(line)
    return " ".join(out)


def _separate_names(previous: str, piece: str) -> bool:
    if known_cookie(piece, exact_only=True) is not None or known_cookie(previous, exact_only=True) is not None:
        return True
    if piece.startswith(("<", "_<", "{", "[")) or previous.endswith(("<", "-", ".", "_", "~", "/")):
        return False  # a placeholder or a name broken at its separator
    if not (table_names_ok(previous) and table_names_ok(piece)):
        return False
    stem = re.match(r"[A-Za-z]+[_.-]", previous)
    return bool(stem) and piece.startswith(stem.group(0))


def _table(tree: _Tree, element, page: Optional[int], depth: int) -> list[str]:
    """Pipe rows of a Table element (its caption first, as a paragraph)."""
    rows: list[tuple[list, bool]] = []  # (cell elements, all header cells)
    caption: list[str] = []

    def collect(node, at, level):
        if level > MAX_DEPTH:
            return
        at = tree.page_of(node, at)
        for kid in tree.kids(node):
            kid = _resolve(kid)
            if not hasattr(kid, "get") or kid.get("/S") is None:
                continue
            kind = kid.get("/S")
            if kind == "/TR":
                cells = [(_resolve(c), tree.page_of(kid, at)) for c in tree.kids(kid)]
                cells = [(c, p) for c, p in cells if hasattr(c, "get") and c.get("/S") in ("/TD", "/TH")]
                if cells:
                    rows.append((cells, all(c.get("/S") == "/TH" for c, _ in cells)))
            elif kind in _ROW_GROUPS:
                collect(kid, at, level + 1)
            elif kind == "/Caption":
                caption.append(_flat(tree.lines(kid, at, level + 1)))

    collect(element, page, depth)
    if not rows:
        return caption
    header_cells = rows[0][0]
    header = [_flat(tree.lines(c, p, depth + 2)) for c, p in header_cells]
    roles = [column_role(text) for text in header]
    out = [*caption]
    lines = []
    for number, (cells, _) in enumerate(rows):
        texts = []
        for index, (cell, at) in enumerate(cells):
            pieces = tree.lines(cell, at, depth + 2)
            name_column = number > 0 and index < len(roles) and roles[index] == "name"
            texts.append((_name_cell(pieces) if name_column else _flat(pieces)).replace("|", "/"))
        lines.append("| " + " | ".join(texts) + " |")
        if number == 0:
            lines.append("|" + " --- |" * len(texts))
    out.append("\n".join(lines))
    return out


def _render(tree: _Tree, element, page: Optional[int], depth: int, out: list[str]) -> None:
    if depth > MAX_DEPTH or tree.seen > MAX_ELEMENTS:
        return
    page = tree.page_of(element, page)
    kind = element.get("/S")
    heading = _HEADING.match(str(kind)) if kind is not None else None
    if kind == "/Table":
        out.extend(_table(tree, element, page, depth))
        return
    if heading:
        text = _flat(tree.lines(element, page, depth))
        if text:
            out.append("#" * int(heading.group(1) or 2) + " " + text)
        return
    if kind in _BLOCKS or kind == "/LI":
        text = _flat(tree.lines(element, page, depth))
        if text:
            out.append(("- " if kind == "/LI" else "") + text)
        return
    pending: list[str] = []  # marked content directly under a container: a paragraph of its own
    for kid in tree.kids(element):
        kid = _resolve(kid)
        if hasattr(kid, "get") and kid.get("/S") is not None:
            if pending:
                out.append(_flat(pending))
                pending = []
            _render(tree, kid, page, depth + 1, out)
        elif isinstance(kid, int) and page is not None and (page, kid) in tree.marked:
            pending.append(tree.marked[(page, kid)])
    if pending:
        out.append(_flat(pending))


def _has_table(element, depth: int = 0, budget: list[int] | None = None) -> bool:
    budget = budget if budget is not None else [MAX_ELEMENTS]
    budget[0] -= 1
    if depth > MAX_DEPTH or budget[0] < 0 or not hasattr(element, "get"):
        return False
    if element.get("/S") == "/Table":
        return True
    kids = element.get("/K")
    kids = _resolve(kids) if kids is not None else []
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = _resolve(kid)
        if hasattr(kid, "get") and (kid.get("/S") is not None or kid.get("/K") is not None) and _has_table(kid, depth + 1, budget):
            return True
    return False


def tagged_text(reader) -> Optional[str]:
    """The document's text from its structure tree when it is tagged and holds a table; None
    otherwise (an untagged PDF is read from its pages)."""
    root = _resolve(reader.trailer["/Root"])
    tree_root = _resolve(root.get("/StructTreeRoot")) if hasattr(root, "get") else None
    if tree_root is None or not _has_table(tree_root):
        return None
    tree = _Tree(reader, _marked_text(reader))
    out: list[str] = []
    _render(tree, tree_root, None, 0, out)
    text = "\n\n".join(part for part in out if part.strip())
    return text if text.strip() else None
