/* Map widget of the benchmark site: draws a placeholder map on pages that show a location. */
(function () {
  "use strict";
  var map = document.createElement("figure");
  map.className = "kaart";
  map.textContent = "Kaart van de locatie";
  document.querySelector("main").appendChild(map);
})();
