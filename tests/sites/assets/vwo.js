/* A/B-testing tag for the municipal test site, modelled on the behaviour of Visual Website
   Optimizer's j.php (written for cookieaudit, not VWO's code): a session test cookie, the
   visitor id `_vwo_uuid_v2` for 366 days and the visit counter `_vis_opt_s` for 100 days. */
(function () {
  "use strict";
  var DAY_SECONDS = 86400;
  var cookieDomain = "." + location.hostname.split(".").slice(-2).join(".");

  function setCookie(name, value, days) {
    var cookie = name + "=" + value + "; path=/; domain=" + cookieDomain;
    if (days) {
      cookie += "; expires=" + new Date(Date.now() + days * DAY_SECONDS * 1000).toUTCString() + "; SameSite=None; Secure";
    }
    document.cookie = cookie;
  }

  function hex(length) {
    var out = "";
    while (out.length < length) { out += Math.floor(Math.random() * 16).toString(16); }
    return out.toUpperCase();
  }

  setCookie("_vis_opt_test_cookie", "1", 0);
  if (document.cookie.indexOf("_vwo_uuid_v2=") === -1) {
    setCookie("_vwo_uuid_v2", "D" + hex(32) + "|" + hex(32).toLowerCase(), 366);
  }
  setCookie("_vis_opt_s", "1%7C", 100);
})();
