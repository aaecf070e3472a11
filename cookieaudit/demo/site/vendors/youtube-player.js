/* Video player of the demo, modelled on the behaviour of YouTube's embedded player (written for
   cookieaudit, not Google's code): it asks Google's advertising service for an id, which sets
   the IDE cookie on doubleclick.net. */
(function () {
  "use strict";
  fetch("https://googleads.g.doubleclick.net/pagead/id", { credentials: "include" }).catch(function () {});
})();
