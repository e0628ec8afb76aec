"""Periods people name in chat and on the web: a quarter, a month, a year or a day (DESIGN §4).

One parser reads every way people write them; each wing decides which kinds it accepts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

# Years a period may name: anything else is a typo, not a request.
YEARS = (2000, 2099)

_SEP = r"\s*(?:-|/|年)\s*"
_QUARTER = re.compile(
    r"(\d{4})\s*(?:q\s*([1-4])|年\s*第?\s*([1-4一二三四]))\s*(?:季度?)?", re.IGNORECASE
)
_MONTH = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}})\s*月?")
_DAY = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}})\s*(?:-|/|月)\s*(\d{{1,2}})\s*日?")
_YEAR = re.compile(r"(\d{4})\s*年?")
_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4}


@dataclass(frozen=True, slots=True)
class Period:
    """A named stretch of days: ``2026Q3``, ``2026-09``, ``2026`` or ``2026-09-15``."""

    text: str
    kind: str  # quarter | month | year | day
    first: date
    last: date

    @property
    def year(self) -> int:
        return self.first.year

    @classmethod
    def quarter(cls, year: int, number: int) -> Period:
        first = date(year, 3 * number - 2, 1)
        return cls(f"{year}Q{number}", "quarter", first, _month_after(year, 3 * number) - _DAY1)

    @classmethod
    def month(cls, year: int, number: int) -> Period:
        first = date(year, number, 1)
        return cls(f"{year}-{number:02d}", "month", first, _month_after(year, number) - _DAY1)

    @classmethod
    def whole_year(cls, year: int) -> Period:
        return cls(str(year), "year", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def day(cls, day: date) -> Period:
        return cls(day.isoformat(), "day", day, day)


_DAY1 = timedelta(days=1)


def _month_after(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, 1)


def parse_period(text: str | None) -> Period | None:
    """Read a period as people write it (2026Q3, 2026年第三季度, 2026年9月, 2026-09-15, 2026年,
    full-width digits too); None for anything else or a year outside ``YEARS``."""
    s = unicodedata.normalize("NFKC", text or "").strip()
    year = re.match(r"\d{4}", s)
    if year is None or not YEARS[0] <= int(year.group()) <= YEARS[1]:
        return None
    return _read(s)


def _read(s: str) -> Period | None:
    if m := _DAY.fullmatch(s):
        try:
            return Period.day(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            return None
    if m := _QUARTER.fullmatch(s):
        number = m.group(2) or m.group(3)
        return Period.quarter(int(m.group(1)), _CN_QUARTER.get(number) or int(number))
    if (m := _MONTH.fullmatch(s)) and 1 <= int(m.group(2)) <= 12:
        return Period.month(int(m.group(1)), int(m.group(2)))
    if m := _YEAR.fullmatch(s):
        return Period.whole_year(int(m.group(1)))
    return None


def quarter_of(day: date) -> Period:
    """The quarter containing a day."""
    return Period.quarter(day.year, (day.month - 1) // 3 + 1)


def previous_quarter(day: date) -> Period:
    """The quarter before the one containing a day."""
    return quarter_of(quarter_of(day).first - _DAY1)


def is_first_month_of_quarter(day: date) -> bool:
    return day.month in (1, 4, 7, 10)
