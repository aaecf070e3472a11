"""What each column of a cookie table holds: from its header words, checked against its cells.

Header words say most ("Naam", "Bewaartermijn"), but not always enough: a word may name two
kinds of column ("Partij" heads a party column in one table and a provider column in the
next), two columns may both read as names ("Cookie-subgroep" beside "Cookies"), and some
headers use words no list has ("Standaard vervaltijd"). The cells then decide: a column of
domains is a host column, a column of "Derde partij" a party column, a column of durations a
lifetime column, and of two name columns the one whose cells are names holds them.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

from .cells import DOMAIN, leading_value, lifetime_line
from .vocabulary import vocabulary

__all__ = ["column_unit", "table_roles"]

MAX_SAMPLE_ROWS = 40
_NAME_HEADER = re.compile(r"(?:cookie[ -]?)?(?:naam|name)s?(?: (?:of |van )?(?:the |de )?cookie)?", re.IGNORECASE)


def _lines(cell: str) -> list[str]:
    return [line.strip() for line in cell.split("\n") if line.strip()]


def _share(cells: list[str], test) -> float:
    """The share of non-empty cells all of whose lines pass ``test``."""
    filled = [c for c in cells if c.strip()]
    if not filled:
        return 0.0
    return sum(1 for c in filled if all(test(line) for line in _lines(c))) / len(filled)


def _is_domain(text: str) -> bool:
    return bool(DOMAIN.fullmatch(text.strip().rstrip("/")))


def _is_party(text: str) -> bool:
    text = text.strip().rstrip(".")
    return leading_value("party", text) == len(text)


def _is_names(text: str) -> bool:
    from .runtogether import table_names_ok

    return table_names_ok(text)


_TESTS = {"name": _is_names, "lifetime": lifetime_line, "domain": _is_domain, "party": _is_party}


class _Profile(dict):
    """Shares of a column's cells that are names, lifetimes, domains, parties: each computed
    when first asked for (most columns are settled by their header word)."""

    def __init__(self, column: list[str]):
        super().__init__()
        self.column = column

    def __missing__(self, key: str) -> float:
        value = self[key] = _share(self.column, _TESTS[key])
        return value

    def get(self, key: str, default: float = 0.0) -> float:
        return self[key] if key in _TESTS else default


def _profile(column: list[str]) -> dict[str, float]:
    return _Profile(column)


def table_roles(header: Sequence[str], rows: Sequence[Sequence[str]] = ()) -> list[Optional[str]]:
    """The role of each column (name, vendor, purpose, category, lifetime, kind, party, other or
    None) of a table with this header row, checked against up to 40 of its rows' cells."""
    from .runtogether import column_role, inner_role

    # a label phrase takes the role of the column word it holds ("Data storage type")
    roles: list[Optional[str]] = [column_role(cell) or inner_role(cell) for cell in header]
    sample = [list(row) for row in rows[:MAX_SAMPLE_ROWS] if row]
    columns = [[row[i] if i < len(row) else "" for row in sample] for i in range(len(roles))]
    profiles = [_profile(column) if sample else {} for column in columns]

    names = [i for i, role in enumerate(roles) if role == "name"]
    if len(names) > 1:
        # two name columns: the one whose cells are names holds them (the one called "name"
        # when the cells do not tell); the other names the provider or the host
        def rank(i: int) -> tuple:
            return (profiles[i].get("name", 0) - profiles[i].get("domain", 0), bool(_NAME_HEADER.fullmatch(header[i].strip())))

        keep = max(names, key=rank) if sample else next((i for i in names if _NAME_HEADER.fullmatch(header[i].strip())), names[0])
        for i in names:
            if i != keep:
                roles[i] = "vendor" if "vendor" not in roles else None
    if not sample:
        return roles
    for i, role in enumerate(roles):
        profile = profiles[i]
        if role in ("vendor", "party", "kind", None, "other") and profile["party"] >= 0.8:
            roles[i] = "party"
        elif role == "party" and profile["party"] < 0.5 and "vendor" not in roles:
            roles[i] = "vendor"
        elif role in (None, "other", "kind") and profile["domain"] >= 0.8 and "vendor" not in roles:
            roles[i] = "vendor"
    if "lifetime" not in roles:
        candidates = [i for i, role in enumerate(roles) if role in (None, "other") and profiles[i]["lifetime"] >= 0.7]
        if candidates:
            roles[max(candidates, key=lambda i: profiles[i]["lifetime"])] = "lifetime"
    return roles


_BARE_NUMBER = re.compile(r"\d{1,5}(?:[.,]\d{1,3})?|0[.,]\d{1,6}")  # "0.0007" days: a minute


def column_unit(header_cell: str) -> Optional[str]:
    """The duration unit a lifetime column's header gives the bare numbers in its cells:
    "Lifespan (days)", "Bewaartermijn (dagen)", "Duration in months"; None when it gives none."""
    units = vocabulary().duration_units
    words = re.findall(r"[^\W\d_]+", header_cell.lower())
    if len(words) == 1:
        return words[0] if words[0] in units else None  # a column headed "Days" / "Dagen"
    return next((word for word in words[1:] if word in units), None)


def with_unit(cell: str, unit: Optional[str]) -> str:
    """A lifetime cell that is a bare number, with the unit its column's header gives ("365"
    under "Lifespan (days)" is "365 days"); any other cell as it is."""
    if unit and _BARE_NUMBER.fullmatch(cell.strip()):
        return f"{cell.strip()} {unit}"
    return cell
