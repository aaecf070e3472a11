"""Issue 13, fifth round, in a real browser: a banner known by its structure and controls though it
never says "cookie" (and the popups that are not banners), and a refusal only on the site's own
settings page, reached through the banner's same-site settings link (never an off-site one)."""

from __future__ import annotations

import pytest

import consent_banner
from tests.consent_banner.conftest import TRACKER_COOKIE, cookie_jar
from tests.testweb import Response, html

pytestmark = pytest.mark.browser

# -- a banner that never says "cookie" ----------------------------------------------------------
def test_a_corner_box_about_third_party_services_is_found_and_refused(visitor, dev_sites):
    """A Klaro-style box speaks of "diensten van derden", never of cookies or consent: its position
    and its answers ("Ik weiger", "Dat is oké", "Laat me kiezen") make it a banner."""
    visitor.goto(dev_sites["hb4-nl-klaro-like-ik-weiger"])
    detection = consent_banner.detect(visitor)
    assert detection.found and detection.cmp == "generic", detection
    assert {b.role for b in detection.buttons} >= {"accept", "reject", "settings"}
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Ik weiger"]
    assert '"googleAnalytics":false' in cookie_jar(visitor)["ggdho_diensten"].replace("%22", '"').replace("%3A", ":")
    assert TRACKER_COOKIE not in cookie_jar(visitor)


NOT_BANNERS = {
    "nieuwsbrief": """<div role="dialog" style="position:fixed;right:20px;bottom:20px;width:380px;background:#fff;padding:16px;border:1px solid #999">
 <h2>Blijf op de hoogte</h2><p>Schrijf u in voor onze nieuwsbrief. Wij gaan zorgvuldig om met uw gegevens, zie ons
 <a href="/privacy">privacybeleid</a>.</p><input type="email" placeholder="E-mailadres">
 <button>Ja, inschrijven</button> <button>Nee, bedankt</button></div>""",
    "chat": """<div style="position:fixed;right:16px;bottom:16px;width:320px;background:#fff;padding:12px;border:1px solid #999;z-index:2000">
 <p>Hallo! Kan ik u helpen? Onze medewerkers zijn online. Uw gegevens worden verwerkt volgens onze privacyverklaring.</p>
 <button>Ja, start de chat</button> <button>Nee, bedankt</button></div>""",
    "enquete": """<div role="dialog" aria-modal="true" style="position:fixed;inset:25% 25%;background:#fff;padding:16px;border:1px solid #999">
 <p>Wilt u meewerken aan een kort onderzoek over onze website? Het duurt twee minuten en uw gegevens worden anoniem verwerkt.</p>
 <button>Ja, ik doe mee</button> <button>Nee, liever niet</button> <button>Instellingen</button></div>""",
}


@pytest.mark.parametrize("kind", sorted(NOT_BANNERS))
def test_a_newsletter_chat_or_survey_popup_is_not_a_banner(visitor, testweb, kind):
    """Popups with yes/no answers and a word about data or privacy, but that ask no consent: no
    banner is found and nothing is clicked."""
    host = f"www.popup-{kind}-proef.nl"
    testweb.route(host, "/", html(f"<h1>Gemeente Proef</h1>{NOT_BANNERS[kind]}", title="Proef"))
    visitor.goto(f"https://{host}/")
    assert not consent_banner.detect(visitor).found
    outcome = consent_banner.reject(visitor)
    assert not outcome.detected and outcome.clicks == 0, outcome


# -- the site's own settings page ---------------------------------------------------------------
def test_refusal_on_the_sites_own_settings_page_then_back_and_verified(visitor, dev_sites):
    """One "Ik ga akkoord" button; the only refusal is the link "Wijzig instellingen" to the site's
    settings page: follow it (a step with its URL), choose "Nee" on the unchosen radio pair, save,
    load the home page again (a step with its URL) and verify there, also after a reload."""
    home = dev_sites["hb4-nl-akkoord-wijzig-instellingen-pagina"]
    requested = []
    visitor.on("request", lambda r: requested.append(r.url))
    visitor.goto(home)
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert outcome.reject_on_first_layer is False
    navigations = [(s.text, s.url, s.ok) for s in outcome.steps if s.action == "navigate"]
    settings = home.rstrip("/") + "/cookie-instellingen"
    assert navigations == [("Wijzig instellingen", settings, True), ("back to the page the banner was on", home, True)]
    assert [s.text for s in outcome.steps if s.action == "toggle-off"] == ["Statistiekcookies"]
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Opslaan"]  # the link's click is its navigate step
    assert outcome.clicks == 3  # the link, "Nee", "Opslaan"
    assert cookie_jar(visitor)["lw_cookie_instellingen"] == "statistiek-nee"
    assert TRACKER_COOKIE not in cookie_jar(visitor)
    assert visitor.url == home and outcome.final_url == home
    assert "still refused after a reload" in outcome.verification
    assert not any(u.endswith("/privacyverklaring") for u in requested)  # a read-more link is never followed


OFF_SITE = """<h1>Gemeente Elders</h1>
<div id="bar" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:16px;border-top:2px solid #333">
 <p>Wij gebruiken cookies voor statistieken.</p><button id="ok">Ik ga akkoord</button>
 <a href="https://www.cmp-portaal-proef.com/instellingen">Wijzig instellingen</a></div>
<script>
document.getElementById("ok").onclick = function () { document.cookie = "el_keuze=ja; path=/"; document.getElementById("bar").remove(); };
</script>"""


def test_a_settings_link_to_another_site_is_never_followed(visitor, testweb):
    testweb.route("www.gemeente-elders-proef.nl", "/", html(OFF_SITE, title="Elders"))
    testweb.route("www.cmp-portaal-proef.com", "/instellingen", html("<h1>Instellingen</h1><button>Opslaan</button>"))
    requested = []
    visitor.on("request", lambda r: requested.append(r.url))
    visitor.goto("https://www.gemeente-elders-proef.nl/")
    outcome = consent_banner.reject(visitor)
    assert not outcome.verified and outcome.clicks == 0, outcome
    assert outcome.reason.startswith("no reject option (the settings link was not followed: another site")
    assert visitor.url == "https://www.gemeente-elders-proef.nl/"
    assert not any("cmp-portaal-proef" in u for u in requested)


SERVER_FORM_HOME = """<h1>Gemeente Formulierdorp</h1>
<div id="bar" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:16px;border-top:2px solid #333">
 <p>Wij gebruiken cookies voor statistieken.</p><button id="ok">Akkoord</button>
 <a href="/cookies/voorkeuren">Cookievoorkeuren aanpassen</a></div>
<script>
if (/fd_keuze=/.test(document.cookie)) document.getElementById("bar").remove();
document.getElementById("ok").onclick = function () { document.cookie = "fd_keuze=alles; path=/"; document.getElementById("bar").remove(); };
</script>"""
SERVER_FORM_SETTINGS = """<h1>Cookievoorkeuren</h1><form method="get" action="/cookies/opslaan">
<label><input type="checkbox" name="statistiek" value="1" checked> Statistische cookies</label>
<label><input type="checkbox" name="marketing" value="1" checked> Marketingcookies</label>
<button type="submit">Voorkeuren opslaan</button></form>"""


def _store_choice(request):
    """The settings form's target: the choice becomes a cookie, then a page of thanks."""
    value = "statistiek" if request.query.get("statistiek") else "noodzakelijk"
    return Response("", status=303, headers=[("Location", "/cookies/bedankt")],
                    set_cookies=[f"fd_keuze={value}; Path=/; Max-Age=31536000; Secure; SameSite=Lax"])


def test_a_settings_page_whose_form_is_stored_by_the_server(visitor, testweb):
    """The settings page's save submits the form to the server, which stores the choice and loads
    a page of thanks: that counts as saved, and the engine comes back and verifies."""
    host = "www.formulierdorp-proef.nl"
    testweb.route(host, "/", html(SERVER_FORM_HOME, title="Formulierdorp"))
    testweb.route(host, "/cookies/voorkeuren", html(SERVER_FORM_SETTINGS, title="Voorkeuren"))
    testweb.route(host, "/cookies/opslaan", _store_choice)
    testweb.route(host, "/cookies/bedankt", html("<h1>Uw voorkeuren zijn opgeslagen</h1>", title="Bedankt"))
    visitor.goto(f"https://{host}/")
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert [s.text for s in outcome.steps if s.action == "toggle-off"] == ["Statistische cookies", "Marketingcookies"]
    assert cookie_jar(visitor)["fd_keuze"] == "noodzakelijk"
    assert visitor.url == f"https://{host}/"
    assert [s.url for s in outcome.steps if s.action == "navigate"] == [f"https://{host}/cookies/voorkeuren", f"https://{host}/"]
