"""What the emulator's own tests share: ids, an image maker, and an emulator whose every
successful answer is checked against the Bot API reference."""

from __future__ import annotations

import asyncio
import re
import struct
import time
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from telegram import Bot

from bot.sandbox.emulator import BotApiEmulator
from tests.botapi_schema import validate_result

TOKEN = "123456:TEST-village-token"
OTHER_TOKEN = "654321:TEST-other-token"
USER = 1001
GROUP = -1001000000001


def png(width: int, height: int) -> bytes:
    """A valid RGB PNG image of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\x00" + b"\x10\x80\x10" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def says(text: str) -> re.Pattern[str]:
    """PTB capitalizes Telegram's error descriptions, so match them case-insensitively."""
    return re.compile(re.escape(text), re.IGNORECASE)


async def until(predicate: Callable[[], bool], seconds: float = 3.0) -> None:
    """Poll a condition that depends on another task's progress."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.005)


@asynccontextmanager
async def checked_emulator() -> AsyncIterator[BotApiEmulator]:
    """A running emulator with one bot, user and group; fails on any answer off the reference."""
    problems: list[str] = []

    def check(method: str, result: object) -> None:
        try:
            validate_result(method, result)
        except AssertionError as error:
            problems.append(str(error))

    emulator = BotApiEmulator(on_response=check, webhook_retry_delay=0.02)
    emulator.add_bot(TOKEN, "village_test_bot")
    emulator.add_user(USER, "张三", username="zhangsan")
    emulator.add_chat(GROUP, "青山村村务公开", "supergroup", username="qingshan_cun")
    await emulator.start()
    yield emulator
    await emulator.stop()
    assert not problems, problems


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with checked_emulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url) as client:
        yield client
