"""Finding a Chromium to drive, without launching anything.

Order: an explicit path (``--browser-path`` or ``COOKIEAUDIT_BROWSER``), Playwright's own
Chromium if it has been installed (``playwright install chromium``), then a system
Chromium or Chrome on the PATH. With none, :class:`BrowserNotFoundError` says what to
install.
"""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

from .errors import BrowserNotFoundError

__all__ = ["QUIET_CHROMIUM_ARGS", "SYSTEM_BROWSER_NAMES", "find_browser", "needs_no_sandbox", "standard_switches"]

SYSTEM_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

# Switches that keep Chromium from calling home (component updates, sync, safe-browsing
# lists): without them it floods a closed network with connections and slows every start.
QUIET_CHROMIUM_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
)

def needs_no_sandbox(switches=()) -> bool:
    """True when running as root (Chromium refuses to sandbox then) and the switch is not there yet."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in switches


def standard_switches(extra=()) -> list[str]:
    """The switches every Chromium we start gets: quiet ones, ``extra``, and --no-sandbox as root."""
    switches = list(QUIET_CHROMIUM_ARGS) + list(extra)
    if needs_no_sandbox(switches):
        switches.append("--no-sandbox")
    return switches


INSTALL_HINT = (
    "no Chromium found: install one (Debian/Ubuntu: 'apt-get install chromium'; elsewhere: "
    "'python -m playwright install chromium') or pass --browser-path / set COOKIEAUDIT_BROWSER"
)


def _playwright_bundled_chromium() -> str | None:
    """Playwright's own Chromium, looked up in its browser cache without starting its driver."""
    roots = []
    env_root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if env_root and env_root != "0":
        roots.append(Path(env_root))
    roots += [Path.home() / ".cache" / "ms-playwright", Path.home() / "Library" / "Caches" / "ms-playwright"]
    if os.name == "nt":
        roots.append(Path(os.environ.get("LOCALAPPDATA", "")) / "ms-playwright")
    patterns = ("chromium-*/chrome-linux*/chrome", "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
                "chromium-*/chrome-mac*/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
                "chromium-*/chrome-win*/chrome.exe")
    for root in roots:
        for pattern in patterns:
            hits = sorted(glob.glob(str(root / pattern)))
            if hits:
                return hits[-1]
    return None


def find_browser(explicit: str | None = None) -> str:
    """Path of the Chromium executable to use; raises BrowserNotFoundError when there is none."""
    explicit = explicit or os.environ.get("COOKIEAUDIT_BROWSER") or None
    if explicit:
        resolved = shutil.which(explicit) or (explicit if os.path.isfile(explicit) else None)
        if not resolved:
            raise BrowserNotFoundError(f"browser not found at {explicit!r} (from --browser-path or COOKIEAUDIT_BROWSER)")
        return resolved
    bundled = _playwright_bundled_chromium()
    if bundled:
        return bundled
    for name in SYSTEM_BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserNotFoundError(INSTALL_HINT)
