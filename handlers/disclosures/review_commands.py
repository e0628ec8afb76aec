"""Review and sign-off: /review lists what waits for a supervisor, and the Approve / Reject
buttons of a review round."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.delivery.messages import Message, Text
from bot.i18n import t, t_plain
from bot.services.disclosures import disclosure_text, preview_table
from handlers.common import buttons, owe, person, refusals, reply, services
from handlers.disclosures.change_handlers import pressed


@refusals
async def review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/review`: the items waiting for this supervisor, each with Approve / Reject."""
    who = person(update, context)
    disclosures = services(context).disclosures
    waiting = disclosures.signoff.awaiting_review(who)
    if not waiting:
        reply(update, context, t(who.language, "disc.review_none"))
        return
    messages: list[Message] = [Text(t(who.language, "disc.review_header", count=len(waiting)))]
    for d in waiting[:5]:
        view = disclosures.signoff.review_view(who, d.id)
        lines = disclosure_text.lines(
            who.language,
            d,
            view.rows,
            village=view.village,
            names_full=True,
            tz=disclosures.ctx.tz,
            cut=True,
        )
        table = preview_table.table_file(d, view.rows, who.language, names_full=True)
        if table is not None:  # the whole table ahead of the text the buttons sign
            lines.append(t(who.language, "disc.table_in_file", rows=len(view.rows)))
            messages.append(table)
        decide = [
            (t_plain(who.language, "disc.approve"), f"dapp:{d.id}:{d.review_round}"),
            (t_plain(who.language, "disc.reject"), f"drej:{d.id}:{d.review_round}"),
        ]
        messages.append(Text("\n".join(lines), buttons(decide)))
    owe(update, context, *messages)


def _id_round(data: str) -> tuple[int, int]:
    """`12:2` (after the button's prefix) → disclosure 12, review round 2."""
    disclosure_id, round_ = data.split(":")
    return int(disclosure_id), int(round_)


async def _decision(update: Update, context: ContextTypes.DEFAULT_TYPE, decide) -> None:
    """A supervisor's Approve / Reject button: `<id>:<round>`, so an old round's button is stale."""
    await pressed(update, context, lambda who, data, to: decide(who, *_id_round(data), to))


@refusals
async def approve_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _decision(update, context, services(context).disclosures.signoff.approve)


@refusals
async def reject_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _decision(update, context, services(context).disclosures.signoff.start_reject)
