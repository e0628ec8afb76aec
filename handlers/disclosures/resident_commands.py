"""Residents and disclosures: /subscribe to categories of one's village, and /verify, an
official's mark on a resident known in person (DESIGN §2)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import t, t_plain
from bot.services.disclosures.disclosure_wing import Disclosures
from bot.services.permissions import require
from handlers.common import answer_here, buttons, person, refusals, reply, services
from handlers.disclosures.change_handlers import button_data


def _followable(disclosures: Disclosures) -> list[str]:
    """What /subscribe offers, in button order: every category ('*'), then each one."""
    return ["*", *disclosures.categories]


@refusals
async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/subscribe [category|all]`: follow a category of one's village, or show the choices."""
    who = person(update, context)
    disclosures = services(context).disclosures
    if context.args:
        word = " ".join(context.args)
        category = "*" if word.lower() in ("all", "全部", "*") else word
        disclosures.subscriptions.toggle_subscription(who, category, answer_here(update))
        return
    current = disclosures.subscriptions.subscriptions(who)
    names = _followable(disclosures)
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
    reply(update, context, t(who.language, "disc.subscribe_choose"), buttons(*rows))


@refusals
async def subscribe_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    who = person(update, context)
    disclosures = services(context).disclosures
    index = int(button_data(update))
    names = _followable(disclosures)
    if not 0 <= index < len(names):
        await update.callback_query.answer(
            t_plain(who.language, "common.stale_button"), show_alert=True
        )
        return
    disclosures.subscriptions.toggle_subscription(who, names[index], answer_here(update))
    await update.callback_query.answer()


@refusals
async def verify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/verify <member number> [off]`: an official marks a resident as a known villager."""
    who = person(update, context)
    require(who, "member.verify", village=who.village_code)
    if not context.args:
        reply(update, context, t(who.language, "disc.verify_usage"))
        return
    on = not (len(context.args) > 1 and context.args[1].lower() in ("off", "no", "取消"))
    services(context).disclosures.verification.verify(who, context.args[0], on, answer_here(update))
