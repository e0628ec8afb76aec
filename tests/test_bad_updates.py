"""One bad update never stops the bot: each is parked as failed, the loops keep running."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox.emulator import BotApiEmulator
from run import Runtime
from storage import inbox
from tests.conftest import (
    BOT_USERNAME,
    PEOPLE,
    TOKEN,
    eventually,
    make_config,
    webhook_config,
)

USER = 1001
SENDER = {"id": USER, "is_bot": False, "first_name": PEOPLE[USER], "language_code": "zh-hans"}
PRIVATE = {"id": USER, "type": "private", "first_name": PEOPLE[USER]}


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """The emulator without the reference check: these updates are off the reference on purpose."""
    emu = BotApiEmulator()
    emu.add_bot(TOKEN, BOT_USERNAME)
    for user_id, name in PEOPLE.items():
        emu.add_user(user_id, name, language_code="zh-hans")
    await emu.start()
    yield emu
    await emu.stop()


def message(text: str, message_id: int = 900, **extra: object) -> dict:
    return {
        "message_id": message_id,
        "date": 1_790_000_000,
        "chat": PRIVATE,
        "from": SENDER,
        "text": text,
        **extra,
    }


def status(runtime: Runtime, update_id: int) -> str | None:
    return inbox.status(runtime.store.db, update_id)


def error_of(runtime: Runtime, update_id: int) -> str:
    rows = runtime.store.db.query("SELECT error FROM inbox WHERE update_id = ?", [update_id])
    return next(rows)["error"]


async def still_answers(runtime: Runtime, emulator: BotApiEmulator) -> None:
    """The poller and the inbox still run: a normal /help after the bad update is answered."""
    seen = len(emulator.messages(USER))
    await emulator.send_text(USER, "/help")
    await emulator.wait_for_messages(USER, 1, after=_last_id(emulator, seen))
    assert all(not task.done() for task in runtime._tasks), runtime._tasks


def _last_id(emulator: BotApiEmulator, seen: int) -> int:
    messages = emulator.messages(USER)[:seen]
    return messages[-1]["message_id"] if messages else 0


async def test_a_lone_surrogate_is_handled_or_parked(runtime, emulator):
    update_id = emulator.inject_update(json.dumps({"message": message("/start \ud800")}))
    await eventually(lambda: status(runtime, update_id) in ("done", "failed"))
    await still_answers(runtime, emulator)


async def test_a_message_without_its_chat_is_parked(runtime, emulator):
    broken = message("/help")
    del broken["chat"]
    update_id = emulator.inject_update({"message": broken})
    await eventually(lambda: status(runtime, update_id) == "failed")
    await still_answers(runtime, emulator)


async def test_a_message_without_an_id_is_parked(runtime, emulator):
    broken = message("/help")
    del broken["message_id"]
    update_id = emulator.inject_update({"message": broken})
    await eventually(lambda: status(runtime, update_id) == "failed")
    apology = await emulator.wait_for_messages(USER, 1)
    assert "出错" in apology[0]["text"] or "error" in apology[0]["text"].lower(), apology
    await still_answers(runtime, emulator)


async def test_deeply_nested_json_is_parked_with_its_error(runtime, emulator):
    nested = "[" * 100_000 + "]" * 100_000
    update_id = emulator.inject_update(f'{{"message": {{"text": "hi", "deep": {nested}}}}}')
    await eventually(lambda: status(runtime, update_id) == "failed")
    assert "nested" in error_of(runtime, update_id)
    await still_answers(runtime, emulator)


async def test_an_update_id_beyond_64_bits_does_not_stop_polling(runtime, emulator):
    emulator.inject_update({"update_id": 2**64, "message": message("/help")})
    await eventually(lambda: not emulator.pending_updates())
    assert all(not task.done() for task in runtime._tasks)
    assert inbox.counts(runtime.store.db) == {}


async def test_a_button_on_an_inline_message_is_answered_politely(runtime, emulator):
    press = {
        "id": "77",
        "from": SENDER,
        "chat_instance": "1",
        "inline_message_id": "AAEAAQ",
        "data": "join:qingshan",
    }
    update_id = emulator.inject_update({"callback_query": press})
    await eventually(lambda: status(runtime, update_id) in ("done", "failed"))
    answers = await eventually(emulator.callback_answers)
    assert len(answers) == 1 and answers[0]["text"], answers
    assert status(runtime, update_id) == "failed"
    await still_answers(runtime, emulator)


async def test_an_edited_command_does_not_run_again(runtime, emulator):
    sent = await emulator.send_text(USER, "/whoami")
    await emulator.wait_for_messages(USER, 1)
    before = len(emulator.messages(USER))
    edited = {**sent["message"], "text": "/help", "edit_date": 1_790_000_100}
    update_id = emulator.inject_update({"edited_message": edited})
    await eventually(lambda: status(runtime, update_id) == "done")
    await still_answers(runtime, emulator)
    assert len(emulator.messages(USER)) == before + 1  # only the /help sent afterwards


async def test_the_inbox_keeps_running_when_a_stored_update_cannot_be_read(
    tmp_path: Path, emulator
):
    rt = Runtime(make_config(tmp_path, emulator))
    with rt.store.transaction() as db:
        inbox.store(db, [{"update_id": 5, "message": "not an object"}])
    await rt.start()
    try:
        await eventually(lambda: status(rt, 5) == "failed")
        await still_answers(rt, emulator)
    finally:
        await rt.stop()


async def test_the_webhook_parks_bad_updates_and_takes_the_next(tmp_path: Path, emulator):
    config = webhook_config(tmp_path, emulator, "s3cret")
    rt = Runtime(config)
    await rt.start()
    try:
        nested = "{" + '"a":{' * 50_000 + "}" * 50_000 + "}"
        deep = emulator.inject_update(f'{{"message": {nested}}}')
        emulator.inject_update({"update_id": 2**64, "message": message("/help")})
        without_chat = message("/help")
        del without_chat["chat"]
        broken = emulator.inject_update({"message": without_chat})
        await eventually(lambda: status(rt, broken) == "failed")
        assert status(rt, deep) == "failed"
        await still_answers(rt, emulator)
    finally:
        await rt.stop()
