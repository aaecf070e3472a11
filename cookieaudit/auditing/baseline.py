"""Baselines: findings known and accepted, matched by id, so they no longer fail a CI job.

``make_baseline(result)`` turns an audited result into a :class:`Baseline` (every finding,
with an optional reason); ``apply_baseline(findings, baseline)`` marks the findings the
baseline accepts (``baselined: true`` and the entry's reason) and returns one
``baseline-entry-not-found`` finding (info) per entry that no longer occurs, so a baseline
does not rot. The file is JSON (``docs/baseline.schema.json``)::

    {"cookieaudit_baseline": 1, "site": "https://www.voorbeeldstad.nl/",
     "entries": [{"id": "undeclared-cookie:f5-bigip-server", "kind": "undeclared-cookie",
                  "cookies": ["BIGipServer~pool"], "reason": "load balancer, declared in the next release"}]}
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Optional, Union

from pydantic import ValidationError

from .._version import __version__
from ..errors import InputError
from .drafts import Drafts
from .messages import message
from .model import AuditedResult, Baseline, BaselineEntry, Finding

__all__ = ["apply_baseline", "load_baseline", "make_baseline"]


def make_baseline(result: AuditedResult, reason: Optional[str] = None, *,
                  kinds: Optional[Iterable[str]] = None, previous: Optional[Baseline] = None) -> Baseline:
    """A baseline accepting every finding of ``result`` (only ``kinds`` when given).

    ``reason`` goes into each entry; entries of a ``previous`` baseline keep their reasons.
    ``baseline-entry-not-found`` findings are never baselined.
    """
    kinds = set(kinds) if kinds else None
    reasons = {entry.id: entry.reason for entry in previous.entries} if previous else {}
    entries = []
    for finding in result.findings:
        if finding.kind == "baseline-entry-not-found" or (kinds and finding.kind not in kinds):
            continue
        entries.append(BaselineEntry(id=finding.id, kind=finding.kind, phase=finding.phase, cookies=finding.cookies,
                                     hosts=finding.hosts, reason=reasons.get(finding.id) or finding.baseline_reason or reason))
    return Baseline(site=result.site, created_at=datetime.now(timezone.utc), tool_version=__version__, entries=entries)


def load_baseline(path: Union[str, Path]) -> Baseline:
    """Read a baseline file; InputError (one line naming the file) when it is missing or malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"baseline {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"baseline {path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"baseline {path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or "cookieaudit_baseline" not in data:
        hint = " (this is an audit result: make a baseline with 'cookieaudit baseline RESULT.json -o FILE')" \
            if isinstance(data, dict) and "findings" in data else ""
        raise InputError(f"baseline {path}: not a cookieaudit baseline (no 'cookieaudit_baseline' field){hint}")
    try:
        return Baseline.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise InputError(f"baseline {path}: {where}: {first.get('msg')}") from None


def _not_found(draft, lang):
    return message("baseline-entry-not-found", lang, finding_id=draft.details["baseline_id"])


def apply_baseline(findings: list[Finding], baseline: Baseline, lang: str) -> list[Finding]:
    """Mark the findings the baseline accepts; returns the findings for entries that no longer occur."""
    entries = {entry.id: entry for entry in baseline.entries}
    present = set()
    for finding in findings:
        entry = entries.get(finding.id)
        if entry is not None:
            finding.baselined = True
            finding.baseline_reason = entry.reason
            present.add(finding.id)
    drafts = Drafts()
    for entry in baseline.entries:
        if entry.id in present:
            continue
        draft = drafts.get("baseline-entry-not-found", _not_found, family=entry.id)
        draft.details["baseline_id"] = entry.id
        draft.details["baseline_kind"] = entry.kind
        if entry.reason:
            draft.details["baseline_reason"] = entry.reason
        for name in entry.cookies:
            draft.add(cookie=name)
        for host in entry.hosts:
            draft.add(host=host)
    return drafts.findings(lang)
