/* Survey and heatmap tag of the demo, modelled on the behaviour of Hotjar (written for cookieaudit,
   not Hotjar's code): `_hjSessionUser_<site>` for a year and `_hjSession_<site>` for 30 minutes. */
(function () {
  "use strict";
  var site = (document.currentScript.src.match(/hotjar-(\d+)\.js/) || [0, "0"])[1];
  var domain = location.hostname.split(".").slice(-2).join(".");
  function write(name, value, seconds) {
    document.cookie = name + "=" + value + "; path=/; max-age=" + seconds + "; domain=" + domain + "; SameSite=Lax";
  }
  write("_hjSessionUser_" + site, "eyJpZCI6ImRlbW8ifQ", 365 * 86400);
  write("_hjSession_" + site, "eyJzaWQiOiJkZW1vIn0", 1800);
})();
