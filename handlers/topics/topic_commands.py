"""Point-topic commands and buttons (issue 4): the command table and its registration. Each
handler parses input, makes at most one changing call to a topic service and renders the result;
the handlers themselves live in the other modules of this package."""

from __future__ import annotations

from telegram.ext import CommandHandler, MessageHandler, filters

from handlers.topics.official_topics import (
    answer,
    category,
    decline,
    extend,
    inbox,
    templates,
    transfer,
)
from handlers.topics.proxy_topics import proxy, receipt
from handlers.topics.resident_topics import history, mytopics, support, topic
from handlers.topics.topic_buttons import HasTopicDraft, form_input
from handlers.topics.township_topics import (
    compare,
    holiday,
    overdue,
    pending,
    report,
    route,
    stats,
    urge,
)

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
    "templates": templates,
    "pending": pending,
    "overdue": overdue,
    "urge": urge,
    "stats": stats,
    "report": report,
    "compare": compare,
    "route": route,
    "holiday": holiday,
    "proxy": proxy,
    "receipt": receipt,
}


def register(application) -> None:
    """Topic commands (for everyone: the services refuse politely) and form input (the
    buttons, `handlers.topics.topic_buttons.BUTTONS`, are routed by `handlers.registry`).
    The form-input filter only matches while the person has a topic form open, so other
    features' handlers and the catch-alls still see everything else."""
    private = filters.ChatType.PRIVATE
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=private))
    content = filters.TEXT | filters.PHOTO | filters.VOICE | filters.Document.ALL
    application.add_handler(
        MessageHandler(
            private & content & ~filters.COMMAND & HasTopicDraft(application), form_input
        )
    )
