"""Property tests: arbitrary input never crashes the parser, and evidence always points into it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cookieaudit.errors import InputError
from cookieaudit.statement import Declaration, parse_statement, parse_text
from cookieaudit.statement.html_reader import read_html
from cookieaudit.statement.parser import parse_document

# Pieces real statements are made of, so generated text reaches deep into the parser.
PIECES = st.sampled_from([
    "Cookies", "Cookieverklaring", "Welke cookies gebruiken wij?", "Wat zijn cookies?", "# Cookies", "## ", "\n", "\n\n",
    " • ", "- ", "1. ", "| Naam | Aanbieder | Doel | Bewaartermijn |", "| --- | --- |", "|", "\t",
    "NaamAanbiederDoelVervaltermijnType", "_gaGoogle AnalyticsRegistreert.2 jaarHTTP Cookie",
    "_ga", "_vis_opt_*", "IpsosSurveyCookie", "<id>", "#", "xxx", "(", ")", ":", ".", ",", "`",
    "beginnend met", "starting with", "en", "and", "Cookies voor", "cookies om te meten",
    "24 maanden", "twee jaar", "1 day – 13 months", "Max. 2 years", "30 minutes", "sessie", "persistent",
    "zowel sessie- als persistent", "binnen 4 weken", "alleen", "geen", "tracking cookies",
    "analytische cookies", "functionele", "toestemming", "IP-adres wordt niet opgeslagen",
    "zie onze cookieverklaring", "[cookies](/cookies)", "https://example.nl/cookies", "Google", "DigiD", "HotJar",
    "Wij gebruiken", "We use", "worden verwijderd bij het afsluiten van de browser", "**", "é", "\u202e", "\x00",
])
STATEMENTS = st.one_of(st.text(max_size=400), st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=60).map("".join))


def _evidence_is_in(declaration: Declaration, text: str) -> None:
    """Every evidence position lies inside ``text`` and matches its quoted text."""
    evidences = [i.evidence for i in (*declaration.cookies, *declaration.services)] + declaration.claims.evidence
    for evidence in evidences:
        position = evidence.position
        assert 0 <= position.char_start <= position.char_end <= len(text)
        quoted = " ".join(text[position.char_start:position.char_end].split())
        assert evidence.text == quoted.replace("**", "").replace("`", "")


@given(STATEMENTS)
def test_arbitrary_text_never_crashes(text):
    """Any text parses to a declaration whose evidence points into that text."""
    declaration = parse_text(text)
    assert isinstance(declaration, Declaration)
    _evidence_is_in(declaration, text)
    for cookie in declaration.cookies:
        assert cookie.pattern and cookie.match in ("exact", "prefix", "glob")
        assert cookie.max_age_days is None or cookie.max_age_days > 0


@given(STATEMENTS)
def test_parsing_is_deterministic(text):
    """The same text gives the same JSON twice."""
    assert parse_text(text).model_dump_json() == parse_text(text).model_dump_json()


@given(st.lists(st.one_of(PIECES, st.sampled_from(["<table>", "<tr>", "<td>", "<th>", "</td>", "<h2>", "</h2>",
                                                    "<li>", "<ul>", "<p>", "<a href='/c'>", "</a>", "<code>",
                                                    "<div role=dialog>", "<script>", "<br>", "&lt;"])), max_size=60).map("".join))
def test_arbitrary_html_never_crashes(html):
    """Any HTML-ish text reads into a document whose blocks lie inside its text."""
    document = read_html(html, "page.html")
    for block in document.blocks:
        assert 0 <= block.start <= block.end <= len(document.text)
    parse_document(document)


@given(st.binary(max_size=600))
def test_arbitrary_files_parse_or_fail_in_one_line(tmp_path_factory, data):
    """Any file content is either parsed or refused with an InputError of one line."""
    path = tmp_path_factory.mktemp("prop") / "statement.txt"
    path.write_bytes(data)
    try:
        declaration = parse_statement(path)
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(declaration, Declaration)
