"""Residents and disclosures: /subscribe to categories of one's village, and /verify, an
official's mark on a resident known in person with their household and group (DESIGN §2)."""

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
    """`/verify <member number> [户主 组 | off]`: an official marks a resident as a known
    villager, recording their household and village group when given."""
    who = person(update, context)
    require(who, "member.verify", village=who.village_code)
    args = context.args or []
    off = len(args) == 2 and args[1].lower() in ("off", "no", "取消")
    if len(args) not in (1, 3) and not off:
        reply(update, context, t(who.language, "disc.verify_usage"))
        return
    household = (args[1], args[2]) if len(args) == 3 else None
    verification = services(context).disclosures.verification
    verification.verify(who, args[0], not off, answer_here(update), household)
