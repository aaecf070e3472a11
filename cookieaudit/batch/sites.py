"""The site list of a batch: a text file of URLs, or a CSV with a ``site`` column.

Text: one site a line; blank lines and ``#`` comments are skipped; ``denhaag.nl`` means
``https://denhaag.nl/``. CSV (``.csv``, or a first line that names a ``site`` column; comma,
semicolon or tab separated): ``site`` plus optional ``statement`` (``auto``, ``none``, or one
or more URLs or files separated by spaces), ``pages`` and ``name``; other columns are ignored.

Every line is checked before any site is scanned. A bad line (an invalid URL, a bad ``pages``
or ``statement`` cell) becomes a :class:`SiteSpec` with ``invalid`` set: the batch gives it a
``failed`` row with the reason (``line 17: invalid URL 'x'``) and scans the others. Only a list
that cannot be used at all is bad input (an :class:`~cookieaudit.errors.InputError`, exit 2):
unreadable, too large, a CSV without a ``site`` column, no lines, or no valid line at all.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from ..errors import InputError
from ..scanner.crawl import validate_start_url

__all__ = ["CSV_COLUMNS", "SiteSpec", "decode_list", "read_site_list", "parse_site_list", "repeated_lines"]

CSV_COLUMNS = ("site", "statement", "pages", "name")
STATEMENT_KEYWORDS = ("auto", "none")
MAX_LIST_BYTES = 50 * 1024 * 1024
MAX_PAGES = 100_000
MAX_REPORTED_ERRORS = 20


@dataclass(frozen=True)
class SiteSpec:
    """One line of the list: what to scan, and the folder its output goes to."""

    index: int                      # position among the sites (0-based), the order of every output
    line: int                       # line number in the list file (1-based), for messages
    site: str                       # the start URL, normalised
    name: str = ""
    statement: tuple[str, ...] = ()  # () = the batch default; ("auto",), ("none",), or sources
    pages: Optional[int] = None     # None = the batch's --pages
    folder: str = ""                # folder name under sites/, unique in the batch ("" for an invalid line)
    extra: dict = field(default_factory=dict, compare=False)
    invalid: Optional[str] = None   # why the line cannot be scanned (then ``site`` is the line's text)

    @property
    def host(self) -> str:
        return urlsplit(self.site).hostname or ""

    def statement_mode(self, default: str) -> tuple[str, ...]:
        """The statement argument for this site: its own, else the batch default (auto/none)."""
        return self.statement or (default,)

    @property
    def key(self) -> str:
        """A stable identity of the unit of work (same line content, same key), e.g. for Dask."""
        digest = hashlib.sha256("\0".join([self.site, *self.statement, str(self.pages)]).encode()).hexdigest()[:10]
        return f"cookieaudit-{self.folder}-{digest}"


def read_site_list(path: str | Path) -> list[SiteSpec]:
    """Read and check a site list file; raises InputError naming every bad line."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_LIST_BYTES:
            raise InputError(f"{path}: the site list is larger than {MAX_LIST_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read site list {path}: {exc.strerror or exc}") from None
    text = decode_list(data, f"site list {path}")
    return parse_site_list(text, str(path), base_dir=path.resolve().parent,
                           as_csv=path.suffix.lower() == ".csv" or None)


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_list(data: bytes, what: str) -> str:
    """The text of a list file as editors save it: UTF-8 (with or without a BOM), UTF-16 or
    UTF-32 with a BOM (Windows' "Unicode", PowerShell's ``Out-File``), else Windows-1252.

    A file with NUL bytes and no BOM is not a text list: InputError naming ``what``.
    """
    for bom, encoding in _BOMS:  # UTF-32 LE before UTF-16 LE: its BOM starts with UTF-16's
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(f"{what}: not readable as {encoding.upper()} text") from None
    if b"\0" in data:
        raise InputError(f"{what}: not a text file (NUL bytes; save it as UTF-8)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_site_list(text: str, label: str = "<list>", base_dir: Optional[Path] = None,
                    as_csv: Optional[bool] = None) -> list[SiteSpec]:
    """Parse a site list from text; ``as_csv=None`` decides by the first line (a ``site`` header).

    Bad lines come back as specs with ``invalid`` set; InputError only when the list as a whole
    is unusable (no ``site`` column, unreadable CSV, no lines, or not one valid line).
    """
    if as_csv is None:
        as_csv = _looks_like_csv(text)
    errors: list[str] = []
    rows = _csv_rows(text, label, errors) if as_csv else _text_rows(text)
    specs: list[SiteSpec] = []
    for line, values in rows:
        try:
            specs.append(_spec(len(specs), line, values, base_dir))
        except InputError as exc:
            specs.append(SiteSpec(index=len(specs), line=line, site=_raw_site(values), name=values.get("name", ""),
                                  extra=values.get("_extra", {}), invalid=f"line {line}: {exc}"))
    bad = [f"{label}:{spec.line}: {spec.invalid.split(': ', 1)[1]}" for spec in specs if spec.invalid]
    if errors or (specs and len(bad) == len(specs)):
        problems = errors + bad
        shown = problems[:MAX_REPORTED_ERRORS]
        more = f"; and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        raise InputError("; ".join(shown) + more)
    if not specs:
        raise InputError(f"{label}: no sites in the list")
    return _with_folders(specs)


def _raw_site(values: dict) -> str:
    """The site cell of a bad line as given (one line, bounded), for its row."""
    return " ".join(str(values.get("site", "")).split())[:500]


def _looks_like_csv(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    cells = [cell.strip().strip('"').lower() for cell in re.split(r"[,;\t]", first)]
    return len(cells) > 1 and "site" in cells or cells == ["site"]


def _text_rows(text: str):
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _TRAILING_COMMENT.sub("", raw).strip()
        if line and not line.startswith("#"):
            yield number, {"site": line}


# "www.ede.nl   # Ede, Gelderland": a '#' after white space is never part of a URL (a fragment follows no space)
_TRAILING_COMMENT = re.compile(r"\s+#.*$")


def repeated_lines(specs: list[SiteSpec]) -> list[str]:
    """Notes on lines that repeat an earlier line's site, statement and pages: they are scanned again
    (into their own folder), which is seldom meant in a list of sites.

    >>> repeated_lines(parse_site_list("www.ede.nl\\nwww.assen.nl\\nhttps://www.ede.nl/\\n", as_csv=False))
    ['line 3 repeats line 1 (https://www.ede.nl/): scanned again into sites/www.ede.nl-2']
    """
    first: dict[tuple, SiteSpec] = {}
    notes = []
    for spec in specs:
        if spec.invalid:
            continue
        earlier = first.setdefault((spec.site, spec.statement, spec.pages), spec)
        if earlier is not spec:
            notes.append(f"line {spec.line} repeats line {earlier.line} ({spec.site}): scanned again into sites/{spec.folder}")
    return notes


def _csv_rows(text: str, label: str, errors: list[str]):
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), len(lines))
    body = "".join(lines[start:])
    try:
        dialect = csv.Sniffer().sniff(body.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(body), dialect)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        return
    if "site" not in header:
        errors.append(f"{label}:{start + 1}: a CSV site list needs a 'site' column (found: {', '.join(header) or 'nothing'})")
        return
    position = {name: header.index(name) for name in CSV_COLUMNS if name in header}
    try:
        for cells in reader:
            number = start + reader.line_num
            if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
                continue
            values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in position.items()}
            values["_extra"] = {header[i]: cells[i] for i in range(min(len(header), len(cells)))
                                if header[i] not in position and header[i]}
            yield number, values
    except csv.Error as exc:
        errors.append(f"{label}:{start + reader.line_num}: unreadable CSV: {exc}")


def _spec(index: int, line: int, values: dict, base_dir: Optional[Path]) -> SiteSpec:
    raw_site = values.get("site", "")
    if not raw_site:
        raise InputError("no site given")
    site = validate_start_url(raw_site)
    pages = None
    if values.get("pages"):
        try:
            pages = int(values["pages"])
        except ValueError:
            raise InputError(f"pages must be a whole number, not {values['pages']!r}") from None
        if not 1 <= pages <= MAX_PAGES:
            raise InputError(f"pages must be between 1 and {MAX_PAGES}, not {pages}")
    return SiteSpec(index=index, line=line, site=site, name=values.get("name", ""),
                    statement=_statement(values.get("statement", ""), base_dir), pages=pages,
                    extra=values.get("_extra", {}))


def _statement(text: str, base_dir: Optional[Path]) -> tuple[str, ...]:
    """``auto`` / ``none`` / sources separated by whitespace; relative paths resolved from the list's folder."""
    words = text.split()
    if not words:
        return ()
    lowered = [word.lower() for word in words]
    if any(word in STATEMENT_KEYWORDS for word in lowered):
        if len(words) > 1:
            raise InputError(f"statement {text!r}: 'auto' and 'none' stand alone")
        return (lowered[0],)
    sources = []
    for word in words:
        if re.match(r"^https?://", word, re.IGNORECASE):
            sources.append(word)
            continue
        if "://" in word:
            raise InputError(f"statement {word!r}: only http(s) URLs and files can be read")
        path = Path(word).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if not path.is_file():
            raise InputError(f"statement file {word!r} not found")
        sources.append(str(path))
    return tuple(sources)


def _with_folders(specs: list[SiteSpec]) -> list[SiteSpec]:
    """Give each site a folder name from its URL (stable between runs); repeats get -2, -3 …"""
    seen: dict[str, int] = {}
    out = []
    for spec in specs:
        if spec.invalid:
            out.append(spec)
            continue
        base = folder_name(spec.site)
        seen[base] = seen.get(base, 0) + 1
        folder = base if seen[base] == 1 else f"{base}-{seen[base]}"
        out.append(SiteSpec(index=spec.index, line=spec.line, site=spec.site, name=spec.name, statement=spec.statement,
                            pages=spec.pages, folder=folder, extra=spec.extra))
    return out


def folder_name(site: str) -> str:
    """A safe folder name for a start URL: host, then path and query as a slug.

    >>> folder_name("https://www.denhaag.nl/")
    'www.denhaag.nl'
    >>> folder_name("https://www.denhaag.nl:8443/nl/Home?x=1")
    'www.denhaag.nl_8443_nl_home_x_1'
    """
    parts = urlsplit(site)
    text = (parts.netloc + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")).lower()
    slug = re.sub(r"[^a-z0-9.\-]+", "_", text).strip("._-") or "site"
    if len(slug) > 80:
        slug = slug[:70].rstrip("._-") + "-" + hashlib.sha256(site.encode()).hexdigest()[:8]
    return slug
