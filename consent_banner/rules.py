"""CMP rules: one YAML file per consent-management platform in ``consent_banner/cmps/``.

A rule says how to recognise the platform, which element is its banner, the click paths
that accept or reject, and where it records the visitor's choice::

    id: cookiebot                      # canonical id, also the file name
    name: Cookiebot
    url: https://www.cookiebot.com
    detect:
      banner: ["#CybotCookiebotDialog"]    # visible when the banner shows (CSS; open shadow roots are pierced)
      present: ["#CookiebotWidget"]        # markup that only says the CMP is installed (optional)
      globals: [Cookiebot]                 # window properties the CMP defines (dotted paths allowed)
      script_hosts: [consent.cookiebot.com]
      cookies: [CookieConsent]             # its consent cookie; * is a wildcard
    frame: null                        # CSS of the iframe that holds the banner, for iframe CMPs
    accept:                            # alternative paths, tried in order; each is a list of steps
      - [{click: "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll"}]
    reject:
      - [{click: "#CybotCookiebotDialogBodyButtonDecline"}]
      - - {click: "#CybotCookiebotDialogBodyLevelButtonCustomize"}     # settings, then
        - {toggle_off: "#CybotCookiebotDialog input[type=checkbox]"}   # every non-necessary toggle off, then
        - {click: "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection"}  # save
    consent:                           # the record that proves a choice was stored
      cookies: [CookieConsent]
      local_storage: []
      accepted: "marketing:true"       # optional regex on the record's (URL-decoded) value
      rejected: "marketing:false"

A step is exactly one of ``click``, ``toggle_off``, ``wait_for`` (CSS) or ``wait`` (ms),
with an optional ``frame`` (iframe CSS, or ``main``) overriding the rule's frame and
``optional: true`` for a step whose failure does not end the path. A path is available
when its first step's element is visible; the first element of single-step paths are the
banner's first-layer accept or reject buttons, and of longer reject paths its settings
button.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from importlib import resources
from pathlib import Path
from typing import Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cookieaudit.errors import RuleFileError

__all__ = ["CmpRule", "Consent", "Detect", "RuleStep", "load_rules", "parse_rule"]

_SLUG = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleStep(_Strict):
    """One step of a click path: click, toggle_off, wait_for (CSS selectors) or wait (milliseconds)."""

    click: Optional[str] = None
    toggle_off: Optional[str] = None
    wait_for: Optional[str] = None
    wait: Optional[int] = Field(default=None, ge=0, le=10000)
    frame: Optional[str] = None
    optional: bool = False

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> "RuleStep":
        kinds = [k for k in ("click", "toggle_off", "wait_for", "wait") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"a step needs exactly one of click, toggle_off, wait_for, wait (got {kinds or 'none'})")
        return self

    @property
    def kind(self) -> str:
        """Which of click, toggle_off, wait_for or wait this step is."""
        return next(k for k in ("click", "toggle_off", "wait_for", "wait") if getattr(self, k) is not None)

    @property
    def selector(self) -> Optional[str]:
        """The CSS selector the step acts on (None for a plain wait)."""
        return self.click or self.toggle_off or self.wait_for


class Detect(_Strict):
    """How to recognise the CMP and tell whether its banner is showing."""

    banner: tuple[str, ...] = Field(min_length=1)
    present: tuple[str, ...] = ()
    globals: tuple[str, ...] = ()
    script_hosts: tuple[str, ...] = ()
    cookies: tuple[str, ...] = ()


class Consent(_Strict):
    """Where the CMP stores the visitor's choice, and what the stored value says."""

    cookies: tuple[str, ...] = ()
    local_storage: tuple[str, ...] = ()
    accepted: Optional[str] = None
    rejected: Optional[str] = None

    @field_validator("accepted", "rejected")
    @classmethod
    def _valid_regex(cls, value: Optional[str]) -> Optional[str]:
        if value is not None:
            re.compile(value)
        return value

    def cookie_matches(self, name: str) -> bool:
        """True when ``name`` is one of this CMP's consent cookies."""
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.cookies)

    def storage_matches(self, key: str) -> bool:
        """True when ``key`` is one of this CMP's localStorage consent keys."""
        return any(fnmatch.fnmatchcase(key, pattern) for pattern in self.local_storage)


class CmpRule(_Strict):
    """A consent-management platform as data: detection, click paths, consent record."""

    id: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1)
    url: Optional[str] = None
    detect: Detect
    frame: Optional[str] = None
    accept: tuple[tuple[RuleStep, ...], ...] = Field(min_length=1)
    reject: tuple[tuple[RuleStep, ...], ...] = ()
    consent: Consent = Consent()
    tcf: bool = False
    notes: Optional[str] = None

    @field_validator("accept", "reject")
    @classmethod
    def _paths_start_with_an_element(cls, paths):
        for path in paths:
            if not path:
                raise ValueError("a path needs at least one step")
            if path[0].selector is None:
                raise ValueError("a path must start with a click, toggle_off or wait_for step")
        return paths

    def first_layer(self) -> list[tuple[str, str]]:
        """(role, selector) of the first-layer buttons this rule's paths start with."""
        buttons = []
        for path in self.accept:
            buttons.append(("accept", path[0].selector))
        for path in self.reject:
            role = "reject" if len(path) == 1 else "settings"
            buttons.append((role, path[0].selector))
        return buttons


def _describe(error: ValidationError) -> tuple[str, str]:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    return first["msg"], field


def parse_rule(data: object, path: str) -> CmpRule:
    """Validate one rule file's contents; RuleFileError names the file, rule and field on failure."""
    if not isinstance(data, dict):
        raise RuleFileError(path, "expected a mapping (id, name, detect, accept, reject, consent)")
    try:
        rule = CmpRule.model_validate(data)
    except ValidationError as exc:
        message, field = _describe(exc)
        raise RuleFileError(path, message, rule=str(data.get("id") or "?"), field=field) from None
    if Path(path).stem != rule.id:
        raise RuleFileError(path, f"file name must be the rule id ({rule.id}.yaml)", rule=rule.id, field="id")
    return rule


def _read(path: str, text: str) -> CmpRule:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleFileError(path, f"not valid YAML: {exc}") from None
    return parse_rule(data, path)


@functools.lru_cache(maxsize=None)
def load_rules(extra_dir: Optional[str] = None) -> tuple[CmpRule, ...]:
    """Every packaged CMP rule (plus those in ``extra_dir``, which override by id), loaded once."""
    rules: dict[str, CmpRule] = {}
    packaged = resources.files("consent_banner").joinpath("cmps")
    for entry in sorted(packaged.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            rule = _read(f"consent_banner/cmps/{entry.name}", entry.read_text(encoding="utf-8"))
            rules[rule.id] = rule
    if extra_dir is not None:
        directory = Path(extra_dir)
        if not directory.is_dir():
            raise RuleFileError(str(directory), "not a directory of CMP rule files")
        for file in sorted(directory.glob("*.yaml")):
            rule = _read(str(file), file.read_text(encoding="utf-8"))
            rules[rule.id] = rule
    return tuple(rules.values())
