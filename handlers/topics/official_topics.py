"""Official topic commands: /inbox, /answer, /decline, /extend, /transfer, /category and
/templates."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.numbers import parse_number
from bot.services.people import Denied
from bot.services.topics.text import parse_receipt, reason_from
from handlers.common import answer_here, person, refusals, reply, services
from handlers.topics.command_input import args_of, named_topic, rest
from handlers.topics.topic_replies import say, topic_list


@refusals
async def inbox(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/inbox`: open topics to act on, oldest due first, each with an answer button."""
    who = person(update, context)
    bundle = services(context)
    found = bundle.topics.reading.inbox(who)
    reply(update, context, *topic_list(who, bundle.ctx, found, "topics.inbox"))


@refusals
async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/answer <receipt> <text>`, `/answer <receipt>` for the guided form, or
    `/answer <receipt> <receipt>… <text>` for one text answering several topics, `/answer`
    alone for the list of open topics to pick several from."""
    who = person(update, context)
    if not args_of(context):
        services(context).topics.selection.start(who, answer_here(update))
        return
    receipts = leading_receipts(args_of(context))
    if len(receipts) > 1:
        text = rest(update, 1 + len(receipts))
        if not text.strip():
            raise Denied("topics.usage.answer")
        services(context).topics.answering.answer_many(who, receipts, text, answer_here(update))
        return
    topics, _, item = named_topic(context, "topics.usage.answer")
    text = rest(update, 2)
    if not text.strip():
        topics.answering.start_answer(who, item, answer_here(update))
        return
    topics.answering.answer(who, item, text, reply=answer_here(update))


def leading_receipts(args: list[str]) -> list[str]:
    """The receipt numbers a command starts with, up to the first word that is not one."""
    receipts = []
    for word in args:
        if parse_receipt(word) is None:
            break
        receipts.append(word)
    return receipts


@refusals
async def decline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/decline <receipt> <reason> <explanation>`, or `/decline <receipt>` for buttons."""
    who = person(update, context)
    topics, args, item = named_topic(context, "topics.usage.decline")
    if len(args) == 1:
        say(update, context, who, topics.answering.start_decline(who, item))
        return
    reason = reason_from(args[1])
    if reason is None:
        raise Denied("topics.bad_reason")
    topics.answering.decline(who, item, reason, rest(update, 3), answer_here(update))


@refusals
async def extend(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/extend <receipt> <working days> <reason>`, or `/extend <receipt>` to be asked."""
    who = person(update, context)
    topics, args, item = named_topic(context, "topics.usage.extend")
    if len(args) == 1:
        topics.extensions.start_extension(who, item, answer_here(update))
        return
    days = parse_number(args[1], largest=10_000)
    if days is None:
        maximum = services(context).config.topics.extension_max_working_days
        raise Denied("topics.extend_usage", maximum=maximum)
    reason = rest(update, 3)
    topics.extensions.request_extension(who, item, days, reason, answer_here(update))


@refusals
async def transfer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/transfer <receipt> <member number>`, or `/transfer <receipt>` to pick with buttons."""
    who = person(update, context)
    topics, args, item = named_topic(context, "topics.usage.transfer")
    if len(args) == 1:
        say(update, context, who, topics.transfers.transfer_targets(who, item))
        return
    topics.transfers.transfer(who, item, args[1], answer_here(update))


@refusals
async def category(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/category <receipt> <category>`: put a topic in the category it belongs to."""
    who = person(update, context)
    topics, args, item = named_topic(context, "topics.usage.category")
    if len(args) < 2:
        raise Denied("topics.usage.category")
    topics.categories.recategorize(who, item, args[1], answer_here(update))


@refusals
async def templates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/templates` lists the village's answer templates; `/templates add 标题 | 内容` keeps
    one, `/templates remove <number>` drops one."""
    who = person(update, context)
    kept = services(context).topics.templates
    args = args_of(context)
    verb = TEMPLATE_VERBS.get(args[0].lower()) if args else None
    if verb == "add":
        kept.add(who, rest(update, 2), answer_here(update))
    elif verb == "remove" and len(args) == 2:
        kept.remove(who, args[1], answer_here(update))
    elif args:
        kept.village_of(who)  # a resident is told the command is not theirs, not its usage
        raise Denied("topics.templates.usage")
    else:
        say(update, context, who, kept.listing(who))


TEMPLATE_VERBS = {"add": "add", "添加": "add", "remove": "remove", "删除": "remove"}
