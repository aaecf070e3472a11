"""The few browser operations the engine asks for, and the answer each one gets.

The engine (``engine.py``) is a generator that yields these operations; a driver
(``driver.py``) performs them on a sync or an async Playwright page and sends back an
:class:`OpResult`. A failing operation never raises into the engine: it comes back with
``ok=False`` and the error text, and the engine decides what that means.

``frame`` is ``"main"`` or a CSS selector of the iframe (in the main document) to act in. A
selector ``closed:<ref>`` names an element inside a closed shadow root (found through the
DevTools protocol's pierced DOM, in the main document or in an iframe).

No operation waits on a wall-clock timeout for a condition: each answers what it sees at once
(an element's box, whether a click would reach it, the requests in flight), and the engine
decides how many looks a condition gets (``engine.Patience``), so a loaded machine gets slower
answers, not different ones. A click is real mouse input at the point ``Geometry`` found.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any, Optional

__all__ = ["Activity", "Click", "Cookies", "Evaluate", "Geometry", "Goto", "Listeners", "OP_BUDGET_S", "OpResult", "PageUrl", "Popups", "Reload",
           "Screenshot", "Settle", "Sleep", "TimedOut", "budget_of", "describe", "script"]

OP_BUDGET_S = 30.0
"""How long one operation may take before the driver gives up on it (a frame or DevTools session
that never answers: a closed shadow root in a cross-origin iframe, a page blocked in a synchronous
request). Generous: on a loaded machine ordinary operations take seconds; operations with a
timeout of their own (``Reload``, ``Settle``, ``Sleep``) get that time on top."""

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
    """The first visible element matching ``selector``, scrolled into view: None when nothing
    matches, else ``{box, enabled, point, text}`` (``js/locate.js``): its box (None when not
    visible) and the point where a click reaches it (None while something covers it)."""

    selector: str
    frame: str = "main"
    scroll: bool = True  # scroll it into view first (a control); a banner as a whole is left where it is


@dataclass(frozen=True)
class Click:
    """A real mouse click at the point where the element matching ``selector`` can be reached
    (it fails at once when it cannot be, without waiting); answers its text and whether its frame
    detached during the click. The engine clicks only elements it has seen ready."""

    selector: str
    frame: str = "main"


@dataclass(frozen=True)
class Listeners:
    """Which of the elements stamped inside ``container`` (a ref) have a mouse or pointer handler
    on themselves, found through the DevTools protocol (``DOMDebugger.getEventListeners``): a
    handler added with addEventListener leaves no other trace. Answers the stamped refs."""

    container: str
    frame: str = "main"


@dataclass(frozen=True)
class Activity:
    """What the page is doing: ``{inflight, loading}``: requests started since ``since`` (a
    ``time.monotonic()`` value) and not finished, and whether the main frame has navigated and
    not yet fired its load event (a reload the page started itself)."""

    since: float = 0.0


@dataclass(frozen=True)
class Settle:
    """Wait for the main frame's load event after a navigation the page started itself."""

    timeout_ms: int = 30000


@dataclass(frozen=True)
class Reload:
    """Reload the page and wait for its load event."""

    timeout_ms: int = 30000


@dataclass(frozen=True)
class Goto:
    """Load ``url`` in the page (back to the page the banner was on, after the site's own settings
    page) and wait for its load event."""

    url: str
    timeout_ms: int = 30000


@dataclass(frozen=True)
class Popups:
    """Close the tabs the page opened since ``since`` (``time.monotonic()``; a link with
    ``target=_blank``) and return their URLs, each once its document has begun to load."""

    since: float
    timeout_ms: int = 10000


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


def budget_of(op: Any, budget: float = OP_BUDGET_S) -> float:
    """Seconds the driver lets ``op`` run: ``budget``, plus the time the operation waits by design."""
    if isinstance(op, (Reload, Settle, Goto, Popups)):
        return budget + op.timeout_ms / 1000
    if isinstance(op, Sleep):
        return budget + op.ms / 1000
    return budget


def describe(op: Any) -> str:
    """A short name for ``op`` in a reason: ``Evaluate probe``, ``Click [data-…]``, ``Reload``."""
    detail = getattr(op, "name", None) or getattr(op, "selector", None) or getattr(op, "container", None)
    where = getattr(op, "frame", "main")
    text = type(op).__name__ + (f" {detail}" if detail else "") + (f" in {where}" if where != "main" else "")
    return text[:160]


class TimedOut(Exception):
    """An operation gave no answer within its budget. The driver throws it into the flow, which
    ends the phase with a reason instead of waiting on a browser that may never answer."""

    def __init__(self, op: Any, seconds: float) -> None:
        super().__init__(f"{describe(op)} timed out after {seconds:g} s")
        self.op, self.seconds = op, seconds


@dataclass
class OpResult:
    """What an operation returned (``value``) or why it failed (``error``), and in which frame."""

    ok: bool
    value: Any = None
    error: Optional[str] = None
    frame_url: str = "main"
