"""Which handler answers which update; run.py calls register() once."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler, MessageHandler, filters

from handlers import errors, everyone, score_commands, township
from handlers.buttons import ButtonRoute, ButtonRouter
from handlers.disclosures import routes as disclosures
from handlers.topics import proxy_topics, topic_buttons, topic_commands

PRIVATE = filters.ChatType.PRIVATE
# Every button: membership's, then each wing's; an unknown or malformed one is refused politely.
BUTTONS = ButtonRouter(
    (
        ButtonRoute.of("join", everyone.join_pressed, r"join:[a-z0-9_-]+"),
        ButtonRoute.of("lang", everyone.language_pressed, r"lang:.*"),
        ButtonRoute.of("leave", everyone.leave_pressed, r"leave:(yes|no)"),
        *disclosures.BUTTONS,
        *topic_buttons.BUTTONS,
        *proxy_topics.BUTTONS,
    ),
    fallback=everyone.stale_button,
)


def register(application: Application) -> None:
    """Attach every handler; order matters, the catch-alls come last."""
    # Before every other handler: an edit stops here, whatever the message said.
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED, everyone.ignore_edit), group=-1
    )
    commands = {
        "start": everyone.start,
        "help": everyone.help_command,
        "whoami": everyone.whoami,
        "language": everyone.language,
        "leave": everyone.leave,
        "cancel": everyone.cancel,
        # Township commands are registered for everyone: the service refuses the rest politely.
        "invite": township.invite,
        "invites": township.invites,
        "members": township.members,
        "revoke": township.revoke,
        "score": score_commands.score,  # the service refuses residents and supervisors
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=PRIVATE))
    application.add_handler(BUTTONS.handler())
    disclosures.register(application)  # its form text/file filters fall through when idle
    topic_commands.register(application)  # likewise: its form input matches only while one is open
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, everyone.unknown_command))
    application.add_handler(MessageHandler(PRIVATE & filters.TEXT, everyone.plain_text))
    application.add_error_handler(errors.on_error)
