"""Heavy work run off the event loop in a small bounded pool: reading workbooks, drawing charts,
laying out posters and writing files, so no upload or page stalls the bot for everyone.

State changes never run here: the work is pure (bytes in, bytes or rows out) and its result is
saved afterwards in one transaction on the loop's thread (DESIGN §7, exactly once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from bot.services.people import Denied

T = TypeVar("T")

WORKERS = 2  # the machine may have two cores; the loop keeps the rest
WAITING = 8  # jobs in hand (running or queued) before new ones are refused as busy


class Busy(Denied):
    """Too much heavy work in hand: try again in a moment."""

    def __init__(self) -> None:
        super().__init__("common.busy")


class HeavyWork:
    """A bounded thread pool for CPU-heavy pure work; closed when the bot stops."""

    def __init__(self, workers: int = WORKERS, waiting: int = WAITING) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="heavy")
        self.capacity = waiting
        self.in_hand = 0  # only touched on the loop's thread

    async def run(self, work: Callable[..., T], /, *args: object, **kwargs: object) -> T:
        """`work(*args, **kwargs)` in the pool; Busy when too many jobs are already in hand."""
        if self.in_hand >= self.capacity:
            raise Busy()
        self.in_hand += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, partial(work, *args, **kwargs))
        finally:
            self.in_hand -= 1

    def close(self) -> None:
        """Finish the jobs running, drop the queued ones, stop the threads."""
        self._pool.shutdown(wait=True, cancel_futures=True)
