"""The configuration file: ``[tool.cookieaudit]`` in pyproject.toml, or a ``cookieaudit.toml``.

Looked for in the working directory (``cookieaudit.toml`` first, then ``pyproject.toml`` if it
has a ``[tool.cookieaudit]`` table), or named with ``--config FILE``. Options on the command
line override the file. Keys (``fail-on`` and ``fail_on`` are the same key)::

    site = "https://www.voorbeeldstad.nl/"         # the URL `scan` uses when none is given
    pages = 50
    urls = ["https://www.voorbeeldstad.nl/contact"] # pages always visited
    include = ["/nieuws/*"]
    exclude = ["re:/zoeken\\?"]
    sitemap = true
    consent = "all"                                 # none | reject | accept | all
    statement = ["https://www.voorbeeldstad.nl/privacyverklaring", "cookieverklaring.pdf"]
    follow = true
    fail-on = "error"                               # error | warning | info | never
    baseline = "cookieaudit-baseline.json"
    rules = ["eigen-cookies.yaml"]                  # extra rule files
    lang = "nl"
    [[tool.cookieaudit.allow]]                      # in cookieaudit.toml: [[allow]]
    cookie = "_pk_*"
    reason = "Matomo, zelf gehost en privacyvriendelijk ingesteld (AP-handleiding)"

Relative paths (statement files, baseline, rules) are read from the file's folder. A file that
does not parse, an unknown key or a value of the wrong type is an :class:`InputError` naming
the file, the key and the problem (exit 2).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["Config", "find_config", "load_config"]

CONFIG_NAME = "cookieaudit.toml"
PYPROJECT = "pyproject.toml"
CONSENT = ("none", "reject", "accept", "all")
FAIL_ON = ("error", "warning", "info", "never")
LANGS = ("nl", "en")


@dataclass(frozen=True)
class Config:
    """The settings a configuration file gives (None: not set there)."""

    path: Optional[str] = None
    site: Optional[str] = None
    pages: Optional[int] = None
    urls: Optional[tuple[str, ...]] = None
    include: Optional[tuple[str, ...]] = None
    exclude: Optional[tuple[str, ...]] = None
    sitemap: Optional[bool] = None
    consent: Optional[str] = None
    statements: Optional[tuple[str, ...]] = None
    follow: Optional[bool] = None
    fail_on: Optional[str] = None
    baseline: Optional[str] = None
    rules: Optional[tuple[str, ...]] = None
    lang: Optional[str] = None
    allow: tuple[dict, ...] = field(default_factory=tuple)

    @property
    def asks_for_audit(self) -> bool:
        """Whether the file asks for an audit (a statement or a fail-on), so findings set the exit code."""
        return self.statements is not None or self.fail_on is not None


def find_config(directory: Optional[Path] = None) -> Optional[Path]:
    """``cookieaudit.toml`` in ``directory`` (default: the working directory), else a pyproject.toml
    with a ``[tool.cookieaudit]`` table; None when neither."""
    directory = Path.cwd() if directory is None else Path(directory)
    candidate = directory / CONFIG_NAME
    if candidate.is_file():
        return candidate
    pyproject = directory / PYPROJECT
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None  # somebody else's broken pyproject is not our configuration
        if isinstance(data.get("tool"), dict) and "cookieaudit" in data["tool"]:
            return pyproject
    return None


def load_config(path: Optional[str] = None, directory: Optional[Path] = None) -> Config:
    """The configuration from ``path`` (``--config``), else the one found in ``directory``; an empty
    Config when there is none."""
    if path is None:
        found = find_config(directory)
        if found is None:
            return Config()
        config_path = found
    else:
        config_path = Path(path)
    name = str(config_path)
    try:
        text = config_path.read_text(encoding="utf-8-sig")  # Windows editors may add a BOM; TOML is UTF-8
    except FileNotFoundError:
        raise InputError(f"config {name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"config {name}: is a directory") from None
    except UnicodeDecodeError:
        raise InputError(f"config {name}: not UTF-8 text (TOML files are UTF-8; save it as UTF-8)") from None
    except OSError as exc:
        raise InputError(f"config {name}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"config {name}: not valid TOML: {exc}") from None
    table = data
    prefix = ""
    tool = data.get("tool")
    if isinstance(tool, dict) and "cookieaudit" in tool:
        table, prefix = tool["cookieaudit"], "tool.cookieaudit."
    elif config_path.name == PYPROJECT:
        raise InputError(f"config {name}: no [tool.cookieaudit] table")
    if not isinstance(table, dict):
        raise InputError(f"config {name}: key '{prefix.rstrip('.')}': expected a table")
    return _parse(table, name, prefix, config_path.parent)


def _parse(table: dict, name: str, prefix: str, base: Path) -> Config:
    values: dict[str, Any] = {}

    def problem(key: str, text: str) -> InputError:
        return InputError(f"config {name}: key '{prefix}{key}': {text}")

    def strings(key: str, value) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise problem(key, "expected a string or a list of strings")
        return tuple(v.strip() for v in value)

    def choice(key: str, value, options) -> str:
        if not isinstance(value, str) or value not in options:
            raise problem(key, f"expected one of {', '.join(options)}, got {value!r}")
        return value

    def local(path: str) -> str:
        if path.startswith(("http://", "https://")) or path in ("none", "auto"):
            return path
        candidate = Path(path).expanduser()
        return str(candidate if candidate.is_absolute() else base / candidate)

    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key == "site":
            if not isinstance(value, str) or not value.strip():
                raise problem(raw_key, "expected a URL")
            values["site"] = value.strip()
        elif key == "pages":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise problem(raw_key, f"expected a whole number of at least 1, got {value!r}")
            values["pages"] = value
        elif key in ("urls", "include", "exclude"):
            values[key] = strings(raw_key, value)
        elif key in ("sitemap", "follow"):
            if not isinstance(value, bool):
                raise problem(raw_key, f"expected true or false, got {value!r}")
            values[key] = value
        elif key == "consent":
            values["consent"] = choice(raw_key, value, CONSENT)
        elif key in ("statement", "statements"):
            values["statements"] = tuple(local(s) for s in strings(raw_key, value))
        elif key == "fail_on":
            values["fail_on"] = choice(raw_key, value, FAIL_ON)
        elif key == "baseline":
            if not isinstance(value, str) or not value.strip():
                raise problem(raw_key, "expected a file name")
            values["baseline"] = local(value.strip())
        elif key == "rules":
            values["rules"] = tuple(local(s) for s in strings(raw_key, value))
        elif key == "lang":
            values["lang"] = choice(raw_key, value, LANGS)
        elif key == "allow":
            values["allow"] = _allow(value, problem, raw_key)
        else:
            known = "site, pages, urls, include, exclude, sitemap, consent, statement, follow, fail-on, baseline, rules, lang, allow"
            raise problem(raw_key, f"unknown key (known: {known})")
    return Config(path=name, **values)


def _allow(value, problem, key: str) -> tuple[dict, ...]:
    from .auditing.allow import parse_allow

    if not isinstance(value, list):
        raise problem(key, "expected a list of tables with 'cookie' or 'vendor' and 'reason'")
    try:
        entries = parse_allow(value, where="")
    except InputError as exc:
        raise problem(key, str(exc).lstrip(": ")) from None
    return tuple(entry.model_dump(exclude={"matched"}, exclude_none=True) for entry in entries)
