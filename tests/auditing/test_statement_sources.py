"""Reading the statement sources for an audit: which failures are the user's bad input (exit 2)
and which become statement-unreadable findings (the audit goes on), browser-free."""

from __future__ import annotations

import pytest

import cookieaudit.statement as statement_package
from cookieaudit.errors import InputError, SiteUnreachableError, StatementUnreadableError
from cookieaudit.run import check_sources, read_statements, statement_spec
from tests.auditing.factory import declaration, declared

URL = "https://www.voorbeeldstad.nl/privacy"


def test_statement_spec():
    assert statement_spec([]) is None
    assert statement_spec(["none"]).mode == "none"
    assert statement_spec(["a.html", URL]).sources == ("a.html", URL)
    with pytest.raises(InputError, match="cannot be combined"):
        statement_spec(["none", "a.html"])
    with pytest.raises(InputError, match="empty"):
        statement_spec([" "])


def test_missing_local_statement_is_bad_input(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        check_sources(statement_spec([str(tmp_path / "weg.pdf")]))
    check_sources(statement_spec([URL]))  # URLs are read later; a failure there is a finding


def test_saved_declaration_is_used_as_it_is(tmp_path):
    saved = tmp_path / "declaration.json"
    saved.write_text(declaration([declared("_ga")]).model_dump_json())
    reading = read_statements([str(saved)])
    assert [c.pattern for c in reading.declaration.cookies] == ["_ga"] and reading.unreadable == []
    with pytest.raises(InputError, match="cannot be combined"):
        read_statements([str(saved), URL])


@pytest.mark.parametrize("error", [
    StatementUnreadableError(URL, "the server answered HTTP 404"),
    InputError(f"{URL}: the server answered HTTP 404"),
    SiteUnreachableError(f"{URL}: unreachable (ERR_NAME_NOT_RESOLVED)"),
])
def test_unreadable_url_is_left_out_and_the_rest_is_read(error, tmp_path, monkeypatch):
    local = tmp_path / "privacy.txt"
    local.write_text("Cookies\n\nWij gebruiken alleen functionele cookies, zoals ASP.NET_SessionId.\n")
    calls = []
    original = statement_package.parse_statement_async

    async def fake(sources, **options):
        calls.append(list(sources))
        if URL in sources:
            raise error
        return await original(sources, **options)

    monkeypatch.setattr(statement_package, "parse_statement_async", fake)
    reading = read_statements([URL, str(local)])
    assert calls == [[URL, str(local)], [str(local)]]
    assert [(u.source, "404" in u.reason or "ERR_NAME" in u.reason) for u in reading.unreadable] == [(URL, True)]
    assert reading.declaration.claims.only_purposes == ["functional"]


def test_a_failing_followed_page_is_noted_and_following_stops(tmp_path, monkeypatch):
    followed = "https://www.voorbeeldstad.nl/cookieverklaring"
    seen = []

    async def fake(sources, follow=False, **options):
        seen.append(follow)
        if follow:
            raise SiteUnreachableError(f"{followed}: no answer within 30 s")
        return declaration([declared("_ga")])

    monkeypatch.setattr(statement_package, "parse_statement_async", fake)
    reading = read_statements([URL], follow=True)
    assert seen == [True, False]
    assert [u.source for u in reading.unreadable] == [followed] and reading.declaration is not None


def test_local_file_problems_stay_bad_input(tmp_path):
    empty = tmp_path / "leeg.txt"
    empty.write_text("")
    with pytest.raises(InputError, match="empty file"):
        read_statements([str(empty)])


def test_a_fault_in_the_reader_becomes_unreadable_not_a_traceback(tmp_path, monkeypatch):
    async def broken(sources, **options):
        raise RuntimeError("onverwacht")

    monkeypatch.setattr(statement_package, "parse_statement_async", broken)
    reading = read_statements([URL])
    assert reading.declaration is None
    assert [(u.source, u.reason) for u in reading.unreadable] == [
        (URL, "the statement reader failed: RuntimeError: onverwacht")]
