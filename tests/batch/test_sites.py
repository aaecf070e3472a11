"""Site lists: text and CSV, checked line by line before anything is scanned."""

from __future__ import annotations

import pytest

from cookieaudit.batch.sites import folder_name, parse_site_list, read_site_list
from cookieaudit.errors import InputError


def test_text_list_skips_blanks_and_comments_and_completes_urls():
    specs = parse_site_list("# gemeenten\nwww.denhaag.nl\n\n  https://www.utrecht.nl/nl/  \nhttp://www.zwolle.nl\n", as_csv=False)
    assert [s.site for s in specs] == ["https://www.denhaag.nl/", "https://www.utrecht.nl/nl", "http://www.zwolle.nl/"]
    assert [s.line for s in specs] == [2, 4, 5]
    assert [s.index for s in specs] == [0, 1, 2]
    assert all(s.statement == () and s.pages is None and s.name == "" for s in specs)


def test_csv_list_with_every_column(tmp_path):
    statement = tmp_path / "verklaringen" / "utrecht.html"
    statement.parent.mkdir()
    statement.write_text("<h1>Cookies</h1>", encoding="utf-8")
    text = ("name;site;statement;pages;provincie\n"
            "Den Haag;www.denhaag.nl;https://www.denhaag.nl/nl/cookies https://www.denhaag.nl/nl/privacy;50;Zuid-Holland\n"
            "Utrecht;https://www.utrecht.nl/;verklaringen/utrecht.html;;Utrecht\n"
            "Zwolle;www.zwolle.nl;none;5;Overijssel\n"
            "Assen;www.assen.nl;AUTO;;Drenthe\n")
    path = tmp_path / "gemeenten.csv"
    path.write_text(text, encoding="utf-8")
    specs = read_site_list(path)
    assert [s.name for s in specs] == ["Den Haag", "Utrecht", "Zwolle", "Assen"]
    assert specs[0].statement == ("https://www.denhaag.nl/nl/cookies", "https://www.denhaag.nl/nl/privacy")
    assert specs[0].pages == 50
    assert specs[1].statement == (str(statement),)  # relative to the list's folder, made absolute
    assert specs[2].statement == ("none",) and specs[2].pages == 5
    assert specs[3].statement == ("auto",)
    assert specs[3].statement_mode("none") == ("auto",) and specs[1].statement_mode("auto") == (str(statement),)
    assert [s.line for s in specs] == [2, 3, 4, 5]
    assert specs[0].extra == {"provincie": "Zuid-Holland"}


def test_csv_detected_by_its_header_and_quoted_cells(tmp_path):
    path = tmp_path / "lijst.txt"
    path.write_text('site,name\n"www.denhaag.nl","Den Haag, gemeente"\n', encoding="utf-8")
    [spec] = read_site_list(path)
    assert spec.site == "https://www.denhaag.nl/" and spec.name == "Den Haag, gemeente"


def test_bad_lines_become_invalid_specs_with_their_reason(tmp_path):
    path = tmp_path / "fout.csv"
    path.write_text("name,site,pages,statement\nDen Haag,www.denhaag.nl,20,\nX,niet een url,,\nY,www.utrecht.nl,veel,\n"
                    "Z,ftp://www.zwolle.nl,,\nA,www.assen.nl,,ontbreekt.html\nE,www.ede.nl,,auto none\n", encoding="utf-8")
    specs = read_site_list(path)
    assert [s.line for s in specs] == [2, 3, 4, 5, 6, 7] and [s.index for s in specs] == list(range(6))
    assert specs[0].invalid is None and specs[0].folder == "www.denhaag.nl"
    for spec, words in zip(specs[1:], ("invalid URL", "whole number", "only http and https", "not found", "stand alone")):
        assert spec.invalid.startswith(f"line {spec.line}: ") and words in spec.invalid, spec
        assert spec.folder == "" and "\n" not in spec.invalid
    assert specs[1].site == "niet een url" and specs[1].name == "X"  # the line's own text, for its row


def test_a_list_without_one_valid_line_is_bad_input(tmp_path):
    path = tmp_path / "fout.txt"
    path.write_text("niet een url\nftp://www.zwolle.nl\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_site_list(path)
    assert "fout.txt:1: invalid URL" in str(raised.value) and "fout.txt:2: " in str(raised.value)


@pytest.mark.parametrize("text, words", [
    ("", "no sites"),
    ("# alleen commentaar\n", "no sites"),
    ("naam,url\nDen Haag,www.denhaag.nl\n", None),  # not a CSV without 'site': read as text, and fails as URLs
])
def test_empty_or_headless_lists(text, words):
    with pytest.raises(InputError) as raised:
        parse_site_list(text, "lijst")
    if words:
        assert words in str(raised.value)


def test_csv_without_site_column(tmp_path):
    path = tmp_path / "lijst.csv"
    path.write_text("naam,url\nDen Haag,www.denhaag.nl\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a 'site' column"):
        read_site_list(path)


def test_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read site list"):
        read_site_list(tmp_path / "nergens.txt")


def test_folders_are_stable_safe_and_unique():
    specs = parse_site_list("www.denhaag.nl\nhttps://www.denhaag.nl/\nhttps://www.denhaag.nl/nl/Home?x=1\n", as_csv=False)
    assert [s.folder for s in specs] == ["www.denhaag.nl", "www.denhaag.nl-2", "www.denhaag.nl_nl_home_x_1"]
    again = parse_site_list("www.denhaag.nl\nhttps://www.denhaag.nl/\nhttps://www.denhaag.nl/nl/Home?x=1\n", as_csv=False)
    assert [s.key for s in specs] == [s.key for s in again]
    assert len({s.key for s in specs}) == 3
    long = folder_name("https://www.example.nl/" + "a/" * 100)
    assert len(long) <= 80 and long.startswith("www.example.nl_a_a")
    assert folder_name("https://[::1]:8443/x") == "1_8443_x"


@pytest.mark.parametrize("encoding, bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                           ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00")])
def test_lists_saved_with_a_byte_order_mark_are_read(tmp_path, encoding, bom):
    """Windows' "Unicode" and PowerShell's Out-File save UTF-16 with a BOM; Excel's "CSV UTF-8" adds one."""
    path = tmp_path / "gemeenten.txt"
    path.write_bytes(bom + "# gemeenten: Súdwest-Fryslân, Den Haag\r\nwww.denhaag.nl\r\nhttps://sudwestfryslan.nl/\r\n".encode(encoding))
    specs = read_site_list(path)
    assert [s.site for s in specs] == ["https://www.denhaag.nl/", "https://sudwestfryslan.nl/"]
    assert [s.line for s in specs] == [2, 3] and all(s.invalid is None for s in specs)


def test_csv_with_bom_keeps_its_site_column(tmp_path):
    path = tmp_path / "gemeenten.csv"
    path.write_bytes(b"\xff\xfe" + "site;name\r\nwww.ede.nl;Ede\r\n".encode("utf-16-le"))
    [spec] = read_site_list(path)
    assert spec.site == "https://www.ede.nl/" and spec.name == "Ede"


def test_a_binary_list_is_one_clear_error(tmp_path):
    path = tmp_path / "lijst.xlsx"
    path.write_bytes(b"PK\x03\x04\x00\x00\x08\x00www.denhaag.nl")
    with pytest.raises(InputError, match="lijst.xlsx: not a text file"):
        read_site_list(path)


def test_a_comment_after_a_url_is_dropped():
    specs = parse_site_list("www.ede.nl   # Ede, Gelderland\nhttps://www.assen.nl/#main\n", as_csv=False)
    assert [s.site for s in specs] == ["https://www.ede.nl/", "https://www.assen.nl/"]  # a fragment is not a comment (normalised away)
    assert all(s.invalid is None for s in specs)


def test_repeated_sites_are_named():
    """A researcher's list with a site twice: both are scanned (their own folders), and the repeat is named."""
    from cookieaudit.batch.sites import repeated_lines

    specs = parse_site_list("www.ede.nl\nwww.assen.nl\n\nhttps://www.ede.nl/\nwww.ede.nl/nieuws\nwww.assen.nl\n", as_csv=False)
    assert repeated_lines(specs) == [
        "line 4 repeats line 1 (https://www.ede.nl/): scanned again into sites/www.ede.nl-2",
        "line 6 repeats line 2 (https://www.assen.nl/): scanned again into sites/www.assen.nl-2"]
    csv_specs = parse_site_list("site,pages\nwww.ede.nl,5\nwww.ede.nl,50\n")
    assert repeated_lines(csv_specs) == []  # other pages: a deliberate second run
