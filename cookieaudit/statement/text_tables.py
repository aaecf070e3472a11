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

A category line between the rows ("Analytics", "Noodzakelijk") becomes a row of one cell,
which heads the rows after it (``extract`` reads it as a category, not a cookie).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from .cells import DOMAIN, leading_lifetime, lifetime_line
from .rows import RowContext, column_kinds, split_cells
from .runtogether import find_header, header_cell, inner_role, table_names_ok
from .names import _shape
from .vendors import known_cookie
from .vocabulary import vocabulary

__all__ = ["TableRow", "TextTable", "aligned_header_end", "aligned_table_spans", "read_table_at"]

_ALIGNED_GAP = re.compile(r"\S+(?: \S+)*")  # cells separated by runs of two or more spaces
MAX_RECORD_LINES = 12
# a CMP category line over the next rows ("Statistieken (3)"): it ends a table, never a row
_CATEGORY_LINE = re.compile(r"[^\W\d][\w /&-]{1,40}\(\d{1,3}\)")
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


def _aligned_header_at(lines: list[str], index: int) -> Optional[tuple[list[str], int]]:
    """Header cells of an aligned header at lines[index], and its last line: a header cell
    wrapped in a narrow column ("Bewaartermi" / "jn", "Standaard" / "vervaltijd") goes on
    under its own column on the next line(s), where the name column is empty."""
    line = lines[index]
    if "  " not in line.strip():
        return None
    placed = _aligned_cells(line)
    if len(placed) < 3:
        return None
    texts, last = [text for _, text in placed], index
    for following in range(index + 1, min(index + 3, len(lines))):
        pieces = _aligned_cells(lines[following])
        if not pieces or pieces[0][0] <= placed[0][0] + 1:
            break
        merged = list(texts)
        for start, piece in pieces:
            column = max((k for k, (at, _) in enumerate(placed) if at <= start + 1), default=0)
            glued = merged[column] + piece
            merged[column] = glued if header_cell(glued) else f"{merged[column]} {piece}"
        if not _header_roles_ok(merged):
            break
        texts, last = merged, following
    if last == index and not _header_roles_ok(texts):
        return None
    return texts, last


def _header_roles_ok(cells: list[str]) -> bool:
    roles = [header_cell(c) for c in cells]
    return None not in roles and roles.count("name") == 1 and bool({"lifetime", "purpose"} & set(roles))


def _multiline_header(lines: list[str], index: int) -> Optional[tuple[list[str], int]]:
    """Header cells given one per line ("Cookie" / "Expiry" / "Purpose"), and the last line's index."""
    cells: list[str] = []
    roles: list[Optional[str]] = []
    i = last = index
    while i < len(lines) and len(cells) < 8:
        text = _clean(lines[i])
        if not text and cells and i + 1 < len(lines) and _clean(lines[i + 1]):
            i += 1  # one blank line between the cells (a page's cells copied as paragraphs)
            continue
        role = header_cell(text) if text else None
        if role is None and cells and 1 < len(text.split()) <= 4 and re.fullmatch(r"[^\W\d_]+(?:[ /-][^\W\d_]+)*", text):
            role = inner_role(text)  # a label phrase under a column word: "Default expiration time"
        if role == "other" and len(cells) >= 3 and not text.endswith("?") and _category_line(text):
            break  # "Noodzakelijk" under "Naam / Doel / Vervalt": the first rows' category, no column
        if role is None:
            break
        cells.append(text)
        roles.append(role)
        last = i
        i += 1
    if len(cells) < 3 or roles.count("name") != 1 or not {"lifetime", "purpose"} & set(roles):
        return None
    return cells, last


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
    if len(glued_domains) == 1:
        # one glued domain in this table: the site's domain as earlier tables wrote it
        earlier = [m.group(0) for line in lines[max(0, first - 200):first] if "." in line for m in DOMAIN.finditer(line)
                   if not m.start() or not (line[m.start() - 1].isspace() or line[m.start() - 1] in "@(/")]
        if len(earlier) >= 2 and _common_suffix(earlier) and glued_domains[0].endswith(_common_suffix(earlier)):
            glued_domains.extend(earlier)
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
        if i > start and find_header(text) is not None:
            break  # the next table's header: header words are never a row
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
        if pending is None and _category_line(text) and i + 1 < len(lines) and _is_row(lines[i + 1], header, context):
            # a category line between the rows ("Analytics"): a row of one cell that heads the
            # rows after it; the table goes on under its header
            table.rows.append(TableRow(i, i, _category_cells(text, len(header))))
            i += 1
            continue
        if table.rows and not skipped and len(text.split()) <= 14 and i + 1 < len(lines) \
                and not _CATEGORY_LINE.fullmatch(text) and _is_row(lines[i + 1], header, context):
            skipped = True  # one row whose name is no cookie name ("Cookie consent …"): the table goes on
            i += 1
            continue
        break
    flush()
    return i


def _category_cells(text: str, width: int) -> tuple[str, ...]:
    """The cells of a category row: the category in the first column, the rest empty."""
    return tuple([text, *[""] * (width - 1)])


def _is_category_row(row: TableRow) -> bool:
    return sum(bool(c) for c in row.cells) == 1 and bool(row.cells[0]) and _category_line(row.cells[0])


def _category_line(text: str) -> bool:
    """A short line that is only a cookie category ("Necessary", "Analytische cookies",
    "Marketing (3)")."""
    from .extract import heading_purpose

    return len(text.split()) <= 5 and not _NAME_MARKS.search(re.sub(r"\(\d{1,3}\)$", "", text)) \
        and heading_purpose(text) is not None


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
        # a plain word is a name only where a row's next cell starts: "lang Onthoudt …", "state
        # sessie …", "lang example.org …", not "aanvraag of melding …" (a wrapped cell's next line)
        rest = text[text.find(name) + len(name):].lstrip()
        return bool(rest[:1]) and (rest[:1].isupper() or rest[:1].isdigit() or leading_lifetime(rest) > 0
                                   or bool(DOMAIN.match(rest)))
    return True


def _next_filled(lines: list[str], index: int) -> int:
    """The first line from ``index`` on that is not blank (len(lines) when none)."""
    while index < len(lines) and _is_blank(lines[index]):
        index += 1
    return index


def _starts_header(lines: list[str], index: int) -> bool:
    """Whether a table header (one line, or one cell per line) starts at lines[index]."""
    if index >= len(lines):
        return False
    text = _clean(lines[index])
    return header_cell(text) is not None and _multiline_header(lines, index) is not None or find_header(text) is not None


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
        if current is not None and (_starts_header(lines, i) or not _name_line(text) and _starts_header(lines, _next_filled(lines, i + 1))):
            break  # the next table's header, or a heading right above it ("Performance Cookies")
        if _category_line(text) and (current is None or len(current[2]) >= width) \
                and _name_line(_clean(lines[_next_filled(lines, i + 1)]) if _next_filled(lines, i + 1) < len(lines) else ""):
            # a category line between the records ("Analytisch"): a row of one cell
            if current is not None:
                records.append(current)
            records.append([i, i, [text], True])
            current = None
            i += 1
            continue
        if current is None:
            if not _name_line(text):
                break
            current = [i, i, [text]]
        elif text.startswith("(") and text.endswith(")") and not _is_blank(lines[i - 1]):
            current[1] = i  # a remark wrapped under its cell ("(de naam verschilt per server)")
            current[2][-1] += " " + text
        elif _name_line(text) and (len(current[2]) >= width or len(current[2]) >= 2 and _NAME_MARKS.search(text)):
            records.append(current)
            current = [i, i, [text]]
        elif len(current[2]) >= width:
            if "lifetime" in kinds or not _lifetime_sentence(text):
                break
            current[1] = i  # a table without a lifetime column, its duration under the row: "365 days duration."
            current[2][-1] += " " + text
        else:
            current[1] = i
            current[2].append(text)
        i += 1
    if current is not None:
        records.append(current)
        i = current[1] + 1
    life = kinds.index("lifetime") if "lifetime" in kinds else None
    for number, (first, last, cells, *category) in enumerate(records):
        if category:
            table.rows.append(TableRow(first, last, _category_cells(cells[0], width)))
            continue
        if number and life is not None and len(cells) == width and not lifetime_line(cells[life]) \
                and _shape(cells[0]) != "strong" and known_cookie(cells[0]) is None:
            # a record whose lifetime cell reads as none is no row: the table ended before it
            # (a heading and a sentence after the last row, then the next table's header)
            return first
        table.rows.append(TableRow(first, last, _assign(cells, kinds)))
    return i


def _cells_per_line(lines: list[str], table: TextTable, start: int) -> int:
    """One cell per line; when cells are wrapped over lines and the lifetime is the last
    column, each row is read as the lines up to its lifetime line instead."""
    kinds = column_kinds(table.header)
    trial = TextTable(table.header_first, table.header_last, table.header)
    end = _one_cell_per_line(lines, trial, start)
    life = len(kinds) - 1
    if kinds[life] == "lifetime" and len(kinds) >= 3 and any(not lifetime_line(row.cells[life]) for row in trial.rows
                                                             if not _is_category_row(row)):
        wrapped = TextTable(table.header_first, table.header_last, table.header)
        wrapped_end = _rows_ended_by_lifetime(lines, wrapped, start, kinds)
        if wrapped.rows and wrapped_end >= end:
            table.rows = wrapped.rows
            return wrapped_end
    table.rows = trial.rows
    return end


def _rows_ended_by_lifetime(lines: list[str], table: TextTable, start: int, kinds: list[str]) -> int:
    """Rows of one cell per line with wrapped cells, each ending at a line that is its
    lifetime ("waterland-melding-" / "gesloten" / "Sportbedrijf" / "Waterland" / "Onthoudt …" /
    "… weggeklikt." / "14 dagen"): the name (a name broken after a hyphen goes on), short
    capitalised lines for the columns before the purpose, the rest the purpose."""
    i = start
    chunk: list[tuple[int, str]] = []
    while i < len(lines):
        text = _clean(lines[i])
        if not text:
            following = _next_filled(lines, i)
            if chunk or following >= len(lines) or not _name_line(_clean(lines[following])):
                break
            i += 1
            continue
        if not chunk and _category_line(text) and _next_filled(lines, i + 1) < len(lines) \
                and _name_line(_clean(lines[_next_filled(lines, i + 1)])):
            table.rows.append(TableRow(i, i, _category_cells(text, len(kinds))))
            i += 1
            continue
        if not chunk and (not _name_line(text) or _starts_header(lines, i)):
            break
        chunk.append((i, text))
        if len(chunk) >= 2 and lifetime_line(text) and len(text.split()) <= 8:
            table.rows.append(TableRow(chunk[0][0], i, _wrapped_cells([t for _, t in chunk], kinds)))
            chunk = []
        elif len(chunk) > 12:
            return chunk[0][0]
        i += 1
    return chunk[0][0] if chunk else i


def _wrapped_cells(texts: list[str], kinds: list[str]) -> tuple[str, ...]:
    name = texts[0]
    k = 1
    while k < len(texts) - 1 and name.endswith(("-", "_", ".")) and " " not in texts[k] and texts[k][:1].islower():
        name += texts[k]
        k += 1
    cells = [""] * len(kinds)
    cells[0], cells[-1] = name, texts[-1]
    middle = texts[k:-1]
    free = list(range(1, len(kinds) - 1))
    purpose = next((j for j in free if kinds[j] == "purpose"), free[-1] if free else None)
    for j in free:
        if j == purpose or not middle:
            break
        taken = []
        while middle and len(middle[0].split()) <= 2 and middle[0][:1].isupper() and not middle[0].endswith("."):
            taken.append(middle.pop(0))
            if len(taken) == 2:
                break
        cells[j] = " ".join(taken)
    if purpose is not None:
        cells[purpose] = " ".join(middle)
    return tuple(cells)


def _lifetime_sentence(text: str) -> bool:
    """A short line that gives a lifetime ("365 days duration.", "Expires after one year")."""
    from .attributes import read_lifetime

    return len(text.split()) <= 8 and read_lifetime(text, cell=True).lifetime is not None


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
    starts = [at for at, _ in _aligned_cells(lines[table.header_first])]
    end = start
    while end < len(lines):
        if _is_blank(lines[end]):
            # blank lines between rows (a PDF's cell borders) when a row follows
            following = next((k for k in range(end, min(end + 3, len(lines))) if not _is_blank(lines[k])), None)
            if following is None or not _aligned_row_start(lines[following], starts):
                break
            end = following
        cells = _aligned_cells(lines[end])
        if len(cells) == 1 and cells[0][0] < 4 and not _name_line(cells[0][1]):
            following = next((k for k in range(end + 1, min(end + 3, len(lines))) if not _is_blank(lines[k])), None)
            if not (_category_line(cells[0][1]) and following is not None and _aligned_row_start(lines[following], starts)):
                break  # a heading right under the table ("Analytics cookies"), not a row
            # a category line between the rows ("Analytics"): a row of one cell heading those after it
        end += 1
    while start < end and _is_blank(lines[start]):
        start += 1
    body = lines[start:end]
    if not body:
        return start
    block = [*lines[table.header_first:table.header_last + 1], *body]
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
    kinds = column_kinds(table.header)
    name_index = kinds.index("name")
    lined = [[line[bounds[k]:bounds[k + 1]].strip() for k in range(len(bounds) - 1)] for line in body]
    name_width = max(len(cells[name_index]) for cells in lined)
    life_index = kinds.index("lifetime") if "lifetime" in kinds else None

    def name_goes_on(offset: int, cells: list[str]) -> bool:
        # a new row after a blank line (cell borders), where a lifetime of its own starts, or
        # where the row above has its whole lifetime and this line holds more of that column
        if name_index != 0 or offset == 0 or not body[offset - 1].strip():
            return False
        if life_index is not None and cells[life_index]:
            above = rows[-1][2][life_index]
            if lifetime_line(above):
                return False
            # "End of" / "session": the lifetime above is broken over lines, not complete
            if lifetime_line(cells[life_index]) and not (above and lifetime_line(f"{above} {cells[life_index]}")):
                return False
        if rows[-1][2][0].endswith((",", ";")):
            return True  # a name list broken after its comma ("ARRAffinity," / "ARRAffinitySameSite")
        return _name_goes_on(rows[-1][3], cells[0], name_width)

    rows: list[list] = []
    for offset, cells in enumerate(lined):
        if not any(cells):
            continue
        category = sum(bool(c) for c in cells) == 1 and bool(cells[0]) and _category_line(cells[0])
        after_category = bool(rows) and sum(bool(c) for c in rows[-1][2]) == 1 and _category_line(rows[-1][2][0])
        if cells[0] and (not rows or category or after_category or not name_goes_on(offset, cells)):
            rows.append([start + offset, start + offset, cells, cells[name_index]])
        elif rows:
            rows[-1][1] = start + offset
            joined = [" ".join(filter(None, (a, b))) for a, b in zip(rows[-1][2], cells)]
            # the name's last line (not the whole name so far) tells whether this line goes on with it
            if cells[name_index] and _name_goes_on(rows[-1][3], cells[name_index], name_width):
                joined[name_index] = rows[-1][2][name_index] + cells[name_index]
            rows[-1][2] = joined
            rows[-1][3] = cells[name_index] or rows[-1][3]
    for first, last, cells, _ in rows:
        if table_names_ok(cells[name_index]) or first == last and _category_line(" ".join(filter(None, cells))) \
                and sum(bool(c) for c in cells) == 1:
            table.rows.append(TableRow(first, last, tuple(cells)))
    return end


def _aligned_row_start(line: str, starts: list[int]) -> bool:
    """A line that starts a row under aligned header cells: two cells or more, the first
    where a header cell starts, none left of the table."""
    cells = _aligned_cells(line)
    return len(cells) >= 2 and cells[0][0] >= starts[0] - 1 and any(abs(cells[0][0] - at) <= 2 for at in starts)


def _name_goes_on(previous: str, piece: str, width: int) -> bool:
    """Whether a name-column line is the rest of the name above, broken by a narrow column
    ("lindehaven-" / "melding-gesloten", "ReadSpeakerSetti" / "ngs"): the name above is one
    word that ends in a hyphen or fills the column, the piece is one word and no cookie name
    the rule set knows, and together they make one name. A name list one per line ("_ga" /
    "_gid") and a row's own name under a shorter one stay apart."""
    if " " in previous or " " in piece or previous.endswith((",", ";")):
        return False
    # a line breaks a name after a hyphen, dot or underscore, or where the column is full; a
    # placeholder never starts a name ("_pk_id.<site-id>." / "<hash>")
    if not (previous.endswith(("-", ".", "_", "/", "~")) or piece.startswith(("<", "{", "[")) or len(previous) >= width - 1):
        return False
    return known_cookie(piece) is None and known_cookie(piece, exact_only=True) is None and table_names_ok(previous + piece)


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
    aligned = _aligned_header_at(lines, index)
    if aligned is not None:
        table = TextTable(index, aligned[1], aligned[0])
        table.next_line = _aligned_rows(lines, table, aligned[1] + 1)
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
            table.next_line = _cells_per_line(lines, table, first)
        else:
            table.next_line = _one_row_per_line(lines, table, index + 1, _context(lines, index + 1, glued))
        return table
    multi = _multiline_header(lines, index) if len(line) <= 40 else None
    if multi is not None:
        cells, last = multi
        table = TextTable(index, last, cells)
        table.next_line = _cells_per_line(lines, table, last + 1)
        return table if table.rows else None
    return None


def continue_table_at(lines: list[str], index: int, header: list[str]) -> Optional[TextTable]:
    """Rows of one cell per line at lines[index] read under the header of a table above: a CMP
    declaration copied as text gives its header once, then its categories ("Statistieken (4)",
    a sentence) each with rows. None when no row starts there."""
    if not _name_line(_clean(lines[index])):
        return None
    table = TextTable(index, index, list(header))
    table.next_line = _cells_per_line(lines, table, index)
    return table if table.rows else None


def aligned_header_end(lines: list[str], index: int) -> int:
    """The last line of the aligned header at lines[index] (a wrapped header takes several)."""
    found = _aligned_header_at(lines, index)
    return found[1] if found else index


def aligned_table_spans(lines: list[str]) -> list[tuple[int, int]]:
    """(first line, line after the last) of each table with aligned columns in ``lines``."""
    spans = []
    i = 0
    while i < len(lines):
        aligned = _aligned_header_at(lines, i)
        if aligned is not None:
            table = TextTable(i, aligned[1], aligned[0])
            end = _aligned_rows(lines, table, aligned[1] + 1)
            if table.rows:
                spans.append((i, end))
                i = end
                continue
        i += 1
    return spans
