// The category controls of a settings layer and their state: checkboxes, radio pairs, ARIA
// switches and checkboxes, toggle buttons (aria-pressed/aria-checked) and custom switches whose
// state is a class or a data attribute; plus the tabs and collapsed sections that may hide more.
// Facts only; consent_banner/engine.py decides what to switch off. Runs as
// `frame.evaluate(source, arg)` (or through the DevTools protocol with closed shadow roots);
// arg = {container: CSS of the layer or null for the whole document, select: CSS the toggles must
// match or null, necessary: regex source for "strictly necessary" labels, off: regex source for
// the "no" option of a radio pair, refPrefix}.
(arg, ...closedRoots) => {
  const REF = "data-cookieaudit-ref";
  let refCounter = Number(document.documentElement.getAttribute("data-cookieaudit-refs") || 0);
  const stamp = (el) => {
    let ref = el.getAttribute(REF);
    if (!ref) { ref = (arg.refPrefix || "t") + (++refCounter); el.setAttribute(REF, ref); }
    return ref;
  };
  const closedSet = new Set(closedRoots);
  const inClosed = (el) => {
    for (let root = el.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) if (closedSet.has(root)) return true;
    return false;
  };
  const scopesOf = (start) => {
    const scopes = [start];
    for (let i = 0; i < scopes.length; i++) {
      const scope = scopes[i];
      if (scope.shadowRoot) scopes.push(scope.shadowRoot);
      for (const inner of scope.querySelectorAll("*")) if (inner.shadowRoot) scopes.push(inner.shadowRoot);
    }
    return scopes;
  };
  const queryDeep = (starts, selector) => {
    const found = [];
    for (const start of starts) for (const scope of scopesOf(start)) {
      try { found.push(...scope.querySelectorAll(selector)); } catch (e) { return found; }
    }
    return found;
  };
  const everywhere = [document, ...closedRoots.filter(Boolean)];
  let container = null;
  if (arg.container) container = queryDeep(everywhere, arg.container)[0] || null;
  const within = container ? [container] : everywhere;
  const isVisible = (el) => {
    if (!el || !el.isConnected) return false;
    const box = el.getBoundingClientRect();
    if (box.width < 4 || box.height < 4) return false;
    if (el.checkVisibility && !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    return true;
  };
  const short = (text) => (text || "").replace(/\s+/g, " ").trim().slice(0, 120);
  const necessary = new RegExp(arg.necessary || "(?!x)x", "i");
  const offWord = new RegExp(arg.off || "(?!x)x", "i");

  // What a person reads next to the control: its own label, or the text of the row it sits in.
  const labelOf = (el) => {
    const own = el.getAttribute("aria-label") || (el.labels && el.labels[0] && el.labels[0].innerText);
    if (own && short(own)) return short(own);
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const root = el.getRootNode();
      const text = by.split(/\s+/).map((id) => { const l = root.getElementById ? root.getElementById(id) : null; return l ? l.innerText || l.textContent : ""; }).join(" ");
      if (short(text)) return short(text);
    }
    let node = el;
    for (let depth = 0; depth < 4; depth++) {
      const parent = node.parentElement || (node.getRootNode() instanceof ShadowRoot ? node.getRootNode().host : null);
      if (!parent) break;
      node = parent;
      const text = short(node.innerText || node.textContent);
      if (text.length >= 3) return text;
    }
    return short(el.innerText || el.getAttribute("title") || "");
  };

  // Where a person clicks to flip it: the control itself, or its label or track when the real
  // input is hidden (styled switches hide the checkbox).
  const clickTargetOf = (el) => {
    if (isVisible(el) && getComputedStyle(el).opacity !== "0") return el;
    const label = (el.labels && el.labels[0]) || el.closest("label");
    if (label && isVisible(label)) {
      const track = Array.from(label.children).find((c) => c !== el && isVisible(c) && !short(c.innerText));
      return track || label;
    }
    for (const sib of [el.nextElementSibling, el.previousElementSibling]) if (sib && isVisible(sib)) return sib;
    const parent = el.parentElement;
    return parent && isVisible(parent) ? parent : null;
  };

  const ON_CLASS = /(^|[\s_-])(is-|state-)?(on|active|checked|enabled|selected)($|[\s_-])/i;
  const OFF_CLASS = /(^|[\s_-])(is-|state-)?(off|inactive|unchecked|disabled)($|[\s_-])/i;
  const stateOf = (el) => {
    if (el.tagName === "INPUT") return el.checked;
    for (const attr of ["aria-checked", "aria-pressed"]) {
      const v = el.getAttribute(attr);
      if (v === "true" || v === "mixed") return true;
      if (v === "false") return false;
    }
    const data = (el.getAttribute("data-state") || el.getAttribute("data-checked") || el.getAttribute("data-status") || "").toLowerCase();
    if (/^(on|checked|true|active|enabled|1)$/.test(data)) return true;
    if (/^(off|unchecked|false|inactive|disabled|0)$/.test(data)) return false;
    const cls = typeof el.className === "string" ? el.className : "";
    if (ON_CLASS.test(cls)) return true;
    if (OFF_CLASS.test(cls) || /switch|toggle/i.test(cls)) return false;
    return null;
  };

  const SELECT = "input[type=checkbox], input[type=radio], [role=switch], [role=checkbox], [aria-pressed], [aria-checked], " +
                 "[data-state], [data-checked], [class*=switch], [class*=Switch], [class*=toggle], [class*=Toggle]";
  const raw = queryDeep(within, SELECT).filter((el) => !arg.select || el.matches(arg.select));
  if (!arg.select) {
    // A custom switch named in any language: a small clickable element without text whose class
    // says it is on (is-on, active, checked...).
    const known = new Set(raw);
    for (const el of queryDeep(within, "[class]")) {
      if (known.has(el) || el.matches("[role=tab], a, button:not([aria-pressed])")) continue;
      const cls = typeof el.className === "string" ? el.className : "";
      if (!ON_CLASS.test(cls) || short(el.innerText).length > 3) continue;
      const box = el.getBoundingClientRect();
      if (box.width > 120 || box.height > 60 || box.width < 8 || box.height < 8) continue;
      try { if (getComputedStyle(el).cursor !== "pointer") continue; } catch (e) { continue; }
      raw.push(el);
    }
  }
  const real = (el) => el.matches("input, [role=switch], [role=checkbox], [aria-pressed], [aria-checked]");
  const toggles = [];
  const radioGroups = new Set();
  const states = new Map(raw.map((el) => [el, stateOf(el)]));
  for (const el of raw) {
    if (el.tagName === "INPUT" && el.type === "radio") {
      // A yes/no pair per category: "on" when the checked one is not the "no" option.
      if (!el.name || radioGroups.has(el.name)) continue;
      radioGroups.add(el.name);
      const root = el.getRootNode();
      const group = Array.from(root.querySelectorAll("input[type=radio]")).filter((r) => r.name === el.name);
      const OFF_VALUE = /^(0|false|no|off|n|deny|reject|nee|nein|non)$/i;
      const no = group.find((r) => offWord.test(labelOf(r)) || OFF_VALUE.test(r.value || ""))
        || group.find((r) => offWord.test(r.value || ""));
      const checked = group.find((r) => r.checked);
      if (!no) continue;
      const target = clickTargetOf(no);
      const yes = group.find((r) => r !== no && !offWord.test(labelOf(r)));
      const yesTarget = yes ? clickTargetOf(yes) : null;
      const legend = el.closest("fieldset") && el.closest("fieldset").querySelector("legend");
      const label = legend && short(legend.innerText) ? short(legend.innerText) : labelOf(el.closest("fieldset") || el.parentElement || el);
      // Neither chosen yet (a settings page asks first): `on` is null, and refusing picks the "no".
      toggles.push({ ref: stamp(no), clickRef: target ? stamp(target) : null, onClickRef: yesTarget ? stamp(yesTarget) : null,
                     label, on: checked ? checked !== no : null,
                     disabled: Boolean(no.disabled), necessary: necessary.test(label), visible: Boolean(target), kind: "radio",
                     closed: inClosed(no) });
      continue;
    }
    const on = states.get(el);
    if (!real(el)) {
      // A styled element counts only when its class or data attribute says on or off, it is not
      // part of a real control, and no outer styled element already says so. A tab, a disclosure
      // ("Toggle cookie tab", aria-expanded) or a link is never a category switch, whatever its class.
      if (on === null || !isVisible(el)) continue;
      if (el.matches("[role=tab], [aria-expanded], [aria-controls], a[href]")) continue;
      if (raw.some((o) => o !== el && real(o) && (el.contains(o) || o.contains(el)))) continue;
      if (raw.some((o) => o !== el && !real(o) && states.get(o) !== null && o.contains(el))) continue;
    } else if (on === null) {
      continue;
    }
    const target = clickTargetOf(el);
    const label = labelOf(el);
    const disabled = Boolean(el.disabled || el.getAttribute("aria-disabled") === "true" ||
                             /(^|[\s_-])(is-)?(locked|disabled|readonly)($|[\s_-])/i.test(typeof el.className === "string" ? el.className : ""));
    toggles.push({ ref: stamp(el), clickRef: target ? stamp(target) : null, label, on, disabled, necessary: necessary.test(label),
                   visible: Boolean(target),
                   kind: el.tagName === "INPUT" ? "checkbox" : (el.getAttribute("role") || (el.hasAttribute("aria-pressed") ? "pressed" : "class")),
                   closed: inClosed(el) });
  }

  // Tabs and collapsed sections of the layer, which may hide more toggles.
  const tabs = [];
  // (A <details> section's <summary> is one too: open when its <details> is.)
  for (const el of queryDeep(within, "[role=tab], [aria-expanded=false][aria-controls], details > summary")) {
    if (!isVisible(el) || tabs.length >= 15) continue;
    const details = el.tagName === "SUMMARY" ? el.parentElement : null;
    tabs.push({ ref: stamp(el), text: short(el.innerText || el.getAttribute("aria-label")).slice(0, 60),
                selected: el.getAttribute("aria-selected") === "true" || el.getAttribute("aria-expanded") === "true" ||
                          Boolean(details && details.open), closed: inClosed(el) });
  }
  document.documentElement.setAttribute("data-cookieaudit-refs", String(refCounter));
  return { found: Boolean(container) || !arg.container, toggles: toggles.slice(0, 40), tabs };
}
