"""Shared fixtures: the Bot API emulator (every answer checked against the reference) and a
running bot wired exactly as run.py wires it, talking to the emulator over loopback."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config, parse_config
from bot.sandbox.emulator import BotApiEmulator
from run import Runtime
from storage.db import STRICT_ENV
from tests.botapi_schema import validate_result

TOKEN = "424242:TEST-village-affairs"
BOT_USERNAME = "village_test_bot"
# How long a story step waits for the bot (seconds). Stories run under Telegram faults wait
# longer: a step may meet several answers too slow for the client, each a 5 s timeout.
PATIENCE = 10.0
STAFF = 9001
PEOPLE = {
    STAFF: "陈镇长",
    1001: "王秀英",
    1002: "李建国",
    1003: "张桂兰",
    1004: "赵大海",
    1005: "Alice",
}
VILLAGES = [
    {"code": "qingshan", "name": "青山村", "chat_id": -1001000000001},
    {"code": "hexi", "name": "河西村"},
]


def pytest_configure(config: pytest.Config) -> None:
    """A handler committing twice for one update fails loudly (also in the bot's subprocesses)."""
    os.environ[STRICT_ENV] = "1"


async def ticking_by_hand(config: Config, at: datetime) -> Runtime:
    """A started runtime on a fixed clock whose scheduled checks only the test runs."""
    rt = Runtime(config)
    await rt.start()
    for job in rt.application.job_queue.jobs():
        job.schedule_removal()
    rt.services.clock.set(at)
    return rt


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_config(tmp_path: Path, emulator: BotApiEmulator, **sections: dict[str, Any]) -> Config:
    """A config for the bot under test: the emulator as Bot API, fast polling, no pacing."""
    data: dict[str, Any] = {
        "telegram": {"token": TOKEN, "base_url": emulator.base_url, "poll_timeout": 1},
        "storage": {"path": str(tmp_path / "village.db")},
        "web": {"host": "127.0.0.1", "port": 0},
        "township": {"name": "示范镇", "staff": [STAFF]},
        "outbox": {"private_interval_seconds": 0},
        "villages": VILLAGES,
    }
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values}
    return parse_config(data, environ={})


def webhook_config(tmp_path: Path, emulator: BotApiEmulator, secret: str) -> Config:
    """A config for the bot under test in webhook mode, on a free loopback port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    return make_config(
        tmp_path,
        emulator,
        telegram={"mode": "webhook", "webhook_url": url, "webhook_secret": secret},
        web={"port": port},
    )


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """The emulator with the test bot and people; fails the test on any answer off the schema."""
    problems: list[str] = []

    def check(method: str, result: object) -> None:
        try:
            validate_result(method, result)
        except AssertionError as error:
            problems.append(f"{method}: {error}")

    emu = BotApiEmulator(on_response=check)
    emu.add_bot(TOKEN, BOT_USERNAME)
    for user_id, name in PEOPLE.items():
        emu.add_user(user_id, name, language_code="en" if name == "Alice" else "zh-hans")
    emu.add_chat(-1001000000001, "青山村村务公开", "channel")
    await emu.start()
    yield emu
    await emu.stop()
    assert not problems, problems


@pytest.fixture
async def runtime(tmp_path: Path, emulator: BotApiEmulator) -> AsyncIterator[Runtime]:
    """The whole bot, started as run.py starts it, against the emulator."""
    rt = Runtime(make_config(tmp_path, emulator))
    await rt.start()
    yield rt
    await rt.stop()


class Chat:
    """A person's private chat with the bot, as the tests drive it."""

    def __init__(self, emulator: BotApiEmulator, user_id: int) -> None:
        self.emulator = emulator
        self.user_id = user_id
        self.seen = 0

    async def say(self, text: str, *, expect: int = 1) -> list[dict]:
        """Send text and wait for the bot's next message(s)."""
        await self.emulator.send_text(self.user_id, text)
        return await self.replies(expect)

    async def press(self, message: dict, data: str, *, forged: bool = False) -> None:
        """Press an inline button on a message."""
        press = self.emulator.press_forged_button if forged else self.emulator.press_button
        await press(self.user_id, message, data)

    async def replies(self, count: int = 1) -> list[dict]:
        """Wait for new bot messages in this chat."""
        found = await self.emulator.wait_for_messages(
            self.user_id, count, after=self.seen, timeout=PATIENCE
        )
        self.seen = max(m["message_id"] for m in found)
        return found

    def last(self) -> dict:
        """The bot's newest message in this chat, as it stands now (after edits)."""
        return self.emulator.messages(self.user_id)[-1]

    async def say_for(self, text: str, *needles: str, button: str = "") -> dict:
        """Send text and wait for the answer that has every needle (see reply_with)."""
        await self.emulator.send_text(self.user_id, text)
        return await self.reply_with(*needles, button=button)

    async def reply_with(self, *needles: str, button: str = "") -> dict:
        """The bot's next message in this chat whose text has every needle (and a button whose
        data starts with `button`), passing over the ones before it: a notice that a Telegram
        fault delayed may arrive in between, and a story step must not take it for its answer."""

        def wanted(m: dict) -> bool:
            text = m.get("text") or m.get("caption") or ""
            return all(n in text for n in needles) and (not button or button in _buttons(m))

        def found() -> dict | None:
            new = [m for m in self.emulator.messages(self.user_id) if m["message_id"] > self.seen]
            return next((m for m in new if wanted(m)), None)

        try:
            message = await eventually(found)
        except AssertionError:
            texts = [m.get("text") for m in self.emulator.messages(self.user_id)]
            raise AssertionError(f"no message with {needles} {button!r} in {texts}") from None
        self.seen = message["message_id"]
        return message

    async def shows(self, needle: str, since: dict) -> dict:
        """A message of this chat from `since` on that reads (maybe once edited) with the needle."""

        def found() -> dict | None:
            return next(
                (
                    m
                    for m in self.emulator.messages(self.user_id)
                    if m["message_id"] >= since["message_id"] and needle in (m.get("text") or "")
                ),
                None,
            )

        return await eventually(found)


def _buttons(message: dict) -> str:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return " ".join(str(b.get("callback_data", "")) for row in rows for b in row)


@pytest.fixture
def chat(emulator: BotApiEmulator):
    """Open a private chat as one of the test people."""
    return lambda user_id: Chat(emulator, user_id)


async def eventually(check, within: float | None = None):
    """Wait until check() returns something truthy, and return it (within PATIENCE seconds)."""
    within = PATIENCE if within is None else within
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.02)
