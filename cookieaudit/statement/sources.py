"""Reading one source (a file path or a URL) into a :class:`Document`.

Files are recognised by content first (``%PDF``, an HTML root) and extension second;
anything with NUL bytes that is not a PDF is refused as binary. Oversized inputs are read
up to a limit and carry a warning, so a huge file is bounded, never a hang.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from ..errors import InputError
from .document import Document
from .text_reader import read_text

__all__ = ["MAX_FILE_BYTES", "MAX_TEXT_CHARS", "is_url", "load_file", "document_from_text"]

from .sources_limits import MAX_FILE_BYTES, MAX_TEXT_CHARS
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|h[1-6]|table)\b",
                         re.IGNORECASE | re.DOTALL)


def is_url(source: str) -> bool:
    """Whether a source is an http(s) URL rather than a path."""
    return bool(re.match(r"^https?://", source, re.IGNORECASE))


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # cut inside a character by the size limit
            return data[: exc.start].decode("utf-8")
        return data.decode("cp1252", errors="replace")


def document_from_text(text: str, source: str, kind: str = "text") -> Document:
    """A Document from text already in memory (plain text or Markdown), bounded in size."""
    warnings = []
    if len(text) > MAX_TEXT_CHARS:
        warnings.append(f"section cut off: {source} is {len(text):,} characters; only the first {MAX_TEXT_CHARS:,} were read")
        text = text[:MAX_TEXT_CHARS]
    document = read_text(text, source, kind)
    document.warnings.extend(warnings)
    return document


def load_file(path_text: str, display: Optional[str] = None) -> Document:
    """Read a file of any supported kind; InputError (one line) when it cannot be used."""
    display = display or path_text
    path = Path(path_text)
    try:
        if path.is_dir():
            raise InputError(f"{display}: is a directory, not a statement file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"{display}: file too large ({size:,} bytes; limit {MAX_FILE_BYTES:,})")
        with path.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputError(f"{display}: no such file") from None
    except PermissionError:
        raise InputError(f"{display}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{display}: cannot read ({exc.strerror or exc})") from None
    if not data.strip():
        raise InputError(f"{display}: empty file")
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        from .pdf_reader import read_pdf

        return read_pdf(data, display)
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{display}: binary file, not a text, Markdown, HTML or PDF statement")
    if suffix in (".html", ".htm", ".xhtml") or _HTML_START.match(head):
        from .html_reader import read_html

        return read_html(_decode(data), display)
    text = _decode(data)
    if _looks_binary(text):
        raise InputError(f"{display}: binary file, not a text, Markdown, HTML or PDF statement")
    kind = "markdown" if suffix in (".md", ".markdown", ".mdown") else "text"
    return document_from_text(text, display, kind)


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    odd = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    return odd / len(sample) > 0.1
