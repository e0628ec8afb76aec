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
from handlers.common import apologise, person, tell_now
from storage.db import disk_full
from storage.outbox import INTERACTIVE

log = logging.getLogger(__name__)
# bot_data key: the updates whose senders were told the disk is full (each told once).
TOLD_DISK_FULL = "told_disk_full"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record the failure for the inbox and apologise in the person's language."""
    handling_error.set(context.error)
    if disk_full(context.error):
        await _tell_disk_full(update, context)
        return
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


async def _tell_disk_full(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The disk is full: the inbox keeps the update to handle once space is back; tell the person
    now, once, without storing anything (nothing can be stored)."""
    log.error("the disk is full: update kept for later")
    if not (isinstance(update, Update) and update.effective_user):
        return
    told = context.bot_data.setdefault(TOLD_DISK_FULL, set())
    if update.update_id in told:
        return
    try:
        text = t(person(update, context).language, "common.disk_full")
        if update.callback_query:
            # The press gets its one answer now: it expires before space is back.
            await update.callback_query.answer(text[:200], show_alert=True)
        elif update.effective_chat:
            await tell_now(update, context, Text(text))
        told.add(update.update_id)
    except Exception:
        log.exception("could not tell the person that the disk is full")


def apologise_unreadable(services: Services, chat_id: int, user_id: int) -> None:
    """Tell a person in their private chat that a message of theirs could not be read."""
    language = services.membership.person(user_id).language
    with services.store.transaction(handling=False) as db:
        key = f"reply:{chat_id}:{uuid.uuid4().hex}"
        queue(db, key, chat_id, Text(t(language, "common.error")), priority=INTERACTIVE)
