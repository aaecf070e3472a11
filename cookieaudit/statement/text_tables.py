"""Cookie tables in plain text, found by their structure rather than by separators.

A table starts at a header made of column words (NL, EN, Flemish): on one line (separated by
spaces, runs of spaces, or nothing at all) or one word per line. Its rows then come in one
of the layouts text extraction leaves behind:

- one row per line, the name first ("_ga Onderscheidt bezoekers 2 jaar"); a row broken over
  several lines (a name alone, then the rest) is joined until it has its lifetime;
- one cell per line, blank lines between them or not, cells ending in " |" or not: a record
  starts at a line that is only a name;
- columns aligned with runs of spaces (PDF layout text): columns are found from the gaps
  all lines share, and a line with an empty name column continues the row above.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from .cells import DOMAIN, lifetime_line
from .rows import RowContext, column_kinds, split_cells
from .runtogether import find_header, header_cell, table_names_ok
from .vendors import known_cookie
from .vocabulary import vocabulary

__all__ = ["TableRow", "TextTable", "aligned_table_spans", "read_table_at"]

_ALIGNED_GAP = re.compile(r"\S+(?: \S+)*")  # cells separated by runs of two or more spaces
MAX_RECORD_LINES = 12
# marks only a cookie name has: a record that lacks a cell ends where such a name comes
_NAME_MARKS = re.compile(r"[_<>*#.\[\]{}\d-]|[a-z][A-Z]")


@dataclass
class TableRow:
    """One row: line span (first, last), its cells in header order, how sure the cut is."""

    first: int
    last: int
    cells: tuple[str, ...]
    confidence: float = 1.0


@dataclass
class TextTable:
    """A table read from lines[first:next_line]."""

    header_first: int
    header_last: int
    header: list[str]
    rows: list[TableRow] = field(default_factory=list)
    next_line: int = 0


def _clean(line: str) -> str:
    return line.strip().strip("|").strip()


def _aligned_cells(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in _ALIGNED_GAP.finditer(line)]


def _aligned_header(line: str) -> Optional[list[str]]:
    """Header cells of a line whose column words are separated by runs of spaces."""
    if "  " not in line.strip():
        return None
    cells = [text for _, text in _aligned_cells(line)]
    if len(cells) < 3 or any(header_cell(c) is None for c in cells):
        return None
    roles = [header_cell(c) for c in cells]
    if roles.count("name") != 1 or not {"lifetime", "purpose"} & set(roles):
        return None
    return cells


def _multiline_header(lines: list[str], index: int) -> Optional[tuple[list[str], int]]:
    """Header cells given one per line ("Cookie" / "Expiry" / "Purpose"), and the last line's index."""
    cells: list[str] = []
    i = index
    while i < len(lines) and len(cells) < 8:
        text = _clean(lines[i])
        if not text or header_cell(text) is None:
            break
        cells.append(text)
        i += 1
    roles = [header_cell(c) for c in cells]
    if len(cells) < 3 or roles.count("name") != 1 or not {"lifetime", "purpose"} & set(roles):
        return None
    return cells, i - 1


def _is_blank(line: str) -> bool:
    return not _clean(line)


def _name_line(text: str) -> bool:
    """A line that is only a cookie name (or a list of them)."""
    return len(text) <= 120 and table_names_ok(text) and not lifetime_line(text)


def _context(lines: list[str], first: int, glued: bool) -> RowContext:
    """Domains the table's rows name: standalone ones, and the common ending of domains that
    ran into the name before them ("my-langexample.nl", "site#prefexample.nl")."""
    standalone: list[str] = []
    glued_domains: list[str] = []
    blank = 0
    for line in lines[first:first + 60]:
        if not line.strip():
            blank += 1
            if blank >= 2:
                break
            continue
        blank = 0
        if "." not in line:
            continue
        for match in DOMAIN.finditer(line):
            text = match.group(0)
            before = line[match.start() - 1] if match.start() else ""
            if (before.isspace() or before in "@(/") and before and text == text.lower():
                standalone.append(text)
            else:
                glued_domains.append(text)
    found = list(dict.fromkeys(standalone))
    if len(glued_domains) >= 2:
        suffix = _common_suffix(glued_domains)
        label = suffix.split(".")[0]
        if "." in suffix and len(label) >= 3:
            found.append(suffix)
    return RowContext(domains=sorted(set(found), key=len, reverse=True), glued=glued)


def _common_suffix(texts: list[str]) -> str:
    first = texts[0]
    length = 0
    while length < len(first) and all(len(t) > length and t[-1 - length] == first[-1 - length] for t in texts):
        length += 1
    return first[len(first) - length:] if length else ""


def _complete(cells: tuple[str, ...], kinds: list[str]) -> bool:
    return "lifetime" not in kinds or bool(cells[kinds.index("lifetime")])


def _one_row_per_line(lines: list[str], table: TextTable, start: int, context: RowContext) -> int:
    """Rows one per line; a row broken over lines is joined until it has its lifetime."""
    header, kinds = table.header, column_kinds(table.header)
    pending: Optional[list] = None  # [first, last, text]
    skipped = False

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            cells, confidence = split_cells(pending[2], header, context)
            if cells and table_names_ok(cells[kinds.index("name")]):
                table.rows.append(TableRow(pending[0], pending[1], cells, confidence))
            pending = None

    i = start
    while i < len(lines):
        line = lines[i]
        if _is_blank(line):
            j = i
            while j < len(lines) and _is_blank(lines[j]):
                j += 1
            if j < len(lines) and (_is_row(lines[j], header, context) or _name_line(_clean(lines[j]))):
                i = j
                continue
            break
        text = _clean(line)
        if _is_row(line, header, context):
            flush()
            pending = [i, i, text]
            cells, _ = split_cells(text, header, context)
            if _complete(cells, kinds) or len(cells) and not _name_line(text):
                flush()
            i += 1
            continue
        if _name_line(text):
            flush()
            pending = [i, i, text]
            i += 1
            continue
        if pending is not None and i - pending[0] < MAX_RECORD_LINES:
            pending[1] = i
            pending[2] += " " + text
            cells, _ = split_cells(pending[2], header, context)
            if cells and _complete(cells, kinds):
                flush()
            i += 1
            continue
        if table.rows and not skipped and len(text.split()) <= 14 and i + 1 < len(lines) \
                and _is_row(lines[i + 1], header, context):
            skipped = True  # one row whose name is no cookie name ("Cookie consent …"): the table goes on
            i += 1
            continue
        break
    flush()
    return i


def _is_row(line: str, header: list[str], context: RowContext) -> bool:
    text = _clean(line)
    if not text:
        return False
    cells, _ = split_cells(text, header, context)
    if not cells:
        return False
    kinds = column_kinds(header)
    name = cells[kinds.index("name")]
    if not table_names_ok(name) or name == text:
        return False
    if name.isalpha() and name.islower() and not context.glued and known_cookie(name) is None:
        # a plain word is a name only where a row's next cell starts: "lang Onthoudt …", not
        # "aanvraag of melding …" (a wrapped cell's next line)
        rest = text[text.find(name) + len(name):].lstrip()
        return bool(rest[:1]) and (rest[:1].isupper() or rest[:1].isdigit())
    return True


def _one_cell_per_line(lines: list[str], table: TextTable, start: int) -> int:
    """Records of one cell per line: each starts at a line that is only a name."""
    kinds = column_kinds(table.header)
    width = len(kinds)
    records: list[list] = []  # [first, last, [cells]]
    current: Optional[list] = None
    i = start
    while i < len(lines):
        text = _clean(lines[i])
        if not text:
            i += 1
            continue
        if current is None:
            if not _name_line(text):
                break
            current = [i, i, [text]]
        elif _name_line(text) and (len(current[2]) >= width or len(current[2]) >= 2 and _NAME_MARKS.search(text)):
            records.append(current)
            current = [i, i, [text]]
        elif len(current[2]) >= width:
            break
        else:
            current[1] = i
            current[2].append(text)
        i += 1
    if current is not None:
        records.append(current)
        i = current[1] + 1
    for first, last, cells in records:
        table.rows.append(TableRow(first, last, _assign(cells, kinds)))
    return i


def _assign(cells: list[str], kinds: list[str]) -> tuple[str, ...]:
    """Cells of a record in header order: in order when all are there, else the name first,
    the lifetime where a cell reads as one, the rest in order."""
    if len(cells) == len(kinds):
        return tuple(cells)
    out = [""] * len(kinds)
    out[kinds.index("name")] = cells[0]
    rest = cells[1:]
    if "lifetime" in kinds:
        found = next((c for c in rest if lifetime_line(c)), None)
        if found is not None:
            out[kinds.index("lifetime")] = found
            rest.remove(found)
    free = [i for i, kind in enumerate(kinds) if not out[i] and kind not in ("name", "lifetime")]
    for index, cell in zip(free, rest):
        out[index] = cell
    if len(rest) > len(free) and free:
        target = next((i for i in free if kinds[i] == "purpose"), free[-1])
        out[target] = " ".join([out[target], *rest[len(free):]]).strip()
    return tuple(out)


def _aligned_rows(lines: list[str], table: TextTable, start: int) -> int:
    """Rows of a table whose columns are aligned with runs of spaces."""
    end = start
    while end < len(lines) and not _is_blank(lines[end]):
        cells = _aligned_cells(lines[end])
        if len(cells) == 1 and cells[0][0] < 4 and not _name_line(cells[0][1]):
            break  # a heading right under the table ("Analytics cookies"), not a row
        end += 1
    body = lines[start:end]
    if not body:
        return start
    block = [lines[table.header_first], *body]
    width = max(len(line) for line in block)
    river = [all(i >= len(line) or line[i] == " " for line in block) for i in range(width)]
    runs: list[tuple[int, int]] = []
    i = 0
    while i < width:
        if river[i]:
            j = i
            while j < width and river[j]:
                j += 1
            if i > 0 and j < width:
                runs.append((i, j))
            i = j
        else:
            i += 1
    wanted = len(table.header) - 1
    if len(runs) < wanted:
        return start
    chosen = sorted(sorted(runs, key=lambda r: r[0] - r[1])[:wanted])
    bounds = [0, *[(a + b) // 2 for a, b in chosen], width]
    rows: list[list] = []
    for offset, line in enumerate(body):
        cells = [line[bounds[k]:bounds[k + 1]].strip() for k in range(len(bounds) - 1)]
        if not cells[0] and rows:
            rows[-1][1] = start + offset
            rows[-1][2] = [" ".join(filter(None, (a, b))) for a, b in zip(rows[-1][2], cells)]
        elif cells[0]:
            rows.append([start + offset, start + offset, cells])
    kinds = column_kinds(table.header)
    name_index = kinds.index("name")
    for first, last, cells in rows:
        if table_names_ok(cells[name_index]):
            table.rows.append(TableRow(first, last, tuple(cells)))
    return end


@functools.lru_cache(maxsize=1)
def _header_starts() -> frozenset[str]:
    """The first three letters of every column word: a line starting otherwise is no header."""
    return frozenset(entry.replace(" ", "")[:3].lower() for entries in vocabulary().raw["table_columns"].values()
                     for entry in entries if len(entry.replace(" ", "")) >= 3)


def read_table_at(lines: list[str], index: int) -> Optional[TextTable]:
    """The table whose header starts at lines[index], with its rows; None when none starts there."""
    line = lines[index]
    start = line.lstrip()[:3].lower()
    if start not in _header_starts():
        return None
    aligned = _aligned_header(line)
    if aligned is not None:
        table = TextTable(index, index, aligned)
        table.next_line = _aligned_rows(lines, table, index + 1)
        return table if table.rows else None
    header = find_header(line)
    if header is not None:
        glued = bool(re.search(r"[a-z][A-Z]", line.strip())) or " " not in line.strip()
        table = TextTable(index, index, header)
        first = index + 1
        while first < len(lines) and _is_blank(lines[first]):
            first += 1
        if first < len(lines) and _name_line(_clean(lines[first])) and len(header) >= 3 \
                and (first + 1 < len(lines) and not _is_row(lines[first], header, _context(lines, first, glued))):
            table.next_line = _one_cell_per_line(lines, table, first)
        else:
            table.next_line = _one_row_per_line(lines, table, index + 1, _context(lines, index + 1, glued))
        return table
    multi = _multiline_header(lines, index) if len(line) <= 40 else None
    if multi is not None:
        cells, last = multi
        table = TextTable(index, last, cells)
        table.next_line = _one_cell_per_line(lines, table, last + 1)
        return table if table.rows else None
    return None


def aligned_table_spans(lines: list[str]) -> list[tuple[int, int]]:
    """(first line, line after the last) of each table with aligned columns in ``lines``."""
    spans = []
    i = 0
    while i < len(lines):
        if _aligned_header(lines[i]) is not None:
            table = TextTable(i, i, _aligned_header(lines[i]))
            end = _aligned_rows(lines, table, i + 1)
            if table.rows:
                spans.append((i, end))
                i = end
                continue
        i += 1
    return spans
