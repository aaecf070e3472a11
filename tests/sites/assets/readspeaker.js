/* Read-aloud button for the benchmark site, modelled on the behaviour of ReadSpeaker's webReader
   (written for cookieaudit, not ReadSpeaker's code): a session cookie `_rspkrLoadCore` recording
   that the reader core was loaded, and a "Lees voor" button. */
(function () {
  "use strict";
  document.cookie = "_rspkrLoadCore=1; path=/";
  var button = document.createElement("button");
  button.textContent = "Lees voor";
  document.body.insertBefore(button, document.body.firstChild);
})();
