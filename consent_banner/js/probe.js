// One look at a frame: which CMPs are present, which banner shows, and every element that
// could be a custom cookie banner, with its controls. Facts only; consent_banner/decide.py
// interprets them. Runs as `frame.evaluate(source, arg)`; arg = {rules, generic, refPrefix}.
// `closedRoots` are closed shadow roots the driver found through the DevTools protocol's pierced
// DOM (never by patching attachShadow): searched like open ones, their elements marked `closed`
// (a selector cannot reach them; the driver clicks them at their box).
(arg, ...closedRoots) => {
  const REF = "data-cookieaudit-ref";
  let refCounter = Number(document.documentElement.getAttribute("data-cookieaudit-refs") || 0);

  // Every root to search: the document, each open shadow root, however deep, and the closed ones given.
  const roots = [document, ...closedRoots.filter(Boolean)];
  const closedSet = new Set(closedRoots);
  for (let i = 0; i < roots.length; i++) {
    const walker = document.createTreeWalker(roots[i], NodeFilter.SHOW_ELEMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.shadowRoot) roots.push(node.shadowRoot);
    }
  }

  const queryAll = (selector) => {
    const found = [];
    for (const root of roots) {
      try { found.push(...root.querySelectorAll(selector)); } catch (e) { return found; }
    }
    return found;
  };

  const queryWithin = (element, selector) => {
    const found = [];
    const scopes = [element];
    for (let i = 0; i < scopes.length; i++) {
      const scope = scopes[i];
      try { found.push(...scope.querySelectorAll(selector)); } catch (e) { return found; }
      for (const inner of scope.querySelectorAll("*")) if (inner.shadowRoot) scopes.push(inner.shadowRoot);
      if (scope.shadowRoot) scopes.push(scope.shadowRoot);
    }
    return found;
  };

  const isVisible = (el) => {
    if (!el || !el.isConnected) return false;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) return false;
    if (box.bottom <= 0 || box.right <= 0 || box.top >= innerHeight || box.left >= innerWidth) return false;
    if (el.checkVisibility && !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true,
                                                      opacityProperty: true, visibilityProperty: true })) return false;
    return true;
  };

  const inShadow = (el) => el.getRootNode() instanceof ShadowRoot;
  // Inside a closed shadow root (directly, or in an open root nested in one).
  const inClosed = (el) => {
    for (let root = el.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) {
      if (closedSet.has(root)) return true;
    }
    return false;
  };

  // The text a person sees in a shadow root: its rendered children only. A component's style
  // sheet lives there too (as <style> text), and counting it made a banner look like a page.
  const NOT_TEXT = new Set(["STYLE", "SCRIPT", "TEMPLATE", "NOSCRIPT", "LINK", "META"]);
  const rootText = (root, nested = true) => {
    const parts = [];
    for (const child of root.childNodes) {
      if (child.nodeType === 3) parts.push(child.textContent);
      else if (child.nodeType === 1 && !NOT_TEXT.has(child.tagName)) {
        // innerText of an element that is not rendered is its raw textContent: leave hidden ones out
        if (child.checkVisibility && !child.checkVisibility()) continue;
        parts.push(nested && child.shadowRoot && !child.innerText ? rootText(child.shadowRoot) : (child.innerText ?? child.textContent));
      }
    }
    return parts.join("\n");
  };

  // What a person reads on the element, or what a screen reader says for it: its text, the text
  // slotted into it, its aria-label(ledby), title, or the alt/title of the image or icon it shows.
  const textOf = (el) => {
    let text = el.innerText || "";
    if (!text.trim() && el.shadowRoot) text = rootText(el.shadowRoot);
    if (!text.trim() && el.querySelectorAll) {
      const slots = Array.from(el.querySelectorAll("slot"));
      if (el.tagName === "SLOT") slots.push(el);
      text = slots.map((s) => s.assignedNodes({ flatten: true }).map((n) => n.innerText || n.textContent || "").join(" ")).join(" ");
    }
    if (el.tagName === "INPUT") text = el.value || el.getAttribute("alt") || "";
    // An icon drawn as a glyph ("×", "✕", "›") says nothing: what a screen reader says for it does.
    const glyph = text.trim() && !/[\p{L}\p{N}]/u.test(text) ? text : "";
    if (glyph) text = "";
    if (!text.trim()) text = el.getAttribute("aria-label") || "";
    if (!text.trim() && el.getAttribute("aria-labelledby")) {
      text = el.getAttribute("aria-labelledby").split(/\s+/).map((id) => {
        const label = el.getRootNode().getElementById ? el.getRootNode().getElementById(id) : document.getElementById(id);
        return label ? label.innerText || label.textContent || "" : "";
      }).join(" ");
    }
    if (!text.trim()) text = el.getAttribute("title") || el.getAttribute("alt") || "";
    if (!text.trim() && el.querySelector) {
      const icon = el.querySelector("img[alt], [aria-label], svg title, [title]");
      if (icon) text = icon.getAttribute("alt") || icon.getAttribute("aria-label") || icon.getAttribute("title") || icon.textContent || "";
    }
    if (!text.trim()) text = glyph;
    return text.slice(0, 6000);
  };

  // The text of a (closed) shadow root and of the open roots nested in it.
  const scopeText = (root) => [rootText(root, false), ...queryWithin(root, "*").filter((h) => h.shadowRoot)
    .map((h) => rootText(h.shadowRoot, false))].join("\n").slice(0, 12000);

  // The text a page puts into a component through its slots: a web component's own tree holds only
  // <slot> placeholders (innerText leaves the slotted text out), the words are the page's.
  const slottedText = (el) => {
    const slots = queryWithin(el, "slot");
    if (el.tagName === "SLOT") slots.push(el);
    const parts = [];
    for (const slot of slots.slice(0, 40)) {
      for (const node of slot.assignedNodes({ flatten: true })) {
        const text = node.nodeType === 1 ? (node.innerText || node.textContent) : node.textContent;
        if (text && text.trim()) parts.push(text.trim());
      }
    }
    return parts.join("\n");
  };

  // Full text including the text of open shadow roots below the element and the text slotted into it.
  const deepText = (el) => {
    let text = el.innerText || "";
    for (const host of [el, ...queryWithin(el, "*")]) {
      if (host.shadowRoot) text += "\n" + rootText(host.shadowRoot, false);
    }
    const slotted = inShadow(el) || el.shadowRoot ? slottedText(el) : "";
    if (slotted) text += "\n" + slotted;
    if (!text.trim()) text = textOf(el);
    return text.slice(0, 12000);
  };

  const cssEscape = (s) => (window.CSS && CSS.escape ? CSS.escape(s) : s);
  const describe = (el) => {
    const parts = [];
    for (let node = el, depth = 0; node && node.nodeType === 1 && node !== document.body && node !== document.documentElement && depth < 4; node = node.parentElement, depth++) {
      if (node.id) { parts.unshift("#" + cssEscape(node.id)); break; }
      let part = node.tagName.toLowerCase();
      const classes = Array.from(node.classList).slice(0, 2);
      if (classes.length) part += "." + classes.map(cssEscape).join(".");
      parts.unshift(part);
    }
    let path = parts.join(" > ");
    const root = el.getRootNode();
    if (root instanceof ShadowRoot) path = describe(root.host) + " " + path;
    return path;
  };

  const stamp = (el) => {
    let ref = el.getAttribute(REF);
    if (!ref) {
      ref = (arg.refPrefix || "r") + (++refCounter);
      el.setAttribute(REF, ref);
    }
    return ref;
  };

  const leadsAway = (el) => {
    const link = el.closest("a[href]");
    if (!link) return false;
    const raw = link.getAttribute("href").trim();
    if (!raw || raw.startsWith("#") || raw.toLowerCase().startsWith("javascript:")) return false;
    const here = location.href.split("#")[0];
    return link.href.split("#")[0] !== here;
  };

  const controlInfo = (el) => ({
    ref: stamp(el), selector: describe(el), text: textOf(el).trim().slice(0, 300),
    tag: el.tagName.toLowerCase(), href: el.closest("a[href]") ? el.closest("a[href]").href : null,
    leadsAway: leadsAway(el), closed: inClosed(el),
    // a section header or tab: it opens part of the layer, it never answers the banner
    disclosure: el.matches("[aria-expanded][aria-controls], [role=tab], summary"),
    disabled: isDisabled(el),
  });

  const SWITCH = "input[type=checkbox], input[type=radio], [role=switch], [role=checkbox], [role=radio], [role=menuitemcheckbox], [aria-checked], [aria-pressed]";
  const isDisabled = (el) => el.disabled === true || el.getAttribute("aria-disabled") === "true";
  const CONTROL = "button, input[type=button], input[type=submit], input[type=image], a[href], a[role=button], [role=button], [role=link], [onclick], [tabindex]:not([tabindex='-1']), [class*=btn], [class*=button], [class*=Button]";
  // Elements styled as clickable where the pointer cursor starts (a <span> or <div> with a click
  // handler added by script looks like this and nothing else).
  const POINTABLE = "span, div, li, p, img, i, strong, em, label";
  const pointable = (el) => {
    if (el.tagName === "LABEL" && el.querySelector("input")) return false;
    if (el.children.length > 3) return false;
    try {
      if (getComputedStyle(el).cursor !== "pointer") return false;
      const parent = el.parentElement || (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host : null);
      return !parent || getComputedStyle(parent).cursor !== "pointer";
    } catch (e) { return false; }
  };
  const controlsWithin = (container) => {
    if (!container) return [];
    const matched = new Set(queryWithin(container, CONTROL));
    for (const el of queryWithin(container, POINTABLE)) {
      if (matched.has(el) || !(el.innerText || el.getAttribute("aria-label") || el.tagName === "IMG")) continue;
      // A click handler set as a property (el.onclick = ...) or styled as clickable.
      if (typeof el.onclick === "function" || pointable(el)) matched.add(el);
    }
    // A category switch or checkbox is a choice *within* the banner, not an answer to it, however
    // it is labelled ("Noodzakelijke cookies" on a switch is not "only necessary cookies").
    // Disabled controls are kept (flagged by controlInfo): a settings layer's save may be disabled
    // until a switch changes; the engine decides which of them to wait for.
    const all = Array.from(matched).filter((e) => e !== container && isVisible(e) && !e.matches(SWITCH));
    const real = new Set(all.filter((e) => e.matches("button, input, a, [role=button]")));
    return all.filter((e) => {
      // Keep one element per control: the real button, or the innermost styled wrapper.
      if (!real.has(e)) {
        if (all.some((o) => o !== e && e.contains(o))) return false;
        if (Array.from(real).some((r) => r.contains(e))) return false;
      } else if (Array.from(real).some((r) => r !== e && r.contains(e))) {
        return false;
      }
      return textOf(e).trim().length > 0;
    });
  };

  // Elements that may be controls although nothing marks them (a click handler added with
  // addEventListener leaves no trace a page script can see): short, leaf-like texts outside every
  // control found. The engine asks the DevTools protocol whether they, or an element around them
  // up to the banner (`chain`), have a mouse handler.
  const LEAFLIKE = "span, div, li, p, strong, em, b, i, u, small, font, td, img, label";
  const unmarkedWithin = (container, controls) => {
    const out = [];
    let looked = 0;
    for (const el of queryWithin(container, LEAFLIKE)) {
      if (out.length >= 12 || ++looked > 600) break;
      if (el === container || el.children.length > 2 || el.matches(SWITCH)) continue;
      if (controls.some((c) => c === el || c.contains(el) || el.contains(c))) continue;
      if (el.closest("a[href], button, h1, h2, h3, h4, h5, h6, [role=heading]")) continue;
      const text = textOf(el).trim();
      if (text.length < 2 || text.length > 60 || !isVisible(el)) continue;
      // the element that carries the words itself (its own text, or an image's alt), not a wrapper of several
      const own = el.tagName === "IMG" || Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const chain = [];
      for (let node = el.parentElement || (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host : null);
           node && chain.length < 6; node = node.parentElement || (node.getRootNode() instanceof ShadowRoot ? node.getRootNode().host : null)) {
        chain.push(stamp(node));
        if (node === container) break;
      }
      out.push({ ...controlInfo(el), chain });
    }
    return out;
  };

  // On/off controls: checkboxes, ARIA switches and checkboxes, toggle buttons (aria-pressed).
  // (js/toggles.js knows more kinds, such as switches whose state is a class; it runs on a settings layer.)
  const togglesWithin = (container) => {
    const toggles = queryWithin(container, "input[type=checkbox], input[type=radio], [role=switch], [role=checkbox]:not(input), button[aria-pressed], [role=button][aria-pressed]");
    let enabled = 0, checked = 0;
    const items = [];  // each enabled one: what a person reads beside it and whether it is on (evidence)
    for (const t of toggles) {
      if (t.disabled || t.getAttribute("aria-disabled") === "true") continue;
      enabled++;
      const label = (t.getAttribute("aria-label") || (t.labels && t.labels[0] && t.labels[0].innerText) ||
                     (t.closest("label") && t.closest("label").innerText) || textOf(t) || "").replace(/\s+/g, " ").trim().slice(0, 80);
      if (t.type === "radio") {  // a checked radio may be the "no" of its pair: js/toggles.js tells
        if (items.length < 12) items.push({ label, on: null, kind: "radio" });
        continue;
      }
      const on = Boolean(t.checked || t.getAttribute("aria-checked") === "true" || t.getAttribute("aria-pressed") === "true");
      if (on) checked++;
      if (items.length < 12) items.push({ label, on, kind: t.tagName === "INPUT" ? "checkbox" : "switch" });
    }
    return { total: toggles.length, enabled, checked, items };
  };

  const lookup = (path) => {
    let value = window;
    for (const part of path.split(".")) {
      if (value == null) return undefined;
      try { value = value[part]; } catch (e) { return undefined; }
    }
    return value;
  };

  const cookieNames = document.cookie.split(";").map((c) => c.split("=")[0].trim()).filter(Boolean);

  // -- named CMPs -------------------------------------------------------------------------
  const rules = {};
  for (const rule of arg.rules || []) {
    const present = [];
    let shown = null;
    const bannerSelectors = rule.frame ? [rule.frame] : rule.banner;
    for (const selector of bannerSelectors) {
      const hits = queryAll(selector);
      if (hits.length) present.push("selector");
      const visibleHit = hits.find(isVisible);
      if (visibleHit && !shown) {
        shown = { selector, ref: stamp(visibleHit), text: deepText(visibleHit).trim(),
                  inShadow: inShadow(visibleHit), toggles: togglesWithin(visibleHit) };
      }
    }
    for (const selector of rule.present || []) if (queryAll(selector).length) present.push("selector");
    for (const name of rule.globals || []) if (lookup(name) !== undefined) present.push("global");
    const buttons = [];
    if (shown && !rule.frame) {
      for (const [role, selector] of rule.buttons) {
        const hit = queryAll(selector).find(isVisible);
        if (hit) buttons.push({ role, selector, text: textOf(hit).trim().slice(0, 300) });
      }
    }
    const controls = shown && !rule.frame ? controlsWithin(queryAll(shown.selector).find(isVisible)).slice(0, 25).map(controlInfo) : [];
    rules[rule.id] = { present: Array.from(new Set(present)), shown, buttons, controls };
  }

  // -- generic: any visible overlay, bar or dialog that could be a cookie banner -------------
  const candidates = [];
  if (arg.generic && arg.wholeDocument && document.body && isVisible(document.body)) {
    // Inside an iframe that holds a banner, the whole document is the banner.
    const body = document.body;
    // ... closed shadow roots included (a web component drawn inside the banner's iframe).
    const scopes = [body, ...closedRoots.filter(Boolean)];
    const controls = scopes.flatMap((scope) => controlsWithin(scope)).slice(0, 25);
    const text = scopes.map((scope) => scope === body ? deepText(body) : scopeText(scope)).join("\n").trim();
    const toggles = { total: 0, enabled: 0, checked: 0, items: [] };
    for (const scope of scopes) {
      for (const [k, v] of Object.entries(togglesWithin(scope))) toggles[k] = k === "items" ? toggles[k].concat(v).slice(0, 12) : toggles[k] + v;
    }
    candidates.push({
      ref: stamp(body), selector: "body", kind: "document", text, inShadow: false,
      area: innerWidth * innerHeight, viewport: innerWidth * innerHeight,
      buttons: controls.map(controlInfo), toggles, unmarked: scopes.flatMap((scope) => unmarkedWithin(scope, controls)).slice(0, 12),
    });
  }
  if (arg.generic) {
    const NAMED = /cookie|consent|gdpr|privacy|cmp|avg|toestemming|banner|notice|dialog|modal|popup|overlay/i;
    const seen = new Set();
    for (const root of roots) {
      for (const el of root.querySelectorAll(root === document ? "body *" : "*")) {
        if (candidates.length >= 60) break;
        if (el.tagName === "SCRIPT" || el.tagName === "STYLE" || el.tagName === "IFRAME") continue;
        let kind = null;
        if (el.tagName === "DIALOG" && el.open) kind = "dialog";
        else if (/^(alert)?dialog$/.test(el.getAttribute("role") || "") || el.getAttribute("aria-modal") === "true") kind = "dialog";
        else {
          const style = getComputedStyle(el);
          if (style.position === "fixed" || style.position === "sticky") kind = style.position;
          else if (style.position === "absolute") {
            // Placed over the page: on top of everything, covering most of the view, or along its bottom edge.
            const box = el.getBoundingClientRect();
            if (Number(style.zIndex) >= 1000 || box.width * box.height >= 0.5 * innerWidth * innerHeight) kind = "overlay";
            else if (box.width >= 0.5 * innerWidth && box.bottom >= innerHeight - 4 && box.top > 0) kind = "absolute";
          }
          if (!kind && NAMED.test((el.id || "") + " " + (typeof el.className === "string" ? el.className : ""))) kind = "named";
          if (!kind && (style.position === "static" || style.position === "relative")) {
            // A strip at the very top of the page, in the normal flow, pushing the page down.
            const parent = el.parentElement;
            const topLevel = parent === document.body || parent === document.documentElement || (!parent && el.getRootNode() instanceof ShadowRoot);
            if (topLevel) {
              const box = el.getBoundingClientRect();
              if (box.top + scrollY <= 4 && box.width >= 0.9 * innerWidth && box.height <= 0.5 * innerHeight) kind = "top-bar";
            }
          }
        }
        if (!kind || seen.has(el) || !isVisible(el)) continue;
        const text = deepText(el).trim();
        if (text.length < 15) continue;
        seen.add(el);
        const box = el.getBoundingClientRect();
        const controls = controlsWithin(el).slice(0, 25);
        candidates.push({
          ref: stamp(el), selector: describe(el), kind, text, inShadow: inShadow(el), closed: inClosed(el),
          area: Math.round(box.width * box.height), viewport: innerWidth * innerHeight,
          buttons: controls.map(controlInfo), toggles: togglesWithin(el),
          unmarked: text.length <= 5000 ? unmarkedWithin(el, controls) : [],
        });
      }
    }
  }

  // -- scripts: hosts and HTTP status of every script the frame asked for ---------------------
  const scripts = {};
  for (const s of document.scripts) {
    if (!s.src) continue;
    try { const host = new URL(s.src).hostname; if (!(host in scripts)) scripts[host] = { url: s.src, status: null }; } catch (e) {}
  }
  for (const entry of performance.getEntriesByType("resource")) {
    if (entry.initiatorType !== "script") continue;
    try {
      const host = new URL(entry.name).hostname;
      const status = entry.responseStatus || null;
      if (!scripts[host] || (status && status >= 400) || scripts[host].status === null) scripts[host] = { url: entry.name, status };
    } catch (e) {}
  }

  // -- iframes that could hold a banner: visible and big enough for a text and two buttons -----
  const frames = [];
  if (arg.generic && arg.frames) {
    for (const root of roots) {
      for (const el of root.querySelectorAll("iframe")) {
        if (frames.length >= 8 || !isVisible(el)) continue;
        const box = el.getBoundingClientRect();
        if (box.width < 200 || box.height < 60) continue;
        let positioned = false;
        for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
          const style = getComputedStyle(node);
          if (style.position === "fixed" || style.position === "sticky" || Number(style.zIndex) >= 1000) { positioned = true; break; }
        }
        frames.push({ ref: stamp(el), selector: describe(el), src: el.src || "", positioned, area: Math.round(box.width * box.height) });
      }
    }
  }

  // -- activity: is the page still loading or changing? (a late banner usually follows activity) --
  const KEY = "__cookieauditActivity";
  let activity = window[KEY];
  if (!activity) {
    activity = { lastMutation: 0 };
    try {
      Object.defineProperty(window, KEY, { value: activity, enumerable: false });
      new MutationObserver((records) => {
        for (const r of records) {
          for (const n of r.addedNodes) if (n.nodeType === 1 && !(n.tagName === "SCRIPT" || n.tagName === "LINK" || n.tagName === "STYLE")) { activity.lastMutation = performance.now(); return; }
        }
      }).observe(document.documentElement, { childList: true, subtree: true });
    } catch (e) {}
  }
  let lastResource = 0;
  for (const entry of performance.getEntriesByType("resource")) lastResource = Math.max(lastResource, entry.responseEnd || 0);
  const navigation = performance.getEntriesByType("navigation")[0];
  const loaded = navigation ? navigation.loadEventEnd || 0 : 0;
  const COOKIE_CODE = /cookie|consent|toestemming|gdpr|privacy/i;
  let cookieScript = false;
  for (const s of document.scripts) {
    // An inline script that handles cookies or consent, or a script whose address says it is a banner's.
    if (s.src ? COOKIE_CODE.test(s.src.split("?")[0]) : (s.textContent && COOKIE_CODE.test(s.textContent))) { cookieScript = true; break; }
  }
  // Scripts asked for but not yet loaded (no resource-timing entry yet), by URL.
  const finished = new Set(performance.getEntriesByType("resource").map((e) => e.name));
  const pendingScripts = [];
  for (const s of document.scripts) if (s.src && !finished.has(s.src) && pendingScripts.length < 20) pendingScripts.push(s.src);
  // A consent-mode default waits for a banner to send its update.
  let consentDefault = false;
  try {
    for (const item of window.dataLayer || []) {
      if (item && typeof item === "object" && item[0] === "consent" && item[1] === "default") { consentDefault = true; break; }
    }
  } catch (e) {}
  // Custom elements with no open shadow root: a closed one may hold a banner (the driver looks with the DevTools protocol).
  let closedHint = false;
  if (!closedRoots.length) {
    for (const root of roots) {
      for (const el of root.querySelectorAll("*")) {
        if (el.tagName.includes("-") && !el.shadowRoot && customElements.get(el.localName)) { closedHint = true; break; }
      }
      if (closedHint) break;
    }
  }
  const now = performance.now();

  document.documentElement.setAttribute("data-cookieaudit-refs", String(refCounter));
  return {
    url: location.href, cookies: cookieNames, rules, candidates, scripts, frames,
    tcfapi: typeof window.__tcfapi === "function", closedHint, closedRoots: closedRoots.length,
    activity: {
      complete: document.readyState === "complete",
      quietMs: Math.round(now - Math.max(lastResource, loaded, activity.lastMutation)),
      cookieScript, pendingScripts, consentDefault,
    },
  };
}
