"""How disclosure commands and buttons change an item: applying a button's change, a command
naming the item it changes by number, and sending a file made on request."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot.delivery.messages import Document
from bot.i18n import t
from bot.services.disclosures.disclosure_wing import Disclosures
from bot.services.people import Person, ReplyTo
from handlers.common import Callback, answer_here, owe, person, refusals, reply, services

# Every answer that follows a change is queued by the service in the change's own transaction
# (DESIGN §7), addressed with answer_here(); a button press is then only acknowledged here.

Change = Callable[[Person, str, ReplyTo], object]


def button_data(update: Update) -> str:
    """What a button carries after its prefix (`dsub:12` → `12`)."""
    return update.callback_query.data.split(":", 1)[1]


async def pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, change: Change, *, edit: bool = False
) -> None:
    """Apply a button's change; its answer comes through the outbox, the press is acknowledged."""
    change(person(update, context), button_data(update), answer_here(update, edit=edit))
    await update.callback_query.answer()


async def with_ref(
    update: Update, context: ContextTypes.DEFAULT_TYPE, usage: str, change: Change
) -> None:
    """A command whose first argument names the disclosure it changes (`/submit 12`)."""
    who = person(update, context)
    if not context.args:
        reply(update, context, t(who.language, usage))
        return
    change(who, context.args[0], answer_here(update))


def by_number(
    change: str, doc: str, pick: Callable[[Disclosures], Change]
) -> tuple[Callback, Callback]:
    """`/<change> <number>` and its button, both making the change `pick` finds on that item;
    the command answers `disc.<change>_usage` without a number. Returns (command, button)."""

    async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        made = pick(services(context).disclosures)
        await with_ref(update, context, f"disc.{change}_usage", made)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await pressed(update, context, pick(services(context).disclosures))

    command.__name__ = command.__qualname__ = change
    button.__name__ = button.__qualname__ = f"{change}_pressed"
    command.__doc__ = doc
    return refusals(command), refusals(button)


def send_file(
    update: Update, context: ContextTypes.DEFAULT_TYPE, filename: str, content: bytes, caption: str
) -> None:
    """A file made on request, queued ahead of broadcasts like any reply."""
    owe(update, context, Document(filename, content, caption=caption))
