"""The requester's verdict on an answer (SAT-01, SAT-09): rating, one reopening, escalation to
the township, and closing answers left unrated."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.core.villages import village_name
from bot.i18n import Term
from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics import notices
from bot.services.topics.base import Reply
from bot.services.topics.drafts import FormInput, TopicDrafts
from bot.services.topics.text import NOTE_MAX, RATINGS
from storage import forms, members, topics
from storage.forms import Form
from storage.topics import Topic


class TopicRating(TopicDrafts):
    """满意/基本满意/不满意, and what each one does to the topic."""

    def rate(
        self, person: Person, topic: Topic, answer_id: int, code: str, reply: ReplyTo | None = None
    ) -> Reply:
        """满意/基本满意 close; 不满意 asks why and reopens once, a second one escalates."""
        if person.user_id != topic.requester_id:
            raise Denied("topics.not_requester")
        if topic.status not in topics.RESPONDED or topic.answer_id != answer_id:
            raise Denied("topics.stale")
        rating = RATINGS.get(code)
        if rating is None:
            raise Denied("topics.stale")
        if rating == "unsatisfied" and topic.reopened == 0:
            result = Reply("topics.form.unsatisfied", {"receipt": topic.receipt})
            data = {"answer_id": answer_id}
            return self._put_draft(person, "unsatisfied", topic.id, "text", data, reply, result)
        now = self.now()
        with self.store.transaction() as db:
            topics.rate(db, topic.id, rating, now)
            escalate = rating == "unsatisfied"
            topics.close(db, topic.id, "escalated" if escalate else "rated", now)
            event = self._event(db, person.user_id, "topic.rated", topic, {"rating": rating})
            if escalate:
                self._escalate(db, event, topic)
                result = Reply("topics.escalated_ack", {"receipt": topic.receipt})
            else:
                result = Reply("topics.rated_ack", {"rating": Term(f"topics.rating.{rating}")})
            self._tell(db, f"a{event}:answer", reply, person, result)
        return result

    def _escalate(self, db: Database, event: int, topic: Topic) -> None:
        """A second 不满意 closes the topic and goes to township staff (URG-01, SAT-09)."""
        self._event(db, None, "topic.escalated", topic)
        for staff in members.township_staff(db):
            notices.to_person(
                db,
                f"a{event}:escalate:{staff.user_id}",
                staff.user_id,
                self.language,
                "topics.escalation",
                receipt=topic.receipt,
                village=village_name(self.store.db, topic.village_code),
                text=topic.text,
                post=self.assignee_post(topic),
            )

    def _unsatisfied_input(self, person: Person, draft: Form, given: FormInput) -> Reply:
        topic = self.get(draft.subject_id)
        if (
            person.user_id != topic.requester_id
            or topic.status not in topics.RESPONDED
            or topic.answer_id != draft.data.get("answer_id")
        ):
            raise Denied("topics.stale")
        reason = given.text[:NOTE_MAX]
        now = self.now()
        with self.store.transaction() as db:
            due = self._deadline(db, self.local_date(now), self.limits.answer_working_days, now)
            topics.rate(db, topic.id, "unsatisfied", now)
            topics.reopen(db, topic.id, due, now)
            forms.delete(db, person.user_id, "topics")
            after = {"rating": "unsatisfied", "reason": reason, "due": due.isoformat()}
            event = self._event(db, person.user_id, "topic.reopened", topic, after)
            reopened = topics.get(db, topic.id)
            for uid in self._handlers(db, reopened):
                notices.to_person(
                    db,
                    f"a{event}:notice:{uid}",
                    uid,
                    self.language,
                    "topics.reopened_notice",
                    buttons=notices.handling_buttons(topic.id),
                    receipt=topic.receipt,
                    text=topic.text,
                    reason=reason,
                    due=due.isoformat(),
                )
            result = Reply(
                "topics.reopened_ack", {"receipt": topic.receipt, "due": due.isoformat()}
            )
            self._tell(db, f"a{event}:answer", given.reply, person, result)
        return result

    def auto_close(self, now: datetime) -> list[str]:
        """Answers left unrated for `auto_close_days` close as not rated (not satisfied)."""
        cutoff = now - timedelta(days=self.limits.auto_close_days)
        closed = []
        for topic in topics.responded_before(self.store.db, cutoff):
            with self.store.transaction() as db:
                if not topics.close(db, topic.id, "not_rated", now):
                    continue
                event = self._event(db, None, "topic.closed", topic, {"reason": "not_rated"})
                notices.to_person(
                    db,
                    f"a{event}:requester",
                    topic.requester_id,
                    self.language,
                    "topics.auto_closed",
                    receipt=topic.receipt,
                )
            closed.append(topic.receipt)
        return closed
