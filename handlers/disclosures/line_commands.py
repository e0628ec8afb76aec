"""Questions about one line of a published table (STG-06): the deep link `/start L<id>_<row>`,
the paged list of an item's lines under /show, and the board-photo button (CH-01)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import t, t_plain
from bot.services.disclosures.line_questions import Line, parse_payload
from bot.services.money import format_fen
from handlers.common import answer_here, buttons, person, refusals, reply, services
from handlers.disclosures.change_handlers import button_data, pressed

LABEL_MAX = 40


def _label(line: Line) -> str:
    label = f"{line.number}. {line.summary} {format_fen(line.amount_fen)}"
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


async def ask_line(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> None:
    """`/start L<id>_<row>` from the page's "问这一行": the topic form opens on that line."""
    who = person(update, context)
    disclosure_id, row_id = parse_payload(payload)
    line_questions = services(context).disclosures.line_questions
    line_questions.start(who, disclosure_id, row_id, answer_here(update))


@refusals
async def lines_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "对某一行有疑问": the item's lines as buttons, a page at a time."""
    who = person(update, context)
    ref, _, after = button_data(update).partition(":")
    disclosure_id = int(ref)
    page = services(context).disclosures.line_questions.lines(who, disclosure_id, int(after or 0))
    rows = [[(_label(x), f"dln:{disclosure_id}:{x.row_id}")] for x in page.items]
    if page.next_cursor is not None:
        more = t_plain(who.language, "line.more")
        rows.append([(more, f"dlq:{disclosure_id}:{page.next_cursor}")])
    first, last = page.items[0].number, page.items[-1].number
    reply(update, context, t(who.language, "line.pick", first=first, last=last), buttons(*rows))
    await update.callback_query.answer()


@refusals
async def line_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One line picked from the list: the topic form opens on it."""
    who = person(update, context)
    ref, row = button_data(update).split(":")
    line_questions = services(context).disclosures.line_questions
    line_questions.start(who, int(ref), int(row), answer_here(update))
    await update.callback_query.answer()


@refusals
async def board_photo_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "发送张贴照片" under a published item: the /photo form opens for it."""
    await pressed(update, context, services(context).disclosures.board_photos.start)
