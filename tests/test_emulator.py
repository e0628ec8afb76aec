"""The Bot API emulator, driven by the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
import re
import struct
import time
import zlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st
from pytest_aiohttp import AiohttpServer
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.sandbox.emulator import BotApiEmulator
from bot.sandbox.emulator.formatting import parse_html, utf16_len
from tests.botapi_schema import validate_result, validate_type

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


@pytest.fixture
def schema_errors() -> list[str]:
    return []


@pytest.fixture
async def emu(schema_errors: list[str]) -> AsyncIterator[BotApiEmulator]:
    """A running emulator whose every ok result is checked against the Bot API reference."""

    def check(method: str, result: object) -> None:
        try:
            validate_result(method, result)
        except AssertionError as error:
            schema_errors.append(str(error))

    emulator = BotApiEmulator(on_response=check, webhook_retry_delay=0.02)
    emulator.add_bot(TOKEN, "village_test_bot")
    emulator.add_user(USER, "张三", username="zhangsan")
    emulator.add_chat(GROUP, "青山村村务公开", "supergroup", username="qingshan_cun")
    await emulator.start()
    yield emulator
    await emulator.stop()
    assert not schema_errors, schema_errors


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url) as client:
        yield client


# --- identity and errors of the transport ---------------------------------------------------


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot, me.first_name) == (
        123456,
        "village_test_bot",
        True,
        "村务公开",
    )


async def test_unknown_token_is_invalid_token(emu: BotApiEmulator) -> None:
    for token in ("999999:NOT-registered", "not-a-token"):
        with pytest.raises(InvalidToken):
            await Bot(token, base_url=emu.base_url).get_me()


async def test_unknown_method_is_404(emu: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emu.base_url}{TOKEN}/noSuchMethod") as response,
    ):
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_request_encodings_and_case_insensitive_names(emu: BotApiEmulator) -> None:
    url = f"{emu.base_url}{TOKEN}"
    markup = '{"inline_keyboard": [[{"text": "看", "callback_data": "v:1"}]]}'
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/SENDMESSAGE", params={"chat_id": USER, "text": "q"}) as r:
            assert (await r.json())["result"]["text"] == "q"
        form = {"chat_id": str(USER), "text": "f", "reply_markup": markup}
        async with http.post(f"{url}/sendmessage", data=form) as r:
            body = await r.json()
            assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "v:1"
        async with http.post(f"{url}/sendMessage", json={"chat_id": USER, "text": "j"}) as r:
            assert (await r.json())["result"]["chat"]["id"] == USER
        async with http.post(f"{url}/sendMessage", json={"text": "no chat"}) as r:
            assert r.status == 400
            assert (await r.json())["description"] == "Bad Request: chat_id is empty"
        async with http.post(f"{url}/setMyCommands", json={}) as r:
            assert (await r.json())["description"] == "Bad Request: parameter commands is required"
        async with http.post(f"{url}/sendMessage", json={"chat_id": 42, "text": "x"}) as r:
            assert (await r.json())["description"] == "Bad Request: chat not found"
    assert [m["text"] for m in emu.messages(USER)] == ["q", "f", "j"]
    assert [method for method, _ in emu.request_log()][:3] == ["sendMessage"] * 3


# --- sending, formatting and limits ---------------------------------------------------------


async def test_send_message_with_html_and_keyboard(emu: BotApiEmulator, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("查看", callback_data="d:1")]])
    sent = await bot.send_message(
        USER,
        "<b>公开</b> 𝄞 <a href='https://example.org'>链接</a>",
        parse_mode="HTML",
        reply_markup=keyboard,
    )
    assert sent.text == "公开 𝄞 链接"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 2),
        ("text_link", 6, 2),
    ]
    [stored] = emu.messages(USER)
    assert stored["from"]["username"] == "village_test_bot"
    assert stored["reply_markup"] == keyboard.to_dict()


async def test_text_limit_counts_utf16_units(bot: Bot) -> None:
    await bot.send_message(USER, "𝄞" * 2048)
    await bot.send_message(USER, "村" * 4096)
    with pytest.raises(BadRequest, match=says("message is too long")):
        await bot.send_message(USER, "𝄞" * 2048 + "a")


async def test_empty_text_after_parsing_or_trimming(bot: Bot) -> None:
    for text, mode in (("   ", None), ("<b></b>", "HTML")):
        with pytest.raises(BadRequest, match=says("message text is empty")):
            await bot.send_message(USER, text, parse_mode=mode)


@pytest.mark.parametrize(
    "html",
    ["<foo>x</foo>", "a < b", "Tom & Jerry", "<b>open", "<b>x</i>", "a<br>b", "<span>x</span>"],
)
async def test_bad_html_is_rejected(bot: Bot, html: str) -> None:
    with pytest.raises(BadRequest, match=says("can't parse entities")):
        await bot.send_message(USER, html, parse_mode="HTML")


async def test_escaped_html(bot: Bot) -> None:
    sent = await bot.send_message(USER, "a &lt; b &amp;&amp; <code>&quot;c&quot;</code>", "HTML")
    assert sent.text == 'a < b && "c"'
    assert [e.type for e in sent.entities] == ["code"]


@pytest.mark.parametrize("mode", ["MarkdownV2", "Markdown", "plain"])
async def test_parse_modes_other_than_html_are_refused(
    emu: BotApiEmulator, bot: Bot, mode: str
) -> None:
    with pytest.raises(BadRequest, match=says("unsupported parse_mode")):
        await bot.send_message(USER, "*粗体*", parse_mode=mode)
    assert emu.messages(USER) == []


@given(st.text())
def test_escaped_text_survives_html_parsing(text: str) -> None:
    parsed = parse_html(html.escape(text))
    assert (parsed.text, parsed.entities) == (text, [])


@given(st.text(min_size=1), st.sampled_from(["b", "em", "u", "del", "code", "tg-spoiler"]))
def test_html_entity_spans_count_utf16_units(text: str, tag: str) -> None:
    [entity] = parse_html(f"𝄞<{tag}>{html.escape(text)}</{tag}>").entities
    assert (entity["offset"], entity["length"]) == (2, utf16_len(text))


async def test_callback_data_is_limited_to_64_bytes(bot: Bot) -> None:
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("按钮", callback_data=data)]])

    await bot.send_message(USER, "ok", reply_markup=keyboard("x" * 64))
    for data in ("x" * 65, "点" * 22):
        with pytest.raises(BadRequest, match=says("BUTTON_DATA_INVALID")):
            await bot.send_message(USER, "too long", reply_markup=keyboard(data))


async def test_caption_limit(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=says("caption is too long")):
        await bot.send_document(USER, b"x", filename="a.txt", caption="字" * 1025)


async def test_reply_parameters(emu: BotApiEmulator, bot: Bot) -> None:
    update = await emu.send_text(USER, "请问补贴什么时候发？")
    assert update is not None
    question = update["message"]["message_id"]
    answer = await bot.send_message(USER, "下周", reply_parameters=ReplyParameters(question))
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "请问补贴什么时候发？"
    with pytest.raises(BadRequest, match=says("message to be replied not found")):
        await bot.send_message(USER, "x", reply_parameters=ReplyParameters(999))


# --- editing -----------------------------------------------------------------------------


async def test_edit_and_not_modified(emu: BotApiEmulator, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("同意", callback_data="ok")]])
    sent = await bot.send_message(USER, "待审核", reply_markup=keyboard)
    with pytest.raises(BadRequest, match=says("message is not modified")):
        await bot.edit_message_text("待审核", USER, sent.message_id, reply_markup=keyboard)
    edited = await bot.edit_message_text("已审核", USER, sent.message_id)
    assert isinstance(edited, type(sent))
    assert edited.text == "已审核" and edited.edit_date is not None
    [stored] = emu.messages(USER)
    assert "reply_markup" not in stored and stored["text"] == "已审核"
    with pytest.raises(BadRequest, match=says("message to edit not found")):
        await bot.edit_message_text("x", USER, 999)


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


# --- files ----------------------------------------------------------------------------------


async def test_documents_round_trip(emu: BotApiEmulator, bot: Bot) -> None:
    content = "科目,金额\n办公费,1200\n".encode("gbk")
    update = await emu.send_document(USER, "ledger.csv", content, mime_type="text/csv")
    assert update is not None
    document = update["message"]["document"]
    assert (document["file_name"], document["mime_type"]) == ("ledger.csv", "text/csv")
    downloaded = await (await bot.get_file(document["file_id"])).download_as_bytearray()
    assert bytes(downloaded) == content

    sent = await bot.send_document(USER, b"%PDF-1.4 report", filename="2026Q3.pdf")
    assert sent.document is not None and sent.document.mime_type == "application/pdf"
    again = await bot.send_document(USER, sent.document.file_id)
    assert again.document is not None
    assert again.document.file_unique_id == sent.document.file_unique_id
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 report"
    with pytest.raises(BadRequest, match=says("wrong file identifier")):
        await bot.send_document(USER, "no-such-file-id")


async def test_photos(emu: BotApiEmulator, bot: Bot) -> None:
    sent = await bot.send_photo(USER, png(1000, 500), caption="公开栏")
    assert [(p.width, p.height) for p in sent.photo] == [
        (90, 45),
        (320, 160),
        (800, 400),
        (1000, 500),
    ]
    assert sent.caption == "公开栏"
    again = await bot.send_photo(USER, sent.photo[-1].file_id)
    assert [p.file_id for p in again.photo] == [p.file_id for p in sent.photo]
    with pytest.raises(BadRequest, match=says("IMAGE_PROCESS_FAILED")):
        await bot.send_photo(USER, b"not an image")
    document = await bot.send_document(USER, b"x", filename="x.txt")
    assert document.document is not None
    with pytest.raises(BadRequest, match=says("can't use file of type document as photo")):
        await bot.send_photo(USER, document.document.file_id)
    update = await emu.send_photo(USER, png(40, 30), caption="坑洼路面")
    assert update is not None
    [size] = update["message"]["photo"]
    assert (size["width"], size["height"]) == (40, 30)
    file = await bot.get_file(size["file_id"])
    assert bytes(await file.download_as_bytearray()) == png(40, 30)


async def test_voice_notes_are_resent_by_file_id(emu: BotApiEmulator, bot: Bot) -> None:
    update = await emu.send_voice(USER, b"OggS voice", duration=3, caption="路灯坏了")
    assert update is not None
    voice = update["message"]["voice"]
    assert (voice["duration"], voice["mime_type"]) == (3, "audio/ogg")
    again = await bot.send_voice(USER, voice["file_id"])
    assert again.voice is not None and again.voice.file_unique_id == voice["file_unique_id"]
    with pytest.raises(BadRequest, match=says("can't use file of type voice as document")):
        await bot.send_document(USER, voice["file_id"])
    file = await bot.get_file(voice["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"OggS voice"


# --- commands ---------------------------------------------------------------------------------


async def test_commands_per_scope_and_language(emu: BotApiEmulator, bot: Bot) -> None:
    default = [BotCommand("start", "开始"), BotCommand("help", "帮助")]
    english = [BotCommand("start", "Start")]
    group = [BotCommand("wall", "回音壁")]
    await bot.set_my_commands(default)
    await bot.set_my_commands(english, scope=BotCommandScopeAllPrivateChats(), language_code="en")
    await bot.set_my_commands(group, scope=BotCommandScopeChat("@qingshan_cun"))
    assert emu.commands() == [c.to_dict() for c in default]
    assert emu.commands({"type": "all_private_chats"}) == []
    assert emu.commands({"type": "all_private_chats"}, "en") == [c.to_dict() for c in english]
    assert emu.commands({"type": "chat", "chat_id": GROUP}) == [
        {"command": "wall", "description": "回音壁"}
    ]
    assert emu.commands(language_code="en") == []
    await bot.set_my_commands([])  # an empty list deletes the list, as deleteMyCommands does
    assert emu.commands() == []
    with pytest.raises(BadRequest, match=says("BOT_COMMAND_INVALID")):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


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


# --- the schema validator itself --------------------------------------------------------------


def test_schema_validator_reports_paths() -> None:
    message = {"message_id": 1, "date": 0, "chat": {"id": "1", "type": "private"}}
    with pytest.raises(AssertionError, match=r"^Message\.chat\.id: expected Integer, got str$"):
        validate_type("Message", message)
    with pytest.raises(AssertionError, match=r"Message\.chat: missing required field"):
        validate_type("Message", {"message_id": 1, "date": 0})
    with pytest.raises(AssertionError, match=r"Message\.colour: unknown field"):
        validate_type("Message", {**message, "chat": {"id": 1, "type": "private"}, "colour": 1})
    with pytest.raises(AssertionError, match=r"expected Integer, got bool"):
        validate_type("User", {"id": True, "is_bot": False, "first_name": "x"})
    with pytest.raises(AssertionError, match=r"^getUpdates -> Update\[0\]\.update_id"):
        validate_result("getUpdates", [{"update_id": 1.5}])
    with pytest.raises(AssertionError, match=r"ChatMember\.status: expected one of"):
        validate_type("ChatMember", {"status": "boss", "user": {}})
    validate_type(
        "ChatMember", {"status": "left", "user": {"id": 1, "is_bot": False, "first_name": "x"}}
    )
    validate_type("Float", 3)
    validate_result("deleteMessage", True)
    with pytest.raises(AssertionError):
        validate_result("sendMessage", True)
