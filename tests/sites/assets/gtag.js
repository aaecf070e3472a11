/* Analytics tag for the municipal test site, modelled on the behaviour of Google's gtag.js
   (written for cookieaudit, not Google's code): a first-party client id `_ga` and a session
   cookie `_ga_<container>` on the registrable domain, both asked for two years and refreshed on
   every page view, then a page_view hit to region1.google-analytics.com/g/collect. */
(function () {
  "use strict";
  var TWO_YEARS_SECONDS = 63072000;
  var measurementId = new URL(document.currentScript.src).searchParams.get("id") || "G-0000000000";
  var container = measurementId.replace(/^G-/, "");
  var siteDomain = location.hostname.split(".").slice(-2).join(".");

  function readCookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? match[1] : null;
  }

  function writeCookie(name, value) {
    var expires = new Date(Date.now() + TWO_YEARS_SECONDS * 1000).toUTCString();
    document.cookie = name + "=" + value + "; path=/; expires=" + expires + "; domain=" + siteDomain;
  }

  var now = Math.floor(Date.now() / 1000);
  var existing = readCookie("_ga");
  var clientId = existing ? existing.split(".").slice(2).join(".")
                          : Math.floor(Math.random() * 2147483647) + "." + now;
  writeCookie("_ga", "GA1.1." + clientId);

  var sessionName = "_ga_" + container;
  var session = readCookie(sessionName);
  var sessionId = session ? session.split("$")[0].replace("GS2.1.s", "") : String(now);
  var hits = session ? parseInt((session.match(/\$o(\d+)/) || [0, 1])[1], 10) + 1 : 1;
  writeCookie(sessionName, "GS2.1.s" + sessionId + "$o" + hits + "$g0$t" + now + "$j60$l0$h0");

  var hit = "https://region1.google-analytics.com/g/collect?v=2&tid=" + measurementId +
    "&cid=" + clientId + "&sid=" + sessionId + "&en=page_view" +
    "&dl=" + encodeURIComponent(location.href) + "&dt=" + encodeURIComponent(document.title) +
    "&ul=" + navigator.language.toLowerCase();
  navigator.sendBeacon(hit);
})();
