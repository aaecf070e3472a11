"""The HTML report: one self-contained file a privacy officer can open offline, forward and print.

Jinja2 with autoescaping renders ``templates/report.html.j2``; the style sheet and the small
filter/sort script are inlined and allowed by a Content-Security-Policy ``<meta>`` that names
their sha256 hashes, so no other script (nothing a site string could smuggle in) can run, and
``default-src 'none'`` means the page loads nothing from anywhere. Screenshots are embedded as
``data:`` URIs. The tables are plain HTML: everything is visible without the script and in print.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional

from ..auditing.model import AuditedResult
from . import view
from .labels import labels, lifetime_words

__all__ = ["render_html", "csp_hash"]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SCREENSHOT_BYTES = 8 * 1024 * 1024


def csp_hash(text: str) -> str:
    """The CSP source expression (``sha256-…``) of an inline script or style."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


# Control characters (but tab and line ends) and bidi overrides: a site string could hide or
# reorder what a reader sees ("Trojan source"); they are shown as "?", as on the terminal.
_UNSHOWN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(value):
    """Jinja2 ``finalize``: every printed value without hidden characters (escaped or not)."""
    if isinstance(value, str) and _UNSHOWN.search(value):
        from markupsafe import Markup

        cleaned = _UNSHOWN.sub("?", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("cookieaudit.reports", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False, finalize=_shown)


def _static(name: str) -> str:
    return resources.files("cookieaudit.reports").joinpath("templates", name).read_text(encoding="utf-8")


def _embed(path_text: str, base_dir: Optional[Path]) -> Optional[str]:
    """A screenshot as a data URI; only PNG files inside ``base_dir`` are read."""
    if base_dir is None or not path_text:
        return None
    base = base_dir.resolve()
    try:
        path = (base / path_text).resolve()
        path.relative_to(base)
    except (ValueError, OSError):
        return None
    try:
        if not path.is_file() or path.stat().st_size > MAX_SCREENSHOT_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(PNG_MAGIC):
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _screenshots(result: AuditedResult, base_dir: Optional[Path], words) -> dict[str, list[dict]]:
    captions = {"shown": words("screenshot_shown"), "clicked": words("screenshot_clicked"), "after": words("screenshot_after")}
    out: dict[str, list[dict]] = {}
    for info in result.phases:
        banner = info.banner
        if banner is None:
            continue
        shots = [(s.stage, s.path, s.control) for s in banner.screenshots]
        if not shots and banner.screenshot:
            shots = [("shown", banner.screenshot, None)]
        for stage, path, control in shots:
            src = _embed(path, base_dir)
            if src is not None:
                out.setdefault(info.name, []).append(
                    {"stage": stage, "path": path, "src": src, "caption": captions.get(stage, stage), "control": control})
    return out


def render_html(result: AuditedResult, *, lang: Optional[str] = None, fail_on: Optional[str] = None,
                base_dir: Optional[Path] = None, include_values: bool = False) -> str:
    """The HTML report; screenshots are read from ``base_dir`` (the folder their paths are relative to)."""
    lang = view.lang_of(result, lang)
    words = labels(lang)
    style, script = _static("report.css"), _static("report.js")
    phases = view.phases_of(result)
    trackers = [(phase, group) for phase in phases for group in view.tracker_groups(result, phase, everything=True)]

    def lifetime(days, session):
        return lifetime_words(days, session, lang)

    from markupsafe import Markup

    template = _environment().get_template("report.html.j2")
    return template.render(
        r=result, w=words, lang=lang, host=view.site_host(result), phases=phases,
        pages=sorted({p.url for p in result.pages}), audited=view.audited(result), enforced=view.enforced(result, fail_on),
        failed=view.failed(result, fail_on),
        verdict=view.verdict(result, lang, fail_on), counts=view.counts(result), findings=view.findings_sorted(result),
        rows=view.cookie_rows(result), purposes=["functional", "analytic", "marketing", "unknown"],
        trackers=trackers, storage=view.storage_rows(result), screenshots=_screenshots(result, base_dir, words),
        include_values=include_values, lifetime=lifetime, value=view.value_text,
        style=Markup(style), script=Markup(script), style_hash=csp_hash(style), script_hash=csp_hash(script),
        data={"shown": words("filter_shown"), "sort": words("sort"), "site": result.site,
              "titles": sorted({p.title for p in result.pages if p.title})},
    )
