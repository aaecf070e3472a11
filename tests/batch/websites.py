"""Small sites on their own host names for batch tests: what a list of municipalities looks like.

``install(testweb)`` serves them and returns :class:`BatchSites` (hosts, expectations). The
host-resolver switch from :func:`browser_switch` sends every host to the test web except the
unreachable one, which does not resolve.

- www.bannerstad.nl: a custom cookie bar (Accepteren / Weigeren), a first-party session
  cookie, statistics (``_ga``) only after "Accepteren", a footer link "Cookieverklaring" to
  a statement that declares the session cookie and Google Analytics.
- www.zonderlink.nl: no banner and no link to any statement; statistics on every visit.
- www.rustig.nl: no cookies at all; a footer link "Privacyverklaring".
- www.hangt.nl: the start page never answers (the batch's --site-timeout must stop it).
- www.onbereikbaar.nl: does not resolve.
- www.tweede.nl: like rustig, to give the runner more than two sites.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.testweb import Response, TestWeb, html

__all__ = ["BatchSites", "browser_switch", "install"]

ASSETS = Path(__file__).resolve().parents[1] / "sites" / "assets"
GTAG = "https://www.googletagmanager.com/gtag/destination?id=G-BATCH00001"
HANG_SECONDS = 3600

BANNER_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Gemeente Bannerstad</title>
<style>.cookiemelding{position:fixed;bottom:0;left:0;right:0;background:#00477f;color:#fff;padding:16px;z-index:9}</style></head>
<body><header><h1>Gemeente Bannerstad</h1><nav><a href="/afval">Afval</a> <a href="/parkeren">Parkeren</a></nav></header>
<main><p>Afval, parkeren en paspoorten: alles over onze dienstverlening.</p></main>
<footer><a href="/cookieverklaring">Cookieverklaring</a> <a href="/contact">Contact</a></footer>
<script>
  function cookie(name) { return (document.cookie.match("(?:^|; )" + name + "=([^;]*)") || [])[1]; }
  function statistics() { var s = document.createElement("script"); s.src = "GTAG"; document.head.appendChild(s); }
  function answer(choice) {
    document.cookie = "cookie_toestemming=" + choice + "; path=/; max-age=31536000";
    document.querySelector(".cookiemelding").remove();
    if (choice === "ja") statistics();
  }
  if (cookie("cookie_toestemming") === "ja") statistics();
  if (!cookie("cookie_toestemming")) {
    document.body.insertAdjacentHTML("beforeend",
      '<div class="cookiemelding" role="region" aria-label="Cookiemelding">' +
      '<p>Wij gebruiken cookies om de website te verbeteren en om bezoekersstatistieken bij te houden. ' +
      'Gaat u akkoord met het plaatsen van deze cookies?</p>' +
      '<button type="button" id="ja">Accepteren</button> <button type="button" id="nee">Weigeren</button> ' +
      '<a href="/cookieverklaring">Meer informatie</a></div>');
    document.getElementById("ja").onclick = function () { answer("ja"); };
    document.getElementById("nee").onclick = function () { answer("nee"); };
  }
</script></body></html>""".replace("GTAG", GTAG)

STATEMENT = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Cookieverklaring</title></head><body>
<h1>Cookieverklaring</h1>
<h2>Welke cookies gebruiken wij?</h2>
<table><tr><th>Naam</th><th>Doel</th><th>Bewaartermijn</th></tr>
<tr><td>PHPSESSID</td><td>Functioneel: onthoudt uw sessie</td><td>Sessie</td></tr>
<tr><td>cookie_toestemming</td><td>Functioneel: onthoudt uw keuze over cookies</td><td>1 jaar</td></tr>
<tr><td>_ga</td><td>Analytisch: Google Analytics, bezoekersstatistieken</td><td>2 jaar</td></tr>
</table></body></html>"""


def _plain(title: str, footer: str, **kwargs) -> Response:
    return html(f"<header><h1>{title}</h1><nav><a href='/nieuws'>Nieuws</a></nav></header>"
                f"<main><p>Welkom bij {title}.</p></main><footer>{footer}</footer>", title=title, **kwargs)


@dataclass(frozen=True)
class BatchSites:
    """The hosts, by role."""

    banner: str = "www.bannerstad.nl"
    no_link: str = "www.zonderlink.nl"
    quiet: str = "www.rustig.nl"
    hangs: str = "www.hangt.nl"
    unreachable: str = "www.onbereikbaar.nl"
    second_quiet: str = "www.tweede.nl"

    def url(self, host: str) -> str:
        return f"https://{host}/"


def install(testweb: TestWeb) -> BatchSites:
    """Serve the batch test sites on ``testweb``."""
    sites = BatchSites()
    gtag = Response((ASSETS / "gtag.js").read_bytes(), content_type="application/javascript; charset=utf-8")
    testweb.route("www.googletagmanager.com", "/gtag/destination", gtag)
    testweb.route("region1.google-analytics.com", "/g/collect", Response(b"", status=204, content_type="text/plain"))

    def banner_page(request):
        cookies = [] if "PHPSESSID" in request.cookies else ["PHPSESSID=b4tch; Path=/; Secure; HttpOnly; SameSite=Lax"]
        return Response(BANNER_PAGE, set_cookies=cookies)

    for path in ("/", "/afval", "/parkeren", "/contact"):
        testweb.route(sites.banner, path, banner_page)
    testweb.route(sites.banner, "/cookieverklaring", Response(STATEMENT))

    tracking = f'<script async src="{GTAG}"></script>'
    for path in ("/", "/nieuws"):
        testweb.route(sites.no_link, path, html(f"<h1>Zonderlink</h1><a href='/nieuws'>Nieuws</a>{tracking}",
                                                title="Zonderlink", head=""))
    for host, title in ((sites.quiet, "Gemeente Rustig"), (sites.second_quiet, "Gemeente Tweede")):
        testweb.route(host, "/", _plain(title, "<a href='/privacyverklaring'>Privacyverklaring</a>"))
        testweb.route(host, "/nieuws", _plain(title, ""))
        testweb.route(host, "/privacyverklaring", html("<h1>Privacyverklaring</h1><h2>Cookies</h2>"
                                                       "<p>Wij plaatsen geen cookies.</p>"))
    testweb.route(sites.hangs, "/", Response(html("<p>te laat</p>").body, delay=HANG_SECONDS))
    return sites


def browser_switch(testweb: TestWeb, sites: BatchSites) -> str:
    """--host-resolver-rules: the unreachable host does not resolve, every other goes to the test web."""
    return (f"--host-resolver-rules=MAP {sites.unreachable} ~NOTFOUND, "
            f"MAP * 127.0.0.1:{testweb.port}, EXCLUDE localhost")
