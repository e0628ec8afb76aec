"""The bot's requests on aiohttp's client: the real library's calls against the emulator (every
answer checked against the Bot API reference), files both ways, and failures named as
python-telegram-bot's own request names them."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.delivery.aiohttp_request import AiohttpRequest
from bot.sandbox.emulator import BotApiEmulator
from tests import emulator_harness
from tests.emulator_harness import TOKEN, USER, says

emu = emulator_harness.emu


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    request = AiohttpRequest()
    client = Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url, request=request)
    async with client:
        yield client


async def test_a_text_with_a_keyboard_arrives_as_sent(emu: BotApiEmulator, bot: Bot):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("催办 & 查看", callback_data="u:1")]])
    sent = await bot.send_message(USER, "<b>回音壁</b> 100% 已答复", reply_markup=markup)
    [stored] = emu.messages(USER)
    assert stored["text"] == sent.text == "<b>回音壁</b> 100% 已答复"
    assert stored["reply_markup"] == markup.to_dict()


async def test_a_file_goes_up_as_multipart_and_comes_back_whole(bot: Bot):
    content = "户名,金额\n张三,1200.00\n".encode() * 2000
    sent = await bot.send_document(USER, content, filename="2026Q3 公示.csv", caption="三季度")
    assert sent.document.file_name == "2026Q3 公示.csv"
    assert sent.caption == "三季度"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content


async def test_telegram_refusals_keep_their_meaning(bot: Bot):
    with pytest.raises(BadRequest, match=says("chat not found")):
        await bot.send_message(987654321, "x")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_nothing_listening_is_a_network_error():
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{_closed_port()}/botX/getMe")
        assert not isinstance(raised.value, TimedOut)
    finally:
        await request.shutdown()


async def test_a_silent_server_is_a_timeout():
    release = asyncio.Event()

    async def stall(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/botX/getMe", stall)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    request = AiohttpRequest(read_timeout=0.1)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/botX/getMe")
        # A longer read timeout for one call (getUpdates' long poll) is honoured.
        waiting = asyncio.create_task(
            request.post(f"http://127.0.0.1:{port}/botX/getMe", read_timeout=5)
        )
        await asyncio.sleep(0.3)
        release.set()
        assert await waiting is True
    finally:
        release.set()
        await request.shutdown()
        await runner.cleanup()


async def test_a_request_before_initialize_or_after_shutdown_is_refused():
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:1/", "POST")
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:1/", "POST")
    await request.initialize()  # opened again, as the library may after a shutdown
    await request.shutdown()
