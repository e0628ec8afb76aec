"""Point-topic commands and buttons (issue 4). Each handler parses input, makes at most one
changing service call, and renders the result; the rules live in bot/services/topics.py."""

from __future__ import annotations

import io
from datetime import date

from telegram import InputFile, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.i18n import Term, t, t_plain
from bot.render import local_time
from bot.services.people import Denied, Person
from bot.services.topics import HistoryEntry, Reply
from bot.services.topics_notices import category_term
from bot.services.topics_stats import stats_lines
from bot.services.topics_text import excerpt, reason_from
from handlers.common import SERVICES, answer_here, buttons, person, refusals, reply, services

LIST_LIMIT = 30


def _markup(language: str, rows) -> object:
    if not rows:
        return None
    return buttons(*[[(b.text(language), b.data) for b in row] for row in rows])


async def _say(update: Update, who: Person, answer: Reply) -> None:
    await reply(
        update, t(who.language, answer.key, **answer.params), _markup(who.language, answer.rows)
    )


def _args(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    return list(context.args or [])


def _rest(update: Update, skip: int) -> str:
    """The command's text after its first `skip` words, with line breaks kept."""
    text = update.effective_message.text or ""
    parts = text.split(maxsplit=skip)
    return parts[skip] if len(parts) > skip else ""


# -- residents ---------------------------------------------------------------------------------


@refusals
async def topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/topic <text>` files at once; `/topic` alone starts the guided form."""
    who = person(update, context)
    text = _rest(update, 1)
    service = services(context).topics
    if text.strip():
        service.file(who, text)  # the receipt (回执) is the answer, queued with the topic
        return
    service.start_filing(who, answer_here(update))


@refusals
async def mytopics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/mytopics`: the resident's own topics with status and due date."""
    who = person(update, context)
    found = services(context).topics.mine(who)
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
    await reply(update, "\n".join(lines))


@refusals
async def support(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/support <receipt>`: add one's support (附议)."""
    who = person(update, context)
    args = _args(context)
    if not args:
        raise Denied("topics.usage.support")
    service = services(context).topics
    service.support(who, service.find(args[0]), answer_here(update))


@refusals
async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/history <receipt>`: the topic, its answer and its full timeline."""
    who = person(update, context)
    args = _args(context)
    if not args:
        raise Denied("topics.usage.history")
    service = services(context).topics
    item, entries = service.view(who, service.find(args[0]))
    tz = services(context).config.township.tz
    lines = [
        t(
            who.language,
            "topics.history.header",
            receipt=item.receipt,
            village=service.village_name(item.village_code),
            category=category_term(item.category),
            status=Term(f"topics.status.{item.status}"),
            due=item.due_date.isoformat(),
            post=service.assignee_post(item),
            supports=service.supports(item),
            joint=Term("topics.history.joint" if item.joint else "topics.history.not_joint"),
            text=item.text,
        )
    ]
    answer = service.current_answer(item)
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
    await reply(update, "\n".join(lines))
    for kind, file_id in service.attachments(who, item):
        chat = update.effective_chat
        sender = {"photo": chat.send_photo, "voice": chat.send_voice}.get(kind, chat.send_document)
        await sender(file_id)


def _timeline_line(language: str, entry: HistoryEntry, tz) -> str:
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


# -- officials ---------------------------------------------------------------------------------


@refusals
async def inbox(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/inbox`: open topics to act on, oldest due first, each with an answer button."""
    who = person(update, context)
    service = services(context).topics
    found = service.inbox(who)
    await reply(update, *_topic_list(who, service, found, "topics.inbox"))


def _topic_list(who: Person, service, found, prefix: str):
    today = service.local_date(service.now())
    lines = [t(who.language, f"{prefix}.header", count=len(found))]
    for item in found[:LIST_LIMIT]:
        lines.append(
            t(
                who.language,
                "topics.list_line",
                receipt=item.receipt,
                village=service.village_name(item.village_code),
                due=item.due_date.isoformat(),
                age=(today - service.local_date(item.filed_at)).days,
                late=Term("topics.list_late" if item.due_date < today else "topics.list_ok"),
                text=excerpt(item.text),
            )
        )
    if not found:
        lines.append(t(who.language, f"{prefix}.empty"))
    if prefix != "topics.inbox" or not found:
        return "\n".join(lines), None
    rows = [
        [(t_plain(who.language, "topics.button.answer_receipt", receipt=i.receipt), f"tp:a:{i.id}")]
        for i in found[:10]
    ]
    return "\n".join(lines), buttons(*rows)


@refusals
async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/answer <receipt> <text>`, or `/answer <receipt>` for the guided form."""
    who = person(update, context)
    args = _args(context)
    if not args:
        raise Denied("topics.usage.answer")
    service = services(context).topics
    item = service.find(args[0])
    text = _rest(update, 2)
    if not text.strip():
        service.start_answer(who, item, answer_here(update))
        return
    service.answer(who, item, text, reply=answer_here(update))


@refusals
async def decline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/decline <receipt> <reason> <explanation>`, or `/decline <receipt>` for buttons."""
    who = person(update, context)
    args = _args(context)
    if not args:
        raise Denied("topics.usage.decline")
    service = services(context).topics
    item = service.find(args[0])
    if len(args) == 1:
        await _say(update, who, service.start_decline(who, item))
        return
    reason = reason_from(args[1])
    if reason is None:
        raise Denied("topics.bad_reason")
    service.decline(who, item, reason, _rest(update, 3), answer_here(update))


@refusals
async def extend(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/extend <receipt> <working days> <reason>`, or `/extend <receipt>` to be asked."""
    who = person(update, context)
    args = _args(context)
    if not args:
        raise Denied("topics.usage.extend")
    service = services(context).topics
    item = service.find(args[0])
    if len(args) == 1:
        service.start_extension(who, item, answer_here(update))
        return
    if not args[1].isdigit():
        raise Denied("topics.extend_usage", maximum=service.limits.extension_max_working_days)
    service.request_extension(who, item, int(args[1]), _rest(update, 3), answer_here(update))


@refusals
async def transfer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/transfer <receipt> <member number>`, or `/transfer <receipt>` to pick with buttons."""
    who = person(update, context)
    args = _args(context)
    if not args:
        raise Denied("topics.usage.transfer")
    service = services(context).topics
    item = service.find(args[0])
    if len(args) == 1:
        await _say(update, who, service.transfer_targets(who, item))
        return
    service.transfer(who, item, args[1], answer_here(update))


# -- township ----------------------------------------------------------------------------------


@refusals
async def pending(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/pending [village]`: every open topic with its age and due date."""
    who = person(update, context)
    service = services(context).topics
    found = service.pending(who, (_args(context) or [None])[0])
    text, _ = _topic_list(who, service, found, "topics.pending")
    await reply(update, text)


@refusals
async def overdue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/overdue [village]`: open topics past their due date."""
    who = person(update, context)
    service = services(context).topics
    found = service.overdue(who, (_args(context) or [None])[0])
    text, _ = _topic_list(who, service, found, "topics.overdue")
    await reply(update, text)


@refusals
async def urge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/urge <receipt> [note]`: an urging notice (督办) to the assignee."""
    who = person(update, context)
    who.require("township")
    args = _args(context)
    if not args:
        raise Denied("topics.usage.urge")
    service = services(context).topics
    service.urge(who, service.find(args[0]), _rest(update, 2), answer_here(update))


@refusals
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/stats [village] [period]`: counts and rates as text, then the chart."""
    who = person(update, context)
    service = services(context).topics
    period, rows, total = service.stats(who, _args(context))
    await reply(update, "\n".join(stats_lines(who.language, period, rows, total)))
    png = service.chart(period, rows, who.language)
    await update.effective_chat.send_photo(
        InputFile(io.BytesIO(png), filename=f"stats-{period.label}.png"),
        caption=t_plain(who.language, "topics.chart.title", period=period.label),
    )


@refusals
async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/report <period>`: the XLSX workbook, one sheet per village and a summary."""
    who = person(update, context)
    who.require("township")
    period, data = services(context).topics.report(who, (_args(context) or [None])[0], who.language)
    await update.effective_chat.send_document(
        InputFile(io.BytesIO(data), filename=f"topics-{period.label}.xlsx"),
        caption=t_plain(who.language, "topics.report.caption", period=period.label),
    )


@refusals
async def route(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/route <village>` lists rules; `/route <village> <category|head> <member #|->` sets one."""
    who = person(update, context)
    who.require("township")
    args = _args(context)
    service = services(context).topics
    if not args:
        raise Denied("topics.usage.route")
    if len(args) >= 3:
        service.set_route(who, args[0], args[1].lower(), args[2], answer_here(update))
        return
    rules = service.routes(who, args[0])
    lines = [t(who.language, "topics.route.header", village=args[0])]
    for category, post in sorted(rules.items()):
        name = (
            Term(f"topics.category.{category}") if category != "head" else Term("topics.route.head")
        )
        lines.append(t(who.language, "topics.route.line", category=name, post=post))
    if not rules:
        lines.append(t(who.language, "topics.route.empty"))
    await reply(update, "\n".join(lines))


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
    who.require("township")
    args = _args(context)
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
        await reply(update, "\n".join(lines))
        return
    if len(args) < 2 or args[1].lower() not in _KINDS:
        raise Denied("topics.usage.holiday")
    try:
        day = date.fromisoformat(args[0])
    except ValueError:
        raise Denied("topics.holiday.bad_date", text=args[0][:20]) from None
    kind = _KINDS[args[1].lower()]
    calendar.set_override(who, day, kind, _rest(update, 3), answer_here(update))


# -- buttons and form input --------------------------------------------------------------------


@refusals
async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every `tp:` button; the service checks the presser's rights again (DESIGN §2).
    A change queues its own answer (an edit of the pressed message, or a new message)."""
    query = update.callback_query
    who = person(update, context)
    service = services(context).topics
    parts = query.data.split(":")
    action, values = parts[1], parts[2:]
    numbers = [int(v) for v in values if v.isdigit()]
    here, edit_here = answer_here(update), answer_here(update, edit=True)
    shown: Reply | None = None  # answers that change nothing are sent directly
    if action == "cat" and values:
        service.choose_category(who, values[0], edit_here)
    elif action == "ok":
        service.confirm_draft(who, edit_here)
    elif action == "no":
        if not service.cancel_draft(who, edit_here):
            raise Denied("topics.stale")
    elif action == "a" and numbers:
        service.start_answer(who, service.get(numbers[0]), here)
    elif action == "d" and numbers:
        shown = service.start_decline(who, service.get(numbers[0]))
    elif action == "dr" and len(numbers) == 1 and len(values) == 2:
        service.choose_reason(who, service.get(numbers[0]), values[1], edit_here)
    elif action == "x" and numbers:
        service.start_extension(who, service.get(numbers[0]), here)
    elif action == "t" and numbers:
        shown = service.transfer_targets(who, service.get(numbers[0]))
    elif action == "tt" and len(numbers) == 2:
        service.transfer(who, service.get(numbers[0]), numbers[1], edit_here)
    elif action in ("xa", "xr") and numbers:
        service.decide_extension(who, numbers[0], action == "xa", edit_here)
    elif action == "r" and len(numbers) == 2 and len(values) == 3:
        service.rate(who, service.get(numbers[0]), numbers[1], values[2], here)
    elif action == "s" and numbers:
        # From the wall channel: the presser is answered with an alert, not a message.
        done = service.support(who, service.get(numbers[0]))
        await query.answer(t_plain(who.language, done.key, **done.params), show_alert=True)
        return
    else:
        raise Denied("topics.stale")
    await query.answer()
    if shown is not None:
        await _say(update, who, shown)


@refusals
async def form_input(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message while a guided form is open: text, a photo, a voice note or a file."""
    who = person(update, context)
    message = update.effective_message
    media = None
    if message.photo:
        media = ("photo", message.photo[-1].file_id)
    elif message.voice:
        media = ("voice", message.voice.file_id)
    elif message.document:
        media = ("document", message.document.file_id)
    text = message.text or message.caption
    services(context).topics.draft_input(who, text, media, answer_here(update))


class HasTopicDraft(filters.MessageFilter):
    """Matches a private message from someone with a topic form open (progress is in the DB)."""

    def __init__(self, application) -> None:
        super().__init__(name="HasTopicDraft")
        self.application = application

    def filter(self, message) -> bool:
        if message.from_user is None:
            return False
        return self.application.bot_data[SERVICES].topics.has_draft(message.from_user.id)


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
