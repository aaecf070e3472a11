"""Property tests (Hypothesis) of URL normalisation and of what keeps site strings from leaking."""

from __future__ import annotations

import json
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cookieaudit.errors import InputError
from cookieaudit.safety import SecretScrubber, json_terminal_safe, secret_like, strip_credentials, terminal_safe
from cookieaudit.scanner.cookiewrite import chromium_text, parse_header_line
from cookieaudit.scanner.crawl import normalize_url, validate_start_url

SETTINGS = settings(deadline=None, max_examples=150)
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
HOST = st.lists(LABEL, min_size=2, max_size=4).map(".".join)
PATH = st.lists(st.text(alphabet=st.characters(codec="ascii", exclude_characters="/?#%"), max_size=8), max_size=4)
URLS = st.builds(
    lambda scheme, host, port, path, query, fragment, slash: (
        f"{scheme}://{host}{port}/" + "/".join(quote(p, safe="") for p in path) + ("/" if slash else "")
        + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")),
    st.sampled_from(["http", "https", "HTTPS", "Http"]), HOST,
    st.sampled_from(["", ":443", ":80", ":8080"]), PATH,
    st.text(alphabet=st.characters(codec="ascii", exclude_characters="#"), max_size=12),
    st.text(max_size=8), st.booleans())


@SETTINGS
@given(st.text())
def test_normalize_never_raises_and_is_idempotent(text):
    """Any string: None or an http(s) URL that normalises to itself."""
    normalized = normalize_url(text)
    if normalized is not None:
        assert normalized.startswith(("http://", "https://"))
        assert normalize_url(normalized) == normalized
        assert "#" not in normalized


@SETTINGS
@given(URLS)
def test_spellings_of_one_page_normalise_alike(url):
    """Host case, default ports, fragments and a trailing slash do not make another page."""
    normalized = normalize_url(url)
    assert normalized is not None
    parts = urlsplit(normalized)
    assert parts.hostname == parts.hostname.lower() and not parts.fragment and not parts.username
    assert parts.port in (None, 8080) or parts.port != {"http": 80, "https": 443}[parts.scheme]
    scheme, rest = url.split("://", 1)
    host, _, tail = rest.partition("/")
    assert normalize_url(f"{scheme.lower()}://{host.upper()}/{tail}") == normalized
    assert normalize_url(normalized + "#x") == normalized
    assert normalize_url(normalized, "https://elders.nl/a/b") == normalized  # absolute URLs ignore the base


@SETTINGS
@given(st.text(max_size=80))
def test_start_url_is_valid_or_one_input_error(text):
    """A start URL is accepted (and normalised) or refused with InputError, never anything else."""
    try:
        url = validate_start_url(text)
    except InputError:
        return
    assert normalize_url(url) == url


@SETTINGS
@given(st.text(min_size=8, max_size=60).filter(secret_like), st.text(max_size=40), st.text(max_size=40))
def test_scrubbed_text_never_contains_the_value(value, before, after):
    """An observed value is gone from any text around it, raw or URL-encoded."""
    scrubbed = SecretScrubber([value]).text(before + value + after + quote(value, safe=""))
    assert value not in scrubbed and quote(value, safe="") not in scrubbed


@SETTINGS
@given(st.text(), st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7e, exclude_characters="/@?#"),
                         min_size=1, max_size=12))
def test_credentials_never_survive(text, password):
    """A user:password@ in any URL inside any text is removed."""
    url = f"https://jan:{password}@www.denhaag.nl/"
    assert f":{password}@" not in strip_credentials(text + " " + url + " " + text)


@SETTINGS
@given(st.text())
def test_terminal_strings_and_json_are_clean(text):
    """terminal_safe leaves no control or bidi character; JSON for a terminal keeps the value."""
    shown = terminal_safe(text)
    assert not any(ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                   for ch in shown)
    encoded = json_terminal_safe(json.dumps({"t": text}, ensure_ascii=False))
    assert json.loads(encoded) == {"t": text}
    assert not any(0x7f <= ord(ch) <= 0x9f or ch in "\u202e\u2066\u2028" for ch in encoded)


@SETTINGS
@given(st.binary(max_size=40), st.binary(max_size=40))
def test_header_cookie_bytes_decode_like_chromium(name, value):
    """Any bytes in a Set-Cookie name or value: decoding never raises and gives UTF-8 text up to
    the first invalid byte, for the name and the value each."""
    assume(b";" not in name + value and b"=" not in name and name.strip())
    as_received = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in name + b"=" + value)
    write = parse_header_line(as_received + "; Path=/", 0)
    if write is None:
        return
    for text in (write.name, write.value):
        text.encode("utf-8")  # valid text
    assert chromium_text("plain") == "plain"


@pytest.mark.parametrize("value", ["GA1.1.1234567.89", "eyJhbGciOiJIUzI1NiJ9", "a3f5c0de9b"])
def test_identifier_values_are_secret_like(value):
    """Typical identifiers count as values worth searching for."""
    assert secret_like(value)
