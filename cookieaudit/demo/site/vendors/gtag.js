/* Analytics tag of the demo, modelled on the behaviour of Google's gtag.js (written for
   cookieaudit, not Google's code): client id `_ga` and session cookie `_ga_<container>` for two
   years, a GA4 page_view hit, and — as with Google signals switched on — a hit to
   stats.g.doubleclick.net. It runs without waiting for consent. */
(function () {
  "use strict";
  var TWO_YEARS = 63072000;
  var id = new URL(document.currentScript.src).searchParams.get("id") || "G-0000000000";
  var container = id.replace(/^G-/, "");
  var domain = location.hostname.split(".").slice(-2).join(".");
  function read(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? m[1] : null;
  }
  function write(name, value) {
    document.cookie = name + "=" + value + "; path=/; max-age=" + TWO_YEARS + "; domain=" + domain;
  }
  var now = Math.floor(Date.now() / 1000);
  var existing = read("_ga");
  var client = existing ? existing.split(".").slice(2).join(".") : Math.floor(Math.random() * 2147483647) + "." + now;
  write("_ga", "GA1.1." + client);
  write("_ga_" + container, "GS2.1.s" + now + "$o1$g0$t" + now);
  var query = "v=2&tid=" + id + "&cid=" + client + "&en=page_view&dl=" + encodeURIComponent(location.href);
  navigator.sendBeacon("https://region1.google-analytics.com/g/collect?" + query);
  new Image().src = "https://stats.g.doubleclick.net/g/collect?" + query + "&aip=1";
})();
