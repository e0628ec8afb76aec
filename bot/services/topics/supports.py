"""Support (附议) from residents of the same village; at the threshold a topic becomes a joint
request (联名点题) that must be answered by a disclosure."""

from __future__ import annotations

import math
from datetime import datetime

from sqlite_utils import Database

from bot.core.village_names import village_name
from bot.services.context import Context
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require
from bot.services.topics import notices
from bot.services.topics.topic_records import Reply, record, tell
from bot.services.topics.topic_rules import handlers_of, staff_ids
from storage import members, topic_answers, topics
from storage.topics import Topic


class TopicSupports:
    """Counting supports and turning a topic joint."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def count(self, topic: Topic) -> int:
        """How many residents have supported the topic (附议)."""
        return topics.supports(self.ctx.store.db, topic.id)

    def support(self, person: Person, topic: Topic, reply: ReplyTo | None = None) -> Reply:
        """附议: residents of the same village, once each; at the threshold → 联名点题."""
        self.check(person, topic)
        with self.ctx.store.transaction() as db:
            added = self.add(db, person, topic)
            if added is None:
                raise Denied("topics.support_twice", receipt=topic.receipt)
            event, count = added
            result = Reply("topics.supported_ack", {"receipt": topic.receipt, "count": count})
            tell(db, f"a{event}:answer", reply, person, result)
        return result

    def check(self, person: Person, topic: Topic) -> None:
        """Whether the person may support the topic now, or the refusal."""
        if person.user_id == topic.requester_id:
            raise Denied("topics.support_own")
        require(person, "topic.support", village=topic.village_code, owner=topic.requester_id)
        # An official who answered the topic does not second it as a resident (separation).
        require(person, "answer.support", owner=self._answerer(topic))
        if topic.status == "closed":
            raise Denied("topics.not_open", receipt=topic.receipt)

    def add(self, db: Database, person: Person, topic: Topic) -> tuple[int, int] | None:
        """One checked support inside the caller's transaction: its audit event and the count
        after it, or None when the person had already supported the topic."""
        now = self.ctx.now()
        if not topics.add_support(db, topic.id, person.user_id, now):
            return None
        count = topics.supports(db, topic.id)
        event = record(db, person.user_id, "topic.supported", topic, {"supports": count})
        residents = members.residents_count(db, topic.village_code)
        threshold = max(1, math.ceil(residents * self.ctx.config.topics.joint_threshold_ratio))
        if count >= threshold and not topic.joint:
            self._make_joint(db, event, topic, count, now)
        return event, count

    def _answerer(self, topic: Topic) -> int | None:
        answer = (
            topic_answers.answer(self.ctx.store.db, topic.answer_id) if topic.answer_id else None
        )
        return answer.by_user_id if answer else None

    def _make_joint(
        self, db: Database, event: int, topic: Topic, count: int, now: datetime
    ) -> None:
        """联名点题 (cn-practice §4.1: ≥1/10 of villagers): must be answered by a disclosure."""
        topics.set_joint(db, topic.id, now)
        record(db, None, "topic.joint", topic, {"supports": count})
        people = set(handlers_of(db, topic)) | set(staff_ids(db, topic.village_code))
        for uid in sorted(people):
            notices.to_person(
                db,
                f"a{event}:joint:{uid}",
                uid,
                self.ctx.default_language,
                "topics.joint_notice",
                receipt=topic.receipt,
                village=village_name(db, topic.village_code),
                count=count,
                text=topic.text,
            )
