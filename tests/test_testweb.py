"""The local test web serves realistic host names to a real Chromium."""

from tests.testweb import html


def test_page_on_realistic_host(page, testweb):
    """A page on www.denhaag.nl is served by the local server, over HTTPS."""
    testweb.route("www.denhaag.nl", "/testweb-check", html("<h1>Gemeente</h1>", title="Den Haag",
                                                          set_cookies=["sess=1; Path=/; Secure"]))
    page.goto("https://www.denhaag.nl/testweb-check")
    assert page.title() == "Den Haag"
    assert page.url == "https://www.denhaag.nl/testweb-check"
    assert any(c["name"] == "sess" and c["domain"] == "www.denhaag.nl" for c in page.context.cookies())


def test_unknown_path_is_404(page, testweb):
    """Unrouted paths answer 404."""
    response = page.goto("https://static.hotjar.com/nothing-here")
    assert response.status == 404
    assert "/nothing-here" in [r.path for r in testweb.requests_to("static.hotjar.com")]
