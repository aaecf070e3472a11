"""Re-export of :mod:`cookieaudit.options`: scan options are plain data and live beside the
result model (``cookieaudit/options.py``), so the browser-free core never imports the scanner."""

from ..options import CONSENT_PHASES, ConsentMode, ScanOptions, parse_viewport, phases_for

__all__ = ["CONSENT_PHASES", "ConsentMode", "ScanOptions", "parse_viewport", "phases_for"]
