"""A loopback proxy in front of the Bot API emulator that enforces an overall send cap as
Telegram does: a send beyond the cap within one second is refused with 429 and retry_after."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from pathlib import Path

import aiohttp
from aiohttp import web

from bench.bot_process import BotProcess, project_command, write_config
from bot.sandbox.emulator import BotApiEmulator

# The calls the cap counts: those that put or change a message in a chat (the bot paces edits as
# sends too, so a broadcast's progress edits take places under the cap on both sides).
_SENDS = ("/send", "/copy", "/forward", "/edit")


class RateCap:
    """Forwards every request; counts sends let through (with their times) and 429s given."""

    def __init__(
        self, upstream: str, per_second: int, clock: Callable[[], float], *, wanted: int
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.per_second = per_second
        self.clock = clock
        self.sent: list[float] = []
        self.refused = 0
        self.wanted = wanted
        self.all_sent = asyncio.Event()  # set once `wanted` sends went through
        self._window: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    async def start(self) -> None:
        """Serve on a free loopback port."""
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Stop serving."""
        await self._runner.cleanup()
        await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        is_send = any(part in request.path.lower() for part in _SENDS)
        if is_send and not self._admit():
            self.refused += 1
            body = {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
            return web.json_response(body, status=429)
        async with self._session.request(
            request.method,
            self.upstream + request.path_qs,
            data=await request.read(),
            headers={"Content-Type": request.headers.get("Content-Type", "")},
        ) as answer:
            payload = await answer.read()
            if is_send and answer.status == 200:
                self.sent.append(self.clock())
                if len(self.sent) >= self.wanted:
                    self.all_sent.set()
            return web.Response(
                body=payload, status=answer.status, content_type=answer.content_type
            )

    def _admit(self) -> bool:
        now = self.clock()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.per_second:
            return False
        self._window.append(now)
        return True


async def project_behind_cap(
    emulator: BotApiEmulator, cap: RateCap, token: str, database: Path, village: str
) -> BotProcess:
    """The project as its own process on `database`, talking to the emulator through the cap
    (its configured overall rate the cap's), already polling."""
    config = database.with_suffix(".toml")
    write_config(
        config,
        {
            "telegram": {"token": token, "base_url": f"{cap.url}/bot", "poll_timeout": 1},
            "storage": {"path": str(database)},
            "web": {"host": "127.0.0.1", "port": 0},
            "outbox": {"global_per_second": cap.per_second},
            "villages": [{"code": village, "name": "青山村"}],
        },
    )
    bot = BotProcess(project_command(config), database.with_suffix(".log"))
    await bot.start(emulator)
    return bot
