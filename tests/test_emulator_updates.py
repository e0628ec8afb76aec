"""The Bot API emulator's other side: updates by polling and webhook, users pressing buttons,
injected faults and the HTTP test API, driven by the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.sandbox.emulator import BotApiEmulator
from tests.botapi_schema import validate_type
from tests.emulator_harness import (
    GROUP,
    OTHER_TOKEN,
    TOKEN,
    USER,
    bot,
    emu,
    says,
    until,
)

__all__ = ["bot", "emu"]  # fixtures, imported for pytest


# --- updates: polling, conflicts, webhooks --------------------------------------------------


async def test_get_updates_keeps_unconfirmed_updates(emu: BotApiEmulator, bot: Bot) -> None:
    first = await emu.send_text(USER, "/start v_qingshan")
    await emu.send_text(USER, "你好")
    assert first is not None
    validate_type("Update", first)
    assert first["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["/start v_qingshan", "你好"]
    assert [u.update_id for u in await bot.get_updates()] == [u.update_id for u in updates]
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()
    assert emu.pending_updates() == []


async def test_long_poll_wakes_on_new_update(emu: BotApiEmulator, bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await until(lambda: any(m == "getUpdates" for m, _ in emu.request_log()))
    await emu.send_text(USER, "醒醒")
    updates = await poll
    assert time.monotonic() - started < 2
    assert updates[0].message is not None and updates[0].message.text == "醒醒"


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_concurrent_polls_conflict_with_the_older_one(emu: BotApiEmulator, bot: Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=5))
    await until(lambda: emu.state.bots[TOKEN].poll is not None)
    async with Bot(TOKEN, base_url=emu.base_url) as second:
        assert await second.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await older


async def test_get_updates_conflicts_with_webhook(bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook() is True
    assert await bot.get_updates() == ()


async def test_webhook_push_with_secret_and_retry(
    emu: BotApiEmulator, bot: Bot, aiohttp_server: AiohttpServer
) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    answers = [500]

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(status=answers.pop(0) if answers else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    server = await aiohttp_server(app)
    url = str(server.make_url("/hook"))
    await emu.send_text(USER, "stale")
    await bot.set_webhook(url, secret_token="s3cret_token", drop_pending_updates=True)
    await emu.send_text(USER, "一")
    await emu.send_text(USER, "二")
    await until(lambda: len(received) == 3)
    texts = [body["message"]["text"] for _, body in received]
    assert texts == ["一", "一", "二"]
    assert {secret for secret, _ in received} == {"s3cret_token"}
    for _, body in received:
        validate_type("Update", body)
    await until(lambda: emu.pending_updates() == [])
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_application_polling_end_to_end(emu: BotApiEmulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"欢迎加入 {' '.join(context.args or [])}")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1)
        await emu.send_text(USER, "/start v_qingshan")
        [reply] = await emu.wait_for_messages(USER, timeout=5)
        await app.updater.stop()
        await app.stop()
    assert reply["text"] == "欢迎加入 v_qingshan"
    assert emu.pending_updates() == []


# --- users pressing buttons -------------------------------------------------------------------


async def test_buttons_and_callback_answers(emu: BotApiEmulator, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("满意", callback_data="rate:5")]])
    sent = await bot.send_message(USER, "请评价", reply_markup=keyboard)
    with pytest.raises(ValueError, match="no button"):
        await emu.press_button(USER, (USER, sent.message_id), "rate:1")
    update = await emu.press_button(USER, (USER, sent.message_id), "rate:5")
    forged = await emu.press_forged_button(USER, (USER, sent.message_id), "admin:delete")
    assert update is not None and forged is not None
    validate_type("Update", update)
    [pressed, fake] = await bot.get_updates()
    assert pressed.callback_query is not None and pressed.callback_query.data == "rate:5"
    assert fake.callback_query is not None and fake.callback_query.data == "admin:delete"
    await pressed.callback_query.answer("谢谢")
    with pytest.raises(BadRequest, match=says("query is too old")):
        await pressed.callback_query.answer("again")
    with pytest.raises(BadRequest, match=says("MESSAGE_TOO_LONG")):
        await fake.callback_query.answer("长" * 201)
    [answer] = emu.callback_answers()
    assert (answer["text"], answer["data"], answer["user_id"]) == ("谢谢", "rate:5", USER)


async def test_group_privacy_mode(emu: BotApiEmulator, bot: Bot) -> None:
    assert await emu.send_text(USER, "大家好", chat_id=GROUP) is None
    update = await emu.send_text(USER, "/wall@village_test_bot", chat_id=GROUP)
    assert update is not None and update["message"]["chat"]["type"] == "supergroup"
    assert [m["text"] for m in emu.history(GROUP)] == ["大家好", "/wall@village_test_bot"]
    await bot.send_message(GROUP, "回音壁")
    assert [m["text"] for m in emu.messages(GROUP)] == ["回音壁"]


async def test_wait_for_messages_times_out(emu: BotApiEmulator) -> None:
    with pytest.raises(TimeoutError):
        await emu.wait_for_messages(USER, timeout=0.05)


# --- faults -----------------------------------------------------------------------------------


async def test_faults_seen_by_ptb(
    emu: BotApiEmulator, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # opt in to PTB's future RetryAfter type
    emu.inject_fault("sendMessage", kind="blocked", chat_id=USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "x")
    emu.inject_fault("sendMessage", kind="retry_after", retry_after=7)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(USER, "x")
    assert retry.value.retry_after == dtm.timedelta(seconds=7)
    emu.inject_fault("sendMessage", kind="server_error")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(USER, "x")
    emu.inject_fault("sendmessage", kind="network")
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "x")
    emu.inject_fault("sendMessage", kind="delay", delay=0.2)
    started = time.monotonic()
    await bot.send_message(USER, "slow")
    assert time.monotonic() - started >= 0.2
    emu.inject_fault("sendMessage", kind="delay", delay=0.3)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "too slow", read_timeout=0.1)
    # Like Telegram, the request still takes effect although the client gave up on it.
    slow = await emu.wait_for_messages(USER, 2)
    assert [m["text"] for m in slow] == ["slow", "too slow"]


async def test_permanent_fault_until_cleared(emu: BotApiEmulator, bot: Bot) -> None:
    emu.inject_fault("*", kind="blocked", chat_id=USER, times=-1)
    for _ in range(3):
        with pytest.raises(Forbidden):
            await bot.send_message(USER, "x")
    emu.clear_faults()
    await bot.send_message(USER, "ok")


async def test_block_and_unblock(emu: BotApiEmulator, bot: Bot) -> None:
    emu.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "x")
    await emu.send_text(USER, "/start")  # pressing "Restart" unblocks the bot
    await bot.send_message(USER, "欢迎回来")
    kinds = [
        u.my_chat_member.new_chat_member.status for u in await bot.get_updates() if u.my_chat_member
    ]
    assert kinds == ["kicked", "member"]


# --- the HTTP test API ------------------------------------------------------------------------


async def test_http_test_api(emu: BotApiEmulator, bot: Bot) -> None:
    api = f"{emu.url}/_emulator"
    emu.add_user(2002, "李四")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{api}/users") as r:
            assert {u["id"] for u in (await r.json())["result"]} == {USER, 2002}
        async with http.post(f"{api}/send_text", json={"user_id": 2002, "text": "/start"}) as r:
            assert (await r.json())["result"]["message"]["text"] == "/start"
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("是", callback_data="yes")]])
        sent = await bot.send_message(2002, "确认？", reply_markup=keyboard)
        press = {"user_id": 2002, "chat_id": 2002, "message_id": sent.message_id, "data": "yes"}
        async with http.post(f"{api}/press", json=press) as r:
            assert (await r.json())["result"]["callback_query"]["data"] == "yes"
        async with http.post(f"{api}/press", json={**press, "data": "no"}) as r:
            assert r.status == 400
        form = aiohttp.FormData({"user_id": "2002"})
        form.add_field("document", b"abc", filename="a.txt", content_type="text/plain")
        async with http.post(f"{api}/send_document", data=form) as r:
            assert (await r.json())["result"]["message"]["document"]["file_name"] == "a.txt"
        async with http.get(f"{api}/chats/2002/messages", params={"after": "1"}) as r:
            history = (await r.json())["result"]
    assert [m["from"]["first_name"] for m in history] == ["村务公开", "李四"]


async def test_methods_the_product_never_calls_are_not_implemented(emu: BotApiEmulator) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emu.base_url}{TOKEN}/getChat", json={"chat_id": GROUP}) as response,
    ):
        assert response.status == 501
        body = await response.json()
    assert body["description"] == "Not Implemented: the emulator does not support getChat"


async def test_a_second_bot_gets_only_its_own_updates(emu: BotApiEmulator) -> None:
    emu.add_bot(OTHER_TOKEN, "other_village_bot", "河西村")
    update = await emu.send_text(USER, "hi", token=OTHER_TOKEN)
    assert update is not None and emu.pending_updates() == []
