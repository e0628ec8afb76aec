"""The outbox worker against the emulator: blocked people, 429 retry_after, and priorities."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bot.delivery import messages
from bot.delivery.messages import Text
from run import Runtime
from storage import outbox, users
from tests.conftest import eventually, make_config


@pytest.fixture
async def slow_runtime(tmp_path, emulator) -> AsyncIterator[Runtime]:
    """A bot allowed only five messages a second overall, so a queue builds up."""
    rt = Runtime(make_config(tmp_path, emulator, outbox={"global_per_second": 5}))
    await rt.start()
    yield rt
    await rt.stop()


def queue(rt: Runtime, key: str, chat_id: int, text: str, priority: int = outbox.NORMAL) -> None:
    with rt.store.transaction() as db:
        messages.queue(db, key, chat_id, Text(text), priority=priority)


def sends(emulator, chat_id: int) -> list[float]:
    return [
        r.at
        for r in emulator.request_log()
        if r.method.lower() == "sendmessage" and int(r.params.get("chat_id", 0)) == chat_id
    ]


async def test_blocked_person_and_retry_after_in_the_middle(runtime, emulator):
    with runtime.store.transaction() as db:
        for uid in (1001, 1002, 1003):
            users.seen(db, uid, str(uid), None, None, "zh-hans")
    emulator.block(1001)
    emulator.inject_fault("sendMessage", kind="retry_after", chat_id=1002, retry_after=1)
    for uid in (1001, 1002, 1003):
        queue(runtime, f"first:{uid}", uid, f"第一条 {uid}")
    queue(runtime, "second:1001", 1001, "第二条")
    queue(runtime, "second:1003", 1003, "第二条")

    db = runtime.store.db
    await eventually(lambda: outbox.counts(db).get("pending", 0) == 0, within=10)
    assert [m.status for m in outbox.for_chat(db, 1001)] == ["failed", "failed"]
    assert users.get(db, 1001).active is False
    assert [m.status for m in outbox.for_chat(db, 1002)] == ["sent"]
    assert [m.status for m in outbox.for_chat(db, 1003)] == ["sent", "sent"]
    assert len(emulator.messages(1002)) == 1
    assert len(emulator.messages(1003)) == 2
    attempts = sends(emulator, 1002)
    assert len(attempts) == 2 and attempts[1] - attempts[0] >= 0.95
    # The pause was for chat 1002 only: 1003's messages did not wait for it.
    assert max(sends(emulator, 1003)) < attempts[1]
    # Writing to the bot again makes the person reachable again.
    emulator.unblock(1001)
    await emulator.send_text(1001, "/help")
    await eventually(lambda: users.get(db, 1001).active)


def queue_broadcast(rt, emulator, count: int) -> list[int]:
    """A bulk notice queued to `count` residents (3000 on), as publishing queues one."""
    broadcast = list(range(3000, 3000 + count))
    for uid in broadcast:
        emulator.add_user(uid, f"村民{uid}")
    with rt.store.transaction() as db:
        for uid in broadcast:
            messages.queue(db, f"bulk:{uid}", uid, Text("本季度财务已公开"), priority=outbox.BULK)
    return broadcast


async def test_a_reply_overtakes_a_broadcast(slow_runtime, emulator):
    rt = slow_runtime
    broadcast = queue_broadcast(rt, emulator, 30)
    await eventually(lambda: len(sends(emulator, 3000)) == 1)
    queued_at = time.monotonic()
    queue(rt, "reply:1001", 1001, "您的点题回执", priority=outbox.INTERACTIVE)
    await eventually(lambda: sends(emulator, 1001))
    replied_at = sends(emulator, 1001)[0]
    overtaken = [t for uid in broadcast for t in sends(emulator, uid) if queued_at < t < replied_at]
    # The reply waited only for the overall limit to free a slot, not for the broadcast.
    assert len(overtaken) <= 5, len(overtaken)
    await eventually(lambda: outbox.counts(rt.store.db).get("pending", 0) == 0, within=15)
    # Overall pace stayed within the configured five a second. The emulator stamps arrivals,
    # which jitter under load, so the pace is checked over the whole broadcast, and any six
    # consecutive sends must still be spread out (no burst after a stall).
    times = sorted(t for uid in broadcast for t in sends(emulator, uid))
    assert times[-1] - times[0] >= (len(times) - 5) / 5 * 0.95
    assert all(b - a >= 0.5 for a, b in zip(times, times[5:], strict=False))


def most_in_a_second(times: list[float]) -> int:
    return max((sum(t <= s < t + 1.0 for s in times) for t in times), default=0)


async def test_while_someone_writes_a_broadcast_keeps_a_place_for_replies(slow_runtime, emulator):
    rt = slow_runtime
    broadcast = queue_broadcast(rt, emulator, 40)
    await eventually(lambda: len([uid for uid in broadcast if sends(emulator, uid)]) >= 8)
    await emulator.send_text(1001, "/help")
    await eventually(lambda: sends(emulator, 1001))
    replied_at = sends(emulator, 1001)[0]
    await eventually(lambda: time.monotonic() > replied_at + 3.5, within=10)
    times = sorted(t for uid in broadcast for t in sends(emulator, uid))
    # Nobody talking: all five places of the cap. Someone wrote: four, one kept for replies (the
    # sends started before the update came have left the window a second after the reply).
    assert most_in_a_second([t for t in times if t < replied_at]) == 5
    talking = [t for t in times if replied_at + 1.1 < t < replied_at + 3.5]
    assert len(talking) >= 6 and most_in_a_second(talking) == 4
