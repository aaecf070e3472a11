"""Reading saved results and declarations, with one clear line when a file is not one.

``load_result(path)`` reads what ``scan -o`` or ``audit -o`` wrote (a plain scan result, or an
audited one) as an :class:`AuditedResult`; ``load_declaration(path)`` reads what
``statement --format json`` wrote (or takes the declaration out of an audited result).
Both raise :class:`~cookieaudit.errors.InputError` naming the file and the problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Union

from pydantic import ValidationError

from ..errors import InputError
from ..statement.model import Declaration
from .model import AuditedResult

__all__ = ["is_declaration_file", "load_declaration", "load_result", "read_json"]

MAX_RESULT_BYTES = 1024 * 1024 * 1024


def _read_text(path: Union[str, Path], what: str) -> str:
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(f"{what} {path}: is a directory")
        if path.stat().st_size > MAX_RESULT_BYTES:
            raise InputError(f"{what} {path}: too large ({path.stat().st_size:,} bytes)")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{what} {path}: no such file") from None
    except PermissionError:
        raise InputError(f"{what} {path}: permission denied") from None
    except UnicodeDecodeError:
        raise InputError(f"{what} {path}: not a text file") from None
    except OSError as exc:
        raise InputError(f"{what} {path}: cannot read ({exc.strerror or exc})") from None


def _parse(text: str, path, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{what} {path}: not JSON (line {exc.lineno}: {exc.msg})") from None


def read_json(path: Union[str, Path], what: str) -> Any:
    """Parsed JSON of a file; InputError naming ``what`` and the file otherwise."""
    return _parse(_read_text(path, what), path, what)


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "(top level)"
    return f"{where}: {first.get('msg')}"


def load_result(path: Union[str, Path]) -> AuditedResult:
    """A saved scan or audit result; InputError when it is unreadable or not a cookieaudit result."""
    text = _read_text(path, "scan result")
    try:
        return AuditedResult.model_validate_json(text)  # parsed and validated in one pass (fast for big scans)
    except ValidationError as exc:
        data = _parse(text, path, "scan result")  # explain what is wrong
        if not isinstance(data, dict) or not {"site", "started_at", "tool"} <= set(data):
            raise InputError(f"scan result {path}: not a cookieaudit scan result "
                             "(expected 'site', 'started_at' and 'tool')") from None
        version = data["tool"].get("version") if isinstance(data.get("tool"), dict) else None
        made_by = f" (made by cookieaudit {version})" if version else ""
        raise InputError(f"scan result {path}{made_by}: {_problem(exc)}") from None


def is_declaration_file(path: Union[str, Path]) -> bool:
    """Whether a statement source is a saved declaration (or audit result) rather than a statement:
    a ``.json`` file whose content is a JSON object."""
    path = Path(path)
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(64).lstrip()
    except OSError:
        return False
    return head.startswith(b"{")


def load_declaration(path: Union[str, Path]) -> Declaration:
    """A saved declaration (``statement --format json``), or the declaration inside an audit result."""
    data = read_json(path, "declaration")
    if isinstance(data, dict) and "site" in data and "tool" in data:
        if not data.get("declaration"):
            raise InputError(f"declaration {path}: this result holds no declaration (it was made without --statement)")
        data = data["declaration"]
    if not isinstance(data, dict) or not ({"cookies", "services", "claims"} & set(data)):
        raise InputError(f"declaration {path}: not a cookieaudit declaration (expected 'cookies', 'services', 'claims')")
    try:
        return Declaration.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"declaration {path}: {_problem(exc)}") from None
