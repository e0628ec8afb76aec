"""`BotApiEmulator`: set up the emulated world, serve it over HTTP, act as its users, observe."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

from aiohttp import web

from bot.sandbox.emulator import actions
from bot.sandbox.emulator.fault_control import FaultControl
from bot.sandbox.emulator.http_app import create_app
from bot.sandbox.emulator.methods import command_key
from bot.sandbox.emulator.raw_updates import RawUpdate
from bot.sandbox.emulator.samples import SAMPLE_OGG, SAMPLE_PNG, SAMPLE_VOICE_SECONDS
from bot.sandbox.emulator.state import (
    JSON,
    ApiError,
    BotAccount,
    CallbackRecord,
    EmulatorState,
    LoggedRequest,
    StoredMessage,
    is_valid_token,
)
from bot.sandbox.emulator.webhook_push import start_delivery, wait_stopped

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


class BotApiEmulator(FaultControl):
    """The emulator's Python API: set up the world, serve it over HTTP, act as its users."""

    def __init__(
        self,
        *,
        on_response: Callable[[str, object], None] | None = None,
        clock: Callable[[], float] = time.time,
        webhook_retry_delay: float = 1.0,
    ) -> None:
        self.state = EmulatorState(
            on_response=on_response, clock=clock, webhook_retry_delay=webhook_retry_delay
        )
        self._runner: web.AppRunner | None = None
        self._origin: str | None = None

    # --- the world ---------------------------------------------------------------------------

    def add_bot(
        self,
        token: str,
        username: str,
        first_name: str = "村务公开",
        *,
        can_read_all_group_messages: bool = False,
    ) -> JSON:
        """Register a bot; requests with its token are answered from now on."""
        if not is_valid_token(token):
            raise ValueError("a bot token looks like '123456:ABC-def'")
        if not username.lower().endswith("bot"):
            raise ValueError("bot usernames end in 'bot'")
        user = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": can_read_all_group_messages,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.state.bots[token] = BotAccount(token=token, user=user)
        return copy.deepcopy(user)

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> JSON:
        """Register a person (and their private chat); returns the User object."""
        return actions.register_user(
            self.state,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )

    def add_chat(
        self, chat_id: int, title: str, type: str = "supergroup", *, username: str | None = None
    ) -> JSON:
        """Register a group, supergroup or channel (negative id); returns the Chat object."""
        return actions.register_chat(self.state, chat_id, title, type, username)

    # --- serving -----------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        """The aiohttp application (Bot API, file downloads and the /_emulator/ test API)."""
        app = create_app(self.state)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _on_shutdown(self, app: web.Application) -> None:
        # Wake long polls and stop webhook pushes so the server can close promptly.
        self.state.closing = True
        self.state.signal.fire()
        for bot in self.state.bots.values():
            await wait_stopped(bot)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on a loopback address; port 0 picks a free port."""
        if host not in _LOOPBACK:
            raise ValueError("the emulator only listens on loopback addresses")
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        self.state.closing = False
        # No handler cancellation: like Telegram, a request whose client gave up still takes effect.
        runner = web.AppRunner(self.make_app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        address = runner.addresses[0]
        bound_host = f"[{address[0]}]" if ":" in address[0] else address[0]
        self._runner = runner
        self._origin = f"http://{bound_host}:{address[1]}"
        for bot in self.state.bots.values():
            # Webhooks set before a restart resume delivery, as Telegram's would.
            if bot.webhook is not None:
                start_delivery(self.state, bot)

    async def stop(self) -> None:
        """Stop serving; state is kept."""
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None
        self._origin = None

    @property
    def url(self) -> str:
        """The server origin, e.g. http://127.0.0.1:8081."""
        if self._origin is None:
            raise RuntimeError("call start() first")
        return self._origin

    @property
    def base_url(self) -> str:
        """What to pass as python-telegram-bot's base_url."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass as python-telegram-bot's base_file_url."""
        return f"{self.url}/file/bot"

    # --- acting as users ---------------------------------------------------------------------

    def _bot(self, token: str | None) -> BotAccount:
        return self.state.default_bot(token)

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        token: str | None = None,
        reply_to: int | None = None,
    ) -> JSON | None:
        """The user writes text; returns the Update (None if group privacy hides it)."""
        bot = self._bot(token)
        return actions.send_text(self.state, bot, user_id, text, chat_id=chat_id, reply_to=reply_to)

    def inject_update(self, update: JSON | str, *, token: str | None = None) -> int:
        """Queue an update exactly as given, however malformed: a dict, or the raw JSON text of
        an object. It gets the next update_id unless the dict brings its own. Returns the id."""
        bot = self._bot(token)
        if isinstance(update, dict) and "update_id" in update:
            queued: JSON | RawUpdate = dict(update)
        else:
            queued = (
                RawUpdate(bot.next_update_id, update)
                if isinstance(update, str)
                else {"update_id": bot.next_update_id, **update}
            )
            bot.next_update_id += 1
        press = update.get("callback_query") if isinstance(update, dict) else None
        if isinstance(press, dict) and "id" in press:
            # So that the bot may answer it, as it may any press Telegram sends.
            sender = press.get("from") or {}
            bot.callback_queries[str(press["id"])] = CallbackRecord(
                str(press["id"]), int(sender.get("id", 0)), 0, 0, str(press.get("data", ""))
            )
        bot.updates.append(queued)  # type: ignore[arg-type]
        self.state.signal.fire()
        return queued["update_id"]

    async def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        *,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        chat_id: int | None = None,
        token: str | None = None,
    ) -> JSON | None:
        """The user sends a file; returns the Update."""
        return actions.send_document(
            self.state,
            self._bot(token),
            user_id,
            filename,
            content,
            mime_type=mime_type,
            caption=caption,
            chat_id=chat_id,
        )

    async def send_photo(
        self,
        user_id: int,
        content: bytes = SAMPLE_PNG,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
        token: str | None = None,
    ) -> JSON | None:
        """The user sends a photo (PNG, GIF or JPEG bytes; a bundled picture by default);
        returns the Update."""
        return actions.send_photo(
            self.state, self._bot(token), user_id, content, caption=caption, chat_id=chat_id
        )

    async def send_voice(
        self,
        user_id: int,
        content: bytes = SAMPLE_OGG,
        *,
        duration: int = SAMPLE_VOICE_SECONDS,
        caption: str | None = None,
        chat_id: int | None = None,
        token: str | None = None,
    ) -> JSON | None:
        """The user records a voice note (a bundled second of silence by default); returns the
        Update."""
        return actions.send_voice(
            self.state,
            self._bot(token),
            user_id,
            content,
            duration=duration,
            caption=caption,
            chat_id=chat_id,
        )

    async def press_button(
        self,
        user_id: int,
        message: JSON | tuple[int, int],
        callback_data: str,
        *,
        token: str | None = None,
        forged: bool = False,
    ) -> JSON | None:
        """Press a button the message really has (else ValueError); returns the Update.

        With forged=True any data is sent, as a tampered client could."""
        chat_id, message_id = _message_ref(message)
        return actions.press_button(
            self.state, self._bot(token), user_id, chat_id, message_id, callback_data, forged=forged
        )

    async def press_forged_button(
        self,
        user_id: int,
        message: JSON | tuple[int, int],
        callback_data: str,
        *,
        token: str | None = None,
    ) -> JSON | None:
        """Send a callback query with arbitrary data, as a tampered client could."""
        return await self.press_button(user_id, message, callback_data, token=token, forged=True)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to their chat answer 403 until unblock()."""
        actions.set_blocked(self.state, user_id, blocked=True)

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot."""
        actions.set_blocked(self.state, user_id, blocked=False)

    # --- observing ---------------------------------------------------------------------------

    def messages(self, chat_id: int, *, token: str | None = None) -> list[JSON]:
        """Current state of every message bots sent to the chat (one bot if token)."""
        return [
            copy.deepcopy(s.message)
            for s in self._stored_messages(chat_id)
            if s.bot_token is not None and token in (None, s.bot_token)
        ]

    def history(self, chat_id: int) -> list[JSON]:
        """Every message in the chat, users' and bots', in order."""
        return [copy.deepcopy(s.message) for s in self._stored_messages(chat_id)]

    def _stored_messages(self, chat_id: int) -> list[StoredMessage]:
        stored = self.state.messages.get(chat_id, {})
        return [item for _, item in sorted(stored.items())]

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        *,
        timeout: float = 10,  # noqa: ASYNC109 - the sandbox and tests call it with timeout=
        after: int = 0,
    ) -> list[JSON]:
        """Wait until bots sent >= count messages with message_id > after to the chat."""

        def found() -> list[JSON]:
            return [m for m in self.messages(chat_id) if m["message_id"] > after]

        if not await self.state.signal.wait_for(lambda: len(found()) >= count, timeout):
            raise TimeoutError(
                f"expected {count} bot message(s) in chat {chat_id} after #{after} within "
                f"{timeout}s, got {len(found())}: {[m.get('text') for m in found()]}"
            )
        return found()

    def callback_answers(self) -> list[JSON]:
        """Every answerCallbackQuery call, with the query's user, chat, message and data."""
        return copy.deepcopy(self.state.callback_answers)

    def commands(
        self, scope: JSON | None = None, language_code: str = "", token: str | None = None
    ) -> list[JSON]:
        """The command list stored for exactly this scope and language (like getMyCommands)."""
        try:
            key = command_key(self.state, scope, language_code)
        except ApiError as error:
            raise ValueError(error.description) from None
        return copy.deepcopy(self._bot(token).commands.get(key, []))

    def pending_updates(self, token: str | None = None) -> list[JSON]:
        """Updates the bot has not confirmed yet."""
        return copy.deepcopy(self._bot(token).updates)

    def request_log(self) -> list[LoggedRequest]:
        """(method, params) of every bot request in arrival order; `.at` is a monotonic time."""
        return list(self.state.log)


def _message_ref(message: JSON | tuple[int, int]) -> tuple[int, int]:
    if isinstance(message, tuple):
        return message
    return int(message["chat"]["id"]), int(message["message_id"])
