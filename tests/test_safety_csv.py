"""csv_safe: spreadsheet formulas in site-controlled cells are defused."""

from cookieaudit.safety import csv_safe


def test_formula_starts_get_an_apostrophe():
    for text in ("=1+1", "+31 70 123", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("https://evil.example","x")'):
        assert csv_safe(text) == "'" + text


def test_other_values_are_unchanged():
    for value in ("_ga", "Den Haag", "", "a=b", " =1", 3, -3, 2.5):
        assert csv_safe(value) == value
