/* Advertising pixel of the demo, modelled on the behaviour of the Meta Pixel (written for
   cookieaudit, not Meta's code): a first-party `_fbp` browser id for 90 days, written again on
   every page, and a PageView hit to www.facebook.com/tr. It runs whatever the visitor chose. */
(function () {
  "use strict";
  var pixel = document.currentScript.getAttribute("data-pixel");
  var domain = location.hostname.split(".").slice(-2).join(".");
  var m = document.cookie.match(/(?:^|; )_fbp=([^;]*)/);
  var fbp = m ? m[1] : "fb.1." + Date.now() + "." + Math.floor(Math.random() * 1e9);
  document.cookie = "_fbp=" + fbp + "; path=/; max-age=" + 90 * 86400 + "; domain=" + domain + "; SameSite=Lax; Secure";
  new Image().src = "https://www.facebook.com/tr?id=" + pixel + "&ev=PageView&fbp=" + encodeURIComponent(fbp);
})();
