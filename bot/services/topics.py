"""Point-topic requests (点题) and the feedback wall (回音壁): DESIGN §3 (Topic request), §4.

Every change is one transaction holding the state change, its audit event and the notices it
causes (DESIGN §7), so a handler makes at most one changing call per update. Rule IDs from
`reference/domain-requirements.md` are cited where they decide behaviour.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from bot.config import Config
from bot.i18n import Term, t_plain
from bot.services import topics_notices as notices
from bot.services.calendar import WorkCalendar
from bot.services.masking import mask_text
from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics_chart import bar_chart
from bot.services.topics_notices import Button, category_term
from bot.services.topics_report import workbook
from bot.services.topics_stats import Counts, Period, compute, parse_period
from bot.services.topics_text import (
    ANSWER_MAX,
    ANSWER_MIN,
    CATEGORIES,
    DECLINE_REASONS,
    NOTE_MAX,
    RATINGS,
    TEXT_MAX,
    TEXT_MIN,
    classify,
    find_link,
    format_receipt,
    is_head_title,
    parse_receipt,
)
from storage import audit, members, outbox, topic_drafts, topics, villages
from storage.db import Store
from storage.times import utcnow
from storage.topic_drafts import Draft
from storage.topics import Answer, Topic

MEDIA_KINDS = ("photo", "voice")
ATTACHMENT_KINDS = ("photo", "voice", "document")


@dataclass(frozen=True, slots=True)
class Reply:
    """What to tell the person who acted: a catalogue key, its parameters and buttons."""

    key: str
    params: dict = field(default_factory=dict)
    rows: tuple[tuple[Button, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Route:
    """Where a new topic goes (first-contact responsibility, FCR-01, PT-08)."""

    kind: str  # 'route' | 'head' | 'officials' | 'township'
    assignee_id: int | None
    recipients: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    action: str
    params: dict


def _rows(*rows: list[Button]) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(row) for row in rows)


SUBMIT_ROW = [Button("topics.button.submit", "tp:ok"), Button("common.cancel", "tp:no")]


class TopicService:
    """Filing, routing, answering, rating, supporting, extending, transferring and urging."""

    def __init__(
        self,
        store: Store,
        config: Config,
        calendar: WorkCalendar,
        *,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.config = config
        self.calendar = calendar
        self.now = now
        self.limits = config.topics
        self.language = config.township.default_language

    # -- time ------------------------------------------------------------------------------

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.config.township.tz).date()

    def local_start(self, day: date) -> datetime:
        """The moment a local calendar day begins."""
        return datetime.combine(day, time(0), self.config.township.tz)

    def _deadline(self, db: Database, start: date, count: int, at: datetime) -> date:
        """`count` working days after `start`, capped at the hard limit (TL-01, TL-02)."""
        cap = start + timedelta(days=self.limits.hard_cap_calendar_days)
        deadline = self.calendar.deadline(db, start, count, cap)
        self.calendar.warn_uncovered(db, deadline, at)
        return deadline.due

    # -- reading ---------------------------------------------------------------------------

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

    def village_name(self, code: str) -> str:
        village = villages.get(self.store.db, code)
        return village.name if village else code

    def post_of(self, db: Database, user_id: int, village_code: str | None) -> str:
        """An official's post as residents see it (never their private account): 青山村 会计."""
        for m in members.roles_of(db, user_id):
            if m.role == "official" and m.village_code == village_code:
                title = m.title or t_plain(self.language, "roles.official")
                return f"{self.village_name(village_code)} {title}"
        return f"{self.config.township.name} {t_plain(self.language, 'roles.township')}"

    def assignee_post(self, topic: Topic) -> str:
        """Who answers this topic, as a post."""
        db = self.store.db
        if topic.assignee_id is not None:
            return self.post_of(db, topic.assignee_id, topic.village_code)
        if topic.routed_to == "officials":
            name = self.village_name(topic.village_code)
            return f"{name} {t_plain(self.language, 'topics.post.officials')}"
        return f"{self.config.township.name} {t_plain(self.language, 'roles.township')}"

    def mine(self, person: Person) -> list[Topic]:
        """A resident's own topics (/mytopics)."""
        return topics.of_requester(self.store.db, person.user_id)

    def inbox(self, person: Person) -> list[Topic]:
        """Open topics the person must act on, oldest due first (/inbox)."""
        db = self.store.db
        found: dict[int, Topic] = {}
        for m in person.roles:
            if m.role == "official":
                for topic in topics.open_for_official(db, person.user_id, m.village_code):
                    found[topic.id] = topic
        if person.is_township:
            for topic in topics.open_for_township(db):
                found[topic.id] = topic
        if not any(m.role in ("official", "township") for m in person.roles):
            raise Denied("denied.role", role=Term("roles.official"))
        return sorted(found.values(), key=lambda x: (x.due_date, x.id))

    def pending(self, person: Person, village_code: str | None) -> list[Topic]:
        """Township tracking (URG-03): every open topic, or one village's."""
        person.require("township")
        code = self._village_code(village_code)
        return topics.open_topics(self.store.db, code)

    def overdue(self, person: Person, village_code: str | None) -> list[Topic]:
        """Open topics past their due date (STAT-05)."""
        person.require("township")
        code = self._village_code(village_code)
        return topics.overdue(self.store.db, self.local_date(self.now()), code)

    def _village_code(self, text: str | None) -> str | None:
        if not text:
            return None
        village = villages.get(self.store.db, text.strip().lower())
        if village is None:
            raise Denied("village.unknown", code=text)
        return village.code

    def supports(self, topic: Topic) -> int:
        return topics.supports(self.store.db, topic.id)

    def current_answer(self, topic: Topic) -> Answer | None:
        return topics.answer(self.store.db, topic.answer_id) if topic.answer_id else None

    def can_view(self, person: Person, topic: Topic) -> bool:
        """The requester, the village's officials (assignee, first owner) and township staff."""
        return (
            person.user_id == topic.requester_id
            or person.is_township
            or person.has("official", topic.village_code)
        )

    def view(self, person: Person, topic: Topic) -> tuple[Topic, list[HistoryEntry]]:
        """A topic with its full timeline (issue 4 §8)."""
        if not self.can_view(person, topic):
            raise Denied("topics.not_visible", receipt=topic.receipt)
        events = audit.for_subject(self.store.db, f"topic:{topic.id}")
        return topic, [HistoryEntry(e.at, e.action, e.after or {}) for e in events]

    def attachments(self, person: Person, topic: Topic) -> list[tuple[str, str]]:
        """(kind, file_id) of the topic's photo or voice and the answers' attachments."""
        if not self.can_view(person, topic):
            raise Denied("topics.not_visible", receipt=topic.receipt)
        found = []
        if topic.media_kind and topic.media_file_id:
            found.append((topic.media_kind, topic.media_file_id))
        for a in topics.answers_of(self.store.db, topic.id):
            if a.attachment_kind and a.attachment_file_id:
                found.append((a.attachment_kind, a.attachment_file_id))
        return found

    # -- drafts (guided forms) -------------------------------------------------------------

    def has_draft(self, user_id: int) -> bool:
        return topic_drafts.exists(self.store.db, user_id)

    def cancel_draft(self, person: Person, reply: ReplyTo | None = None) -> bool:
        """/cancel: drop the form in progress; False when there was none."""
        if not self.has_draft(person.user_id):
            return False
        with self.store.transaction() as db:
            topic_drafts.delete(db, person.user_id)
            event = audit.record(
                db, person.user_id, "topic.form_cancelled", f"user:{person.user_id}"
            )
            notices.answer(db, f"a{event}:answer", reply, person.language, "common.cancelled")
        return True

    def _put_draft(
        self,
        person: Person,
        kind: str,
        topic_id: int | None,
        step: str,
        data: dict,
        reply: ReplyTo | None,
        result: Reply,
    ) -> Reply:
        """Save one step of a form and queue its next question in the same transaction."""
        now = self.now()
        with self.store.transaction() as db:
            topic_drafts.put(db, person.user_id, kind, topic_id, step, data, now)
            # No audit event for a form step; the step and its question commit together with
            # the update's "done" mark, so a fresh unique key is enough (DESIGN §7).
            self._tell(db, f"form:{person.user_id}:{uuid.uuid4().hex}", reply, person, result)
        return result

    def _tell(
        self, db: Database, key: str, reply: ReplyTo | None, person: Person, result: Reply
    ) -> None:
        notices.answer(
            db, key, reply, person.language, result.key, rows=result.rows, **result.params
        )

    def _draft(self, person: Person, kind: str | None = None) -> Draft:
        draft = topic_drafts.get(self.store.db, person.user_id)
        if draft is None or (kind is not None and draft.kind != kind):
            raise Denied("topics.stale")
        return draft

    def draft_input(
        self,
        person: Person,
        text: str | None,
        media: tuple[str, str] | None = None,
        reply: ReplyTo | None = None,
    ) -> Reply:
        """A message typed (or a photo/voice/file sent) while a guided form is open."""
        draft = self._draft(person)
        text = (text or "").strip() or None
        handler = {
            "topic": self._topic_input,
            "answer": self._answer_input,
            "decline": self._decline_input,
            "extend": self._extend_input,
            "unsatisfied": self._unsatisfied_input,
        }[draft.kind]
        return handler(person, draft, text, media, reply)

    def confirm_draft(self, person: Person, reply: ReplyTo | None = None) -> Reply:
        """The 提交 button of a form."""
        draft = self._draft(person)
        if draft.kind == "topic" and draft.step in ("media", "confirm"):
            media = (
                (draft.data["media_kind"], draft.data["media_file_id"])
                if (draft.data.get("media_kind"))
                else None
            )
            topic = self.file(person, draft.data["text"], draft.data["category"], media, reply)
            return Reply("topics.form.submitted", {"receipt": topic.receipt})
        if draft.kind == "answer" and draft.step == "extra":
            attachment = (
                (draft.data["attachment_kind"], draft.data["attachment_file_id"])
                if draft.data.get("attachment_kind")
                else None
            )
            topic = self.answer(
                person, self.get(draft.topic_id), draft.data["text"], draft.data.get("link"),
                attachment,
                reply,
            )  # fmt: skip
            return Reply("topics.answered_ack", {"receipt": topic.receipt})
        raise Denied("topics.stale")

    # -- filing ----------------------------------------------------------------------------

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
        text = (text or "").strip()
        if len(text) < TEXT_MIN:
            raise Denied("topics.too_short", minimum=TEXT_MIN)
        if len(text) > TEXT_MAX:
            raise Denied("topics.too_long", maximum=TEXT_MAX, length=len(text))
        return text

    def start_filing(self, person: Person, reply: ReplyTo | None = None) -> Reply:
        """/topic without text: the guided form starts with category buttons."""
        self._resident_village(person)
        self._check_daily_limit(self.store.db, person, self.now())
        rows = [
            [Button(f"topics.category.{c}", f"tp:cat:{c}") for c in CATEGORIES[i : i + 3]]
            for i in range(0, len(CATEGORIES), 3)
        ]
        result = Reply("topics.form.category", rows=_rows(*rows, [SUBMIT_ROW[1]]))
        return self._put_draft(person, "topic", None, "category", {}, reply, result)

    def choose_category(self, person: Person, category: str, reply: ReplyTo | None = None) -> Reply:
        draft = self._draft(person, "topic")
        if category not in CATEGORIES or draft.step != "category":
            raise Denied("topics.stale")
        result = Reply("topics.form.text", {"category": category_term(category)})
        data = {"category": category}
        return self._put_draft(person, "topic", None, "text", data, reply, result)

    def _topic_input(
        self,
        person: Person,
        draft: Draft,
        text: str | None,
        media: tuple[str, str] | None,
        reply: ReplyTo | None,
    ) -> Reply:
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
            result = Reply("topics.form.media", rows=_rows(SUBMIT_ROW))
        else:
            result = Reply(
                "topics.form.confirm",
                {
                    "category": category_term(data["category"]),
                    "text": data["text"],
                    "media": Term(f"topics.media.{data.get('media_kind') or 'none'}"),
                },
                _rows(SUBMIT_ROW),
            )
        return self._put_draft(person, "topic", None, step, data, reply, result)

    def route(self, db: Database, village_code: str, category: str) -> Route:
        """Routing rule → village head → every official → township: never nobody (FCR-01)."""
        officials = [m for m in members.of_village(db, village_code) if m.role == "official"]
        ids = {m.user_id for m in officials}
        rules = {r.category: r.user_id for r in self.limits.routes if r.village == village_code}
        rules |= topics.routes(db, village_code)  # /route by township staff wins over the file
        if rules.get(category) in ids:
            return Route("route", rules[category], (rules[category],))
        head = rules.get("head") if rules.get("head") in ids else None
        if head is None:
            head = next((m.user_id for m in officials if is_head_title(m.title)), None)
        if head is not None:
            return Route("head", head, (head,))
        if officials:
            return Route("officials", None, tuple(sorted(ids)))
        staff = sorted({m.user_id for m in members.township_staff(db)})
        return Route("township", None, tuple(staff))

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
            topic_drafts.delete(db, person.user_id)
            topic = topics.get(db, topic_id)
            subject = f"topic:{topic_id}"
            event = audit.record(
                db,
                person.user_id,
                "topic.filed",
                subject,
                village_code=village_code,
                after={"receipt": receipt, "category": category, "due": due.isoformat()},
            )
            post = self.assignee_post(topic)
            audit.record(
                db,
                None,
                "topic.routed",
                subject,
                village_code=village_code,
                after={"post": post, "rule": route.kind},
            )
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
            notices.answer(
                db,
                f"a{event}:answer",
                reply,
                person.language,
                "topics.form.submitted",
                receipt=receipt,
            )
        return topic

    def _feedback_notice(self, db: Database, key: str, user_id: int, topic: Topic, text_key: str):
        """限时反馈通知书 (PT-03): the topic, its due date and the handling buttons."""
        notices.to_person(
            db,
            key,
            user_id,
            self.language,
            text_key,
            rows=notices.handling_buttons(topic.id),
            receipt=topic.receipt,
            village=self.village_name(topic.village_code),
            category=category_term(topic.category),
            text=topic.text,
            due=topic.due_date.isoformat(),
            media=Term(f"topics.media.{topic.media_kind or 'none'}"),
        )

    # -- handling: who may act -------------------------------------------------------------

    def _check_handler(self, person: Person, topic: Topic) -> None:
        """Only the assignee acts; an unowned topic goes to the first official who acts (FCR-01),
        a township-routed one to township staff; another village's topic never."""
        if not topic.is_open:
            raise Denied("topics.not_open", receipt=topic.receipt)
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
            audit.record(
                db,
                person.user_id,
                "topic.claimed",
                f"topic:{topic.id}",
                village_code=topic.village_code,
                after={"post": self.post_of(db, person.user_id, topic.village_code)},
            )

    # -- answers ---------------------------------------------------------------------------

    def start_answer(self, person: Person, topic: Topic, reply: ReplyTo | None = None) -> Reply:
        self._check_handler(person, topic)
        result = Reply("topics.form.answer_text", {"receipt": topic.receipt, "text": topic.text})
        return self._put_draft(person, "answer", topic.id, "text", {}, reply, result)

    def _answer_input(
        self,
        person: Person,
        draft: Draft,
        text: str | None,
        media: tuple[str, str] | None,
        reply: ReplyTo | None,
    ) -> Reply:
        topic = self.get(draft.topic_id)
        self._check_handler(person, topic)
        data = dict(draft.data)
        if draft.step == "text":
            if text is None:
                raise Denied("topics.form.need_text")
            data["text"] = self._check_answer_text(text)
            data.setdefault("link", find_link(text))
        else:
            link = find_link(text) if text else None
            if text and link and text.strip() == link:
                data["link"] = link
            elif text:
                data["text"] = self._check_answer_text(text)
                data["link"] = find_link(text) or data.get("link")
            if media is not None:
                if media[0] not in ATTACHMENT_KINDS:
                    raise Denied("topics.form.media_kind")
                data["attachment_kind"], data["attachment_file_id"] = media
        result = Reply(
            "topics.form.answer_confirm",
            {
                "receipt": topic.receipt,
                "text": data["text"],
                "link": data.get("link") or "—",
                "media": Term(f"topics.media.{data.get('attachment_kind') or 'none'}"),
            },
            _rows(SUBMIT_ROW),
        )
        return self._put_draft(person, "answer", topic.id, "extra", data, reply, result)

    @staticmethod
    def _check_answer_text(text: str) -> str:
        text = (text or "").strip()
        if len(text) < ANSWER_MIN:
            raise Denied("topics.answer_too_short", minimum=ANSWER_MIN)
        if len(text) > ANSWER_MAX:
            raise Denied("topics.too_long", maximum=ANSWER_MAX, length=len(text))
        return text

    def answer(
        self,
        person: Person,
        topic: Topic,
        text: str,
        link: str | None = None,
        attachment: tuple[str, str] | None = None,
        reply: ReplyTo | None = None,
    ) -> Topic:
        """Answer a topic (PT-04, PT-11): requester told with rating buttons, wall post."""
        self._check_handler(person, topic)
        text = self._check_answer_text(text)
        link = link or find_link(text)
        if topic.joint and not link:
            raise Denied("topics.joint_needs_link", receipt=topic.receipt)  # 联名点题
        return self._respond(person, topic, "answer", None, text, link, attachment, reply)

    def start_decline(self, person: Person, topic: Topic) -> Reply:
        self._check_handler(person, topic)
        rows = [[Button(f"topics.reason.{r}", f"tp:dr:{topic.id}:{r}")] for r in DECLINE_REASONS]
        return Reply("topics.form.decline_reason", {"receipt": topic.receipt}, _rows(*rows))

    def choose_reason(
        self, person: Person, topic: Topic, reason: str, reply: ReplyTo | None = None
    ) -> Reply:
        self._check_handler(person, topic)
        if reason not in DECLINE_REASONS:
            raise Denied("topics.stale")
        key = (
            "topics.form.decline_link"
            if reason == "already_disclosed"
            else "topics.form.decline_text"
        )
        result = Reply(key, {"reason": Term(f"topics.reason.{reason}")})
        data = {"reason": reason}
        return self._put_draft(person, "decline", topic.id, "text", data, reply, result)

    def _decline_input(
        self,
        person: Person,
        draft: Draft,
        text: str | None,
        media: tuple[str, str] | None,
        reply: ReplyTo | None,
    ) -> Reply:
        if text is None:
            raise Denied("topics.form.need_text")
        topic = self.get(draft.topic_id)
        topic = self.decline(person, topic, draft.data["reason"], text, reply)
        return Reply("topics.declined_ack", {"receipt": topic.receipt})

    def decline(
        self,
        person: Person,
        topic: Topic,
        reason: str,
        explanation: str,
        reply: ReplyTo | None = None,
    ) -> Topic:
        """Refuse with a lawful reason and an explanation (PT-10, SEC-01..03, SEC-07, FCR-02).
        Refusals are public on the wall like answers."""
        self._check_handler(person, topic)
        if reason not in DECLINE_REASONS:
            raise Denied("topics.bad_reason")
        explanation = self._check_answer_text(explanation)
        if len(explanation) < TEXT_MIN:
            raise Denied("topics.answer_too_short", minimum=TEXT_MIN)
        link = find_link(explanation)
        if reason == "already_disclosed" and not link:
            raise Denied("topics.decline_needs_link")
        return self._respond(person, topic, "decline", reason, explanation, link, None, reply)

    def _respond(
        self,
        person: Person,
        topic: Topic,
        kind: str,
        reason: str | None,
        text: str,
        link: str | None,
        attachment: tuple[str, str] | None,
        reply: ReplyTo | None,
    ) -> Topic:
        now = self.now()
        today = self.local_date(now)
        on_time = today <= topic.due_date
        status = "answered" if kind == "answer" else "declined"
        with self.store.transaction() as db:
            post = self.post_of(db, person.user_id, topic.village_code)
            self._claim(db, person, topic, now)
            answer_id = topics.add_answer(
                db,
                topic_id=topic.id,
                kind=kind,
                reason=reason,
                text=text,
                link=link,
                attachment_kind=attachment[0] if attachment else None,
                attachment_file_id=attachment[1] if attachment else None,
                by_user_id=person.user_id,
                by_post=post,
                at=now,
                due_date=topic.due_date,
                on_time=on_time,
            )
            if not topics.respond(db, topic.id, answer_id, status, now):
                raise Denied("topics.not_open", receipt=topic.receipt)
            topic_drafts.delete(db, person.user_id)
            event = audit.record(
                db,
                person.user_id,
                f"topic.{status}",
                f"topic:{topic.id}",
                village_code=topic.village_code,
                after={"post": post, "on_time": on_time, "reason": reason, "link": link},
            )
            answer = topics.answer(db, answer_id)
            self._tell_requester(db, event, topic, answer)
            self._post_to_wall(db, event, topic, answer)
            ack = "topics.answered_ack" if kind == "answer" else "topics.declined_ack"
            notices.answer(
                db, f"a{event}:answer", reply, person.language, ack, receipt=topic.receipt
            )
            return topics.get(db, topic.id)

    def _answer_params(self, topic: Topic, answer: Answer) -> dict:
        return {
            "receipt": topic.receipt,
            "village": self.village_name(topic.village_code),
            "category": category_term(topic.category),
            "answer": answer.text,
            "link": answer.link or "—",
            "reason": Term(f"topics.reason.{answer.reason or 'none'}"),
            "post": answer.by_post,
            "filed": self.local_date(topic.filed_at).isoformat(),
            "answered": self.local_date(answer.at).isoformat(),
            "timely": Term("topics.wall.on_time" if answer.on_time else "topics.wall.late"),
        }

    def _tell_requester(self, db: Database, event: int, topic: Topic, answer: Answer) -> None:
        """The result notice (PT-05, PT-11) with the rating prompt (SAT-01)."""
        key = "topics.answered_notice" if answer.kind == "answer" else "topics.declined_notice"
        notices.to_person(
            db,
            f"a{event}:requester",
            topic.requester_id,
            self.language,
            key,
            rows=notices.rating_buttons(topic.id, answer.id),
            question=topic.text,
            days=self.limits.auto_close_days,
            **self._answer_params(topic, answer),
        )

    def _post_to_wall(self, db: Database, event: int, topic: Topic, answer: Answer) -> None:
        """回音壁 (PT-01, PT-04, cn-practice §4.4): question masked, never the requester."""
        chat_id = self.limits.wall_chat_id
        if chat_id is None:
            return
        key = "topics.wall.answer" if answer.kind == "answer" else "topics.wall.decline"
        params = self._answer_params(topic, answer)
        params["answer"] = mask_text(answer.text)
        notices.to_chat(
            db,
            f"a{event}:wall",
            chat_id,
            self.language,
            key,
            rows=notices.support_buttons(topic.id),
            question=mask_text(topic.text),
            **params,
        )

    # -- rating ----------------------------------------------------------------------------

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
            event = audit.record(
                db,
                person.user_id,
                "topic.rated",
                f"topic:{topic.id}",
                village_code=topic.village_code,
                after={"rating": rating},
            )
            if escalate:
                self._escalate(db, event, topic)
                result = Reply("topics.escalated_ack", {"receipt": topic.receipt})
            else:
                result = Reply("topics.rated_ack", {"rating": Term(f"topics.rating.{rating}")})
            self._tell(db, f"a{event}:answer", reply, person, result)
        return result

    def _escalate(self, db: Database, event: int, topic: Topic) -> None:
        """A second 不满意 closes the topic and goes to township staff (URG-01, SAT-09)."""
        audit.record(
            db, None, "topic.escalated", f"topic:{topic.id}", village_code=topic.village_code
        )
        for staff in members.township_staff(db):
            notices.to_person(
                db,
                f"a{event}:escalate:{staff.user_id}",
                staff.user_id,
                self.language,
                "topics.escalation",
                receipt=topic.receipt,
                village=self.village_name(topic.village_code),
                text=topic.text,
                post=self.assignee_post(topic),
            )

    def _unsatisfied_input(
        self,
        person: Person,
        draft: Draft,
        text: str | None,
        media: tuple[str, str] | None,
        reply: ReplyTo | None,
    ) -> Reply:
        if text is None:
            raise Denied("topics.form.need_text")
        topic = self.get(draft.topic_id)
        if (
            person.user_id != topic.requester_id
            or topic.status not in topics.RESPONDED
            or topic.answer_id != draft.data.get("answer_id")
        ):
            raise Denied("topics.stale")
        reason = text[:NOTE_MAX]
        now = self.now()
        with self.store.transaction() as db:
            due = self._deadline(db, self.local_date(now), self.limits.answer_working_days, now)
            topics.rate(db, topic.id, "unsatisfied", now)
            topics.reopen(db, topic.id, due, now)
            topic_drafts.delete(db, person.user_id)
            event = audit.record(
                db,
                person.user_id,
                "topic.reopened",
                f"topic:{topic.id}",
                village_code=topic.village_code,
                after={"rating": "unsatisfied", "reason": reason, "due": due.isoformat()},
            )
            reopened = topics.get(db, topic.id)
            for uid in self._handlers(db, reopened):
                notices.to_person(
                    db,
                    f"a{event}:notice:{uid}",
                    uid,
                    self.language,
                    "topics.reopened_notice",
                    rows=notices.handling_buttons(topic.id),
                    receipt=topic.receipt,
                    text=topic.text,
                    reason=reason,
                    due=due.isoformat(),
                )
            result = Reply(
                "topics.reopened_ack", {"receipt": topic.receipt, "due": due.isoformat()}
            )
            self._tell(db, f"a{event}:answer", reply, person, result)
        return result

    def _handlers(self, db: Database, topic: Topic) -> list[int]:
        """Who must act on a topic now: its assignee, or the whole pool it was routed to."""
        if topic.assignee_id is not None:
            return [topic.assignee_id]
        if topic.routed_to == "township":
            return sorted({m.user_id for m in members.township_staff(db)})
        return sorted(
            {m.user_id for m in members.of_village(db, topic.village_code) if m.role == "official"}
        )

    def auto_close(self, now: datetime) -> list[str]:
        """Answers left unrated for `auto_close_days` close as not rated (not satisfied)."""
        cutoff = now - timedelta(days=self.limits.auto_close_days)
        closed = []
        for topic in topics.responded_before(self.store.db, cutoff):
            with self.store.transaction() as db:
                if not topics.close(db, topic.id, "not_rated", now):
                    continue
                event = audit.record(
                    db,
                    None,
                    "topic.closed",
                    f"topic:{topic.id}",
                    village_code=topic.village_code,
                    after={"reason": "not_rated"},
                )
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

    # -- supports --------------------------------------------------------------------------

    def support(self, person: Person, topic: Topic, reply: ReplyTo | None = None) -> Reply:
        """附议: residents of the same village, once each; at the threshold → 联名点题."""
        if not person.has("resident", topic.village_code):
            raise Denied("topics.support_other_village")
        if person.user_id == topic.requester_id:
            raise Denied("topics.support_own")
        if topic.status == "closed":
            raise Denied("topics.not_open", receipt=topic.receipt)
        now = self.now()
        with self.store.transaction() as db:
            if not topics.add_support(db, topic.id, person.user_id, now):
                raise Denied("topics.support_twice", receipt=topic.receipt)
            count = topics.supports(db, topic.id)
            event = audit.record(
                db,
                person.user_id,
                "topic.supported",
                f"topic:{topic.id}",
                village_code=topic.village_code,
                after={"supports": count},
            )
            residents = members.residents_count(db, topic.village_code)
            threshold = max(1, math.ceil(residents * self.limits.joint_threshold_ratio))
            if count >= threshold and not topic.joint:
                self._make_joint(db, event, topic, count, now)
            result = Reply("topics.supported_ack", {"receipt": topic.receipt, "count": count})
            self._tell(db, f"a{event}:answer", reply, person, result)
        return result

    def _make_joint(self, db: Database, event: int, topic: Topic, count: int, now: datetime):
        """联名点题 (cn-practice §4.1: ≥1/10 of villagers): must be answered by a disclosure."""
        topics.set_joint(db, topic.id, now)
        audit.record(
            db,
            None,
            "topic.joint",
            f"topic:{topic.id}",
            village_code=topic.village_code,
            after={"supports": count},
        )
        people = set(self._handlers(db, topic)) | {m.user_id for m in members.township_staff(db)}
        for uid in sorted(people):
            notices.to_person(
                db,
                f"a{event}:joint:{uid}",
                uid,
                self.language,
                "topics.joint_notice",
                receipt=topic.receipt,
                village=self.village_name(topic.village_code),
                count=count,
                text=topic.text,
            )

    # -- extensions ------------------------------------------------------------------------

    def start_extension(self, person: Person, topic: Topic, reply: ReplyTo | None = None) -> Reply:
        self._check_extension_allowed(person, topic)
        result = Reply(
            "topics.form.extend",
            {"receipt": topic.receipt, "maximum": self.limits.extension_max_working_days},
        )
        return self._put_draft(person, "extend", topic.id, "text", {}, reply, result)

    def _check_extension_allowed(self, person: Person, topic: Topic) -> None:
        self._check_handler(person, topic)
        if topic.extended:
            raise Denied("topics.already_extended", receipt=topic.receipt)
        if any(e.status == "pending" for e in topics.extensions_of(self.store.db, topic.id)):
            raise Denied("topics.extension_pending", receipt=topic.receipt)

    def _extend_input(
        self,
        person: Person,
        draft: Draft,
        text: str | None,
        media: tuple[str, str] | None,
        reply: ReplyTo | None,
    ) -> Reply:
        parts = (text or "").split(maxsplit=1)
        if len(parts) < 2 or not parts[0].isdigit():
            raise Denied("topics.extend_usage", maximum=self.limits.extension_max_working_days)
        topic = self.get(draft.topic_id)
        self.request_extension(person, topic, int(parts[0]), parts[1], reply)
        return Reply("topics.extension_requested_ack", {"days": int(parts[0])})

    def request_extension(
        self, person: Person, topic: Topic, days: int, reason: str, reply: ReplyTo | None = None
    ) -> Topic:
        """One extension of at most N more working days, with a reason (TL-04, PT-09)."""
        self._check_extension_allowed(person, topic)
        maximum = self.limits.extension_max_working_days
        if not 1 <= days <= maximum:
            raise Denied("topics.extend_days", maximum=maximum)
        reason = reason.strip()
        if len(reason) < TEXT_MIN or len(reason) > NOTE_MAX:
            raise Denied("topics.extend_reason", minimum=TEXT_MIN, maximum=NOTE_MAX)
        now = self.now()
        with self.store.transaction() as db:
            extension_id = topics.request_extension(db, topic.id, person.user_id, days, reason, now)
            topic_drafts.delete(db, person.user_id)
            event = audit.record(
                db,
                person.user_id,
                "topic.extension_requested",
                f"topic:{topic.id}",
                village_code=topic.village_code,
                after={"days": days, "reason": reason},
            )
            for staff in members.township_staff(db):
                notices.to_person(
                    db,
                    f"a{event}:ask:{staff.user_id}",
                    staff.user_id,
                    self.language,
                    "topics.extension_request",
                    rows=notices.extension_buttons(extension_id),
                    receipt=topic.receipt,
                    village=self.village_name(topic.village_code),
                    post=self.post_of(db, person.user_id, topic.village_code),
                    days=days,
                    reason=reason,
                    due=topic.due_date.isoformat(),
                    text=topic.text,
                )
            notices.answer(
                db,
                f"a{event}:answer",
                reply,
                person.language,
                "topics.extension_requested_ack",
                days=days,
            )
            return topics.get(db, topic.id)

    def decide_extension(
        self, person: Person, extension_id: int, approve: bool, reply: ReplyTo | None = None
    ) -> Reply:
        """Township staff approve (new due date, hard cap TL-02) or refuse an extension."""
        person.require("township")
        db = self.store.db
        extension = topics.extension(db, extension_id)
        if extension is None or extension.status != "pending":
            raise Denied("topics.extension_decided")
        topic = self.get(extension.topic_id)
        if not topic.is_open:
            raise Denied("topics.not_open", receipt=topic.receipt)
        now = self.now()
        with self.store.transaction() as db:
            new_due = None
            if approve:
                cap = self.local_date(topic.cycle_start) + timedelta(
                    days=self.limits.hard_cap_calendar_days
                )
                deadline = self.calendar.deadline(db, topic.due_date, extension.days, cap)
                self.calendar.warn_uncovered(db, deadline, now)
                new_due = max(deadline.due, topic.due_date)
            status = "approved" if approve else "refused"
            if not topics.decide_extension(db, extension_id, status, person.user_id, now, new_due):
                raise Denied("topics.extension_decided")
            if new_due is not None:
                topics.set_due(db, topic.id, new_due, now, extended=True)
            event = audit.record(
                db,
                person.user_id,
                "topic.extended" if approve else "topic.extension_refused",
                f"topic:{topic.id}",
                village_code=topic.village_code,
                after={"due": (new_due or topic.due_date).isoformat(), "reason": extension.reason},
            )
            notices.to_person(
                db,
                f"a{event}:official",
                extension.requested_by,
                self.language,
                "topics.extension_approved" if approve else "topics.extension_refused",
                receipt=topic.receipt,
                due=(new_due or topic.due_date).isoformat(),
            )
            if approve:  # cn-practice §4.5: the reason is shown to the requester
                notices.to_person(
                    db,
                    f"a{event}:requester",
                    topic.requester_id,
                    self.language,
                    "topics.extension_requester",
                    receipt=topic.receipt,
                    due=new_due.isoformat(),
                    reason=extension.reason,
                )
            key = "topics.extension_approved_ack" if approve else "topics.extension_refused_ack"
            due = (new_due or topic.due_date).isoformat()
            result = Reply(key, {"receipt": topic.receipt, "due": due})
            self._tell(db, f"a{event}:answer", reply, person, result)
        return result

    # -- transfer --------------------------------------------------------------------------

    def transfer_targets(self, person: Person, topic: Topic) -> Reply:
        self._check_handler(person, topic)
        others = [
            m
            for m in members.of_village(self.store.db, topic.village_code)
            if m.role == "official" and m.user_id != person.user_id
        ]
        if not others:
            raise Denied("topics.no_transfer_target")
        rows = [
            [Button(f"{m.title or m.display_name}", f"tp:tt:{topic.id}:{m.user_id}", literal=True)]
            for m in others
        ]
        return Reply("topics.form.transfer", {"receipt": topic.receipt}, _rows(*rows))

    def transfer(
        self, person: Person, topic: Topic, target: str | int, reply: ReplyTo | None = None
    ) -> Topic:
        """Hand over to another official of the village (FCR-02: transfer, never drop);
        the first owner of record stays (FCR-01, FCR-04)."""
        self._check_handler(person, topic)
        db = self.store.db
        officials = {
            m.user_id: m for m in members.of_village(db, topic.village_code) if m.role == "official"
        }
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
            event = audit.record(
                db,
                person.user_id,
                "topic.transferred",
                f"topic:{topic.id}",
                village_code=topic.village_code,
                after={"post": post},
            )
            moved = topics.get(db, topic.id)
            self._feedback_notice(
                db, f"a{event}:notice:{member.user_id}", member.user_id, moved, "topics.notice"
            )
            notices.answer(
                db,
                f"a{event}:answer",
                reply,
                person.language,
                "topics.transferred_ack",
                receipt=topic.receipt,
                post=post,
            )
            return moved

    # -- urging ----------------------------------------------------------------------------

    def urge(
        self, person: Person, topic: Topic, note: str | None, reply: ReplyTo | None = None
    ) -> Topic:
        """督办 by township staff (URG-01, URG-05): recorded and shown in the history."""
        person.require("township")
        if not topic.is_open:
            raise Denied("topics.not_open", receipt=topic.receipt)
        note = (note or "").strip()[:NOTE_MAX] or None
        now = self.now()
        with self.store.transaction() as db:
            topics.add_urge(db, topic.id, person.user_id, note, now)
            event = audit.record(
                db,
                person.user_id,
                "topic.urged",
                f"topic:{topic.id}",
                village_code=topic.village_code,
                after={"note": note, "auto": False},
            )
            self._urge_notice(db, event, topic, note)
            notices.answer(
                db,
                f"a{event}:answer",
                reply,
                person.language,
                "topics.urged_ack",
                receipt=topic.receipt,
            )
        return topic

    def _urge_notice(self, db: Database, event: int, topic: Topic, note: str | None) -> None:
        for uid in self._handlers(db, topic):
            notices.to_person(
                db,
                f"a{event}:urge:{uid}",
                uid,
                self.language,
                "topics.urge_notice",
                rows=notices.handling_buttons(topic.id),
                receipt=topic.receipt,
                text=topic.text,
                due=topic.due_date.isoformat(),
                note=note or "—",
            )

    def auto_urge(self, now: datetime) -> list[str]:
        """Topics past due are urged once a day automatically (URG-01, cn-practice §4.5)."""
        today = self.local_date(now)
        done = topics.auto_urged_on(self.store.db, today)
        urged = []
        for topic in topics.overdue(self.store.db, today):
            if topic.id in done:
                continue
            with self.store.transaction() as db:
                if topics.add_urge(db, topic.id, None, None, now, auto_day=today) is None:
                    continue
                event = audit.record(
                    db,
                    None,
                    "topic.urged",
                    f"topic:{topic.id}",
                    village_code=topic.village_code,
                    after={"note": None, "auto": True, "days_late": (today - topic.due_date).days},
                )
                self._urge_notice(db, event, topic, None)
            urged.append(topic.receipt)
        return urged

    # -- routes ----------------------------------------------------------------------------

    def set_route(
        self,
        person: Person,
        village: str,
        category: str,
        member_ref: str,
        reply: ReplyTo | None = None,
    ) -> Route:
        """/route: township staff name the official for a village's category (or its head)."""
        person.require("township")
        code = self._village_code(village)
        if category not in (*CATEGORIES, "head"):
            raise Denied("topics.route_usage")
        ref = member_ref.strip().lstrip("#")
        now = self.now()
        with self.store.transaction() as db:
            if ref in ("-", "clear"):
                topics.clear_route(db, code, category)
                user_id = None
            else:
                member = members.get(db, int(ref)) if ref.isdigit() else None
                if member is None or member.role != "official" or member.village_code != code:
                    raise Denied("topics.route_not_official", ref=member_ref)
                user_id = member.user_id
                topics.set_route(db, code, category, user_id, person.user_id, now)
            event = audit.record(
                db,
                person.user_id,
                "topic.route_set",
                f"route:{code}:{category}",
                village_code=code,
                after={"user_id": user_id},
            )
            notices.answer(
                db,
                f"a{event}:answer",
                reply,
                person.language,
                "topics.route.set" if user_id else "topics.route.cleared",
                village=self.village_name(code),
                category=category_term(category)
                if category != "head"
                else Term("topics.route.head"),
                post=self.post_of(db, user_id, code) if user_id else "—",
            )
            return Route("route" if user_id else "cleared", user_id, ())

    def routes(self, person: Person, village: str) -> dict[str, str]:
        """category → post, for /route <village>."""
        person.require("township")
        code = self._village_code(village)
        db = self.store.db
        rules = {r.category: r.user_id for r in self.limits.routes if r.village == code}
        rules |= topics.routes(db, code)
        return {c: self.post_of(db, uid, code) for c, uid in rules.items()}

    # -- statistics and reports ------------------------------------------------------------

    def stats(self, person: Person, args: list[str]) -> tuple[Period, list[Counts], Counts]:
        """/stats [village] [period]: township staff see all villages, officials their own."""
        village_code, period_text = None, None
        for arg in args:
            village = villages.get(self.store.db, arg.strip().lower())
            if village is not None:
                village_code = village.code
            else:
                period_text = arg
        if not person.is_township:
            own = next((m.village_code for m in person.roles if m.role == "official"), None)
            if own is None or village_code not in (None, own):
                raise Denied("denied.role", role=Term("roles.township"))
            village_code = own
        today = self.local_date(self.now())
        period = parse_period(period_text, today)
        rows, total = compute(self.store.db, period, today, self.config.township.tz, village_code)
        return period, rows, total

    def chart(self, period: Period, rows: list[Counts], language: str) -> bytes:
        """The bar chart PNG for /stats, labelled in the reader's language."""
        labels = tuple(
            t_plain(language, f"topics.chart.{k}") for k in ("filed", "answered", "overdue")
        )
        title = t_plain(language, "topics.chart.title", period=period.label)
        return bar_chart(rows, title, labels, t_plain(language, "topics.chart.empty"))

    def report(
        self, person: Person, period_text: str | None, language: str
    ) -> tuple[Period, bytes]:
        """/report <period>: the XLSX workbook (township staff only)."""
        person.require("township")
        today = self.local_date(self.now())
        period = parse_period(period_text, today)
        rows, total = compute(self.store.db, period, today, self.config.township.tz)
        data = workbook(
            self.store.db,
            period,
            rows,
            total,
            self.config.township.tz,
            lambda key: t_plain(language, key),
        )
        return period, data
