"""Many small municipal sites on their own host names, for batch benchmarks.

``install(testweb, count=20, pages=5, latency=0.03)`` serves https://www.gemeente-NN.nl/ for
NN = 01..count and returns their start URLs. Each site has ``pages`` pages linked from the
home page's navigation, a stylesheet, a first-party session cookie, Google Analytics (``_ga``)
and a footer link to its cookie statement; every even site shows a custom cookie bar
(Accepteren / Weigeren) and loads the analytics only after "Accepteren", every odd site loads
it straight away. Every response answers after ``latency`` seconds.
"""

from __future__ import annotations

from pathlib import Path

from tests.testweb import Response, TestWeb

__all__ = ["host", "install"]

ASSETS = Path(__file__).parent / "assets"
GTAG = "https://www.googletagmanager.com/gtag/destination?id=G-GEMEENTE01"
JS = "application/javascript; charset=utf-8"

BAR = """<div class="cookiemelding" role="region" aria-label="Cookiemelding"><p>Wij gebruiken cookies voor
bezoekersstatistieken. Gaat u akkoord?</p><button type="button" id="ja">Accepteren</button>
<button type="button" id="nee">Weigeren</button> <a href="/cookieverklaring">Meer informatie</a></div>
<script>
function statistics() { var s = document.createElement("script"); s.src = "GTAG"; document.head.appendChild(s); }
function cookie(name) { return (document.cookie.match("(?:^|; )" + name + "=([^;]*)") || [])[1]; }
function answer(choice) { document.cookie = "cookie_toestemming=" + choice + "; path=/; max-age=31536000";
  document.querySelector(".cookiemelding").remove(); if (choice === "ja") statistics(); }
if (cookie("cookie_toestemming")) { document.querySelector(".cookiemelding").remove(); if (cookie("cookie_toestemming") === "ja") statistics(); }
else { document.getElementById("ja").onclick = function () { answer("ja"); };
       document.getElementById("nee").onclick = function () { answer("nee"); }; }
</script>""".replace("GTAG", GTAG)


def host(number: int) -> str:
    """The host name of site ``number`` (1-based)."""
    return f"www.gemeente-{number:02d}.nl"


def _page(number: int, index: int, pages: int) -> str:
    name = f"Gemeente {number:02d}"
    nav = "".join(f'<a href="/onderwerp/{i}">Onderwerp {i}</a> ' for i in range(1, pages))
    title = "Home" if index == 0 else f"Onderwerp {index}"
    tracking = BAR if number % 2 == 0 else f'<script async src="{GTAG}"></script>'
    return (f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{title} - {name}</title>'
            '<link rel="stylesheet" href="/huisstijl.css"></head><body>'
            f'<header><h1>{name}</h1><nav><a href="/">Home</a> {nav}</nav></header>'
            f"<main><h2>{title}</h2><p>Afval, parkeren en paspoorten: wat u regelt bij {name}.</p></main>"
            '<footer><a href="/cookieverklaring">Cookieverklaring</a></footer>'
            f"{tracking}</body></html>")


def install(testweb: TestWeb, count: int = 20, pages: int = 5, latency: float = 0.03) -> list[str]:
    """Serve ``count`` sites of ``pages`` pages; their start URLs."""
    css = (ASSETS / "huisstijl.css").read_bytes()
    testweb.route("www.googletagmanager.com", "/gtag/destination",
                  Response((ASSETS / "gtag.js").read_bytes(), content_type=JS, delay=latency))
    testweb.route("region1.google-analytics.com", "/g/collect", Response(b"", status=204, content_type="text/plain"))
    for number in range(1, count + 1):
        name = host(number)

        def page(request, html=None):
            cookies = [] if "JSESSIONID" in request.cookies else ["JSESSIONID=batch; Path=/; Secure; HttpOnly"]
            return Response(html, set_cookies=cookies, delay=latency)

        for index in range(pages):
            path = "/" if index == 0 else f"/onderwerp/{index}"
            testweb.route(name, path, lambda request, html=_page(number, index, pages): page(request, html))
        testweb.route(name, "/huisstijl.css", Response(css, content_type="text/css; charset=utf-8", delay=latency))
        testweb.route(name, "/cookieverklaring", Response(
            "<!doctype html><h1>Cookieverklaring</h1><p>Wij gebruiken JSESSIONID (sessie) en Google Analytics "
            "(_ga, 2 jaar) voor statistieken, na uw toestemming.</p>", delay=latency))
    return [f"https://{host(number)}/" for number in range(1, count + 1)]
