"""analytics-not-privacy-friendly: where the statement claims its analytics is privacy-friendly,
what the Google Analytics requests of the phases without consent show against that claim —
Universal Analytics hits without ``aip``, GA4 hits reporting advertising storage as granted,
a user id in the hits, Google advertising services running alongside. What the wire cannot
show (the processing agreement, data-sharing settings) is said in the finding, for the reader
to check; nothing is concluded from the absence of a signal. Signals and hosts live in
``knowledge.yaml``."""

from __future__ import annotations

from urllib.parse import urlsplit

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


def _params(url: str) -> dict[str, str]:
    """Query parameter names (lower case) and raw values; only names and short codes are read."""
    query = url.partition("?")[2].partition("#")[0]
    params = {}
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if name:
            params.setdefault(name.lower(), value)
    return params


def run(ctx: AuditContext) -> None:
    declaration = ctx.declaration
    if declaration is None or not declaration.claims.analytics_privacy_friendly:
        return
    rules = knowledge()["google_analytics"]
    obs = ctx.observations
    ga_hosts = [h for h in obs.hosts.values() if h.vendor_id in rules["vendor_ids"] and not ctx.allowed(h)]
    marker_hosts = {marker.split("/", 1)[0] for marker in rules["advertising_urls"]}

    def advertising(host) -> bool:
        if host.vendor_id in rules["advertising_vendor_ids"]:
            return True
        if not any(host.host == m or host.host.endswith("." + m) for m in marker_hosts):
            return False
        return any(marker in r.url for rs in host.requests.values() for r in rs for marker in rules["advertising_urls"])

    ad_hosts = [h for h in obs.hosts.values() if not ctx.allowed(h) and advertising(h)]
    hit_paths = set(rules["ua_hit_paths"]) | set(rules["ga4_hit_paths"])

    def draft_for(signal, phase):
        key_known = f"analytics-not-privacy-friendly:{signal}:{phase}" in ctx.drafts
        draft = ctx.drafts.get("analytics-not-privacy-friendly", _render, family=signal, phase=phase)
        if not key_known:
            for evidence in declaration.claims.evidence[:MAX_CLAIM_QUOTES]:
                draft.cite(evidence)
        return draft

    def add(draft, host, phase, record):
        draft.add(host=host.host, vendor=host.vendor)
        if draft.wants_item:
            draft.add(item=obs.host_item(host, phase, [record]))
        else:
            draft.count_item()
        return draft

    for phase in knowledge()["consent_free_phases"]:
        if phase not in obs.phases:
            continue
        hits = [(h, r) for h in ga_hosts for r in h.requests.get(phase, [])]
        if not hits:
            continue
        for host, record in hits:
            path = urlsplit(record.url).path
            params = _params(record.url) if path in hit_paths or "uid=" in record.url or "user_id=" in record.url else {}
            if not params:
                continue  # not a hit, or parameters in a POST body (not recorded): nothing to read
            if path in rules["ua_hit_paths"] and "tid" in params and rules["ua_ip_parameter"] not in params:
                add(draft_for("ua-without-aip", phase), host, phase, record)
            if path in rules["ga4_hit_paths"]:
                state = params.get(rules["consent_mode_parameter"], "")
                if state in rules["ads_storage_granted"]:
                    draft = add(draft_for("ads-storage-granted", phase), host, phase, record)
                    states = draft.details.setdefault("gcs", [])
                    if state not in states:
                        states.append(state)
            if any(p in params for p in rules["user_id_parameters"]):
                add(draft_for("user-id", phase), host, phase, record)
        for host in ad_hosts:
            records = host.requests.get(phase)
            if records:
                draft_for("advertising-features", phase).add(host=host.host, vendor=host.vendor,
                                                             item=obs.host_item(host, phase))
