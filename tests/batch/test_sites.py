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


def test_every_bad_line_is_reported_at_once(tmp_path):
    path = tmp_path / "fout.csv"
    path.write_text("site,pages,statement\nwww.denhaag.nl,20,\nniet een url,,\nwww.utrecht.nl,veel,\n"
                    "ftp://www.zwolle.nl,,\nwww.assen.nl,,ontbreekt.html\nwww.ede.nl,,auto none\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_site_list(path)
    message = str(raised.value)
    for line, words in ((3, "invalid URL"), (4, "whole number"), (5, "only http and https"), (6, "not found"),
                        (7, "stand alone")):
        assert f"fout.csv:{line}: " in message and words in message
    assert "fout.csv:2:" not in message
    assert "\n" not in message


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
