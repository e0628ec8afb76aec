"""The Bot API's wire format: a stored message turned into the python-telegram-bot call."""

from __future__ import annotations

from datetime import timedelta

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
)
from telegram.constants import ParseMode
from telegram.error import RetryAfter

from bot.delivery.messages import Document, Menu, Photo, Rows, Text, Voice
from bot.delivery.messages import Message as Owed


def _markup(rows: Rows) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data, url=b.url) for b in row]
            for row in rows
        ]
    )


def _file(file_id: str | None, content: bytes | None, filename: str) -> str | InputFile:
    return file_id if file_id is not None else InputFile(content, filename=filename or None)


async def send(bot: Bot, chat_id: int, message: Owed) -> Message | bool:
    """Make the API call that delivers one message to a chat."""
    match message:
        case Text(edit_message_id=int(message_id)):
            return await bot.edit_message_text(
                chat_id=chat_id,
                message_id=message_id,
                text=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(message.buttons),
            )
        case Text():
            return await bot.send_message(
                chat_id=chat_id,
                text=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(message.buttons),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        case Document():
            return await bot.send_document(
                chat_id=chat_id,
                document=_file(message.file_id, message.content, message.filename),
                caption=message.caption or None,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(message.buttons),
            )
        case Photo():
            return await bot.send_photo(
                chat_id=chat_id,
                photo=_file(message.file_id, message.content, ""),
                caption=message.caption or None,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(message.buttons),
            )
        case Voice():
            return await bot.send_voice(
                chat_id=chat_id,
                voice=message.file_id,
                caption=message.caption or None,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(message.buttons),
            )
        case Menu():
            return await bot.set_my_commands(
                [BotCommand(c.command, c.description) for c in message.commands],
                scope=BotCommandScopeAllPrivateChats()
                if message.everyone
                else BotCommandScopeChat(chat_id),
                language_code=message.language_code or None,
            )
    raise TypeError(f"not a message: {message!r}")


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds Telegram asked us to wait (PTB gives an int or a timedelta by setting)."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
