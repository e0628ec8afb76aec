"""Township topic commands: /pending, /overdue, /urge, /stats, /report, /route and /holiday,
and the county's /compare."""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.vocabulary import category_named
from bot.delivery.messages import Document, Photo, Text
from bot.i18n import Term, t
from bot.services.people import Denied
from bot.services.permissions import require
from bot.services.topics.stats import stats_lines
from handlers.common import answer_here, owe, person, refusals, reply, services, written
from handlers.topics.command_input import args_of, named_topic, rest
from handlers.topics.topic_replies import tracking_list


async def _village_list(
    update: Update, context: ContextTypes.DEFAULT_TYPE, listing: str, prefix: str
) -> None:
    """/pending and /overdue: tracking's `listing` for an optional village and category (its
    code or Chinese name, 财务 or 财务收支), as a list."""
    who = person(update, context)
    bundle = services(context)
    words = args_of(context)
    category = next((c for c in map(category_named, words) if c is not None), None)
    village = next((w for w in words if category_named(w) is None), None)
    found = getattr(bundle.topics.tracking, listing)(who, village, category)
    reply(update, context, tracking_list(who, bundle.ctx, found, prefix))


@refusals
async def pending(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/pending [village] [category]`: every open topic with its age and due date."""
    await _village_list(update, context, "pending", "topics.pending")


@refusals
async def overdue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/overdue [village] [category]`: open topics past their due date."""
    await _village_list(update, context, "overdue", "topics.overdue")


@refusals
async def urge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/urge <receipt> [note]`: an urging notice (督办) to the assignee."""
    who = person(update, context)
    require(who, "topic.urge")
    topics, _, item = named_topic(context, "topics.usage.urge")
    topics.tracking.urge(who, item, rest(update, 2), answer_here(update))


@refusals
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/stats [village] [period]`: counts and rates as text, then the chart."""
    who = person(update, context)
    bundle = services(context)
    reporting = bundle.topics.reporting
    period, rows, total = reporting.stats(who, args_of(context))
    png = await bundle.heavy.run(reporting.chart, period, rows, who.language)
    caption = t(who.language, "topics.chart.title", period=period.text)
    text = "\n".join(stats_lines(who.language, period, rows, total))
    owe(update, context, Text(text), Photo(content=png, caption=caption))


@refusals
async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/report <period>`: the XLSX workbook, one sheet per village and a summary."""
    who = person(update, context)
    require(who, "topic.report")
    period_text = (args_of(context) or [None])[0]
    bundle = services(context)
    period, file = bundle.topics.reporting.report(who, period_text, who.language)
    data = await written(update, context, file, "report")
    caption = t(who.language, "topics.report.caption", period=period.text)
    owe(update, context, Document(file.name, data, caption=caption))


@refusals
async def compare(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/compare [period]`: the county's townships side by side (county staff)."""
    who = person(update, context)
    period, rows = services(context).county.compare(who, (args_of(context) or [None])[0])
    lines = [t(who.language, "county.compare_header", period=period.text)]
    lines += [t(who.language, "county.line", **row.params()) for row in rows]
    reply(update, context, "\n".join(lines))


@refusals
async def route(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/route <village>` lists rules; `/route <village> <category|head> <member #|->` sets one."""
    who = person(update, context)
    require(who, "topic.route")
    args = args_of(context)
    routing = services(context).topics.routing
    if not args:
        raise Denied("topics.usage.route")
    if len(args) >= 3:
        routing.set_route(who, args[0], args[1], args[2], answer_here(update))
        return
    rules = routing.routes(who, args[0])
    lines = [t(who.language, "topics.route.header", village=args[0])]
    for category, post in sorted(rules.items()):
        name = (
            Term(f"topics.category.{category}") if category != "head" else Term("topics.route.head")
        )
        lines.append(t(who.language, "topics.route.line", category=name, post=post))
    if not rules:
        lines.append(t(who.language, "topics.route.empty"))
    reply(update, context, "\n".join(lines))


_KINDS = {
    "休": "holiday",
    "假": "holiday",
    "holiday": "holiday",
    "off": "holiday",
    "班": "workday",
    "work": "workday",
    "workday": "workday",
    "clear": None,
    "清除": None,
    "-": None,
}


@refusals
async def holiday(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/holiday` lists overrides; `/holiday 2027-02-10 休|班|clear [note]` sets one."""
    who = person(update, context)
    require(who, "calendar.override")
    args = args_of(context)
    calendar = services(context).calendar
    if not args:
        entries = calendar.upcoming_overrides(who)
        lines = [t(who.language, "topics.holiday.header")]
        for item in entries:
            lines.append(
                t(
                    who.language,
                    "topics.holiday.line",
                    day=item.day.isoformat(),
                    kind=Term(f"topics.holiday.{item.kind}"),
                    note=item.note or "",
                )
            )
        if not entries:
            lines.append(t(who.language, "topics.holiday.empty"))
        lines.append(t(who.language, "topics.usage.holiday"))
        reply(update, context, "\n".join(lines))
        return
    if len(args) < 2 or args[1].lower() not in _KINDS:
        raise Denied("topics.usage.holiday")
    try:
        day = date.fromisoformat(args[0])
    except ValueError:
        raise Denied("topics.holiday.bad_date", text=args[0][:20]) from None
    kind = _KINDS[args[1].lower()]
    due_dates = services(context).topics.due_dates
    due_dates.set_holiday(who, day, kind, rest(update, 3), answer_here(update))
