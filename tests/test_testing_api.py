"""cookieaudit.testing.PageAudit's questions, without a browser (a stand-in page gives the cookie jar)."""

from __future__ import annotations

import time
from unittest.mock import MagicMock

import pytest

from cookieaudit.testing import PageAudit, TrackingBeforeConsent


def _audit(jar: list[dict]) -> PageAudit:
    page = MagicMock()
    page.url = "https://www.voorbeeldstad.nl/"
    page.context.cookies.return_value = jar
    page.main_frame.evaluate.return_value = None
    return PageAudit(page)


@pytest.mark.parametrize("call", [
    lambda audit: audit.cookies(phase="after-reject"),          # a hyphen: would match nothing, for ever
    lambda audit: audit.cookies(purpose="analytics"),
    lambda audit: audit.cookies(purpose=["analytic", "tracking"]),
    lambda audit: audit.storage(phase="before"),
    lambda audit: audit.trackers(phase="after_accepted"),
])
def test_a_misspelt_phase_or_purpose_is_an_error_not_an_empty_list(call):
    """`assert cookie_audit.cookies(phase="after-reject") == []` must not pass because nothing can match."""
    with pytest.raises(ValueError, match="unknown (phase|purpose) .*; choose from "):
        call(_audit([]))


def test_right_names_still_filter():
    audit = _audit([{"name": "_ga", "domain": ".voorbeeldstad.nl", "path": "/", "expires": time.time() + 86400 * 30}])
    audit.page.url = "https://www.voorbeeldstad.nl/"
    assert [c.name for c in audit.cookies(purpose=("analytic", "marketing"), phase="before_consent")] == ["_ga"]
    assert audit.cookies(phase=["after_reject", "after_accept"]) == [] and audit.storage(phase="before_consent") == []


def test_tracking_message_is_terminal_safe():
    """A cookie name with a bidi override (Chromium stores it) reaches pytest's output as '?'."""
    audit = _audit([{"name": "_ga_\u202eXYZ\x9b", "domain": ".voorbeeldstad.nl", "path": "/",
                     "expires": time.time() + 86400}])
    with pytest.raises(TrackingBeforeConsent) as raised:
        audit.assert_no_tracking_before_consent()
    text = str(raised.value)
    assert "_ga_?XYZ?" in text and "\u202e" not in text and "\x9b" not in text
    assert text.count("\n") == 1  # one line per cookie kept


def test_plugin_failure_text_is_terminal_safe_line_by_line():
    """What the plugin prints for a failing check (finding details quote cookie names and statement text)."""
    from cookieaudit.pytest_plugin import _safe

    assert _safe("set-before-consent: _ga_\u202eXYZ\nStatement: \"\x1b]8;;https://x\x07klik\"") == \
        "set-before-consent: _ga_?XYZ\nStatement: \"?]8;;https://x?klik\""
