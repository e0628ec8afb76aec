"""The one clock of a running bot: every service reads "now" from it, and tests move it."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.times import utcnow


class Clock:
    """The real time, unless a test (or the sandbox) has set it to a fixed moment."""

    def __init__(self, at: datetime | None = None) -> None:
        self._at = at

    def now(self) -> datetime:
        """The current moment, an aware datetime."""
        return utcnow() if self._at is None else self._at

    def set(self, at: datetime | None) -> None:
        """Stop the clock at `at` (None: follow the real time again)."""
        if at is not None and at.tzinfo is None:
            raise ValueError("the clock keeps aware datetimes only")
        self._at = at

    def advance(self, delta: timedelta) -> None:
        """Move a stopped clock forward."""
        self.set(self.now() + delta)
