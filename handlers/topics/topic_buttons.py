"""Topic buttons (a table of `tp:` routes) and the messages typed into an open guided form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from telegram import Update
from telegram.ext import ContextTypes, filters

from bot.i18n import t_plain
from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics.topic_records import Reply
from bot.services.topics.topic_wing import Topics
from handlers.buttons import ButtonRoute
from handlers.common import SERVICES, answer_here, person, refusals, services
from handlers.topics.topic_replies import say
from storage.topics import Topic


@dataclass(frozen=True, slots=True)
class Press:
    """A `tp:` button's arguments: every value after the action, and those that are numbers."""

    values: list[str]
    numbers: list[int]

    @classmethod
    def of(cls, data: str) -> Press:
        values = data.split(":")[2:]
        return cls(values, [int(v) for v in values if v.isdigit()])


Act = Callable[[Person, Topics, Press, Update], object]


def topic_button(
    action: str, accepts: Callable[[Press], bool], act: Act, *, shows: bool = False
) -> ButtonRoute:
    """The route of one `tp:<action>` button; the service checks the presser's rights again
    (DESIGN §2), and arguments of the wrong shape are a stale button. A change queues its own
    answer (an edit of the pressed message, or a new message); a button that `shows` something
    and changes nothing has its `Reply` sent here."""

    @refusals
    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        who = person(update, context)
        press = Press.of(query.data)
        if not accepts(press):
            raise Denied("topics.stale")
        shown = act(who, services(context).topics, press, update)
        await query.answer()
        if shows:
            say(update, context, who, cast(Reply, shown))

    return ButtonRoute.of(f"tp:{action}", pressed, rf"tp:{action}{_VALUES}")


def _cancel(who: Person, topics: Topics, _press: Press, update: Update) -> None:
    if not topics.forms.cancel_draft(who, answer_here(update, edit=True)):
        raise Denied("topics.stale")


@refusals
async def support_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """From the wall channel: the presser is answered with an alert, not a message."""
    query = update.callback_query
    who = person(update, context)
    topics = services(context).topics
    press = Press.of(query.data)
    if not press.numbers:
        raise Denied("topics.stale")
    done = topics.supports.support(who, topics.reading.get(press.numbers[0]))
    await query.answer(t_plain(who.language, done.key, **done.params), show_alert=True)


@refusals
async def stale_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A `tp:` button of no known action or with the wrong arguments."""
    raise Denied("topics.stale")


_VALUES = r"(:[\w-]+){0,3}"


def _one(press: Press) -> bool:
    return bool(press.numbers)


def _topic(topics: Topics, press: Press) -> Topic:
    """The topic a button names by its first number."""
    return topics.reading.get(press.numbers[0])


def _here(update: Update) -> ReplyTo:
    return answer_here(update)


def _edit(update: Update) -> ReplyTo:
    return answer_here(update, edit=True)


def _decide(*, approve: bool) -> Act:
    """The approve (`xa`) or refuse (`xr`) button of an extension request."""

    def act(who: Person, topics: Topics, press: Press, update: Update) -> Reply:
        return topics.extensions.decide_extension(who, press.numbers[0], approve, _edit(update))

    return act


BUTTONS = (
    topic_button(
        "cat",
        lambda p: bool(p.values),
        lambda who, s, p, u: s.filing.choose_category(who, p.values[0], _edit(u)),
    ),
    topic_button("ok", lambda p: True, lambda who, s, p, u: s.forms.confirm_draft(who, _edit(u))),
    topic_button("no", lambda p: True, _cancel),
    topic_button(
        "a", _one, lambda who, s, p, u: s.answering.start_answer(who, _topic(s, p), _here(u))
    ),
    topic_button(
        "at",
        lambda p: len(p.numbers) == 2,
        lambda who, s, p, u: s.forms.pick_template(who, p.numbers[0], p.numbers[1], _here(u)),
    ),
    topic_button(
        "d", _one, lambda who, s, p, u: s.answering.start_decline(who, _topic(s, p)), shows=True
    ),
    topic_button(
        "dr",
        lambda p: len(p.numbers) == 1 and len(p.values) == 2,
        lambda who, s, p, u: s.answering.choose_reason(who, _topic(s, p), p.values[1], _edit(u)),
    ),
    topic_button(
        "x", _one, lambda who, s, p, u: s.extensions.start_extension(who, _topic(s, p), _here(u))
    ),
    topic_button(
        "t", _one, lambda who, s, p, u: s.transfers.transfer_targets(who, _topic(s, p)), shows=True
    ),
    topic_button(
        "tt",
        lambda p: len(p.numbers) == 2,
        lambda who, s, p, u: s.transfers.transfer(who, _topic(s, p), p.numbers[1], _edit(u)),
    ),
    topic_button("xa", _one, _decide(approve=True)),
    topic_button("xr", _one, _decide(approve=False)),
    topic_button(
        "r",
        lambda p: len(p.numbers) == 2 and len(p.values) == 3,
        lambda who, s, p, u: s.rating.rate(who, _topic(s, p), p.numbers[1], p.values[2], _here(u)),
    ),
    topic_button("fw", _one, lambda who, s, p, u: s.follows.follow(who, p.numbers[0], _edit(u))),
    topic_button(
        "fl", _one, lambda who, s, p, u: s.follows.follow_linked(who, p.numbers[0], _here(u))
    ),
    topic_button(
        "fa", _one, lambda who, s, p, u: s.follows.file_anyway(who, p.numbers[0], _edit(u))
    ),
    topic_button("ms", _one, lambda who, s, p, u: s.selection.toggle(who, p.numbers[0], _edit(u))),
    topic_button("mg", lambda p: True, lambda who, s, p, u: s.selection.go(who, _edit(u))),
    ButtonRoute.of("tp:s", support_pressed, rf"tp:s{_VALUES}"),
    # Any other `tp:` button of the right shape: refused as stale by the topics wing itself.
    ButtonRoute.of("tp", stale_pressed, rf"tp:[a-z]{{1,3}}{_VALUES}"),
)


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
    services(context).topics.forms.draft_input(who, text, media, answer_here(update))


class HasTopicDraft(filters.MessageFilter):
    """Matches a private message from someone with a topic form open (progress is in the DB)."""

    def __init__(self, application) -> None:
        super().__init__(name="HasTopicDraft")
        self.application = application

    def filter(self, message) -> bool:
        if message.from_user is None:
            return False
        return self.application.bot_data[SERVICES].topics.forms.has_draft(message.from_user.id)
