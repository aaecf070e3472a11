// The consent state a frame exposes: localStorage entries, the IAB TCF v2 state from
// __tcfapi, and Google consent-mode commands queued in dataLayer. Async; never throws.
async (arg) => {
  const storage = {};
  try {
    for (let i = 0; i < localStorage.length && i < 200; i++) {
      const key = localStorage.key(i);
      storage[key] = String(localStorage.getItem(key)).slice(0, 2000);
    }
  } catch (e) { /* storage blocked: an opaque origin or disabled storage */ }

  const tcf = await new Promise((resolve) => {
    if (typeof window.__tcfapi !== "function") return resolve(null);
    const timer = setTimeout(() => resolve({ timeout: true }), arg && arg.tcfTimeout || 1000);
    try {
      window.__tcfapi("ping", 2, (ping) => {
        window.__tcfapi("addEventListener", 2, (data, success) => {
          if (!success || !data) return;
          clearTimeout(timer);
          const consents = (data.purpose && data.purpose.consents) || {};
          resolve({
            cmpId: data.cmpId ?? (ping && ping.cmpId) ?? null,
            cmpStatus: ping ? ping.cmpStatus : null,
            displayStatus: ping ? ping.displayStatus : null,
            eventStatus: data.eventStatus || null,
            gdprApplies: data.gdprApplies ?? null,
            tcStringPresent: Boolean(data.tcString),
            purposeConsents: Object.fromEntries(Object.entries(consents).map(([k, v]) => [k, Boolean(v)])),
            vendorConsentCount: Object.values((data.vendor && data.vendor.consents) || {}).filter(Boolean).length,
          });
          if (data.listenerId != null) {
            try { window.__tcfapi("removeEventListener", 2, () => {}, data.listenerId); } catch (e) {}
          }
        });
      });
    } catch (e) { clearTimeout(timer); resolve({ error: String(e).slice(0, 200) }); }
  });

  const consentMode = [];
  try {
    for (const item of window.dataLayer || []) {
      // gtag() pushes its `arguments` object: ["consent", "default"|"update", {ad_storage: ...}]
      if (item && typeof item === "object" && item[0] === "consent" && typeof item[1] === "string") {
        const signals = {};
        for (const [k, v] of Object.entries(item[2] || {})) if (typeof v === "string") signals[k] = v;
        consentMode.push({ command: item[1], signals });
      }
    }
  } catch (e) {}

  // How long nothing has loaded or been drawn (the probe's mutation observer, if it ran here).
  let last = 0;
  for (const entry of performance.getEntriesByType("resource")) last = Math.max(last, entry.responseEnd || 0);
  const activity = window.__cookieauditActivity;
  if (activity) last = Math.max(last, activity.lastMutation || 0);
  const quietMs = Math.round(performance.now() - last);

  return { url: location.href, localStorage: storage, tcf, consentMode, quietMs, complete: document.readyState === "complete" };
}
