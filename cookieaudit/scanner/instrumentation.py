"""The init script (``js/instrument.js``) with the names it uses on pages, random per process.

A page must not find the scanner by name: the binding the script reports through is deleted
from the page's global object as soon as the script has taken it, and the late-timer probe
answers a custom event of a random name instead of living on ``window``.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from importlib import resources

__all__ = ["BINDING", "PROBE_EVENT", "pending_js", "source"]

BINDING = "_" + secrets.token_hex(8)  # the binding the init script reports through (deleted from the page at once)
PROBE_EVENT = "_" + secrets.token_hex(8)  # the event the late-timer probe answers


@lru_cache(maxsize=1)
def source() -> str:
    """The init script's source with this process's names."""
    text = resources.files("cookieaudit.scanner").joinpath("js/instrument.js").read_text(encoding="utf-8")
    return text.replace("__BINDING__", BINDING).replace("__PROBE_EVENT__", PROBE_EVENT)


def pending_js() -> str:
    """A function for ``frame.evaluate``: ms until each late timer of the frame is due, or null
    when the frame is not instrumented."""
    return ("() => { const box = {}; try { dispatchEvent(new CustomEvent(%r, {detail: box})); } catch (e) {} "
            "return Array.isArray(box.pending) ? box.pending : null; }" % PROBE_EVENT)
