"""Topic button presses (`tp:` callbacks) and the messages typed into an open guided form."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, filters

from bot.i18n import t_plain
from bot.services.people import Denied
from bot.services.topics.service import Reply
from handlers.common import SERVICES, answer_here, person, refusals, services
from handlers.topics.common import say


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
    shown: Reply | None = None  # answers that change nothing are replied here
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
        say(update, context, who, shown)


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
