"""A small, strict date parser for publication dates.

It understands the forms articles and feeds actually carry -- ISO dates and
timestamps, ``January 3, 2015``, ``Jan. 3 2015``, ``3 January 2015``,
``2015/01/03``, RFC 2822 (``Sat, 03 Jan 2015 10:00:00 GMT``) -- and returns
``YYYY-MM-DD`` or ``None``. It never guesses between day-first and month-first
numeric forms (``03/01/2015`` is ``None``): a wrong date is worse than none.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Optional

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?"
    r"|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
_ORD = r"(?:st|nd|rd|th)?"

# One regex source for "a date" in running text; used by the text metadata rules.
DATE_RE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{4}/\d{1,2}/\d{1,2}"
    rf"|{_WEEKDAY}{MONTH_NAME}\s+\d{{1,2}}{_ORD},?\s+\d{{4}}"
    rf"|{_WEEKDAY}\d{{1,2}}{_ORD}\s+(?:of\s+)?{MONTH_NAME},?\s+\d{{4}})"
)

_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:$|[T ])")
_MDY = re.compile(rf"^{_WEEKDAY}({MONTH_NAME})\s+(\d{{1,2}}){_ORD},?\s+(\d{{4}})\b", re.I)
_DMY = re.compile(rf"^{_WEEKDAY}(\d{{1,2}}){_ORD}\s+(?:of\s+)?({MONTH_NAME}),?\s+(\d{{4}})\b", re.I)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")

MIN_YEAR, MAX_YEAR = 1800, 2100


def parse_date(value: object) -> Optional[str]:
    """Normalise a date-like value to ``YYYY-MM-DD``; ``None`` when unsure or invalid."""
    if isinstance(value, datetime):
        return _iso(value.year, value.month, value.day)
    if isinstance(value, date):
        return _iso(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text:
        return None
    for parse in (_parse_iso, _parse_named, _parse_rfc2822):
        found = parse(text)
        if found:
            return found
    return None


def _parse_iso(text: str) -> Optional[str]:
    m = _ISO.match(text) or _COMPACT.match(text)
    if not m:
        return None
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _parse_named(text: str) -> Optional[str]:
    m = _MDY.match(text)
    if m:
        return _iso(int(m.group(3)), _month(m.group(1)), int(m.group(2)))
    m = _DMY.match(text)
    if m:
        return _iso(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
    return None


def _parse_rfc2822(text: str) -> Optional[str]:
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return _iso(parsed.year, parsed.month, parsed.day)


def _month(name: str) -> int:
    key = name.rstrip(".").lower()
    return MONTHS.get(key[:4] if key.startswith("sept") else key[:3], 0)


def _iso(year: int, month: int, day: int) -> Optional[str]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
