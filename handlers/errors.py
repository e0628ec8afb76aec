"""The error handler: log, tell the person their message is safe, and let the inbox park it."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.delivery.inbox import handling_error
from bot.i18n import t
from handlers.common import apologise, person

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record the failure for the inbox and apologise in the person's language."""
    handling_error.set(context.error)
    log.error("handling update failed", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat and update.effective_user:
        try:
            apologise(update, context, t(person(update, context).language, "common.error"))
        except Exception:
            log.exception("could not tell the person about the error")
