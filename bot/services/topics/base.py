"""What every topic step shares: the clock and deadlines, lookups by receipt and post, who may
act on a topic, and the audit-plus-answer pair each change ends with (DESIGN §7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from bot.core.villages import village_name
from bot.delivery.messages import Rows
from bot.i18n import Term, t_plain
from bot.services import notify
from bot.services.context import Context
from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics import notices
from bot.services.topics.notices import category_term
from bot.services.topics.text import parse_receipt
from storage import audit, members, topics, villages
from storage.members import Member
from storage.topics import Topic


@dataclass(frozen=True, slots=True)
class Reply:
    """What to tell the person who acted: a catalogue key, its parameters and buttons."""

    key: str
    params: dict = field(default_factory=dict)
    rows: Rows = ()


def checked_length(text: str, minimum: int, maximum: int, too_short: str) -> str:
    """`text` stripped, or a refusal when it is shorter than `minimum` or longer than `maximum`."""
    text = (text or "").strip()
    if len(text) < minimum:
        raise Denied(too_short, minimum=minimum)
    if len(text) > maximum:
        raise Denied("topics.too_long", maximum=maximum, length=len(text))
    return text


class TopicBase:
    """The state and helpers the topic mixins share; `TopicService` composes them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.config = ctx.config
        self.calendar = ctx.calendar
        self.now = ctx.now
        self.local_date = ctx.local_date
        self.local_start = ctx.local_start
        self.limits = ctx.config.topics
        self.language = ctx.default_language

    # -- time ------------------------------------------------------------------------------

    def _deadline(
        self, db: Database, start: date, count: int, at: datetime, cap_from: date | None = None
    ) -> date:
        """`count` working days after `start`, capped at the hard limit counted from `cap_from`
        (default `start`) (TL-01, TL-02)."""
        cap = (cap_from or start) + timedelta(days=self.limits.hard_cap_calendar_days)
        deadline = self.calendar.deadline(db, start, count, cap)
        self.calendar.warn_uncovered(db, deadline, at)
        return deadline.due

    # -- lookups ---------------------------------------------------------------------------

    def find(self, text: str) -> Topic:
        """A topic by the receipt number a person typed, or a clear refusal."""
        receipt = parse_receipt(text or "")
        if receipt is None:
            raise Denied("topics.bad_receipt", text=(text or "")[:40])
        topic = topics.by_receipt(self.store.db, receipt)
        if topic is None:
            raise Denied("topics.unknown_receipt", receipt=receipt)
        return topic

    def get(self, topic_id: int) -> Topic:
        topic = topics.get(self.store.db, topic_id)
        if topic is None:
            raise Denied("topics.stale")
        return topic

    def _village_code(self, text: str | None) -> str | None:
        if not text:
            return None
        village = villages.get(self.store.db, text.strip().lower())
        if village is None:
            raise Denied("village.unknown", code=text)
        return village.code

    def post_of(self, db: Database, user_id: int, village_code: str | None) -> str:
        """An official's post as residents see it (never their private account): 青山村 会计."""
        for m in members.roles_of(db, user_id):
            if m.role == "official" and m.village_code == village_code:
                title = m.title or t_plain(self.language, "roles.official")
                return f"{village_name(self.store.db, village_code)} {title}"
        return self._township_post()

    def assignee_post(self, topic: Topic) -> str:
        """Who answers this topic, as a post."""
        db = self.store.db
        if topic.assignee_id is not None:
            return self.post_of(db, topic.assignee_id, topic.village_code)
        if topic.routed_to == "officials":
            name = village_name(self.store.db, topic.village_code)
            return f"{name} {t_plain(self.language, 'topics.post.officials')}"
        return self._township_post()

    def _township_post(self) -> str:
        return f"{self.config.township.name} {t_plain(self.language, 'roles.township')}"

    @staticmethod
    def _officials(db: Database, village_code: str) -> list[Member]:
        return [m for m in members.of_village(db, village_code) if m.role == "official"]

    @staticmethod
    def _staff_ids(db: Database) -> list[int]:
        return sorted({m.user_id for m in members.township_staff(db)})

    # -- who may act -----------------------------------------------------------------------

    @staticmethod
    def _require_open(topic: Topic) -> None:
        if not topic.is_open:
            raise Denied("topics.not_open", receipt=topic.receipt)

    def _check_handler(self, person: Person, topic: Topic) -> None:
        """Only the assignee acts; an unowned topic goes to the first official who acts (FCR-01),
        a township-routed one to township staff; another village's topic never."""
        self._require_open(topic)
        if topic.assignee_id is not None:
            if topic.assignee_id != person.user_id:
                raise Denied("topics.not_yours", receipt=topic.receipt)
            return
        if topic.routed_to == "township":
            if not person.is_township:
                raise Denied("topics.not_yours", receipt=topic.receipt)
            return
        if not person.has("official", topic.village_code):
            raise Denied("topics.not_yours", receipt=topic.receipt)

    def _claim(self, db: Database, person: Person, topic: Topic, now: datetime) -> None:
        if topic.assignee_id is None:
            topics.assign(db, topic.id, person.user_id, now)
            post = self.post_of(db, person.user_id, topic.village_code)
            self._event(db, person.user_id, "topic.claimed", topic, {"post": post})

    def _handlers(self, db: Database, topic: Topic) -> list[int]:
        """Who must act on a topic now: its assignee, or the whole pool it was routed to."""
        if topic.assignee_id is not None:
            return [topic.assignee_id]
        if topic.routed_to == "township":
            return self._staff_ids(db)
        return sorted({m.user_id for m in self._officials(db, topic.village_code)})

    # -- recording and telling -------------------------------------------------------------

    @staticmethod
    def _event(
        db: Database, actor_id: int | None, action: str, topic: Topic, after: dict | None = None
    ) -> int:
        """The audit event of a change to one topic; its id keys the notices it causes."""
        subject = f"topic:{topic.id}"
        return audit.record(
            db, actor_id, action, subject, village_code=topic.village_code, after=after
        )

    def _tell(
        self, db: Database, key: str, reply: ReplyTo | None, person: Person, result: Reply
    ) -> None:
        notify.answer(
            db, key, reply, person.language, result.key, buttons=result.rows, **result.params
        )

    def _ack(
        self, db: Database, event: int, reply: ReplyTo | None, person: Person, key: str, **params
    ) -> None:
        """The answer to the person who made the change, keyed by its audit event."""
        self._tell(db, f"a{event}:answer", reply, person, Reply(key, params))

    def _feedback_notice(self, db: Database, key: str, user_id: int, topic: Topic, text_key: str):
        """限时反馈通知书 (PT-03): the topic, its due date and the handling buttons."""
        notices.to_person(
            db,
            key,
            user_id,
            self.language,
            text_key,
            buttons=notices.handling_buttons(topic.id),
            receipt=topic.receipt,
            village=village_name(self.store.db, topic.village_code),
            category=category_term(topic.category),
            text=topic.text,
            due=topic.due_date.isoformat(),
            media=Term(f"topics.media.{topic.media_kind or 'none'}"),
        )
