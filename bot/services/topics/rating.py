"""The requester's verdict on an answer (SAT-01, SAT-09): rating, one reopening, escalation to
the township, and closing answers left unrated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.core.village_names import village_name
from bot.i18n import Term
from bot.services.context import Context
from bot.services.masking import mask_text
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require
from bot.services.topics import notices, topic_lookup
from bot.services.topics.drafts import FormInput, TopicDrafts
from bot.services.topics.text import NOTE_MAX, RATINGS
from bot.services.topics.topic_posts import assignee_post
from bot.services.topics.topic_records import Reply, record, tell
from bot.services.topics.topic_rules import deadline, handlers_of
from storage import forms, members, topic_answers, topic_sweeps, topics
from storage.forms import Form
from storage.topics import Topic


class TopicRating:
    """满意/基本满意/不满意, and what each one does to the topic."""

    def __init__(self, ctx: Context, drafts: TopicDrafts) -> None:
        self.ctx = ctx
        self.drafts = drafts

    def rate(
        self, person: Person, topic: Topic, answer_id: int, code: str, reply: ReplyTo | None = None
    ) -> Reply:
        """满意/基本满意 close; 不满意 asks why and reopens once, a second one escalates."""
        require(person, "topic.rate", owner=topic.requester_id)
        if topic.is_proxy:
            # 代办: the filer is no resident evaluating the office (SAT-01, SAT-07); the topic
            # counts in on-time answering but never in the satisfaction rate (STAT-01).
            raise Denied("topics.proxy.no_rating")
        if topic.status not in topics.RESPONDED or topic.answer_id != answer_id:
            raise Denied("topics.stale")
        answer = topic_answers.answer(self.ctx.store.db, answer_id)
        # Nobody rates their own answer, so it never counts in the satisfaction rate (STAT).
        require(person, "answer.rate", owner=answer.by_user_id)
        rating = RATINGS.get(code)
        if rating is None:
            raise Denied("topics.stale")
        if rating == "unsatisfied" and topic.reopened == 0:
            result = Reply("topics.form.unsatisfied", {"receipt": topic.receipt})
            data = {"answer_id": answer_id}
            return self.drafts.put(person, "unsatisfied", topic.id, "text", data, reply, result)
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            topics.rate(db, topic.id, rating, now)
            escalate = rating == "unsatisfied"
            topics.close(db, topic.id, "escalated" if escalate else "rated", now)
            event = record(db, person.user_id, "topic.rated", topic, {"rating": rating})
            if escalate:
                self._escalate(db, event, topic)
                result = Reply("topics.escalated_ack", {"receipt": topic.receipt})
            else:
                result = Reply("topics.rated_ack", {"rating": Term(f"topics.rating.{rating}")})
            tell(db, f"a{event}:answer", reply, person, result)
        return result

    def _escalate(self, db: Database, event: int, topic: Topic) -> None:
        """A second 不满意 closes the topic and goes to township staff (URG-01, SAT-09)."""
        record(db, None, "topic.escalated", topic)
        for staff in members.township_staff(db, topic.village_code):
            notices.to_person(
                db,
                f"a{event}:escalate:{staff.user_id}",
                staff.user_id,
                self.ctx.default_language,
                "topics.escalation",
                receipt=topic.receipt,
                village=village_name(db, topic.village_code),
                text=topic.text,
                post=assignee_post(self.ctx, db, topic),
            )

    def unsatisfied_input(self, person: Person, draft: Form, given: FormInput) -> Reply:
        topic = topic_lookup.get(self.ctx.store.db, draft.subject_id)
        if (
            person.user_id != topic.requester_id
            or topic.status not in topics.RESPONDED
            or topic.answer_id != draft.data.get("answer_id")
        ):
            raise Denied("topics.stale")
        reason = mask_text(given.text)[:NOTE_MAX]  # stored and sent: numbers masked (SEC-03)
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            days = self.ctx.config.topics.answer_working_days
            computed = deadline(self.ctx, db, self.ctx.local_date(now), days, now)
            due = computed.due
            topics.rate(db, topic.id, "unsatisfied", now)
            topics.reopen(db, topic.id, due, computed.provisional, now)
            forms.delete(db, person.user_id, "topics")
            after = {"rating": "unsatisfied", "reason": reason, "due": due.isoformat()}
            event = record(db, person.user_id, "topic.reopened", topic, after)
            reopened = topics.get(db, topic.id)
            for uid in handlers_of(db, reopened):
                notices.handler_notice(
                    db,
                    f"a{event}:notice:{uid}",
                    uid,
                    self.ctx.default_language,
                    topic,
                    "topics.reopened_notice",
                    reason=reason,
                    due=due.isoformat(),
                )
            result = Reply(
                "topics.reopened_ack", {"receipt": topic.receipt, "due": due.isoformat()}
            )
            tell(db, f"a{event}:answer", given.reply, person, result)
        return result

    def auto_close(self, now: datetime) -> Iterator[str]:
        """Answers left unrated for `auto_close_days` close as not rated, never counted as
        satisfied (SAT-03: only a resident's own verdict says so): one topic per step, each in
        its own transaction, yielding its receipt."""
        cutoff = now - timedelta(days=self.ctx.config.topics.auto_close_days)
        for topic_id in topic_sweeps.awaiting_rating_ids(self.ctx.store.db, cutoff):
            with self.ctx.store.transaction() as db:
                # Only if still unrated: it may have been rated since the list was read.
                if not topic_sweeps.close_unrated(db, topic_id, cutoff, now):
                    continue
                topic = topics.get(db, topic_id)
                event = record(db, None, "topic.closed", topic, {"reason": "not_rated"})
                notices.to_person(
                    db,
                    f"a{event}:requester",
                    topic.requester_id,
                    self.ctx.default_language,
                    "topics.auto_closed",
                    receipt=topic.receipt,
                )
            yield topic.receipt
