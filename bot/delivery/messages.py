"""The one message model: what the bot owes a chat, queued in the outbox by `queue()`.

Pure data: the Bot API's wire format lives in `bot.delivery.wire` only. A message is stored as
its kind and fields (JSON), and the bytes of a file beside them as a blob.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlite_utils import Database

from storage import outbox

# Telegram allows 4096 UTF-16 units; leave room so markup and counting quirks never hit it.
MESSAGE_LIMIT = 3800


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: its label already rendered, and callback data or a url."""

    label: str
    data: str | None = None
    url: str | None = None


Rows = tuple[tuple[Button, ...], ...]


def rows_of(rows: Iterable[Iterable[Button]]) -> Rows:
    """Rows of buttons as the immutable tuples the messages hold."""
    return tuple(tuple(row) for row in rows if row)


@dataclass(frozen=True, slots=True)
class Text:
    """A text in Telegram HTML; with `edit_message_id` it replaces that message's text, with
    `edit_of_key` the text of the message queued under that key, once it has been sent."""

    text: str
    buttons: Rows = ()
    edit_message_id: int | None = None
    edit_of_key: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A file: its bytes under a filename, or a file Telegram already has (its file_id)."""

    filename: str = ""
    content: bytes | None = None
    file_id: str | None = None
    caption: str = ""
    buttons: Rows = ()


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo by file_id or as bytes."""

    file_id: str | None = None
    content: bytes | None = None
    caption: str = ""
    buttons: Rows = ()


@dataclass(frozen=True, slots=True)
class Voice:
    """A voice message Telegram already has, by file_id."""

    file_id: str
    caption: str = ""
    buttons: Rows = ()


@dataclass(frozen=True, slots=True)
class Command:
    command: str
    description: str


@dataclass(frozen=True, slots=True)
class Menu:
    """A command menu: for the chat it is queued to, or (`everyone`) for every private chat
    whose language is `language_code` ("" for the rest)."""

    commands: tuple[Command, ...] = field(default_factory=tuple)
    everyone: bool = False
    language_code: str = ""


Message = Text | Document | Photo | Voice | Menu

KINDS: dict[str, type] = {
    "text": Text,
    "document": Document,
    "photo": Photo,
    "voice": Voice,
    "menu": Menu,
}


def queue(db: Database, key: str, chat_id: int, message: Message, *, priority: int) -> None:
    """Queue a message under an idempotency key, in the caller's transaction. A text too long
    for one message goes as several (key, key:1, key:2 …): the buttons on the last part, the
    edit only for the first."""
    parts = [message]
    if isinstance(message, Text):
        texts = split_message(message.text.split("\n"))
        last = len(texts) - 1
        parts = [
            Text(
                text,
                message.buttons if i == last else (),
                message.edit_message_id if i == 0 else None,
                message.edit_of_key if i == 0 else None,
            )
            for i, text in enumerate(texts)
        ]
    for i, part in enumerate(parts):
        kind, fields, blob = encode(part)
        part_key = key if i == 0 else f"{key}:{i}"
        outbox.enqueue(db, part_key, chat_id, kind, fields, file=blob, priority=priority)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def split_message(lines: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack lines into as few messages as fit Telegram's length limit, never splitting a line."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        length = utf16_len(line) + 1
        if current and size + length > limit:
            messages.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += length
    if current:
        messages.append("\n".join(current))
    return messages


def encode(message: Message) -> tuple[str, dict, bytes | None]:
    """A message as stored: its kind, its fields as JSON-ready data, and a file's bytes."""
    kind = next(k for k, cls in KINDS.items() if isinstance(message, cls))
    fields: dict = {}
    blob = None
    for name in message.__slots__:
        value = getattr(message, name)
        if name == "content":
            blob = value
        elif name == "buttons":
            fields[name] = [[_button_fields(b) for b in row] for row in value]
        elif name == "commands":
            fields[name] = [[c.command, c.description] for c in value]
        else:
            fields[name] = value
    return kind, fields, blob


def decode(kind: str, fields: dict, blob: bytes | None) -> Message:
    """The message a stored row stands for."""
    values = dict(fields)
    if "buttons" in values:
        values["buttons"] = rows_of([Button(**b) for b in row] for row in values["buttons"])
    if "commands" in values:
        values["commands"] = tuple(Command(c, d) for c, d in values["commands"])
    message = KINDS[kind](**values)
    return replace(message, content=blob) if blob is not None else message


def _button_fields(button: Button) -> dict:
    return {k: v for k in Button.__slots__ if (v := getattr(button, k)) is not None}
