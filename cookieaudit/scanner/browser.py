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
  needs to drive the browser stay off, and RenderDocument (see ``ADDED_DISABLED_FEATURES``).
* What pages see (user agent, client hints, ``navigator.platform``, languages, window and
  screen) is one consistent desktop Chrome, set per tab (``disguise.py``), each tab in a window
  of its own (``LaunchedBrowser.new_tab``); the profile's accept-language preference is the
  locale, so workers say what the page says.
* The browser runs in the scan's ``Workspace``: its temporary files and crash reports stay
  there, Playwright's driver does not close it on SIGINT/SIGTERM (the scan does, after
  recording where it was), and ``close()`` kills its whole process group if it lingers.
* A renderer's JavaScript heap is capped (``limits.V8_HEAP_MB``): a page that allocates
  without limit crashes its own tab instead of exhausting the machine.
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
from .disguise import Presentation, presentation
from .limits import V8_HEAP_MB
from .options import ScanOptions
from .workspace import Workspace

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
# Features disabled beyond Playwright's. RenderDocument gives every cross-document navigation a new
# renderer widget whose window rectangle can arrive after the page's first script ran: on a tab's
# second and later pages ``outerWidth``/``outerHeight`` could read 0 (a bot wall's tell); without it
# the tab keeps its widget. Measured with 3 tabs under CPU stress: the tell in 6 of 20 scans with
# RenderDocument, in 0 of 32 without.
ADDED_DISABLED_FEATURES = ("RenderDocument",)
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
    pid: Optional[int] = None  # the browser process, leader of its process group
    presentation: Optional[Presentation] = None
    workspace: Optional[Workspace] = None

    async def close(self, timeout: float = 5.0) -> None:
        """Close the browser within ``timeout`` seconds, then kill what is left of its
        process group; never raises."""
        if self._closed:
            return
        self._closed = True
        if not self.dead:
            try:
                await asyncio.wait_for(self.context.close(), timeout)
            except BaseException:  # a dead driver, a timeout, a cancelled scan: nothing to save here
                pass
        if self.workspace is not None and self.pid:
            self.workspace.kill_browser(self.pid)

    def remove_profile(self) -> None:
        """Delete the temporary profile directory."""
        if self._owns_profile:
            shutil.rmtree(self.profile_dir, ignore_errors=True)

    async def new_tab(self, timeout: float = 10.0):
        """A new tab (Playwright page) in a browser window of its own.

        Tabs that share a window give every tab but the front one a window smaller than its
        page area (``outerHeight`` < ``innerHeight``), a tell a bot wall looks for; a person's
        Chrome shows each page in a window around it. Falls back on ``context.new_page()``
        where the browser cannot open windows."""
        context = self.context
        arrived = asyncio.Event()

        def on_page(_page) -> None:
            arrived.set()

        checked = set(context.pages)
        context.on("page", on_page)
        try:
            try:
                created = await self.cdp.send("Target.createTarget", {"url": "about:blank", "newWindow": True})
            except Exception:
                return await asyncio.wait_for(context.new_page(), timeout)

            async def find():  # the "page" events of pop-ups opening meanwhile are skipped
                while True:
                    arrived.clear()
                    for page in [page for page in context.pages if page not in checked]:
                        checked.add(page)
                        if await _target_id(context, page) == created.get("targetId"):
                            return page
                    await arrived.wait()

            return await asyncio.wait_for(find(), timeout)
        finally:
            context.remove_listener("page", on_page)


async def _target_id(context, page) -> Optional[str]:
    """The DevTools target id of a Playwright page (None when it cannot be read, e.g. closed)."""
    try:
        session = await context.new_cdp_session(page)
        try:
            return (await session.send("Target.getTargetInfo"))["targetInfo"]["targetId"]
        finally:
            await session.detach()
    except Exception:
        return None


def write_profile_preferences(profile_dir: Path, block_third_party_cookies: bool, locale: Optional[str] = None) -> None:
    """Write ``Default/Preferences`` with the third-party cookie policy (and the accept-language
    list, when ``locale`` is given), before Chromium starts."""
    default = profile_dir / "Default"
    default.mkdir(parents=True, exist_ok=True)
    prefs: dict[str, Any] = {"profile": {"cookie_controls_mode": 1 if block_third_party_cookies else 0,
                                         "block_third_party_cookies": block_third_party_cookies}}
    if locale:
        prefs["intl"] = {"accept_languages": locale}
    (default / "Preferences").write_text(json.dumps(prefs), encoding="utf-8")


def chromium_switches(options: ScanOptions) -> list[str]:
    """The switches cookieaudit adds to Playwright's, user switches merged in last."""
    disabled = list(KEPT_DISABLED_FEATURES + ADDED_DISABLED_FEATURES)
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
    if not any(arg.startswith("--js-flags=") for arg in extra):
        switches.append(f"--js-flags=--max-old-space-size={V8_HEAP_MB}")
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
                 har_path: Optional[str] = None, workspace: Optional[Workspace] = None) -> LaunchedBrowser:
    """Start Chromium with a persistent profile (fresh unless ``profile_dir`` is given).

    With a ``workspace`` the fresh profile is made inside it and the browser's process group
    is registered there, so the scan can remove both whatever way it ends.
    """
    executable = find_browser(options.browser_path)
    owns = profile_dir is None
    if profile_dir is None:
        if workspace is not None:
            profile_dir = workspace.new_dir("profile-")
        else:
            profile_dir = Path(tempfile.mkdtemp(prefix="cookieaudit-profile-"))
        write_profile_preferences(profile_dir, options.block_third_party_cookies, options.locale)
    version = await asyncio.to_thread(_browser_version, executable)
    user_agent = options.user_agent or (normal_user_agent(version) if version else None)
    switches = chromium_switches(options)
    width, height = options.viewport
    shown = presentation(user_agent, options.locale, options.viewport, version) if user_agent else None
    screen = shown.screen if shown else (width, height)
    kwargs: dict[str, Any] = dict(
        executable_path=executable,
        headless=not options.headed,
        args=switches,
        ignore_default_args=list(UNDONE_DEFAULT_ARGS),
        ignore_https_errors=options.insecure,
        locale=options.locale,
        timezone_id=options.timezone,
        viewport={"width": width, "height": height},
        screen={"width": screen[0], "height": screen[1]},
        accept_downloads=False,
        proxy=_proxy_settings(options.proxy),
        # The scan stops the browser itself on a signal, after recording the pages in flight.
        handle_sigint=False,
        handle_sigterm=False,
        handle_sighup=False,
    )
    if workspace is not None:
        kwargs["env"] = workspace.browser_env()
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
    pid = await _browser_pid(cdp)
    if workspace is not None:
        workspace.add_browser(pid, profile_dir)
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
    browser = LaunchedBrowser(playwright, context, cdp, profile_dir, info, _owns_profile=owns, pid=pid,
                              presentation=shown, workspace=workspace)
    context.on("close", lambda *_: setattr(browser, "dead", True))
    return browser


async def _browser_pid(cdp) -> Optional[int]:
    """The browser process id (``SystemInfo.getProcessInfo``); None if it cannot be read."""
    try:
        processes = (await asyncio.wait_for(cdp.send("SystemInfo.getProcessInfo"), 10)).get("processInfo") or ()
    except Exception:
        return None
    return next((int(p["id"]) for p in processes if p.get("type") == "browser"), None)
