"""The bot's Telegram stack against a Bot API server *not* written for this project.

The server is the npm package ``telegram-test-api`` (pinned in tests/foreign_botapi/); see
tests/foreign_botapi/README.md for what it supports and the five conformance fixes its launcher
applies. Here the real ``telegram.ext.Application`` (python-telegram-bot, unpatched) talks to it
through ``base_url`` in polling mode and in webhook mode, while the test plays the user through
the package's own client API.

The echo ``Application`` below is a stand-in: swap ``build_app`` for the product's application
factory to run the product against the same server.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, NetworkError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.foreign_botapi.client import (
    BOT_USERNAME,
    ForeignBotApi,
    NodeMissing,
    ensure_installed,
    free_port,
    node_available,
)

TOKEN = "123456:foreign-botapi-test-token"
SECRET = "s3cret_Token-1"
ALICE = 424242
BOB = 515151


@pytest.fixture(scope="session")
def _foreign_botapi_installed() -> None:
    reason = node_available()
    if reason:
        pytest.skip(f"foreign Bot API emulator needs Node.js: {reason}")
    try:
        ensure_installed()  # `npm ci --prefix tests/foreign_botapi` on a clean clone
    except NodeMissing as exc:  # pragma: no cover - raced with the check above
        pytest.skip(f"foreign Bot API emulator needs Node.js: {exc}")


@pytest.fixture
async def api(_foreign_botapi_installed: None) -> AsyncIterator[ForeignBotApi]:
    async with ForeignBotApi(TOKEN) as server:
        yield server


# --------------------------------------------------------------------------- the stand-in bot


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_user and update.effective_message
    await update.effective_message.reply_text(f"hello, {update.effective_user.first_name}")


async def _menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Yes", callback_data="pick:yes")],
         [InlineKeyboardButton("No", callback_data="pick:no")]]
    )  # fmt: skip
    await update.effective_message.reply_text("Pick one", reply_markup=keyboard)


async def _picked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query and query.data and query.message
    choice = query.data.removeprefix("pick:")
    await query.answer(f"noted: {choice}")
    await query.edit_message_text(f"Picked {choice}")
    await context.bot.send_message(query.message.chat.id, f"{query.from_user.id} chose {choice}")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_message.text
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


def build_app(base_url: str, errors: list[object], *, polling: bool = True) -> Application:
    builder = Application.builder().token(TOKEN).base_url(base_url)
    if not polling:
        builder = builder.updater(None)
    app = builder.build()
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CommandHandler("menu", _menu))
    app.add_handler(CallbackQueryHandler(_picked, pattern=r"^pick:"))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    app.add_error_handler(on_error)
    return app


@contextlib.asynccontextmanager
async def polling(app: Application, errors: list[object]) -> AsyncIterator[Application]:
    async with app:  # initialize(): getMe against the foreign server
        assert app.updater
        # The emulator answers getUpdates at once (no long polling), hence a short poll_interval.
        await app.updater.start_polling(poll_interval=0.02, timeout=1, error_callback=errors.append)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


@contextlib.asynccontextmanager
async def webhook(
    app: Application, headers_seen: list[str | None]
) -> AsyncIterator[tuple[Application, str]]:
    """Serve the app's webhook on loopback with aiohttp and register it with setWebhook."""

    async def receive(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        headers_seen.append(secret)
        if secret != SECRET:
            return web.Response(status=403)
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return web.Response()

    web_app = web.Application()
    web_app.router.add_post("/telegram/webhook", receive)
    runner = web.AppRunner(web_app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    try:
        async with app:
            await app.start()
            try:
                await app.bot.set_webhook(url, secret_token=SECRET)
                yield app, url
                await app.bot.delete_webhook()
            finally:
                await app.stop()
    finally:
        await runner.cleanup()


# --------------------------------------------------------------------------- polling mode


async def test_polling_echo_and_commands(api: ForeignBotApi) -> None:
    errors: list[object] = []
    async with polling(build_app(api.base_url, errors), errors) as app:
        assert app.bot.username == BOT_USERNAME  # getMe came from the foreign server

        await api.send_text(ALICE, text="/start", first_name="Alice")
        await api.send_text(ALICE, text="hi there")
        await api.send_text(BOB, text="bonjour", first_name="Bob")

        alice = await api.wait_bot_messages(ALICE, count=2)
        bob = await api.wait_bot_messages(BOB, count=1)
    assert [m.text for m in alice] == ["hello, Alice", "echo: hi there"]
    assert [m.text for m in bob] == ["echo: bonjour"]
    assert errors == []


async def test_polling_inline_keyboard_and_button_press(api: ForeignBotApi) -> None:
    errors: list[object] = []
    async with polling(build_app(api.base_url, errors), errors) as app:
        await api.send_text(ALICE, text="/menu")
        [menu] = await api.wait_bot_messages(ALICE, count=1)
        assert menu.text == "Pick one"
        assert menu.button_texts == ["Yes", "No"]
        assert menu.callback_data == ["pick:yes", "pick:no"]

        with pytest.raises(LookupError):  # only buttons the bot actually sent can be pressed
            await api.press_button(ALICE, callback_data="pick:maybe")
        await api.press_button(ALICE, callback_data="pick:no")

        [_, said] = await api.wait_bot_messages(ALICE, count=2)
        edited = await api.wait_until(lambda m: m.text == "Picked no", chat_id=ALICE)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await app.bot.edit_message_text("gone", chat_id=ALICE, message_id=10_000)
    assert said.text == f"{ALICE} chose no"
    assert edited.message_id == menu.message_id  # editMessageText changed the menu in place
    assert errors == []


async def test_unsupported_methods_are_reported(api: ForeignBotApi) -> None:
    """Methods outside the emulator's small set fail loudly; the lead can list them."""
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        with pytest.raises(NetworkError):
            await bot.set_my_commands([("start", "Start")])
    for _ in range(40):
        if api.unsupported_methods():
            break
        await asyncio.sleep(0.025)
    assert api.unsupported_methods() == ["setMyCommands"]


# --------------------------------------------------------------------------- webhook mode


async def test_webhook_push_with_secret_token(api: ForeignBotApi) -> None:
    errors: list[object] = []
    headers_seen: list[str | None] = []
    app = build_app(api.base_url, errors, polling=False)
    async with webhook(app, headers_seen):
        await api.send_text(BOB, text="/start", first_name="Bob")
        await api.send_text(BOB, text="/menu")
        await api.wait_bot_messages(BOB, count=2)
        await api.press_button(BOB, callback_data="pick:yes")
        msgs = await api.wait_bot_messages(BOB, count=3)

    assert [m.text for m in msgs] == ["hello, Bob", "Picked yes", f"{BOB} chose yes"]
    assert headers_seen == [SECRET] * 3  # every update was pushed, each with the secret header
    assert errors == []


# --------------------------------------------------------------------------- the package as shipped


@contextlib.asynccontextmanager
async def header_recorder(seen: list[str | None]) -> AsyncIterator[str]:
    """A loopback webhook that records the secret-token header of each push; yields its URL."""

    async def receive(request: web.Request) -> web.Response:
        seen.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        return web.Response()

    web_app = web.Application()
    web_app.router.add_post("/hook", receive)
    runner = web.AppRunner(web_app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        await runner.cleanup()


async def test_unfixed_package_deviates_from_bot_api(_foreign_botapi_installed: None) -> None:
    """Why server.js applies its five fixes: the pinned package as shipped breaks a spec-following
    client. If this starts failing after a version bump, drop the fixes that are no longer needed.
    """
    headers_seen: list[str | None] = []
    async with ForeignBotApi(TOKEN, raw=True) as raw:
        bot = Bot(TOKEN, base_url=raw.base_url)
        try:
            # 1. getMe omits User.is_bot, so Bot.initialize() (and Application.initialize()) fail.
            with pytest.raises(TypeError, match="is_bot"):
                await bot.initialize()
            # 2. sendMessage answers with Message.date in milliseconds (stored all the same).
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
            with pytest.raises(ValueError, match="out of range"):
                await bot.send_message(ALICE, "Pick one", reply_markup=keyboard)
            assert [m.text for m in await raw.bot_messages(ALICE)] == ["Pick one"]
            # 3. callback_query updates lack CallbackQuery.chat_instance.
            await raw.press_button(ALICE, callback_data="y")
            with pytest.raises(TypeError, match="chat_instance"):
                await bot.get_updates()
            # 5. editMessageText answers `result: null` instead of the edited Message.
            [menu] = await raw.bot_messages(ALICE)
            with pytest.raises(AttributeError):
                await bot.edit_message_text("Picked", chat_id=ALICE, message_id=menu.message_id)
            assert (await raw.bot_messages(ALICE))[0].text == "Picked"  # edited all the same
            # 4. Webhook pushes omit X-Telegram-Bot-Api-Secret-Token.
            async with header_recorder(headers_seen) as url:
                await bot.set_webhook(url, secret_token=SECRET)
                await raw.send_text(ALICE, text="hello")
                for _ in range(100):
                    if headers_seen:
                        break
                    await asyncio.sleep(0.05)
        finally:
            await bot.shutdown()
    assert headers_seen == [None]
