// cookieaudit: runs in every frame before the page's own scripts (context.add_init_script),
// and in every service worker before its script (Runtime.evaluate, scanner/devtools.py).
// Reports cookie writes (document.cookie, CookieStore) and Web Storage writes to the
// scanner, with the URL of the script that made them, through a binding (Runtime.addBinding,
// scanner/devtools.py; the pytest plugin exposes one through Playwright) as JSON batches.
// Invisible to the page: the binding is taken and deleted from the global object at once, no
// name is added to any page object, and every replaced function looks like the native it
// replaces (name, length, no prototype, native toString). The natives this script calls are
// taken before the page runs, so a page that replaces JSON.stringify, Function.prototype.apply
// or Object.defineProperty changes nothing here.
(() => {
  const BINDING = "__BINDING__";
  const binding = globalThis[BINDING];
  if (typeof binding !== "function") return;  // not ours, or this document is already instrumented
  try { delete globalThis[BINDING]; } catch (e) {}

  const uncurry = (fn) => Function.prototype.call.bind(fn);
  const apply = uncurry(Function.prototype.apply);
  const defineProperty = Object.defineProperty, getDescriptor = Object.getOwnPropertyDescriptor;
  const stringify = JSON.stringify, parse = JSON.parse, now = Date.now;
  const weakGet = uncurry(WeakMap.prototype.get), weakHas = uncurry(WeakMap.prototype.has);
  const weakSet = uncurry(WeakMap.prototype.set);

  // Function.prototype.toString answers for a replacement as for the native it replaces.
  const nativeToString = Function.prototype.toString;
  const natives = new WeakMap();  // replacement -> the native it stands for
  const toString = { toString() { return apply(nativeToString, weakHas(natives, this) ? weakGet(natives, this) : this, []); } }.toString;
  weakSet(natives, toString, nativeToString);
  defineProperty(Function.prototype, "toString", { ...getDescriptor(Function.prototype, "toString"), value: toString });
  // A replacement takes the native's name and length; made from a method shorthand or an
  // accessor it has, like a native, no prototype and cannot be called with new.
  function disguise(replacement, native) {
    weakSet(natives, replacement, native);
    try {
      defineProperty(replacement, "name", { value: native.name, configurable: true });
      defineProperty(replacement, "length", { value: native.length, configurable: true });
    } catch (e) {}
    return replacement;
  }
  function replace(owner, name, make) {
    const descriptor = getDescriptor(owner, name);
    if (!descriptor || typeof descriptor.value !== "function") return;
    const native = descriptor.value;
    defineProperty(owner, name, { ...descriptor, value: disguise(make(native), native) });
  }

  const URL_IN_FRAME = /(https?:\/\/[^\s()]+?):\d+:\d+/;

  // The first stack frame that is not this script (ours has no URL: "<anonymous>").
  function callingScript() {
    const stack = String(new Error().stack || "").split("\n").slice(1);
    for (const line of stack) {
      const match = URL_IN_FRAME.exec(line);
      if (match) return match[1];
    }
    return null;
  }

  // Events go out in batches (one binding call per task, or per BATCH events): a page that
  // writes 3,000 cookies in a loop costs a few calls, not 3,000 round trips.
  const BATCH = 200;
  const promiseCatch = uncurry(Promise.prototype.catch);
  let queue = [], scheduled = false;
  function flush() {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (!batch.length) return;
    try {  // a DevTools binding (the scanner) returns nothing, Playwright's (the pytest plugin) a promise
      const answer = binding(stringify(batch));
      if (answer instanceof Promise) promiseCatch(answer, () => {});
    } catch (e) { /* the binding can vanish while a frame is torn down */ }
  }

  function send(event, script) {
    try {
      event.script = script === undefined ? callingScript() : script;
      event.at = now();
      event.frame = location.href;
      queue[queue.length] = event;
      if (queue.length >= BATCH) flush();
      else if (!scheduled) { scheduled = true; queueMicrotask(flush); }
    } catch (e) { /* never let instrumentation break the page */ }
  }

  const plain = (options) => { try { return parse(stringify(options)); } catch (e) { return {}; } };

  const cookie = typeof Document !== "undefined" && getDescriptor(Document.prototype, "cookie");  // none in a worker
  if (cookie && cookie.set) {
    const accessors = {
      get cookie() { return apply(cookie.get, this, []); },
      set cookie(value) {
        send({ type: "cookie", api: "document.cookie", raw: String(value) });
        apply(cookie.set, this, [value]);
      },
    };
    const replacement = getDescriptor(accessors, "cookie");
    disguise(replacement.get, cookie.get);
    disguise(replacement.set, cookie.set);
    defineProperty(Document.prototype, "cookie", { ...cookie, get: replacement.get, set: replacement.set });
  }

  if (typeof CookieStore !== "undefined") {
    replace(CookieStore.prototype, "set", (native) => ({ set(nameOrOptions, value) {
      const options = typeof nameOrOptions === "object" && nameOrOptions !== null
        ? nameOrOptions : { name: String(nameOrOptions), value: String(value) };
      send({ type: "cookie", api: "cookieStore", options: plain(options) });
      return apply(native, this, arguments);
    } }).set);
    replace(CookieStore.prototype, "delete", (native) => ({ delete(nameOrOptions) {
      const options = typeof nameOrOptions === "object" && nameOrOptions !== null
        ? nameOrOptions : { name: String(nameOrOptions) };
      send({ type: "cookie", api: "cookieStore", deleted: true, options: plain(options) });
      return apply(native, this, arguments);
    } }).delete);
  }

  if (typeof Storage !== "undefined") {
    const proto = Storage.prototype;
    const nativeKey = uncurry(proto.key), nativeGetItem = uncurry(proto.getItem);
    const lengthOf = uncurry(getDescriptor(proto, "length").get);
    const areas = new WeakMap();  // Storage object -> "localStorage" | "sessionStorage"
    const areaOf = (storage) => weakGet(areas, storage) || "sessionStorage";
    const VALUE_MAX = 10000;
    const watching = new Map();  // area name -> {script, before} until the property-write check runs
    const clip = (value) => String(value).slice(0, VALUE_MAX);
    replace(proto, "setItem", (native) => ({ setItem(key, value) {
      const name = areaOf(this);
      send({ type: "storage", area: name, key: String(key), value: clip(value), origin: location.origin });
      const seen = watching.get(name);  // reported here: not again by the property-write check
      if (seen) seen.before.set(String(key), String(value));
      return apply(native, this, arguments);
    } }).setItem);
    // Property-style writes (localStorage.x = 1, localStorage["x"] = 1) call no function but the
    // area's getter: the getter notes the area's contents and who asked, and at the end of the
    // task the keys that changed are reported as that script's writes. Skipped for big areas
    // and, after DIFF_BUDGET accesses, for the rest of the document (the DevTools record stays).
    const DIFF_MAX_KEYS = 300, DIFF_BUDGET = 2000;
    let diffs = 0;
    const contents = (area) => {
      const n = lengthOf(area);
      if (n > DIFF_MAX_KEYS) return null;
      const out = new Map();
      for (let i = 0; i < n; i++) { const k = nativeKey(area, i); out.set(k, nativeGetItem(area, k)); }
      return out;
    };
    const compare = (name, area) => {
      const seen = watching.get(name);
      watching.delete(name);
      const after = contents(area);
      if (!seen || !after) return;
      for (const [key, value] of after) {
        if (!seen.before.has(key) || seen.before.get(key) !== value) {
          send({ type: "storage", area: name, key: String(key), value: clip(value), origin: location.origin }, seen.script);
        }
      }
    };
    for (const name of ["localStorage", "sessionStorage"]) {
      const descriptor = getDescriptor(globalThis, name);
      if (!descriptor || !descriptor.get || !descriptor.configurable) continue;
      const nativeGet = descriptor.get;
      const accessor = {
        get [name]() {
          const area = apply(nativeGet, this, []);
          try {
            weakSet(areas, area, name);
            if (!watching.has(name) && diffs < DIFF_BUDGET) {
              const before = contents(area);
              if (before) {
                diffs++;
                watching.set(name, { script: callingScript(), before });
                queueMicrotask(() => compare(name, area));
              }
            }
          } catch (e) { /* an opaque origin or a detached frame: nothing to note */ }
          return area;
        },
      };
      const getter = disguise(getDescriptor(accessor, name).get, nativeGet);
      defineProperty(globalThis, name, { ...descriptor, get: getter });
    }
  }

  // Pop-ups: reported whether or not the browser's pop-up blocker lets them open. A page that
  // opens thousands (a pop-up storm) has the first POPUP_BUDGET reported one by one and the
  // rest as one count, so the storm cannot flood the scanner (limits.MAX_POPUPS is lower).
  const POPUP_BUDGET = 110;
  let popups = 0, overflow = 0;
  const nativeSetTimeout = globalThis.setTimeout;
  replace(globalThis, "open", (native) => ({ open(url) {
    if (++popups <= POPUP_BUDGET) {
      send({ type: "popup", url: url === undefined ? "" : String(url) });
    } else if (overflow++ === 0) {
      apply(nativeSetTimeout, globalThis, [() => { send({ type: "popup", overflow: overflow }); overflow = 0; }, 0]);
    }
    return apply(native, this, arguments);
  } }).open);

  // Trusted clicks (the banner answer) tell the scanner exactly when consent was given.
  addEventListener("click", (event) => { if (event.isTrusted) send({ type: "click" }); }, true);

  if (typeof IDBFactory !== "undefined") {
    replace(IDBFactory.prototype, "open", (native) => ({ open(name) {
      send({ type: "storage", area: "indexedDB", key: String(name), origin: location.origin });
      return apply(native, this, arguments);
    } }).open);
  }

  if (typeof CacheStorage !== "undefined") {
    replace(CacheStorage.prototype, "open", (native) => ({ open(name) {
      send({ type: "storage", area: "cacheStorage", key: String(name), origin: location.origin });
      return apply(native, this, arguments);
    } }).open);
  }

  if (typeof ServiceWorkerContainer !== "undefined") {
    replace(ServiceWorkerContainer.prototype, "register", (native) => ({ register(scriptURL) {
      send({ type: "storage", area: "serviceWorker", key: "", script_url: String(scriptURL), origin: location.origin });
      return apply(native, this, arguments);
    } }).register);
  }

  // Late timers, so the scanner waits for a tag that fires a moment after load or a scroll
  // (scanner/settle.py): setTimeout and the first run of setInterval up to LATE_MS, and
  // requestIdleCallback. A timer armed inside a timer callback is one level deeper; beyond
  // MAX_DEPTH levels (an animation or polling loop) timers are not counted.
  const LATE_MS = 3000, MAX_DEPTH = 3, MAX_PENDING = 1000;
  const pending = new Map(); // key -> due time (performance.now() milliseconds)
  let depth = 0;
  const clock = uncurry(performance.now).bind(null, performance);
  const slice = uncurry(Array.prototype.slice);
  const receiver = (self) => (self === undefined || self === null ? globalThis : self);

  function counted(native, keyOf, dueIn) {
    return ({ [native.name](handler, delay) {
      if (typeof handler !== "function") return apply(native, receiver(this), arguments);
      const level = depth + 1;
      const ms = dueIn(delay);
      const rest = slice(arguments, 2);
      let key = null;
      const run = function () {  // every callback runs one level deeper, counted or not
        if (key !== null) pending.delete(key);
        const outer = depth;
        depth = level;
        try { return apply(handler, this, rest.length ? rest : arguments); } finally { depth = outer; }
      };
      const id = apply(native, receiver(this), [run, delay]);
      if (ms <= LATE_MS && level <= MAX_DEPTH && pending.size < MAX_PENDING) {
        key = keyOf(id);
        pending.set(key, clock() + ms);
      }
      return id;
    } })[native.name];
  }

  function cleared(native, keyOf) {
    return ({ [native.name](id) {
      pending.delete(keyOf(id));
      return apply(native, receiver(this), arguments);
    } })[native.name];
  }

  const timerKey = (id) => id;
  const delayOf = (delay) => Math.max(0, Number(delay) || 0);
  replace(globalThis, "setTimeout", (native) => counted(native, timerKey, delayOf));
  replace(globalThis, "setInterval", (native) => counted(native, timerKey, delayOf));
  replace(globalThis, "clearTimeout", (native) => cleared(native, timerKey));
  replace(globalThis, "clearInterval", (native) => cleared(native, timerKey));
  if (typeof globalThis.requestIdleCallback === "function") {
    const idleKey = (id) => "idle:" + id;
    // Runs when the page is idle, soon; its timeout option is the latest it may wait.
    const idleDue = (options) => Math.min(LATE_MS, Math.max(50, Number(options && options.timeout) || 50));
    replace(globalThis, "requestIdleCallback", (native) => counted(native, idleKey, idleDue));
    replace(globalThis, "cancelIdleCallback", (native) => cleared(native, idleKey));
  }

  // The scanner's probe (instrumentation.pending_js) asks through an event of a random name.
  addEventListener("__PROBE_EVENT__", (event) => {
    try {
      const t = clock();
      event.detail.pending = Array.from(pending.values(), (due) => Math.max(0, Math.round(due - t))).slice(0, 100);
    } catch (e) {}
  });
})();
