"""CLI input handling that needs no browser: --url @file lists."""

from __future__ import annotations

import pytest

from cookieaudit.cli.scan_cmd import _read_urls
from cookieaudit.errors import InputError


def test_url_file_lists(tmp_path):
    """@file gives one URL a line; blank lines and # comments are skipped; plain values pass through."""
    listing = tmp_path / "pagina's.txt"
    listing.write_text("# vaste pagina's\nhttps://www.denhaag.nl/afval\n\n  https://www.denhaag.nl/parkeren  \n")
    assert _read_urls(("https://www.denhaag.nl/contact", f"@{listing}")) == [
        "https://www.denhaag.nl/contact", "https://www.denhaag.nl/afval", "https://www.denhaag.nl/parkeren"]


def test_missing_url_file_is_input_error(tmp_path):
    """A missing @file is an InputError naming the file."""
    with pytest.raises(InputError, match="missing.txt"):
        _read_urls((f"@{tmp_path / 'missing.txt'}",))


def test_url_file_in_utf16_with_bom(tmp_path):
    """A list saved as Windows "Unicode" (UTF-16 with a BOM) is read, not a UnicodeDecodeError traceback."""
    listing = tmp_path / "urls.txt"
    listing.write_bytes("\ufeffhttps://www.denhaag.nl/afval\r\n# x\r\nhttps://www.denhaag.nl/parkeren\r\n".encode("utf-16-le"))
    assert _read_urls((f"@{listing}",)) == ["https://www.denhaag.nl/afval", "https://www.denhaag.nl/parkeren"]
    binary = tmp_path / "urls.bin"
    binary.write_bytes(b"\x00\x01\x02https://x")
    with pytest.raises(InputError, match="urls.bin: not a text file"):
        _read_urls((f"@{binary}",))
