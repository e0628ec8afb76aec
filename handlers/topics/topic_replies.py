"""What the topic handlers send back: a service `Reply` rendered, and the topic list used by
/inbox, /pending and /overdue."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.village_names import village_name
from bot.i18n import Term, t, t_plain
from bot.services.context import Context
from bot.services.disclosures.objection_window import marked
from bot.services.people import Person
from bot.services.topics.text import excerpt
from bot.services.topics.topic_records import Reply
from bot.services.topics.tracking import Listing
from handlers.common import buttons, reply
from storage.topics import Topic

LIST_LIMIT = 30


def tracking_list(who: Person, ctx: Context, found: Listing, prefix: str) -> str:
    """/pending and /overdue: how many there are, and the oldest due of them."""
    return topic_list(who, ctx, found.topics, prefix, total=found.count)[0]


def say(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Person, answer: Reply) -> None:
    reply(update, context, t(who.language, answer.key, **answer.params), answer.rows)


def topic_list(
    who: Person, ctx: Context, found: list[Topic], prefix: str, *, total: int | None = None
):
    """The header with how many there are (`total`, else all `found`) and the first lines."""
    today = ctx.local_date(ctx.now())
    lines = [t(who.language, f"{prefix}.header", count=len(found) if total is None else total)]
    objections = marked(ctx, [i.id for i in found[:LIST_LIMIT]])  # STG-06
    for item in found[:LIST_LIMIT]:
        mark = t(who.language, "line.in_window_mark") + " " if item.id in objections else ""
        lines.append(
            mark
            + t(
                who.language,
                "topics.list_line",
                # 代办 topics are marked for the office, never named (issue 13 §3).
                receipt=item.receipt + (t_plain(who.language, "topics.proxy.mark") * item.is_proxy),
                village=village_name(ctx.store.db, item.village_code),
                due=item.due_date.isoformat(),
                age=(today - ctx.local_date(item.filed_at)).days,
                late=Term("topics.list_late" if item.due_date < today else "topics.list_ok"),
                text=excerpt(item.text),
            )
        )
    if not found:
        lines.append(t(who.language, f"{prefix}.empty"))
    shown = min(len(found), LIST_LIMIT)
    if (len(found) if total is None else total) > shown:
        lines.append(t(who.language, "topics.listing.list_more", shown=shown))
    if prefix != "topics.inbox" or not found:
        return "\n".join(lines), ()
    rows = [
        [(t_plain(who.language, "topics.button.answer_receipt", receipt=i.receipt), f"tp:a:{i.id}")]
        for i in found[:10]
    ]
    return "\n".join(lines), buttons(*rows)
