"""Reading a purpose and a lifetime out of a piece of statement text."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from .vocabulary import PURPOSES, vocabulary

__all__ = ["Lifetime", "purpose_hits", "purpose_in_context", "purpose_of", "read_lifetime"]

# Order used to break a tie between purposes: the more privacy-relevant reading wins, so a
# tie never makes a tracker look harmless.
_TIE_ORDER = {"marketing": 0, "analytic": 1, "functional": 2}
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n")
# between the parts of one duration written in parts: "1 year 1 month", "1 jaar, 2 maanden"
_COMPOUND_GAP = re.compile(r"\s*,?\s*")
# "2 months and 25 days", "1 year, 11 months and 29 days": 'and' joins parts of one duration
# when the units are next to each other (a year and months, months and days)
_COMPOUND_AND = re.compile(r"\s*,?\s*(?:and|en)\s+", re.IGNORECASE)


def _blank(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def purpose_hits(text: str) -> dict[str, int]:
    """How often each purpose's words occur, ignoring negated ones and 'niet-functionele'-style terms."""
    v = vocabulary()
    text = _blank(text, v.ignored_purposes)
    counts: dict[str, int] = {}
    for purpose in PURPOSES:
        for match in v.purpose_patterns[purpose].finditer(text):
            before = text[max(0, match.start() - 25):match.start()]
            if re.search(r"(?<!\w)(geen|no|not|niet|nooit|never)\s+(\w+\s+)?$", before, re.IGNORECASE):
                continue
            counts[purpose] = counts.get(purpose, 0) + 1
    return counts


def purpose_of(text: str) -> Optional[str]:
    """The purpose a text gives: most words win; a tie goes to the more privacy-relevant one."""
    counts = purpose_hits(text)
    if not counts:
        return None
    return min(counts, key=lambda p: (-counts[p], _TIE_ORDER[p]))


def purpose_in_context(text: str, preferred: Optional[str] = None) -> Optional[str]:
    """The purpose a text gives; when its words tie between purposes, ``preferred`` (the
    heading's purpose, a description's) wins if it is one of them; without words, ``preferred``."""
    counts = purpose_hits(text)
    if not counts:
        return preferred
    best = max(counts.values())
    tied = [p for p, n in counts.items() if n == best]
    if len(tied) > 1 and preferred in tied:
        return preferred
    return min(tied, key=lambda p: _TIE_ORDER[p])


@dataclass
class Lifetime:
    """What a text says about how long cookies live."""

    lifetime: Optional[str] = None  # session / persistent / both
    max_age_days: Optional[float] = None
    unreadable: list[str] = field(default_factory=list)


# An ISO 8601 period as generated cookie registers write it ("P1Y1M", "PT30M", "P365D"); at
# least one part, upper case, standing alone. Its parts are units the vocabulary knows.
ISO_PERIOD = re.compile(
    r"(?<![\w.-])P(?=\d|T\d)(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?(?![\w.-])")
_ISO_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day", "h": "hour", "m": "minute", "s": "second"}


def _iso_periods_as_words(text: str) -> str:
    """"P1Y1M" -> "1 year 1 month": an ISO period read as the written duration it stands for."""
    if "P" not in text:
        return text

    def words(match: re.Match) -> str:
        parts = [f"{match.group(key)} {unit}" for key, unit in _ISO_UNITS.items() if match.group(key)]
        return " ".join(parts) if parts else match.group(0)
    return ISO_PERIOD.sub(words, text)


_LETTER_UNIT = re.compile(r"\s*(\d{1,5}(?:[.,]\d+)?)\s?([A-Za-z])\.?\s*")


def _letter_unit_as_word(cell: str) -> str:
    """ "365d" -> "365 days": a cell that is only a number and a one-letter unit."""
    match = _LETTER_UNIT.fullmatch(cell)
    if match is None:
        return cell
    unit = vocabulary().raw["cell_unit_letters"].get(match.group(2).lower())
    return f"{match.group(1)} {unit}" if unit else cell


def _number(word: str) -> Optional[float]:
    word = word.lower()
    if word[0].isdigit():
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", word):
            return float(re.sub(r"[.,]", "", word))  # a thousands separator: "1,000 days", "1.000 dagen"
        return float(word.replace(",", "."))
    return vocabulary().number_words.get(word)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return text[left:right.start() if right else len(text)]


def read_lifetime(text: str, *, cell: bool = False) -> Lifetime:
    """Session/persistent and the longest duration in ``text``.

    In prose a number counts only when it reads as a cookie lifetime: not after "binnen",
    "within" or "per", and not in a sentence about logs or personal data unless that sentence
    also speaks of cookies or expiry. A table cell (``cell=True``) is a lifetime by position.
    Parts written one after another with falling units add up ("1 year 1 month 4 days" is
    399 days); a range or a list ("1 day – 13 months") gives its longest. In a cell, words
    that give no lifetime ("never", "past", as CMP audits write) leave it unknown without a
    warning.
    """
    v = vocabulary()
    result = Lifetime()
    text = _iso_periods_as_words(text)
    if cell:
        text = _letter_unit_as_word(text)
    days: list[float] = []
    previous: Optional[tuple[int, float, float]] = None  # (end, unit, running sum) of the last part
    for match in v.duration.finditer(text):
        before = text[max(0, match.start() - 15):match.start()].split()
        if not cell:
            if before and before[-1].lower().strip("(") in v.not_lifetime_before:
                continue
            sentence = _sentence_around(text, match.start(), match.end())
            if v.not_lifetime_subjects.search(sentence) and not v.lifetime_markers.search(sentence):
                continue
        if _earlier_end().search(text[max(0, match.start() - 40):match.start()]):
            continue  # "… of eerder als u 15 minuten niets doet": a session that may end sooner
        number = _number(match.group("number"))
        unit = v.duration_units.get(match.group("unit").lower())
        if number is None or unit is None or number <= 0:
            continue
        value = number * unit
        gap = text[previous[0]:match.start()] if previous is not None else ""
        # a part adds to the one before when it is less than that part's unit: "1 year 1 month
        # 4 days", not "for one day 24 hours" (a description's words, then the duration)
        if previous is not None and unit < previous[1] and value < previous[1] and (_COMPOUND_GAP.fullmatch(gap) or (
                _COMPOUND_AND.fullmatch(gap) and previous[1] / unit <= 61)):
            value += previous[2]  # "1 year 1 month 4 days": one duration in parts
            days[-1] = value
        else:
            days.append(value)
        previous = (match.end(), unit, value)
    session = any(not (days and _session_as_object(text, m)) for m in v.session.finditer(text))
    persistent = bool(v.persistent.search(text)) or bool(days) \
        or (cell and bool(v.never_expires.fullmatch(text.strip().rstrip("."))))
    if session and persistent:
        result.lifetime = "both"
    elif session:
        result.lifetime = "session"
    elif persistent:
        result.lifetime = "persistent"
    if days:
        result.max_age_days = _round_days(max(days))
    if cell and not days and not session and not persistent and text.strip() \
            and not v.no_lifetime_words.fullmatch(text.strip().rstrip(".")) \
            and not v.no_lifetime_words.fullmatch(text.strip()):  # "n.v.t." keeps its last dot
        result.unreadable.append(text.strip())
    elif not cell:
        for match in v.unreadable_duration.finditer(text):
            sentence = _sentence_around(text, match.start(), match.end())
            if v.expiry_words.search(sentence) and not days:
                result.unreadable.append(sentence.strip())
                break
    return result


@functools.lru_cache(maxsize=1)
def _earlier_end() -> re.Pattern:
    words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in vocabulary().raw["earlier_end_words"])
    return re.compile(rf"\b(?:{words})\b[^.;:()]*$", re.IGNORECASE)


_DETERMINER = re.compile(r"(?:\b(?:a|an|one|the|your|this|each|same|current|een|één|de|het|uw|je|jouw|deze|dezelfde|elke|iedere)\s+)$",
                         re.IGNORECASE)


def _session_as_object(text: str, match: re.Match) -> bool:
    """A bare "session"/"sessie" after a determiner, in a sentence that gives a duration, is what
    the cookie keeps track of ("links page views into one session. 1 day"), not its lifetime."""
    word = match.group(0).strip().lower()
    if word not in ("session", "sessie", "sessions", "sessies"):
        return False
    following = text[match.end():match.end() + 12].lower()
    if following.lstrip().startswith(("cookie", "-cookie", "only", "alleen")):
        return False
    return bool(_DETERMINER.search(text[max(0, match.start() - 12):match.start()]))


def _round_days(value: float) -> float:
    """Whole days as an int; fractions of a day kept to 6 decimals."""
    if abs(value - round(value)) < 1e-6:
        return int(round(value))
    return round(value, 6)
