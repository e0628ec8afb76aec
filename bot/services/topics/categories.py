"""Correcting a topic's category: one-shot topics default to 其他 and the assignee fixes it."""

from __future__ import annotations

from bot.i18n import Term
from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics.base import TopicBase
from bot.services.topics.text import category_from
from storage import topics
from storage.topics import Topic


class TopicCategories(TopicBase):
    """The handler of a topic (its assignee, or township staff for township-routed ones)."""

    def recategorize(
        self, person: Person, topic: Topic, word: str, reply: ReplyTo | None = None
    ) -> Topic:
        """Put the topic in the category it really belongs to; the owner and due date stay."""
        self._check_handler(person, topic)
        category = category_from(word)
        if category is None:
            raise Denied("topics.bad_category", word=word[:20])
        if category == topic.category:
            raise Denied(
                "topics.same_category",
                receipt=topic.receipt,
                category=Term(f"topics.category.{category}"),
            )
        now = self.now()
        with self.store.transaction() as db:
            self._claim(db, person, topic, now)
            topics.set_category(db, topic.id, category, now)
            event = self._event(
                db, person.user_id, "topic.recategorized", topic,
                {"from": topic.category, "to": category},
            )  # fmt: skip
            self._ack(
                db, event, reply, person, "topics.recategorized_ack",
                receipt=topic.receipt, category=Term(f"topics.category.{category}"),
            )  # fmt: skip
        return topics.get(self.store.db, topic.id)
