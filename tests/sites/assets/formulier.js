/* Form helper of the benchmark site: marks required fields on pages with a form. */
(function () {
  "use strict";
  var note = document.createElement("p");
  note.className = "verplicht";
  note.textContent = "Velden met een * zijn verplicht.";
  document.querySelector("main").appendChild(note);
})();
