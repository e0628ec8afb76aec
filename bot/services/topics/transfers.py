"""Handing a topic to another official of its village (FCR-02: transfer, never drop); the
first owner of record stays (FCR-01, FCR-04)."""

from __future__ import annotations

from bot.core.numbers import parse_number
from bot.delivery.messages import Button, rows_of
from bot.services.context import Context
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import role_grants
from bot.services.topics.notices import feedback_notice
from bot.services.topics.topic_posts import post_of
from bot.services.topics.topic_records import Reply, ack, claim, record
from bot.services.topics.topic_rules import check_handler, officials
from storage import members, topics
from storage.topics import Topic


class TopicTransfers:
    """Choosing the new assignee and moving the topic to them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def transfer_targets(self, person: Person, topic: Topic) -> Reply:
        check_handler(person, topic, "topic.transfer")
        others = [
            m
            for m in officials(self.ctx.store.db, topic.village_code)
            if m.user_id != person.user_id
        ]
        if not others:
            raise Denied("topics.no_transfer_target")
        rows = [
            [Button(f"{m.title or m.display_name}", f"tp:tt:{topic.id}:{m.user_id}")]
            for m in others
        ]
        return Reply("topics.form.transfer", {"receipt": topic.receipt}, rows_of(rows))

    def transfer(
        self, person: Person, topic: Topic, target: str | int, reply: ReplyTo | None = None
    ) -> Topic:
        """Hand over to another official of the village (FCR-02: transfer, never drop);
        the first owner of record stays (FCR-01, FCR-04)."""
        check_handler(person, topic, "topic.transfer")
        db = self.ctx.store.db
        pool = {m.user_id: m for m in officials(db, topic.village_code)}
        member = None
        ref = str(target).strip().lstrip("#")
        if isinstance(target, int):
            member = pool.get(target)
        elif (number := parse_number(ref)) is not None:
            found = members.get(db, number)
            member = found if found and found.user_id in pool else None
            if found is not None and not role_grants(found, "topic.answer", topic.village_code):
                member = None
        if member is None or member.user_id == person.user_id:
            raise Denied("topics.bad_transfer_target")
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            claim(self.ctx, db, person, topic, now)
            topics.assign(db, topic.id, member.user_id, now)
            post = post_of(self.ctx, db, member.user_id, topic.village_code)
            event = record(db, person.user_id, "topic.transferred", topic, {"post": post})
            moved = topics.get(db, topic.id)
            key = f"a{event}:notice:{member.user_id}"
            language = self.ctx.default_language
            feedback_notice(db, key, member.user_id, language, moved, "topics.notice")
            ack(
                db, event, reply, person, "topics.transferred_ack", receipt=topic.receipt, post=post
            )
            return moved
