"""Correcting a topic's category: one-shot topics default to 其他 and the assignee fixes it."""

from __future__ import annotations

from bot.i18n import Term
from bot.services.context import Context
from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics.text import category_from
from bot.services.topics.topic_records import ack, claim, record
from bot.services.topics.topic_rules import check_handler
from storage import topics
from storage.topics import Topic


class TopicCategories:
    """The handler of a topic (its assignee, or township staff for township-routed ones)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def recategorize(
        self, person: Person, topic: Topic, word: str, reply: ReplyTo | None = None
    ) -> Topic:
        """Put the topic in the category it really belongs to; the owner and due date stay."""
        check_handler(person, topic, "topic.categorize")
        category = category_from(word)
        if category is None:
            raise Denied("topics.bad_category", word=word[:20])
        if category == topic.category:
            raise Denied(
                "topics.same_category",
                receipt=topic.receipt,
                category=Term(f"topics.category.{category}"),
            )
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            claim(self.ctx, db, person, topic, now)
            topics.set_category(db, topic.id, category, now)
            event = record(
                db, person.user_id, "topic.recategorized", topic,
                {"from": topic.category, "to": category},
            )  # fmt: skip
            ack(
                db, event, reply, person, "topics.recategorized_ack",
                receipt=topic.receipt, category=Term(f"topics.category.{category}"),
            )  # fmt: skip
        return topics.get(self.ctx.store.db, topic.id)
