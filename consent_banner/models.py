"""Result types: what was found on the page (Detection) and what answering it did (Outcome)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Action", "Button", "ButtonRole", "Detection", "Outcome", "Step"]

ButtonRole = Literal["accept", "reject", "settings", "save", "more-info", "close"]
Action = Literal["accept", "reject"]
DetectionMethod = Literal["selector", "global", "script-host", "cookie", "tcf", "generic-heuristic"]


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Button(_Result):
    """A control on the banner, with the role its id or its words give it."""

    role: ButtonRole
    text: str = ""
    selector: str
    frame: str = "main"
    href: Optional[str] = None


class Detection(_Result):
    """Whether a consent banner shows, which CMP drew it, and how that was recognised."""

    found: bool = False
    cmp: Optional[str] = None
    """Canonical CMP id (``cookiebot``, ``onetrust``…), ``generic`` for a custom banner, None if nothing."""
    cmp_name: Optional[str] = None
    method: Optional[DetectionMethod] = None
    """How the CMP was recognised: its banner selector, a JS global, a script host, its cookie, or the heuristic."""
    selector: Optional[str] = None
    text: str = ""
    frame: str = "main"
    """``main`` or the URL of the iframe that holds the banner."""
    buttons: list[Button] = Field(default_factory=list)
    in_shadow_dom: bool = False
    in_iframe: bool = False
    present_cmps: list[str] = Field(default_factory=list)
    """Every CMP whose code or markup is on the page, shown or not (several can coexist)."""
    preticked: Optional[bool] = None
    """Non-necessary options already switched on in the banner as found (None: the banner has none)."""
    note: Optional[str] = None
    """Why nothing was found although a CMP is present (e.g. its script failed to load)."""
    first_layer_refusal: Optional[str] = None
    """Evidence of a first-layer refusal without a refusal button: a "save selection" control with
    every optional category off as shown (which ones), or a close control ("×") the banner's own
    text says refuses (that sentence). None: none, or a refusal button (``buttons``)."""

    def buttons_with(self, role: str) -> list[Button]:
        """The buttons that have ``role``."""
        return [b for b in self.buttons if b.role == role]


class Step(_Result):
    """One thing done to the banner: a click, switching a toggle off (``text`` is its label; ``ok``
    False when it was still on afterwards) or on (accepting through a "save" button), opening a tab of a settings layer, a wait, or the
    reload that checks a refusal, or a navigation (``navigate``: to the site's own settings page
    through the banner's link, and back to the page the banner was on; ``url`` is where it went),
    or a ``check`` of what was already so before a save (``text``: the category switches found off)."""

    action: Literal["click", "toggle-off", "toggle-on", "tab", "wait", "wait-for", "reload", "navigate", "check"]
    selector: Optional[str] = None
    text: Optional[str] = None
    frame: str = "main"
    ok: bool = True
    error: Optional[str] = None
    url: Optional[str] = None


class Outcome(_Result):
    """What answering the banner did, with the evidence a regulator asks for."""

    action: Action
    detected: bool = False
    cmp: Optional[str] = None
    steps: list[Step] = Field(default_factory=list)
    verified: bool = False
    verification: Optional[str] = None
    """How success was confirmed: banner gone plus the consent record written (cookie, localStorage, TCF)."""
    reason: Optional[str] = None
    """Why the action was not done or not verified."""
    reject_on_first_layer: Optional[bool] = None
    clicks: int = 0
    preticked: Optional[bool] = None
    screenshot: Optional[str] = None
    tcf: Optional[dict] = None
    consent_mode: Optional[dict] = None
    detection: Detection = Field(default_factory=Detection)
    final_url: Optional[str] = None
