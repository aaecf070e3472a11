"""The structure every source is read into: one text, cut into headings, paragraphs,
list items and table rows, each with its place in that text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

__all__ = ["Block", "Document", "Link", "line_of"]

BlockKind = Literal["heading", "paragraph", "item", "row"]


@dataclass
class Block:
    """A piece of the document; ``text`` is ``document.text[start:end]`` with whitespace flattened."""

    kind: BlockKind
    start: int
    end: int
    text: str
    level: int = 0  # heading level 1-6; 0 when the format does not say (plain text)
    cells: tuple[str, ...] = ()  # table rows: the cell texts
    header: bool = False  # a table's header row
    table: Optional[int] = None  # rows of one table share this number
    code: tuple[str, ...] = ()  # spans the source marked as code (`…`, <code>): strong name candidates
    confidence: float = 1.0  # table rows: below 1 when the cells were cut apart by a guess


@dataclass
class Link:
    """A hyperlink in the source: its visible text and target as written."""

    text: str
    href: str
    start: int = 0


@dataclass
class Document:
    """A source read into text plus structure."""

    source: str
    kind: str
    text: str
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    title: Optional[str] = None
    url: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    _line_starts: Optional[list[int]] = None

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            position = find("\n")
            while position != -1:
                starts.append(position + 1)
                position = find("\n", position + 1)
            self._line_starts = starts
        return line_of(self._line_starts, offset)


def line_of(line_starts: list[int], offset: int) -> int:
    """Binary search of ``offset`` in a sorted list of line starts."""
    import bisect

    return bisect.bisect_right(line_starts, offset)
