"""Scheduled work derived from database state: every tick asks each feature what is due now.

Nothing lives only in the scheduler (DESIGN §4): a job missed while the bot was down is simply
due at the next tick after start, and each job must be idempotent so it happens exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

log = logging.getLogger(__name__)

Job = Callable[[datetime], object]


class Ticker:
    """The list of due-work checks the scheduler runs every minute."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}

    def register(self, name: str, job: Job) -> None:
        """Add a check; `job(now)` does whatever is due at `now` and returns a summary."""
        self.jobs[name] = job

    def run(self, now: datetime) -> dict[str, object]:
        """Run every check once; one failing check does not stop the others."""
        results: dict[str, object] = {}
        for name, job in self.jobs.items():
            try:
                results[name] = job(now)
            except Exception:
                log.exception("scheduled job %s failed", name)
                results[name] = None
        return results
