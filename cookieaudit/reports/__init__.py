"""Reports: browser-free renderings of an audited result for people and CI tools.

One module per format, all fed the same ``AuditedResult`` (a plain ``ScanResult`` works too):

    terminal     render_terminal   findings, phase matrix, trackers, storage, banner, verdict
    markdown     render_markdown   PR comment / CI job summary (under GitHub's 1 MiB limit)
    html         render_html       one self-contained file (Jinja2, CSP, screenshots embedded)
    junit        render_junit      one <testsuite> per phase, one test case per check
    sarif        render_sarif      SARIF 2.1.0, one run per site
    declaration  render_declaration  a draft cookie declaration (Markdown, HTML, CSV)

``write_reports(result, ["html", "sarif"], output_dir)`` writes the files under their fixed
names (``REPORT_FILES``); ``render(result, fmt)`` returns one as text. Values are redacted
unless ``include_values`` (``view.prepare``), whatever the scan kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional, Union

from ..errors import InputError
from ..models import ScanResult

__all__ = [
    "RENDER_FORMATS", "REPORT_FILES", "REPORT_FORMATS", "load_result", "parse_formats", "render", "screenshot_base",
    "write_reports",
]

# --report FORMAT -> the file it writes in --output-dir.
REPORT_FILES = {"html": "report.html", "markdown": "report.md", "junit": "report.junit.xml", "sarif": "report.sarif"}
REPORT_FORMATS = tuple(REPORT_FILES)
# `cookieaudit report --format`: the report formats plus the terminal table.
RENDER_FORMATS = ("html", "markdown", "junit", "sarif", "table")
_ALIASES = {"md": "markdown", "xml": "junit", "junit-xml": "junit"}


def parse_formats(values: Union[str, Iterable[str], None]) -> list[str]:
    """``--report`` values (comma-separated and/or repeated) as a list of known formats, in order.

    >>> parse_formats(["html,markdown", "sarif", "html"])
    ['html', 'markdown', 'sarif']
    """
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        for part in str(value).split(","):
            name = _ALIASES.get(part.strip().lower(), part.strip().lower())
            if not name:
                continue
            if name == "all":
                names = list(REPORT_FORMATS)
            elif name in REPORT_FILES:
                names = [name]
            else:
                raise InputError(f"unknown report format {part.strip()!r}; choose from {', '.join(REPORT_FORMATS)} (or all)")
            out += [n for n in names if n not in out]
    return out


def load_result(path: Union[str, Path]):
    """A saved result (``-o`` of ``scan``, ``audit`` or ``batch``) as an ``AuditedResult``; InputError if it is not one."""
    from pydantic import ValidationError

    from ..auditing.model import AuditedResult

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a cookieaudit result (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not a cookieaudit result (invalid JSON at line {exc.lineno})") from None
    if not isinstance(data, dict) or "site" not in data or "started_at" not in data:
        raise InputError(f"{path}: not a cookieaudit result (no 'site' and 'started_at')")
    try:
        return AuditedResult.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise InputError(f"{path}: not a valid cookieaudit result ({where}: {first.get('msg')})") from None


def render(result: ScanResult, fmt: str, *, lang: Optional[str] = None, include_values: bool = False,
           fail_on: Optional[str] = None, base_dir: Optional[Union[str, Path]] = None, verbose: bool = False,
           width: int = 100, color: bool = False) -> str:
    """One report as text: ``html``, ``markdown``, ``junit``, ``sarif`` or ``table`` (the terminal report)."""
    from . import view

    prepared = view.prepare(result, include_values)
    if fmt == "html":
        from .html import render_html

        return render_html(prepared, lang=lang, fail_on=fail_on, include_values=include_values,
                           base_dir=Path(base_dir) if base_dir else None)
    if fmt == "markdown":
        from .markdown import render_markdown

        return render_markdown(prepared, lang=lang, fail_on=fail_on)
    if fmt == "junit":
        from .junit import render_junit

        return render_junit(prepared, lang=lang, fail_on=fail_on)
    if fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(prepared, lang=lang)
    if fmt == "table":
        from .terminal import render_terminal

        return render_terminal(prepared, lang=lang, verbose=verbose, width=width, color=color, fail_on=fail_on)
    raise InputError(f"unknown report format {fmt!r}; choose from {', '.join(RENDER_FORMATS)}")


def screenshot_base(result: ScanResult, candidates: Iterable[Union[str, Path, None]]) -> Optional[Path]:
    """The first of ``candidates`` (folders) in which the result's screenshot paths exist; else the first one.

    The result's own ``options.output_dir`` is tried after the candidates (relative to the first)."""
    folders = [Path(c) for c in candidates if c]
    if result.options.output_dir:
        recorded = Path(result.options.output_dir)
        folders.append(recorded if recorded.is_absolute() or not folders else folders[0] / recorded)
        folders.append(recorded)
    shots = [s.path for info in result.phases if info.banner for s in info.banner.screenshots]
    shots += [info.banner.screenshot for info in result.phases if info.banner and info.banner.screenshot]
    for folder in folders:
        if any((folder / shot).is_file() for shot in shots):
            return folder
    return folders[0] if folders else None


def write_reports(result: ScanResult, formats: Iterable[str], output_dir: Union[str, Path], *, lang: Optional[str] = None,
                  include_values: bool = False, fail_on: Optional[str] = None,
                  base_dir: Union[str, Path, None] = None) -> list[Path]:
    """Write each format into ``output_dir`` under its fixed name (``REPORT_FILES``); the written paths.

    Screenshot paths in the result are relative to the folder the scan wrote them to: ``base_dir``
    when given (a saved scan reported elsewhere), else ``output_dir``; the HTML report embeds them.
    """
    directory = Path(output_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {directory}: {exc.strerror or exc}") from None
    written = []
    for fmt in parse_formats(list(formats)):
        text = render(result, fmt, lang=lang, include_values=include_values, fail_on=fail_on,
                      base_dir=Path(base_dir) if base_dir else directory)
        path = directory / REPORT_FILES[fmt]
        partial = path.with_name(path.name + ".partial")
        try:
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
        written.append(path)
    return written
