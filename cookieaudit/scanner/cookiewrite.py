"""Parse what a site asked the browser to store: Set-Cookie lines, document.cookie strings
and CookieStore options, into one ``CookieWrite`` (pure, no browser)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Optional

from ..domains import host_of

__all__ = ["BROWSER_MAX_DAYS", "CookieWrite", "chromium_text", "from_cookie_store", "parse_cookie_string",
           "parse_header_line", "requested_days"]

DAY = 86400.0
BROWSER_MAX_DAYS = 400.0  # Chromium keeps a cookie at most this long, whatever the site asks for


@dataclass(frozen=True)
class CookieWrite:
    """One attempt to set (or delete) a cookie, as the site wrote it."""

    name: str
    value: str
    domain: Optional[str]  # the Domain attribute, without a leading dot; None = host-only
    path: Optional[str]
    max_age: Optional[float]  # seconds, from Max-Age (wins) or Expires; None = session
    secure: bool
    http_only: bool
    same_site: Optional[str]
    partitioned: bool
    raw: str
    at: float  # epoch seconds of the write

    @property
    def deletes(self) -> bool:
        """A write with a lifetime of zero or less removes the cookie."""
        return self.max_age is not None and self.max_age <= 0

    @property
    def max_age_days(self) -> Optional[float]:
        return requested_days(self.max_age)

    def matches(self, name: str, domain: str, setter_host: str) -> bool:
        """Whether this write could have produced the stored cookie ``name`` on ``domain``."""
        if name != self.name:
            return False
        domain = host_of(domain)
        if self.domain:
            return domain == host_of(self.domain)
        return domain == host_of(setter_host)


def requested_days(seconds: Optional[float]) -> Optional[float]:
    """Seconds to days, rounded to 4 decimals (about 9 s); None stays None.

    >>> requested_days(63072000)
    730.0
    """
    if seconds is None:
        return None
    return round(seconds / DAY, 4)


def parse_cookie_string(raw: str, at: float) -> Optional[CookieWrite]:
    """A ``Set-Cookie`` header line or a ``document.cookie`` assignment; None if it has no name.

    >>> parse_cookie_string("_ga=GA1.1.1; Max-Age=63072000; Domain=.denhaag.nl; Path=/", 0).max_age_days
    730.0
    """
    parts = raw.split(";")
    pair = parts[0]
    if "=" in pair:
        name, value = pair.split("=", 1)
    else:  # "name" alone is a cookie with an empty name in RFC 6265bis; treat the token as the value
        name, value = "", pair
    name, value = name.strip(), value.strip()
    if not name and not value:
        return None
    domain = path = same_site = None
    max_age = expires_in = None
    secure = http_only = partitioned = False
    for attribute in parts[1:]:
        key, _, attr_value = attribute.partition("=")
        key, attr_value = key.strip().lower(), attr_value.strip()
        if key == "domain" and attr_value:
            domain = attr_value.lstrip(".").lower()
        elif key == "path":
            path = attr_value or None
        elif key == "max-age":
            try:
                max_age = float(int(attr_value))
            except ValueError:
                pass
        elif key == "expires":
            expires_in = _seconds_until(attr_value, at)
        elif key == "secure":
            secure = True
        elif key == "httponly":
            http_only = True
        elif key == "samesite":
            same_site = attr_value.capitalize() or None
        elif key == "partitioned":
            partitioned = True
    lifetime = max_age if max_age is not None else expires_in
    return CookieWrite(name, value, domain, path, lifetime, secure, http_only, same_site, partitioned, raw, at)


def _windows_1252_bytes() -> dict[str, int]:
    table = {chr(byte): byte for byte in range(256)}
    for byte in range(0x80, 0xA0):
        try:
            table[bytes([byte]).decode("cp1252")] = byte
        except UnicodeDecodeError:  # five bytes cp1252 leaves undefined stay themselves
            pass
    return table


_HEADER_BYTES = _windows_1252_bytes()


def chromium_text(text: str) -> str:
    """A cookie name or value from a header, as Chromium's cookie store reports it.

    Header values reach us one character per byte, decoded as windows-1252; Chromium reads
    the bytes as UTF-8 and its DevTools text ends at the first byte that is not valid UTF-8.

    >>> chromium_text("cafÃ©"), chromium_text("na\xefve"), chromium_text("Ð¶"), chromium_text("c1Â›")
    ('café', 'na', 'ж', 'c1\x9b')
    """
    try:
        raw = bytes(_HEADER_BYTES[ch] for ch in text)
    except KeyError:  # already decoded text (characters no single byte gives)
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return raw[:exc.start].decode("utf-8")


def parse_header_line(raw: str, at: float) -> Optional[CookieWrite]:
    """A ``Set-Cookie`` line as Playwright gives it (bytes as latin-1), with its name and value
    decoded as Chromium decodes them, so it matches the cookie the browser stored."""
    write = parse_cookie_string(raw, at)
    if write is None:
        return None
    name, value = chromium_text(write.name), chromium_text(write.value)
    if (name, value) == (write.name, write.value):
        return write
    from dataclasses import replace

    return replace(write, name=name, value=value)


def from_cookie_store(options: dict, at: float, deleted: bool = False) -> Optional[CookieWrite]:
    """A ``cookieStore.set()`` / ``delete()`` call's options (expires is epoch milliseconds)."""
    name = str(options.get("name", ""))
    if not name:
        return None
    if deleted:
        lifetime: Optional[float] = 0.0
    elif options.get("expires") is not None:
        try:
            lifetime = float(options["expires"]) / 1000.0 - at
        except (TypeError, ValueError):
            lifetime = None
    else:
        lifetime = None
    domain = options.get("domain")
    same_site = options.get("sameSite")
    return CookieWrite(
        name=name, value=str(options.get("value", "")),
        domain=str(domain).lstrip(".").lower() if domain else None,
        path=options.get("path"), max_age=lifetime, secure=True, http_only=False,
        same_site=str(same_site).capitalize() if same_site else "Strict",
        partitioned=bool(options.get("partitioned")), raw=_describe(options), at=at,
    )


def _describe(options: dict) -> str:
    return "; ".join(f"{key}={value}" for key, value in options.items())


def _seconds_until(text: str, now: float) -> Optional[float]:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() - now


def epoch_to_datetime(seconds: float) -> datetime:
    """Epoch seconds to an aware UTC datetime (milliseconds kept)."""
    return datetime.fromtimestamp(round(seconds, 3), tz=timezone.utc)
