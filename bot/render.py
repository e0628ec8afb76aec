"""Small text helpers shared by everything that renders for Telegram."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_time(moment: datetime, tz: ZoneInfo) -> str:
    """A time as people read it on the board: local, to the minute."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
