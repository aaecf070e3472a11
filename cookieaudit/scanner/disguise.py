"""What the pages see of the browser: one consistent, normal desktop Chrome.

A site that hides its banner or trackers from automation must see what a visitor's Chrome
shows: the user agent, ``navigator.platform``, the client hints (``Sec-CH-UA*`` headers and
``navigator.userAgentData``) and the languages all tell the same story, and the window is a
browser window on a screen — ``outerHeight`` includes the toolbar, the screen is a common
desktop resolution larger than the window. Everything is set per tab through the DevTools
protocol (``Emulation.setUserAgentOverride`` with ``userAgentMetadata``,
``Browser.setWindowBounds``); dedicated workers inherit the tab's override.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Optional

import yaml

__all__ = ["Presentation", "apply", "client_hint_platform", "grease_brand", "presentation"]

# UA platform token -> (userAgentData.platform, navigator.platform)
_PLATFORMS = (
    (re.compile(r"Windows NT (\d+(?:\.\d+)*)"), "Windows", "Win32"),
    (re.compile(r"Mac OS X (\d+(?:[_.]\d+)*)"), "macOS", "MacIntel"),
    (re.compile(r"CrOS \S+ (\d+(?:\.\d+)*)"), "Chrome OS", "Linux x86_64"),
    (re.compile(r"Linux"), "Linux", "Linux x86_64"),
)


@lru_cache(maxsize=1)
def _desktop() -> dict:
    text = resources.files("cookieaudit.scanner").joinpath("data/desktop.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass(frozen=True)
class Presentation:
    """The browser as pages are to see it."""

    user_agent: str
    accept_language: str
    navigator_platform: str
    metadata: dict
    window: tuple[int, int]  # outer size of the browser window
    screen: tuple[int, int]

    def user_agent_override(self) -> dict:
        """Parameters of ``Emulation.setUserAgentOverride``."""
        return {"userAgent": self.user_agent, "acceptLanguage": self.accept_language,
                "platform": self.navigator_platform, "userAgentMetadata": self.metadata}


def client_hint_platform(user_agent: str) -> tuple[str, str, str]:
    """(userAgentData.platform, its platformVersion, navigator.platform) for a user agent.

    >>> client_hint_platform("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36")
    ('Windows', '10.0.0', 'Win32')
    >>> client_hint_platform("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36")
    ('Linux', '', 'Linux x86_64')
    """
    for pattern, hint, navigator_platform in _PLATFORMS:
        match = pattern.search(user_agent)
        if match:
            version = match.group(1).replace("_", ".") if match.groups() else ""
            if version:
                version = ".".join((version.split(".") + ["0", "0"])[:3])
            return hint, version, navigator_platform
    return "Linux", "", "Linux x86_64"


def grease_brand(major: int) -> tuple[str, str]:
    """Chromium's GREASE brand and version for a major version.

    >>> grease_brand(156)
    ('Not:A-Brand', '8')
    """
    chars, versions = _desktop()["grease_chars"], _desktop()["grease_versions"]
    return f"Not{chars[major % 11]}A{chars[(major + 1) % 11]}Brand", versions[major % 3]


def _metadata(user_agent: str, browser_version: Optional[str]) -> dict:
    platform, platform_version, _ = client_hint_platform(user_agent)
    metadata: dict[str, Any] = {
        "platform": platform, "platformVersion": platform_version, "architecture": "arm" if "ARM" in user_agent else "x86",
        "model": "", "mobile": False, "bitness": "64", "wow64": False, "formFactors": ["Desktop"],
    }
    match = re.search(r"Chrome/(\d+)", user_agent)
    major = int(match.group(1)) if match else None
    browser_major = int(browser_version.split(".")[0]) if browser_version else None
    if major is not None and (major != browser_major or "Edg/" in user_agent):
        # A user agent of another version or browser: brands to match it, not the browser's own.
        grease, grease_version = grease_brand(major)
        full = browser_version if major == browser_major and browser_version else f"{major}.0.0.0"
        brands = [(grease, grease_version, f"{grease_version}.0.0.0"), ("Chromium", str(major), full)]
        if "Edg/" in user_agent:
            brands.append(("Microsoft Edge", str(major), full))
        metadata["brands"] = [{"brand": name, "version": version} for name, version, _ in brands]
        metadata["fullVersionList"] = [{"brand": name, "version": version} for name, _, version in brands]
        metadata["fullVersion"] = full
    return metadata


def _window_and_screen(viewport: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    width, height = viewport
    window = (width, height + int(_desktop()["toolbar_height"]))
    for screen_width, screen_height in _desktop()["screens"]:
        if screen_width >= window[0] and screen_height >= window[1]:
            return window, (screen_width, screen_height)
    return window, window


def presentation(user_agent: str, locale: str, viewport: tuple[int, int],
                 browser_version: Optional[str]) -> Presentation:
    """The consistent picture for ``user_agent`` in ``locale`` with a page area of ``viewport``.

    The accept-language is the locale alone: the profile's preference says the same, so
    workers (which take the preference, not the tab's override) agree with the page.
    """
    _, _, navigator_platform = client_hint_platform(user_agent)
    window, screen = _window_and_screen(viewport)
    return Presentation(user_agent=user_agent, accept_language=locale, navigator_platform=navigator_platform,
                        metadata=_metadata(user_agent, browser_version), window=window, screen=screen)


async def apply(session, shown: Presentation) -> None:
    """Apply the presentation to one tab through its DevTools session (before it loads a page)."""
    await session.send("Emulation.setUserAgentOverride", shown.user_agent_override())
    window = await session.send("Browser.getWindowForTarget")
    await session.send("Browser.setWindowBounds", {
        "windowId": window["windowId"],
        "bounds": {"left": 0, "top": 0, "width": shown.window[0], "height": shown.window[1]},
    })
