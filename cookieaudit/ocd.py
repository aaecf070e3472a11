"""Convert an Open Cookie Database CSV (github.com/jkwakman/Open-Cookie-Database, Apache-2.0)
into a cookieaudit rule file.

The CSV's published columns are ``ID, Platform, Category, Cookie / Data Key name, Domain,
Description, Retention period, Data Controller, User Privacy & GDPR Rights Portals,
Wildcard match``. The conversion:

- Category: Analytics → analytic; Marketing → marketing; Functional, Security,
  Personalization and Necessary → functional (our purpose policy); other categories are skipped.
- Name: ``[x4]``-style counters are dropped; ``<placeholder>`` parts and a ``*`` become a glob;
  ``Wildcard match = 1`` makes the name a prefix. Prefixes shorter than 3 characters that are
  not tied to a domain (``C``, ``SR``) would match far too much and are skipped.
- Domain: third-party hosts (``adform.net (3rd party)``) become the rule's ``domains``; when a
  row also allows the site's own domain ("1st party"), the rule stays generic.
- Retention period: "session" → ``session``; "13 months", "2 years after last activity" →
  days; anything else (Unknown, Varies, forever) is left out.
- Platform: mapped onto a vendor we already know (by name or alias) when a classifier is
  given, otherwise a vendor is defined in the output (ids prefixed ``ocd-``).

The output carries the OCD's licence notice in ``attribution``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .errors import InputError

__all__ = ["OCD_ATTRIBUTION", "OCD_COLUMNS", "OcdImport", "convert_ocd_csv", "parse_retention", "write_rule_yaml"]

OCD_URL = "https://github.com/jkwakman/Open-Cookie-Database"
OCD_COLUMNS = (
    "ID", "Platform", "Category", "Cookie / Data Key name", "Domain", "Description",
    "Retention period", "Data Controller", "User Privacy & GDPR Rights Portals", "Wildcard match",
)
OCD_ATTRIBUTION = (
    f"Contains data from the Open Cookie Database ({OCD_URL}), copyright its contributors, "
    "licensed under the Apache License, Version 2.0 (https://www.apache.org/licenses/LICENSE-2.0). "
    "Converted to the cookieaudit rule format by 'cookieaudit rules import-ocd': categories mapped to "
    "functional/analytic/marketing, retention periods to days, wildcard names to prefixes or globs, "
    "platforms to vendors."
)
_PURPOSES = {
    "analytics": "analytic",
    "marketing": "marketing",
    "functional": "functional",
    "security": "functional",
    "personalization": "functional",
    "personalisation": "functional",
    "necessary": "functional",
}
_UNIT_DAYS = {"second": 1 / 86400, "minute": 1 / 1440, "hour": 1 / 24, "day": 1.0, "week": 7.0,
              "month": 30.44, "year": 365.0}
_DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*(second|sec|minute|min|hour|day|week|month|year)s?\b")
_HOST = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)+$")
_MIN_GENERIC_PREFIX = 3


@dataclass
class OcdImport:
    """The converted rule-file data plus what was skipped and why."""

    data: dict
    rows: int = 0
    skipped: list[str] = field(default_factory=list)  # one line per skipped row

    @property
    def rule_count(self) -> int:
        """How many cookie rules the conversion produced."""
        return len(self.data.get("cookies", []))


def parse_retention(text: str) -> "str | float | None":
    """``"session"``, a number of days, or None for an OCD retention period.

    >>> parse_retention("End of session (browser)"), parse_retention("13 months"), parse_retention("Unknown")
    ('session', 395.72, None)
    """
    lowered = (text or "").strip().lower()
    if not lowered:
        return None
    found = _DURATION.search(lowered)
    if found is None:
        return "session" if "session" in lowered else None
    unit = {"sec": "second", "min": "minute"}.get(found.group(2), found.group(2))
    return round(float(found.group(1).replace(",", ".")) * _UNIT_DAYS[unit], 4)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _domains(text: str) -> Optional[tuple[str, ...]]:
    """The third-party hosts a row is tied to, or None when it (also) applies to any site."""
    hosts = []
    for part in re.split(r"\s+or\s+|[,;]", text or "", flags=re.IGNORECASE):
        lowered = part.strip().lower()
        if not lowered:
            continue
        if "1st party" in lowered or "first party" in lowered or "advertiser" in lowered or "website" in lowered:
            return None
        host = re.sub(r"\(.*?\)", " ", lowered).split()
        host = host[0].lstrip("*").lstrip(".") if host else ""
        if _HOST.match(host):
            hosts.append(host)
    return tuple(dict.fromkeys(hosts)) or None


def _pattern(raw: str, wildcard: bool) -> Optional[tuple[str, str]]:
    """(match kind, pattern) for an OCD cookie name, or None when there is no usable name."""
    name = re.sub(r"\s*\[x\d+\]\s*$", "", raw.strip(), flags=re.IGNORECASE)
    name = re.sub(r"<[^>]*>", "*", name)
    name = name.split()[0] if name.split() else ""  # "_dp Cookie" -> "_dp": names hold no spaces
    if not name or name.strip("*") == "":
        return None
    if "*" in name:
        return "glob", (name if name.endswith("*") or not wildcard else name + "*")
    return ("prefix" if wildcard else "exact"), name


def _read_rows(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in OCD_COLUMNS if c not in header]
            if missing:
                raise InputError(f"{path}: not an Open Cookie Database CSV: missing column {missing[0]!r}")
            return list(reader)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV: {exc}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def convert_ocd_csv(path: "str | Path", classifier=None) -> OcdImport:
    """Convert an OCD CSV into rule-file data; with a ``classifier``, platforms map onto its known vendors."""
    path = Path(path)
    rows = _read_rows(path)
    result = OcdImport(data={}, rows=len(rows))
    vendors: dict[str, dict] = {}
    platform_vendor: dict[str, str] = {}
    cookies: list[dict] = []
    used_ids: set[str] = set()
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None and isinstance(v, str)}
        where = f"line {number}"
        purpose = _PURPOSES.get(cells.get("Category", "").lower())
        if purpose is None:
            result.skipped.append(f"{where}: unknown category {cells.get('Category', '')!r}")
            continue
        pattern = _pattern(cells.get("Cookie / Data Key name", ""), cells.get("Wildcard match", "0") == "1")
        if pattern is None:
            result.skipped.append(f"{where}: no cookie name")
            continue
        match, text = pattern
        domains = _domains(cells.get("Domain", ""))
        if match == "prefix" and len(text) < _MIN_GENERIC_PREFIX and not domains:
            result.skipped.append(f"{where}: prefix {text!r} is too short to use on any domain")
            continue
        platform = cells.get("Platform") or cells.get("Data Controller") or "Unknown platform"
        vendor_id = platform_vendor.get(platform)
        if vendor_id is None:
            known = classifier.find_vendor(platform) if classifier is not None else None
            if known is not None:
                vendor_id = known.id
            else:
                vendor_id = "ocd-" + (_slug(platform) or "unknown")
                vendor = {"id": vendor_id, "name": platform}
                if cells.get("Data Controller"):
                    vendor["company"] = cells["Data Controller"]
                portal = cells.get("User Privacy & GDPR Rights Portals", "")
                if portal.startswith(("http://", "https://")):
                    vendor["url"] = portal
                vendor["source"] = OCD_URL
                vendors[vendor_id] = vendor
            platform_vendor[platform] = vendor_id
        entry_id = re.sub(r"[^0-9a-f]", "", cells.get("ID", "").lower())[:8] or f"row{number}"
        rule_id = f"ocd-{_slug(text)[:40] or 'cookie'}-{entry_id}"
        while rule_id in used_ids:
            rule_id += "-2"
        used_ids.add(rule_id)
        rule = {"id": rule_id, "vendor": vendor_id, "match": match, "pattern": text}
        if domains:
            rule["domains"] = list(domains)
        rule["purpose"] = purpose
        lifetime = parse_retention(cells.get("Retention period", ""))
        if lifetime is not None:
            rule["lifetime"] = lifetime
        description = " ".join(cells.get("Description", "").split())
        rule["description"] = description or f"{platform} cookie listed in the Open Cookie Database."
        rule["source"] = f"{OCD_URL} (entry {cells.get('ID') or where})"
        cookies.append(rule)
    result.data = {"attribution": OCD_ATTRIBUTION, "vendors": list(vendors.values()), "cookies": cookies}
    return result


def write_rule_yaml(data: dict, output: "str | Path", source_name: str) -> None:
    """Write rule-file data as YAML, after checking it loads as a rule file."""
    import yaml

    from .rulefile import parse_rule_data

    parse_rule_data(data, str(output))  # never write a file we could not read back
    text = (
        f"# Converted from the Open Cookie Database CSV {source_name} by 'cookieaudit rules import-ocd'.\n"
        "# See 'attribution' for the licence of the data.\n"
        + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    )
    path = Path(output)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None
