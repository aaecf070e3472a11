// cookieaudit: runs in every frame before the page's own scripts (context.add_init_script).
// Reports cookie writes (document.cookie, CookieStore) and Web Storage writes to the
// scanner, with the URL of the script that made them, through an exposed binding.
(() => {
  const BINDING = "__cookieauditReport";
  const report = globalThis[BINDING];
  if (typeof report !== "function" || globalThis.__cookieauditInstrumented) return;
  Object.defineProperty(globalThis, "__cookieauditInstrumented", { value: true });

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
  let queue = [], scheduled = false;
  function flush() {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (!batch.length) return;
    try { report(batch).catch(() => {}); } catch (e) { /* the binding can vanish while a frame is torn down */ }
  }

  function send(event) {
    try {
      event.script = callingScript();
      event.at = Date.now();
      queue.push(event);
      if (queue.length >= BATCH) flush();
      else if (!scheduled) { scheduled = true; queueMicrotask(flush); }
    } catch (e) { /* never let instrumentation break the page */ }
  }

  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (cookie && cookie.set) {
    Object.defineProperty(Document.prototype, "cookie", {
      configurable: true,
      enumerable: cookie.enumerable,
      get() { return cookie.get.call(this); },
      set(value) {
        send({ type: "cookie", api: "document.cookie", raw: String(value) });
        return cookie.set.call(this, value);
      },
    });
  }

  if (typeof CookieStore !== "undefined") {
    const proto = CookieStore.prototype;
    const originalSet = proto.set;
    const originalDelete = proto.delete;
    proto.set = function (nameOrOptions, value) {
      const options = typeof nameOrOptions === "object" && nameOrOptions !== null
        ? nameOrOptions : { name: String(nameOrOptions), value: String(value) };
      send({ type: "cookie", api: "cookieStore", options: JSON.parse(JSON.stringify(options)) });
      return originalSet.apply(this, arguments);
    };
    proto.delete = function (nameOrOptions) {
      const options = typeof nameOrOptions === "object" && nameOrOptions !== null
        ? nameOrOptions : { name: String(nameOrOptions) };
      send({ type: "cookie", api: "cookieStore", deleted: true, options: JSON.parse(JSON.stringify(options)) });
      return originalDelete.apply(this, arguments);
    };
  }

  if (typeof Storage !== "undefined") {
    const proto = Storage.prototype;
    const originalSetItem = proto.setItem;
    const areaOf = (storage) => {
      try { if (storage === globalThis.localStorage) return "localStorage"; } catch (e) {}
      return "sessionStorage";
    };
    proto.setItem = function (key, value) {
      send({ type: "storage", area: areaOf(this), key: String(key), origin: location.origin });
      return originalSetItem.apply(this, arguments);
    };
  }

  // Pop-ups: reported whether or not the browser's pop-up blocker lets them open. A page that
  // opens thousands (a pop-up storm) has the first POPUP_BUDGET reported one by one and the
  // rest as one count, so the storm cannot flood the scanner (limits.MAX_POPUPS is lower).
  const POPUP_BUDGET = 110;
  let popups = 0, overflow = 0;
  const originalWindowOpen = window.open;
  window.open = function (url) {
    if (++popups <= POPUP_BUDGET) {
      send({ type: "popup", url: url === undefined ? "" : String(url) });
    } else if (overflow++ === 0) {
      setTimeout(() => { send({ type: "popup", overflow: overflow }); overflow = 0; }, 0);
    }
    return originalWindowOpen.apply(this, arguments);
  };

  // Trusted clicks (the banner answer) tell the scanner exactly when consent was given.
  addEventListener("click", (event) => { if (event.isTrusted) send({ type: "click" }); }, true);

  if (typeof IDBFactory !== "undefined") {
    const originalOpen = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (name) {
      send({ type: "storage", area: "indexedDB", key: String(name), origin: location.origin });
      return originalOpen.apply(this, arguments);
    };
  }

  if (typeof CacheStorage !== "undefined") {
    const originalOpen = CacheStorage.prototype.open;
    CacheStorage.prototype.open = function (name) {
      send({ type: "storage", area: "cacheStorage", key: String(name), origin: location.origin });
      return originalOpen.apply(this, arguments);
    };
  }

  // Late timers, so the scanner waits for a tag that fires a moment after load or a scroll
  // (scanner/settle.py): setTimeout and the first run of setInterval up to LATE_MS, and
  // requestIdleCallback. A timer armed inside a timer callback is one level deeper; beyond
  // MAX_DEPTH levels (an animation or polling loop) timers are not counted.
  const LATE_MS = 3000, MAX_DEPTH = 3, MAX_PENDING = 1000;
  const pending = new Map(); // key -> due time (performance.now() milliseconds)
  let depth = 0;
  const clock = performance.now.bind(performance);
  const receiver = (self) => (self === undefined || self === null ? globalThis : self);

  function counted(native, keyOf, dueIn) {
    return function (handler, delay) {
      if (typeof handler !== "function") return native.apply(receiver(this), arguments);
      const level = depth + 1;
      const ms = dueIn(delay);
      const rest = Array.prototype.slice.call(arguments, 2);
      let key = null;
      const run = function () {  // every callback runs one level deeper, counted or not
        if (key !== null) pending.delete(key);
        const outer = depth;
        depth = level;
        try { return handler.apply(this, rest.length ? rest : arguments); } finally { depth = outer; }
      };
      const id = native.call(receiver(this), run, delay);
      if (ms <= LATE_MS && level <= MAX_DEPTH && pending.size < MAX_PENDING) {
        key = keyOf(id);
        pending.set(key, clock() + ms);
      }
      return id;
    };
  }

  function cleared(native, keyOf) {
    return function (id) {
      pending.delete(keyOf(id));
      return native.apply(receiver(this), arguments);
    };
  }

  const timerKey = (id) => id;
  const delayOf = (delay) => Math.max(0, Number(delay) || 0);
  globalThis.setTimeout = counted(globalThis.setTimeout, timerKey, delayOf);
  globalThis.setInterval = counted(globalThis.setInterval, timerKey, delayOf);
  globalThis.clearTimeout = cleared(globalThis.clearTimeout, timerKey);
  globalThis.clearInterval = cleared(globalThis.clearInterval, timerKey);
  if (typeof globalThis.requestIdleCallback === "function") {
    const idleKey = (id) => "idle:" + id;
    // Runs when the page is idle, soon; its timeout option is the latest it may wait.
    const idleDue = (options) => Math.min(LATE_MS, Math.max(50, Number(options && options.timeout) || 50));
    globalThis.requestIdleCallback = counted(globalThis.requestIdleCallback, idleKey, idleDue);
    globalThis.cancelIdleCallback = cleared(globalThis.cancelIdleCallback, idleKey);
  }

  Object.defineProperty(globalThis, "__cookieauditPending", {
    value: () => {
      const now = clock();
      return Array.from(pending.values(), (due) => Math.max(0, Math.round(due - now))).slice(0, 100);
    },
  });
})();
