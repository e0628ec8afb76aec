"""Nothing a person sent or is owed is lost in a crash (DESIGN §7): the real bot, killed with
SIGKILL mid-way, restarted, and checked in its SQLite file and the emulator's chats."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.delivery.messages import Text, queue
from bot.sandbox.emulator import BotApiEmulator
from storage import outbox
from storage.db import Store
from tests.conftest import STAFF, TOKEN, eventually
from tests.procs import BotProcess, bot_config, write_config

USERS = list(range(2001, 2041))


@pytest.fixture
def config_path(tmp_path: Path, emulator: BotApiEmulator) -> Path:
    data = bot_config(tmp_path, token=TOKEN, base_url=emulator.base_url, staff=STAFF)
    return write_config(tmp_path / "bot.toml", data)


@pytest.fixture
def bot(tmp_path: Path, config_path: Path) -> Iterator[BotProcess]:
    """`run.py --config bot.toml serve` as a subprocess; not started yet, always killed after."""
    process = BotProcess(tmp_path, "--config", str(config_path), "serve")
    yield process
    process.cleanup()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "village.db"


def query(db_path: Path, sql: str, *params: object) -> list[tuple]:
    """Read the bot's database through a connection of our own (the bot may be running)."""
    if not db_path.exists():
        return []
    conn = sqlite3.connect(db_path, timeout=5)
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):  # the bot has not migrated the file yet
            return []
        raise
    finally:
        conn.close()


def inbox_counts(db_path: Path) -> dict[str, int]:
    return dict(query(db_path, "SELECT status, count(*) FROM inbox GROUP BY status"))


def sends(emulator: BotApiEmulator, users: list[int]) -> int:
    """sendMessage requests that reached the emulator for these chats (delivered or in flight)."""
    wanted = set(users)
    return sum(
        1
        for r in emulator.request_log()
        if r.method == "sendMessage" and int(r.params.get("chat_id", 0)) in wanted
    )


def delivered(emulator: BotApiEmulator, users: list[int]) -> dict[int, int]:
    return {uid: len(emulator.messages(uid)) for uid in users}


async def bot_is_polling(emulator: BotApiEmulator, bot: BotProcess) -> None:
    def polling() -> bool:
        assert bot.alive(), bot.log()
        return any(r.method == "getUpdates" for r in emulator.request_log())

    await eventually(polling, within=30)


async def kill_while_a_send_is_in_flight(
    emulator: BotApiEmulator, bot: BotProcess, users: list[int], at_least: int
) -> int:
    """SIGKILL the bot once `at_least` messages arrived and the next is inside the emulator's
    delay (so the kill lands mid-burst, with a send in flight); returns what was delivered."""

    def ready() -> bool:
        assert bot.alive(), bot.log()
        done = sum(delivered(emulator, users).values())
        return at_least <= done < len(users) and sends(emulator, users) > done

    await eventually(ready, within=30)
    bot.signal(signal.SIGKILL)
    await bot.wait(10)
    return sum(delivered(emulator, users).values())


async def test_burst_killed_mid_way_every_update_handled_exactly_once(
    emulator: BotApiEmulator, bot: BotProcess, db_path: Path
) -> None:
    for uid in USERS:
        emulator.add_user(uid, f"村民{uid}", language_code="zh-hans")
    bot.die_after = "set_language:10"  # SIGKILL right after the 10th change commits
    bot.start()
    await bot_is_polling(emulator, bot)

    sent = [await emulator.send_text(uid, "/language en") for uid in USERS]
    update_ids = sorted(u["update_id"] for u in sent)
    assert await bot.wait(30) == -signal.SIGKILL

    counts = inbox_counts(db_path)
    assert counts.get("done", 0) == 10, counts
    # The rest is stored but not handled, or not yet confirmed to Telegram (which will then
    # deliver it again, and the inbox will recognise it): none of it is lost.
    unconfirmed = {u["update_id"] for u in emulator.pending_updates()}
    stored = {row[0] for row in query(db_path, "SELECT update_id FROM inbox")}
    assert set(update_ids) <= stored | unconfirmed
    english = query(db_path, "SELECT count(*) FROM users WHERE language = 'en'")[0][0]
    assert english == 10

    bot.die_after = ""
    bot.start()

    def all_handled() -> bool:
        assert bot.alive(), bot.log()
        english = query(db_path, "SELECT count(*) FROM users WHERE language = 'en'")[0][0]
        return english == len(USERS) and inbox_counts(db_path).get("pending", 0) == 0

    await eventually(all_handled, within=20)

    # Exactly once: one audit event per person, however often the update was fetched.
    events = dict(
        query(
            db_path,
            "SELECT subject, count(*) FROM audit_events WHERE action = 'user.language' "
            "GROUP BY subject",
        )
    )
    assert events == {f"user:{uid}": 1 for uid in USERS}
    # No update lost: each one is in the inbox, handled.
    rows = dict(query(db_path, "SELECT update_id, status FROM inbox"))
    assert {uid: rows.get(uid) for uid in update_ids} == dict.fromkeys(update_ids, "done")
    # Everyone got their answer; only the one in flight at the kill may have come twice.
    await eventually(lambda: all(n >= 1 for n in delivered(emulator, USERS).values()), within=10)
    per_user = delivered(emulator, USERS)
    assert all(1 <= n <= 2 for n in per_user.values()), per_user
    assert sum(per_user.values()) <= len(USERS) + 1, per_user
    # Telegram is told about every update, and the menus they queued all went out.
    await eventually(lambda: not emulator.pending_updates(), within=10)
    await eventually(
        lambda: not query(db_path, "SELECT id FROM outbox WHERE status != 'sent'"), within=10
    )


async def test_outbox_survives_a_kill(
    emulator: BotApiEmulator, bot: BotProcess, db_path: Path
) -> None:
    people = USERS[:25]
    for uid in people:
        emulator.add_user(uid, f"村民{uid}", language_code="zh-hans")
    store = Store(db_path)
    with store.transaction() as db:
        for uid in people:
            queue(db, f"notice:{uid}", uid, Text(f"通知 {uid}"), priority=outbox.NORMAL)
    store.close()

    emulator.inject_fault("sendMessage", kind="delay", delay=0.15, times=-1)
    bot.start()
    replied = await kill_while_a_send_is_in_flight(emulator, bot, people, at_least=5)
    assert 5 <= replied < len(people)
    pending = query(db_path, "SELECT count(*) FROM outbox WHERE status = 'pending'")[0][0]
    assert pending > 0

    emulator.clear_faults()
    bot.start()

    def all_sent() -> bool:
        assert bot.alive(), bot.log()
        rows = query(db_path, "SELECT status FROM outbox WHERE idempotency_key LIKE 'notice:%'")
        return len(rows) == len(people) and all(status == "sent" for (status,) in rows)

    await eventually(all_sent, within=20)
    for uid in people:
        texts = [m.get("text") for m in emulator.messages(uid)]
        assert 1 <= len(texts) <= 2 and set(texts) == {f"通知 {uid}"}, (uid, texts)
    # Only the send in flight at the kill may have gone twice (DESIGN §7, `[outbox] in_flight`).
    assert sum(delivered(emulator, people).values()) <= len(people) + 1


async def test_answer_owed_for_a_handled_update_survives_a_kill(
    tmp_path: Path, emulator: BotApiEmulator, config_path: Path, bot: BotProcess, db_path: Path
) -> None:
    """Killed after `/language en` committed but before the answer went out: the change is kept
    and the update is done, so the answer the person is owed must still reach them (DESIGN §7:
    "A receipt or answer the person is owed goes through the outbox, so it is sent after a
    restart too")."""
    uid = USERS[0]
    emulator.add_user(uid, "王秀英", language_code="zh-hans")
    dying = BotProcess(
        tmp_path, "--config", str(config_path), "serve", name="dying", die_after="set_language"
    )
    try:
        dying.start()
        await bot_is_polling(emulator, dying)
        await emulator.send_text(uid, "/language en")
        await dying.wait(20)
    finally:
        dying.cleanup()
    assert dying.proc is not None and dying.proc.returncode == -signal.SIGKILL, dying.log()
    assert query(db_path, "SELECT language FROM users WHERE user_id = ?", uid) == [("en",)]
    assert inbox_counts(db_path) == {"done": 1}

    bot.start()
    await eventually(lambda: not emulator.pending_updates(), within=20)
    await eventually(
        lambda: not query(db_path, "SELECT id FROM outbox WHERE status != 'sent'"), within=10
    )
    # The change is not applied twice ...
    events = query(db_path, "SELECT count(*) FROM audit_events WHERE action = 'user.language'")
    assert events == [(1,)]
    # ... and the person hears that it was made.
    await emulator.wait_for_messages(uid, 1, timeout=5)
