"""Scheduled work derived from database state: every tick asks each feature what is due now.

Nothing lives only in the scheduler (DESIGN §4): a job missed while the bot was down is simply
due at the next tick after start, and each job must be idempotent so it happens exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Generator, Iterator
from datetime import datetime

log = logging.getLogger(__name__)

# A job returns its summary, or a generator whose steps are each a whole state change (one
# transaction) or a read: a county's morning urges are thousands of them. A generator's summary is
# what it returns, or when it returns nothing the list of what its steps yielded.
Job = Callable[[datetime], object]
# The longest the scheduler holds the event loop before letting updates and pages through.
SLICE_SECONDS = 0.02


class Ticker:
    """The list of due-work checks the scheduler runs every minute."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}

    def register(self, name: str, job: Job) -> None:
        """Add a check; `job(now)` does whatever is due at `now` and returns a summary (or a
        generator of steps, see above)."""
        self.jobs[name] = job

    def run(self, now: datetime) -> dict[str, object]:
        """Run every check once, to the end; one failing check does not stop the others."""
        results: dict[str, object] = {}
        for _ in self._checks(now, results, None):
            pass
        return results

    async def run_on_loop(
        self,
        now: datetime,
        slice_seconds: float = SLICE_SECONDS,
        catch_up: Callable[[], Awaitable[object]] | None = None,
    ) -> dict:
        """Run every check once on the event loop, yielding to it every `slice_seconds`
        between steps, so a long check never holds up a person's update or a page.

        `catch_up`, when given, is awaited after each full slice before the next: the morning's
        sweep changes the figures of village after village (13,500 urges and closes in the
        bench's county), and a page between two slices would count every village changed since
        the last tick on the loop; caught up in the worker, it finds one slice's worth."""
        results: dict[str, object] = {}
        for sliced in self._checks(now, results, slice_seconds):
            if sliced and catch_up is not None:
                await catch_up()
            else:
                await asyncio.sleep(0)
        return results

    def _checks(
        self, now: datetime, results: dict[str, object], slice_seconds: float | None
    ) -> Iterator[bool]:
        """Run every check into `results`, pausing after each check (a yield of False) and, with
        `slice_seconds`, whenever that long has gone by between a check's steps (True)."""
        for name, job in self.jobs.items():
            try:
                result = job(now)
                if isinstance(result, Iterator):
                    result = yield from _steps(result, slice_seconds)
                results[name] = result
            except Exception:
                log.exception("scheduled job %s failed", name)
                results[name] = None
            yield False


def _steps(steps: Iterator, slice_seconds: float | None) -> Generator[bool, None, object]:
    """Take a stepped check to its end, pausing whenever `slice_seconds` have gone by; its
    summary is what it returns, or the list of what its steps yielded."""
    yielded: list[object] = []
    began = time.monotonic()
    while True:
        try:
            yielded.append(next(steps))
        except StopIteration as end:
            return yielded if end.value is None else end.value
        if slice_seconds is not None and time.monotonic() - began >= slice_seconds:
            yield True
            began = time.monotonic()


def run_to_end(steps: Iterator) -> object:
    """A stepped check taken to its end at once (outside the scheduler); its summary."""
    driver = _steps(steps, None)
    while True:
        try:
            next(driver)
        except StopIteration as end:
            return end.value
