"""Periods and the quarterly calendar of disclosures (DESIGN §4; SCH-01, SCH-02, SCH-07, SCH-09)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.config import DisclosureConfig

_QUARTER = re.compile(r"(\d{4})\s*(?:q|年\s*第?\s*)([1-4一二三四])\s*(?:季度?)?", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*月?")
_DAY = re.compile(r"(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*(?:-|/|月)\s*(\d{1,2})\s*日?")
_CN = {"一": "1", "二": "2", "三": "3", "四": "4"}


@dataclass(frozen=True, slots=True)
class Period:
    """A quarter (``2026Q3``), a month (``2026-09``) or a day for ad-hoc items (``2026-09-15``)."""

    text: str
    kind: str  # quarter | month | day

    @property
    def year(self) -> int:
        return int(self.text[:4])


def parse_period(text: str) -> Period | None:
    """Read a period as people write it: 2026Q3, 2026年第3季度, 2026-09, 2026年9月, 2026-09-15."""
    s = text.strip()
    if m := _DAY.fullmatch(s):
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        return Period(day.isoformat(), "day") if 2000 <= day.year <= 2100 else None
    if m := _QUARTER.fullmatch(s):
        year, quarter = int(m.group(1)), _CN.get(m.group(2), m.group(2))
        return Period(f"{year}Q{quarter}", "quarter") if 2000 <= year <= 2100 else None
    if m := _MONTH.fullmatch(s):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return Period(f"{year}-{month:02d}", "month")
    return None


def previous_quarter(local_day: date) -> str:
    """The quarter disclosed in the quarter containing this day (SCH-01: the one before)."""
    quarter = (local_day.month - 1) // 3 + 1
    if quarter == 1:
        return f"{local_day.year - 1}Q4"
    return f"{local_day.year}Q{quarter - 1}"


def publication_month(period: Period) -> tuple[int, int] | None:
    """(year, month) in which a regular item is published: the month after its period ends."""
    year = period.year
    if period.kind == "quarter":
        quarter = int(period.text[-1])
        return (year + 1, 1) if quarter == 4 else (year, quarter * 3 + 1)
    if period.kind == "month":
        month = int(period.text[5:7])
        return (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def publish_due(
    period_text: str,
    *,
    major: bool,
    correction: bool,
    now: datetime,
    config: DisclosureConfig,
    tz: ZoneInfo,
) -> datetime:
    """When an item approved at ``now`` is published.

    Major items (SCH-02), corrections (SCH-07) and ad-hoc dated items (SCH-04) at once; quarterly
    and monthly items on the configured day and time of the following month (SCH-01), or at once
    when that moment has already passed (a late disclosure is still published, exactly once).
    """
    period = parse_period(period_text)
    if major or correction or period is None:
        return now
    month = publication_month(period)
    if month is None:
        return now
    hour, minute = config.publish_hour_minute
    due = datetime(month[0], month[1], config.publish_day, hour, minute, tzinfo=tz)
    return max(due, now)


def is_first_month_of_quarter(local_day: date) -> bool:
    return local_day.month in (1, 4, 7, 10)


def reminder_due(local_day: date, config: DisclosureConfig) -> int | None:
    """The latest reminder day reached this month (SCH-01), or None; only one is ever sent late."""
    if not is_first_month_of_quarter(local_day):
        return None
    reached = [d for d in config.reminder_days if d <= local_day.day]
    if not reached or local_day.day > config.deadline_day:
        return None
    return max(reached)


def township_alert_due(local_day: date, config: DisclosureConfig) -> bool:
    """Whether the township is to be told of villages that missed the deadline (SCH-09)."""
    return is_first_month_of_quarter(local_day) and local_day.day >= config.township_alert_day
