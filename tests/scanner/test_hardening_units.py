"""The pieces of the hardening that need no browser: secret scrubbing, URL credentials, terminal-
safe JSON, header cookie decoding, the HAR redaction, the HTML fallback for links, the desktop
presentation, output paths and the workspace."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from cookieaudit.cli._output import check_output_path, write_text
from cookieaudit.errors import InputError
from cookieaudit.models import Page
from cookieaudit.safety import SecretScrubber, json_terminal_safe, secret_like, strip_credentials
from cookieaudit.scanner.collectors.pages import links_from_html
from cookieaudit.scanner.cookiewrite import chromium_text, parse_header_line
from cookieaudit.scanner.disguise import client_hint_platform, grease_brand, presentation
from cookieaudit.scanner.runner import write_redacted_har
from cookieaudit.scanner.workspace import Workspace, kill_process_group

SECRET = "Zx9-GEHEIM-4711-plant"


def test_scrubber_replaces_values_and_their_encodings():
    """An observed value is replaced wherever it appears, raw or URL-encoded, longest first;
    ordinary words and short values are left alone."""
    scrub = SecretScrubber([SECRET, "a b/c=d&12345", "marketing", "1", None])
    url = f"https://t.nl/p?q={SECRET}&r=x{SECRET}y&e=a%20b%2Fc%3Dd%2612345&m=marketing&n=1"
    assert scrub.text(url) == "https://t.nl/p?q=REDACTED&r=xREDACTEDy&e=REDACTED&m=marketing&n=1"
    assert scrub.data({"k": [f"title {SECRET}", 3, None]}) == {"k": ["title REDACTED", 3, None]}
    assert secret_like("GA1.1.1234567.89") and not secret_like("necessary,analytics") and not secret_like("12")


def test_scrubber_without_the_automaton_gives_the_same(monkeypatch):
    """The pure-Python index (when pyahocorasick is missing) replaces exactly what the automaton does."""
    values = [SECRET, "GA1.1.1234567.89", "GA1.1.1234567.89.extra"]
    text = f"a={SECRET}&b=GA1.1.1234567.89.extra&c=GA1.1.1234567.89&d={SECRET[:-1]}"
    fast = SecretScrubber(values)
    slow = SecretScrubber(values)
    slow._automaton = None
    assert fast.text(text) == slow.text(text) == f"a=REDACTED&b=REDACTED&c=REDACTED&d={SECRET[:-1]}"


def test_scrubbing_a_model_in_place_keeps_frozen_options_usable():
    """Models are scrubbed in place, frozen ones too, without touching the original options."""
    from cookieaudit.options import ScanOptions

    options = ScanOptions(urls=(f"https://jan:pw@x.nl/?s={SECRET}",), proxy="http://u:p@proxy:3128")
    copy = options.model_copy()
    SecretScrubber([SECRET]).model(copy)
    assert copy.urls == ("https://x.nl/?s=REDACTED",) and copy.proxy == "http://proxy:3128"
    assert options.proxy == "http://u:p@proxy:3128"


def test_scrubber_copes_with_thousands_of_values():
    """3,000 values (a cookie flood) index fine and each is found."""
    values = [f"id{i:06d}-{i * 7919 % 100000:05d}" for i in range(3000)]
    scrub = SecretScrubber(values)
    assert scrub.text(f"https://x.nl/?a={values[1234]}&b={values[2999]}") == "https://x.nl/?a=REDACTED&b=REDACTED"


def test_credentials_leave_every_url():
    """user:password@ never survives, in any string; e-mail addresses in queries stay."""
    assert strip_credentials("https://jan:geheim@www.denhaag.nl/") == "https://www.denhaag.nl/"
    assert strip_credentials("socks5://u@proxy:1080 and http://a:b@c.nl") == "socks5://proxy:1080 and http://c.nl"
    assert strip_credentials("https://x.nl/?mail=jan@denhaag.nl") == "https://x.nl/?mail=jan@denhaag.nl"
    assert SecretScrubber().text("ftp://a:b@c.nl/x") == "ftp://c.nl/x"


def test_json_for_a_terminal_escapes_c1_and_bidi_but_keeps_the_value():
    """C1 controls, bidi overrides and line separators become \\u escapes; the JSON means the same."""
    value = "a\x1b[31m\x9b\u202e\u2066\u2028\x7fb"
    text = json_terminal_safe(json.dumps({"t": value}, ensure_ascii=False))
    assert json.loads(text) == {"t": value}
    assert all(ord(ch) < 0x7f or ord(ch) > 0x9f for ch in text)
    assert not any(ch in text for ch in "\u202e\u2066\u2028\x1b")


def test_header_cookie_names_decode_as_chromium_does():
    """Header bytes reach us as windows-1252 characters; Chromium reads UTF-8 and stops at a bad byte."""
    assert chromium_text("cafÃ©") == "café"
    assert chromium_text("Ð¶") == "ж"
    assert chromium_text("â€®x") == "\u202ex"
    assert chromium_text("na\xefve") == "na"
    assert chromium_text("plain") == "plain"
    write = parse_header_line("cafÃ©=Ã©tÃ©; Path=/; Secure", 0)
    assert (write.name, write.value, write.path, write.secure) == ("café", "été", "/", True)


def test_har_is_redacted(tmp_path):
    """Cookie headers, Set-Cookie values, cookie lists, observed values anywhere and URL
    credentials are redacted in the HAR; with include_values only credentials go."""
    har = {"log": {"entries": [{
        "request": {"url": f"https://jan:pw@t.nl/px?id={SECRET}", "headers": [
            {"name": "Cookie", "value": f"sid={SECRET}; other=abc"}, {"name": "Referer", "value": f"https://x.nl/#{SECRET}"}],
            "cookies": [{"name": "sid", "value": SECRET}], "postData": {"text": f"payload={SECRET}"}},
        "response": {"headers": [{"name": "Set-Cookie", "value": f"sid={SECRET}; Path=/; Secure\nb=2"}],
                     "cookies": [{"name": "sid", "value": SECRET}]},
    }]}}
    source = tmp_path / "raw.har"
    source.write_text(json.dumps(har))
    target = tmp_path / "scan.har"
    write_redacted_har(source, target, SecretScrubber([SECRET]), include_values=False)
    text = target.read_text()
    assert SECRET not in text and "jan:pw" not in text
    entry = json.loads(text)["log"]["entries"][0]
    assert entry["request"]["headers"][0]["value"] == "sid=REDACTED; other=REDACTED"
    assert entry["response"]["headers"][0]["value"] == "sid=REDACTED; Path=/; Secure\nb=REDACTED"
    write_redacted_har(source, target, SecretScrubber(), include_values=True)
    kept = target.read_text()
    assert SECRET in kept and "jan:pw" not in kept


def test_links_from_html_fallback():
    """The fallback reads <a>/<area> hrefs against <base>, skips downloads, counts what it cut."""
    found = links_from_html(b'<base href="/sub/"><title> Een \n titel </title><a href="a">a</a><area href="/b">'
                            b'<a href="c" download>c</a><a href="d">d</a>', "https://x.nl/start", max_links=2)
    assert found == {"title": "Een titel", "links": ["https://x.nl/sub/a", "https://x.nl/b"], "total": 3}


def test_presentation_is_consistent():
    """Client hints and navigator.platform follow the user agent; the window includes the toolbar
    and sits on a common screen that fits it."""
    linux = presentation("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 "
                         "Safari/537.36", "nl-NL", (1920, 1080), "156.0.8078.114")
    assert (linux.metadata["platform"], linux.navigator_platform, linux.accept_language) == ("Linux", "Linux x86_64", "nl-NL")
    assert "brands" not in linux.metadata  # the browser's own brands already match its own version
    assert linux.window == (1920, 1167) and linux.screen == (1920, 1200)
    windows = presentation("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                           "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0", "de-DE", (1366, 600), "156.0.8078.114")
    assert (windows.metadata["platform"], windows.metadata["platformVersion"], windows.navigator_platform) == (
        "Windows", "10.0.0", "Win32")
    assert [b["brand"] for b in windows.metadata["brands"]] == [grease_brand(120)[0], "Chromium", "Microsoft Edge"]
    assert {b["version"] for b in windows.metadata["brands"][1:]} == {"120"}
    assert windows.screen == (1366, 768)
    assert client_hint_platform("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)")[:2] == ("macOS", "10.15.7")


def test_page_dropped_defaults_to_zero():
    """Every page carries a dropped object, all zero unless a cap was reached."""
    page = Page(url="https://x.nl/", phase="before_consent")
    assert page.dropped.model_dump() == {"dialogs": 0, "popups": 0, "links": 0, "frames": 0, "requests": 0,
                                         "storage_keys": 0}


def test_output_paths_are_checked_before_the_scan(tmp_path):
    """A missing folder, a folder, or a read-only place are input errors up front."""
    check_output_path(str(tmp_path / "ok.json"))
    with pytest.raises(InputError, match="does not exist"):
        check_output_path(str(tmp_path / "missing" / "x.json"))
    with pytest.raises(InputError, match="directory"):
        check_output_path(str(tmp_path))


def test_disk_full_is_one_input_error():
    """Writing to a full disk (/dev/full) is an InputError saying so."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with pytest.raises(InputError, match="disk full"):
        write_text("x" * 100_000, "/dev/full")


def test_workspace_removal_kills_its_process_group_only(tmp_path):
    """Workspace.remove() kills a registered process group that carries its marker and deletes the folder."""
    workspace = Workspace()
    marker = str(workspace.root / "profile-x")
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", marker], start_new_session=True)
    try:
        workspace.add_browser(child.pid, marker)
        (workspace.root / "profile-x").mkdir()
        (workspace.root / "profile-x" / "Cookies").write_text("geheim")
        workspace.remove()
        assert child.wait(timeout=10) == -signal.SIGKILL
        assert not workspace.root.exists()
    finally:
        if child.poll() is None:
            child.kill()


def test_process_group_without_marker_is_left_alone():
    """A group whose processes do not carry the marker (a recycled id) is never killed."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    try:
        kill_process_group(child.pid, "/nonexistent/cookieaudit-marker", wait=0.2)
        time.sleep(0.2)
        assert child.poll() is None
    finally:
        child.kill()
        child.wait()
