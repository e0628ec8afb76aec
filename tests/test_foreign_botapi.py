"""The real bot against a Bot API server *not* written for this project (acceptance criterion).

The server is the npm package ``telegram-test-api`` (pinned in tests/foreign_botapi/); see
tests/foreign_botapi/README.md for what it supports and the five conformance fixes its launcher
applies. The product is started exactly as run.py starts it (``Runtime(config)``), with nothing
changed but ``telegram.base_url`` (and, for webhook mode, the webhook settings), in polling mode
and in webhook mode. The test plays the Telegram users through the package's own client API.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import parse_config
from run import Runtime
from storage import outbox
from tests.foreign_botapi.client import (
    BOT_USERNAME,
    BotMessage,
    ForeignBotApi,
    NodeMissing,
    ensure_installed,
    free_port,
    node_available,
)

TOKEN = "123456:foreign-botapi-test-token"
SECRET = "s3cret_Token-1"
STAFF = 9001  # township staff, from the config file
RESIDENT = 1001
OFFICIAL = 1002
NOBODY = 1003  # no role at all
ALICE = 424242  # only for the raw-package test
MODES = ["polling", "webhook"]


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


def product_config(api: ForeignBotApi, tmp_path: Path, mode: str) -> dict[str, Any]:
    """The config a deployment would write: only base_url (and the webhook) point elsewhere."""
    telegram: dict[str, Any] = {"token": TOKEN, "base_url": api.base_url, "poll_timeout": 1}
    port = 0
    if mode == "webhook":
        port = free_port()  # known up front: the webhook URL names it
        telegram |= {
            "mode": "webhook",
            "webhook_url": f"http://127.0.0.1:{port}/telegram/webhook",
            "webhook_secret": secrets.token_urlsafe(24),
        }
    return {
        "telegram": telegram,
        "storage": {"path": str(tmp_path / "village.db")},
        "web": {"host": "127.0.0.1", "port": port},
        "township": {"name": "示范镇", "staff": [STAFF]},
        "outbox": {"private_interval_seconds": 0},
        "villages": [
            {"code": "qingshan", "name": "青山村", "chat_id": -1001000000001},
            {"code": "hexi", "name": "河西村"},
        ],
    }


@pytest.fixture(params=MODES)
async def product(
    request: pytest.FixtureRequest,
    api: ForeignBotApi,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[Runtime]:
    """The whole bot, started as run.py starts it, against the foreign server."""
    caplog.set_level(logging.WARNING)
    rt = Runtime(parse_config(product_config(api, tmp_path, request.param), environ={}))
    await rt.start()
    try:
        assert rt.application.bot.username == BOT_USERNAME  # getMe came from the foreign server
        yield rt
    finally:
        await rt.stop()
    # Neither the busy getUpdates loop nor the unsupported setMyCommands may log trouble.
    trouble = [
        f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING
    ]
    assert trouble == [], trouble


# --------------------------------------------------------------------------- helpers


class Person:
    """One user's private chat with the bot, as the foreign server records it."""

    def __init__(self, api: ForeignBotApi, user_id: int, name: str) -> None:
        self.api = api
        self.user_id = user_id
        self.name = name
        self.seen = 0

    async def say(self, text: str, count: int = 1) -> list[BotMessage]:
        await self.api.send_text(self.user_id, text=text, first_name=self.name)
        return await self.replies(count)

    async def replies(self, count: int = 1) -> list[BotMessage]:
        got = await self.api.wait_bot_messages(self.user_id, count, after=self.seen, within=8)
        self.seen += len(got)
        return got

    async def press(self, callback_data: str) -> BotMessage:
        return await self.api.press_button(self.user_id, callback_data=callback_data)

    async def until(self, predicate: Callable[[BotMessage], bool]) -> BotMessage:
        return await self.api.wait_until(predicate, chat_id=self.user_id, within=8)


async def eventually(check: Callable[[], Any], within: float = 8.0) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not (result := check()):
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.02)
    return result


# --------------------------------------------------------------------------- the scenarios


async def resident_joins_by_village_link(api: ForeignBotApi, rt: Runtime) -> None:
    resident = Person(api, RESIDENT, "王秀英")
    [confirm] = await resident.say("/start v_qingshan")
    assert "青山村" in (confirm.text or "")
    assert confirm.callback_data == ["join:qingshan", "join:-"]
    pressed = await resident.press("join:qingshan")
    assert pressed.message_id == confirm.message_id
    await resident.until(
        lambda m: m.message_id == confirm.message_id and "已加入" in (m.text or "")
    )
    assert rt.services.membership.person(RESIDENT).has("resident", "qingshan")


async def staff_invites_an_official(api: ForeignBotApi, rt: Runtime) -> None:
    staff = Person(api, STAFF, "陈镇长")
    await api.send_text(STAFF, text="/invite official qingshan 会计", first_name=staff.name)
    # The daily digest may come first (from 1 November it asks for next year's calendar).
    created = await staff.until(lambda m: "start=inv_" in (m.text or ""))
    found = re.search(r"\?start=inv_([A-Za-z0-9_-]+)", created.text or "")
    assert found, created.text
    assert f"https://t.me/{BOT_USERNAME}?start=inv_" in (created.text or "")
    official = Person(api, OFFICIAL, "李建国")
    [welcome] = await official.say(f"/start inv_{found.group(1)}")
    assert "欢迎" in (welcome.text or "")
    assert rt.services.membership.person(OFFICIAL).has("official", "qingshan")
    # Sent by the outbox worker, not by the handler (the daily digest may come first).
    notice = await staff.until(lambda m: "已接受邀请" in (m.text or ""))
    assert "已接受邀请" in (notice.text or "") and "李建国" in (notice.text or "")


async def invite_without_role_is_refused(api: ForeignBotApi, rt: Runtime) -> None:
    nobody = Person(api, NOBODY, "张桂兰")
    [refusal] = await nobody.say("/invite official qingshan")
    assert "仅限" in (refusal.text or "")
    assert "start=inv_" not in (refusal.text or "")
    assert rt.store.db.execute("SELECT count(*) FROM invites").fetchone()[0] == 0
    assert not rt.services.membership.person(NOBODY).roles


# --------------------------------------------------------------------------- the tests


async def test_resident_joins_by_village_link(api: ForeignBotApi, product: Runtime) -> None:
    await resident_joins_by_village_link(api, product)


async def test_township_staff_invites_an_official(api: ForeignBotApi, product: Runtime) -> None:
    await staff_invites_an_official(api, product)


async def test_invite_without_a_role_is_refused(api: ForeignBotApi, product: Runtime) -> None:
    await invite_without_role_is_refused(api, product)


def outbox_rows(rt: Runtime) -> list[tuple[str, str, int, str | None]]:
    return rt.store.db.execute(
        "SELECT kind, status, attempts, last_error FROM outbox ORDER BY id"
    ).fetchall()


async def test_unsupported_set_my_commands_breaks_nothing(
    api: ForeignBotApi, product: Runtime
) -> None:
    """The foreign server lacks setMyCommands (HTTP 500). The product queues its command menus
    through the outbox; those rows wait for a retry while everything else keeps working."""
    await invite_without_role_is_refused(api, product)
    await resident_joins_by_village_link(api, product)
    await staff_invites_an_official(api, product)

    def menus() -> list[tuple[str, str, int, str | None]]:
        return [r for r in outbox_rows(product) if r[0] == "menu"]

    # Two default menus at start (zh-CN, en), one per new member (resident, official).
    await eventually(lambda: len(menus()) == 4 and all(r[2] >= 1 for r in menus()))
    assert api.unsupported_methods() == ["setMyCommands"]
    for method, status, attempts, error in menus():
        assert (method, status) == ("menu", "pending")  # retried later, with backoff
        assert 1 <= attempts < product.config.outbox.max_attempts
        # The server's 500 body is {"message": ...}, with no "description" for PTB to quote.
        assert error == "NetworkError: Internal Server Error (500)"

    # Everything else went out: the answers owed for the join and the accepted invite, the
    # notice to the staff member (and the township's daily digest, when it is due).
    def others() -> list[tuple[str, str, int, str | None]]:
        return [r for r in outbox_rows(product) if r[0] != "menu"]

    await eventually(lambda: all(r[1] == "sent" for r in others()))
    assert {r[0] for r in others()} == {"text"}
    edits = product.store.db.execute(
        "SELECT DISTINCT json_extract(payload, '$.edit_message_id') IS NOT NULL FROM outbox "
        "WHERE kind = 'text'"
    ).fetchall()
    assert {edit for (edit,) in edits} == {0, 1}  # new messages, and edits of pressed ones
    assert outbox.counts(product.store.db)["pending"] == 4


async def test_webhook_checks_the_secret_token(api: ForeignBotApi, tmp_path: Path) -> None:
    """In webhook mode every push of the foreign server carried the secret (the bot answered);
    a push without it is refused by the product's endpoint."""
    rt = Runtime(parse_config(product_config(api, tmp_path, "webhook"), environ={}))
    await rt.start()
    try:
        url = rt.config.telegram.webhook_url
        assert rt.web_port == int(url.split(":")[2].split("/")[0])
        await invite_without_role_is_refused(api, rt)  # pushed with the right secret
        update = {"update_id": 999, "message": {"message_id": 1}}
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=update, headers=headers) as resp:
                    assert resp.status == 403
    finally:
        await rt.stop()


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
    """Why server.js applies its six fixes: the pinned package as shipped breaks a spec-following
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
            # 6. Object parameters other than reply_markup/entities, JSON-serialized in a form
            #    body as PTB sends them, are echoed back as strings: the product's replies
            #    (disable_web_page_preview=True -> link_preview_options) fail to parse.
            form = {"chat_id": "7", "text": "x", "link_preview_options": '{"is_disabled": true}'}
            async with (
                aiohttp.ClientSession() as http,
                http.post(f"{raw.base_url}{TOKEN}/sendMessage", data=form) as resp,
            ):
                echoed = (await resp.json())["result"]
            assert echoed["link_preview_options"] == '{"is_disabled": true}'
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
