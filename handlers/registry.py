"""Which handler answers which update; run.py calls register() once."""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import errors, everyone, township
from handlers.disclosures import routes as disclosures
from handlers.topics import routes as topics

PRIVATE = filters.ChatType.PRIVATE


def register(application: Application) -> None:
    """Attach every handler; order matters, the catch-alls come last."""
    commands = {
        "start": everyone.start,
        "help": everyone.help_command,
        "whoami": everyone.whoami,
        "language": everyone.language,
        "leave": everyone.leave,
        "cancel": everyone.cancel,
        # Township commands are registered for everyone: the service refuses the rest politely.
        "invite": township.invite,
        "members": township.members,
        "revoke": township.revoke,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=PRIVATE))
    application.add_handler(
        CallbackQueryHandler(everyone.join_pressed, pattern=r"^join:[a-z0-9_-]+$")
    )
    application.add_handler(CallbackQueryHandler(everyone.language_pressed, pattern=r"^lang:"))
    application.add_handler(
        CallbackQueryHandler(everyone.leave_pressed, pattern=r"^leave:(yes|no)$")
    )
    disclosures.register(application)  # its form text/file filters fall through when idle
    topics.register(application)  # likewise: its form input matches only while one is open
    application.add_handler(CallbackQueryHandler(everyone.stale_button))
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, everyone.unknown_command))
    application.add_handler(MessageHandler(PRIVATE & filters.TEXT, everyone.plain_text))
    application.add_error_handler(errors.on_error)
