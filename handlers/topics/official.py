"""Official topic commands: /inbox, /answer, /decline, /extend, /transfer and /category."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.services.people import Denied
from bot.services.topics.text import reason_from
from handlers.common import answer_here, person, refusals, reply, services
from handlers.topics.common import named_topic, rest, say, topic_list


@refusals
async def inbox(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/inbox`: open topics to act on, oldest due first, each with an answer button."""
    who = person(update, context)
    service = services(context).topics
    found = service.inbox(who)
    reply(update, context, *topic_list(who, service, found, "topics.inbox"))


@refusals
async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/answer <receipt> <text>`, or `/answer <receipt>` for the guided form."""
    who = person(update, context)
    service, _, item = named_topic(context, "topics.usage.answer")
    text = rest(update, 2)
    if not text.strip():
        service.start_answer(who, item, answer_here(update))
        return
    service.answer(who, item, text, reply=answer_here(update))


@refusals
async def decline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/decline <receipt> <reason> <explanation>`, or `/decline <receipt>` for buttons."""
    who = person(update, context)
    service, args, item = named_topic(context, "topics.usage.decline")
    if len(args) == 1:
        say(update, context, who, service.start_decline(who, item))
        return
    reason = reason_from(args[1])
    if reason is None:
        raise Denied("topics.bad_reason")
    service.decline(who, item, reason, rest(update, 3), answer_here(update))


@refusals
async def extend(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/extend <receipt> <working days> <reason>`, or `/extend <receipt>` to be asked."""
    who = person(update, context)
    service, args, item = named_topic(context, "topics.usage.extend")
    if len(args) == 1:
        service.start_extension(who, item, answer_here(update))
        return
    if not args[1].isdigit():
        raise Denied("topics.extend_usage", maximum=service.limits.extension_max_working_days)
    service.request_extension(who, item, int(args[1]), rest(update, 3), answer_here(update))


@refusals
async def transfer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/transfer <receipt> <member number>`, or `/transfer <receipt>` to pick with buttons."""
    who = person(update, context)
    service, args, item = named_topic(context, "topics.usage.transfer")
    if len(args) == 1:
        say(update, context, who, service.transfer_targets(who, item))
        return
    service.transfer(who, item, args[1], answer_here(update))


@refusals
async def category(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/category <receipt> <category>`: put a topic in the category it belongs to."""
    who = person(update, context)
    service, args, item = named_topic(context, "topics.usage.category")
    if len(args) < 2:
        raise Denied("topics.usage.category")
    service.recategorize(who, item, args[1], answer_here(update))
