"""Everything the emulator remembers: bots, users, chats, messages, files, updates and faults."""

from __future__ import annotations

import asyncio
import base64
import copy
import itertools
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

JSON = dict[str, Any]
FaultKind = Literal["blocked", "retry_after", "server_error", "delay", "network"]
FAULT_KINDS: tuple[FaultKind, ...] = ("blocked", "retry_after", "server_error", "delay", "network")
# What a flaky Telegram does to any request now and then (a block is a person's choice, not this).
TRANSIENT_KINDS: tuple[FaultKind, ...] = ("retry_after", "server_error", "delay", "network")

_TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
# Updates Telegram withholds unless the bot lists them in allowed_updates.
_OPT_IN_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}


class ApiError(Exception):
    """A Bot API error answer: HTTP status, Telegram's description and optional parameters."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    @classmethod
    def bad_request(cls, text: str) -> ApiError:
        return cls(400, f"Bad Request: {text}")

    def payload(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class DropConnection(Exception):
    """The request must end without any HTTP answer, like a network failure."""


def is_valid_token(token: str) -> bool:
    """Whether the token has Telegram's "<bot id>:<secret>" shape."""
    return _TOKEN_RE.match(token) is not None


@dataclass
class Fault:
    """A failure to inject into matching bot requests; times == -1 means until cleared."""

    method: str
    kind: FaultKind
    chat_id: int | None = None
    times: int = 1
    retry_after: int = 3
    delay: float = 1.0

    def matches(self, method: str, chat_id: object) -> bool:
        if self.method not in ("*", method.lower()):
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass
class RandomFaults:
    """A share of matching requests that fail, each with a kind drawn from a seeded generator."""

    rate: float
    kinds: tuple[FaultKind, ...]
    rng: random.Random
    method: str = "*"
    retry_after: int = 1
    delay: float = 1.0

    def draw(self, method: str) -> Fault | None:
        if self.method not in ("*", method.lower()) or self.rng.random() >= self.rate:
            return None
        kind = self.rng.choice(self.kinds)
        return Fault(method.lower(), kind, None, 1, self.retry_after, self.delay)


class LoggedRequest(tuple[str, JSON]):
    """A (method, params) pair that also carries the monotonic time it arrived as `.at`."""

    at: float

    def __new__(cls, method: str, params: JSON, at: float) -> LoggedRequest:
        self = super().__new__(cls, (method, params))
        self.at = at
        return self

    @property
    def method(self) -> str:
        return self[0]

    @property
    def params(self) -> JSON:
        return self[1]


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    content: bytes


@dataclass
class Call:
    """The decoded parameters and file parts of one Bot API request."""

    params: JSON
    uploads: dict[str, Upload] = field(default_factory=dict)


@dataclass
class PollTicket:
    """One running getUpdates call; a newer call supersedes it."""

    superseded: bool = False


@dataclass
class Webhook:
    """A bot's webhook settings."""

    url: str
    secret_token: str | None = None
    allowed_updates: list[str] | None = None


@dataclass
class CallbackRecord:
    """A callback query sent to a bot, waiting for answerCallbackQuery."""

    query_id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False


CommandKey = tuple[str, int | None, int | None, str]


@dataclass
class BotAccount:
    """A registered bot: its identity, update queue, webhook and settings."""

    token: str
    user: JSON
    updates: list[JSON] = field(default_factory=list)
    next_update_id: int = 1
    allowed_updates: list[str] | None = None
    webhook: Webhook | None = None
    webhook_task: asyncio.Task[None] | None = None
    poll: PollTicket | None = None
    commands: dict[CommandKey, list[JSON]] = field(default_factory=dict)
    callback_queries: dict[str, CallbackRecord] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.user["id"])

    @property
    def sender(self) -> JSON:
        """The short User object Telegram puts in `from` of the bot's messages."""
        keys = ("id", "is_bot", "first_name", "username")
        return {key: self.user[key] for key in keys}

    def wants(self, update_type: str) -> bool:
        allowed = self.webhook.allowed_updates if self.webhook else self.allowed_updates
        if allowed:
            return update_type in allowed
        return update_type not in _OPT_IN_UPDATES


@dataclass
class StoredFile:
    """An uploaded file; photo sizes of one upload share a group."""

    file_id: str
    file_unique_id: str
    content: bytes
    kind: str
    file_path: str
    group: str
    meta: JSON


@dataclass
class StoredMessage:
    """A message in a chat; bot_token is None for messages users sent."""

    message: JSON
    bot_token: str | None


class ChangeSignal:
    """Wakes every waiter whenever emulator state changes."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], seconds: float | None) -> bool:
        """Wait until predicate() holds or `seconds` pass (None: forever); return its value."""
        loop = asyncio.get_running_loop()
        deadline = None if seconds is None else loop.time() + seconds
        while not predicate():
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True


Handler = Callable[["EmulatorState", BotAccount, Call], Awaitable[object]]


def registrar(table: dict[str, Handler]) -> Callable[[str], Callable[[Handler], Handler]]:
    """A decorator factory that files Bot API method implementations under their names."""

    def method(name: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            table[name] = handler
            return handler

        return register

    return method


class EmulatorState:
    """The in-memory world shared by the Bot API methods, user actions and the HTTP layer."""

    def __init__(
        self,
        *,
        on_response: Callable[[str, object], None] | None = None,
        clock: Callable[[], float] = time.time,
        webhook_retry_delay: float = 1.0,
    ) -> None:
        self.on_response = on_response
        self.clock = clock
        self.webhook_retry_delay = webhook_retry_delay
        self.bots: dict[str, BotAccount] = {}
        self.users: dict[int, JSON] = {}
        self.chats: dict[int, JSON] = {}
        self.messages: dict[int, dict[int, StoredMessage]] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.blocked: set[int] = set()
        self.faults: list[Fault] = []
        self.random_faults: RandomFaults | None = None
        # (method, chat_id, kind) of every fault injected, in order.
        self.injected: list[tuple[str, object, FaultKind]] = []
        # (chat_id, message_id) of messages made by requests answered late ("delay" faults).
        self.late_messages: list[tuple[int, int]] = []
        self.log: list[LoggedRequest] = []
        self.callback_answers: list[JSON] = []
        self.signal = ChangeSignal()
        self.closing = False
        self._serial = itertools.count(1)

    def now(self) -> int:
        return int(self.clock())

    def serial(self) -> int:
        """A process-wide increasing number for ids that only need to be unique."""
        return next(self._serial)

    # --- lookups ---------------------------------------------------------------------------

    def default_bot(self, token: str | None = None) -> BotAccount:
        if token is not None:
            if token not in self.bots:
                raise KeyError(f"no bot registered with token {token!r}")
            return self.bots[token]
        if not self.bots:
            raise LookupError("register a bot with add_bot() first")
        return next(iter(self.bots.values()))

    def resolve_chat(self, chat_id: object) -> JSON:
        """The Chat for an id or @username, or Telegram's "chat not found"."""
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            for chat in self.chats.values():
                if chat["type"] != "private" and str(chat.get("username", "")).lower() == name:
                    return chat
        elif isinstance(chat_id, int) and not isinstance(chat_id, bool) and chat_id in self.chats:
            return self.chats[chat_id]
        raise ApiError.bad_request("chat not found")

    def find_message(self, chat_id: int, message_id: object) -> StoredMessage | None:
        """The message with this id in the chat, if any."""
        if not isinstance(message_id, int):
            return None
        return self.messages.get(chat_id, {}).get(message_id)

    # --- mutations -------------------------------------------------------------------------

    def store_message(self, chat_id: int, fields: JSON, bot_token: str | None) -> JSON:
        """Give a new message its id and date, keep it in the chat and return it."""
        chat_messages = self.messages.setdefault(chat_id, {})
        message_id = max(chat_messages, default=0) + 1
        message = {"message_id": message_id, **fields}
        message.setdefault("date", self.now())
        chat_messages[message_id] = StoredMessage(message, bot_token)
        self.signal.fire()
        return message

    def enqueue(self, bot: BotAccount, update_type: str, payload: JSON) -> JSON | None:
        """Queue an update for a bot unless its allowed_updates exclude that type."""
        if not bot.wants(update_type):
            return None
        update = {"update_id": bot.next_update_id, update_type: copy.deepcopy(payload)}
        bot.next_update_id += 1
        bot.updates.append(update)
        self.signal.fire()
        return update

    def add_file(
        self, content: bytes, kind: str, extension: str, meta: JSON, group: str | None = None
    ) -> StoredFile:
        """Store bytes under a fresh file_id; meta is completed into the Telegram object."""
        number = self.serial()
        raw_id = kind.encode()[:1] + number.to_bytes(8, "big") + b"\x00emu"
        file_id = "BQACAgIAAx" + base64.urlsafe_b64encode(raw_id * 2).decode().rstrip("=")
        unique_id = "AgAD" + base64.urlsafe_b64encode(number.to_bytes(6, "big")).decode()
        folder = {"photo": "photos", "voice": "voice", "document": "documents"}[kind]
        path = f"{folder}/file_{number}{extension}"
        meta = {"file_id": file_id, "file_unique_id": unique_id, **meta, "file_size": len(content)}
        stored = StoredFile(file_id, unique_id, content, kind, path, group or file_id, meta)
        self.files[file_id] = stored
        self.files_by_path[path] = stored
        return stored

    def take_fault(self, method: str, chat_id: object) -> Fault | None:
        """Consume and return the first fault matching this request, else maybe a random one."""
        taken = next((f for f in self.faults if f.matches(method, chat_id)), None)
        if taken is not None and taken.times > 0:
            taken.times -= 1
            if taken.times == 0:
                self.faults.remove(taken)
        if taken is None and self.random_faults is not None:
            taken = self.random_faults.draw(method)
        if taken is not None:
            self.injected.append((method, chat_id, taken.kind))
        return taken
