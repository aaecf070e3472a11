"""The few browser operations the engine asks for, and the answer each one gets.

The engine (``engine.py``) is a generator that yields these operations; a driver
(``driver.py``) performs them on a sync or an async Playwright page and sends back an
:class:`OpResult`. A failing operation never raises into the engine: it comes back with
``ok=False`` and the error text, and the engine decides what that means.

``frame`` is ``"main"`` or a CSS selector of the iframe (in the main document) to act in. A
selector ``closed:<ref>`` names an element inside a closed shadow root (found through the
DevTools protocol's pierced DOM): the driver acts on it at its box with real mouse input.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any, Optional

__all__ = ["Click", "Cookies", "Evaluate", "Geometry", "OpResult", "PageUrl", "Reload", "Screenshot", "Sleep", "script"]

_SCRIPTS: dict[str, str] = {}


def script(name: str) -> str:
    """The source of ``consent_banner/js/<name>.js``, read once."""
    if name not in _SCRIPTS:
        _SCRIPTS[name] = resources.files("consent_banner").joinpath("js", f"{name}.js").read_text(encoding="utf-8")
    return _SCRIPTS[name]


@dataclass(frozen=True)
class Evaluate:
    """Run a packaged script (``js/<name>.js``) in a frame and return its JSON result."""

    name: str
    arg: Any = None
    frame: str = "main"
    pierce: bool = False
    """Also search the closed shadow roots of the main document (found through the DevTools protocol)."""


@dataclass(frozen=True)
class Geometry:
    """Bounding box of the first visible element matching ``selector``, and whether it is enabled."""

    selector: str
    frame: str = "main"


@dataclass(frozen=True)
class Click:
    """A real mouse click on the first visible element matching ``selector``; answers its text and
    whether its frame detached during the click."""

    selector: str
    frame: str = "main"
    timeout_ms: int = 5000  # a loaded machine can take seconds to find an element stable and hit-testable


@dataclass(frozen=True)
class Reload:
    """Reload the page and wait for its load event."""

    timeout_ms: int = 15000


@dataclass(frozen=True)
class Screenshot:
    """Save a PNG of the first visible element matching ``selector`` to ``path``."""

    selector: str
    path: str
    frame: str = "main"


@dataclass(frozen=True)
class Cookies:
    """All cookies of the page's browser context."""


@dataclass(frozen=True)
class PageUrl:
    """The page's current URL."""


@dataclass(frozen=True)
class Sleep:
    """Wait ``ms`` milliseconds, letting the page run."""

    ms: int


@dataclass
class OpResult:
    """What an operation returned (``value``) or why it failed (``error``), and in which frame."""

    ok: bool
    value: Any = None
    error: Optional[str] = None
    frame_url: str = "main"
