""" "A neighbour already asked this": at filing, a recent topic of the village asking the same
is shown first; the resident follows it (a support, and its answer sent to them) or files
anyway. The pending text waits in the form (server side), never in a button."""

from __future__ import annotations

from sqlite_utils import Database

from bot.delivery.messages import rows_of
from bot.i18n import Term, t_plain
from bot.services.context import Context
from bot.services.masking import mask_text
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require
from bot.services.redaction import redact
from bot.services.topics import notices, topic_lookup
from bot.services.topics.drafts import TopicDrafts, stored_pair
from bot.services.topics.filing import TopicFiling, check_text, resident_village
from bot.services.topics.notices import button
from bot.services.topics.similar_topics import find_similar
from bot.services.topics.supports import TopicSupports
from bot.services.topics.topic_records import Reply, ack, record
from bot.services.topics.topic_rules import handlers_of
from storage import forms, topic_answers, topic_follows
from storage.topic_answers import Answer
from storage.topics import Topic

# The form step that waits for "follow that one" or "file anyway".
SIMILAR_STEP = "similar"


def tell_followers(ctx: Context, db: Database, event: int, topic: Topic, answer: Answer) -> None:
    """Each follower of a topic gets its answer (or refusal) as its requester does."""
    for uid in topic_follows.followers(db, topic.id):
        _tell_follower(ctx, db, f"a{event}:follower:{uid}", uid, topic, answer)


def _tell_follower(
    ctx: Context, db: Database, key: str, uid: int, topic: Topic, answer: Answer
) -> None:
    text_key = "topics.similar.answered" if answer.kind == "answer" else "topics.similar.declined"
    notices.to_person(
        db,
        key,
        uid,
        ctx.default_language,
        text_key,
        receipt=topic.receipt,
        question=mask_text(topic.text),
        answer=mask_text(answer.text),
        link=answer.link or "—",
        reason=Term(f"topics.reason.{answer.reason or 'none'}"),
        post=answer.by_post,
    )


class TopicFollows:
    """The similarity check before filing, and the two answers to it."""

    def __init__(
        self, ctx: Context, drafts: TopicDrafts, filing: TopicFiling, supports: TopicSupports
    ) -> None:
        self.ctx = ctx
        self.drafts = drafts
        self.filing = filing
        self.supports = supports

    def file_or_offer(
        self,
        person: Person,
        text: str,
        *,
        reply: ReplyTo | None,
        filed_reply: ReplyTo | None,
        category: str | None = None,
        media: tuple[str, str] | None = None,
        masked: int = 0,
    ) -> Topic | Reply:
        """File the topic, or first show the village's recent topic asking the same (with the
        buttons to follow it or file anyway) and keep the text in the form."""
        village = resident_village(person)
        typed = redact(check_text(text))  # kept in the form: numbers masked first (SEC-03)
        days = self.ctx.config.topics.similar_days
        db, now = self.ctx.store.db, self.ctx.now()
        found = find_similar(db, village, typed.text, person.user_id, now, days)
        if found is None:
            return self.filing.file(person, text, category, media, filed_reply, masked)
        data = {
            "text": typed.text,
            "masked": masked + typed.count,
            "category": category,
            "media_kind": media[0] if media else None,
            "media_file_id": media[1] if media else None,
            "similar_id": found.topic.id,
        }
        result = self._offer(person.language, found.topic)
        return self.drafts.put(person, "topic", None, SIMILAR_STEP, data, reply, result)

    def asked_same(self, topic: Topic) -> int:
        """Residents who asked what the topic asks: its requester, supporters and followers."""
        return topic_follows.asked_same(self.ctx.store.db, topic.id) + 1

    def _offer(self, language: str, topic: Topic) -> Reply:
        """The similar topic: its number, masked text, status and answer if any."""
        db = self.ctx.store.db
        answer = topic_answers.answer(db, topic.answer_id) if topic.answer_id else None
        shown = (
            t_plain(language, "topics.similar.answer_line", answer=mask_text(answer.text))
            if answer is not None
            else t_plain(language, "topics.similar.no_answer")
        )
        rows = [
            [
                button(language, "topics.button.follow", f"tp:fw:{topic.id}"),
                button(language, "topics.button.file_anyway", f"tp:fa:{topic.id}"),
            ]
        ]
        params = {
            "receipt": topic.receipt,
            "status": Term(f"topics.status.{topic.status}"),
            "text": mask_text(topic.text),
            "answer": shown,
            "count": self.asked_same(topic),
        }
        return Reply("topics.similar.offer", params, rows_of(rows))

    def _pending(self, person: Person, topic_id: int) -> dict:
        """The form waiting on the offer of this topic, or the stale refusal (an old or forged
        button names another topic, or none is waiting)."""
        draft = self.drafts.current(person, "topic")
        if draft.step != SIMILAR_STEP or draft.data.get("similar_id") != topic_id:
            raise Denied("topics.stale")
        return draft.data

    def file_anyway(self, person: Person, topic_id: int, reply: ReplyTo | None = None) -> Topic:
        """仍然提交: file the kept text as it is, with no second check."""
        data = self._pending(person, topic_id)
        media = stored_pair(data, "media_kind", "media_file_id")
        return self.filing.file(
            person, data["text"], data["category"], media, reply, data.get("masked", 0)
        )

    def follow(self, person: Person, topic_id: int, reply: ReplyTo | None = None) -> Reply:
        """跟进这一条 under the offer at filing: a support (once) and the topic's answer, now if
        it has one, else when it comes; its handlers hear how many residents asked the same."""
        self._pending(person, topic_id)
        topic = topic_lookup.get(self.ctx.store.db, topic_id)
        return self._follow(person, topic, reply, drop_form=True)

    def follow_linked(self, person: Person, topic_id: int, reply: ReplyTo | None = None) -> Reply:
        """跟进这一条 from the topic's receipt link (`/start DT-…`): the same, no offer waiting."""
        topic = topic_lookup.get(self.ctx.store.db, topic_id)
        if person.user_id in topic_follows.followers(self.ctx.store.db, topic.id):
            raise Denied("topics.link.already", receipt=topic.receipt)
        return self._follow(person, topic, reply, drop_form=False)

    def may_follow(self, person: Person, topic: Topic) -> bool:
        """Whether the follow button is offered: allowed now and not followed already."""
        try:
            self._check(person, topic)
        except Denied:
            return False
        return person.user_id not in topic_follows.followers(self.ctx.store.db, topic.id)

    def _check(self, person: Person, topic: Topic) -> None:
        require(person, "topic.follow", village=topic.village_code, owner=topic.requester_id)
        if topic.status not in ("assigned", "answered"):
            raise Denied("topics.not_open", receipt=topic.receipt)
        self.supports.check(person, topic)

    def _follow(
        self, person: Person, topic: Topic, reply: ReplyTo | None, *, drop_form: bool
    ) -> Reply:
        self._check(person, topic)
        with self.ctx.store.transaction() as db:
            self.supports.add(db, person, topic)
            topic_follows.follow(db, topic.id, person.user_id, self.ctx.now())
            if drop_form:  # the offer's form; a link leaves any other form as it is
                forms.delete(db, person.user_id, "topics")
            count = topic_follows.asked_same(db, topic.id) + 1
            event = record(db, person.user_id, "topic.followed", topic, {"supports": count})
            answered = topic.answer_id is not None and topic.status == "answered"
            key = "topics.similar.followed_answered" if answered else "topics.similar.followed"
            ack(db, event, reply, person, key, receipt=topic.receipt, count=count)
            if answered:
                answer = topic_answers.answer(db, topic.answer_id)
                _tell_follower(self.ctx, db, f"a{event}:follower", person.user_id, topic, answer)
            else:
                self._tell_handlers(db, event, topic, count)
        return Reply(key, {"receipt": topic.receipt, "count": count})

    def _tell_handlers(self, db: Database, event: int, topic: Topic, count: int) -> None:
        for uid in handlers_of(db, topic):
            notices.handler_notice(
                db,
                f"a{event}:same:{uid}",
                uid,
                self.ctx.default_language,
                topic,
                "topics.similar.notice",
                count=count,
            )
