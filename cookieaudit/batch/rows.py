"""One site's outcome as table rows: its summary row and its cookies in long form.

Browser-free and schema-tolerant: it reads the result as plain JSON (an ``AuditedResult`` or
a bare ``ScanResult``), so a batch summary can be rebuilt from results written by another
version. Columns are a contract (extend, never rename); they are documented in the README.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from ..auditing.model import FINDING_KINDS, SEVERITY_ORDER

__all__ = [
    "COOKIE_COLUMNS",
    "STATUSES",
    "SUMMARY_COLUMNS",
    "cookie_rows",
    "failed_row",
    "site_status",
    "summary_row",
]

STATUSES = ("ok", "failed", "incomplete")
PHASES = ("before_consent", "after_reject", "after_accept")

SUMMARY_COLUMNS: tuple[str, ...] = (
    "site", "name", "status", "exit_code", "error", "pages", "complete",
    "findings_error", "findings_warning", "findings_info",
    *FINDING_KINDS,
    "trackers_before_consent", "trackers_after_reject", "cmp", "statement_url", "result_path", "seconds",
    # beyond the list
    "line", "trackers_after_accept", "cookies_before_consent", "cookies_after_reject", "cookies_after_accept",
    "statement_link_text", "final_url", "started_at",
)

COOKIE_COLUMNS: tuple[str, ...] = (
    "site", "phase", "name", "domain", "party", "purpose", "vendor", "max_age_days", "stored_max_age_days",
    "finding_kinds",
    # beyond the list
    "line", "path", "session", "stored", "http_only", "secure", "same_site", "set_by", "first_seen_url", "rule_id",
)


def site_status(exit_code: Optional[int], result: Optional[dict]) -> str:
    """``ok`` (a complete result, exit 0 or 1), ``incomplete`` (a partial result) or ``failed``
    (no result, or exit 3: the site could not be scanned, e.g. its start page answered 404 —
    such a result is still kept as evidence)."""
    if result is None or exit_code == 3:
        return "failed"
    if result.get("complete", True) and exit_code in (0, 1):
        return "ok"
    return "incomplete"


def summary_row(spec, result: Optional[dict], *, exit_code: Optional[int], error: Optional[str],
                seconds: Optional[float], result_path: Optional[str]) -> dict:
    """The summary row of one site (``spec`` is its :class:`~cookieaudit.batch.sites.SiteSpec`)."""
    status = site_status(exit_code, result)
    row: dict[str, Any] = {column: None for column in SUMMARY_COLUMNS}
    row.update(site=spec.site, name=spec.name, line=spec.line, status=status, exit_code=exit_code,
               error=error if status != "ok" else None, seconds=seconds,
               result_path=result_path if result is not None else None)
    if result is None:
        return row
    if status == "failed" and not row["error"]:
        row["error"] = _site_error(result) or "the site could not be scanned"
    if status == "incomplete" and not row["error"]:
        row["error"] = f"partial result ({result.get('interrupted') or 'scan did not finish'})"
    phases = [p for p in result.get("phases") or [] if isinstance(p, dict)]
    row["complete"] = bool(result.get("complete", True))
    row["pages"] = _pages_visited(result, phases)
    row["final_url"] = _start_final_url(result)
    row["started_at"] = result.get("started_at")
    ran = {p.get("name") for p in phases}
    trackers = _tracker_domains(result.get("requests") or [])
    cookies = _cookie_counts(result.get("cookies") or [])
    for phase in PHASES:
        if phase in ran:
            row[f"trackers_{phase}"] = len(trackers.get(phase, ()))
            row[f"cookies_{phase}"] = cookies.get(phase, 0)
    row["cmp"] = _cmp(phases)
    row["statement_url"], row["statement_link_text"] = _statement(result)
    if result.get("audit") is not None:
        counts = {severity: 0 for severity in SEVERITY_ORDER}
        kinds = {kind: 0 for kind in FINDING_KINDS}
        for finding in result.get("findings") or []:
            if finding.get("baselined"):
                continue
            if finding.get("severity") in counts:
                counts[finding["severity"]] += 1
            if finding.get("kind") in kinds:
                kinds[finding["kind"]] += 1
        row.update({f"findings_{severity}": count for severity, count in counts.items()})
        row.update(kinds)
    return row


def failed_row(spec, *, exit_code: Optional[int], error: str, seconds: Optional[float] = None) -> dict:
    """A row for a site that gave no result at all."""
    return summary_row(spec, None, exit_code=exit_code, error=error, seconds=seconds, result_path=None)


def cookie_rows(spec, result: Optional[dict]) -> list[dict]:
    """Every observed cookie of the result, one row per cookie and phase, with the finding kinds about it."""
    if not result:
        return []
    kinds_by_cookie: dict[tuple[str, Optional[str]], set[str]] = {}
    for finding in result.get("findings") or []:
        if finding.get("baselined"):
            continue
        for name in finding.get("cookies") or []:
            kinds_by_cookie.setdefault((name, finding.get("phase")), set()).add(finding.get("kind") or "")
    rows = []
    for cookie in result.get("cookies") or []:
        name, phase = cookie.get("name"), cookie.get("phase")
        kinds = kinds_by_cookie.get((name, phase), set()) | kinds_by_cookie.get((name, None), set())
        set_by = cookie.get("set_by") or {}
        rows.append({
            "site": spec.site, "phase": phase, "name": name, "domain": cookie.get("domain"),
            "party": cookie.get("party"), "purpose": cookie.get("purpose"), "vendor": cookie.get("vendor"),
            "max_age_days": cookie.get("max_age_days"), "stored_max_age_days": cookie.get("stored_max_age_days"),
            "finding_kinds": " ".join(sorted(kind for kind in kinds if kind)),
            "line": spec.line, "path": cookie.get("path"), "session": cookie.get("session"),
            "stored": cookie.get("stored"), "http_only": cookie.get("http_only"), "secure": cookie.get("secure"),
            "same_site": cookie.get("same_site"), "set_by": set_by.get("kind"),
            "first_seen_url": cookie.get("first_seen_url"), "rule_id": cookie.get("rule_id"),
        })
    return rows


# -- reading the result ------------------------------------------------------------------
def _site_error(result: dict) -> Optional[str]:
    """The reason a result records for a site that could not be scanned."""
    for entry in reversed(result.get("errors") or []):
        if isinstance(entry, dict) and entry.get("kind") == "site":
            return entry.get("message")
    return None


def _pages_visited(result: dict, phases: list[dict]) -> int:
    if phases:
        return max(int(p.get("pages") or 0) for p in phases)
    return len({p.get("url") for p in result.get("pages") or []})


def _start_final_url(result: dict) -> Optional[str]:
    for page in result.get("pages") or []:
        if page.get("source") == "start":
            return page.get("final_url") or page.get("url")
    return None


def _tracker_domains(groups: Iterable[dict]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for group in groups:
        if group.get("tracker"):
            found.setdefault(group.get("phase"), set()).add(group.get("domain"))
    return found


def _cookie_counts(cookies: Iterable[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for cookie in cookies:
        if cookie.get("stored", True):
            counts[cookie.get("phase")] = counts.get(cookie.get("phase"), 0) + 1
    return counts


def _cmp(phases: list[dict]) -> Optional[str]:
    """The consent platform the banner belongs to ('generic' for a custom banner), 'none' when
    an answering phase found no banner, empty when no phase looked for one."""
    looked = False
    for phase in phases:
        banner = phase.get("banner")
        if not isinstance(banner, dict):
            continue
        looked = True
        if banner.get("detected"):
            return banner.get("cmp") or "generic"
    return "none" if looked else None


def _statement(result: dict) -> tuple[Optional[str], Optional[str]]:
    """(statement URL or sources, the link text it was found by) from the audit info or declaration."""
    audit = result.get("audit") or {}
    discovery = audit.get("statement_discovery") or {}
    if discovery.get("url"):
        return discovery["url"], discovery.get("text")
    sources = list(audit.get("statement_sources") or [])
    if not sources:
        declaration = result.get("declaration") or {}
        sources = [s.get("url") or s.get("source") for s in declaration.get("sources") or [] if isinstance(s, dict)]
    sources = [s for s in sources if s]
    return (" ".join(sources) if sources else None), None
