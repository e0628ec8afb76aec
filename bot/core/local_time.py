"""Local time: days and times in the township's zone, and times as people read them."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo


def local_time(moment: datetime | None, tz: ZoneInfo) -> str:
    """``2026-09-15 08:30`` in the township's zone; empty for no moment."""
    return "" if moment is None else moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The township's calendar day at a moment."""
    return moment.astimezone(tz).date()


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The moment a local calendar day begins."""
    return datetime.combine(day, time(0), tz)
