"""Real open-source CMPs, installed from npm (tests/fixtures/npm) and served by the local test web."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

import consent_banner
from tests import needs
from tests.consent_banner.conftest import FIXTURES, TRACKER_COOKIE, cookie_jar
from tests.testweb import Response

pytestmark = pytest.mark.browser

NPM = FIXTURES.parent / "npm"
# package directory name → version pinned in tests/fixtures/npm/package.json
PACKAGES = {"vanilla-cookieconsent": "3.1.0", "klaro": "0.7.22", "orejime": "2.3.1", "cookieconsent": "3.1.1"}

# page → (site host, expected CMP id, consent cookie, text in it after accept, after reject)
PAGES = {
    "vanilla-cookieconsent.html": ("www.proefstad.nl", "orestbida-cookieconsent", "cc_cookie", '"analytics"', '"necessary"]'),
    "klaro.html": ("www.museum-proefstad.nl", "klaro", "klaro", '"statistieken":true', '"statistieken":false'),
    "orejime.html": ("www.mairie-villetest.fr", "orejime", "orejime", '"statistiques":true', '"statistiques":false'),
    "osano-cookieconsent.html": ("www.littletesting-pc.org.uk", "osano-cookieconsent", "cookieconsent_status", "allow", "deny"),
}


@pytest.fixture(scope="module")
def npm_sites(testweb, tracker):
    """The npm packages under cdn.jsdelivr.net/npm/<name>@<version>/, and one site per package."""
    missing = [name for name in PACKAGES if not (NPM / "node_modules" / name / "package.json").is_file()]
    if missing:
        message = f"npm fixtures not installed ({', '.join(missing)}): run `npm ci` in {NPM}"
        needs.missing(message)
    for name, version in PACKAGES.items():
        testweb.mount("cdn.jsdelivr.net", f"/npm/{name}@{version}/", NPM / "node_modules" / name)
    for page_name, (host, *_rest) in PAGES.items():
        testweb.route(host, "/", Response((FIXTURES / "npm" / page_name).read_text(encoding="utf-8")))
    return {page_name: f"https://{host}/" for page_name, (host, *_rest) in PAGES.items()}


@pytest.fixture
def human_page(page):
    """A page that does not announce automation (vanilla-cookieconsent hides its banner from bots)."""
    page.context.add_init_script(consent_banner.human_init_script())
    return page


@pytest.mark.parametrize("action", ["accept", "reject"])
@pytest.mark.parametrize("page_name", sorted(PAGES))
def test_open_source_cmp(human_page, npm_sites, page_name, action):
    """The real library's banner is recognised, answered, verified, and gates the tracker."""
    human_page.goto(npm_sites[page_name])
    outcome = getattr(consent_banner, action)(human_page)
    _, cmp, cookie, after_accept, after_reject = PAGES[page_name]
    assert outcome.detected and outcome.cmp == cmp, outcome
    assert outcome.verified, outcome
    jar = cookie_jar(human_page)
    assert (after_accept if action == "accept" else after_reject) in unquote(jar[cookie])
    human_page.wait_for_timeout(300)  # a gated script runs after the choice
    assert (TRACKER_COOKIE in cookie_jar(human_page)) == (action == "accept")
    assert outcome.reject_on_first_layer is True


def test_klaro_ok_button_that_saves_defaults_is_not_taken_for_consent(human_page, npm_sites, testweb):
    """Klaro without acceptAll: "Dat is oké" stores the defaults (off), so accept is caught as not given."""
    page_source = (FIXTURES / "npm" / "klaro.html").read_text(encoding="utf-8").replace("acceptAll: true", "acceptAll: false")
    testweb.route("www.museum-proefstad.nl", "/standaard", Response(page_source))
    human_page.goto("https://www.museum-proefstad.nl/standaard")
    outcome = consent_banner.accept(human_page)
    assert outcome.detected and outcome.steps[0].text == "Dat is oké"
    assert not outcome.verified
    assert outcome.reason == "consent record cookie klaro records the opposite choice"
