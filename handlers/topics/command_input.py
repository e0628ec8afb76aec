"""What the topic commands read from a message: their arguments, the text after them, and the
topic a receipt number names."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.services.people import Denied
from bot.services.topics.topic_wing import Topics
from handlers.common import services
from storage.topics import Topic


def args_of(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    return list(context.args or [])


def rest(update: Update, skip: int) -> str:
    """The command's text after its first `skip` words, with line breaks kept."""
    text = update.effective_message.text or ""
    parts = text.split(maxsplit=skip)
    return parts[skip] if len(parts) > skip else ""


def named_topic(context: ContextTypes.DEFAULT_TYPE, usage: str) -> tuple[Topics, list[str], Topic]:
    """The topic services, the arguments and the topic whose receipt is the first argument."""
    args = args_of(context)
    if not args:
        raise Denied(usage)
    topics = services(context).topics
    return topics, args, topics.reading.find(args[0])
