"""Disclosure commands and buttons: /draft, imports, /review, /disclosures, /show, /search,
/subscribe, /correct, /export, /export_year, /verify. Each update makes at most one change."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from telegram import InputFile, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.i18n import Term, t, t_plain
from bot.render import local_time
from bot.services import disclosure_render
from bot.services.disclosures import View
from bot.services.importing import ImportRejected
from bot.services.people import Person, ReplyTo
from handlers.common import SERVICES, answer_here, buttons, person, refusals, reply, services

PRIVATE = filters.ChatType.PRIVATE
MAX_PROBLEMS_SHOWN = 60
LIST_LIMIT = 20


class _FormFilter(filters.MessageFilter):
    """Matches messages from people whose disclosure form waits for this kind of input, so
    other text and files fall through to the handlers registered after these."""

    def __init__(self, check: Callable[[int], bool], name: str) -> None:
        super().__init__(name=name)
        self.check = check

    def filter(self, message: Any) -> bool:
        return message.from_user is not None and self.check(message.from_user.id)


def imports_refused(callback):
    """Answer an ImportRejected with every problem by row and column, in one reply."""

    @functools.wraps(callback)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        try:
            return await callback(update, context)
        except ImportRejected as rejected:
            who = person(update, context)
            await reply(update, "\n".join(problem_lines(who.language, rejected)))

    return wrapper


def problem_lines(language: str, rejected: ImportRejected) -> list[str]:
    problems = rejected.problems
    lines = [t(language, "imp.header", count=len(problems))]
    for p in problems[:MAX_PROBLEMS_SHOWN]:
        if p.row is not None and p.column is not None:
            where = t(language, "imp.where_cell", row=p.row, column=p.column)
        elif p.row is not None:
            where = t(language, "imp.where_row", row=p.row)
        else:
            where = ""
        lines.append(f"• {where}{t(language, p.key, **p.params)}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(t(language, "imp.more", count=len(problems) - MAX_PROBLEMS_SHOWN))
    lines.append(t(language, "imp.footer"))
    return lines


# -- drafting ------------------------------------------------------------------------------
#
# Every answer that follows a change is queued by the service in the change's own transaction
# (DESIGN §7), addressed with answer_here(); a button press is then only acknowledged here.

Change = Callable[[Person, str, ReplyTo], object]


def _data(update: Update) -> str:
    """What a button carries after its prefix (`dsub:12` → `12`)."""
    return update.callback_query.data.split(":", 1)[1]


async def _pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, change: Change, *, edit: bool = False
) -> None:
    """Apply a button's change; its answer comes through the outbox, the press is acknowledged."""
    change(person(update, context), _data(update), answer_here(update, edit=edit))
    await update.callback_query.answer()


async def _with_ref(
    update: Update, context: ContextTypes.DEFAULT_TYPE, usage: str, change: Change
) -> None:
    """A command whose first argument names the disclosure it changes (`/submit 12`)."""
    who = person(update, context)
    if not context.args:
        await reply(update, t(who.language, usage))
        return
    change(who, context.args[0], answer_here(update))


@refusals
async def draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/draft [finance|subsidy|notice]`, or `/draft notice [类别] 标题 | 正文` for a short notice
    in one line; without a kind, offer buttons."""
    who = person(update, context)
    who.require("official")
    service = services(context).disclosures
    if context.args:
        kind = context.args[0].lower()
        parts = (update.message.text or "").split(maxsplit=2)
        if kind == "notice" and len(parts) == 3:
            service.quick_notice(who, parts[2], answer_here(update))
        else:
            service.start(who, kind, answer_here(update))
        return
    await reply(
        update,
        t(who.language, "disc.ask_kind"),
        buttons(
            *[
                [(t_plain(who.language, f"disc.kind.{kind}"), f"dkind:{kind}")]
                for kind in ("finance", "subsidy", "notice")
            ]
        ),
    )


@refusals
async def kind_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _pressed(update, context, services(context).disclosures.start, edit=True)


@refusals
async def category_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    service = services(context).disclosures
    await _pressed(
        update, context, lambda who, i, to: service.choose_category(who, int(i), to), edit=True
    )


@refusals
async def period_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _pressed(update, context, services(context).disclosures.handle_text, edit=True)


@refusals
async def form_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Typed answer to the current form step (period, title, body, or a rejection reason)."""
    who = person(update, context)
    text = update.message.text or ""
    services(context).disclosures.handle_text(who, text, answer_here(update))


@refusals
@imports_refused
async def file_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A CSV or XLSX for the draft in progress: checked, read, imported or refused whole."""
    who = person(update, context)
    document = update.message.document
    service = services(context).disclosures
    service.check_upload(who, document.file_size)
    file = await document.get_file()
    content = bytes(await file.download_as_bytearray())
    name = document.file_name or "upload.csv"
    service.import_file(who, name, content, answer_here(update))


@refusals
async def attachment_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo or document while a notice draft is open: attached to it by file_id."""
    message = update.message
    if message.photo:
        kind, file_id, name = "photo", message.photo[-1].file_id, ""
    else:
        kind, file_id = "document", message.document.file_id
        name = message.document.file_name or ""
    services(context).disclosures.attach(
        person(update, context), kind, file_id, name, answer_here(update)
    )


async def stray_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file outside a disclosure form: explain how to import one."""
    who = person(update, context)
    await reply(update, t(who.language, "disc.no_file_expected"))


async def _send_file(update: Update, filename: str, content: bytes, caption: str) -> None:
    """A file made on request (read-only: sent directly, nothing is owed after a crash)."""
    await update.effective_chat.send_document(
        InputFile(content, filename=filename), caption=caption, parse_mode="HTML"
    )


@refusals
async def template_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()
    await send_template(update, context, _data(update))


@refusals
async def template(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/template [finance|subsidy]`: the file to fill in."""
    kind = context.args[0].lower() if context.args else "finance"
    await send_template(update, context, kind)


async def send_template(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str) -> None:
    who = person(update, context)
    filename, content = services(context).disclosures.template(kind)
    kind = "finance" if kind == "finance" else "subsidy"
    await _send_file(update, filename, content, t(who.language, f"disc.template_caption_{kind}"))


@refusals
async def submit_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _pressed(update, context, services(context).disclosures.submit)


@refusals
async def submit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/submit <number>`: send a draft for sign-off."""
    await _with_ref(update, context, "disc.submit_usage", services(context).disclosures.submit)


@refusals
async def major_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _pressed(update, context, services(context).disclosures.toggle_major)


@refusals
async def edit_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _pressed(update, context, services(context).disclosures.edit)


@refusals
async def edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/edit <number>`: send a new file (or text) for a draft."""
    await _with_ref(update, context, "disc.edit_usage", services(context).disclosures.edit)


# -- review and sign-off -------------------------------------------------------------------


@refusals
async def review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/review`: the items waiting for this supervisor, each with Approve / Reject."""
    who = person(update, context)
    service = services(context).disclosures
    waiting = service.awaiting_review(who)
    if not waiting:
        await reply(update, t(who.language, "disc.review_none"))
        return
    await reply(update, t(who.language, "disc.review_header", count=len(waiting)))
    for d in waiting[:5]:
        view = service.review_view(who, d.id)
        lines = disclosure_render.lines(
            who.language, d, view.rows, village=view.village, names_full=True, tz=service.tz
        )
        await reply(
            update,
            "\n".join(lines),
            buttons(
                [
                    (t_plain(who.language, "disc.approve"), f"dapp:{d.id}:{d.review_round}"),
                    (t_plain(who.language, "disc.reject"), f"drej:{d.id}:{d.review_round}"),
                ]
            ),
        )


def _id_round(data: str) -> tuple[int, int]:
    """`12:2` (after the button's prefix) → disclosure 12, review round 2."""
    disclosure_id, round_ = data.split(":")
    return int(disclosure_id), int(round_)


async def _decision(update: Update, context: ContextTypes.DEFAULT_TYPE, decide) -> None:
    """A supervisor's Approve / Reject button: `<id>:<round>`, so an old round's button is stale."""
    await _pressed(update, context, lambda who, data, to: decide(who, *_id_round(data), to))


@refusals
async def approve_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _decision(update, context, services(context).disclosures.approve)


@refusals
async def reject_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _decision(update, context, services(context).disclosures.start_reject)


# -- reading -------------------------------------------------------------------------------


def _status_line(language: str, d, tz) -> str:
    when = local_time(d.published_at, tz) if d.published_at else ""
    return t(
        language,
        "disc.list_line",
        id=d.id,
        title=d.title,
        period=d.period,
        version=d.version,
        status=Term(f"disc.status.{d.status}"),
        when=when,
    )


@refusals
async def browse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/disclosures [category|period|village]`: published items (and open ones for the office)."""
    who = person(update, context)
    service = services(context).disclosures
    _village, public, open_items = service.browse(who, context.args or [])
    lines: list[str] = []
    if open_items:
        lines.append(t(who.language, "disc.list_open"))
        lines += [_status_line(who.language, d, service.tz) for d in open_items[:LIST_LIMIT]]
    lines.append(t(who.language, "disc.list_public"))
    lines += [_status_line(who.language, d, service.tz) for d in public[:LIST_LIMIT]]
    if not public:
        lines.append(t(who.language, "disc.list_empty"))
    lines.append(t(who.language, "disc.list_hint"))
    names = service.categories
    rows = [[(n, f"dlist:{i}")] for i, n in enumerate(names)] if not context.args else []
    await reply(update, "\n".join(lines), buttons(*rows) if rows else None)


@refusals
async def browse_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()
    index = int(update.callback_query.data.split(":", 1)[1])
    context.args = [str(index + 1)]
    await browse(update, context)


def view_lines(language: str, view: View, tz) -> list[str]:
    return disclosure_render.lines(
        language,
        view.disclosure,
        view.rows,
        village=view.village,
        names_full=view.names_full,
        tz=tz,
        signoffs=view.signoffs,
        filing=view.filing,
        status=not view.disclosure.is_public,
    )


@refusals
async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/show <number>`: one disclosure in full (names as this reader may see them)."""
    who = person(update, context)
    if not context.args:
        await reply(update, t(who.language, "disc.show_usage"))
        return
    service = services(context).disclosures
    view = service.view(who, context.args[0])
    d = view.disclosure
    await reply(
        update,
        "\n".join(view_lines(who.language, view, service.tz)),
        buttons([("CSV", f"dexp:{d.id}:csv"), ("XLSX", f"dexp:{d.id}:xlsx")]),
    )


@refusals
async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/search <words>`: titles, texts and table rows of published items."""
    who = person(update, context)
    service = services(context).disclosures
    found = service.search(who, " ".join(context.args or []))
    if not found:
        await reply(update, t(who.language, "disc.search_none"))
        return
    lines = [t(who.language, "disc.search_header", count=len(found))]
    lines += [_status_line(who.language, d, service.tz) for d in found]
    await reply(update, "\n".join(lines))


@refusals
async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/subscribe [category|all]`: follow a category of one's village, or show the choices."""
    who = person(update, context)
    service = services(context).disclosures
    if context.args:
        word = " ".join(context.args)
        category = "*" if word.lower() in ("all", "全部", "*") else word
        service.toggle_subscription(who, category, answer_here(update))
        return
    current = service.subscriptions(who)
    names = ["*", *service.categories]
    rows = [
        [
            (
                ("✅ " if name in current else "")
                + (t_plain(who.language, "disc.all_categories") if name == "*" else name),
                f"dfol:{i}",
            )
        ]
        for i, name in enumerate(names)
    ]
    await reply(update, t(who.language, "disc.subscribe_choose"), buttons(*rows))


@refusals
async def subscribe_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    who = person(update, context)
    service = services(context).disclosures
    index = int(update.callback_query.data.split(":", 1)[1])
    names = ["*", *service.categories]
    if not 0 <= index < len(names):
        await update.callback_query.answer(
            t_plain(who.language, "common.stale_button"), show_alert=True
        )
        return
    service.toggle_subscription(who, names[index], answer_here(update))
    await update.callback_query.answer()


# -- corrections, exports, verification ----------------------------------------------------


@refusals
async def correct(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/correct <number>`: a new version of a published item, through the same sign-off."""
    await _with_ref(update, context, "disc.correct_usage", services(context).disclosures.correct)


async def _send_export(
    update: Update, context: ContextTypes.DEFAULT_TYPE, ref: str, fmt: str
) -> None:
    who = person(update, context)
    filename, content = services(context).disclosures.export(who, ref, fmt)
    await _send_file(update, filename, content, t(who.language, "disc.export_caption"))


@refusals
async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/export <number> [csv|xlsx]`."""
    who = person(update, context)
    if not context.args:
        await reply(update, t(who.language, "disc.export_usage"))
        return
    fmt = context.args[1].lower() if len(context.args) > 1 else "xlsx"
    await _send_export(update, context, context.args[0], "csv" if fmt == "csv" else "xlsx")


@refusals
async def export_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _, ref, fmt = update.callback_query.data.split(":")
    await update.callback_query.answer()
    await _send_export(update, context, ref, fmt)


@refusals
async def export_year(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/export_year <year> [village]`: township staff download the year's archive."""
    who = person(update, context)
    who.require("township")
    args = context.args or []
    if not args or not args[0].isdigit():
        await reply(update, t(who.language, "disc.export_year_usage"))
        return
    filename, content = services(context).disclosures.export_year(
        who, int(args[0]), args[1] if len(args) > 1 else None
    )
    await _send_file(update, filename, content, t(who.language, "disc.export_caption"))


@refusals
async def verify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/verify <member number> [off]`: an official marks a resident as a known villager."""
    who = person(update, context)
    who.require("official")
    if not context.args:
        await reply(update, t(who.language, "disc.verify_usage"))
        return
    on = not (len(context.args) > 1 and context.args[1].lower() in ("off", "no", "取消"))
    services(context).disclosures.verify(who, context.args[0], on, answer_here(update))


# -- wiring --------------------------------------------------------------------------------

COMMANDS = {
    "draft": draft,
    "template": template,
    "submit": submit,
    "edit": edit,
    "review": review,
    "disclosures": browse,
    "show": show,
    "search": search,
    "subscribe": subscribe,
    "correct": correct,
    "export": export,
    "export_year": export_year,
    "verify": verify,
}
BUTTONS = {
    r"^dkind:[a-z]+$": kind_pressed,
    r"^dcat:\d{1,2}$": category_pressed,
    r"^dper:[0-9Q-]{4,10}$": period_pressed,
    r"^dtpl:(finance|subsidy)$": template_pressed,
    r"^dsub:\d+$": submit_pressed,
    r"^dmaj:\d+$": major_pressed,
    r"^dedit:\d+$": edit_pressed,
    r"^dapp:\d+:\d+$": approve_pressed,
    r"^drej:\d+:\d+$": reject_pressed,
    r"^dlist:\d{1,2}$": browse_pressed,
    r"^dfol:\d{1,2}$": subscribe_pressed,
    r"^dexp:\d+:(csv|xlsx)$": export_pressed,
}


def register(application: Application) -> None:
    """Attach the disclosure handlers (before the registry's catch-alls)."""
    service = application.bot_data[SERVICES].disclosures
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=PRIVATE))
    for pattern, callback in BUTTONS.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    wants_text = _FormFilter(service.expects_text, "disclosure_form_text")
    wants_file = _FormFilter(service.expects_file, "disclosure_form_file")
    wants_attachment = _FormFilter(service.expects_attachment, "disclosure_form_attachment")
    application.add_handler(
        MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND & wants_text, form_text)
    )
    application.add_handler(
        MessageHandler(PRIVATE & filters.Document.ALL & wants_file, file_received)
    )
    application.add_handler(
        MessageHandler(
            PRIVATE & (filters.PHOTO | filters.Document.ALL) & wants_attachment,
            attachment_received,
        )
    )
    application.add_handler(MessageHandler(PRIVATE & filters.Document.ALL, stray_document))
