/* Visitor-survey invitation for the municipal test site, modelled on the behaviour of Ipsos's
   website surveys (written for cookieaudit, not Ipsos's code): remembers for a year, in the
   host-only first-party cookie `IpsosSurveyCookie_1`, that the invitation was shown. */
(function () {
  "use strict";
  var YEAR_SECONDS = 31536000;
  if (document.cookie.indexOf("IpsosSurveyCookie_1=") !== -1) { return; }
  document.cookie = "IpsosSurveyCookie_1=uitnodiging-getoond; path=/; max-age=" + YEAR_SECONDS;
  var invitation = document.createElement("aside");
  invitation.className = "enquete";
  invitation.textContent = "Wilt u meedoen aan ons onderzoek naar de website?";
  document.body.appendChild(invitation);
})();
