"""Drafting commands and buttons: /draft with its kind, category and period steps, the typed
answers to the form, a notice's attachments, /submit, /edit, the major mark and /correct."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import t, t_plain
from bot.services.permissions import require
from handlers.common import answer_here, buttons, person, refusals, reply, services
from handlers.disclosures.change_handlers import by_number, pressed, with_ref


@refusals
async def draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/draft [finance|subsidy|notice]`, or `/draft notice [类别] 标题 | 正文` for a short notice
    in one line; without a kind, offer buttons."""
    who = person(update, context)
    require(who, "disclosure.draft", village=who.village_code)
    drafting = services(context).disclosures.drafting
    if context.args:
        kind = context.args[0].lower()
        parts = (update.message.text or "").split(maxsplit=2)
        if kind == "notice" and len(parts) == 3:
            drafting.quick_notice(who, parts[2], answer_here(update))
        else:
            drafting.start(who, kind, answer_here(update))
        return
    reply(
        update,
        context,
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
    await pressed(update, context, services(context).disclosures.drafting.start, edit=True)


@refusals
async def category_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    drafting = services(context).disclosures.drafting
    await pressed(
        update, context, lambda who, i, to: drafting.choose_category(who, int(i), to), edit=True
    )


@refusals
async def period_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await pressed(update, context, services(context).disclosures.form.handle_text, edit=True)


@refusals
async def form_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Typed answer to the current form step (period, title, body, or a rejection reason)."""
    who = person(update, context)
    text = update.message.text or ""
    services(context).disclosures.form.handle_text(who, text, answer_here(update))


@refusals
async def attachment_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo or document while a notice draft is open: attached to it by file_id."""
    message = update.message
    if message.photo:
        kind, file_id, name = "photo", message.photo[-1].file_id, ""
    else:
        kind, file_id = "document", message.document.file_id
        name = message.document.file_name or ""
    services(context).disclosures.drafting.attach(
        person(update, context), kind, file_id, name, answer_here(update)
    )


submit, submit_pressed = by_number(
    "submit", "`/submit <number>`: send a draft for sign-off.", lambda d: d.submission.submit
)
edit, edit_pressed = by_number(
    "edit", "`/edit <number>`: send a new file (or text) for a draft.", lambda d: d.drafting.edit
)


@refusals
async def major_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await pressed(update, context, services(context).disclosures.drafting.toggle_major)


@refusals
async def correct(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/correct <number>`: a new version of a published item, through the same sign-off."""
    correct_item = services(context).disclosures.corrections.correct
    await with_ref(update, context, "disc.correct_usage", correct_item)
