"""Filing a topic (点题): the guided form's steps, the limits on text and per-day count, and the
filing itself with its receipt, routing, deadline and notices."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.delivery.messages import rows_of
from bot.i18n import Term
from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics import notices
from bot.services.topics.base import Reply, checked_length
from bot.services.topics.drafts import FormInput, TopicDrafts, submit_row
from bot.services.topics.notices import button, category_term
from bot.services.topics.routing import TopicRouting
from bot.services.topics.text import CATEGORIES, TEXT_MAX, TEXT_MIN, classify, format_receipt
from storage import forms, outbox, topics
from storage.forms import Form
from storage.topics import Topic

MEDIA_KINDS = ("photo", "voice")


class TopicFiling(TopicDrafts, TopicRouting):
    """A resident's new topic, typed at once or built step by step."""

    def _resident_village(self, person: Person) -> str:
        code = next((m.village_code for m in person.roles if m.role == "resident"), None)
        if code is None:
            raise Denied("topics.not_resident")
        return code

    def _check_daily_limit(self, db: Database, person: Person, now: datetime) -> None:
        since = self.local_start(self.local_date(now))
        if (
            topics.count_filed_since(db, person.user_id, since)
            >= self.limits.daily_limit_per_resident
        ):
            raise Denied("topics.daily_limit", limit=self.limits.daily_limit_per_resident)

    @staticmethod
    def check_text(text: str) -> str:
        """Topic text limits: 5–1000 characters (issue 4 §1)."""
        return checked_length(text, TEXT_MIN, TEXT_MAX, "topics.too_short")

    def start_filing(self, person: Person, reply: ReplyTo | None = None) -> Reply:
        """/topic without text: the guided form starts with category buttons."""
        self._resident_village(person)
        self._check_daily_limit(self.store.db, person, self.now())
        rows = [
            [
                button(person.language, f"topics.category.{c}", f"tp:cat:{c}")
                for c in CATEGORIES[i : i + 3]
            ]
            for i in range(0, len(CATEGORIES), 3)
        ]
        result = Reply(
            "topics.form.category", rows=rows_of([*rows, [submit_row(person.language)[1]]])
        )
        return self._put_draft(person, "topic", None, "category", {}, reply, result)

    def choose_category(self, person: Person, category: str, reply: ReplyTo | None = None) -> Reply:
        draft = self._draft(person, "topic")
        if category not in CATEGORIES or draft.step != "category":
            raise Denied("topics.stale")
        result = Reply("topics.form.text", {"category": category_term(category)})
        data = {"category": category}
        return self._put_draft(person, "topic", None, "text", data, reply, result)

    def _topic_input(self, person: Person, draft: Form, given: FormInput) -> Reply:
        text, media = given.text, given.media
        data = dict(draft.data)
        if draft.step in ("category", "text") and text is None:
            raise Denied("topics.form.need_text")
        if media is not None and draft.step in ("media", "confirm"):
            text = None  # a caption on the added photo does not replace the request's text
        if text is not None:
            data["text"] = self.check_text(text)
            data.setdefault("category", classify(data["text"]))
        if media is not None:
            if media[0] not in MEDIA_KINDS:
                raise Denied("topics.form.media_kind")
            data["media_kind"], data["media_file_id"] = media
        if "text" not in data:
            raise Denied("topics.form.need_text")
        step = "confirm" if data.get("media_kind") or draft.step == "confirm" else "media"
        if step == "media":
            result = Reply("topics.form.media", rows=rows_of([submit_row(person.language)]))
        else:
            result = Reply(
                "topics.form.confirm",
                {
                    "category": category_term(data["category"]),
                    "text": data["text"],
                    "media": Term(f"topics.media.{data.get('media_kind') or 'none'}"),
                },
                rows_of([submit_row(person.language)]),
            )
        return self._put_draft(person, "topic", None, step, data, given.reply, result)

    def file(
        self,
        person: Person,
        text: str,
        category: str | None = None,
        media: tuple[str, str] | None = None,
        reply: ReplyTo | None = None,
    ) -> Topic:
        """File a topic: receipt (PT-05), routing (PT-03, FCR-01), deadline (TL-01), notices."""
        village_code = self._resident_village(person)
        text = self.check_text(text)
        category = category if category in CATEGORIES else classify(text)
        now = self.now()
        today = self.local_date(now)
        with self.store.transaction() as db:
            self._check_daily_limit(db, person, now)
            receipt = format_receipt(today.year, topics.next_number(db, today.year))
            route = self.route(db, village_code, category)
            due = self._deadline(db, today, self.limits.answer_working_days, now)
            topic_id = topics.create(
                db,
                receipt=receipt,
                village_code=village_code,
                requester_id=person.user_id,
                category=category,
                text=text,
                media_kind=media[0] if media else None,
                media_file_id=media[1] if media else None,
                routed_to=route.kind,
                assignee_id=route.assignee_id,
                at=now,
                due_date=due,
            )
            forms.delete(db, person.user_id, "topics")
            topic = topics.get(db, topic_id)
            filed = {"receipt": receipt, "category": category, "due": due.isoformat()}
            event = self._event(db, person.user_id, "topic.filed", topic, filed)
            post = self.assignee_post(topic)
            self._event(db, None, "topic.routed", topic, {"post": post, "rule": route.kind})
            notices.to_person(
                db,
                f"a{event}:receipt",
                person.user_id,
                self.language,
                "topics.receipt",
                priority=outbox.INTERACTIVE,
                receipt=receipt,
                category=category_term(category),
                post=post,
                due=due.isoformat(),
                days=self.limits.answer_working_days,
                text=text,
            )
            for uid in route.recipients:
                self._feedback_notice(db, f"a{event}:notice:{uid}", uid, topic, "topics.notice")
            self._ack(db, event, reply, person, "topics.form.submitted", receipt=receipt)
        return topic
