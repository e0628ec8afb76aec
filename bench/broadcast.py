"""The broadcast rows: a disclosure's notices to 10,000 subscribers leaving through a proxy that
enforces the overall cap (429 past it), and a resident's command answered while they leave.

The bot runs with the configured default cap (25 a second; the config allows at most 30, Telegram's
own limit), so all 10,000 would take close to seven minutes: the bench measures a `WINDOW` of the
sending instead and extrapolates the whole from its rate. The notices are queued as publishing
queues them (one low-priority notice per subscriber, followed as one broadcast), written by the
bench into the running bot's database; the first command after that wakes the sender.

Targets (the performance issue): ≥ 98% of the cap, no 429 caused by the bot, and a resident's
command p99 during the broadcast ≤ 2x the p99 when idle. While people talk the sender keeps one
place of the cap free for their replies (bot/delivery/pacing.py), so after the window with commands
the bench also measures a `QUIET` stretch with nobody talking, from `TALKING` seconds after the last
command on, when the broadcast may take every place.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from bench.rate_cap import RateCap, project_behind_cap
from bot.delivery.pacing import TALKING
from bot.sandbox.emulator import BotApiEmulator
from bot.services import notify
from storage import broadcasts, disclosure_subscriptions, members, outbox, users, villages
from storage.db import Store
from storage.times import utcnow

TOKEN = "777:BENCH"
CAP = 25  # the configured overall cap (the default)
SUBSCRIBERS = range(40_000, 50_000)
# Residents who ask, in turn, so none is asked to wait for their chat's one message a second.
RESIDENTS = range(39_900, 39_905)
AUTHOR = 39_999  # the official who published, told the progress
VILLAGE = "qingshan"
WINDOW = 60.0  # seconds of sending measured
ASKS = 60  # commands timed when idle, one every `ASK_EVERY`
ASK_EVERY = 0.25
QUIET = 20.0  # seconds of sending measured with nobody talking
TARGET_RATE = 0.98
TARGET_SLOWER = 2.0


@dataclass(frozen=True)
class Broadcast:
    sent: int  # notices through the cap within the window
    rate: float  # messages a second through the cap, first to last in the window
    refused: int  # 429s the cap gave
    quiet_rate: float  # the same with nobody talking
    idle_p99_ms: float
    busy_p99_ms: float
    idle_p50_ms: float
    busy_p50_ms: float


def _seed(database: Path) -> None:
    """The village, its residents who ask, the author, and 10,000 subscribers."""
    store = Store(database)
    with store.transaction() as db:
        villages.sync(db, [(VILLAGE, "青山村", None)])
        for uid in (*RESIDENTS, AUTHOR, *SUBSCRIBERS):
            users.seen(db, uid, f"村民{uid}", None, None, "zh-hans")
        for uid in RESIDENTS:
            members.add(db, uid, "resident", VILLAGE)
        members.add(db, AUTHOR, "official", VILLAGE)
        for uid in SUBSCRIBERS:
            members.add(db, uid, "resident", VILLAGE)
            disclosure_subscriptions.subscribe(db, uid, VILLAGE, "finance")
    store.close()


def _publish(database: Path) -> None:
    """Queue the notices as publishing a finance disclosure does, in one transaction."""
    store = Store(database)
    prefix = "publish:1:sub:"
    with store.transaction() as db:
        subscribers = disclosure_subscriptions.subscribers(db, VILLAGE, "finance")
        broadcasts.start(db, prefix, AUTHOR, "zh-CN", len(subscribers), utcnow())
        for uid in subscribers:
            notify.message(
                db,
                f"{prefix}{uid}",
                uid,
                "zh-CN",
                "disc.subscriber_notice",
                id=1,
                title="2026年第四季度财务收支",
                village="青山村",
                category="finance",
                priority=outbox.BULK,
            )
    store.close()


async def _ask(emulator: BotApiEmulator, turn: int) -> float:
    """Seconds from a resident's command to its answer."""
    resident = RESIDENTS[turn % len(RESIDENTS)]
    before = len(emulator.messages(resident))
    start = time.perf_counter()
    await emulator.send_text(resident, "/whoami", token=TOKEN)
    await emulator.wait_for_messages(resident, before + 1, timeout=30)
    took = time.perf_counter() - start
    await asyncio.sleep(start + ASK_EVERY - time.perf_counter())
    return took


def _p50(times: list[float]) -> float:
    return sorted(times)[len(times) // 2] * 1e3


def _p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1e3


async def measure(emulator: BotApiEmulator, tmp: Path) -> Broadcast:
    """Idle commands, then the broadcast queued and a `WINDOW` of it measured with commands."""
    for uid in (*RESIDENTS, AUTHOR, *SUBSCRIBERS):
        emulator.add_user(uid, f"村民{uid}")
    cap = RateCap(emulator.url, CAP, time.monotonic, wanted=len(SUBSCRIBERS))
    await cap.start()
    database = tmp / "broadcast.db"
    _seed(database)
    bot = await project_behind_cap(emulator, cap, TOKEN, database, VILLAGE)
    try:
        idle = [await _ask(emulator, turn) for turn in range(ASKS)]
        await asyncio.to_thread(_publish, database)
        started = len(cap.sent)
        busy, until = [], time.monotonic() + WINDOW
        while time.monotonic() < until:
            busy.append(await _ask(emulator, len(busy)))
        talked = len(cap.sent)
        await asyncio.sleep(TALKING + 0.5)
        quiet = len(cap.sent)
        await asyncio.sleep(QUIET)
    finally:
        await bot.stop()
        await cap.stop()
    sent = cap.sent[started:talked]
    figures = (_p99(idle), _p99(busy), _p50(idle), _p50(busy))
    return Broadcast(len(sent), _rate(sent), cap.refused, _rate(cap.sent[quiet:]), *figures)


def _rate(sent: list[float]) -> float:
    """Messages a second through the cap, first to last."""
    return (len(sent) - 1) / (sent[-1] - sent[0]) if len(sent) > 1 else 0.0


def report(result: Broadcast) -> list[str]:
    """Printable lines with each ratio against its target."""
    share = result.rate / CAP
    rate_ok = share >= TARGET_RATE and result.refused == 0
    slower = result.busy_p99_ms / result.idle_p99_ms
    whole = len(SUBSCRIBERS) / result.rate if result.rate else float("inf")
    return [
        f"broadcast: {len(SUBSCRIBERS):,} subscribers notified, cap {CAP}/s enforced; "
        f"{WINDOW:.0f} s of it measured",
        f"  {result.sent} sent at {result.rate:.1f} msg/s = {share:.1%} of the cap, "
        f"{result.refused} refused with 429 (all {len(SUBSCRIBERS):,} in about {whole:.0f} s) "
        f"(target ≥ {TARGET_RATE:.0%}, no 429: {'met' if rate_ok else 'NOT met'})",
        f"  with nobody talking ({QUIET:.0f} s after it): {result.quiet_rate:.1f} msg/s = "
        f"{result.quiet_rate / CAP:.1%} of the cap",
        f"  a resident's command p99: idle {result.idle_p99_ms:.1f} ms, during "
        f"{result.busy_p99_ms:.1f} ms = {slower:.2f}x "
        f"(target ≤ {TARGET_SLOWER}x: {'met' if slower <= TARGET_SLOWER else 'NOT met'}); "
        f"p50 idle {result.idle_p50_ms:.1f} ms, during {result.busy_p50_ms:.1f} ms",
    ]
