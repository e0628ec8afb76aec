"""The Bot API emulator as a bot sees it: transport, sending, formatting, editing, files and
commands, driven by the real python-telegram-bot client."""

from __future__ import annotations

import html

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    InvalidToken,
)

from bot.sandbox.emulator import BotApiEmulator
from bot.sandbox.emulator.formatting import parse_html, utf16_len
from tests.botapi_schema import validate_result, validate_type
from tests.emulator_harness import (
    GROUP,
    TOKEN,
    USER,
    bot,
    emu,
    png,
    says,
)

__all__ = ["bot", "emu"]  # fixtures, imported for pytest


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
