"""claim-violated: what the statement says about all cookies (only these purposes, none of
those, all session cookies, consent first) against what each phase shows; one finding per
claim and phase, listing every name that contradicts it."""

from __future__ import annotations

from ..context import AuditContext
from ..messages import actions_phrase, claim_text, message, phase_label

__all__ = ["run"]

MAX_QUOTES = 5


def _render(draft, lang):
    claim = draft.details["claim"]
    return message("claim-violated", lang, claim=claim_text(claim, draft.details.get("purposes", []), lang),
                   phase=phase_label(draft.phase, lang), actions=actions_phrase(draft.cookies, draft.storage, draft.hosts, lang))


def run(ctx: AuditContext) -> None:
    if ctx.declaration is None:
        return
    claims = ctx.declaration.claims
    checks = []
    if claims.only_purposes:
        allowed = set(claims.only_purposes)
        checks.append(("only_purposes", list(claims.only_purposes), lambda purpose, phase: purpose not in allowed, False))
    if claims.excluded_purposes:
        excluded = set(claims.excluded_purposes)
        checks.append(("excluded_purposes", list(claims.excluded_purposes), lambda purpose, phase: purpose in excluded, False))
    if claims.consent_required_for:
        needs = set(claims.consent_required_for)
        checks.append(("consent_required_for", list(claims.consent_required_for),
                       lambda purpose, phase: phase == "before_consent" and purpose in needs, True))
    obs = ctx.observations

    def draft_for(claim, purposes, phase):
        draft = ctx.drafts.get("claim-violated", _render, family=claim, phase=phase)
        draft.details["claim"] = claim
        draft.details["purposes"] = purposes
        for evidence in claims.evidence[:MAX_QUOTES]:
            draft.cite(evidence)
        return draft

    for cookie in obs.cookies:
        if ctx.allowed(cookie):
            continue
        purpose = ctx.purpose(cookie)
        for record in cookie.records:
            for claim, purposes, violated, _ in checks:
                if purpose != "unknown" and violated(purpose, record.phase):
                    draft_for(claim, purposes, record.phase).add(cookie=cookie.name, vendor=cookie.classified.vendor,
                                                                 item=obs.cookie_item(cookie, record))
            if claims.all_session and not record.session:
                draft_for("all_session", [], record.phase).add(cookie=cookie.name, vendor=cookie.classified.vendor,
                                                               item=obs.cookie_item(cookie, record))
    for storage in obs.storage:
        if ctx.allowed(storage):
            continue
        purpose = ctx.purpose(storage)
        for record in storage.records:
            for claim, purposes, violated, _ in checks:
                if purpose != "unknown" and violated(purpose, record.phase):
                    draft_for(claim, purposes, record.phase).add(storage=storage.key, vendor=storage.classified.vendor,
                                                                 item=obs.storage_item(storage, record))
    for host in obs.tracker_hosts():
        if ctx.allowed(host):
            continue
        for phase in host.phases:
            for claim, purposes, violated, with_hosts in checks:
                if with_hosts and host.purpose and violated(host.purpose, phase):
                    draft_for(claim, purposes, phase).add(host=host.host, vendor=host.vendor, item=obs.host_item(host, phase))
