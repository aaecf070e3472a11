/* Session-recording tag for the municipal test site, modelled on the behaviour of Hotjar's
   tracking code (written for cookieaudit, not Hotjar's code): `_hjSessionUser_<id>` for a year,
   `_hjSession_<id>` for 30 minutes (refreshed on every page), and the viewport ids Hotjar keeps
   in localStorage and sessionStorage. The site id comes from the page's `_hjSettings`. */
(function () {
  "use strict";
  var YEAR_SECONDS = 31536000;
  var HALF_HOUR_SECONDS = 1800;
  var siteId = (window._hjSettings || {}).hjid;
  var cookieDomain = "." + location.hostname.split(".").slice(-2).join(".");

  function hasCookie(name) {
    return document.cookie.split("; ").some(function (part) { return part.indexOf(name + "=") === 0; });
  }

  function setCookie(name, value, seconds) {
    var expires = new Date(Date.now() + seconds * 1000).toUTCString();
    document.cookie = name + "=" + value + "; expires=" + expires + "; path=/; domain=" + cookieDomain +
      "; SameSite=Lax";
  }

  var now = Date.now();
  var userCookie = "_hjSessionUser_" + siteId;
  if (!hasCookie(userCookie)) {
    setCookie(userCookie, btoa(JSON.stringify({ id: crypto.randomUUID(), created: now, existing: false })), YEAR_SECONDS);
  }
  setCookie("_hjSession_" + siteId,
            btoa(JSON.stringify({ id: crypto.randomUUID(), c: now, s: 0, r: 0, sb: 0, sr: 0, se: 0, fs: 1, sp: 0 })),
            HALF_HOUR_SECONDS);

  var viewportId = crypto.randomUUID();
  sessionStorage.setItem("hjViewportId", viewportId);
  var active = JSON.parse(localStorage.getItem("hjActiveViewportIds") || "[]");
  active.push({ id: viewportId, c: now, p: 1, x: now + HALF_HOUR_SECONDS * 1000 });
  localStorage.setItem("hjActiveViewportIds", JSON.stringify(active));
})();
