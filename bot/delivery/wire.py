"""The Bot API's wire format: a stored message turned into the python-telegram-bot call."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardMarkup,
    InputFile,
)
from telegram.constants import ParseMode
from telegram.error import RetryAfter
from telegram.warnings import PTBUserWarning

from bot.delivery.messages import Button, Document, Menu, Photo, Rows, Text, Voice
from bot.delivery.messages import Message as Owed

# A text is sent (or edited) through `do_api_request`, the library's public call that hands back
# Telegram's JSON answer: `send_message` builds the keyboard's objects and then a Message of the
# answer (chat, sender, entities, the keyboard again), about 0.25 ms a text, for the message_id
# alone. The library suggests its own method for a method it knows; avoiding it is the point.
warnings.filterwarnings(
    "ignore",
    message=r"Please use 'Bot\.(sendMessage|editMessageText)'",
    category=PTBUserWarning,
)
_NO_PREVIEW = {"is_disabled": True}


def _markup_json(rows: Rows) -> dict | None:
    """The inline keyboard as the Bot API's JSON (as `InlineKeyboardMarkup.to_dict()` makes it)."""
    if not rows:
        return None
    return {"inline_keyboard": [[_button_json(b) for b in row] for row in rows]}


def _button_json(button: Button) -> dict:
    fields = {"text": button.label}
    if button.data is not None:
        fields["callback_data"] = button.data
    if button.url is not None:
        fields["url"] = button.url
    return fields


def _markup(rows: Rows) -> InlineKeyboardMarkup | None:
    """The same keyboard as the library's objects, for the calls that send a file."""
    data = _markup_json(rows)
    return None if data is None else InlineKeyboardMarkup.de_json(data, None)


def _file(file_id: str | None, content: bytes | None, filename: str) -> str | InputFile:
    return file_id if file_id is not None else InputFile(content, filename=filename or None)


async def _send_text(bot: Bot, chat_id: int, message: Text) -> int | None:
    """A text sent, or an earlier one edited; the id of the message Telegram answers with."""
    fields = {
        "chat_id": chat_id,
        "text": message.text,
        "parse_mode": ParseMode.HTML.value,
        "reply_markup": _markup_json(message.buttons),
    }
    if message.edit_message_id is None:
        fields["link_preview_options"] = _NO_PREVIEW
        return (await bot.do_api_request("sendMessage", fields))["message_id"]
    fields["message_id"] = message.edit_message_id
    edited = await bot.do_api_request("editMessageText", fields)
    return edited["message_id"] if isinstance(edited, dict) else None  # True: an inline message


async def send(bot: Bot, chat_id: int, message: Owed) -> int | None:
    """Make the API call that delivers one message to a chat; the id of the message Telegram
    sent or edited (None for a menu)."""
    match message:
        case Text():
            return await _send_text(bot, chat_id, message)
        case Document():
            document = await bot.send_document(
                chat_id=chat_id,
                document=_file(message.file_id, message.content, message.filename),
                caption=message.caption or None,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(message.buttons),
            )
            return document.message_id
        case Photo():
            photo = await bot.send_photo(
                chat_id=chat_id,
                photo=_file(message.file_id, message.content, ""),
                caption=message.caption or None,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(message.buttons),
            )
            return photo.message_id
        case Voice():
            voice = await bot.send_voice(
                chat_id=chat_id,
                voice=message.file_id,
                caption=message.caption or None,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(message.buttons),
            )
            return voice.message_id
        case Menu():
            await bot.set_my_commands(
                [BotCommand(c.command, c.description) for c in message.commands],
                scope=BotCommandScopeAllPrivateChats()
                if message.everyone
                else BotCommandScopeChat(chat_id),
                language_code=message.language_code or None,
            )
            return None
    raise TypeError(f"not a message: {message!r}")


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds Telegram asked us to wait (PTB gives an int or a timedelta by setting)."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
