"""What durability costs: updates handled per second through the stored-inbox pipeline
(each update written before it is confirmed, handled exactly once, replies sent) compared with
python-telegram-bot's stock updater answering the same command from memory, under the same
rate limiter (Telegram's ~30 messages/s overall), and the storage cost per update on its own.

Both run against the project's Bot API emulator on loopback in the same process and run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.ext import AIORateLimiter, Application, CommandHandler, ContextTypes

from bot.config import parse_config
from bot.sandbox.emulator import BotApiEmulator
from run import Runtime
from storage import inbox
from storage.db import Store

TOKEN = "777:BENCH"
USERS = range(5000, 5050)
UPDATES = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 400


async def _burst(emulator: BotApiEmulator, text: str) -> float:
    """Send UPDATES commands spread over the users; seconds until every reply arrived."""
    before = {uid: len(emulator.messages(uid)) for uid in USERS}
    start = time.perf_counter()
    for i in range(UPDATES):
        await emulator.send_text(USERS[i % len(USERS)], text)
    per_user = UPDATES // len(USERS)
    for uid in USERS:
        await emulator.wait_for_messages(uid, before[uid] + per_user, timeout=120)
    return time.perf_counter() - start


async def _baseline(emulator: BotApiEmulator) -> float:
    async def help_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_chat.send_message("您可以使用以下命令：/help /whoami")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(emulator.base_url)
        .rate_limiter(AIORateLimiter(max_retries=0))
        .build()
    )
    app.add_handler(CommandHandler("help", help_reply))
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        return await _burst(emulator, "/help")
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def _durable(emulator: BotApiEmulator, tmp: Path) -> float:
    config = parse_config(
        {
            "telegram": {"token": TOKEN, "base_url": emulator.base_url, "poll_timeout": 1},
            "storage": {"path": str(tmp / "bench.db")},
            "web": {"port": 0},
            "outbox": {"private_interval_seconds": 0},
            "villages": [{"code": "qingshan", "name": "青山村"}],
        },
        environ={},
    )
    runtime = Runtime(config)
    await runtime.start()
    try:
        return await _burst(emulator, "/help")
    finally:
        await runtime.stop()


def _storage_cost(tmp: Path) -> tuple[float, float]:
    """Microseconds per update to store, count and mark it done, and a read-only transaction."""
    store = Store(tmp / "cost.db")
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        with store.transaction() as db:
            inbox.counts(db)
    bare = (time.perf_counter() - start) / n * 1e6
    start = time.perf_counter()
    for i in range(n):
        with store.transaction() as db:
            inbox.store(db, [{"update_id": i, "message": {"text": "/help"}}])
        with store.transaction() as db:
            inbox.begin_attempt(db, i)
        with store.transaction() as db:
            inbox.mark_done(db, i)
    stored = (time.perf_counter() - start) / n * 1e6
    store.close()
    return stored, bare


async def main() -> None:
    """Measure both pipelines and print figures and the ratio."""
    emulator = BotApiEmulator()
    emulator.add_bot(TOKEN, "bench_bot")
    for uid in USERS:
        emulator.add_user(uid, f"村民{uid}")
    await emulator.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            baseline = await _baseline(emulator)
            durable = await _durable(emulator, Path(tmp))
            stored, bare = _storage_cost(Path(tmp))
    finally:
        await emulator.stop()
    print(f"inbox throughput, {UPDATES} updates from {len(USERS)} people over loopback")
    print(f"  baseline (PTB stock updater, in memory): {UPDATES / baseline:8.1f} updates/s")
    print(f"  durable inbox (stored, exactly once):    {UPDATES / durable:8.1f} updates/s")
    print(f"  ratio durable/baseline time: {durable / baseline:.2f}x")
    print("inbox storage per update (SQLite WAL, three transactions)")
    print(f"  baseline (one read-only transaction): {bare:8.1f} µs")
    print(f"  store + attempt + done:           {stored:8.1f} µs")
    print(f"  ratio: {stored / bare:.2f}x")
