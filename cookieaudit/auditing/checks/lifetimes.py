"""Lifetimes against the declaration: longer than declared, or persistent where the statement
says the cookie ends with the session (tolerance and rounding: ``cookieaudit.auditing.lifetimes``)."""

from __future__ import annotations

from ..context import AuditContext
from ..lifetimes import allowed_days, exceeds, format_days
from ..messages import message, name_list

__all__ = ["run"]


def _exceeds(draft, lang):
    return message("lifetime-exceeds-declared", lang, count=len(draft.cookies), names=name_list(draft.cookies, lang),
                   observed=format_days(draft.details["observed_days"], lang),
                   declared=format_days(draft.details["declared_days"], lang))


def _session(draft, lang):
    return message("declared-session-but-persistent", lang, count=len(draft.cookies),
                   names=name_list(draft.cookies, lang), observed=format_days(draft.details["observed_days"], lang))


def run(ctx: AuditContext) -> None:
    if ctx.declared is None:
        return
    obs = ctx.observations
    for cookie in obs.cookies:
        if ctx.allowed(cookie):
            continue
        coverage = ctx.coverage(cookie)
        if not coverage.declared:
            continue
        item = coverage.item
        asked = cookie.max_age_days
        if asked is None or not cookie.persistent:
            continue
        longest = max((r for r in cookie.records if r.max_age_days is not None), key=lambda r: r.max_age_days)
        evidence = obs.cookie_item(cookie, longest)
        if item.lifetime == "session" and not item.max_age_days:
            draft = ctx.drafts.get("declared-session-but-persistent", _session, family=cookie.family)
            draft.add(cookie=cookie.name, vendor=cookie.classified.vendor, item=evidence).cite(item.evidence)
            draft.details["observed_days"] = max(asked, draft.details.get("observed_days", 0))
        elif exceeds(asked, item.max_age_days):
            draft = ctx.drafts.get("lifetime-exceeds-declared", _exceeds, family=cookie.family)
            draft.add(cookie=cookie.name, vendor=cookie.classified.vendor, item=evidence).cite(item.evidence)
            details = draft.details
            details["observed_days"] = max(asked, details.get("observed_days", 0))
            details.setdefault("declared_days", item.max_age_days)
            details.setdefault("allowed_days", round(allowed_days(item.max_age_days), 4))
