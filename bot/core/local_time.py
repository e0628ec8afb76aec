"""Times as people read them: local to the township, to the minute."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_time(moment: datetime | None, tz: ZoneInfo) -> str:
    """``2026-09-15 08:30`` in the township's zone; empty for no moment."""
    return "" if moment is None else moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
