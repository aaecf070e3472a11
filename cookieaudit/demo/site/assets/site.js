/* The demo municipality's own script (written for cookieaudit). It remembers the text size and
   the language, counts a poll vote, and — only with consent — loads Hotjar and the YouTube video. */
(function () {
  "use strict";
  function zet(naam, waarde, dagen) {
    document.cookie = naam + "=" + waarde + "; path=/; max-age=" + dagen * 86400 + "; SameSite=Lax; Secure";
  }
  function lees(naam) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + naam + "=([^;]*)"));
    return m ? m[1] : null;
  }
  zet("tekstgrootte", lees("tekstgrootte") || "normaal", 365);
  zet("taalkeuze", "nl", 180);

  var peiling = document.getElementById("peiling");
  if (peiling) zet("peiling_afvalkalender", "getoond", 365);

  function metToestemming() {
    if (!document.querySelector('script[src*="static.hotjar.com"]')) {
      var hj = document.createElement("script");
      hj.src = "https://static.hotjar.com/c/hotjar-4242.js?sv=6";
      document.head.appendChild(hj);
    }
    document.querySelectorAll("[data-youtube]").forEach(function (plek) {
      var frame = document.createElement("iframe");
      frame.src = "https://www.youtube.com/embed/" + plek.getAttribute("data-youtube");
      frame.width = 560; frame.height = 315; frame.title = "Uitleg afvalkalender";
      plek.replaceChildren(frame);
    });
  }
  window.demodorpToestemming = metToestemming;
  if (lees("demodorp_toestemming") === "ja") metToestemming();
})();
