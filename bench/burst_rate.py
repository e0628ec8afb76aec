"""The broadcast row: how close a burst of queued messages gets to the configured overall cap,
with a proxy in front of the emulator enforcing that cap (sends past it get 429) and counting.

Target (the performance issue): ≥ 98% of the configured cap, with no 429.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

from bench.rate_cap import RateCap, project_behind_cap
from bot.delivery.messages import Text, queue
from bot.sandbox.emulator import BotApiEmulator
from storage import outbox, villages
from storage.db import Store

TOKEN = "777:BENCH"
CAP = 25  # the configured overall cap, messages per second (the default)
PEOPLE = range(30_000, 30_500)
TARGET = 0.98


@dataclass(frozen=True)
class Burst:
    messages: int
    rate: float  # messages delivered per second, first to last
    refused: int  # 429s the cap gave


def _seed(database: Path) -> None:
    store = Store(database)
    with store.transaction() as db:
        villages.sync(db, [("qingshan", "青山村", None)])
        for uid in PEOPLE:
            queue(db, f"bulk:{uid}", uid, Text("本季度财务已公开，请查看。"), priority=outbox.BULK)
    store.close()


async def measure(emulator: BotApiEmulator, tmp: Path) -> Burst:
    """Queue the broadcast, start the bot behind the cap, and time its delivery."""
    for uid in PEOPLE:
        emulator.add_user(uid, f"村民{uid}")
    cap = RateCap(emulator.url, CAP, time.monotonic, wanted=len(PEOPLE))
    await cap.start()
    database = tmp / "burst.db"
    _seed(database)
    bot = await project_behind_cap(emulator, cap, TOKEN, database, "qingshan")
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(cap.all_sent.wait(), timeout=3 * len(PEOPLE) / CAP)
    finally:
        await bot.stop()
        await cap.stop()
    sent = cap.sent
    rate = (len(sent) - 1) / (sent[-1] - sent[0]) if len(sent) > 1 else 0.0
    return Burst(len(sent), rate, cap.refused)


def report(burst: Burst) -> list[str]:
    """Printable lines with the ratio against the target."""
    share = burst.rate / CAP
    verdict = "met" if share >= TARGET and burst.refused == 0 else "NOT met"
    return [
        f"burst delivery: {len(PEOPLE)} messages queued, cap {CAP}/s enforced (429 past it)",
        f"  delivered {burst.messages} at {burst.rate:.1f} msg/s = {share:.1%} of the cap; "
        f"{burst.refused} refused with 429 (target ≥ {TARGET:.0%}, no 429: {verdict})",
    ]
