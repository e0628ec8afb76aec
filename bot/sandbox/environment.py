"""Start the sandbox: the Bot API emulator with the demo people, and a throw-away database."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.config import Config
from bot.sandbox.demo import BOT_USERNAME, TOKEN, USERS, VILLAGES, demo_config
from bot.sandbox.emulator import BotApiEmulator


@asynccontextmanager
async def sandbox(
    base: Config | None, host: str = "127.0.0.1"
) -> AsyncIterator[tuple[Config, BotApiEmulator]]:
    """Yield the demo config and the running emulator; everything is gone afterwards."""
    emulator = BotApiEmulator()
    emulator.add_bot(TOKEN, BOT_USERNAME, "村务公开（演示）")
    for user in USERS:
        emulator.add_user(user.user_id, user.first_name)
    for _code, name, chat_id in VILLAGES:
        emulator.add_chat(chat_id, f"{name}村务公开", "channel")
    await emulator.start(host, 0)
    with tempfile.TemporaryDirectory(prefix="village-sandbox-") as tmp:
        try:
            yield demo_config(base, emulator.base_url, Path(tmp) / "sandbox.db"), emulator
        finally:
            await emulator.stop()


def banner(config: Config, emulator: BotApiEmulator, web_port: int) -> str:
    """What is where, printed when the sandbox is up."""
    people = "\n".join(
        f"    {u.user_id}  {u.first_name}  ({' '.join(filter(None, (u.role, u.village_code)))})"
        for u in USERS
    )
    return (
        "\n村务公开 sandbox is running (loopback only, throw-away data)\n"
        f"  web:        http://{config.web.host}:{web_port}/  (health: /healthz)\n"
        f"  chat page:  http://{config.web.host}:{web_port}/sandbox  (talk to the bot as anyone)\n"
        f"  Bot API:    {emulator.base_url}  (emulator, bot @{BOT_USERNAME})\n"
        f"  act as a user: POST {emulator.base_url.removesuffix('/bot')}/_emulator/send_text "
        '{"user_id": 100001, "text": "/help"}\n'
        f"  demo people:\n{people}\n"
        "  Ctrl-C stops it.\n"
    )
