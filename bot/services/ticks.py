"""Scheduled work derived from database state: every tick asks each feature what is due now.

Nothing lives only in the scheduler (DESIGN §4): a job missed while the bot was down is simply
due at the next tick after start, and each job must be idempotent so it happens exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime

log = logging.getLogger(__name__)

# A job returns its summary, or an iterator whose steps are each a whole state change (one
# transaction): a county's morning urges are thousands of them.
Job = Callable[[datetime], object]
# The longest the scheduler holds the event loop before letting updates and pages through.
SLICE_SECONDS = 0.02


class Ticker:
    """The list of due-work checks the scheduler runs every minute."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}

    def register(self, name: str, job: Job) -> None:
        """Add a check; `job(now)` does whatever is due at `now` and returns a summary (or an
        iterator of steps, the summary being the list of what they yield)."""
        self.jobs[name] = job

    def run(self, now: datetime) -> dict[str, object]:
        """Run every check once, to the end; one failing check does not stop the others."""
        results: dict[str, object] = {}
        for name, job in self.jobs.items():
            try:
                result = job(now)
                results[name] = list(result) if isinstance(result, Iterator) else result
            except Exception:
                log.exception("scheduled job %s failed", name)
                results[name] = None
        return results

    async def run_on_loop(self, now: datetime, slice_seconds: float = SLICE_SECONDS) -> dict:
        """Run every check once on the event loop, yielding to it every `slice_seconds`
        between steps, so a long check never holds up a person's update or a page."""
        results: dict[str, object] = {}
        for name, job in self.jobs.items():
            try:
                result = job(now)
                if isinstance(result, Iterator):
                    result = [step async for step in _sliced(result, slice_seconds)]
                results[name] = result
            except Exception:
                log.exception("scheduled job %s failed", name)
                results[name] = None
            await asyncio.sleep(0)
        return results


async def _sliced(steps: Iterator[object], slice_seconds: float) -> AsyncIterator[object]:
    """The steps, letting the loop run whenever a slice of time has gone by."""
    began = time.monotonic()
    for step in steps:
        yield step
        if time.monotonic() - began >= slice_seconds:
            await asyncio.sleep(0)
            began = time.monotonic()
