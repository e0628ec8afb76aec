"""What the topic command modules share: argument parsing, rendering a service `Reply`, and
the topic list used by /inbox, /pending and /overdue."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.villages import village_name
from bot.i18n import Term, t, t_plain
from bot.services.people import Denied, Person
from bot.services.topics.service import Reply, TopicService
from bot.services.topics.text import excerpt
from handlers.common import buttons, reply, services
from storage.topics import Topic

LIST_LIMIT = 30


def say(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Person, answer: Reply) -> None:
    reply(update, context, t(who.language, answer.key, **answer.params), answer.rows)


def args_of(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    return list(context.args or [])


def rest(update: Update, skip: int) -> str:
    """The command's text after its first `skip` words, with line breaks kept."""
    text = update.effective_message.text or ""
    parts = text.split(maxsplit=skip)
    return parts[skip] if len(parts) > skip else ""


def named_topic(
    context: ContextTypes.DEFAULT_TYPE, usage: str
) -> tuple[TopicService, list[str], Topic]:
    """The service, the arguments and the topic whose receipt is the first argument."""
    args = args_of(context)
    if not args:
        raise Denied(usage)
    service = services(context).topics
    return service, args, service.find(args[0])


def topic_list(who: Person, service: TopicService, found: list[Topic], prefix: str):
    today = service.local_date(service.now())
    lines = [t(who.language, f"{prefix}.header", count=len(found))]
    for item in found[:LIST_LIMIT]:
        lines.append(
            t(
                who.language,
                "topics.list_line",
                receipt=item.receipt,
                village=village_name(service.store.db, item.village_code),
                due=item.due_date.isoformat(),
                age=(today - service.local_date(item.filed_at)).days,
                late=Term("topics.list_late" if item.due_date < today else "topics.list_ok"),
                text=excerpt(item.text),
            )
        )
    if not found:
        lines.append(t(who.language, f"{prefix}.empty"))
    if prefix != "topics.inbox" or not found:
        return "\n".join(lines), ()
    rows = [
        [(t_plain(who.language, "topics.button.answer_receipt", receipt=i.receipt), f"tp:a:{i.id}")]
        for i in found[:10]
    ]
    return "\n".join(lines), buttons(*rows)
