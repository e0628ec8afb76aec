"""How times are stored: aware UTC datetimes as sortable ISO-8601 text."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    """Render an aware datetime for storage."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def now_text() -> str:
    """The current time, ready to store."""
    return to_text(utcnow())


def from_text(value: str | None) -> datetime | None:
    """Parse a stored time back into an aware datetime."""
    return None if value is None else datetime.fromisoformat(value)


def day_from_text(value: str | None) -> date | None:
    """Parse a stored local calendar date (`YYYY-MM-DD`)."""
    return None if value is None else date.fromisoformat(value)
