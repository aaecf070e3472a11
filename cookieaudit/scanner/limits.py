"""Per-page caps: what one page can make a scan record, and how long it may hold a tab.

A hostile page (a dialog loop, 20,000 pop-ups, 20,000 links, an iframe bomb) must cost that
page only. What goes over a cap is counted in the page's ``dropped`` object
(``models.PageDropped``), never silently lost. The README's "Bounds" section lists these.
"""

from __future__ import annotations

__all__ = [
    "MAX_DIALOGS",
    "MAX_FRAMES",
    "MAX_LINKS",
    "MAX_POPUPS",
    "MAX_REQUESTS",
    "MAX_SELF_NAVIGATIONS",
    "MAX_STORAGE_KEYS",
    "PROBE_TIMEOUT",
    "V8_HEAP_MB",
]

MAX_DIALOGS = 100  # JavaScript dialogs recorded per page; more make it a dialog storm (tab replaced)
MAX_POPUPS = 100  # pop-up URLs recorded per page; more make it a pop-up storm (tab replaced)
MAX_LINKS = 5000  # links read per page (same-site and other-site together)
MAX_FRAMES = 50  # frames per page whose storage is read
MAX_REQUESTS = 2000  # requests to other hosts recorded per page
MAX_STORAGE_KEYS = 500  # storage keys kept per origin and kind over a phase
MAX_SELF_NAVIGATIONS = 5  # documents a page may load by itself (refresh, script) before it counts as a loop

# Seconds a tab has to answer a trivial evaluation between two pages; a tab that does not
# (a script stuck in a loop, an unanswered dialog) is recorded as hung and replaced.
PROBE_TIMEOUT = 5.0  # long enough that a page merely busy on a slow machine is not taken for hung
# Largest JavaScript heap of one renderer; a page that allocates without limit crashes its own
# tab at this size (recorded as a crash on that page) instead of taking the machine's memory.
V8_HEAP_MB = 1024
