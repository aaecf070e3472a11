"""Declared or not: undeclared cookies and third parties, cookies a declared service left
unlisted, unknown cookies, declared items never seen, and purposes that contradict the rule set."""

from __future__ import annotations

from ...statement.model import DeclaredCookie
from ..context import AuditContext
from ..messages import items_phrase, message, name_list, phase_label, purpose_label, word

__all__ = ["run"]

PURPOSE_RANK = {"functional": 0, "analytic": 1, "marketing": 2}
MAX_PAGES_LISTED = 50


def _by_vendor(draft) -> str:
    return f" ({', '.join(draft.vendors)})" if draft.vendors else ""


def _undeclared_cookie(draft, lang):
    return message("undeclared-cookie", lang, count=len(draft.cookies), names=name_list(draft.cookies, lang),
                   by_vendor=_by_vendor(draft))


def _undeclared_third_party(draft, lang):
    vendor = draft.vendors[0] if draft.vendors else draft.family
    return message("undeclared-third-party", lang, vendor=vendor,
                   items=items_phrase(draft.cookies, draft.storage, draft.hosts, lang))


def _unlisted(draft, lang):
    vendor = draft.details.get("declared_vendor") or (draft.vendors[0] if draft.vendors else "?")
    return message("unlisted-cookie-of-declared-service", lang, count=len(draft.cookies),
                   names=name_list(draft.cookies, lang), vendor=vendor)


def _unknown(draft, lang):
    return message("unknown-cookie", lang, count=len(draft.cookies) + len(draft.storage),
                   names=name_list(draft.cookies + draft.storage, lang), phase=phase_label(draft.phase, lang))


def _not_found(draft, lang):
    return message("declared-not-found", lang, names=name_list(draft.cookies or [draft.details.get("declared", "?")], lang),
                   pages=draft.details.get("pages_visited_total", 0))


def _purpose_mismatch(draft, lang):
    of_vendor = word("of_vendor", lang, vendor=", ".join(draft.vendors)) if draft.vendors else ""
    return message("purpose-mismatch", lang, count=len(draft.cookies), names=name_list(draft.cookies, lang),
                   declared=purpose_label(draft.details["declared_purpose"], lang),
                   observed=purpose_label(draft.details["classified_purpose"], lang), of_vendor=of_vendor)


def run(ctx: AuditContext) -> None:
    obs, drafts, declared = ctx.observations, ctx.drafts, ctx.declared
    for cookie in obs.cookies:
        if ctx.allowed(cookie):
            continue
        c = cookie.classified
        coverage = ctx.coverage(cookie)
        first = cookie.records[0]
        item = obs.cookie_item(cookie, first)
        if coverage.declared:
            _check_purpose(ctx, cookie, coverage.item, item)
            continue
        if c.purpose == "unknown" and not c.vendor_id:
            draft = drafts.get("unknown-cookie", _unknown, family=cookie.family, phase=cookie.phases[0])
            draft.add(cookie=cookie.name, item=item)
            continue
        if declared is None:
            continue
        if coverage.status == "unlisted":
            draft = drafts.get("unlisted-cookie-of-declared-service", _unlisted, family=cookie.family)
            draft.add(cookie=cookie.name, vendor=c.vendor, item=item).cite(coverage.item.evidence)
            draft.details.setdefault("declared_vendor", coverage.item.vendor or c.vendor)
            if isinstance(coverage.item, DeclaredCookie):
                draft.details.setdefault("declared_cookies", [
                    d.pattern for d in ctx.declaration.cookies if declared.vendor_of(d) == declared.vendor_of(coverage.item)])
        elif cookie.party == "first":
            drafts.get("undeclared-cookie", _undeclared_cookie, family=cookie.family).add(
                cookie=cookie.name, vendor=c.vendor, item=item)
        else:
            drafts.get("undeclared-third-party", _undeclared_third_party, family=c.vendor_id or cookie.domain).add(
                cookie=cookie.name, vendor=c.vendor, item=item)
    if declared is None:
        return
    for host in obs.tracker_hosts():
        if ctx.allowed(host) or declared.vendor(host.vendor_id).declared:
            continue
        draft = drafts.get("undeclared-third-party", _undeclared_third_party, family=host.vendor_id or host.domain)
        for phase in host.phases:
            draft.add(host=host.host, vendor=host.vendor, item=obs.host_item(host, phase))
    _declared_not_found(ctx)


def _check_purpose(ctx: AuditContext, cookie, declared_item, item) -> None:
    declared_purpose = getattr(declared_item, "purpose", None)
    classified = cookie.classified.purpose
    if declared_purpose not in PURPOSE_RANK or classified not in PURPOSE_RANK or declared_purpose == classified:
        return
    understated = PURPOSE_RANK[classified] > PURPOSE_RANK[declared_purpose]
    draft = ctx.drafts.get("purpose-mismatch", _purpose_mismatch, family=cookie.family,
                           severity="warning" if understated else "info")
    draft.add(cookie=cookie.name, vendor=cookie.classified.vendor, item=item).cite(declared_item.evidence)
    draft.details.setdefault("declared_purpose", declared_purpose)
    draft.details.setdefault("classified_purpose", classified)


def _declared_not_found(ctx: AuditContext) -> None:
    obs, declared = ctx.observations, ctx.declared
    pages = obs.pages_visited
    names = sorted(obs.seen_names)
    seen_vendors = {c.classified.vendor_id for c in obs.cookies} | {s.classified.vendor_id for s in obs.storage}
    seen_vendors |= {h.vendor_id for h in obs.hosts.values()}
    seen_vendors.discard(None)

    def note(draft, evidence):
        draft.cite(evidence)
        draft.pages_visited = pages[:MAX_PAGES_LISTED]
        draft.details["pages_visited_total"] = len(pages)

    seen = {id(item) for name in names for item in declared.covering(name)}
    for cookie in ctx.declaration.cookies:
        if id(cookie) in seen:
            continue
        draft = ctx.drafts.get("declared-not-found", _not_found, family=f"cookie:{cookie.pattern}")
        draft.add(cookie=cookie.pattern, vendor=cookie.vendor)
        draft.details["declared"] = cookie.pattern
        draft.details["match"] = cookie.match
        note(draft, cookie.evidence)
    for service in ctx.declaration.services:
        vendor_id = declared.vendor_of(service)
        if not vendor_id or seen_vendors & declared.covered(vendor_id):
            continue  # a service the rule set cannot place is not looked for
        draft = ctx.drafts.get("declared-not-found", _not_found, family=f"service:{vendor_id}")
        draft.add(vendor=service.vendor or service.name)
        draft.details["declared"] = service.name
        note(draft, service.evidence)
