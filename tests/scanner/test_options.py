"""ScanOptions defaults and validation, launch switches and the user agent, without a browser."""

from __future__ import annotations

import pytest

from cookieaudit.errors import InputError
from cookieaudit.scanner import ScanOptions
from cookieaudit.scanner.api import make_options
from cookieaudit.scanner.browser import chromium_switches, normal_user_agent, write_profile_preferences


def test_defaults_are_documented_values():
    """The defaults the issue asks for: 20 pages, nl-NL, Europe/Amsterdam, all three phases."""
    options = ScanOptions()
    assert (options.pages, options.locale, options.timezone, options.consent) == (20, "nl-NL", "Europe/Amsterdam", "all")
    assert options.phases == ("before_consent", "after_reject", "after_accept")
    assert ScanOptions(consent="reject").phases == ("after_reject",)
    assert not options.include_values and not options.block_third_party_cookies
    assert (options.concurrency, options.quiet_window, options.settle_limit) == (3, 0.5, 10.0)  # README: Tabs, Settling
    assert options.settle_limit < options.timeout


def test_options_are_frozen_and_strict():
    """Options cannot change after creation, and unknown or bad values are InputErrors."""
    options = ScanOptions()
    with pytest.raises(Exception):
        options.pages = 3
    with pytest.raises(InputError, match="pages"):
        make_options(pages=0)
    with pytest.raises(InputError, match="colour"):
        make_options(colour="red")
    with pytest.raises(InputError, match="viewport"):
        make_options(viewport="big")


def test_make_options_merges_overrides():
    """Keyword overrides apply on top of an options object; strings become tuples."""
    options = make_options(ScanOptions(pages=5), viewport="1366x768", browser_args="--foo")
    assert (options.pages, options.viewport, options.browser_args) == (5, (1366, 768), ("--foo",))


def test_recorded_options_hide_proxy_password():
    """The options recorded in a result never contain proxy credentials."""
    recorded = ScanOptions(proxy="http://jan:geheim@proxy.gemeente.nl:3128").public_dict()
    assert recorded["proxy"] == "http://proxy.gemeente.nl:3128"


def test_switches_merge_user_feature_lists():
    """User --disable-features join ours (Chromium keeps only the last one); automation is hidden."""
    switches = chromium_switches(ScanOptions(browser_args=("--disable-features=Foo", "--lang=nl")))
    disabled = [s for s in switches if s.startswith("--disable-features=")]
    assert len(disabled) == 1
    features = disabled[0].split("=", 1)[1].split(",")
    assert "Foo" in features and "Translate" in features and "ThirdPartyStoragePartitioning" not in features
    assert "RenderDocument" in features  # a tab keeps its renderer widget between pages (no 0 x 0 outer window)
    assert "--disable-blink-features=AutomationControlled" in switches
    assert switches[-1] == "--lang=nl"
    assert "--disable-background-networking" in switches


def test_normal_user_agent_per_platform():
    """The user agent is a reduced desktop Chrome UA with the real major version, without 'Headless'."""
    assert normal_user_agent("156.0.8078.79", "win32") == (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36")
    assert "Headless" not in normal_user_agent("156.0.8078.79")


def test_profile_preferences(tmp_path):
    """The third-party cookie policy is written into Default/Preferences before launch."""
    import json

    write_profile_preferences(tmp_path, block_third_party_cookies=False)
    prefs = json.loads((tmp_path / "Default" / "Preferences").read_text())
    assert prefs == {"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False}}
    write_profile_preferences(tmp_path, block_third_party_cookies=True)
    assert json.loads((tmp_path / "Default" / "Preferences").read_text())["profile"]["cookie_controls_mode"] == 1


@pytest.mark.parametrize("proxy", ["http://proxy:3128", "socks5://127.0.0.1:1080", "proxy.example:3128",
                                   "https://user:pw@proxy:8443", "http://[::1]:3128"])
def test_proxy_forms_chromium_takes_are_accepted(proxy):
    assert make_options(proxy=proxy).proxy == proxy


@pytest.mark.parametrize(("proxy", "expected"), [
    ("notaproxy", "is not a proxy server"),
    ("ftp://proxy:21", "scheme 'ftp' is not supported"),
    ("http://proxy:99999", "is not a proxy server"),
    ("http://user:geheim@proxy:0", "'http://proxy:0' is not a proxy server"),
])
def test_a_proxy_typo_is_bad_input_without_echoing_a_password(proxy, expected):
    """A typo in --proxy is exit 2 before the scan (it used to end as 'every page failed', exit 3)."""
    with pytest.raises(InputError) as caught:
        make_options(proxy=proxy)
    assert expected in str(caught.value) and "geheim" not in str(caught.value) and caught.value.exit_code == 2
