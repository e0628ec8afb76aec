"""Resident topic commands: /topic, /mytopics, /support, /history, and a topic opened from its
receipt's link (`/start DT-…`)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.local_time import local_time
from bot.core.timeline import TimelineEntry
from bot.core.village_names import village_name
from bot.delivery.messages import Document, Photo, Text, Voice
from bot.i18n import Term, t
from bot.services.topics.notices import category_term, due_mark
from bot.services.topics.text import excerpt
from handlers.common import answer_here, owe, person, refusals, reply, services
from handlers.topics.command_input import named_topic, rest
from handlers.topics.topic_replies import LIST_LIMIT, say


@refusals
async def topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/topic <text>` files at once; `/topic` alone starts the guided form."""
    who = person(update, context)
    text = rest(update, 1)
    topics = services(context).topics
    if text.strip():
        # The receipt (回执) is the answer, queued with the topic; a similar recent topic of
        # the village is offered first (follow it or file anyway).
        topics.follows.file_or_offer(who, text, reply=answer_here(update), filed_reply=None)
        return
    topics.filing.start_filing(who, answer_here(update))


@refusals
async def mytopics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/mytopics`: the resident's own topics with status and due date."""
    who = person(update, context)
    found = services(context).topics.reading.mine(who)
    lines = [t(who.language, "topics.mine.header", count=len(found))]
    for item in found[:LIST_LIMIT]:
        lines.append(
            t(
                who.language,
                "topics.mine.line",
                receipt=item.receipt,
                status=Term(f"topics.status.{item.status}"),
                due=item.due_date.isoformat(),
                text=excerpt(item.text),
            )
        )
    if not found:
        lines.append(t(who.language, "topics.mine.empty"))
    reply(update, context, "\n".join(lines))


@refusals
async def support(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/support <receipt>`: add one's support (附议)."""
    who = person(update, context)
    topics, _, item = named_topic(context, "topics.usage.support")
    topics.supports.support(who, item, answer_here(update))


async def receipt_link(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> None:
    """`/start DT-…` (a receipt's QR code): the topic's public state, and the follow button for
    a resident of its village."""
    who = person(update, context)
    say(update, context, who, services(context).topics.links.show(who, payload))


@refusals
async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/history <receipt>`: the topic, its answer and its full timeline."""
    who = person(update, context)
    topics, _, found = named_topic(context, "topics.usage.history")
    reading = topics.reading
    item, entries = reading.view(who, found)
    bundle = services(context)
    tz = bundle.config.township.tz
    lines = [
        t(
            who.language,
            "topics.history.header",
            receipt=item.receipt,
            village=village_name(bundle.store.db, item.village_code),
            category=category_term(item.category),
            status=Term(f"topics.status.{item.status}"),
            due=item.due_date.isoformat(),
            provisional=due_mark(item.due_provisional),
            post=reading.assignee_post(item),
            supports=topics.supports.count(item),
            joint=Term("topics.history.joint" if item.joint else "topics.history.not_joint"),
            text=item.text,
        )
    ]
    line = bundle.disclosures.line_questions.asked_about(item.receipt)
    if line is not None and line.number is not None:
        url = bundle.config.web.public_url.rstrip("/") + line.path
        lines.append(
            t(who.language, "line.topic_link", id=line.disclosure_id, n=line.number, url=url)
        )
    asked = topics.follows.asked_same(item)
    if asked > 1:  # a neighbour followed it or supported it: the officials see how many
        lines.append(t(who.language, "topics.similar.asked_same", count=asked))
    answer = reading.current_answer(item)
    if answer is not None:
        lines.append(
            t(
                who.language,
                "topics.history.answer",
                answer=answer.text,
                link=answer.link or "—",
                post=answer.by_post,
            )
        )
    lines.append(t(who.language, "topics.history.timeline"))
    lines += [_timeline_line(who.language, entry, tz) for entry in entries]
    kinds = {"photo": Photo, "voice": Voice}
    attachments = [
        kinds[kind](file_id) if kind in kinds else Document(file_id=file_id)
        for kind, file_id in reading.attachments(who, item)
    ]
    owe(update, context, Text("\n".join(lines)), *attachments)


def _timeline_line(language: str, entry: TimelineEntry, tz) -> str:
    params = dict(entry.params)
    key = entry.action.replace(".", "_")
    values = {
        "post": params.get("post") or "—",
        "due": params.get("due") or "—",
        "reason": params.get("reason") or "—",
        "note": params.get("note") or "—",
        "days": params.get("days") or "—",
        "supports": params.get("supports") or "—",
        "category": category_term(params["category"]) if params.get("category") else "—",
        "rating": Term(f"topics.rating.{params['rating']}") if params.get("rating") else "—",
        "decline": Term(f"topics.reason.{params['reason']}") if params.get("reason") else "—",
        "auto": Term("topics.history.auto" if params.get("auto") else "topics.history.manual"),
        "timely": Term("topics.wall.on_time" if params.get("on_time") else "topics.wall.late"),
    }
    event = t(language, f"topics.history.{key}", **values)
    return t(language, "topics.history.line", at=local_time(entry.at, tz)) + " " + event
