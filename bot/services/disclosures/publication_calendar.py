"""The quarterly calendar of disclosures (DESIGN §4; SCH-01, SCH-02, SCH-07, SCH-09)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import DisclosureConfig
from bot.core.periods import Period, is_first_month_of_quarter, parse_period

# A disclosure covers a quarter or a month (regular items) or a day (ad-hoc items), never a year.
KINDS = ("quarter", "month", "day")


def disclosure_period(text: str) -> Period | None:
    """The period a disclosure covers, as people write it; None if it names none or a year."""
    period = parse_period(text)
    return period if period is not None and period.kind in KINDS else None


def publication_month(period: Period) -> tuple[int, int] | None:
    """(year, month) in which a regular item is published: the month after its period ends."""
    if period.kind not in ("quarter", "month"):
        return None
    following = period.last + timedelta(days=1)
    return following.year, following.month


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
    period = disclosure_period(period_text)
    if major or correction or period is None:
        return now
    month = publication_month(period)
    if month is None:
        return now
    hour, minute = config.publish_hour_minute
    due = datetime(month[0], month[1], config.publish_day, hour, minute, tzinfo=tz)
    return max(due, now)


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
