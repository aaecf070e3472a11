/* The municipality's own script: remembers the text size through the Cookie Store API
   (`tekstgrootte`, 30 days) and keeps the house style in Cache Storage for offline use. */
(function () {
  "use strict";
  var MONTH_MS = 30 * 86400 * 1000;
  if (window.cookieStore) {
    cookieStore.get("tekstgrootte").then(function (existing) {
      if (!existing) {
        return cookieStore.set({ name: "tekstgrootte", value: "normaal", path: "/", expires: Date.now() + MONTH_MS, sameSite: "strict" });
      }
    });
  }
  if (window.caches) {
    caches.open("voorbeeldstad-statisch-v3").then(function (cache) { return cache.add("/assets/huisstijl.css"); });
  }
})();
