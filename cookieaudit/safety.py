"""Handling of site-controlled strings: redaction and terminal-safe text.

Cookie names, values, page titles and URLs come from the site being audited and are
hostile. Reports redact values by default and strip control characters before anything
reaches a terminal; HTML reports escape (see the renderers); every CSV cell goes through
``csv_safe`` so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["SecretScrubber", "csv_safe", "json_terminal_safe", "redact", "secret_like", "strip_credentials",
           "terminal_safe"]

# C0/C1 controls, DEL, and Unicode bidi overrides that can reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: object, max_length: int | None = None) -> str:
    """``text`` with control and bidi characters replaced by ``?``, optionally shortened.

    >>> terminal_safe("a\\x1b[31mred\\nb")
    'a?[31mred?b'
    """
    cleaned = _UNSAFE.sub("?", str(text))
    if max_length is not None and len(cleaned) > max_length:
        cleaned = cleaned[: max(0, max_length - 1)] + "…"
    return cleaned


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_terminal_safe(text: str) -> str:
    """JSON text with DEL, C1 controls, bidi overrides and line separators written as
    ``\\uXXXX`` escapes: the same JSON value, but nothing a terminal acts on (JSON escapes
    C0 controls already; ``ensure_ascii=False`` and pydantic leave these raw).

    >>> json_terminal_safe('"a\\u202eb\\x9bc"')
    '"a\\\\u202eb\\\\u009bc"'
    """
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def redact(value: str | None) -> dict | None:
    """Length and a short SHA-256 of a value, so runs can be compared without exposing it.

    >>> redact("GA1.2.123.456")["length"]
    13
    """
    if value is None:
        return None
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return {"redacted": True, "length": len(value), "sha256": digest}


# A spreadsheet reads a cell starting with one of these as a formula (OWASP: CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(cell: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula: text starting with ``= + - @`` (or a tab
    or carriage return) gets a leading apostrophe. Numbers pass unchanged; None becomes ''.
    Every CSV the project writes passes its cells through this.

    >>> csv_safe("=1+2")
    "'=1+2"
    >>> csv_safe("_ga"), csv_safe(-3), csv_safe(None)
    ('_ga', -3, '')
    """
    if cell is None:
        return ""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return cell
    text = str(cell)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


# -- secrets inside other strings -------------------------------------------------------

MIN_SECRET_LENGTH = 8
MAX_SECRET_LENGTH = 4096
REDACTED_TEXT = "REDACTED"
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#@\s]*@")


def strip_credentials(text: str) -> str:
    """``text`` with the user:password part of every URL in it removed.

    >>> strip_credentials("see https://jan:geheim@www.denhaag.nl/loket?a=1")
    'see https://www.denhaag.nl/loket?a=1'
    """
    return _USERINFO.sub(r"\1", text) if "@" in text else text


def secret_like(value: str) -> bool:
    """Whether a cookie or storage value is worth searching for elsewhere: long enough and
    identifier-like (has a digit, or mixes upper and lower case over 12+ characters), so
    ordinary words such as ``marketing`` or ``true`` are left alone.

    >>> secret_like("GA1.1.1234567.89"), secret_like("marketing,analytics"), secret_like("1")
    (True, False, False)
    """
    if not (MIN_SECRET_LENGTH <= len(value) <= MAX_SECRET_LENGTH) or len(set(value)) < 4:
        return False
    if any(ch.isdigit() for ch in value):
        return True
    return len(value) >= 12 and any(ch.islower() for ch in value) and any(ch.isupper() for ch in value)


class SecretScrubber:
    """Replaces every occurrence of observed cookie and storage values — and their URL-encoded
    forms — inside other strings (request URLs, titles, messages, HAR entries) with
    ``REDACTED``, and strips credentials from URLs. Values that are not ``secret_like`` are
    ignored. Thousands of values are searched for in one pass (an Aho-Corasick automaton,
    pyahocorasick; without it, an index of the values' first characters).
    """

    def __init__(self, values=()):
        from urllib.parse import quote, quote_plus, unquote

        forms: set[str] = set()
        for value in values:
            if not isinstance(value, str) or not secret_like(value):
                continue
            for form in (value, quote(value, safe=""), quote_plus(value), quote(value, safe="/:=&"), unquote(value)):
                if len(form) >= MIN_SECRET_LENGTH:
                    forms.add(form)
        self._by_prefix: dict[str, list[str]] = {}
        for form in sorted(forms, key=len, reverse=True):  # longest first: a value inside a longer one
            self._by_prefix.setdefault(form[:MIN_SECRET_LENGTH], []).append(form)
        self._automaton = None
        if forms:
            try:
                import ahocorasick
            except ImportError:  # the slower pure-Python index still works
                ahocorasick = None
            if ahocorasick is not None:
                automaton = ahocorasick.Automaton()
                for form in forms:
                    automaton.add_word(form, len(form))
                automaton.make_automaton()
                self._automaton = automaton

    def __bool__(self) -> bool:
        return bool(self._by_prefix)

    def text(self, text: str) -> str:
        """One string, scrubbed."""
        text = strip_credentials(text)
        if not self._by_prefix or len(text) < MIN_SECRET_LENGTH:
            return text
        if self._automaton is not None:
            return self._replace_spans(text)
        lookup, size = self._by_prefix.get, MIN_SECRET_LENGTH
        pieces: list[str] = []
        start = index = 0
        end = len(text) - size
        while index <= end:
            forms = lookup(text[index:index + size])
            if forms:
                found = next((form for form in forms if text.startswith(form, index)), None)
                if found is not None:
                    pieces += [text[start:index], REDACTED_TEXT]
                    index += len(found)
                    start = index
                    continue
            index += 1
        if not pieces:
            return text
        pieces.append(text[start:])
        return "".join(pieces)

    def _replace_spans(self, text: str) -> str:
        spans = [(end + 1 - length, end + 1) for end, length in self._automaton.iter(text)]
        if not spans:
            return text
        spans.sort(key=lambda span: (span[0], -span[1]))  # leftmost, then longest
        pieces, position = [], 0
        for start, end in spans:
            if start < position:
                continue  # inside a value already replaced
            pieces += [text[position:start], REDACTED_TEXT]
            position = end
        pieces.append(text[position:])
        return "".join(pieces)

    def model(self, model) -> None:
        """Scrub every string field of a pydantic model tree in place (frozen models too)."""
        fields = getattr(type(model), "model_fields", None)
        if fields is None:
            return
        for name in fields:
            value = getattr(model, name)
            scrubbed = self._value(value)
            if scrubbed is not value:
                object.__setattr__(model, name, scrubbed)

    def _value(self, value):
        if isinstance(value, str):
            scrubbed = self.text(value)
            return value if scrubbed == value else scrubbed
        if isinstance(value, list):
            for index, item in enumerate(value):
                scrubbed = self._value(item)
                if scrubbed is not item:
                    value[index] = scrubbed
            return value
        if isinstance(value, tuple):
            items = tuple(self._value(item) for item in value)
            return value if all(a is b for a, b in zip(items, value)) else items
        if isinstance(value, dict):
            for key, item in value.items():
                scrubbed = self._value(item)
                if scrubbed is not item:
                    value[key] = scrubbed
            return value
        if hasattr(type(value), "model_fields"):
            self.model(value)
        return value

    def data(self, data):
        """A JSON-like structure (dicts, lists, strings), scrubbed; dict keys are kept."""
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, dict):
            return {key: self.data(value) for key, value in data.items()}
        if isinstance(data, list):
            return [self.data(value) for value in data]
        if isinstance(data, tuple):
            return tuple(self.data(value) for value in data)
        return data
