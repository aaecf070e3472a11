"""How a visit tells a page that navigates by itself in a loop from one that moves on once."""

from __future__ import annotations

from cookieaudit.models import Page
from cookieaudit.scanner.collectors.base import Visit
from cookieaudit.scanner.crawl import PlannedPage


def _visit(*urls: str) -> Visit:
    visit = Visit(PlannedPage(url=urls[0], source="start", depth=0, index=0), tab=None,
                  record=Page(url=urls[0], phase="before_consent"), started=0.0)
    for url in urls:
        visit.navigated(url)
    return visit


def test_a_loop_is_the_same_move_made_twice():
    """A -> B -> A -> B: the page goes round, whatever the speed of the machine."""
    visit = _visit("https://a.nl/", "https://a.nl/b", "https://a.nl/", "https://a.nl/b")
    assert visit.repeated_move == ("https://a.nl/", "https://a.nl/b")
    assert visit.navigations == 4 and visit.current_url == "https://a.nl/b"


def test_a_round_trip_made_once_is_not_a_loop():
    """A cookie check (A -> check -> A) or a consent wall that sends the visitor back is no loop."""
    visit = _visit("https://a.nl/", "https://a.nl/check", "https://a.nl/", "https://a.nl/welkom")
    assert visit.repeated_move is None and visit.navigations == 4


def test_a_page_reloading_itself_twice_goes_round():
    visit = _visit("https://a.nl/", "https://a.nl/", "https://a.nl/")
    assert visit.repeated_move == ("https://a.nl/", "https://a.nl/")
