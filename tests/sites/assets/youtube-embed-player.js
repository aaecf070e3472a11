/* Player script inside the video iframe, modelled on the behaviour of YouTube's embed player
   (written for cookieaudit, not YouTube's code): a credentialed call to the advertising id
   endpoint on doubleclick.net, a device id in localStorage and an IndexedDB database. Storage is
   denied to third-party frames when the browser blocks third-party cookies, so it is optional. */
(function () {
  "use strict";
  fetch("https://googleads.g.doubleclick.net/pagead/id", { credentials: "include" })
    .then(function (response) { return response.json(); })
    .catch(function () {});
  try {
    var now = Date.now();
    localStorage.setItem("yt-remote-device-id",
      JSON.stringify({ data: crypto.randomUUID(), expiration: now + 31536000000, creation: now }));
    var open = indexedDB.open("YtIdbMeta", 1);
    open.onupgradeneeded = function () { open.result.createObjectStore("databases"); };
    open.onsuccess = function () { open.result.close(); };
  } catch (denied) {
    /* third-party storage blocked */
  }
})();
