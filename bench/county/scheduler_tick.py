"""The scheduler's morning tick at county scale: every check run on the loop as `run.py` runs it
(the overdue urges, unrated closes and digest included), on a copy of each database, with the
loop's longest hold measured by a task that wakes between the tick's slices."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path

from bench.county.county_db import Shape, config_data
from bot.config import parse_config
from bot.services.bundle import Services
from storage.db import Store


@dataclass
class Tick:
    seconds: float  # the whole tick, wall time
    steps: int  # urges and closes done (one topic each)
    longest_ms: float  # the longest the loop was held without a turn for anyone else


async def _run(services: Services, at: datetime) -> Tick:
    longest = 0.0

    async def watcher() -> None:
        nonlocal longest
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0)
            now = time.perf_counter()
            longest, last = max(longest, now - last), now

    watching = asyncio.create_task(watcher())
    await asyncio.sleep(0)
    began = time.perf_counter()
    results = await services.ticker.run_on_loop(at)
    seconds = time.perf_counter() - began
    watching.cancel()
    steps = sum(len(v) for v in results.values() if isinstance(v, list))
    return Tick(seconds, steps, longest * 1000)


def measure(shape: Shape, database: Path) -> Tick:
    """The first tick after the digest time on this database (it writes: use a copy)."""
    data = {"telegram": {"token": "1:BENCH"}, **config_data(shape, database)}
    store = Store(database)
    services = Services.build(parse_config(data, source="<bench>", environ={}), store)
    try:
        services.membership.sync_config()
        ctx = services.ctx
        digest = ctx.config.topics.digest_hour_minute
        at = datetime.combine(ctx.local_date(ctx.now()), clock_time(*digest), tzinfo=ctx.tz)
        return asyncio.run(_run(services, at))
    finally:
        services.heavy.close()
        store.close()
