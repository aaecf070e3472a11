"""Consent: what the site does before the visitor answers and after a refusal, and what the
consent banner offers.

* ``set-before-consent``: a non-functional cookie, storage entry or tracker request in the
  ``before_consent`` phase; ``set-after-reject``: the same in ``after_reject`` after the
  refusal was clicked — a cookie placed on the first page before the click counts only when it
  is written again afterwards. "Non-functional" is the rule set's purpose (analytic or
  marketing), else the purpose the statement declares. Where the statement claims its analytics
  is privacy-friendly (consent-free under Dutch law) for the vendor concerned, an analytic
  finding stays, as a warning, with the claim quoted.
* The banner (from each answering phase's record): ``no-reject-option`` only when refusal was
  looked for on every layer and was not there; any other failure to verify a click is
  ``consent-not-verified``; ``reject-not-on-first-layer``; ``no-banner-but-tracking`` when no
  answering phase found a banner yet the site tracks.
"""

from __future__ import annotations

from typing import Iterator, Optional

from ..context import AuditContext
from ..families import host_family
from ..knowledge import knowledge
from ..messages import action_label, actions_phrase, message, phase_label, purpose_goal, text
from ..observed import NON_FUNCTIONAL, ObservedCookie, ObservedHost, ObservedStorage, as_utc, written_after

__all__ = ["run", "privacy_friendly_vendors"]

MAX_CLAIM_QUOTES = 3


def _purposes(draft, lang) -> str:
    return purpose_goal(draft.details.get("purposes", []), lang)


def _by_vendor(draft) -> str:
    return f" ({', '.join(draft.vendors)})" if draft.vendors else ""


def _consent_message(kind):
    def render(draft, lang):
        sentence = message(kind, lang, actions=actions_phrase(draft.cookies, draft.storage, draft.hosts, lang),
                           by_vendor=_by_vendor(draft), purpose=_purposes(draft, lang))
        if draft.details.get("privacy_friendly_claim"):
            sentence += text("privacy_friendly_note", lang)
        if draft.details.get("banner_verified") is False:
            sentence += text("not_verified_note", lang)
        return sentence

    return render


def _no_banner(draft, lang):
    return message("no-banner-but-tracking", lang, actions=actions_phrase(draft.cookies, draft.storage, draft.hosts, lang),
                   purpose=_purposes(draft, lang))


def _simple(kind):
    return lambda draft, lang: message(kind, lang)


def _not_verified(draft, lang):
    return message("consent-not-verified", lang, action=action_label(draft.details.get("action"), lang),
                   reason=draft.details.get("reason") or "?", phase=phase_label(draft.phase, lang))


# -- tracking in a phase --------------------------------------------------------------------
def _tracking(ctx: AuditContext, phase: str, after=None) -> Iterator[tuple]:
    """(observed, record or records, purpose) for every non-functional thing seen in ``phase``
    (with ``after``: written or requested after that moment)."""
    obs = ctx.observations
    for cookie in obs.cookies:
        record = cookie.in_phase(phase)
        if record is None or ctx.allowed(cookie):
            continue
        purpose = ctx.purpose(cookie)
        if purpose in NON_FUNCTIONAL and (after is None or written_after(record, after)):
            yield cookie, record, purpose
    for storage in obs.storage:
        record = storage.in_phase(phase)
        if record is None or ctx.allowed(storage):
            continue
        purpose = ctx.purpose(storage)
        late = after is None or (record.first_seen_at is not None and as_utc(record.first_seen_at) > as_utc(after))
        if purpose in NON_FUNCTIONAL and late:
            yield storage, record, purpose
    for host in obs.tracker_hosts():
        records = host.requests.get(phase)
        if not records or ctx.allowed(host) or host.purpose not in NON_FUNCTIONAL:
            continue
        if after is not None:
            moment = as_utc(after)
            records = [r for r in records if r.at is not None and as_utc(r.at) > moment]
            if not records:
                continue
        yield host, records, host.purpose


def _add(ctx: AuditContext, draft, observed, record) -> None:
    obs = ctx.observations
    if isinstance(observed, ObservedCookie):
        draft.add(cookie=observed.name, vendor=observed.classified.vendor, item=obs.cookie_item(observed, record))
    elif isinstance(observed, ObservedStorage):
        draft.add(storage=observed.key, vendor=observed.classified.vendor, item=obs.storage_item(observed, record))
    else:
        draft.add(host=observed.host, vendor=observed.vendor, item=obs.host_item(observed, record[0].phase, record))


def _family(observed) -> str:
    if isinstance(observed, ObservedHost):
        return host_family(observed.vendor_id, observed.host)
    return observed.family


def _vendor_id(observed) -> Optional[str]:
    return observed.vendor_id if isinstance(observed, ObservedHost) else observed.classified.vendor_id


# -- the privacy-friendly analytics exemption ----------------------------------------------
def privacy_friendly_vendors(ctx: AuditContext) -> Optional[set]:
    """The analytic vendors the statement's privacy-friendly claim covers: the ones its claim
    sentences name, or every one (``None``) when the sentences name none; an empty set when
    there is no such claim."""
    if ctx.declaration is None or not ctx.declaration.claims.analytics_privacy_friendly:
        return set()
    texts = [e.text.casefold() for e in ctx.declaration.claims.evidence]
    obs = ctx.observations
    candidates = {c.classified.vendor_id for c in obs.cookies if c.classified.purpose == "analytic"}
    candidates |= {h.vendor_id for h in obs.hosts.values() if h.purpose == "analytic"}
    if ctx.declaration is not None:  # vendors named only in the statement count too
        candidates |= {ctx.declared.vendor_of(item) for item in (*ctx.declaration.cookies, *ctx.declaration.services)
                       if item.purpose == "analytic"}
    candidates.discard(None)
    named = {v for v in candidates
             if any(name.casefold() in t for name in ctx.vendor_names(v) if len(name) >= 3 for t in texts)}
    if not named:
        return None
    covered = set(named)
    for vendor_id in named:  # Google Analytics' claim also covers its gtag.js loader
        covered |= ctx.declared.covered(vendor_id) if ctx.declared is not None else set()
    return covered


def _exempt(ctx: AuditContext, purpose: str, vendor_id: Optional[str], friendly) -> bool:
    if purpose != "analytic" or friendly == set():
        return False
    return friendly is None or vendor_id in friendly


def _consent_finding(ctx: AuditContext, kind: str, phase: str, found, friendly, verified: Optional[bool] = None) -> None:
    observed, record, purpose = found
    exempt = _exempt(ctx, purpose, _vendor_id(observed), friendly)
    draft = ctx.drafts.get(kind, _consent_message(kind), family=_family(observed), phase=phase,
                           severity="warning" if exempt else None)
    _add(ctx, draft, observed, record)
    purposes = draft.details.setdefault("purposes", [])
    if purpose not in purposes:
        purposes.append(purpose)
    if exempt:
        draft.details["privacy_friendly_claim"] = True
        for evidence in ctx.declaration.claims.evidence[:MAX_CLAIM_QUOTES]:
            draft.cite(evidence)
    if verified is not None:
        draft.details["banner_verified"] = verified


# -- the banner -------------------------------------------------------------------------
def _starts(reason: Optional[str], prefixes) -> bool:
    return bool(reason) and any(reason.strip().lower().startswith(p) for p in prefixes)


def _refusal_absent(banner) -> bool:
    """True when the record proves every layer was explored and none offers refusal."""
    rules = knowledge()["banner"]
    if _starts(banner.reason, rules["no_refusal_reasons"]):
        return True
    return any(not step.get("ok", True) and any(marker in str(step.get("error") or "") for marker in rules["no_refusal_step_errors"])
               for step in banner.steps)


def _banner_evidence(draft, banner) -> None:
    details = draft.details
    details["cmp"] = banner.cmp
    details["reason"] = banner.reason
    details["steps"] = banner.steps
    if banner.screenshot:
        details["screenshot"] = banner.screenshot
    details["reject_on_first_layer"] = banner.reject_on_first_layer
    details["verified"] = banner.verified


def _banner_checks(ctx: AuditContext) -> tuple[list[str], list[str]]:
    """Banner findings per answering phase; returns (phases that found no banner, answering phases run)."""
    no_banner, answering = [], []
    no_banner_reasons = knowledge()["banner"]["no_banner_reasons"]
    for phase in ("after_reject", "after_accept"):
        info = ctx.observations.phase_info.get(phase)
        if info is None or info.banner is None:
            continue
        answering.append(phase)
        banner = info.banner
        if not banner.detected:
            if _starts(banner.reason, no_banner_reasons) or not banner.reason:
                no_banner.append(phase)
                continue
            draft = ctx.drafts.get("consent-not-verified", _not_verified, phase=phase)
            _banner_evidence(draft, banner)
            draft.details["action"] = banner.action or ("reject" if phase == "after_reject" else "accept")
            continue
        refused_absent = phase == "after_reject" and not banner.verified and _refusal_absent(banner)
        if refused_absent:
            draft = ctx.drafts.get("no-reject-option", _simple("no-reject-option"), phase=phase)
            _banner_evidence(draft, banner)
        elif not banner.verified:
            draft = ctx.drafts.get("consent-not-verified", _not_verified, phase=phase)
            _banner_evidence(draft, banner)
            draft.details["action"] = banner.action or ("reject" if phase == "after_reject" else "accept")
        if phase == "after_reject" and banner.reject_on_first_layer is False and not refused_absent:
            draft = ctx.drafts.get("reject-not-on-first-layer", _simple("reject-not-on-first-layer"), phase=phase)
            _banner_evidence(draft, banner)
    return no_banner, answering


def run(ctx: AuditContext) -> None:
    obs = ctx.observations
    friendly = privacy_friendly_vendors(ctx)
    if "before_consent" in obs.phases:
        for found in _tracking(ctx, "before_consent"):
            _consent_finding(ctx, "set-before-consent", "before_consent", found, friendly)
    reject = obs.phase_info.get("after_reject")
    if reject is not None and reject.answered_at is not None and reject.banner is not None and reject.banner.detected:
        for found in _tracking(ctx, "after_reject", after=reject.answered_at):
            _consent_finding(ctx, "set-after-reject", "after_reject", found, friendly, verified=reject.banner.verified)
    no_banner, answering = _banner_checks(ctx)
    if answering and len(no_banner) == len(answering):
        phases = ["before_consent"] if "before_consent" in obs.phases else no_banner
        for phase in phases:
            for observed, record, purpose in _tracking(ctx, phase):
                draft = ctx.drafts.get("no-banner-but-tracking", _no_banner)
                _add(ctx, draft, observed, record)
                purposes = draft.details.setdefault("purposes", [])
                if purpose not in purposes:
                    purposes.append(purpose)
                draft.details["phases_without_banner"] = no_banner
