"""Point-topic commands and buttons (issue 4): the command table and its registration. Each
handler parses input, makes at most one changing call to `TopicService` and renders the result;
the handlers themselves live in the other modules of this package."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers.topics.buttons import HasTopicDraft, form_input, pressed
from handlers.topics.official import answer, category, decline, extend, inbox, transfer
from handlers.topics.resident import history, mytopics, support, topic
from handlers.topics.township import holiday, overdue, pending, report, route, stats, urge

COMMANDS = {
    "topic": topic,
    "mytopics": mytopics,
    "support": support,
    "history": history,
    "inbox": inbox,
    "answer": answer,
    "decline": decline,
    "extend": extend,
    "transfer": transfer,
    "category": category,
    "pending": pending,
    "overdue": overdue,
    "urge": urge,
    "stats": stats,
    "report": report,
    "route": route,
    "holiday": holiday,
}


def register(application) -> None:
    """Topic commands (for everyone: the services refuse politely), buttons and form input.
    The form-input filter only matches while the person has a topic form open, so other
    features' handlers and the catch-alls still see everything else."""
    private = filters.ChatType.PRIVATE
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=private))
    application.add_handler(CallbackQueryHandler(pressed, pattern=r"^tp:[a-z]{1,3}(:[\w-]+){0,3}$"))
    content = filters.TEXT | filters.PHOTO | filters.VOICE | filters.Document.ALL
    application.add_handler(
        MessageHandler(
            private & content & ~filters.COMMAND & HasTopicDraft(application), form_input
        )
    )
