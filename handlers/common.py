"""What every Telegram handler shares: the services, the acting person, refusals and replies."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.i18n import t
from bot.render import split_message
from bot.services.bundle import Services
from bot.services.people import Denied, Person, ReplyTo

SERVICES = "services"

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The services this application was built with (run.py puts them in bot_data)."""
    return context.application.bot_data[SERVICES]


def person(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Person:
    """The person behind this update, with roles read from the database, never from the client."""
    return services(context).membership.person(update.effective_user.id)


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Answer in the chat the update came from, split when longer than one message."""
    parts = split_message(text.split("\n"))
    for i, part in enumerate(parts):
        await update.effective_chat.send_message(
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if i == len(parts) - 1 else None,
            disable_web_page_preview=True,
        )


def answer_here(update: Update, *, edit: bool = False) -> ReplyTo:
    """Where a service should queue its answer: this chat, or the pressed button's message."""
    if edit and update.callback_query and update.callback_query.message:
        message = update.callback_query.message
        return ReplyTo(message.chat.id, message.message_id)
    return ReplyTo(update.effective_chat.id)


def buttons(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback_data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def refusals(callback: Callback) -> Callback:
    """Turn a service's refusal into a polite, localized answer; nothing was changed."""

    @functools.wraps(callback)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        try:
            return await callback(update, context)
        except Denied as denied:
            who = person(update, context)
            text = t(who.language, denied.key, **denied.params)
            if update.callback_query:
                await update.callback_query.answer(text[:200], show_alert=True)
            else:
                await reply(update, text)

    return wrapper
