"""analytics-not-privacy-friendly: where the statement claims its analytics is privacy-friendly,
what the Google Analytics requests of the phases without consent show against that claim —
Universal Analytics hits without ``aip``, GA4 hits reporting advertising storage as granted,
a user id in the hits, Google advertising services running alongside. What the wire cannot
show (the processing agreement, data-sharing settings) is said in the finding, for the reader
to check; nothing is concluded from the absence of a signal. Signals and hosts live in
``knowledge.yaml``."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from ..context import AuditContext
from ..knowledge import knowledge
from ..messages import message, name_list, phase_label

__all__ = ["run"]

MAX_CLAIM_QUOTES = 3


def _render(draft, lang):
    signal = draft.family
    not_visible = knowledge()["google_analytics"]["not_visible"]
    sentence = message("analytics-not-privacy-friendly", lang, variant=signal, phase=phase_label(draft.phase, lang),
                       hosts=name_list(draft.hosts, lang), gcs=", ".join(draft.details.get("gcs", [])))
    return f"{sentence} {not_visible.get(lang) or not_visible['en']}"


def _params(url: str) -> dict:
    try:
        return {k.lower(): v for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}
    except ValueError:
        return {}


def run(ctx: AuditContext) -> None:
    declaration = ctx.declaration
    if declaration is None or not declaration.claims.analytics_privacy_friendly:
        return
    rules = knowledge()["google_analytics"]
    obs = ctx.observations
    ga_hosts = [h for h in obs.hosts.values() if h.vendor_id in rules["vendor_ids"] and not ctx.allowed(h)]
    ad_hosts = [h for h in obs.hosts.values() if not ctx.allowed(h) and (
        h.vendor_id in rules["advertising_vendor_ids"]
        or any(marker in r.url for rs in h.requests.values() for r in rs for marker in rules["advertising_urls"]))]

    def draft_for(signal, phase):
        draft = ctx.drafts.get("analytics-not-privacy-friendly", _render, family=signal, phase=phase)
        for evidence in declaration.claims.evidence[:MAX_CLAIM_QUOTES]:
            draft.cite(evidence)
        return draft

    for phase in knowledge()["consent_free_phases"]:
        if phase not in obs.phases:
            continue
        hits = [(h, r) for h in ga_hosts for r in h.requests.get(phase, [])]
        if not hits:
            continue
        for host, record in hits:
            path = urlsplit(record.url).path
            params = _params(record.url)
            if not params:
                continue  # parameters in a POST body are not recorded: nothing to read
            if path in rules["ua_hit_paths"] and "tid" in params and rules["ua_ip_parameter"] not in params:
                draft_for("ua-without-aip", phase).add(host=host.host, vendor=host.vendor,
                                                       item=obs.host_item(host, phase, [record]))
            if path in rules["ga4_hit_paths"]:
                state = (params.get(rules["consent_mode_parameter"]) or [""])[0]
                if state in rules["ads_storage_granted"]:
                    draft = draft_for("ads-storage-granted", phase)
                    draft.add(host=host.host, vendor=host.vendor, item=obs.host_item(host, phase, [record]))
                    states = draft.details.setdefault("gcs", [])
                    if state not in states:
                        states.append(state)
            if any(p in params for p in rules["user_id_parameters"]):
                draft_for("user-id", phase).add(host=host.host, vendor=host.vendor, item=obs.host_item(host, phase, [record]))
        for host in ad_hosts:
            records = host.requests.get(phase)
            if records:
                draft_for("advertising-features", phase).add(host=host.host, vendor=host.vendor,
                                                             item=obs.host_item(host, phase))
