"""The HTML report opened in Chromium: hostile strings stay text, nothing runs or loads, the filters work."""

from __future__ import annotations

import pytest

from cookieaudit.reports import write_reports
from tests.reports.sample import HOSTILE_NAME, HOSTILE_TITLE, sample_result

pytestmark = pytest.mark.browser


@pytest.fixture
def opened(page, tmp_path):
    """report.html written by write_reports and opened from disk; (page, dialogs, requests, console errors)."""
    result = sample_result(tmp_path)
    write_reports(result, ["html"], tmp_path, lang="en")
    dialogs, requests, errors = [], [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto((tmp_path / "report.html").as_uri())
    page.wait_for_load_state("load")
    return page, dialogs, requests, errors


def test_hostile_strings_are_text_and_nothing_runs(opened):
    """A cookie named like an <img> tag and a title with </script> show as text; no dialog, no CSP violation."""
    page, dialogs, _, errors = opened
    assert page.get_by_text(HOSTILE_NAME, exact=True).count() >= 4
    assert page.get_by_text(HOSTILE_TITLE, exact=True).count() == 3
    assert page.locator("img:not([src^='data:image/png;base64,'])").count() == 0
    assert page.evaluate("document.querySelectorAll('script:not([type])').length") == 1
    page.wait_for_timeout(300)
    assert dialogs == []
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_no_network_request(opened):
    """Opening the report requests nothing but the file itself (images are data: URIs)."""
    page, _, requests, _ = opened
    assert page.locator("figure img").count() == 7
    assert all(page.evaluate("i => i.complete && i.naturalWidth > 0", handle) for handle in page.locator("figure img").element_handles())
    assert [url for url in requests if not url.startswith(("file://", "data:"))] == []


def test_injected_script_is_blocked_by_the_csp(opened):
    """The CSP allows only the report's own script: a script added later (as a site string could try) does not run."""
    page, _, _, _ = opened
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                            document.body.appendChild(s); }""")
    assert page.evaluate("window.__ran === undefined")


def test_tables_are_visible_and_filters_work(opened):
    """Tables show without interaction; purpose, party and finding filters hide the other rows; headers sort."""
    page, _, _, _ = opened
    matrix = page.locator("#matrix tbody tr")
    assert matrix.count() == 6 and page.locator("#filters").is_visible()
    page.select_option("#filters select[name=purpose]", "analytic")
    visible = page.locator("#matrix tbody tr:not([hidden])")
    assert visible.count() == 2
    assert set(visible.evaluate_all("rows => rows.map(r => r.dataset.purpose)")) == {"analytic"}
    page.select_option("#filters select[name=purpose]", "")
    page.select_option("#filters select[name=party]", "third")
    assert page.locator("#matrix tbody tr:not([hidden])").count() == 2
    page.select_option("#filters select[name=party]", "")
    page.select_option("#filters select[name=finding]", "no")
    names = page.locator("#matrix tbody tr:not([hidden]) td:first-child").all_inner_texts()
    assert sorted(names) == ["sessie", "test_cookie"]
    assert page.locator("#filter-count").inner_text() == "2 of 6 shown"
    page.select_option("#filters select[name=finding]", "")
    header = page.locator("#matrix thead th").first
    header.click()
    first = page.locator("#matrix tbody tr td:first-child").all_inner_texts()
    assert first == page.evaluate("names => names.slice().sort((a, b) => a.localeCompare(b))", first)
    assert first != ["sessie", HOSTILE_NAME, "_ga", "_ga_ABC123", "IDE", "test_cookie"]  # the order changed
    header.click()
    assert page.locator("#matrix tbody tr td:first-child").all_inner_texts() == list(reversed(first))


def test_print_shows_every_row(opened):
    """In print, the filter form is hidden and filtered-out rows come back."""
    page, _, _, _ = opened
    page.select_option("#filters select[name=purpose]", "marketing")
    page.emulate_media(media="print")
    assert not page.locator("#filters").is_visible()
    assert page.locator("#matrix tbody tr").evaluate_all("rows => rows.filter(r => getComputedStyle(r).display !== 'none').length") == 6
    assert page.pdf()[:5] == b"%PDF-"  # "save as PDF" works
