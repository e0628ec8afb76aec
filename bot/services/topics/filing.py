"""Filing a topic (点题): the guided form's steps, the limits on text and per-day count, and the
filing itself with its receipt, routing, deadline and notices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlite_utils import Database

from bot.core.vocabulary import CATEGORIES
from bot.delivery.messages import rows_of
from bot.i18n import Term
from bot.services.context import Context
from bot.services.disclosures.objection_window import link_topic
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import allowed, require
from bot.services.redaction import redact
from bot.services.topics import notices
from bot.services.topics.drafts import FormInput, TopicDrafts, submit_row
from bot.services.topics.new_topics import create_topic
from bot.services.topics.notices import button, category_term, masked_note, masked_note_for
from bot.services.topics.routing import Route, TopicRouting
from bot.services.topics.text import TEXT_MAX, TEXT_MIN, classify
from bot.services.topics.topic_posts import assignee_post
from bot.services.topics.topic_records import Reply, ack, record
from bot.services.topics.topic_rules import checked_length
from storage import forms, outbox, topics
from storage.forms import Form
from storage.topics import Topic

MEDIA_KINDS = ("photo", "voice")


def check_text(text: str) -> str:
    """Topic text limits: 5–1000 characters (issue 4 §1)."""
    return checked_length(text, TEXT_MIN, TEXT_MAX, "topics.too_short")


def resident_village(person: Person) -> str:
    """The village a person files topics for, or a refusal when they are no resident."""
    code = person.village_code
    require(person, "topic.file", village=code)
    return code


class TopicFiling:
    """A resident's new topic, typed at once or built step by step."""

    def __init__(self, ctx: Context, drafts: TopicDrafts, routing: TopicRouting) -> None:
        self.ctx = ctx
        self.drafts = drafts
        self.routing = routing

    def _check_daily_limit(self, db: Database, person: Person, now: datetime) -> None:
        since = self.ctx.local_start(self.ctx.local_date(now))
        limit = self.ctx.config.topics.daily_limit_per_resident
        if topics.count_filed_since(db, person.user_id, since) >= limit:
            raise Denied("topics.daily_limit", limit=limit)

    def start_filing(self, person: Person, reply: ReplyTo | None = None) -> Reply:
        """/topic without text: the guided form starts with category buttons."""
        resident_village(person)
        self._check_daily_limit(self.ctx.store.db, person, self.ctx.now())
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
        return self.drafts.put(person, "topic", None, "category", {}, reply, result)

    def offer(self, person: Person, text: str, reply: ReplyTo | None = None) -> bool:
        """Free text a resident wrote with no form open: kept as the form's draft, ready to
        file with one button (PT-01); False when it is no topic (no resident, or too short)."""
        if not allowed(person, "topic.file", village=person.village_code):
            return False
        if len(text.strip()) < TEXT_MIN:
            return False
        typed = redact(check_text(text))  # stored in the draft: numbers masked first (SEC-03)
        data = {"text": typed.text, "masked": typed.count, "category": classify(typed.text)}
        result = Reply(
            "topics.form.offer",
            {"text": typed.text, "masked": masked_note(person.language, typed.count)},
            rows_of([submit_row(person.language)]),
        )
        self.drafts.put(person, "topic", None, "confirm", data, reply, result)
        return True

    def choose_category(self, person: Person, category: str, reply: ReplyTo | None = None) -> Reply:
        draft = self.drafts.current(person, "topic")
        if category not in CATEGORIES or draft.step != "category":
            raise Denied("topics.stale")
        result = Reply("topics.form.text", {"category": category_term(category)})
        data = {"category": category}
        return self.drafts.put(person, "topic", None, "text", data, reply, result)

    def topic_input(self, person: Person, draft: Form, given: FormInput) -> Reply:
        """One message into the filing form: its text, then an optional photo or voice."""
        text, media = given.text, given.media
        data = dict(draft.data)
        if draft.step in ("category", "text") and text is None:
            raise Denied("topics.form.need_text")
        if media is not None and draft.step in ("media", "confirm"):
            text = None  # a caption on the added photo does not replace the request's text
        if text is not None:
            # The draft is stored too: numbers are masked before it is (SEC-03).
            quoted = f"{data['quote']}\n{text}" if data.get("quote") else text  # a line asked about
            typed = redact(check_text(quoted))
            data["text"], data["masked"] = typed.text, typed.count
            data.setdefault("category", classify(typed.text))
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
                    "masked": masked_note(person.language, data.get("masked", 0)),
                    "media": Term(f"topics.media.{data.get('media_kind') or 'none'}"),
                },
                rows_of([submit_row(person.language)]),
            )
        return self.drafts.put(person, "topic", None, step, data, given.reply, result)

    def file(
        self,
        person: Person,
        text: str,
        category: str | None = None,
        media: tuple[str, str] | None = None,
        reply: ReplyTo | None = None,
        masked: int = 0,
        *,
        line: Sequence[int | None] | None = None,
    ) -> Topic:
        """File a topic: receipt (PT-05), routing (PT-03, FCR-01), deadline (TL-01), notices.
        ID, phone and card numbers are masked before anything is stored (SEC-03); `masked`
        counts those already masked in the draft; `line` is the (disclosure, row) asked about."""
        village_code = resident_village(person)
        typed = redact(check_text(text))
        text, masked = typed.text, masked + typed.count
        category = category if category in CATEGORIES else classify(text)
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            self._check_daily_limit(db, person, now)
            topic, route = create_topic(
                self.ctx,
                self.routing,
                db,
                requester_id=person.user_id,
                village_code=village_code,
                category=category,
                text=text,
                media=media,
                now=now,
            )
            forms.delete(db, person.user_id, "topics")
            receipt = topic.receipt
            filed = {"receipt": receipt, "category": category, "due": topic.due_date.isoformat()}
            event = record(db, person.user_id, "topic.filed", topic, filed | {"masked": masked})
            if line is not None:  # a question about a disclosure's line (STG-06)
                link_topic(self.ctx, db, event, topic, line[0], line[1])
            self._tell_filed(db, event, person, topic, route, masked)
            ack(db, event, reply, person, "topics.form.submitted", receipt=receipt)
        return topic

    def _tell_filed(
        self, db: Database, event: int, person: Person, topic: Topic, route: Route, masked: int
    ) -> None:
        """The routing event, the requester's receipt (回执) and each handler's notice, each
        noting how many numbers were masked."""
        language = self.ctx.default_language
        post = assignee_post(self.ctx, db, topic)
        record(db, None, "topic.routed", topic, {"post": post, "rule": route.kind})
        notices.to_person(
            db,
            f"a{event}:receipt",
            person.user_id,
            language,
            "topics.receipt",
            priority=outbox.INTERACTIVE,
            receipt=topic.receipt,
            category=category_term(topic.category),
            post=post,
            due=topic.due_date.isoformat(),
            provisional=notices.due_mark(topic.due_provisional),
            days=self.ctx.config.topics.answer_working_days,
            text=topic.text,
            masked=masked_note_for(db, person.user_id, language, masked),
        )
        for uid in route.recipients:
            key = f"a{event}:notice:{uid}"
            notices.feedback_notice(db, key, uid, language, topic, "topics.notice", masked)
