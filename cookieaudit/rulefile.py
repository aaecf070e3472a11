"""The rule-file format: vendors, cookie rules and tracker hosts, as YAML.

One file holds any of three lists (see ``rules/README.md`` for the full format)::

    vendors:
      - id: google-analytics          # stable slug, unique across all files
        name: Google Analytics
        aliases: [GA4, Universal Analytics]
        company: Google
        covers: [google-tag-manager]  # a statement naming it also declares these vendors
    cookies:
      - id: ga-client-id              # unique across all files; a user file with the same id overrides
        vendor: google-analytics
        match: exact                  # exact | prefix | glob | regex
        pattern: _ga
        domains: []                   # optional: only for cookies on these hosts (or their subdomains)
        purpose: analytic             # functional | analytic | marketing
        lifetime: 730                 # days, or "session"
        description: Distinguishes visitors with a random client id.
        source: https://developers.google.com/analytics/devguides/collection/ga4/cookie-usage
        category: consent             # optional: the cookie (or storage key) records consent choices
        setters: [cookieconsent.min.js]  # optional: applies only when the setter's URL contains one of these
    hosts:
      - host: google-analytics.com    # matches the host and every subdomain
        vendor: google-analytics
        purpose: analytic
        source: ...

Loading validates every field and raises :class:`~cookieaudit.errors.RuleFileError`
naming the file, the rule and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from .errors import RuleFileError

__all__ = ["CookieRule", "HostRule", "RuleFile", "Vendor", "load_rule_file", "parse_rule_data"]

Purpose = Literal["functional", "analytic", "marketing"]
MatchKind = Literal["exact", "prefix", "glob", "regex"]
_SLUG = r"^[a-z0-9][a-z0-9._-]*$"
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Vendor(_Strict):
    """A vendor at product level (Google Analytics and Google Ads are different vendors)."""

    id: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    company: str | None = None
    url: str | None = None
    source: str | None = None
    covers: tuple[str, ...] = Field(
        (), description=("Ids of other vendors whose cookies and hosts a statement naming this vendor also "
                         "declares: a company's products, or a product's loader or endpoint."))

    @field_validator("covers")
    @classmethod
    def _vendor_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not re.match(_SLUG, item):
                raise ValueError(f"{item!r} is not a vendor id")
        return value


class CookieRule(_Strict):
    """One cookie family: a name pattern, optional domains, purpose, lifetime, vendor."""

    id: str = Field(pattern=_SLUG)
    vendor: str = Field(pattern=_SLUG)
    match: MatchKind = "exact"
    pattern: str = Field(min_length=1)
    domains: tuple[str, ...] = ()
    purpose: Purpose
    lifetime: Union[Literal["session"], float, None] = None
    description: str = Field(min_length=1)
    source: str = Field(min_length=1)
    category: Literal["consent"] | None = None
    """``consent``: the cookie or storage key records the visitor's consent choices (consent
    management; its purpose stays ``functional``)."""
    setters: tuple[str, ...] = ()
    """Fragments of the setter's URL (script or response) that identify this rule's vendor: the
    rule applies only when the cookie's setter is known and its URL contains one of them (a
    name many banners share is then told apart by who set it)."""

    @field_validator("setters")
    @classmethod
    def _lower_setters(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.strip().lower() for v in value if v.strip())

    @field_validator("domains")
    @classmethod
    def _normalise_domains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(d.strip().lstrip(".").lower() for d in value if d.strip())

    @field_validator("lifetime")
    @classmethod
    def _positive_lifetime(cls, value):
        if isinstance(value, float) and value < 0:
            raise ValueError("lifetime must be 'session' or a number of days >= 0")
        return value

    @field_validator("pattern")
    @classmethod
    def _valid_regex(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("match") == "regex":
            try:
                compiled = re.compile(value)
                # rules are combined into one alternation, so each must work as a part of it
                re.compile(f"(?:x)|({value})")
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
            if compiled.groupindex or _BACKREFERENCE.search(value):
                raise ValueError("named groups and back-references are not supported; use (?:...)")
        return value


class HostRule(_Strict):
    """A request host of a tracker or service; matches the host and all its subdomains."""

    host: str = Field(min_length=1)
    vendor: str = Field(pattern=_SLUG)
    purpose: Purpose
    description: str | None = None
    source: str | None = None

    @field_validator("host")
    @classmethod
    def _normalise_host(cls, value: str) -> str:
        return value.strip().lstrip(".").lower()


class RuleFile(_Strict):
    """The content of one rule file."""

    attribution: str | None = None
    vendors: tuple[Vendor, ...] = ()
    cookies: tuple[CookieRule, ...] = ()
    hosts: tuple[HostRule, ...] = ()


def _rule_label(data: object, loc: tuple) -> str | None:
    """The id (or host) of the list item an error location points into."""
    if len(loc) >= 2 and isinstance(data, dict) and isinstance(loc[1], int):
        items = data.get(loc[0])
        if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
            item = items[loc[1]]
            return str(item.get("id") or item.get("host") or f"{loc[0]}[{loc[1]}]")
        return f"{loc[0]}[{loc[1]}]"
    return None


def parse_rule_data(data: object, path: str) -> RuleFile:
    """Validate already-parsed YAML data; raises RuleFileError naming file, rule and field."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RuleFileError(path, "expected a mapping with 'vendors', 'cookies' and/or 'hosts'")
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err.get("loc", ()))
        rule = _rule_label(data, loc)
        field = ".".join(str(p) for p in loc[2:]) if len(loc) > 2 else (str(loc[0]) if loc else None)
        message = err.get("msg", "invalid value")
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        raise RuleFileError(path, message, rule=rule, field=field) from None


def load_rule_file(path: str | Path) -> RuleFile:
    """Read and validate one YAML rule file."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleFileError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(str(path), f"cannot read: {exc}") from None
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml when present
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise RuleFileError(str(path), f"not valid YAML{where}") from None
    return parse_rule_data(data, str(path))
