"""The terminal report: findings first, then the cookie × phase matrix, trackers, storage, the
banner in each phase, and a one-line verdict; 100 columns wide by default.

``render_terminal(result)`` returns the text (ANSI colours only with ``color=True``). Every
site-controlled string passes through ``terminal_safe`` and is put in ``rich.text.Text``, so it
is never read as markup. Without ``verbose`` long lists are cut with a note; with it, also
the pages, errors, setters and the declaration.
"""

from __future__ import annotations

import io
from typing import Optional

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..auditing.model import AuditedResult
from ..safety import terminal_safe
from . import view
from .labels import labels

__all__ = ["render_terminal"]

SEVERITY_MARK = {"error": "E", "warning": "W", "info": "I"}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
LIMIT = 40  # rows per table without --verbose


def _t(value: object, limit: Optional[int] = 300, style: str = "") -> Text:
    return Text("" if value is None else terminal_safe(value, limit), style=style)


def _table(title: str, *columns: tuple[str, dict]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False,
                  show_edge=False, expand=False, padding=0)
    for name, options in columns:
        if "width" in options:  # fixed columns never shrink: the free one (ratio) takes what is left
            options = {"min_width": options["width"], **options}
        table.add_column(name, **options)
    return table


def _more(console: Console, words, hidden: int) -> None:
    if hidden > 0:
        console.print(Text(words("more_rows", n=hidden), style="dim"))


def render_terminal(result: AuditedResult, *, lang: Optional[str] = None, verbose: bool = False, width: int = 100,
                    color: bool = False, fail_on: Optional[str] = None) -> str:
    """The terminal report as text, ``width`` columns wide."""
    lang = view.lang_of(result, lang)
    words = labels(lang)
    console = Console(file=io.StringIO(), width=width, record=True, color_system="standard" if color else None,
                      force_terminal=color, highlight=False, emoji=False, markup=False, soft_wrap=False)
    limit = None if verbose else LIMIT
    phases = view.phases_of(result)

    header = Text("cookieaudit  ", style="bold")
    header.append(terminal_safe(result.site, 200))
    console.print(header)
    pages = len({p.url for p in result.pages})
    console.print(Text(f"{result.started_at:%Y-%m-%d %H:%M} UTC  ·  {pages} {words.unit('page', pages)}  ·  "
                       + ", ".join(words.phase(p) for p in phases), style="dim"))
    if not result.complete:
        console.print(Text(words("incomplete"), style="bold red"))
    console.print()

    _findings(console, result, words, limit)
    _matrix(console, result, words, phases, lang, verbose, limit)
    _trackers(console, result, words, phases, verbose, limit)
    _storage(console, result, words, phases, limit)
    _banners(console, result, words, phases, verbose)
    if verbose:
        _pages_and_errors(console, result, words)
        _declaration(console, result, words)
    style = "bold red" if view.failed(result, fail_on) else ("bold green" if view.audited(result) and view.enforced(result, fail_on) else "bold")
    console.print(Text(f"{words('verdict')}: ", style="bold") + Text(view.outcome(result, lang, fail_on), style=style))
    console.print(Text(view.observed_counts(result, lang), style="dim"))
    return console.export_text(styles=color)


def _findings(console, result, words, limit) -> None:
    if not view.audited(result):
        console.print(Text(words("not_audited"), style="dim"))
        console.print()
        return
    findings = view.findings_sorted(result)
    counts = view.counts(result)
    title = f"{words('findings')} ({', '.join(f'{n} {words.severity(s)}' for s, n in counts.items())})"
    if not findings:
        console.print(Text(title, style="bold"))
        console.print(words("no_findings"))
        console.print()
        return
    one_line = {"no_wrap": limit is not None, "overflow": "ellipsis" if limit is not None else "fold"}
    table = _table(title, ("", {"width": 1, "no_wrap": True}),
                   (words("kind"), {"no_wrap": True, "width": 27, "overflow": "ellipsis"}),
                   (words("phase"), {"no_wrap": True, "width": 6, "overflow": "ellipsis"}),
                   (words("cookies") + " / " + words("hosts"), {"width": 20, **one_line}),
                   (words("message"), {"ratio": 1, "max_width": max(20, console.width - 58), **one_line}))
    previous_kind = None
    for finding in findings[:limit]:
        names = finding.cookies or finding.hosts or finding.storage
        style = "dim" if finding.baselined else SEVERITY_STYLE[finding.severity]
        message = terminal_safe(finding.message, None if limit is None else 200)
        if finding.baselined:
            message += f" [{words('baselined')}]"
        table.add_row(Text(SEVERITY_MARK[finding.severity], style=style),
                      Text(finding.kind if finding.kind != previous_kind else "", style=style),
                      Text(words.phase(finding.phase, short=True)),
                      _t(", ".join(names), 120), Text(message, style="dim" if finding.baselined else ""))
        previous_kind = finding.kind
    console.print(table)
    _more(console, words, len(findings) - len(findings[:limit]))
    console.print()


def _matrix(console, result, words, phases, lang, verbose, limit) -> None:
    rows = view.cookie_rows(result)
    if not rows:
        return
    wrap = {"overflow": "fold"} if verbose else {"overflow": "ellipsis", "no_wrap": True}
    columns = [(words("cookie"), {"width": 19, **wrap}), (words("domain"), {"width": 16, **wrap}),
               (words("party")[:3], {"width": 3, "no_wrap": True}),
               (words("purpose"), {"no_wrap": True, "width": 11, "overflow": "ellipsis"}),
               (words("vendor"), {"width": 13, **wrap})]
    columns += [(words.phase(p, short=True), {"width": 6, "no_wrap": True, "justify": "center"}) for p in phases]
    columns += [(words("lifetime")[:9], {"width": 9, "no_wrap": True}), ("!", {"width": 2, "no_wrap": True})]
    table = _table(words("phase_matrix"), *columns)
    for row in rows[:limit]:
        cells = []
        for phase in phases:
            cell = row.cells.get(phase)
            if cell is None:
                cells.append(Text("-", style="dim"))
            else:
                cells.append(Text("✓") if cell.stored else Text("✗", style="red"))
        marks = "".join(sorted({SEVERITY_MARK[f.severity] for f in row.findings if not f.baselined},
                               key="EWI".index))
        party = "1st" if row.first.party == "first" else "3rd"
        table.add_row(_t(row.name, 200), _t(row.domain, 200), Text(party), Text(words.purpose(row.first.purpose)),
                      _t(row.first.vendor or "", 60), *cells, Text(_short_lifetime(row.first)),
                      Text(marks, style=SEVERITY_STYLE.get(row.worst or "", "")))
    console.print(table)
    _more(console, words, len(rows) - len(rows[:limit]))
    console.print(Text(f"✓ {words('lifetime_stored')}, ✗ {words('refused')}, - {words('unknown')}; "
                       f"{words('lifetime')}: {words('lifetime_asked')}/{words('lifetime_stored')}; "
                       f"! E {words.severity('error')}, W {words.severity('warning')}, I {words.severity('info')}",
                       style="dim"))
    console.print()
    if verbose:
        table = _table(words("set_by"), (words("cookie"), {"overflow": "fold", "max_width": 24}),
                       (words("set_by"), {"overflow": "fold", "ratio": 1}), (words("first_seen"), {"overflow": "fold", "ratio": 1}))
        for row in rows:
            table.add_row(_t(row.name, 200), _t(view.set_by_text(row.first.set_by), 400), _t(row.first.first_seen_url or "", 400))
        console.print(table)
        console.print()


def _days(days: float) -> str:
    if days < 1 / 24:
        return f"{max(1, round(days * 1440))}min"
    if days < 1:
        return f"{round(days * 24)}h"
    return f"{round(days)}d"


def _short_lifetime(cookie) -> str:
    """'730d/400d' (asked/stored), '30d', 'session'."""
    if cookie.session or cookie.max_age_days is None:
        return "session"
    asked = _days(cookie.max_age_days)
    if cookie.stored_max_age_days is None:
        return asked
    stored = _days(cookie.stored_max_age_days)
    return asked if stored == asked else f"{asked}/{stored}"


def _trackers(console, result, words, phases, verbose, limit) -> None:
    table = _table(words("trackers"), (words("phase"), {"no_wrap": True}), (words("domain"), {"overflow": "fold"}),
                   (words("vendor"), {"max_width": 24}), (words("purpose"), {"no_wrap": True}),
                   (words("requests"), {"justify": "right"}))
    shown = hidden = 0
    for phase in phases:
        groups = view.tracker_groups(result, phase, everything=verbose)
        for group in groups:
            if limit is not None and shown >= limit:
                hidden += 1
                continue
            table.add_row(Text(words.phase(phase, short=True)), _t(group.domain, 100), _t(group.vendor or "", 60),
                          Text(words.purpose(group.purpose) if group.purpose else ""), Text(str(group.count)))
            shown += 1
    if shown:
        console.print(table)
        _more(console, words, hidden)
    else:
        console.print(Text(words("trackers"), style="bold"))
        console.print(words("no_trackers"))
    console.print()


def _storage(console, result, words, phases, limit) -> None:
    rows = view.storage_rows(result)
    if not rows:
        console.print(Text(words("storage_title"), style="bold"))
        console.print(words("no_storage"))
        console.print()
        return
    table = _table(words("storage_title"), (words("storage_kind"), {"no_wrap": True}), (words("origin"), {"overflow": "fold"}),
                   (words("key"), {"overflow": "fold", "max_width": 30}),
                   *[(words.phase(p, short=True), {"justify": "center"}) for p in phases])
    for (kind, origin, key), by_phase in rows[:limit]:
        table.add_row(Text(words.storage_kind(kind)), _t(origin, 100), _t(key, 100),
                      *[Text("✓") if p in by_phase else Text("-", style="dim") for p in phases])
    console.print(table)
    _more(console, words, len(rows) - len(rows[:limit]))
    console.print()


def _banners(console, result, words, phases, verbose) -> None:
    table = _table(words("banners"), (words("phase"), {"no_wrap": True}), (words("banner"), {"no_wrap": True}),
                   (words("banner_cmp"), {"max_width": 14}), (words("banner_action"), {"no_wrap": True}),
                   (words("banner_clicks"), {"justify": "right"}),
                   (words("banner_reason"), {"ratio": 1, "overflow": "fold" if verbose else "ellipsis", "no_wrap": not verbose}))
    any_row = False
    for info in result.phases:
        banner = info.banner
        if banner is None:
            table.add_row(Text(words.phase(info.name, short=True)), Text("-", style="dim"), Text(""), Text(""), Text(""), Text(""))
            any_row = True
            continue
        state = words("banner_detected") if banner.detected else words("banner_not_detected")
        if banner.action:
            verified = words("banner_verified") if banner.verified else words("banner_not_verified")
            action = Text(f"{words.banner_action(banner.action)}, {verified}", style="green" if banner.verified else "yellow")
        else:
            action = Text("-", style="dim")
        note = banner.reason or ""
        if banner.reject_on_first_layer is False:
            note = (note + "; " if note else "") + f"{words('banner_reject_first_layer')}: {words('no')}"
        if banner.screenshots:
            shots = (", ".join(f"{s.stage}: {s.path}" for s in banner.screenshots) if verbose
                     else f"{len(banner.screenshots)} screenshots")
            note = (note + "; " if note else "") + shots
        table.add_row(Text(words.phase(info.name, short=True)), Text(state), _t(banner.cmp or "", 40), action,
                      Text(str(banner.clicks)), _t(note, None if verbose else 200))
        any_row = True
    if any_row:
        console.print(table)
        console.print()


def _pages_and_errors(console, result, words) -> None:
    table = _table(words("pages_visited"), (words("phase"), {"no_wrap": True}), ("URL", {"overflow": "fold", "ratio": 2}),
                   ("HTTP", {"justify": "right"}), ("", {"overflow": "fold", "ratio": 1}))
    for page in result.pages:
        table.add_row(Text(words.phase(page.phase, short=True)), _t(page.final_url or page.url, 300),
                      Text(str(page.status or "")), _t(page.error or page.title or "", 200))
    console.print(table)
    console.print()
    if result.errors:
        table = _table(words("errors"), (words("phase"), {"no_wrap": True}), (words("kind"), {"no_wrap": True}),
                       ("URL", {"overflow": "fold"}), (words("message"), {"overflow": "fold", "ratio": 1}))
        for error in result.errors:
            table.add_row(Text(words.phase(error.phase, short=True)), Text(error.kind), _t(error.url or "", 300),
                          _t(error.message, 400))
        console.print(table)
        console.print()


def _declaration(console, result, words) -> None:
    declaration = result.declaration
    if declaration is None:
        return
    table = _table(words("declaration"), (words("pattern"), {"overflow": "fold"}), (words("vendor"), {}),
                   (words("purpose"), {}), (words("lifetime"), {}), (words("section"), {"overflow": "fold"}))
    for cookie in declaration.cookies:
        lifetime = cookie.lifetime or ""
        if cookie.max_age_days is not None:
            from .labels import lifetime_words

            lifetime = lifetime_words(cookie.max_age_days, False, words.lang)
        table.add_row(_t(cookie.pattern + ("*" if cookie.match == "prefix" else ""), 100), _t(cookie.vendor or "", 60),
                      Text(words.purpose(cookie.purpose) if cookie.purpose else ""), Text(lifetime),
                      _t(cookie.evidence.section or "", 100))
    for service in declaration.services:
        table.add_row(_t(service.name, 100), _t(service.vendor or "", 60),
                      Text(words.purpose(service.purpose) if service.purpose else ""), Text(service.lifetime or ""),
                      _t(service.evidence.section or "", 100))
    console.print(table)
    for warning in declaration.warnings:
        console.print(_t(f"{words('warnings')}: {warning}", 300, style="yellow"))
    console.print()
