// Where an element is and whether a person could click it. Facts for one look; the engine
// decides when the element is ready (the same box on two looks, enabled, reachable).
// Runs as `frame.evaluate(source, arg)` or through the DevTools protocol with closed shadow roots
// (`closedRoots`, never found by patching attachShadow); arg = {selector, scroll}.
// The element is the first visible match of arg.selector in the document, in every open shadow
// root however deep and in the closed roots given. Answers null when nothing matches, else its
// box in the frame's viewport (null when not visible), whether it is enabled, and the point a
// click would go to: the centre of its box, or of one of its line boxes, where a hit test at that
// point reaches the element itself (not an overlay, a cookie wall's backdrop or a sticky header).
(arg, ...closedRoots) => {
  const roots = [document, ...closedRoots.filter(Boolean)];
  const matches = [];
  const collect = (root) => { try { matches.push(...root.querySelectorAll(arg.selector)); } catch (e) {} };
  for (const root of roots) collect(root);
  if (!matches.length) {
    // Not in the light DOM: look in open shadow roots, however deep (closed ones were given).
    for (let i = 0; i < roots.length; i++) {
      const walker = document.createTreeWalker(roots[i], NodeFilter.SHOW_ELEMENT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.shadowRoot && !roots.includes(node.shadowRoot)) { roots.push(node.shadowRoot); collect(node.shadowRoot); }
      }
    }
  }
  if (!matches.length) return null;

  const shown = (el) => {
    if (!el.isConnected) return false;
    const b = el.getBoundingClientRect();
    if (b.width < 2 || b.height < 2) return false;
    return !el.checkVisibility || el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  };
  const el = matches.find(shown);
  if (!el) return { box: null, enabled: false, point: null, text: "" };
  if (arg.scroll) {
    if (el.scrollIntoViewIfNeeded) el.scrollIntoViewIfNeeded(true); else el.scrollIntoView({ block: "center" });
  }

  const hostOf = (root) => root.host || null;
  const closedOf = new Map(closedRoots.filter(Boolean).map((r) => [r.host, r]));
  // The innermost element at (x, y), through open and the given closed shadow roots.
  const hitAt = (x, y) => {
    let hit = document.elementFromPoint(x, y);
    for (let depth = 0; hit && depth < 30; depth++) {
      const root = hit.shadowRoot || closedOf.get(hit);
      if (!root) break;
      let inner = root.elementFromPoint(x, y);
      if (inner === hit) {
        // The point is on the host's own (slotted) content: the shadow element it is rendered
        // in (a design-system button's <button><slot>) is the first of the root's stack.
        const top = root.elementsFromPoint(x, y)[0];
        inner = top && top !== hit && root.contains(top) ? top : null;
      }
      if (!inner) break;
      hit = inner;
    }
    return hit;
  };
  // True when `node` is `el` or inside it (across shadow boundaries: slotted and shadow content).
  const within = (node) => {
    for (let n = node; n; n = n.assignedSlot || n.parentNode || (n instanceof ShadowRoot ? hostOf(n) : null)) {
      if (n === el) return true;
    }
    return false;
  };
  const label = el.closest && el.closest("label");
  const reaches = (x, y) => {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return false;
    const hit = hitAt(x, y);
    return Boolean(hit) && (within(hit) || (label && label.contains(hit)));
  };

  const b = el.getBoundingClientRect();
  let point = null;
  const centre = [b.x + b.width / 2, b.y + b.height / 2];
  if (reaches(...centre)) point = centre;
  else {
    for (const r of el.getClientRects()) {
      const p = [r.x + r.width / 2, r.y + r.height / 2];
      if (r.width >= 2 && r.height >= 2 && reaches(...p)) { point = p; break; }
    }
  }
  return {
    box: { x: b.x, y: b.y, width: b.width, height: b.height },
    enabled: !el.disabled && el.getAttribute("aria-disabled") !== "true",
    point: point && { x: point[0], y: point[1] },
    text: (el.innerText || el.getAttribute("aria-label") || el.value || "").slice(0, 300),
  };
}
