"""Handing a topic to another official of its village (FCR-02: transfer, never drop); the
first owner of record stays (FCR-01, FCR-04)."""

from __future__ import annotations

from bot.delivery.messages import Button, rows_of
from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics.base import Reply, TopicBase
from storage import members, topics
from storage.topics import Topic


class TopicTransfers(TopicBase):
    """Choosing the new assignee and moving the topic to them."""

    def transfer_targets(self, person: Person, topic: Topic) -> Reply:
        self._check_handler(person, topic)
        others = [
            m
            for m in self._officials(self.store.db, topic.village_code)
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
        self._check_handler(person, topic)
        db = self.store.db
        officials = {m.user_id: m for m in self._officials(db, topic.village_code)}
        member = None
        ref = str(target).strip().lstrip("#")
        if isinstance(target, int):
            member = officials.get(target)
        elif ref.isdigit():
            found = members.get(db, int(ref))
            member = found if found and found.user_id in officials else None
            if found is not None and found.role != "official":
                member = None
        if member is None or member.user_id == person.user_id:
            raise Denied("topics.bad_transfer_target")
        now = self.now()
        with self.store.transaction() as db:
            self._claim(db, person, topic, now)
            topics.assign(db, topic.id, member.user_id, now)
            post = self.post_of(db, member.user_id, topic.village_code)
            event = self._event(db, person.user_id, "topic.transferred", topic, {"post": post})
            moved = topics.get(db, topic.id)
            self._feedback_notice(
                db, f"a{event}:notice:{member.user_id}", member.user_id, moved, "topics.notice"
            )
            self._ack(
                db, event, reply, person, "topics.transferred_ack", receipt=topic.receipt, post=post
            )
            return moved
