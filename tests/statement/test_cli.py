"""``cookieaudit statement``: output formats, -o, and bad input as one line with an exit code."""

from __future__ import annotations

import json

import pytest

from cookieaudit.cli import main

from .pdfmaker import image_only_pdf


def _run(capsys, *argv) -> tuple[int, str, str]:
    """Run the CLI; (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def test_json_output_has_exactly_the_declaration_keys(capsys, fixtures_dir):
    """--format json prints the declaration with its six top-level keys, items with evidence."""
    code, out, _ = _run(capsys, "statement", str(fixtures_dir / "nl_cmp_runtogether.txt"), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert list(data) == ["language", "sources", "cookies", "services", "claims", "warnings"]
    assert data["cookies"][0]["pattern"] == "CookieConsent"
    assert set(data["cookies"][0]["evidence"]) == {"text", "source", "position", "section"}
    assert set(data["cookies"][0]["evidence"]["position"]) == {"line", "char_start", "char_end"}


def test_table_output_lists_cookies_services_claims_warnings(capsys, fixtures_dir):
    """The default table shows each part with its title when piped."""
    code, out, _ = _run(capsys, "statement", str(fixtures_dir / "nl_cookieverklaring.html"))
    assert code == 0
    for title in ("# Declared cookies", "# Declared services", "# Claims", "# Warnings"):
        assert title in out
    assert "CookieConsent\texact\tCookiebot\tfunctional\tpersistent\t730" in out
    assert "excluded_purposes\tmarketing" in out


def test_output_file(capsys, fixtures_dir, tmp_path):
    """-o writes the JSON to a file and nothing to stdout."""
    target = tmp_path / "declaration.json"
    code, out, _ = _run(capsys, "statement", str(fixtures_dir / "en_cookie_policy.md"), "--format", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["language"] == "en"


def test_hostile_names_are_terminal_safe(capsys, tmp_path):
    """Control and bidi characters from the statement never reach the terminal in table output."""
    source = tmp_path / "evil.md"
    source.write_text("# Cookies\n\n| Name | Provider | Expiry |\n| --- | --- | --- |\n"
                      "| _evil_id | Evil\x1b[31mCorp\u202e | 1 year |\n", encoding="utf-8")
    code, out, _ = _run(capsys, "statement", str(source))
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out
    assert "_evil_id\texact\tEvil?[31mCorp?" in out


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "empty file"),
    (b"   \n\n ", "empty file"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00" * 20, "binary file"),
    (image_only_pdf(), "no text in PDF (scanned image?)"),
    (b"%PDF-1.4\nthis is not really a pdf", "not a readable PDF"),
])
def test_bad_files_give_one_line_and_exit_2(capsys, tmp_path, content, message):
    """Missing, empty, binary, image-only and broken files: one error line, exit code 2, no traceback."""
    path = tmp_path / "statement.pdf" if content and content.startswith(b"%PDF") else tmp_path / "statement.txt"
    if content is not None:
        path.write_bytes(content)
    code, out, err = _run(capsys, "statement", str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("cookieaudit: error: ") and message in err
    assert "Traceback" not in err


def test_a_directory_is_bad_input(capsys, tmp_path):
    """A directory given as a statement is refused in one line."""
    code, _, err = _run(capsys, "statement", str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_huge_statement_is_bounded_with_a_warning(capsys, tmp_path):
    """A 20 MB statement is read up to the limit, with a warning (the text beyond the limit is
    never parsed; its speed is measured by benchmarks/statement_bench.py, not by a timed test)."""
    paragraph = ("Wij verwerken persoonsgegevens zorgvuldig en bewaren ze niet langer dan nodig. " * 12 + "\n\n")
    head = "Cookies\n\nWij gebruiken alleen functionele cookies, zoals _session_id (sessie).\n\n"
    path = tmp_path / "huge.txt"
    path.write_text(head + paragraph * (20_000_000 // len(paragraph)), encoding="utf-8")
    code, out, _ = _run(capsys, "statement", str(path), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [c["pattern"] for c in data["cookies"]] == ["_session_id"]
    assert any(w.startswith("section cut off:") for w in data["warnings"])
    assert data["sources"][0]["characters"] <= 2_000_000


@pytest.mark.browser
def test_unreachable_url_exits_3(capsys, chromium_path):
    """A URL whose server refuses the connection: one line, exit code 3."""
    code, out, err = _run(capsys, "statement", "https://127.0.0.1:9/privacy", "--timeout", "10")
    assert code == 3 and out == ""
    assert err.startswith("cookieaudit: error: https://127.0.0.1:9/privacy: unreachable")
