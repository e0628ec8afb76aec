"""Turn a stored outbox row back into a python-telegram-bot call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
)
from telegram.error import RetryAfter


def _markup(bot: Bot, data: dict | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.de_json(data, bot) if data else None


async def send_message(bot: Bot, p: dict[str, Any]) -> Message:
    return await bot.send_message(
        chat_id=p["chat_id"],
        text=p["text"],
        parse_mode=p.get("parse_mode"),
        reply_markup=_markup(bot, p.get("reply_markup")),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


async def send_document(bot: Bot, p: dict[str, Any]) -> Message:
    document = p["document"]
    if isinstance(document, dict):  # stored inline: {"filename": ..., "content_hex": ...}
        document = InputFile(bytes.fromhex(document["content_hex"]), filename=document["filename"])
    return await bot.send_document(
        chat_id=p["chat_id"],
        document=document,
        caption=p.get("caption"),
        parse_mode=p.get("parse_mode"),
        reply_markup=_markup(bot, p.get("reply_markup")),
    )


async def send_photo(bot: Bot, p: dict[str, Any]) -> Message:
    """A photo Telegram already has, re-sent by its file_id."""
    return await bot.send_photo(
        chat_id=p["chat_id"],
        photo=p["photo"],
        caption=p.get("caption"),
        parse_mode=p.get("parse_mode"),
        reply_markup=_markup(bot, p.get("reply_markup")),
    )


async def set_my_commands(bot: Bot, p: dict[str, Any]) -> bool:
    return await bot.set_my_commands(
        [BotCommand(c["command"], c["description"]) for c in p["commands"]],
        scope=BotCommandScope.de_json(p.get("scope"), bot) if p.get("scope") else None,
        language_code=p.get("language_code") or None,
    )


async def edit_message_text(bot: Bot, p: dict[str, Any]) -> Message | bool:
    return await bot.edit_message_text(
        chat_id=p["chat_id"],
        message_id=p["message_id"],
        text=p["text"],
        parse_mode=p.get("parse_mode"),
        reply_markup=_markup(bot, p.get("reply_markup")),
    )


CALLS = {
    "sendMessage": send_message,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "setMyCommands": set_my_commands,
    "editMessageText": edit_message_text,
}


async def call(bot: Bot, method: str, payload: dict[str, Any]) -> Any:
    """Make the API call an outbox row stands for."""
    return await CALLS[method](bot, payload)


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds Telegram asked us to wait (PTB gives an int or a timedelta by setting)."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
