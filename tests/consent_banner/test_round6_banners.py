"""Issue 13, sixth round, in a real browser: first-layer refusals without a refusal button — a
"save selection" pressed with every optional category off as the site shows it, and an icon-only
"×" the banner's own text says refuses — recorded with their evidence; a "×" that only hides a
panel stays no refusal."""

from __future__ import annotations

import pytest

import consent_banner
from tests import needs
from tests.consent_banner.conftest import TRACKER_COOKIE, cookie_jar
from tests.consent_banner.eval_sites import load_manifest, npm_missing, serve

pytestmark = pytest.mark.browser

DEV = {fx.id: fx for fx in load_manifest("dev")[0]}


@pytest.fixture(scope="module")
def dev_sites(testweb):
    """The dev evaluation banners on the test web (tracker included)."""
    missing = npm_missing(list(DEV.values()))
    if missing:
        needs.missing(f"npm fixtures not installed ({', '.join(missing)})")
    serve(testweb, "dev")
    return {fx_id: fx.url for fx_id, fx in DEV.items()}


@pytest.fixture
def visitor(page):
    page.context.add_init_script(consent_banner.human_init_script())
    return page


def test_save_selection_with_every_box_off_is_a_first_layer_refusal(visitor, dev_sites):
    """A Cookie Information-style popup: its category boxes are off as the site shows them, so
    "Accepteer geselecteerde" is its refusal in one click; the evidence names the boxes."""
    visitor.goto(dev_sites["hb5-nl-cookieinformation-like-geselecteerde"])
    detection = consent_banner.detect(visitor)
    assert detection.found and not detection.buttons_with("reject"), detection
    assert "Accepteer geselecteerde" in detection.first_layer_refusal
    assert "Statistiek" in detection.first_layer_refusal and "Marketing" in detection.first_layer_refusal
    outcome = consent_banner.reject(visitor)
    assert outcome.verified and outcome.reject_on_first_layer is True, outcome
    assert outcome.clicks == 1 and [s.text for s in outcome.steps if s.action == "click"] == ["Accepteer geselecteerde"]
    checked = [s.text for s in outcome.steps if s.action == "check"]
    assert checked and "Statistiek" in checked[0] and checked[0].startswith("already off:"), outcome.steps
    assert TRACKER_COOKIE not in cookie_jar(visitor)


def test_a_close_icon_the_banner_says_refuses_is_a_first_layer_refusal(visitor, dev_sites):
    """An icon-only "×" (aria-label "Sluiten") under a text saying that closing means necessary
    cookies only: the "×" is the refusal, pressed on the first layer."""
    visitor.goto(dev_sites["hb5-nl-kruisje-is-weigeren"])
    detection = consent_banner.detect(visitor)
    assert [b.text for b in detection.buttons_with("reject")] == ["Sluiten"], detection
    assert "alleen noodzakelijke cookies" in detection.first_layer_refusal
    outcome = consent_banner.reject(visitor)
    assert outcome.verified and outcome.reject_on_first_layer is True, outcome
    assert outcome.clicks == 1 and [s.text for s in outcome.steps if s.action == "click"] == ["Sluiten"]
    assert cookie_jar(visitor)["anker_cookies"] == "noodzakelijk"
    assert TRACKER_COOKIE not in cookie_jar(visitor)


def test_a_close_icon_that_only_hides_the_panel_is_no_refusal(visitor, dev_sites):
    """A Civic-style side panel: its "×" hides the panel and answers nothing; the refusal is
    "Ik ga niet akkoord"."""
    visitor.goto(dev_sites["hb5-nl-civic-like-zijpaneel-schuifje"])
    detection = consent_banner.detect(visitor)
    assert [b.text for b in detection.buttons_with("reject")] == ["Ik ga niet akkoord"], detection
    assert [b.text for b in detection.buttons_with("close")] == ["Sluiten"]
    assert detection.first_layer_refusal is None
    outcome = consent_banner.reject(visitor)
    assert outcome.verified, outcome
    assert [s.text for s in outcome.steps if s.action == "click"] == ["Ik ga niet akkoord"]
