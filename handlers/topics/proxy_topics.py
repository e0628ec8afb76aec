"""Filing for someone without a phone (代办): /proxy, its form buttons, and the printable receipt
(/receipt and the 打印回执 button), drawn in the worker pool and sent as a PDF."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.delivery.messages import Document
from bot.i18n import t
from bot.services.people import Denied, Person
from bot.services.topics.topic_wing import Topics
from handlers.buttons import ButtonRoute
from handlers.common import answer_here, owe, person, refusals, services
from handlers.topics.command_input import named_topic, rest
from handlers.topics.topic_buttons import Press, topic_button
from storage.topics import Topic


@refusals
async def proxy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/proxy 姓名 | 内容` asks only how the resident consented; `/proxy` alone starts the form."""
    who = person(update, context)
    line = rest(update, 1)
    filing = services(context).topics.proxy
    if line.strip():
        filing.one_line(who, line, answer_here(update))
        return
    filing.start(who, answer_here(update))


async def _send_receipt(
    update: Update, context: ContextTypes.DEFAULT_TYPE, who: Person, topic: Topic
) -> None:
    """The receipt of one topic as a PDF, drawn off the event loop."""
    # reportlab and segno are heavy: imported on the first receipt, not at start.
    from bot.web_render.receipt_pdf import receipt_pdf

    bundle = services(context)
    card = bundle.topics.receipts.card(who, topic, who.language, context.bot.username or "")
    pdf = await bundle.heavy.run(receipt_pdf, card, who.language)
    caption = t(who.language, "topics.proxy.receipt_caption", receipt=topic.receipt)
    owe(update, context, Document(f"{topic.receipt}.pdf", pdf, caption=caption))


@refusals
async def receipt(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/receipt DT-…`: print a topic's receipt again."""
    who = person(update, context)
    _, _, item = named_topic(context, "topics.usage.receipt")
    await _send_receipt(update, context, who, item)


@refusals
async def print_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 打印回执 button under a proxy topic's receipt."""
    query = update.callback_query
    who = person(update, context)
    press = Press.of(query.data)
    if len(press.numbers) != 1:
        raise Denied("topics.stale")
    topic = services(context).topics.reading.get(press.numbers[0])
    await query.answer()
    await _send_receipt(update, context, who, topic)


def _consent(who: Person, topics: Topics, press: Press, update: Update) -> object:
    return topics.proxy.choose_consent(who, press.values[0], answer_here(update, edit=True))


def _category(who: Person, topics: Topics, press: Press, update: Update) -> object:
    return topics.proxy.choose_category(who, press.values[0], answer_here(update, edit=True))


BUTTONS = (
    topic_button("pc", lambda p: len(p.values) == 1, _consent),
    topic_button("pk", lambda p: len(p.values) == 1, _category),
    ButtonRoute.of("tp:pr", print_pressed, r"tp:pr:\d{1,12}"),
)
