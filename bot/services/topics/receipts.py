"""The printable receipt (回执, PT-05) of a topic: what is printed, and who may print it.

Built for topics filed on a resident's behalf (代办), whose resident has no phone to follow the
topic in: the paper carries the receipt number, the due date and a QR code to the topic's page
(or to the bot's link to it when the township has no public web address).
The resident's name is not printed: the paper goes home with them and may be left anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config.rules import own_address
from bot.core.village_names import village_name
from bot.i18n import t_plain
from bot.services.context import Context
from bot.services.people import Person
from bot.services.permissions import require
from bot.services.topics.topic_posts import post_of
from storage.topics import Topic


@dataclass(frozen=True, slots=True)
class ReceiptCard:
    """Everything printed on one receipt, already in the reader's words."""

    receipt: str
    village: str
    filed: str
    due: str
    provisional: bool
    category: str
    text: str
    office: str  # the filer's post (青山村 会计), "" when the resident filed it themselves
    follow_url: str


class TopicReceipts:
    """The receipt of a topic for someone allowed to print it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def follow_url(self, topic: Topic, bot_username: str) -> str:
        """The topic's public page, where its state and answer show without any name; with no
        public address configured (the server's own one is useless on paper), the bot's deep
        link to the same state (`/start DT-…`) when the bot's username is known."""
        web = self.ctx.config.web
        if bot_username and web.public_url == own_address(web.host, web.port):
            return f"https://t.me/{bot_username}?start={topic.receipt}"
        return f"{web.public_url}/t/{topic.receipt}"

    def card(self, person: Person, topic: Topic, language: str, bot_username: str) -> ReceiptCard:
        """The receipt of a topic of the person's village when they work in its office, or of
        any topic for township staff."""
        require(person, "topic.receipt", village=topic.village_code, owner=topic.requester_id)
        db = self.ctx.store.db
        office = post_of(self.ctx, db, topic.filed_by, topic.village_code) if topic.is_proxy else ""
        return ReceiptCard(
            receipt=topic.receipt,
            village=village_name(db, topic.village_code),
            filed=self.ctx.local_date(topic.filed_at).isoformat(),
            due=topic.due_date.isoformat(),
            provisional=topic.due_provisional,
            category=t_plain(language, f"topics.category.{topic.category}"),
            text=topic.text,
            office=office,
            follow_url=self.follow_url(topic, bot_username),
        )
