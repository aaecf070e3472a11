/* The demo's own consent banner (written for cookieaudit): a first layer with "Alles accepteren"
   and "Instellingen"; refusing is only possible in the settings, on the second layer. The choice
   is kept in the cookie demodorp_toestemming (one year): "ja" or "nee". */
(function () {
  "use strict";
  if (/(?:^|; )demodorp_toestemming=/.test(document.cookie)) return;
  var box = document.createElement("section");
  box.id = "cookiemelding";
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-label", "Cookiemelding");
  box.innerHTML =
    '<div class="laag1"><p>Gemeente Demodorp gebruikt cookies om de website te verbeteren en om video\'s van YouTube en ' +
    'enquêtes te tonen. Lees meer in onze <a href="/privacyverklaring">privacyverklaring</a>.</p>' +
    '<button type="button" id="cm-accepteren">Alles accepteren</button> ' +
    '<button type="button" id="cm-instellingen">Instellingen</button></div>' +
    '<div class="laag2"><p><strong>Cookie-instellingen</strong></p>' +
    '<label><input type="checkbox" checked disabled> Functionele cookies (altijd aan)</label>' +
    '<label><input type="checkbox" id="cm-derden" checked> Video\'s en enquêtes (cookies van derden)</label>' +
    '<button type="button" id="cm-weigeren">Alles weigeren</button> ' +
    '<button type="button" id="cm-opslaan">Keuze opslaan</button></div>';
  document.body.appendChild(box);

  function kies(ja) {
    var jaar = 365 * 24 * 3600;
    document.cookie = "demodorp_toestemming=" + (ja ? "ja" : "nee") + "; path=/; max-age=" + jaar + "; SameSite=Lax; Secure";
    box.remove();
    if (ja && window.demodorpToestemming) window.demodorpToestemming();
  }
  document.getElementById("cm-accepteren").onclick = function () { kies(true); };
  document.getElementById("cm-instellingen").onclick = function () { box.classList.add("instellingen"); };
  document.getElementById("cm-weigeren").onclick = function () { kies(false); };
  document.getElementById("cm-opslaan").onclick = function () { kies(document.getElementById("cm-derden").checked); };
})();
