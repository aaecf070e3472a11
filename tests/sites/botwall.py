"""A bot wall for the test web: a page that looks for the usual automation tells, in the page
(the instrumentation's names and replaced functions among them), in a worker and in the request headers, and shows its banner, sets its cookie and loads its
tracker only for what looks like a person's desktop Chrome.

``install(testweb)`` serves it; ``verdicts(testweb)`` returns, per visit, the tells the page
saw (an empty list means it believed it was talking to a normal visitor).
"""

from __future__ import annotations

import json
import re

from tests.testweb import Response, html

HOST = "www.botmuur.nl"
TRACKER = "pixel.botmuur-ads.nl"
START = f"https://{HOST}/"
MORE_PAGES = 3  # linked from the start page, each with the same checks

# Each check pushes a tell's name when the browser gives itself away.
CHECKS_JS = r"""
async function tells() {
  const t = [];
  const ua = navigator.userAgent;
  const uaPlatform = /Windows/.test(ua) ? "Windows" : /Mac OS X/.test(ua) ? "macOS" : /Linux|X11/.test(ua) ? "Linux" : "?";
  const major = (ua.match(/Chrome\/(\d+)/) || [])[1];
  if (navigator.webdriver) t.push("webdriver");
  if (/Headless/i.test(ua)) t.push("headless-ua");
  const uad = navigator.userAgentData;
  if (!uad) t.push("no-userAgentData");
  else {
    const brands = uad.brands.map(b => b.brand + "/" + b.version);
    if (brands.some(b => /Headless/i.test(b))) t.push("headless-brand");
    if (!uad.brands.some(b => /Chrom|Edge/.test(b.brand) && b.version === major)) t.push("brand-version");
    if (uad.platform !== uaPlatform) t.push("uad-platform");
    if (uad.mobile) t.push("mobile");
    const high = await uad.getHighEntropyValues(["fullVersionList", "platformVersion", "architecture"]);
    if (!high.fullVersionList.some(b => b.version.split(".")[0] === major && /Chrom|Edge/.test(b.brand))) t.push("full-version");
  }
  const navPlatform = {Windows: "Win32", macOS: "MacIntel", Linux: "Linux x86_64"}[uaPlatform];
  if (navigator.platform !== navPlatform) t.push("navigator-platform");
  if (!outerWidth || !outerHeight) t.push("outer-zero");
  if (outerHeight <= innerHeight) t.push("no-browser-chrome");
  if (screen.width < outerWidth || screen.height < outerHeight) t.push("window-larger-than-screen");
  if (screen.width === innerWidth && screen.height === innerHeight) t.push("screen-is-viewport");
  if (!navigator.plugins || navigator.plugins.length === 0) t.push("no-plugins");
  if (!navigator.languages || !navigator.languages.length || navigator.languages[0] !== navigator.language) t.push("languages");
  if (!window.chrome) t.push("no-window-chrome");
  // Instrumentation: names it leaves on the page, and replaced functions that do not look native.
  if (Object.getOwnPropertyNames(window).some(n => /cookieaudit|^__playwright|^__pw/i.test(n))) t.push("automation-globals");
  const looksNative = (f) => typeof f === "function" && !("prototype" in f)
    && /^function [\w$ ]*\(\) \{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(f));
  const accessor = (owner, name, which) => (Object.getOwnPropertyDescriptor(owner, name) || {})[which];
  const natives = {
    "setItem": Storage.prototype.setItem, "setTimeout": setTimeout, "setInterval": setInterval, "open": window.open,
    "cookie-set": accessor(Document.prototype, "cookie", "set"), "cookie-get": accessor(Document.prototype, "cookie", "get"),
    "localStorage-get": accessor(window, "localStorage", "get"), "toString": Function.prototype.toString,
    "idb-open": IDBFactory.prototype.open, "caches-open": CacheStorage.prototype.open,
    "sw-register": ServiceWorkerContainer.prototype.register,
  };
  for (const [name, f] of Object.entries(natives)) if (!looksNative(f)) t.push("wrapped-" + name);
  if (setTimeout.length !== 1 || setTimeout.name !== "setTimeout" || Storage.prototype.setItem.length !== 2
      || accessor(window, "localStorage", "get").name !== "get localStorage") t.push("wrapped-signature");
  try {
    const state = (await navigator.permissions.query({name: "notifications"})).state;
    if (Notification.permission === "denied" && state === "prompt") t.push("notification-permissions");
  } catch (e) {}
  const worker = await new Promise(resolve => {
    const w = new Worker(URL.createObjectURL(new Blob(
      ["postMessage({ua: navigator.userAgent, languages: navigator.languages, platform: navigator.platform})"])));
    w.onmessage = e => resolve(e.data);
    setTimeout(() => resolve(null), 3000);
  });
  if (!worker) t.push("worker-silent");
  else {
    if (worker.ua !== ua) t.push("worker-ua");
    if (JSON.stringify(worker.languages) !== JSON.stringify(navigator.languages)) t.push("worker-languages");
    if (worker.platform !== navigator.platform) t.push("worker-platform");
  }
  return t;
}
tells().then(found => {
  const seen = new URLSearchParams({tells: found.join(","), lang: navigator.language, ua: navigator.userAgent});
  return fetch("/oordeel?" + seen).then(r => r.json());
}).then(verdict => {
  if (verdict.human) {
    document.getElementById("banner").hidden = false;
    document.cookie = "bezoeker=mens; max-age=86400; path=/";
    new Image().src = "https://TRACKER/px?id=1";
  }
});
""".replace("TRACKER", TRACKER)


def install(testweb):
    """Serve the bot wall; returns the list the verdicts are appended to."""
    verdicts: list[list[str]] = []

    def judge(request):
        found = [t for t in request.query.get("tells", [""])[0].split(",") if t]
        found += _header_tells(request.headers, request.query.get("ua", [""])[0], request.query.get("lang", [""])[0])
        verdicts.append(found)
        return Response(json.dumps({"human": not found}), content_type="application/json")

    links = "".join(f'<a href="/meer{i}">meer {i}</a> ' for i in range(1, MORE_PAGES + 1))
    testweb.route(HOST, "/", html(
        f'<div id="banner" hidden>Wij gebruiken cookies <button>Akkoord</button></div><p>Welkom</p>{links}'
        f'<script>{CHECKS_JS}</script>', title="Botmuur"))
    for i in range(1, MORE_PAGES + 1):  # the same checks on more pages, for scans with several tabs
        testweb.route(HOST, f"/meer{i}", html(f"<p>meer {i}</p><script>{CHECKS_JS}</script>", title=f"Meer {i}"))
    testweb.route(HOST, "/oordeel", judge)
    testweb.route(TRACKER, "/px", Response(b"GIF89a", content_type="image/gif",
                                            set_cookies=["ad_id=42; Path=/; Max-Age=86400; Secure; SameSite=None"]))
    return verdicts


def _header_tells(headers: dict, ua: str, language: str) -> list[str]:
    """What the request headers give away: client hints that disagree with the user agent."""
    found = []
    major = (re.search(r"Chrome/(\d+)", ua) or [None, None])[1]
    hints = headers.get("sec-ch-ua", "")
    if not hints:
        found.append("no-sec-ch-ua")
    elif not re.search(rf'"(Chromium|Google Chrome|Microsoft Edge)";v="{major}"', hints) or "Headless" in hints:
        found.append("sec-ch-ua")
    platform = headers.get("sec-ch-ua-platform", "").strip('"')
    expected = "Windows" if "Windows" in ua else "macOS" if "Mac OS X" in ua else "Linux"
    if platform != expected:
        found.append("sec-ch-ua-platform")
    if headers.get("user-agent") != ua:
        found.append("header-ua")
    if not headers.get("accept-language", "").startswith(language):
        found.append("accept-language")
    return found
