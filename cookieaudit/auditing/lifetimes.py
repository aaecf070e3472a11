"""Comparing the lifetime a site asked for with the lifetime its statement declares.

The statement reader turns durations into days with fixed conventions (a month is 30 days,
a year 365, hours and minutes are fractions). Calendar months and years are longer, so a
declaration is read back into the span it can mean before it is compared:

* a whole number of years (a multiple of 365 days): ``n × 365.25 + 1`` days — "2 jaar" allows
  a 731-day cookie;
* else a whole number of months (a multiple of 30 days): ``n × 365.25 / 12 + 2`` days —
  "24 maanden" (720 days by the convention) allows the 730-day ``_ga``, "1 maand" a 31-day
  cookie, "13 maanden" 397 days;
* anything else (days, weeks, hours, minutes): the declared span plus 1 % and one minute,
  for clock and rounding differences between the write and the reading.

The observed side is ``max_age_days``, the lifetime the site *asked for* (a Set-Cookie
Max-Age or Expires, or a script's write), recorded to 4 decimals (about 9 seconds); never
Chromium's 400-day cap (``stored_max_age_days``). A cookie exceeds its declaration when its
asked-for lifetime is longer than the allowed span.
"""

from __future__ import annotations

from typing import Optional

__all__ = ["allowed_days", "exceeds", "format_days"]

YEAR = 365
MONTH = 30
_EPSILON = 1e-6


def _whole(value: float, unit: int) -> Optional[int]:
    count = value / unit
    rounded = round(count)
    return rounded if rounded >= 1 and abs(count - rounded) < _EPSILON else None


def allowed_days(declared_days: float) -> float:
    """The longest asked-for lifetime a declaration of ``declared_days`` covers (see the module docstring).

    >>> allowed_days(720)     # "24 maanden"
    732.5
    >>> allowed_days(365)     # "1 jaar"
    366.25
    >>> round(allowed_days(1 / 48), 4)  # "30 minuten"
    0.0217
    """
    years = _whole(declared_days, YEAR)
    if years is not None:
        return years * 365.25 + 1
    months = _whole(declared_days, MONTH)
    if months is not None:
        return months * 365.25 / 12 + 2
    return declared_days * 1.01 + 1 / 1440


def exceeds(observed_days: Optional[float], declared_days: Optional[float]) -> bool:
    """Whether a cookie asked for longer than the declared lifetime allows (False when either is unknown)."""
    if observed_days is None or declared_days is None or declared_days <= 0:
        return False
    return observed_days > allowed_days(declared_days)


_UNITS = {
    "en": {"day": ("day", "days"), "hour": ("hour", "hours"), "minute": ("minute", "minutes"),
           "second": ("second", "seconds")},
    "nl": {"day": ("dag", "dagen"), "hour": ("uur", "uur"), "minute": ("minuut", "minuten"),
           "second": ("seconde", "seconden")},
}


def format_days(days: Optional[float], lang: str = "en") -> str:
    """A lifetime for people: whole days from a day up (one decimal below ten), else hours, minutes or seconds.

    >>> format_days(730), format_days(1 / 48, "nl"), format_days(1.5)
    ('730 days', '30 minuten', '1.5 days')
    """
    if days is None:
        return "?"
    units = _UNITS.get(lang, _UNITS["en"])
    if days >= 1:
        value, unit = (round(days, 1) if days < 10 else round(days)), "day"
    elif days * 24 >= 1:
        value, unit = round(days * 24, 1), "hour"
    elif days * 1440 >= 1:
        value, unit = round(days * 1440), "minute"
    else:
        value, unit = round(days * 86400), "second"
    one, many = units[unit]
    text = f"{value:g}"
    if lang == "nl":
        text = text.replace(".", ",")
    return f"{text} {one if value == 1 else many}"
