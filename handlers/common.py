"""What every Telegram handler shares: the services, the acting person, refusals and replies."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.safe_sheets import FileToWrite
from bot.delivery.messages import Button, Message, Rows, Text, queue, rows_of
from bot.delivery.progress import progress_shown
from bot.delivery.wire import send
from bot.i18n import t
from bot.services.bundle import Services
from bot.services.people import Denied, Person, ReplyTo
from storage.outbox import INTERACTIVE

SERVICES = "services"

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The services this application was built with (run.py puts them in bot_data)."""
    return context.application.bot_data[SERVICES]


def person(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Person:
    """The person behind this update, with roles read from the database, never from the client."""
    return services(context).membership.person(update.effective_user.id)


def owe(update: Update, context: ContextTypes.DEFAULT_TYPE, *messages: Message) -> None:
    """Queue messages for the chat the update came from, ahead of broadcasts (DESIGN §7).

    One transaction, the update's only one: the handler changed nothing, or the service already
    queued what the change owes. A fresh key is enough, as the commit also marks the update
    handled.
    """
    _queue_here(update, context, messages, handling=True)


def apologise(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Tell the person their update failed; not the update's state change (the inbox parks it
    as failed), so it may follow a commit the handler made before failing."""
    _queue_here(update, context, [Text(text)], handling=False)


def _queue_here(
    update: Update, context: ContextTypes.DEFAULT_TYPE, messages, *, handling: bool
) -> None:
    chat_id = update.effective_chat.id
    with services(context).store.transaction(handling=handling) as db:
        for message in messages:
            key = f"reply:{chat_id}:{uuid.uuid4().hex}"
            queue(db, key, chat_id, message, priority=INTERACTIVE)


def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, rows: Rows = ()) -> None:
    """Answer in the chat the update came from (split when longer than one message)."""
    owe(update, context, Text(text, rows))


async def tell_now(update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message) -> None:
    """Send at once, never stored: for a secret such as an invite link (should it be lost, the
    unused invite simply expires)."""
    await send(context.bot, update.effective_chat.id, message)


def replace_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Replace the text of the message whose button was pressed."""
    message_id = update.callback_query.message.message_id
    owe(update, context, Text(text, edit_message_id=message_id))


def answer_here(update: Update, *, edit: bool = False) -> ReplyTo:
    """Where a service should queue its answer: this chat, or the pressed button's message."""
    if edit and update.callback_query and update.callback_query.message:
        message = update.callback_query.message
        return ReplyTo(message.chat.id, message.message_id)
    return ReplyTo(update.effective_chat.id)


def buttons(*rows: list[tuple[str, str]]) -> Rows:
    """Inline buttons from rows of (label, callback_data)."""
    return rows_of([Button(label, data) for label, data in row] for row in rows)


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
                reply(update, context, text)

    return wrapper


async def written(
    update: Update, context: ContextTypes.DEFAULT_TYPE, file: FileToWrite, what: str
) -> bytes:
    """A file's bytes, written in the worker pool, with a progress message when it takes long
    (`what` names the work: `progress.what.<what>` in the catalogue)."""
    bundle = services(context)
    language = person(update, context).language
    chat_id = update.effective_chat.id
    async with progress_shown(bundle.store, bundle.config.progress, chat_id, language, what):
        return await bundle.heavy.run(file.write)
