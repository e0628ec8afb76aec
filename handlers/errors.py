"""The error handler: log, tell the person their message is safe, and let the inbox park it."""

from __future__ import annotations

import logging
import uuid

from telegram import Update
from telegram.ext import ContextTypes

from bot.delivery.messages import Text, queue
from bot.delivery.update_inbox import handling_error
from bot.i18n import t
from bot.services.bundle import Services
from handlers.common import apologise, person
from storage.outbox import INTERACTIVE

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record the failure for the inbox and apologise in the person's language."""
    handling_error.set(context.error)
    log.error("handling update failed", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_user is None:
        return
    try:
        text = t(person(update, context).language, "common.error")
        if update.callback_query:
            # A press always gets its one answer, also one on a message sent via inline mode.
            await update.callback_query.answer(text[:200], show_alert=True)
        elif update.effective_chat:
            apologise(update, context, text)
    except Exception:
        log.exception("could not tell the person about the error")


def apologise_unreadable(services: Services, chat_id: int, user_id: int) -> None:
    """Tell a person in their private chat that a message of theirs could not be read."""
    language = services.membership.person(user_id).language
    with services.store.transaction(handling=False) as db:
        key = f"reply:{chat_id}:{uuid.uuid4().hex}"
        queue(db, key, chat_id, Text(t(language, "common.error")), priority=INTERACTIVE)
