"""A draft cookie declaration: the cookie table a site should publish, made from what was observed.

One row per cookie family (the rule set's family, e.g. ``_ga_*``, or the observed name with its
random runs folded): name or pattern, vendor, purpose — in the statement's own words where the
statement has a heading for that purpose —, lifetime in words, party, whether consent is needed,
and whether the current statement already declares it. ``render_declaration(result, fmt)``
writes it as Markdown, HTML or CSV (cells through ``csv_safe``).
"""

from __future__ import annotations

import csv
import fnmatch
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from ..auditing.model import AuditedResult
from ..safety import csv_safe, terminal_safe
from ..statement.model import Declaration
from . import view
from .labels import labels, lifetime_words

__all__ = ["DECLARATION_FORMATS", "DraftRow", "draft_rows", "render_declaration"]

DECLARATION_FORMATS = ("markdown", "html", "csv")
PURPOSE_ORDER = ("functional", "analytic", "marketing", "unknown")


@dataclass
class DraftRow:
    """One family of cookies as the declaration should list it."""

    name: str
    names: list[str]
    vendor: Optional[str]
    purpose: str
    max_age_days: Optional[float]
    session: bool
    party: str
    domains: list[str]
    declared: bool
    description: Optional[str] = None
    phases: list[str] = field(default_factory=list)


def _rule(rule_id: Optional[str]):
    if not rule_id:
        return None
    from ..classifier import default_classifier

    return default_classifier().rules.get(rule_id)


def _family_label(name: str, rule) -> str:
    """How a declaration names the family: the rule's pattern, else the name with its varying parts as '*'."""
    if rule is None or rule.match == "regex":
        return view.family_of(name).replace("#", "*")
    if rule.match == "prefix":
        return rule.pattern + "*"
    return rule.pattern


def covers(declaration: Optional[Declaration], name: str, vendor_id: Optional[str]) -> bool:
    """Whether the statement declares this cookie: by name (exact, case-insensitive), prefix or glob,
    or by a declared service of the same vendor."""
    if declaration is None:
        return False
    lowered = name.lower()
    for declared in declaration.cookies:
        pattern = declared.pattern.lower()
        if declared.match == "exact" and lowered == pattern:
            return True
        if declared.match == "prefix" and lowered.startswith(pattern):
            return True
        if declared.match == "glob" and fnmatch.fnmatchcase(lowered, pattern):
            return True
    if vendor_id:
        return any(s.vendor_id == vendor_id for s in declaration.services) or any(
            c.vendor_id == vendor_id and c.match != "exact" for c in declaration.cookies)
    return False


def draft_rows(result: AuditedResult, lang: str = "en") -> list[DraftRow]:
    """The rows, functional first, then analytic, marketing, unknown; by vendor and name within."""
    rows: dict[str, DraftRow] = {}
    for cookie in result.cookies:
        if not cookie.stored:
            continue
        rule = _rule(cookie.rule_id)
        label = _family_label(cookie.name, rule)
        key = f"{label}@{cookie.vendor_id or cookie.domain}"
        row = rows.get(key)
        if row is None:
            description = getattr(rule, "description", None) if lang == "en" else None
            row = rows[key] = DraftRow(label, [], cookie.vendor, cookie.purpose, None, True, cookie.party, [], False,
                                       description)
        if cookie.name not in row.names:
            row.names.append(cookie.name)
            if rule is None or rule.match == "regex":  # one name: itself; several of one family: the pattern
                row.name = row.names[0] if len(row.names) == 1 else label
        if cookie.domain not in row.domains:
            row.domains.append(cookie.domain)
        if cookie.phase not in row.phases:
            row.phases.append(cookie.phase)
        if not cookie.session:
            row.session = False
            if cookie.max_age_days is not None:
                row.max_age_days = max(row.max_age_days or 0, cookie.max_age_days)
        if cookie.party == "third":
            row.party = "third"
        row.declared = row.declared or covers(result.declaration, cookie.name, cookie.vendor_id)
    order = {purpose: index for index, purpose in enumerate(PURPOSE_ORDER)}
    return sorted(rows.values(), key=lambda r: (order.get(r.purpose, 9), (r.vendor or "~").lower(), r.name.lower()))


def purpose_labels(declaration: Optional[Declaration], lang: str) -> dict[str, str]:
    """Purpose → the heading the statement itself uses for it (e.g. 'Analytische cookies'), else ours."""
    words = labels(lang)
    out = {purpose: words.purpose(purpose).capitalize() for purpose in PURPOSE_ORDER}
    if declaration is None:
        return out
    headings: dict[str, Counter] = {}
    for cookie in declaration.cookies:
        if cookie.purpose and cookie.evidence.section:
            headings.setdefault(cookie.purpose, Counter())[cookie.evidence.section.strip()] += 1
    for purpose, counter in headings.items():
        heading, _ = counter.most_common(1)[0]
        if 0 < len(heading) <= 60:
            out[purpose] = heading
    return out


def _consent(purpose: str, words) -> str:
    if purpose == "functional":
        return words("no")
    if purpose in ("analytic", "marketing"):
        return words("yes")
    return words("draft_to_assess")


def _columns(words) -> list[str]:
    return [words("pattern"), words("vendor"), words("purpose"), words("lifetime"), words("party"), words("domain"),
            words("consent_needed"), words("declared_already")]


def _cells(row: DraftRow, words, lang: str, purposes: dict[str, str]) -> list[str]:
    return [row.name, row.vendor or "", purposes.get(row.purpose, row.purpose),
            lifetime_words(row.max_age_days, row.session, lang), words.party(row.party), ", ".join(row.domains),
            _consent(row.purpose, words), words("yes") if row.declared else words("no")]


def render_declaration(result: AuditedResult, fmt: str = "markdown", *, lang: Optional[str] = None) -> str:
    """The draft declaration as ``markdown``, ``html`` or ``csv``."""
    lang = view.lang_of(result, lang)
    words = labels(lang)
    rows = draft_rows(result, lang)
    purposes = purpose_labels(result.declaration, lang)
    intro = words("draft_intro", site=result.site, date=f"{result.started_at:%Y-%m-%d}")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([csv_safe(c) for c in _columns(words) + [words("description")]])
        for row in rows:
            writer.writerow([csv_safe(terminal_safe(c)) for c in _cells(row, words, lang, purposes) + [row.description or ""]])
        return buffer.getvalue()
    if fmt == "html":
        from .html import _environment, _static, csp_hash  # noqa: F401  (shared Jinja2 environment)
        from markupsafe import Markup

        style = _static("declaration.css")
        template = _environment().get_template("declaration.html.j2")
        groups = [(purposes[p], [r for r in rows if r.purpose == p]) for p in PURPOSE_ORDER]
        return template.render(w=words, lang=lang, intro=intro, columns=_columns(words),
                               groups=[(title, [(r, _cells(r, words, lang, purposes)) for r in group]) for title, group in groups if group],
                               style=Markup(style), style_hash=csp_hash(style), version=result.tool.version)
    if fmt != "markdown":
        raise ValueError(f"unknown declaration format {fmt!r}; choose from {', '.join(DECLARATION_FORMATS)}")
    from .markdown import _code, md_escape

    out = [f"# {words('draft_title')}", "", md_escape(intro, None), ""]
    for purpose in PURPOSE_ORDER:
        group = [r for r in rows if r.purpose == purpose]
        if not group:
            continue
        out += [f"## {md_escape(purposes[purpose])}", "", "| " + " | ".join(_columns(words)) + " |",
                "|" + "|".join(" --- " for _ in _columns(words)) + "|"]
        for row in group:
            cells = [md_escape(c) for c in _cells(row, words, lang, purposes)]
            cells[0] = _code(row.name, 200)
            out.append("| " + " | ".join(c or " " for c in cells) + " |")
        out.append("")
    return "\n".join(out)
