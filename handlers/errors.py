"""The error handler: log, tell the person their message is safe, and let the inbox park it."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.delivery.inbox import handling_error
from bot.delivery.messages import Text
from bot.i18n import t
from handlers.common import apologise, person, tell_now
from storage.db import disk_full

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
    if isinstance(update, Update) and update.effective_chat and update.effective_user:
        try:
            apologise(update, context, t(person(update, context).language, "common.error"))
        except Exception:
            log.exception("could not tell the person about the error")


async def _tell_disk_full(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The disk is full: the inbox keeps the update to handle once space is back; tell the person
    now, once, without storing anything (nothing can be stored)."""
    log.error("the disk is full: update kept for later")
    if not (isinstance(update, Update) and update.effective_chat and update.effective_user):
        return
    told = context.bot_data.setdefault(TOLD_DISK_FULL, set())
    if update.update_id in told:
        return
    try:
        language = person(update, context).language
        await tell_now(update, context, Text(t(language, "common.disk_full")))
        told.add(update.update_id)
    except Exception:
        log.exception("could not tell the person that the disk is full")
