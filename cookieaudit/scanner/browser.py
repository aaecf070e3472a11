"""Launch Chromium as an ordinary desktop visitor: one fresh persistent profile per phase.

What differs from Playwright's defaults, and why:

* ``Default/Preferences`` is written before launch with third-party cookies allowed
  (``cookie_controls_mode: 0``), as a default desktop Chrome stores them. A Playwright
  context otherwise blocks them, and no switch or DevTools call changes that.
  ``block_third_party_cookies`` writes the blocking preference instead.
* ``navigator.webdriver`` is hidden (``--disable-blink-features=AutomationControlled``)
  and the user agent loses its ``HeadlessChrome`` token.
* Pop-up blocking is back on (Playwright passes ``--disable-popup-blocking``).
* Playwright's ``--disable-features=...`` list is replaced by ours (Chromium keeps only
  the last ``--disable-features``): storage partitioning, HTTPS upgrades and paint
  holding stay as in a normal Chrome; only features that phone home or that Playwright
  needs to drive the browser stay off.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

from ..browser_discovery import QUIET_CHROMIUM_ARGS, find_browser, needs_no_sandbox
from ..errors import InputError
from ..models import BrowserInfo
from .options import ScanOptions

__all__ = ["LaunchedBrowser", "chromium_switches", "launch", "normal_user_agent", "write_profile_preferences"]

# Features Playwright disables that we keep disabled: they call home or break automation.
KEPT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "DialMediaRouteProvider",
    "GlobalMediaControls",
    "MediaRouter",
    "LensOverlay",
    "Translate",
    "AutoDeElevate",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
)
# Playwright defaults a normal Chrome does not have, removed outright.
UNDONE_DEFAULT_ARGS = ("--disable-popup-blocking",)
UNDONE_DISABLED_FEATURES = ("ThirdPartyStoragePartitioning", "HttpsUpgrades", "PaintHolding")

_PLATFORM_TOKENS = {
    "linux": "X11; Linux x86_64",
    "darwin": "Macintosh; Intel Mac OS X 10_15_7",
    "win32": "Windows NT 10.0; Win64; x64",
}


@dataclass
class LaunchedBrowser:
    """A running Chromium with its persistent context and a browser-level DevTools session."""

    playwright: Any
    context: Any
    cdp: Any
    profile_dir: Path
    info: BrowserInfo
    dead: bool = False
    _owns_profile: bool = True
    _closed: bool = field(default=False, repr=False)

    async def close(self, timeout: float = 5.0) -> None:
        """Close the browser within ``timeout`` seconds; never raises."""
        if self._closed:
            return
        self._closed = True
        if not self.dead:
            try:
                await asyncio.wait_for(self.context.close(), timeout)
            except BaseException:  # a dead driver, a timeout, a cancelled scan: nothing to save here
                pass

    def remove_profile(self) -> None:
        """Delete the temporary profile directory."""
        if self._owns_profile:
            shutil.rmtree(self.profile_dir, ignore_errors=True)


def write_profile_preferences(profile_dir: Path, block_third_party_cookies: bool) -> None:
    """Write ``Default/Preferences`` with the third-party cookie policy, before Chromium starts."""
    default = profile_dir / "Default"
    default.mkdir(parents=True, exist_ok=True)
    prefs = {"profile": {"cookie_controls_mode": 1 if block_third_party_cookies else 0,
                         "block_third_party_cookies": block_third_party_cookies}}
    (default / "Preferences").write_text(json.dumps(prefs), encoding="utf-8")


def chromium_switches(options: ScanOptions) -> list[str]:
    """The switches cookieaudit adds to Playwright's, user switches merged in last."""
    disabled = list(KEPT_DISABLED_FEATURES)
    blink_disabled = ["AutomationControlled"]
    extra: list[str] = []
    for arg in options.browser_args:
        if arg.startswith("--disable-features="):
            disabled += [f for f in arg.split("=", 1)[1].split(",") if f]
        elif arg.startswith("--disable-blink-features="):
            blink_disabled += [f for f in arg.split("=", 1)[1].split(",") if f]
        else:
            extra.append(arg)
    switches = list(QUIET_CHROMIUM_ARGS)
    switches.append("--disable-features=" + ",".join(dict.fromkeys(disabled)))
    switches.append("--disable-blink-features=" + ",".join(dict.fromkeys(blink_disabled)))
    if needs_no_sandbox(extra):
        switches.append("--no-sandbox")
    return switches + extra


@lru_cache(maxsize=8)
def _browser_version(executable: str) -> Optional[str]:
    """``chromium --version`` -> '156.0.8078.79' (None if it cannot be read)."""
    try:
        output = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+\.\d+\.\d+\.\d+)", output)
    return match.group(1) if match else None


def normal_user_agent(version: str, platform: str = sys.platform) -> str:
    """The reduced user agent a desktop Chrome of this version sends on this platform.

    >>> normal_user_agent("156.0.8078.79", "linux")
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'
    """
    token = _PLATFORM_TOKENS.get(platform, _PLATFORM_TOKENS["linux"])
    major = version.split(".", 1)[0]
    return f"Mozilla/5.0 ({token}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 Safari/537.36"


def _proxy_settings(proxy: Optional[str]) -> Optional[dict]:
    if not proxy:
        return None
    parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
    if not parts.hostname:
        raise InputError(f"invalid proxy {proxy!r}")
    server = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    settings = {"server": server}
    if parts.username:
        settings["username"] = parts.username
        settings["password"] = parts.password or ""
    return settings


async def launch(playwright, options: ScanOptions, profile_dir: Optional[Path] = None,
                 har_path: Optional[str] = None) -> LaunchedBrowser:
    """Start Chromium with a persistent profile (fresh unless ``profile_dir`` is given)."""
    executable = find_browser(options.browser_path)
    owns = profile_dir is None
    if profile_dir is None:
        profile_dir = Path(tempfile.mkdtemp(prefix="cookieaudit-profile-"))
        write_profile_preferences(profile_dir, options.block_third_party_cookies)
    version = await asyncio.to_thread(_browser_version, executable)
    user_agent = options.user_agent or (normal_user_agent(version) if version else None)
    switches = chromium_switches(options)
    width, height = options.viewport
    kwargs: dict[str, Any] = dict(
        executable_path=executable,
        headless=not options.headed,
        args=switches,
        ignore_default_args=list(UNDONE_DEFAULT_ARGS),
        ignore_https_errors=options.insecure,
        locale=options.locale,
        timezone_id=options.timezone,
        viewport={"width": width, "height": height},
        screen={"width": width, "height": height},
        accept_downloads=False,
        proxy=_proxy_settings(options.proxy),
    )
    if user_agent:
        kwargs["user_agent"] = user_agent
    if har_path:
        kwargs["record_har_path"] = har_path
        kwargs["record_har_content"] = "omit"
    try:
        context = await playwright.chromium.launch_persistent_context(str(profile_dir), **kwargs)
    except Exception as exc:
        if owns:
            shutil.rmtree(profile_dir, ignore_errors=True)
        from ..errors import BrowserNotFoundError

        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BrowserNotFoundError(f"Chromium at {executable} did not start: {first}") from None
    cdp = await context.browser.new_browser_cdp_session()
    if not user_agent:
        user_agent = (await cdp.send("Browser.getVersion")).get("userAgent")
    info = BrowserInfo(
        version=context.browser.version or version,
        executable=executable,
        user_agent=user_agent,
        locale=options.locale,
        timezone=options.timezone,
        viewport={"width": width, "height": height},
        headless=not options.headed,
        webdriver_hidden=True,
        third_party_cookies="blocked" if options.block_third_party_cookies else "allowed",
        switches=switches,
        undone_default_switches=list(UNDONE_DEFAULT_ARGS)
        + [f"--disable-features={name} (removed)" for name in UNDONE_DISABLED_FEATURES],
    )
    browser = LaunchedBrowser(playwright, context, cdp, profile_dir, info, _owns_profile=owns)
    context.on("close", lambda *_: setattr(browser, "dead", True))
    return browser
