""" "Was my household paid?": /mypay, its next-page button and the one button that asks the
village about a household on no list (issue 13 §5)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.common import answer_here, person, refusals, services
from handlers.disclosures.change_handlers import button_data


@refusals
async def mypay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/mypay`: the household's own lines in the published subsidy lists. Anything typed after
    the command is ignored: the household is the one the office verified, never a typed number."""
    who = person(update, context)
    services(context).disclosures.household_payments.look_up(who, None, answer_here(update))


@refusals
async def mypay_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The next page of the household's lines, in place of the pressed message."""
    who = person(update, context)
    payments = services(context).disclosures.household_payments
    payments.look_up(who, button_data(update), answer_here(update, edit=True))
    await update.callback_query.answer()


@refusals
async def ask_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "就这个问题提个问": file a topic saying the household is on no list, through the topics'
    own filing (its receipt, routing and deadline)."""
    who = person(update, context)
    bundle = services(context)
    text = bundle.disclosures.household_payments.missing_text(who)
    bundle.topics.filing.file(who, text, "subsidy", reply=answer_here(update))
    await update.callback_query.answer()
