"""The scheduler's checks: run to the end, one failure isolated, long checks sliced on the loop."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from bot.services.ticks import Ticker

NOW = datetime(2026, 10, 21, 1, 0, tzinfo=UTC)


def slow_steps(count: int, seconds: float):
    def job(now: datetime):
        for step in range(count):
            time.sleep(seconds)  # one topic's transaction
            yield step

    return job


def counted(now: datetime):
    yield  # a read, letting the loop run
    yield
    return 5  # what the check did: its summary


def broken(now: datetime) -> int:
    raise RuntimeError("a check that fails")


def test_run_drains_stepped_checks_and_isolates_a_failing_one():
    ticker = Ticker()
    ticker.register("broken", broken)
    ticker.register("steps", slow_steps(3, 0))
    ticker.register("plain", lambda now: 7)
    ticker.register("counted", counted)
    assert ticker.run(NOW) == {"broken": None, "steps": [0, 1, 2], "plain": 7, "counted": 5}


async def test_a_long_check_lets_the_loop_run_between_its_slices():
    ticker = Ticker()
    ticker.register("urges", slow_steps(40, 0.003))
    ticker.register("broken", broken)
    ticker.register("counted", counted)
    turns = 0
    longest = 0.0

    async def someone_else() -> None:
        nonlocal turns, longest
        last = time.monotonic()
        while True:
            await asyncio.sleep(0)
            now = time.monotonic()
            turns, longest = turns + 1, max(longest, now - last)
            last = now

    other = asyncio.create_task(someone_else())
    await asyncio.sleep(0)
    results = await ticker.run_on_loop(NOW, slice_seconds=0.01)
    other.cancel()
    assert results == {"urges": list(range(40)), "broken": None, "counted": 5}
    assert turns >= 8  # 120 ms of steps in 10 ms slices
    assert longest < 0.09  # never the whole 120 ms at once


async def test_a_long_check_is_caught_up_after_each_slice_not_after_each_check():
    happened: list[str] = []

    def urges(now: datetime):
        for step in range(3):
            happened.append(f"urge {step}")
            yield step

    async def catch_up() -> None:
        happened.append("caught up")

    ticker = Ticker()
    ticker.register("urges", urges)
    ticker.register("plain", lambda now: happened.append("plain") or 7)
    results = await ticker.run_on_loop(NOW, slice_seconds=0, catch_up=catch_up)
    assert results == {"urges": [0, 1, 2], "plain": 7}
    # A slice of no length is one step: caught up after each; a check's end is not a slice
    # (the tick catches up once when every check is done).
    assert happened == [
        "urge 0", "caught up", "urge 1", "caught up", "urge 2", "caught up", "plain"
    ]  # fmt: skip
