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
