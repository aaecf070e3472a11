"""The Markdown report, for a pull-request comment or a CI job summary: verdict, findings table,
changes since the compared scan, and the cookies per phase.

GitHub renders HTML inside Markdown, so every site string is HTML-escaped and its Markdown
characters backslash-escaped; table cells never hold a raw ``|`` or newline. The text stays
under GitHub's 1 MiB step-summary limit (``MAX_BYTES``): sections that do not fit are left out
with a note.
"""

from __future__ import annotations

import html
import re
from typing import Optional

from ..auditing.model import AuditedResult
from ..safety import terminal_safe
from . import view
from .labels import labels

__all__ = ["MAX_BYTES", "md_escape", "render_markdown"]

MAX_BYTES = 1024 * 1024 - 16 * 1024  # GitHub's step summary takes at most 1 MiB; keep a margin
SEVERITY_ICON = {"error": "🔴", "warning": "🟠", "info": "🔵"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")  # inline Markdown; < > & are HTML-escaped first


def md_escape(text: object, limit: Optional[int] = 300) -> str:
    """A site string safe inside Markdown and a table cell: one line, HTML and Markdown escaped,
    control and bidi characters replaced (the report is also printed on terminals).

    >>> md_escape("a|b <img> _x_")
    'a\\\\|b &lt;img&gt; \\\\_x\\\\_'
    """
    value = terminal_safe(" ".join(str(text or "").split()))
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…"
    value = html.escape(value, quote=False)
    return _MD_SPECIAL.sub(r"\\\1", value)


def _code(text: object, limit: int = 120) -> str:
    """A name in code style; backticks inside are replaced, HTML still escaped (GitHub renders code spans safely)."""
    value = terminal_safe(" ".join(str(text or "").split())).replace("`", "'")
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    value = value.replace("|", "\\|")
    return f"`{value}`" if value else ""


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell if cell else " " for cell in row) + " |" for row in rows]
    return lines


def render_markdown(result: AuditedResult, *, lang: Optional[str] = None, fail_on: Optional[str] = None,
                    max_bytes: int = MAX_BYTES, report_link: Optional[str] = None) -> str:
    """The Markdown report; at most ``max_bytes`` bytes of UTF-8."""
    lang = view.lang_of(result, lang)
    words = labels(lang)
    head = [f"## {words('report_title')}: {md_escape(result.site)}", ""]
    outcome = "❌" if view.failed(result, fail_on) else ("✅" if view.audited(result) and view.enforced(result, fail_on) else "ℹ️")
    head += [f"**{words('verdict')}:** {outcome} {md_escape(view.verdict(result, lang, fail_on), None)}", ""]
    if report_link:
        head += [f"[report.html]({report_link})", ""]

    sections: list[list[str]] = [_findings(result, words)]
    if result.changes is not None:
        sections.append(_changes(result, words))
    sections.append(_matrix(result, words, lang))
    sections.append(_trackers(result, words))
    sections.append(_banners(result, words))
    footer = ["", f"<sub>{words('generated_by')} cookieaudit {md_escape(result.tool.version)} · "
                  f"{md_escape(f'{result.started_at:%Y-%m-%d %H:%M} UTC')} · {words('values_redacted')}</sub>", ""]

    out = list(head)
    note = ["", f"> {words('truncated')}", ""]
    budget = max_bytes - _size(footer) - _size(note)
    truncated = False
    for section in sections:
        if _size(out) + _size(section) <= budget:
            out += section
            continue
        truncated = True
        # Keep as many whole rows of this section as fit, then stop.
        for line in section:
            if _size(out) + _size([line]) > budget:
                break
            out.append(line)
        break
    if truncated:
        out += note
    out += footer
    return "\n".join(out)


def _size(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def _findings(result: AuditedResult, words) -> list[str]:
    lines = [f"### {words('findings')}", ""]
    if not view.audited(result):
        return lines + [words("not_audited"), ""]
    findings = view.findings_sorted(result)
    if not findings:
        return lines + [words("no_findings"), ""]
    rows = []
    for finding in findings:
        names = finding.cookies or finding.hosts or finding.storage
        severity = f"{SEVERITY_ICON.get(finding.severity, '')} {words.severity(finding.severity)}"
        message = md_escape(finding.message)
        if finding.baselined:
            severity = f"~~{severity}~~"
            message += f" _({words('baselined')})_"
        rows.append([severity, _code(finding.kind), md_escape(words.phase(finding.phase)),
                     ", ".join(_code(name, 60) for name in names[:8]) + (" …" if len(names) > 8 else ""), message])
    return lines + _table([words("severity"), words("kind"), words("phase"), words("cookies"), words("message")], rows) + [""]


def _changes(result: AuditedResult, words) -> list[str]:
    changes = result.changes
    lines = [f"### {words('changes')}", "", f"{words('compared_with')}: {_code(changes.previous)}", ""]
    rows = []
    for phase in view.PHASES:
        delta = changes.phases.get(phase)
        if delta is None:
            continue
        for label, added, removed in ((words("cookies"), delta.cookies_added, delta.cookies_removed),
                                      (words("storage"), delta.storage_added, delta.storage_removed),
                                      (words("hosts"), delta.hosts_added, delta.hosts_removed)):
            if added or removed:
                rows.append([md_escape(words.phase(phase)), label, ", ".join(_code(a, 80) for a in added),
                             ", ".join(_code(r, 80) for r in removed)])
    for title, refs in ((words("findings_new"), changes.findings_new), (words("findings_resolved"), changes.findings_resolved)):
        for ref in refs:
            rows.append([md_escape(words.phase(ref.phase)), title, _code(ref.kind) + " " + ", ".join(_code(c, 60) for c in ref.cookies), ""])
    if not rows:
        return lines + [words("no_changes"), ""]
    return lines + _table([words("phase"), "", words("added"), words("removed")], rows) + [""]


def _matrix(result: AuditedResult, words, lang: str) -> list[str]:
    rows = view.cookie_rows(result)
    phases = view.phases_of(result)
    if not rows:
        return []
    lines = [f"### {words('phase_matrix')}", ""]
    body = []
    for row in rows:
        cells = []
        for phase in phases:
            cell = row.cells.get(phase)
            cells.append("-" if cell is None else ("✓" if cell.stored else f"✗ {words('refused')}"))
        marks = ", ".join(_code(f.kind) for f in row.findings if not f.baselined)
        body.append([_code(row.name, 80), md_escape(row.domain), md_escape(words.party(row.first.party)),
                     md_escape(words.purpose(row.first.purpose)), md_escape(row.first.vendor or ""), *cells,
                     md_escape(row.lifetime(lang)), marks])
    header = [words("cookie"), words("domain"), words("party"), words("purpose"), words("vendor"),
              *[md_escape(words.phase(p)) for p in phases],
              f"{words('lifetime')} ({words('lifetime_asked')} / {words('lifetime_stored')})", words("marks")]
    return lines + _table(header, body) + [""]


def _trackers(result: AuditedResult, words) -> list[str]:
    rows = []
    for phase in view.phases_of(result):
        for group in view.tracker_groups(result, phase):
            rows.append([md_escape(words.phase(phase)), _code(group.domain), md_escape(group.vendor or ""),
                         md_escape(words.purpose(group.purpose) if group.purpose else ""), str(group.count)])
    lines = [f"### {words('trackers')}", ""]
    if not rows:
        return lines + [words("no_trackers"), ""]
    return lines + _table([words("phase"), words("domain"), words("vendor"), words("purpose"), words("requests")], rows) + [""]


def _banners(result: AuditedResult, words) -> list[str]:
    rows = []
    for info in result.phases:
        banner = info.banner
        if banner is None:
            rows.append([md_escape(words.phase(info.name)), "-", "", "", ""])
            continue
        state = words("banner_detected") if banner.detected else words("banner_not_detected")
        action = ""
        if banner.action:
            action = f"{words.banner_action(banner.action)}, " + (words("banner_verified") if banner.verified else words("banner_not_verified"))
        rows.append([md_escape(words.phase(info.name)), state, md_escape(words.cmp(banner.cmp)), md_escape(action),
                     md_escape(banner.reason or "")])
    if not rows:
        return []
    return [f"### {words('banners')}", ""] + _table(
        [words("phase"), words("banner"), words("banner_cmp"), words("banner_action"), words("banner_reason")], rows) + [""]
