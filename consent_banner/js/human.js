// Init script: some CMPs (orestbida CookieConsent v3 among them) draw no banner when
// navigator.webdriver is true. A visitor's browser reports false.
Object.defineProperty(Navigator.prototype, "webdriver", { get: () => false, configurable: true });
