"""Drive the third-party Bot API emulator ``telegram-test-api`` from Python tests.

``ForeignBotApi`` starts ``server.js`` (Node) on a free loopback port, then plays the Telegram
*users*: it posts their messages and button presses through the package's own client HTTP API
(``/sendMessage``, ``/sendCallback``, ``/getUpdatesHistory``, see
``node_modules/telegram-test-api/lib/routes/client``) and reads back what the bot sent. The bot
under test talks to ``api.base_url`` with the real ``telegram.Bot``; nothing here touches it.

Typical use::

    async with ForeignBotApi(token) as api:
        app = Application.builder().token(token).base_url(api.base_url).build()
        ...
        await api.send_text(user_id=42, chat_id=42, text="/start")
        [reply] = await api.wait_bot_messages(chat_id=42, count=1)
        await api.press_button(user_id=42, chat_id=42, callback_data="yes")
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

HERE = Path(__file__).resolve().parent
SERVER_JS = HERE / "server.js"
NODE_MODULES = HERE / "node_modules"

# What the package's getMe route answers (lib/routes/bot/getMe.js); the bot's own id.
BOT_ID = 666
BOT_USERNAME = "TestNameBot"


class NodeMissing(RuntimeError):
    """``node`` or ``npm`` is not on PATH."""


def node_available() -> str | None:
    """None when node and npm are both on PATH, else a reason to skip."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not on PATH" if missing else None


def ensure_installed(timeout: float = 300.0) -> None:
    """Run ``npm ci`` in this folder once, unless node_modules already holds the package.

    A lock file keeps concurrent pytest processes from installing over each other.
    """
    if (NODE_MODULES / "telegram-test-api" / "package.json").exists():
        return
    reason = node_available()
    if reason:
        raise NodeMissing(reason)
    with open(HERE / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if (NODE_MODULES / "telegram-test-api" / "package.json").exists():
                return
            subprocess.run(
                ["npm", "ci", "--prefix", str(HERE), "--no-audit", "--no-fund"],
                check=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command_entities(text: str) -> list[dict[str, Any]]:
    """A ``bot_command`` entity for a leading ``/command`` (Telegram clients add these)."""
    if not text.startswith("/"):
        return []
    length = len(text.split(maxsplit=1)[0])
    return [{"offset": 0, "length": length, "type": "bot_command"}]


@dataclass(frozen=True)
class BotMessage:
    """One message the bot sent (as the emulator stores it; edits are applied in place)."""

    message_id: int
    chat_id: int
    text: str | None
    reply_markup: dict[str, Any] | None
    raw: dict[str, Any] = field(repr=False)

    @property
    def callback_data(self) -> list[str]:
        """callback_data of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]

    @property
    def button_texts(self) -> list[str]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [b.get("text", "") for row in rows for b in row]


class ForeignBotApi:
    """A running ``telegram-test-api`` process plus the user side of its client API.

    ``raw=True`` starts the package without the conformance fixes in server.js.
    All state lives in the Node process: one instance per test keeps tests independent.
    """

    def __init__(
        self,
        token: str,
        *,
        raw: bool = False,
        start_timeout: float = 15.0,
        env: dict[str, str] | None = None,
    ) -> None:
        self.token = token
        self.raw = raw
        # Extra environment for the Node process, e.g. NODE_EXTRA_CA_CERTS=<test CA> so its
        # webhook pushes trust a loopback HTTPS endpoint, or DEBUG=TelegramServer:* for tracing.
        self.env = env or {}
        self.start_timeout = start_timeout
        self.port = 0
        self.log: deque[str] = deque(maxlen=500)
        self._proc: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """Give this to ``Application.builder().base_url(...)`` / ``telegram.base_url``."""
        return f"{self.root}/bot"

    async def start(self) -> ForeignBotApi:
        ensure_installed()
        self.port = free_port()
        cmd = ["node", str(SERVER_JS), "--port", str(self.port)]
        if self.raw:
            cmd.append("--raw")
        self._proc = await asyncio.create_subprocess_exec(
            *cmd,
            cwd=str(HERE),
            env={**os.environ, **self.env},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # own process group, killed as a whole in stop()
        )
        try:
            await asyncio.wait_for(self._wait_ready(), self.start_timeout)
        except BaseException:
            await self.stop()
            raise
        self._drain = asyncio.create_task(self._drain_output())
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self

    async def _wait_ready(self) -> None:
        assert self._proc and self._proc.stdout
        while True:
            line = await self._proc.stdout.readline()
            if not line:
                raise RuntimeError("foreign Bot API server exited:\n" + "\n".join(self.log))
            text = line.decode(errors="replace").rstrip()
            self.log.append(text)
            if text.startswith("READY "):
                return

    async def _drain_output(self) -> None:
        assert self._proc and self._proc.stdout
        while line := await self._proc.stdout.readline():
            self.log.append(line.decode(errors="replace").rstrip())

    async def stop(self) -> None:
        if self._http:
            await self._http.close()
            self._http = None
        proc, self._proc = self._proc, None
        if proc and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 5)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
        if self._drain:
            self._drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drain
            self._drain = None

    async def __aenter__(self) -> ForeignBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def unsupported_methods(self) -> list[str]:
        """Bot API methods the bot called that the emulator does not implement (it answers
        them with HTTP 500, which python-telegram-bot raises as NetworkError)."""
        found = []
        for line in self.log:
            m = re.search(r"API method '(\w+)' is not supported", line)
            if m and m.group(1) not in found:
                found.append(m.group(1))
        return found

    # ------------------------------------------------------------------ client HTTP API

    async def _post(self, route: str, body: dict[str, Any]) -> dict[str, Any]:
        assert self._http, "server not started"
        async with self._http.post(f"{self.root}{route}", json=body) as resp:
            data = await resp.json(content_type=None)
            if resp.status != 200 or not data.get("ok"):
                raise RuntimeError(f"{route} -> HTTP {resp.status}: {data}")
            return data

    def _user(self, user_id: int, first_name: str | None, username: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User{user_id}",
        }
        if username:
            user["username"] = username
        return user

    @staticmethod
    def _chat(chat_id: int, chat_type: str, user: dict[str, Any], title: str | None):
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                chat["username"] = user["username"]
            return chat
        return {"id": chat_id, "type": chat_type, "title": title or f"Chat {chat_id}"}

    async def send_text(
        self,
        user_id: int,
        chat_id: int | None = None,
        text: str = "",
        *,
        first_name: str | None = None,
        username: str | None = None,
        chat_type: str = "private",
        chat_title: str | None = None,
        language_code: str | None = None,
    ) -> None:
        """User ``user_id`` writes ``text`` in ``chat_id`` (default: their private chat).

        A leading ``/command`` gets its ``bot_command`` entity, as real clients send it. The
        update reaches the bot through getUpdates, or is pushed to its webhook if one is set.
        """
        user = self._user(user_id, first_name, username)
        if language_code:
            user["language_code"] = language_code
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Any] = {
            "botToken": self.token,
            "from": user,
            "chat": self._chat(chat_id, chat_type, user, chat_title),
            "date": int(time.time()),
            "text": text,
        }
        entities = command_entities(text)
        if entities:
            message["entities"] = entities
        await self._post("/sendMessage", message)

    async def press_button(
        self,
        user_id: int,
        chat_id: int | None = None,
        callback_data: str = "",
        *,
        message_id: int | None = None,
        first_name: str | None = None,
        username: str | None = None,
        chat_type: str = "private",
    ) -> BotMessage:
        """User ``user_id`` presses the inline button whose callback_data is ``callback_data``.

        The button must be on a message the bot sent to ``chat_id`` (the newest such message,
        or ``message_id``), as it would have to be in a real client. Returns that message.
        """
        chat_id = user_id if chat_id is None else chat_id
        candidates = [
            m
            for m in await self.bot_messages(chat_id)
            if callback_data in m.callback_data and message_id in (None, m.message_id)
        ]
        if not candidates:
            raise LookupError(
                f"no message from the bot in chat {chat_id} has a button with "
                f"callback_data={callback_data!r}"
            )
        target = candidates[-1]
        user = self._user(user_id, first_name, username)
        message = {
            "message_id": target.message_id,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot", "username": BOT_USERNAME},
            "chat": self._chat(chat_id, chat_type, user, None),
            "date": int(target.raw.get("time", time.time() * 1000) // 1000),
            "text": target.text or "",
            "reply_markup": target.reply_markup,
        }
        await self._post(
            "/sendCallback",
            {
                "botToken": self.token,
                "from": user,
                "message": message,
                "data": callback_data,
                "date": int(time.time()),
            },
        )
        return target

    async def bot_messages(self, chat_id: int) -> list[BotMessage]:
        """Everything the bot sent to ``chat_id`` so far, oldest first (edits applied)."""
        data = await self._post("/getUpdatesHistory", {"token": self.token})
        out = []
        for item in data["result"]:
            msg = item.get("message") or {}
            if "chat_id" not in msg:  # user updates carry `chat`, bot messages `chat_id`
                continue
            if str(msg["chat_id"]) != str(chat_id):
                continue
            out.append(
                BotMessage(
                    message_id=int(item["messageId"]),
                    chat_id=int(msg["chat_id"]),
                    text=msg.get("text"),
                    reply_markup=msg.get("reply_markup") or None,
                    raw=item,
                )
            )
        return out

    async def wait_bot_messages(
        self, chat_id: int, count: int = 1, *, within: float = 5.0, after: int = 0
    ) -> list[BotMessage]:
        """Wait until the bot has sent at least ``after + count`` messages to ``chat_id``;
        return the ones past the first ``after``."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            messages = await self.bot_messages(chat_id)
            if len(messages) >= after + count:
                return messages[after:]
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(
                    f"bot sent {len(messages) - after} of {count} expected message(s) to chat "
                    f"{chat_id} within {within}s; sent: {[m.text for m in messages]}\n"
                    + "\n".join(self.log)
                )
            await asyncio.sleep(0.05)

    async def wait_until(self, predicate, *, within: float = 5.0, chat_id: int) -> BotMessage:
        """Wait until some message the bot sent to ``chat_id`` satisfies ``predicate``
        (useful after an edit, which the emulator applies in place)."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            for m in await self.bot_messages(chat_id):
                if predicate(m):
                    return m
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"no bot message in chat {chat_id} matched within {within}s")
            await asyncio.sleep(0.05)
