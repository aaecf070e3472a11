"""A tiny PDF writer for test fixtures: pages of Helvetica text lines, hand-coded PDF syntax.

Real PDF (objects, content streams, cross-reference table) that pypdf parses like any
other; no extra dependency. ``image_only_pdf`` makes a page with an image and no text, as a
scanned statement is.
"""

from __future__ import annotations

import zlib
from pathlib import Path


def _escape(text: str) -> bytes:
    data = text.encode("cp1252")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages show the given lines top to bottom; an empty string leaves a gap."""
    page_count = len(pages)
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: pages (filled below)
    font_number = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        stream = bytearray(b"BT /F1 10 Tf 50 800 Td 14 TL\n")
        for line in lines:
            stream += b"(" + _escape(line) + b") Tj T*\n" if line else b"T*\n"
        stream += b"ET"
        content_number = len(objects) + 1
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + bytes(stream) + b"\nendstream")
        page_number = len(objects) + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
            % (font_number, content_number)
        )
        kids.append(page_number)
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % page_count
    return _assemble(objects)


def image_only_pdf() -> bytes:
    """One page showing a small grey image and no text, like a scanned letter."""
    pixels = zlib.compress(bytes([128]) * (8 * 8))
    image = b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream"
    content = b"q 400 0 0 400 100 300 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        image,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    return _assemble(objects)


def print_html_pdfs(folder: Path, pdfs: dict[str, tuple[str, bool]]) -> None:
    """Print each HTML file in ``folder`` to a PDF in its parent, as a browser's "save as PDF"
    does: ``pdfs`` maps source HTML -> (target PDF, tagged with a structure tree)."""
    from cookieaudit._aio import run_sync

    async def print_all() -> None:
        from playwright.async_api import async_playwright

        from cookieaudit.browser_discovery import find_browser, standard_switches

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=find_browser(), args=standard_switches())
            try:
                page = await browser.new_page()
                for source, (target, tagged) in pdfs.items():
                    await page.goto((folder / source).as_uri())
                    await page.pdf(path=str(folder.parent / target), format="A4", print_background=False,
                                   prefer_css_page_size=True, tagged=tagged)
                    print(folder.parent / target)
            finally:
                await browser.close()

    run_sync(print_all)
