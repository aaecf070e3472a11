"""PDF statements: text extracted with pypdf, then read like plain text.

A PDF without extractable text (a scan) is refused with one line rather than read as an
empty statement.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Optional

from ..errors import InputError
from .document import Document
from .pdf_structure import tagged_text
from .sources_limits import MAX_TEXT_CHARS
from .text_reader import read_text
from .runtogether import table_names_ok
from .text_tables import aligned_header_end, aligned_table_spans

__all__ = ["read_pdf"]

MAX_PAGES = 500


_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")
_BULLET = re.compile(r"^\s*(?:[•·▪◦●■–*-]|\d{1,2}[.)])\s")
_SENTENCE_END = re.compile(r"[.:;!?]\s*$")
_BULLET_OR_CAPITAL = re.compile(r"^\s*(?:[•·▪◦●■–*-]\s|\d{1,2}[.)]\s|[A-ZÀ-Ý0-9\"'‘“(])")
# Typographic ligatures that PDF text gives as one character, spelt out in running text.
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
_LIGATURE = re.compile("[" + "".join(_LIGATURES) + "]")


def separate_headings(text: str) -> str:
    """Blank lines around lines that read as headings: PDF text loses the vertical gaps.

    A heading line is short, has no closing punctuation, follows a line that ended a
    sentence (or another heading), and is followed by a line starting a new sentence.
    """
    from .text_reader import looks_like_heading

    lines = text.split("\n")
    out: list[str] = []
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index else ""
        following = lines[index + 1] if index + 1 < len(lines) else ""
        starts_block = index == 0 or not previous.strip() or _SENTENCE_END.search(previous) or looks_like_heading(previous)
        if line.strip() and starts_block and looks_like_heading(line) and not _BULLET.match(line) \
                and (not following.strip() or _BULLET_OR_CAPITAL.match(following)):
            if out and out[-1].strip():
                out.append("")
            out.append(line)
            out.append("")
            continue
        out.append(line)
    return "\n".join(out)



def _page_text(page, carried_header: Optional[list[str]] = None) -> tuple[str, Optional[list[str]]]:
    """A page's text, and the header of a table that runs on to the next page (or None).

    Where the page holds a table, pypdf's layout mode keeps its columns aligned (a wrapped cell
    continues under its own column), so the table is read from word positions; the rest of the
    page is read as plain lines. A page that starts with rows of a table begun on the page
    before is read under that table's header."""
    plain = _LIGATURE.sub(lambda m: _LIGATURES[m.group()], page.extract_text() or "")
    if not plain.strip():
        return "", None
    try:
        layout = page.extract_text(extraction_mode="layout") or ""
    except Exception:  # layout mode is a help: a page it cannot lay out is read as plain text
        return separate_headings(plain), None
    lines = [line.rstrip() for line in layout.split("\n")]  # ligatures kept: they hold one column place
    if carried_header is not None:
        first = next((line for line in lines if line.strip()), "")
        cells = [c for c in re.split(r"\s{2,}", first.strip()) if c]
        if len(cells) >= 2 and table_names_ok(cells[0]):
            at = lines.index(first)
            lines[at:at] = carried_header
    spans = aligned_table_spans(lines)
    if not spans:
        return separate_headings(plain), None
    parts: list[str] = []
    position = 0
    for first, end in spans:
        prose = [_SPACES.sub(" ", line).strip() for line in lines[position:first]]
        parts.append(separate_headings("\n".join(prose)).strip("\n"))
        parts.append("\n".join(lines[first:end]))  # a lent header stays: the rows are read under it
        position = end
    parts.append(separate_headings("\n".join(_SPACES.sub(" ", line).strip() for line in lines[position:])).strip("\n"))
    runs_on = not any(line.strip() for line in lines[spans[-1][1]:])
    last = spans[-1][0]
    return "\n\n".join(part for part in parts if part.strip()), lines[last:aligned_header_end(lines, last) + 1] if runs_on else None


def read_pdf(data: bytes, source: str) -> Document:
    """Read a PDF's text into a Document; InputError when it has none or cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every small flaw
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{source}: encrypted PDF; save an unprotected copy first")
        pages = []
        carried: Optional[list[str]] = None  # the header lines of a table that runs on to the next page
        total = 0
        truncated = False
        for number, page in enumerate(reader.pages):
            if number >= MAX_PAGES or total > MAX_TEXT_CHARS:
                truncated = True
                break
            text, carried = _page_text(page, carried)
            pages.append(text)
            total += len(text)
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise InputError(f"{source}: not a readable PDF ({type(exc).__name__}: {' '.join(str(exc).split())[:120]})") from None
    text = "\n\n".join(page.strip("\n") for page in pages)
    if text.strip() and not truncated:
        try:
            # a tagged PDF's tables are read cell by cell from its structure tree
            text = tagged_text(reader) or text
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError):
            pass  # the tree is a help: a broken one leaves the text read from the pages
    if not text.strip():
        raise InputError(f"{source}: no text in PDF (scanned image?)")
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        truncated = True
    document = read_text(text, source, "pdf")
    if truncated:
        document.warnings.append(f"section cut off: {source} is too long; only the first part was read")
    return document
